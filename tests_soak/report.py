"""Prints the soak's figures (SOAK_RESULTS) and, with --write, puts them into docs/BENCHMARKS.md under their section.

    python tests_soak/report.py var/soak-results.json [--write docs/BENCHMARKS.md]

Only the section "## Crashes, concurrency and faults (make soak)" is replaced; the rest of the file is left as it is.
"""

# pylint: disable=print-used

import collections
import datetime
import json
import os
import sys
import textwrap

TITLE = "## Crashes, concurrency and faults (make soak)"
# The sizes of the short suite that `make test` runs (the fixtures' defaults); `make soak` sets larger ones through
# SOAK_N, SOAK_QUEUE, SOAK_CRASHES and SOAK_REAL_TIMEOUTS (tools/soak.sh).
SHORT_SIZES = {"situations": 18, "queue": 12, "crashes": 2, "real_timeouts": 0, "drain": 16, "portal": 3}


def ratio(part, whole):
    return f"{part / whole:.3f}" if whole else "-"


def section(found):
    """The markdown section of one run's figures."""
    crash, race, faults, sizes = found["crash"], found["race"], found["faults"], found["sizes"]
    deposits = faults["deposits"]
    played = collections.Counter()
    for case in faults["cases"].values():
        played.update(case["played"])
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(played.items()))
    per_case = ", ".join(f"{name} {case['seconds']} s" for name, case in faults["cases"].items())
    day = datetime.date.today().isoformat()
    load = found.get("load_before")
    lines = [
        TITLE,
        "",
        f"`make soak` on {day} at commit `{found.get('commit', '?')}`, one run of {minutes(found['total_seconds'])} "
        "on this project's 2-core machine (shared"
        + (f"; load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at its start" if load else "")
        + "), against real Odoo 18 server "
        "processes (`odoo-bin --workers=0` with cron threads, on free loopback ports, started and killed by the suite "
        "in `tests_soak/`"
        + ("; the crash, race and portal cases once more in prefork mode, `--workers=2 --max-cron-threads=1`, two "
           "servers on one database, as in production" if found.get("prefork") else "")
        + ") and the emulator; the figures come from comparing Odoo's deposits (JSON-RPC) with the "
        "pieces the emulator holds. `make test` runs the same suite small "
        f"({sizes_short()}).",
        "",
        "| case | figure | measured |",
        "|---|---|---|",
        f"| `kill -9` after Chorus Pro's yes, before Odoo's commit | kills ({crash['after_submission']} after the "
        f"submission was recorded, {crash['after_upload']} after the upload) | {crash['kills']} |",
        f"| | pieces on Chorus Pro per killed deposit, after a restart and a cron run | "
        f"{ratio(crash['pieces_on_chorus_pro'], crash['kills'])} (ideal 1) |",
        f"| | duplicated | {crash['duplicated']} |",
        f"| | restart to deposit sent, at most | {crash['recovery_seconds_max']} s |",
        f"| one queue, five senders (2 servers' cron threads, Run Manually, 2 processes calling the send method "
        f"directly) | deposits | {race['deposits']} |",
        f"| | submissions per deposit | {ratio(race['submissions'], race['deposits'])} (ideal 1) |",
        f"| | lost / duplicated / state mismatches | {race['lost']} / {race['duplicated']} / "
        f"{race['state_mismatches']} |",
        f"| | share sent by the two direct processes | "
        f"{ratio(sum(race['submitted_by_the_two_shells']), race['deposits'])} |",
        f"| | failed sender runs (errors logged) | {race['failed_sender_runs']} |",
        f"| | time to drain the queue | {race['seconds']} s |",
        f"| {faults['situations']} situations presented and accepted under faults, 8 cases in turn then together "
        f"| deposits | {deposits} |",
        f"| | faults played | {faults['faults_played']} ({kinds}), plus outages (refused connections) |",
        f"| | **lost** | **{faults['lost']}** |",
        f"| | **duplicated** | **{faults['duplicated']}** |",
        f"| | **false rejections** | **{faults['false_rejections']}** |",
        f"| | true rejections (injected business errors) | {faults['true_rejections']} "
        f"(of {faults['business_errors_played']} business errors played) |",
        f"| | deposits whose state does not match Chorus Pro | {faults['state_mismatches']} |",
        f"| | attempts per deposit (mean / max) | {ratio(faults['attempts'], deposits)} / {faults['max_attempts']} |",
        f"| | retried by hand (automatic attempts over) | {faults['retried_by_hand']} |",
        f"| | time of the cases, the users' clicks included (each renders the PDF copy) / drain after | "
        f"{faults['seconds_under_faults']} s ({per_case}) / {faults['seconds_to_drain']} s in "
        f"{faults['drain_rounds']} round(s) |",
        *prefork_rows(found),
        *lanes_rows(found.get("lanes")),
        f"| whole run | wall time | {found['total_seconds']} s |",
        "",
        "How: lost = a deposit of a presented or accepted situation that is not on Chorus Pro and not truly rejected "
        "(or a click that recorded no deposit); duplicated = a second piece of one number on the emulator, or a "
        "submission the emulator refused because the number was already there; false rejection = a deposit "
        "\"Rejected\" whose piece is on Chorus Pro or whose code is not the injected business error; a deposit "
        "matches when \"Sent\"/\"In progress\" with the emulator's piece id, or rejected with no piece. Retry waits "
        "are skipped by moving the next attempt date to now (time passing), then running the send cron. "
        f"Sizes: {sizes['situations']} situations, a queue of {sizes['queue']} deposits, {sizes['crashes']} kills, "
        f"{sizes['real_timeouts']} answer(s) held past the client's 30 s timeout, a drain of {sizes['drain']} deposits"
        + (f", {sizes['portal']} portal acceptances per mode." if found.get("prefork") else "."),
        "",
        "Drain: the queue is recorded with no cron running (each situation presented and accepted, its PDF copy "
        "rendered), copied to a database per run; the servers start, their cron workers are woken with the "
        "notification Odoo sends when a deposit is recorded, and the time runs until no deposit is to send or in "
        "error; every other cron is off in those databases (the drain measures sending alone). Every send lane (4 "
        "identical send crons, `SEND_LANES`) is triggered at once; Odoo runs one cron "
        "record in one worker at a time, so 1 cron worker takes the lanes one after the other (1 sender) and 4 take "
        "one each; the deposit's row lock (`FOR UPDATE SKIP LOCKED`) keeps each deposit to one sender. Odoo's CPU is "
        "the cron worker processes' user and system time over the drain (`/proc`), PostgreSQL's and the emulator's "
        "apart.",
        "",
    ]
    # Prose wrapped as the rest of the file; table rows stay one line each.
    return "\n".join(line if line.startswith("|") else textwrap.fill(line, 116) for line in lines)


def prefork_rows(found):
    """The rows of the prefork cases and of the portal's acceptances, those of this run."""
    rows = []
    crash, race = found.get("crash_prefork"), found.get("race_prefork")
    if crash:
        rows += [
            f"| prefork: `kill -9` of the cron worker process holding the deposit's row lock (found by "
            f"`pg_blocking_pids`), after Chorus Pro's yes; its master spawns another | kills "
            f"({crash['after_submission']} after the submission, {crash['after_upload']} after the upload) | "
            f"{crash['kills']} |",
            f"| | pieces on Chorus Pro per killed deposit, after a Run Manually in an HTTP worker | "
            f"{ratio(crash['pieces_on_chorus_pro'], crash['kills'])} (ideal 1) |",
            f"| | duplicated | {crash['duplicated']} |",
            f"| | kill to deposit sent, at most | {crash['recovery_seconds_max']} s |",
        ]
    if race:
        rows += [
            f"| prefork: one queue, five senders (the cron worker processes of 2 prefork servers, Run Manually in an "
            f"HTTP worker, 2 processes calling the send method directly) | deposits | {race['deposits']} |",
            f"| | submissions per deposit | {ratio(race['submissions'], race['deposits'])} (ideal 1) |",
            f"| | lost / duplicated / state mismatches | {race['lost']} / {race['duplicated']} / "
            f"{race['state_mismatches']} |",
            f"| | failed sender runs (errors logged) | {race['failed_sender_runs']} |",
            f"| | time to drain the queue | {race['seconds']} s |",
        ]
    for mode in ("threaded", "prefork"):
        portal = found.get(f"portal_{mode}")
        if portal:
            where = "the HTTP thread of 1 threaded server" if mode == "threaded" else \
                f"the HTTP worker processes of {portal['servers']} prefork servers"
            rows += [
                f"| {mode}: the project owner's portal user accepts over HTTP (/my/situations/<id>/accept, served by "
                f"{where}), Chorus Pro answering 3 errors 503 and losing 2 answers | situations accepted over HTTP | "
                f"{portal['accepted_over_http']} of {portal['situations']} |",
                f"| | deposits (A4, A6) on Chorus Pro | {portal['on_chorus_pro']} of {portal['deposits']} |",
                f"| | **lost / duplicated / false rejections** | **{portal['lost']} / {portal['duplicated']} / "
                f"{portal['false_rejections']}** |",
                f"| | acceptances to the last deposit sent | {portal['seconds']} s ({portal['drain_rounds']} drain "
                f"round(s)) |",
            ]
    return rows


def lanes_rows(lanes):
    """The send lanes' drain: 1 sender against 4 (prefork cron workers), Chorus Pro at 100 ms per call."""
    if not lanes:
        return []
    four, one = lanes["four"], lanes.get("one")
    title = (f"| send lanes: a queue of {lanes['deposits']} deposits, Chorus Pro at {lanes['latency_ms']} ms per "
             f"call, drained by 4 senders (2 prefork servers `--workers=2 --max-cron-threads=2`)")
    rows = []
    if one:
        rows += [
            f"{title} against 1 (1 server `--max-cron-threads=1`) | **speed-up, 4 senders against 1 (limit ≥ 3.5)** "
            f"| **{lanes['speed_up']}** |",
            f"| | drain time, 1 sender / 4 senders | {one['seconds']} s / {four['seconds']} s |",
            f"| | deposits per second, 1 / 4 | {one['deposits_per_second']} / {four['deposits_per_second']} |",
            f"| | Odoo's CPU per deposit in the cron workers, 1 / 4 | {one['odoo_cpu_ms_per_deposit']} ms / "
            f"{four['odoo_cpu_ms_per_deposit']} ms |",
            f"| | the emulator's CPU per deposit (the suite's process), 1 / 4 | "
            f"{one['emulator_cpu_ms_per_deposit']} ms / {four['emulator_cpu_ms_per_deposit']} ms |",
            f"| | HTTP calls to Chorus Pro per deposit (tokens included), 1 / 4 | "
            f"{one['calls_per_deposit']} / {four['calls_per_deposit']} |",
            f"| | the machine's CPU busy over the drain (2 cores, every process of the machine), 1 / 4 | "
            f"{round(100 * one['machine_busy'])} % / {round(100 * four['machine_busy'])} % |",
            f"| | load average when each drain started, 1 / 4 | {one['load_at_start']} / {four['load_at_start']} |",
        ]
    else:
        rows.append(f"{title} | drain time | {four['seconds']} s |")
    for name, run in (("1 sender", one), ("4 senders", four)):
        if run:
            shares = ", ".join(str(count) for count in sorted(run["sent_by_worker"].values(), reverse=True))
            rows.append(f"| | {name}: lost / duplicated / submissions per deposit; deposits sent by each cron worker "
                        f"| {run['lost']} / {run['duplicated']} / {ratio(run['submissions'], lanes['deposits'])}; "
                        f"{shares} |")
    return rows


def minutes(seconds):
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def sizes_short():
    return (f"{SHORT_SIZES['situations']} situations, a queue of {SHORT_SIZES['queue']} deposits, "
            f"{SHORT_SIZES['crashes']} kills, and one prefork case: a queue of {SHORT_SIZES['drain']} deposits drained "
            "by the send lanes of 2 prefork servers' cron workers; about 3 minutes")


def write(path, text):
    """Replace (or add) the section in the file; a missing file is created with this section only."""
    body = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as current:
            body = current.read()
    if TITLE in body:
        start = body.index(TITLE)
        following = body.find("\n## ", start + len(TITLE))
        end = following + 1 if following != -1 else len(body)
        body = body[:start] + text + ("\n" if following != -1 else "") + body[end:]
    else:
        body = (body.rstrip("\n") + "\n\n" if body.strip() else "") + text
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(body)


def summary(found):
    faults = found["faults"]
    races = [found[key] for key in ("race", "race_prefork") if key in found]
    crashes = [found[key] for key in ("crash", "crash_prefork") if key in found]
    portals = [found[key] for key in ("portal_threaded", "portal_prefork") if key in found]
    lanes = [run for key, run in found.get("lanes", {}).items() if key in ("one", "four")]
    checked = faults["deposits"] + sum(r["deposits"] for r in races + portals) + sum(c["kills"] for c in crashes) \
        + len(lanes) * found.get("lanes", {}).get("deposits", 0)
    lost = faults["lost"] + sum(r["lost"] for r in races + portals + lanes)
    duplicated = faults["duplicated"] + sum(r["duplicated"] for r in races + crashes + portals + lanes)
    false = faults["false_rejections"] + sum(p["false_rejections"] for p in portals)
    lanes_found = found.get("lanes", {})
    speed_up = f"; send lanes 4 against 1: {lanes_found['speed_up']}x" if "speed_up" in lanes_found else ""
    return (f"soak: {checked} deposits checked; lost {lost}, duplicated {duplicated}, false rejections {false} "
            f"(true rejections {faults['true_rejections']}){speed_up}; {found['total_seconds']} s")


def main(argv):
    with open(argv[1], encoding="utf-8") as results:
        found = json.load(results)
    cases = ("crash", "race", "faults", "lanes")
    if found.get("prefork"):
        cases += ("crash_prefork", "race_prefork", "portal_threaded", "portal_prefork")
    missing = [case for case in cases if case not in found]
    if missing:
        print(f"soak: no figures for {', '.join(missing)} (a case failed or was skipped)")
        return 1
    text = section(found)
    print(text)
    print(summary(found))
    if len(argv) > 3 and argv[2] == "--write":
        write(argv[3], text)
        print(f"written into {argv[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
