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
SHORT_SIZES = {"situations": 18, "queue": 12, "crashes": 2, "real_timeouts": 0}


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
    lines = [
        TITLE,
        "",
        f"`make soak` on {day} at commit `{found.get('commit', '?')}`, one run of {minutes(found['total_seconds'])} "
        "on this project's 2-core machine (shared), against real Odoo 18 server "
        "processes (`odoo-bin --workers=0` with cron threads, on free loopback ports, started and killed by the suite "
        "in `tests_soak/`) and the emulator; the figures come from comparing Odoo's deposits (JSON-RPC) with the "
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
        f"| whole run | wall time | {found['total_seconds']} s |",
        "",
        "How: lost = a deposit of a presented or accepted situation that is not on Chorus Pro and not truly rejected "
        "(or a click that recorded no deposit); duplicated = a second piece of one number on the emulator, or a "
        "submission the emulator refused because the number was already there; false rejection = a deposit "
        "\"Rejected\" whose piece is on Chorus Pro or whose code is not the injected business error; a deposit "
        "matches when \"Sent\"/\"In progress\" with the emulator's piece id, or rejected with no piece. Retry waits "
        "are skipped by moving the next attempt date to now (time passing), then running the send cron. "
        f"Sizes: {sizes['situations']} situations, a queue of {sizes['queue']} deposits, {sizes['crashes']} kills, "
        f"{sizes['real_timeouts']} answer(s) held past the client's 30 s timeout.",
        "",
    ]
    # Prose wrapped as the rest of the file; table rows stay one line each.
    return "\n".join(line if line.startswith("|") else textwrap.fill(line, 116) for line in lines)


def minutes(seconds):
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def sizes_short():
    return (f"{SHORT_SIZES['situations']} situations, a queue of {SHORT_SIZES['queue']} deposits, "
            f"{SHORT_SIZES['crashes']} kills: about 2 minutes")


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
    faults, race, crash = found["faults"], found["race"], found["crash"]
    duplicated = faults["duplicated"] + race["duplicated"] + crash["duplicated"]
    return (f"soak: {faults['deposits'] + race['deposits'] + crash['kills']} deposits checked; lost "
            f"{faults['lost'] + race['lost']}, duplicated {duplicated}, false rejections {faults['false_rejections']} "
            f"(true rejections {faults['true_rejections']}); {found['total_seconds']} s")


def main(argv):
    with open(argv[1], encoding="utf-8") as results:
        found = json.load(results)
    missing = [case for case in ("crash", "race", "faults") if case not in found]
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
