"""N situations presented and accepted while Chorus Pro misbehaves in every way, in turn and then together: in the end
no deposit lost, none twice, no false rejection, and every deposit in the state that matches what Chorus Pro holds."""

import collections
import random
import threading
import time

import ledger

CASES = ("refused_connections", "timeouts", "5xx_bursts", "429", "token_expiry", "malformed_json",
         "business_errors", "lost_answers")
CLIENT_TIMEOUT = 30  # the send cron's client timeout (CLIENT_TIMEOUT_SECONDS): a held answer beyond it is a timeout
MALFORMED = (  # (body, HTTP status, Content-Type) of answers that are not Chorus Pro's JSON
    ("<html><body>Gateway error</body></html>", 200, "text/html"),
    ('{"codeRetour": 0, "identifiantFactureCPP": ', 200, "application/json"),
    ('{"unexpected": true}', 400, "application/json"),
    ("", 200, "application/json"),
)


class Chaos:
    """Arms the emulator with one case's faults for k situations; ``between`` plays what happens between clicks."""

    def __init__(self, emulator, rpc, rng, real_timeouts=0):
        self.emulator = emulator
        self.rpc = rpc
        self.rng = rng
        self.port = emulator.port
        self.outage = None
        self.real_timeouts = real_timeouts  # answers held beyond the client's timeout (30 s of cron time each)

    def arm(self, case, k):
        getattr(self, "_" + case)(k)

    def between(self, case, situation_ids):
        if case == "token_expiry":
            # The tokens Odoo holds die between two batches: the next call meets a 401 and renews once.
            ledger.wait_settled(self.rpc, situation_ids)
            self.emulator.expire_tokens()
            self._expired_token_once(self.rng.choice(("works_submit", "file_upload")))

    def calm(self):
        """No fault left, the emulator listening again."""
        if self.outage:
            self.outage.join()
            self.outage = None
        if self.emulator.url is None:
            self.emulator.start(self.port)
        self.emulator.clear_faults()

    def _refused_connections(self, k):
        if self.emulator.url is not None:
            self.emulator.stop()  # nothing listens on the port: connections are refused

    def outage_for(self, seconds):
        """The emulator down for a few seconds, in the background, while Odoo sends."""
        def down_then_up():
            self.emulator.stop()
            time.sleep(seconds)
            self.emulator.start(self.port)
        if self.emulator.url is not None and self.outage is None:
            self.outage = threading.Thread(target=down_then_up)
            self.outage.start()

    def _timeouts(self, k):
        # Processed by Chorus Pro, answered after the client gave up (the worst timeout); then silent drops.
        if self.real_timeouts:
            self.emulator.inject("works_submit", "held_answer", count=self.real_timeouts, latency=CLIENT_TIMEOUT + 1)
            self.real_timeouts = 0
        self.emulator.inject("*", "timeout", count=k, latency=0.5)

    def _5xx_bursts(self, k):
        for index in range(k):
            self.emulator.inject("*", "server_error", count=3, http_status=(500, 502, 503)[index % 3])

    def _429(self, k):
        self.emulator.inject("*", "rate_limit", count=2 * k, retry_after=1)

    def _token_expiry(self, k):
        self.emulator.expire_tokens()
        self._expired_token_once("works_submit")

    def _expired_token_once(self, operation):
        # One 401 per request: two in a row on one request would say that the credentials are refused.
        if not any(fault["kind"] == "expired_token" for fault in self.emulator.faults):
            self.emulator.inject(operation, "expired_token")

    def _malformed_json(self, k):
        for index in range(2 * k):
            body, status, content_type = MALFORMED[index % len(MALFORMED)]
            self.emulator.inject("*", "malformed", body=body, http_status=status, content_type=content_type)

    def _business_errors(self, k):
        for index in range(k):
            operation = "works_submit" if index % 3 else "file_upload"
            self.emulator.inject(operation, "business_error", code=ledger.INJECTED_CODE,
                                 http_status=(200, 400)[index % 2], label="Refused by Chorus Pro (soak)")

    def _lost_answers(self, k):
        self.emulator.inject("works_submit", "lost_answer", count=k)
        self.emulator.inject("file_upload", "lost_answer", count=max(1, k // 2))
        self.emulator.inject("token", "lost_answer")
        self.emulator.inject("works_search", "lost_answer")

    def together(self, k):
        """A little of every case at once, drawn at random (seeded), with a short outage in the middle."""
        for case in CASES:
            if case == "refused_connections":
                continue
            if case == "business_errors":
                self._business_errors(max(1, k // 4))
            elif case == "timeouts":
                self.emulator.inject("*", "timeout", count=max(1, k // 2), latency=0.5)
            elif case == "token_expiry":
                self._expired_token_once(self.rng.choice(("works_submit", "file_upload")))
            else:
                self.arm(case, max(1, k // 2))


def _slices(items, parts):
    size, extra = divmod(len(items), parts)
    slices, start = [], 0
    for index in range(parts):
        end = start + size + (index < extra)
        slices.append(items[start:end])
        start = end
    return slices


def test_situations_through_every_fault_in_turn_and_together(odoo, emulator, fresh_db, size, figures):
    db = fresh_db("faults")
    server = odoo.server(db, "faults")
    rpc = server.rpc
    count = size["situations"]
    situations = ledger.create_situations(rpc, emulator.seed, "FAULT", count)
    chaos = Chaos(emulator, rpc, random.Random(20261128), size["real_timeouts"])
    cases, started = {}, time.monotonic()
    try:
        for case, batch in zip([*CASES, "together"], _slices(situations, len(CASES) + 1), strict=True):
            if batch:
                cases[case] = _play(chaos, rpc, emulator, case, batch)
    finally:
        chaos.calm()
    # Chorus Pro is well again: time passes, the retries fall due, the cron runs until nothing waits.
    drained = time.monotonic()
    rounds = ledger.drain(rpc, situations)
    # A deposit whose automatic attempts ran out waits for a person's "Retry" (as designed): counted, then done.
    by_hand = ledger.retry_by_hand(rpc, situations)
    if by_hand:
        rounds += ledger.drain(rpc, situations)
    ended = time.monotonic()
    counts = ledger.audit(rpc, emulator, situations)
    server.stop()
    figures["faults"] = {
        "situations": count, **{key: value for key, value in counts.items() if key != "problems"},
        "faults_played": sum(case["faults_played"] for case in cases.values()),
        "cases": cases, "drain_rounds": rounds, "retried_by_hand": by_hand,
        "business_errors_played": emulator_business_errors(cases), "seconds_under_faults": round(drained - started, 1),
        "seconds_to_drain": round(ended - drained, 1),
    }
    told = ledger.told(counts)
    assert counts["deposits"] == 2 * count, told
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["false_rejections"] == 0, told
    assert counts["state_mismatches"] == 0, told
    assert counts["on_chorus_pro"] + counts["true_rejections"] == 2 * count, told


def _play(chaos, rpc, emulator, case, batch):
    """One case: faults armed, the situations presented and accepted, one retry round still under faults."""
    before = emulator.faults_played
    started = time.monotonic()
    arm = (lambda: chaos.together(len(batch))) if case == "together" else (lambda: chaos.arm(case, len(batch)))
    arm()
    for index, situation in enumerate(batch):
        chaos.between(case, batch[:index])
        ledger.present_and_accept(rpc, situation)
        if case == "together" and index == len(batch) // 2:
            chaos.outage_for(2.0)
    ledger.wait_settled(rpc, batch)
    arm()  # the retries meet the same weather
    rpc.time_passes()
    rpc.run_cron()
    chaos.calm()
    deposits = rpc.deposits([("situation_id", "in", batch)])
    states = dict(collections.Counter(deposit["state"] for deposit in deposits))
    played = {kind: count - before.get(kind, 0) for kind, count in emulator.faults_played.items()
              if count > before.get(kind, 0)}
    return {"situations": len(batch), "faults_played": sum(played.values()), "played": played,
            "attempts": sum(deposit["attempts"] for deposit in deposits), "states_before_drain": states,
            "seconds": round(time.monotonic() - started, 1)}


def emulator_business_errors(cases):
    return sum(case["played"].get("business_error", 0) for case in cases.values())
