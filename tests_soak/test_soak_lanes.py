"""Send lanes in production mode: one queue drained by prefork cron workers of two Odoo servers at once, against one
cron worker alone, Chorus Pro answering each call in 100 ms. Each deposit once, none lost; with `make soak` (400
deposits) the four senders must drain the queue at least 3.5 times faster than one."""

import collections
import os
import re
import resource
import time

import harness
import ledger
from chorus_emulator.config import SERVED_OPERATIONS
from conftest import PREFORK, RUN

LATENCY = 0.1  # seconds per Chorus Pro call
SPEED_UP = 3.5  # the limit of `make soak`: 4 senders against 1
# Odoo's line when a cron job's run ends: "<pid> INFO <db> odoo.addons.base.models.ir_cron: Job 'name' (id) processed
# N records, M records remaining".
PROCESSED = re.compile(r"^\S+ \S+ (\d+) INFO \S+ odoo\.addons\.base\.models\.ir_cron: Job '([^']*)' \(\d+\) "
                       r"processed (\d+) records")


def test_send_lanes_drain_one_queue_with_prefork_cron_workers(odoo, emulator, fresh_db, size, figures):
    queue_db = fresh_db("lanes")
    situations = _queue(odoo, emulator, queue_db, max(1, size["drain"] // 2))
    runs = {}
    if PREFORK:  # the baseline: one server, one cron worker
        runs["one"] = _drain(odoo, emulator, queue_db, "one", situations, servers=1, cron_workers=1)
    runs["four"] = _drain(odoo, emulator, queue_db, "four", situations, servers=2, cron_workers=2)
    found = {"deposits": 2 * len(situations), "latency_ms": int(LATENCY * 1000), **runs}
    if "one" in runs:
        found["speed_up"] = round(runs["one"]["seconds"] / runs["four"]["seconds"], 2)
    figures["lanes"] = found
    for name, run in runs.items():
        assert run["lost"] == 0 and run["duplicated"] == 0 and run["state_mismatches"] == 0, (name, run)
        assert run["submissions"] == 2 * len(situations), (name, run)
        assert not run["errors"], (name, run["errors"][:10])
    # Parallel indeed: more than one cron worker sent deposits of the queue.
    assert len(runs["four"]["sent_by_worker"]) >= 2, runs["four"]
    if "one" in runs:
        assert found["speed_up"] >= SPEED_UP, found


def _queue(odoo, emulator, db, count):
    """count situations presented and accepted with no cron worker running: 2 * count deposits to send."""
    builder = odoo.server(db, "lanes-build", cron_threads=0)
    situations = ledger.create_situations(builder.rpc, emulator.seed, "LANE", count)
    for situation in situations:
        ledger.present_and_accept(builder.rpc, situation)
    builder.stop()
    # The drain measures sending alone: every other cron off (Odoo's, and the status follow-up, whose copies of 400
    # fresh pieces would take a worker for 40 s at 100 ms per call), so that no run gets work the other does not.
    others = "SELECT id FROM ir_cron WHERE id NOT IN (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' " \
             "AND module = 'ediflex_chorus' AND name LIKE 'ir_cron_send_deposits%')"
    harness.psql(db, f"UPDATE ir_cron SET active = false WHERE id IN ({others})")
    return situations


def _drain(odoo, emulator, queue_db, name, situations, servers, cron_workers):
    """The queue (a copy of queue_db) drained by ``servers`` prefork servers of ``cron_workers`` cron workers each."""
    db = f"{RUN}_lanes_{name}"
    odoo.copy(queue_db, db)
    emulator.reset()
    emulator.inject("*", "latency", count=None, latency=LATENCY)
    started_servers = [odoo.server(db, f"lanes-{name}-{index}", cron_threads=cron_workers, workers=2)
                       for index in range(servers)]
    try:
        return _measure(emulator, db, name, situations, started_servers, cron_workers)
    finally:  # never left sending to the suite's emulator while the next case runs
        for server in started_servers:
            server.stop()


def _measure(emulator, db, name, situations, started_servers, cron_workers):
    """Wake the cron workers, time the drain, audit it: the run's figures."""
    servers = len(started_servers)
    workers = [pid for server in started_servers for pid in server.wait_workers("WorkerCron", cron_workers)]
    time.sleep(1)  # each cron worker LISTENs right after it says it is alive
    cpu_before = {pid: _cpu_seconds(pid) for pid in workers}
    load, machine, mine = os.getloadavg()[0], _machine_ticks(), resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    _wake_cron_workers(db)
    while harness.psql(db, "SELECT count(*) FROM ediflex_chorus_deposit WHERE state IN ('to_send', 'error')")[0][0] \
            != "0":
        if time.monotonic() - started > 900:
            raise AssertionError(f"the queue of {name} was not drained within 900 s")
        time.sleep(0.2)
    seconds = time.monotonic() - started
    cpu = sum(_cpu_seconds(pid) - before for pid, before in cpu_before.items())
    busy, total = (after - before for after, before in zip(_machine_ticks(), machine, strict=True))
    now = resource.getrusage(resource.RUSAGE_SELF)
    emulator_cpu = now.ru_utime + now.ru_stime - mine.ru_utime - mine.ru_stime
    emulator.clear_faults()
    rpc = started_servers[0].rpc
    counts = ledger.audit(rpc, emulator, situations)
    for server in started_servers:
        server.stop()  # its log complete
    sent_by = collections.Counter()
    errors = []
    for server in started_servers:
        with open(server.log, encoding="utf-8", errors="replace") as log:
            for line in log:
                match = PROCESSED.match(line)
                if match and match[2].startswith("Chorus Pro: send works deposits") and int(match[3]):
                    sent_by[match[1]] += int(match[3])
                if " ERROR " in line or " CRITICAL " in line:
                    errors.append(line.strip())
    deposits = 2 * len(situations)
    return {
        "servers": servers, "cron_workers": servers * cron_workers, "seconds": round(seconds, 1),
        "deposits_per_second": round(deposits / seconds, 2), "odoo_cpu_ms_per_deposit": round(1000 * cpu / deposits),
        # This process: the emulator's threads (and the suite's polling); the machine's share of busy CPU time.
        "emulator_cpu_ms_per_deposit": round(1000 * emulator_cpu / deposits), "machine_busy": round(busy / total, 2),
        "load_at_start": round(load, 2), "sent_by_worker": dict(sent_by),
        "submissions": emulator.request_counts.get(SERVED_OPERATIONS["works_submit"], 0),
        "calls_per_deposit": round(sum(emulator.request_counts.values()) / deposits, 2),
        "lost": counts["lost"], "duplicated": counts["duplicated"], "state_mismatches": counts["state_mismatches"],
        "errors": errors,
    }


def _wake_cron_workers(db):
    # What Odoo itself sends when a deposit is recorded (ir.cron._notifydb): the cron workers LISTEN on "postgres".
    harness.psql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


def _cpu_seconds(pid):
    """User and system CPU time of a process so far, in seconds (0 once it is gone: its errors are in the log)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_ticks():
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat)."""
    with open("/proc/stat", encoding="utf-8") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)
