"""One queue of deposits, five senders on one database at once: the cron threads of two Odoo servers (in prefork mode,
`make soak`: the cron worker processes of two prefork servers), Odoo's "Run Manually" in an HTTP thread (worker), and
two processes that call the send method directly, past Odoo's one-run-per-cron lock: only the deposit's row lock guards
them."""

import json
import os
import time

import ledger
import pytest
from chorus_emulator.config import SERVED_OPERATIONS
from conftest import MODES

# Runs in `odoo-bin shell`: waits for GO, then sends until nothing is due; counts its own submissions and failures.
SENDER = """
import json, os, time
from odoo.addons.ediflex_chorus.chorus import roads
original = roads.WorksRoad._deposit
mine = {"submitted": 0, "runs": 0, "failed_runs": []}

def counting(self, client, frozen, since):
    outcome = original(self, client, frozen, since)
    if not isinstance(outcome, roads.Failed):
        mine["submitted"] += 1
    return outcome

roads.WorksRoad._deposit = counting
while not os.path.exists(os.environ["SOAK_GO"]):
    time.sleep(0.02)
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    try:
        env["ediflex.chorus.connector"]._cron_send_deposits()
        env.cr.commit()
    except Exception as error:  # a failed run is a finding: reported, and the next run goes on
        env.cr.rollback()
        mine["failed_runs"].append(repr(error)[:300])
    mine["runs"] += 1
    env.invalidate_all()
    if not env["ediflex.chorus.deposit"].search_count(env["ediflex.chorus.deposit"]._due_domain()):
        break
    time.sleep(0.02)
with open(os.environ["SOAK_OUT"], "w") as out:
    json.dump(mine, out)
"""


@pytest.mark.parametrize("mode", MODES)
def test_five_senders_one_queue_each_piece_once(odoo, emulator, fresh_db, size, figures, mode):
    db = fresh_db(f"race_{mode}")
    workers = 2 if mode == "prefork" else 0
    seed = emulator.seed
    situations_count = max(1, size["queue"] // 2)
    # The queue is built with no cron thread: nothing leaves before the senders start together.
    builder = odoo.server(db, f"race-{mode}-build", cron_threads=0)
    situations = ledger.create_situations(builder.rpc, seed, "RACE", situations_count)
    for situation in situations:
        ledger.present_and_accept(builder.rpc, situation)
    queued = builder.rpc.call("ediflex.chorus.deposit", "search_count", [("state", "=", "to_send")])
    builder.stop()
    assert queued == 2 * situations_count
    # A few milliseconds per call widen every window between two senders.
    emulator.inject("*", "latency", count=None, latency=0.01)
    go = os.path.join(odoo.work_dir, f"race-{mode}-go")
    outputs = [os.path.join(odoo.work_dir, f"race-{mode}-shell-{index}.json") for index in range(2)]
    shells = [odoo.shell(db, SENDER, f"race-{mode}-shell-{index}", SOAK_GO=go, SOAK_OUT=output)
              for index, output in enumerate(outputs)]
    time.sleep(6)  # the shells load Odoo, then wait for GO
    started = time.monotonic()
    servers = [odoo.server(db, f"race-{mode}-server-{index}", workers=workers) for index in range(2)]
    with open(go, "w", encoding="utf-8"):
        pass
    rpc = servers[0].rpc
    rpc.run_cron()  # a third way in: Odoo's "Run Manually", in an HTTP thread of the first server
    for index, shell in enumerate(shells):
        assert shell.wait(timeout=900) == 0, f"a sender shell failed: see {odoo.log(f'race-{mode}-shell-{index}')}"
    ledger.wait_settled(rpc, situations, timeout=300)
    elapsed = time.monotonic() - started
    emulator.clear_faults()
    counts = ledger.audit(rpc, emulator, situations)
    shell_figures = []
    for output in outputs:
        with open(output, encoding="utf-8") as found:
            shell_figures.append(json.load(found))
    for server in servers:
        server.stop()
    server_errors = [line for server in servers for line in _errors(server.log)]
    submissions = emulator.request_counts.get(SERVED_OPERATIONS["works_submit"], 0)
    figures["race" if mode == "threaded" else f"race_{mode}"] = {
        "deposits": counts["deposits"], "senders": 5, "lost": counts["lost"], "duplicated": counts["duplicated"],
        "state_mismatches": counts["state_mismatches"], "submissions": submissions,
        "submitted_by_the_two_shells": [found["submitted"] for found in shell_figures],
        "failed_sender_runs": sum(len(found["failed_runs"]) for found in shell_figures) + len(server_errors),
        "seconds": round(elapsed, 1),
    }
    told = ledger.told(counts)
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["state_mismatches"] == 0, told
    assert counts["on_chorus_pro"] == 2 * situations_count and submissions == 2 * situations_count, told
    failed = [run for found in shell_figures for run in found["failed_runs"]]
    assert not failed and not server_errors, failed + server_errors[:10]


# Odoo's words when the suite stops a server (threaded, prefork): a cron run under way then fails on its closed
# connection ("cursor already closed"; its transaction rolled back, done again at the next run). That is the suite's
# stop, not a failed sender run: the errors counted are those logged before it.
SHUTDOWN_LINES = ("odoo.service.server: Initiating shutdown", "odoo.service.server: Stopping gracefully")


def _errors(log_path):
    errors = []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            if any(words in line for words in SHUTDOWN_LINES):
                break
            if " ERROR " in line or " CRITICAL " in line:
                errors.append(line.strip())
    return errors
