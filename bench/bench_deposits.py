"""Benchmark of works deposits against the local emulator (not a test).

    python bench/bench_deposits.py [--deposits 1000] [--latency-deposits 50] [--latency 0.1]
                                   [--drain 500] [--open-pieces 1500] [--pdf-mb 9]

Measures, for sequential deposits (upload the PDF + submit the piece, one client and HTTP session as the send
cron uses per company and run):
- HTTP calls per deposit, read from the emulator's request counts, token calls included (ideal 2.0; the
  limit of 2.01 is checked on the run without latency, the long one);
- deposits per second with no injected latency, as a ratio to 1 / (2 x the single-call round trip measured
  in the same run);
- deposits per second with an injected latency on every request, as a ratio to 1 / (2 x latency);
- the time to drain a queue of --drain deposits with the latency injected, against the ideal of one sequential
  worker (2 calls x latency per deposit; limit 1.5);
- HTTP calls of the status follow-up per open piece (the works search, 100 pieces per page; limit 0.02);
- the récupération (issue 21), counted apart from the follow-up: Chorus Pro's copy downloaded once per piece
  (ideal and limit 1.0 download per piece), and the follow-up's calls per open piece with the one search of the
  pieces "à traiter" added (limit 0.02 as above);
- the peak memory of the client while it uploads a --pdf-mb MB PDF, file included, against the file (limit 3;
  the emulator runs in another process so that only the client is measured).
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "ediflex_chorus"), os.path.join(ROOT, "tests")]

from chorus_emulator import Emulator  # noqa: E402
from factories import minimal_pdf  # noqa: E402

from chorus import client as client_module  # noqa: E402
from chorus import facturx, recovery, works  # noqa: E402
from chorus.client import ChorusClient, Credentials  # noqa: E402

PDF = b"%PDF-1.4\n% benchmark situation\n" + b"0" * 20_000
MAX_CALLS_PER_DEPOSIT = 2.01
SITUATIONS = {}  # piece number -> the situation make_deposits built, for the Factur-X road
MAX_DRAIN_RATIO = 1.5
MAX_STATUS_CALLS_PER_PIECE = 0.02
MAX_MEMORY_RATIO = 3.0
MAX_FLOW_CALLS_PER_DEPOSIT = 1.01
MAX_DOWNLOADS_PER_PIECE = 1.0


def make_deposits(seed, count, prefix):
    """count (payload, document) pairs with distinct piece numbers, built before timing."""
    today = datetime.date.today()
    owner = works.Party(seed.no_rules.siret, seed.no_rules.name, "TECHNIQUE", seed.no_rules.id)
    manager = works.Party(seed.moe.siret, seed.moe.name, "MOE", seed.moe.id)
    contractor = works.Party(seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id)
    contract = works.Contract("MARCHE-BENCH-001", "EJ-BENCH-001", owner, manager)
    line = works.SituationLine("Structural work", Decimal("100000.00"), Decimal("12.5"), Decimal("5000.00"))
    deposits = []
    for index in range(count):
        reference = f"{prefix}-{index:05d}"
        situation = works.Situation(
            piece_number=reference, date=today, period_start=today.replace(day=1), period_end=today, final=False,
            contractor=contractor, contract=contract, lines=(line,), retention_rate=Decimal("5"),
            document=works.Document(f"{reference}.pdf", PDF))
        SITUATIONS[situation.number_for(works.Frame.A4)] = situation
        deposits.append((works.build_works_payload(works.Frame.A4, situation), situation.document))
    return deposits


def deposit(chorus, payload, document):
    """Upload then submit one piece, as the send cron does (2 HTTP calls)."""
    file_id = chorus.upload_file(document.name, document.content)
    return chorus.submit_works(works.with_attachment(payload, file_id))


def client(emu):
    """A client of the emulator (the send cron uses one per company and run)."""
    return ChorusClient(Credentials(**emu.credentials), api_base=emu.url, token_url=emu.token_url)


def cold_client(emu):
    """A client with no cached token, the emulator's request counts at zero: each call it makes is counted."""
    client_module.clear_token_cache()
    emu.reset_counts()
    return client(emu)


@contextlib.contextmanager
def latency_injected(emu, latency):
    """latency seconds injected on every request of the block, the faults cleared after it."""
    emu.inject("*", "latency", count=None, latency=latency)
    try:
        yield
    finally:
        emu.clear_faults()


def round_trip(chorus, seed, calls=200):
    """Mean seconds of one small POST (consult_structure) with a cached token."""
    chorus.consult_structure(seed.no_rules.id)
    start = time.perf_counter()
    for _ in range(calls):
        chorus.consult_structure(seed.no_rules.id)
    return (time.perf_counter() - start) / calls


def run_deposits(emu, deposits):
    """(HTTP calls per deposit, deposits per second) for deposits sent one after the other from a cold cache."""
    with cold_client(emu) as chorus:
        start = time.perf_counter()
        for payload, document in deposits:
            deposit(chorus, payload, document)
        elapsed = time.perf_counter() - start
    calls = sum(emu.request_counts.values())
    return calls / len(deposits), len(deposits) / elapsed


def bench_without_latency(emu, count, prefix):
    """Print the figures of count deposits with no injected latency; True when the calls are within the limit."""
    with client(emu) as chorus:
        rtt = round_trip(chorus, emu.seed)
    print(f"single-call round trip (0 ms injected): {rtt * 1000:.2f} ms")
    calls, rate = run_deposits(emu, make_deposits(emu.seed, count, prefix))
    ideal = 1 / (2 * rtt)
    print(f"0 ms: {count} deposits, {calls:.3f} HTTP calls/deposit (ideal 2.0, limit {MAX_CALLS_PER_DEPOSIT}), "
          f"{rate:.1f} deposits/s = {rate / ideal:.2f} x ideal (1 / (2 x {rtt * 1000:.2f} ms) = {ideal:.1f}/s)")
    return calls <= MAX_CALLS_PER_DEPOSIT, rtt


def bench_with_latency(emu, count, prefix, latency, rtt):
    """Print the figures of count deposits with latency seconds injected on every request."""
    with latency_injected(emu, latency):
        calls, rate = run_deposits(emu, make_deposits(emu.seed, count, prefix))
    ideal = 1 / (2 * latency)
    with_rtt = 1 / (2 * (latency + rtt))
    print(f"{latency * 1000:.0f} ms injected: {count} deposits (fewer, to keep the run short), {calls:.3f} HTTP "
          f"calls/deposit (the one token call weighs 1/{count} here)")
    print(f"  {rate:.2f} deposits/s = {rate / ideal:.2f} x ideal (1 / (2 x {latency * 1000:.0f} ms) = {ideal:.1f}/s); "
          f"{rate / with_rtt:.2f} x 1 / (2 x ({latency * 1000:.0f} ms + measured round trip))")


def bench_flow_road(emu, count, prefix):
    """HTTP calls per deposit on the Factur-X road (deposer/flux), the follow-up apart; Factur-X built before."""
    flows = []
    for payload, document in make_deposits(emu.seed, count, prefix):
        situation = SITUATIONS[payload["numeroFactureSaisi"]]
        xml = facturx.build_cii_xml(works.Frame.A4, situation)
        flows.append((document.name, facturx.build_facturx_pdf(minimal_pdf(), xml)))
    with cold_client(emu) as chorus:
        for name, content in flows:
            chorus.deposit_flow(name, content)
    calls = sum(emu.request_counts.values()) / count
    print(f"Factur-X road: {count} flows, {calls:.3f} HTTP calls/deposit (token included, follow-up apart; "
          f"limit {MAX_FLOW_CALLS_PER_DEPOSIT})")
    return calls <= MAX_FLOW_CALLS_PER_DEPOSIT


def bench_drain(emu, count, prefix, latency):
    """Seconds to drain count queued deposits with latency injected, against one sequential worker's ideal."""
    deposits = make_deposits(emu.seed, count, prefix)
    with latency_injected(emu, latency):
        start = time.perf_counter()
        run_deposits(emu, deposits)
        elapsed = time.perf_counter() - start
    ideal = count * 2 * latency
    ratio = elapsed / ideal
    print(f"drain {count} queued deposits at {latency * 1000:.0f} ms per call: {elapsed:.1f} s = {ratio:.2f} x the "
          f"ideal of one sequential worker ({ideal:.0f} s; limit {MAX_DRAIN_RATIO})")
    return ratio <= MAX_DRAIN_RATIO


def bench_status_follow_up(emu, count, prefix):
    """HTTP calls of the works search per open piece, every piece's status having changed."""
    emu.reset()  # only the open pieces of this figure
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    pieces = emu.add_works_pieces(count, prefix=prefix)
    with cold_client(emu) as chorus:
        seen = sum(len(page) for page in chorus.works_pages(since=since))
    calls = sum(emu.request_counts.values())
    ratio = calls / count
    print(f"status follow-up of {count} open pieces: {calls} HTTP calls (token included), {seen} pieces read = "
          f"{ratio:.4f} calls per open piece (limit {MAX_STATUS_CALLS_PER_PIECE})")
    return ratio <= MAX_STATUS_CALLS_PER_PIECE and seen >= len(pieces)


def bench_recovery(emu, count, prefix):
    """Downloads of Chorus Pro's copy per deposited piece (each asked once, as the follow-up does; that it is never
    asked again is the Odoo test's), and the follow-up's calls per open piece with the "à traiter" search added."""
    emu.reset()
    pieces = []
    with client(emu) as chorus:
        for payload, document in make_deposits(emu.seed, count, prefix):
            pieces.append((deposit(chorus, payload, document).piece_id, payload["numeroFactureSaisi"]))
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    with cold_client(emu) as chorus:
        copies = list(recovery.copies(chorus, pieces))
        agree = sum(1 for copy, (_id, _number) in zip(copies, pieces, strict=True) if copy.agrees_with(PDF))
        downloads = emu.request_counts.get("/cpro/factures/v1/telecharger/groupe", 0)
        emu.reset_counts()
        seen = sum(len(page) for page in chorus.works_pages(since=since))
        recovery.to_handle(chorus, emu.seed.contractor.id)
    follow_up = sum(emu.request_counts.values()) / count
    print(f"récupération of {count} pieces: {downloads} downloads = {downloads / count:.3f} per piece (limit "
          f"{MAX_DOWNLOADS_PER_PIECE}, counted apart), {agree} copies agreeing with the PDF sent; follow-up with the "
          f"'à traiter' search: {follow_up:.4f} calls per open piece (limit {MAX_STATUS_CALLS_PER_PIECE})")
    return downloads / count <= MAX_DOWNLOADS_PER_PIECE and agree == count and seen >= count and (
        follow_up <= MAX_STATUS_CALLS_PER_PIECE)


def bench_memory(megabytes):
    """Peak memory of the client uploading a PDF of that size (file included), against the file."""
    content = b"%PDF-1.4\n" + os.urandom(int(megabytes * 1024 * 1024) - 9)
    env = dict(os.environ, PYTHONPATH=ROOT)
    with subprocess.Popen([sys.executable, "-u", "-m", "chorus_emulator", "--port", "0"], env=env,
                          stdout=subprocess.PIPE, text=True) as process:
        try:
            url = _emulator_url(process)
            state = json.load(urllib.request.urlopen(url + "/_emulator/state", timeout=10))
            credentials = Credentials(**state["seed"]["credentials"])
            with ChorusClient(credentials, api_base=url, token_url=url + "/api/oauth/token") as chorus:
                chorus.upload_file("warm-up.pdf", b"%PDF-1.4\n")
                tracemalloc.start()
                chorus.upload_file("situation.pdf", content)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        finally:
            process.terminate()
    ratio = (len(content) + peak) / len(content)
    print(f"peak memory of a {megabytes:g} MB upload in the client: file + {peak / 1024:.0f} KB = {ratio:.2f} x the "
          f"file (limit {MAX_MEMORY_RATIO})")
    return ratio <= MAX_MEMORY_RATIO


def _emulator_url(process):
    """The base URL the emulator subprocess prints when it listens."""
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if found:
            # Keep reading what it prints (its seed), so that it never blocks on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return found.group(0)
    raise RuntimeError("the emulator did not start")


def main(argv=None):
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=1000, help="deposits with no injected latency")
    parser.add_argument("--latency-deposits", type=int, default=50, help="deposits with injected latency")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds injected on every request")
    parser.add_argument("--flows", type=int, default=200, help="deposits on the Factur-X road")
    parser.add_argument("--drain", type=int, default=500, help="queued deposits drained with the latency")
    parser.add_argument("--open-pieces", type=int, default=1500, help="open pieces followed by the status cron")
    parser.add_argument("--recovered", type=int, default=1000, help="deposited pieces whose copy is downloaded")
    parser.add_argument("--pdf-mb", type=float, default=9, help="size of the PDF of the memory figure")
    args = parser.parse_args(argv)
    run = datetime.datetime.now().strftime("%H%M%S")
    with Emulator() as emu:
        calls_ok, rtt = bench_without_latency(emu, args.deposits, f"B0-{run}")
        bench_with_latency(emu, args.latency_deposits, f"B1-{run}", args.latency, rtt)
        checks = [calls_ok, bench_flow_road(emu, args.flows, f"B4-{run}")]
        checks.append(bench_drain(emu, args.drain, f"B2-{run}", args.latency))
        checks.append(bench_status_follow_up(emu, args.open_pieces, f"B3-{run}-"))
        checks.append(bench_recovery(emu, args.recovered, f"B5-{run}"))
    checks.append(bench_memory(args.pdf_mb))
    print("every figure within its limit" if all(checks) else "A FIGURE IS OVER ITS LIMIT")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
