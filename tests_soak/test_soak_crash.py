"""kill -9 of the process sending a deposit after Chorus Pro took the piece (or the file) and before Odoo committed the
outcome: the threaded server itself, or, in prefork mode (`make soak`), the cron worker process holding the deposit's
row lock while the server and the other server live on."""

import time

import harness
import ledger
import pytest
from conftest import MODES

# Where the server dies: after the submission is recorded (the piece is on Chorus Pro), or after the upload only.
MOMENTS = ("works_submit", "file_upload")


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.mark.parametrize("mode", MODES)
def test_kill_9_between_chorus_pro_yes_and_the_commit(odoo, emulator, fresh_db, size, figures, mode):
    db = fresh_db(f"crash_{mode}")
    if mode == "prefork":
        servers = [odoo.server(db, f"crash-prefork-{index}", cron_threads=1, workers=2) for index in range(2)]
        try:
            cycles = [_prefork_cycle(servers, emulator, db, cycle) for cycle in range(size["crashes"])]
        finally:  # never left sending to the suite's emulator while the next case runs
            for server in servers:
                server.stop()
    else:
        cycles = [_crash_cycle(odoo, emulator, db, cycle) for cycle in range(size["crashes"])]
    figures["crash" if mode == "threaded" else f"crash_{mode}"] = {
        "kills": len(cycles),
        "after_submission": sum(c["moment"] == "works_submit" for c in cycles),
        "after_upload": sum(c["moment"] == "file_upload" for c in cycles),
        "pieces_on_chorus_pro": sum(c["pieces"] for c in cycles),
        "duplicated": sum(c["pieces"] - 1 + c["refused_again"] for c in cycles),
        "recovery_seconds_max": round(max(c["recovery"] for c in cycles), 2),
    }


def _present_while_chorus_pro_holds(rpc, emulator, tag, moment, senders=1):
    """One situation presented; its deposit's call (moment) processed by Chorus Pro, whose answer is held: the sender
    waits for it. Returns (situation id, deposit read) once the piece (or the file) is on the emulator.

    With several senders, a second one may take the deposit in the instant between the first one's commit of its
    attempt and its taking the row again: two attempts on record, the second looks the piece up before sending it.
    """
    [situation] = ledger.create_situations(rpc, emulator.seed, tag, 1)
    files = len(emulator.files)
    emulator.inject(moment, "held_answer", latency=120)
    rpc.call("ediflex.situation", "action_present", [situation])
    [deposit] = rpc.deposits([("situation_id", "=", situation)])
    number = deposit["piece_number"]
    if moment == "works_submit":
        _wait(lambda: emulator.piece_by_number(number), 60, f"piece {number} on the emulator")
    else:
        _wait(lambda: len(emulator.files) > files, 60, f"file of {number} on the emulator")
    [before] = rpc.deposits([("situation_id", "=", situation)])
    # The attempt is on record, its outcome is not: Odoo has not committed what Chorus Pro answered.
    assert before["state"] == "to_send" and 1 <= before["attempts"] <= senders, before
    return situation, before


def _sent_once(rpc, emulator, situation, number, moment, started):
    """After the kill and a cron run: the deposit sent, one piece on Chorus Pro, with its id; the cycle's figures."""
    [after] = _wait(lambda: [d for d in rpc.deposits([("situation_id", "=", situation)])
                             if d["state"] in ledger.ON_CHORUS], 60, f"deposit {number} sent after the kill")
    recovery = time.monotonic() - started
    pieces = [piece for piece in emulator.pieces if piece["numeroFacture"] == number]
    refused_again = sum(emulator.duplicates.values())
    assert len(pieces) == 1 and not refused_again, (pieces, emulator.duplicates)
    # Sent, with the id Chorus Pro gave (found by the look-up, with the piece's status: "received" then).
    assert after["state"] in ("sent", "received") and after["chorus_piece_id"] == pieces[0]["id"], after
    emulator.reset_counts()
    return {"moment": moment, "pieces": len(pieces), "refused_again": refused_again, "recovery": recovery}


def _prefork_cycle(servers, emulator, db, cycle):
    """One situation presented through an HTTP worker; the cron worker that sends it killed while Chorus Pro holds
    its answer; its master spawns another; Odoo's "Run Manually" sends the deposit (looked up first)."""
    moment = MOMENTS[cycle % len(MOMENTS)]
    rpc = servers[cycle % 2].rpc
    situation, deposit = _present_while_chorus_pro_holds(rpc, emulator, f"PCRASH{cycle}", moment, len(servers))
    holder = harness.row_lock_holder(db, "ediflex_chorus_deposit", deposit["id"])
    cron_workers = {pid: server for server in servers for pid in server.worker_pids("WorkerCron")}
    assert holder in cron_workers, (holder, cron_workers)  # a cron worker sends, not an HTTP worker
    harness.kill_pid(holder)
    emulator.clear_faults()
    started = time.monotonic()
    # The master spawns a new cron worker; the other server never stopped.
    [respawned] = cron_workers[holder].wait_workers("WorkerCron", 1, exclude=(holder,))
    assert respawned != holder and all(server.alive for server in servers)
    rpc.run_cron()
    return _sent_once(rpc, emulator, situation, deposit["piece_number"], moment, started)


def _crash_cycle(odoo, emulator, db, cycle):
    """One situation presented, the server killed while Chorus Pro holds its answer, restarted, the cron run."""
    moment = MOMENTS[cycle % len(MOMENTS)]
    server = odoo.server(db, f"crash-{cycle}-before")
    situation, deposit = _present_while_chorus_pro_holds(server.rpc, emulator, f"CRASH{cycle}", moment)
    server.kill()
    assert not server.alive
    emulator.clear_faults()
    started = time.monotonic()
    restarted = odoo.server(db, f"crash-{cycle}-after")
    restarted.rpc.run_cron()
    figures = _sent_once(restarted.rpc, emulator, situation, deposit["piece_number"], moment, started)
    restarted.stop()
    return figures
