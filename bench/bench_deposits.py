"""Benchmark of works deposits against the local emulator (not a test).

    python bench/bench_deposits.py [--deposits 1000] [--latency-deposits 50] [--latency 0.1]

Measures, for sequential deposit_works calls (upload the PDF + submit the piece):
- HTTP calls per deposit, read from the emulator's request counts, token calls included (ideal 2.0; the
  limit of 2.01 is checked on the run without latency, the long one);
- deposits per second with no injected latency, as a ratio to 1 / (2 x the single-call round trip measured
  in the same run);
- deposits per second with an injected latency on every request, as a ratio to 1 / (2 x latency).
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ediflex_chorus"))

from chorus import client as client_module  # noqa: E402
from chorus import works  # noqa: E402
from chorus.client import ChorusClient, Credentials  # noqa: E402
from chorus.emulator import Emulator  # noqa: E402

PDF = b"%PDF-1.4\n% benchmark situation\n" + b"0" * 20_000
MAX_CALLS_PER_DEPOSIT = 2.01


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
        deposits.append((works.build_works_payload(works.Frame.A4, situation), situation.document))
    return deposits


def round_trip(chorus, seed, calls=200):
    """Mean seconds of one small POST (consult_structure) with a cached token."""
    chorus.consult_structure(seed.no_rules.id)
    start = time.perf_counter()
    for _ in range(calls):
        chorus.consult_structure(seed.no_rules.id)
    return (time.perf_counter() - start) / calls


def run_deposits(emu, deposits):
    """(HTTP calls per deposit, deposits per second) for deposits sent one after the other from a cold cache."""
    client_module.clear_token_cache()
    emu.reset_counts()
    with ChorusClient(Credentials(**emu.credentials), api_base=emu.url, token_url=emu.token_url) as chorus:
        start = time.perf_counter()
        for payload, document in deposits:
            chorus.deposit_works(payload, document)
        elapsed = time.perf_counter() - start
    calls = sum(emu.request_counts.values())
    return calls / len(deposits), len(deposits) / elapsed


def bench_without_latency(emu, count, prefix):
    """Print the figures of count deposits with no injected latency; True when the calls are within the limit."""
    with ChorusClient(Credentials(**emu.credentials), api_base=emu.url, token_url=emu.token_url) as chorus:
        rtt = round_trip(chorus, emu.seed)
    print(f"single-call round trip (0 ms injected): {rtt * 1000:.2f} ms")
    calls, rate = run_deposits(emu, make_deposits(emu.seed, count, prefix))
    ideal = 1 / (2 * rtt)
    print(f"0 ms: {count} deposits, {calls:.3f} HTTP calls/deposit (ideal 2.0, limit {MAX_CALLS_PER_DEPOSIT}), "
          f"{rate:.1f} deposits/s = {rate / ideal:.2f} x ideal (1 / (2 x {rtt * 1000:.2f} ms) = {ideal:.1f}/s)")
    return calls <= MAX_CALLS_PER_DEPOSIT, rtt


def bench_with_latency(emu, count, prefix, latency, rtt):
    """Print the figures of count deposits with latency seconds injected on every request."""
    emu.inject("*", "latency", count=None, latency=latency)
    try:
        calls, rate = run_deposits(emu, make_deposits(emu.seed, count, prefix))
    finally:
        emu.clear_faults()
    ideal = 1 / (2 * latency)
    with_rtt = 1 / (2 * (latency + rtt))
    print(f"{latency * 1000:.0f} ms injected: {count} deposits (fewer, to keep the run short), {calls:.3f} HTTP "
          f"calls/deposit (the one token call weighs 1/{count} here)")
    print(f"  {rate:.2f} deposits/s = {rate / ideal:.2f} x ideal (1 / (2 x {latency * 1000:.0f} ms) = {ideal:.1f}/s); "
          f"{rate / with_rtt:.2f} x 1 / (2 x ({latency * 1000:.0f} ms + measured round trip))")


def main(argv=None):
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=1000, help="deposits with no injected latency")
    parser.add_argument("--latency-deposits", type=int, default=50, help="deposits with injected latency")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds injected on every request")
    args = parser.parse_args(argv)
    run = datetime.datetime.now().strftime("%H%M%S")
    with Emulator() as emu:
        ok, rtt = bench_without_latency(emu, args.deposits, f"B0-{run}")
        bench_with_latency(emu, args.latency_deposits, f"B1-{run}", args.latency, rtt)
    print("calls per deposit within the limit" if ok else "TOO MANY CALLS PER DEPOSIT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
