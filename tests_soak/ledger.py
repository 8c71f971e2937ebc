"""Situations made through a server's JSON-RPC, and the audit of Odoo's deposits against what the emulator holds."""

import collections
import time

INJECTED_CODE = 99001  # the codeRetour of the business errors the soak injects: a rejection with it is a true one
ON_CHORUS = ("sent", "received", "done")
UNSETTLED = ("to_send", "error", "waiting")


def partners(rpc, seed):
    """(owner id, manager id) of the template's public bodies."""
    found = {}
    for key, structure in (("owner", seed.no_rules), ("manager", seed.moe)):
        found[key] = rpc.call("res.partner", "search", [("chorus_siret", "=", structure.siret)], limit=1)[0]
    return found["owner"], found["manager"]


def create_situations(rpc, seed, tag, count):
    """count draft situations, one contract each (so each is number 1 of its contract); returns their ids."""
    owner, manager = partners(rpc, seed)
    return rpc.call("ediflex.situation", "create", [{
        "contract_number": f"SOAK-{tag}-{index:04d}",
        "commitment_number": "EJ-0001",
        "owner_id": owner,
        "manager_id": manager,
        "number": 1,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "date": "2026-11-02",
        "line_ids": [
            (0, 0, {"code": "1.1", "name": "Earthworks", "contract_amount": 10000.0 + index, "progress_percent": 40.0}),
            (0, 0, {"code": "1.2", "name": "Foundations", "contract_amount": 25000.0, "progress_percent": 10.0,
                    "vat_rate": 10.0}),
        ],
    } for index in range(count)])


def present_and_accept(rpc, situation_id):
    """The contractor presents (A4 recorded), the project owner accepts (A6 recorded): the user's two clicks."""
    rpc.call("ediflex.situation", "action_present", [situation_id])
    rpc.call("ediflex.situation", "action_accept", [situation_id])


def wait_settled(rpc, situation_ids, timeout=600):
    """Wait until no deposit of these situations is to send (sent, failed, waiting for its retry...)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not rpc.call("ediflex.chorus.deposit", "search_count",
                        [("situation_id", "in", situation_ids), ("state", "=", "to_send")]):
            return
        time.sleep(0.5)
    raise AssertionError(f"deposits still to send after {timeout} s")


def drain(rpc, situation_ids, rounds=12):
    """Let time pass and run the send cron until nothing of these situations is due or waits for a retry.

    Returns the rounds it took (rounds + 1 when some were still waiting after the last).
    """
    waiting = [("situation_id", "in", situation_ids), "|", ("state", "=", "to_send"),
               "&", ("state", "=", "error"), ("retryable", "=", True)]
    for done in range(rounds):
        rpc.time_passes()
        rpc.run_cron()
        if not rpc.call("ediflex.chorus.deposit", "search_count", waiting):
            return done + 1
    return rounds + 1


def retry_by_hand(rpc, situation_ids):
    """A person presses "Retry" on the deposits whose automatic attempts are over; returns how many."""
    stuck = rpc.call("ediflex.chorus.deposit", "search", [("situation_id", "in", situation_ids),
                                                          ("state", "=", "error"), ("retryable", "=", False)])
    if stuck:
        rpc.call("ediflex.chorus.deposit", "action_retry", stuck)
    return len(stuck)


def audit(rpc, emulator, situation_ids, frames=("A4", "A6")):
    """Odoo's deposits of these situations against the emulator's pieces: the soak's counts, and what is wrong."""
    deposits = rpc.deposits([("situation_id", "in", situation_ids)])
    pieces = collections.defaultdict(list)
    for piece in emulator.pieces:
        pieces[piece["numeroFacture"]].append(piece)
    problems, counts = [], collections.Counter()
    by_situation = collections.defaultdict(list)
    for deposit in deposits:
        by_situation[deposit["situation_id"][0]].append(deposit["frame"])
        kind = _judge(deposit, pieces.get(deposit["piece_number"], []))
        counts[kind] += 1
        if kind not in ("on_chorus_pro", "true_rejection"):
            problems.append((kind, deposit))
    for situation_id in situation_ids:
        missing = sorted(set(frames) - set(by_situation.get(situation_id, [])))
        counts["lost"] += len(missing)  # a click that recorded no deposit
        problems += [("lost", {"situation_id": situation_id, "frame": frame}) for frame in missing]
    numbers = {deposit["piece_number"] for deposit in deposits}
    duplicated = sum(len(found) - 1 for number, found in pieces.items() if number in numbers)
    refused_again = sum(count for number, count in emulator.duplicates.items() if number in numbers)
    strangers = sorted(set(pieces) - numbers)  # pieces on Chorus Pro that no deposit of the run claims
    return {
        "deposits": len(deposits),
        "on_chorus_pro": counts["on_chorus_pro"],
        "lost": counts["lost"],
        # A second piece of one number, or a second deposit that Chorus Pro refused only because of its number.
        "duplicated": duplicated + refused_again,
        "false_rejections": counts["false_rejection"],
        "true_rejections": counts["true_rejection"],
        "state_mismatches": counts["mismatch"] + len(strangers),
        "attempts": sum(deposit["attempts"] for deposit in deposits),
        "max_attempts": max((deposit["attempts"] for deposit in deposits), default=0),
        "problems": problems[:20] + [("stranger", number) for number in strangers[:5]],
    }


def told(counts):
    """The audit as lines a person reads when an assertion fails: each count, then each problem."""
    lines = [f"{key}: {value}" for key, value in counts.items() if key != "problems"]
    lines += [f"{kind}: {detail}" for kind, detail in counts["problems"]]
    return "\n".join(lines)


def _judge(deposit, found):
    """What a deposit's state says against the pieces of its number on the emulator."""
    state = deposit["state"]
    if state in ON_CHORUS:
        if not found:
            return "lost"  # Odoo believes it sent: nothing is there
        return "on_chorus_pro" if deposit["chorus_piece_id"] == found[0]["id"] else "mismatch"
    if state == "rejected":
        injected = str(deposit["error_code"]) == str(INJECTED_CODE)
        return "true_rejection" if injected and not found else "false_rejection"
    if state in UNSETTLED:
        return "mismatch" if found else "lost"  # there but unknown to Odoo, or left behind
    return "mismatch"  # cancelled or refused: nothing in the soak asks for it
