"""Command line: ``python -m chorus_emulator (from the repository root) --port N``; Ctrl-C (or SIGTERM) stops."""

# pylint: disable=print-used
# A command line prints its URL and seed for the person who started it.

import argparse
import json
import logging
import signal
import threading

from . import Emulator
from .config import API_FAMILIES, DEFAULT_SUBSCRIBED, DEFAULT_WORKS_SUBMIT_ID_KEY
from .facts import PARTNER_PLACEMENTS, WORKS_SUBMIT_ID_KEYS


def parse_args(argv=None):
    """The command line options."""
    parser = argparse.ArgumentParser(prog="python -m chorus_emulator", description="Local Chorus Pro emulator")
    parser.add_argument("--port", type=int, default=8089, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--auto-advance", "--auto-advance-seconds", dest="auto_advance", type=float, default=None,
                        metavar="SECONDS",
                        help="move every works piece one status on every SECONDS, as the circuit would: "
                             "payment only after acceptance (A6, A8)")
    parser.add_argument("--token-lifetime", type=int, default=3600, metavar="SECONDS")
    parser.add_argument("--subscribe", nargs="*", choices=API_FAMILIES, default=list(DEFAULT_SUBSCRIBED),
                        help="API families the application is subscribed to (others answer 403)")
    parser.add_argument("--works-submit-id-key", choices=[*WORKS_SUBMIT_ID_KEYS, "none"],
                        default=DEFAULT_WORKS_SUBMIT_ID_KEY,
                        help="key of the piece id in the works submission's answer (UNCERTAIN); none: no id")
    parser.add_argument("--ids-as-strings", action="store_true",
                        help="give ids and amounts of the works search as strings (the notes say they may)")
    parser.add_argument("--no-flow-works-frames", dest="flow_works_frames", action="store_false",
                        help="reject Factur-X flows whose BT-23 is a works frame (UNCERTAIN whether Chorus Pro takes "
                             "them)")
    parser.add_argument("--no-works-submit-route", dest="works_submit_route", action="store_false",
                        help="answer facturesTravaux/v1/soumettre as an unknown path (404)")
    parser.add_argument("--works-partner-placement", choices=PARTNER_PLACEMENTS, default=None,
                        help="where a subcontractor's or co-contractor's piece must name its partner (UNCERTAIN); "
                             "default: either")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv=None):
    """Start the emulator, print where it listens and the seed, serve until interrupted."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    emulator = Emulator(token_lifetime=args.token_lifetime, auto_advance_seconds=args.auto_advance,
                        subscribed=args.subscribe,
                        works_submit_id_key=None if args.works_submit_id_key == "none" else args.works_submit_id_key,
                        flow_works_frames=args.flow_works_frames, works_submit_route=args.works_submit_route,
                        ids_as_strings=args.ids_as_strings, works_partner_placement=args.works_partner_placement)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a background job may have it ignored
        signal.signal(signum, lambda *_: stop.set())
    emulator.start(args.port)
    print(f"Chorus Pro emulator listening on {emulator.url}", flush=True)
    print(f"token URL: {emulator.token_url}", flush=True)
    print("seed: " + json.dumps(emulator.seed.as_dict(), indent=2), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
        print("Chorus Pro emulator stopped", flush=True)


if __name__ == "__main__":
    main()
