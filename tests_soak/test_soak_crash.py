"""kill -9 of the Odoo server after Chorus Pro took the piece (or the file) and before Odoo committed the outcome."""

import time

import ledger

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


def test_kill_9_between_chorus_pro_yes_and_the_commit(odoo, emulator, fresh_db, size, figures):
    db = fresh_db("crash")
    cycles = [_crash_cycle(odoo, emulator, db, cycle) for cycle in range(size["crashes"])]
    figures["crash"] = {
        "kills": len(cycles),
        "after_submission": sum(c["moment"] == "works_submit" for c in cycles),
        "after_upload": sum(c["moment"] == "file_upload" for c in cycles),
        "pieces_on_chorus_pro": sum(c["pieces"] for c in cycles),
        "duplicated": sum(c["pieces"] - 1 + c["refused_again"] for c in cycles),
        "recovery_seconds_max": round(max(c["recovery"] for c in cycles), 2),
    }


def _crash_cycle(odoo, emulator, db, cycle):
    """One situation presented, the server killed while Chorus Pro holds its answer, restarted, the cron run."""
    moment = MOMENTS[cycle % len(MOMENTS)]
    server = odoo.server(db, f"crash-{cycle}-before")
    [situation] = ledger.create_situations(server.rpc, emulator.seed, f"CRASH{cycle}", 1)
    files = len(emulator.files)
    # Chorus Pro processes the call for real and holds its answer: the server waits for it when it is killed.
    emulator.inject(moment, "held_answer", latency=120)
    server.rpc.call("ediflex.situation", "action_present", [situation])
    [deposit] = server.rpc.deposits([("situation_id", "=", situation)])
    number = deposit["piece_number"]
    if moment == "works_submit":
        _wait(lambda: emulator.piece_by_number(number), 60, f"piece {number} on the emulator")
    else:
        _wait(lambda: len(emulator.files) > files, 60, f"file of {number} on the emulator")
    [before] = server.rpc.deposits([("situation_id", "=", situation)])
    # The attempt is on record, its outcome is not: Odoo has not committed what Chorus Pro answered.
    assert before["state"] == "to_send" and before["attempts"] == 1, before
    server.kill()
    assert not server.alive
    emulator.clear_faults()
    started = time.monotonic()
    restarted = odoo.server(db, f"crash-{cycle}-after")
    restarted.rpc.run_cron()
    [after] = _wait(lambda: [d for d in restarted.rpc.deposits([("situation_id", "=", situation)])
                             if d["state"] in ledger.ON_CHORUS], 60, f"deposit {number} sent after restart")
    recovery = time.monotonic() - started
    restarted.stop()
    pieces = [piece for piece in emulator.pieces if piece["numeroFacture"] == number]
    refused_again = sum(emulator.duplicates.values())
    assert len(pieces) == 1 and not refused_again, (pieces, emulator.duplicates)
    # Sent, with the id Chorus Pro gave (found by the look-up, with the piece's status: "received" then).
    assert after["state"] in ("sent", "received") and after["chorus_piece_id"] == pieces[0]["id"], after
    emulator.reset_counts()
    return {"moment": moment, "pieces": len(pieces), "refused_again": refused_again, "recovery": recovery}
