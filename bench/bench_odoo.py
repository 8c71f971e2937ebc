"""Benchmark of the addon inside a real Odoo 18 (not a test), run by bench/bench_odoo.sh through Odoo's Python.

    python bench/bench_odoo.py --odoo-path /opt/odoo18 -d ediflex_bench [--latency 2] [--rounds 3]

On a database holding the addon (French loaded), in one transaction rolled back at the end, with Chorus Pro played
by the emulator over loopback, it measures as ratios of one run:
- the "Valider et présenter" button (action_present, flushed) with every Chorus Pro call delayed by --latency
  seconds against no delay, median of --rounds alternated rounds: the transition must not wait for Chorus Pro
  (ratio near 1; limit 1.5);
- the same button clicked over HTTP on a real Odoo server (--http-database, a copy of the database the caller made
  and drops: a threaded server with its cron thread, which sends each deposit to the slow Chorus Pro meanwhile);
- the SQL queries of a transition (Odoo's cursor query counter, flush included, after one warm-up transition) for
  1 and 100 lines: the 100-line one against the 1-line one (limit 2: queries must not grow with the lines);
- the deposited PDF's bytes per line for 10, 100 and 1,000 lines (issue 7: at most 5 KB per line; the 1,000-line
  situation under 10 MB, Chorus Pro's file limit), with the fixed part and the cost of one more line;
- the status follow-up inside Odoo (issue 17): the connector's own method over --open-pieces open deposits whose
  pieces all moved on Chorus Pro, each new status stored in the piece's history: Chorus Pro calls per open piece
  (limit 0.02), history rows checked to be one per piece; then --refused of them refused, whose reasons cost one
  history call each (told apart, no limit: one per refusal or suspension).
"""

import argparse
import contextlib
import datetime
import os
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MAX_BUTTON_RATIO = 1.5
MAX_QUERY_RATIO = 2.0
MAX_BYTES_PER_LINE = 5 * 1024
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_STATUS_CALLS_PER_PIECE = 0.02
HISTORY_PATH = "/cpro/factures/v1/consulter/historique"  # a piece's history: read for a refusal's reason only


def company_values(emulator):
    """The company's Chorus Pro settings that wire it to ``emulator`` (works API road, qualification)."""
    seed, credentials = emulator.seed, emulator.credentials
    return {
        "chorus_enabled": True, "chorus_siret": seed.contractor.siret, "chorus_structure_id": seed.contractor.id,
        "chorus_environment": "qualification", "chorus_deposit_road": "works_api",
        "chorus_login": credentials["login"], "chorus_password": credentials["password"],
        "chorus_client_id": credentials["client_id"], "chorus_client_secret": credentials["client_secret"],
        "chorus_api_url": emulator.url, "chorus_token_url": emulator.token_url,
    }


def public_body_values(structure):
    """The partner of a public body of the emulator's seed."""
    return {"name": structure.name, "is_company": True, "chorus_siret": structure.siret,
            "chorus_structure_id": structure.id}


def open_registry(odoo_path, database):
    """Odoo's registry of ``database``, with the addons of Odoo and of this repository."""
    sys.path[:0] = [odoo_path, ROOT]
    import odoo  # noqa: PLC0415 (found only once odoo_path is on the path)

    addons = f"{odoo_path}/odoo/addons,{ROOT}"
    odoo.tools.config.parse_config([f"--addons-path={addons}", "-d", database, "--log-level=warn",
                                    # wkhtmltopdf's notes on its switches, at every rendering
                                    "--log-handler=odoo.addons.base.models.ir_actions_report:ERROR",
                                    f"--data-dir={ROOT}/var/filestore"])
    return odoo, odoo.modules.registry.Registry(database)


class Bench:
    """The figures of one run, on one cursor whose work is rolled back."""

    def __init__(self, odoo, env, emulator):
        self.odoo, self.env, self.emulator = odoo, env, emulator
        self.company = env.company
        self.situations = 0
        self.company.write(company_values(emulator))
        self.owner = env["res.partner"].create(public_body_values(emulator.seed.no_rules))
        self.manager = env["res.partner"].create(public_body_values(emulator.seed.moe))
        self.user = env["res.users"].create({
            "name": "Bench situation user", "login": f"bench-{time.time_ns()}",
            "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref("ediflex_chorus.group_situation_user").id])],
        })

    def situation(self, lines):
        """A draft situation of ``lines`` lines, created by the situation user (not timed)."""
        self.situations += 1
        today = datetime.date.today()
        return self.env["ediflex.situation"].with_user(self.user).create({
            "contract_number": f"MARCHE-BENCH-{self.situations:04d}", "commitment_number": "EJ-BENCH",
            "owner_id": self.owner.id, "manager_id": self.manager.id, "number": 1,
            "period_start": today.replace(day=1), "period_end": today, "date": today,
            "line_ids": [(0, 0, {"code": f"{index // 10 + 1}.{index % 10 + 1}", "name": f"Lot {index + 1}: "
                                 "maçonnerie, béton armé et enduits", "contract_amount": 10000.0 + index,
                                 "progress_percent": 40.0}) for index in range(lines)],
        })

    def present(self, situation):
        """(seconds, SQL queries) of the button, its flush included; the deposit it recorded."""
        self.env.flush_all()
        # As in a new request: nothing of the situation in the cache.
        self.env.invalidate_all()
        cr = self.env.cr
        queries = cr.sql_log_count
        start = time.perf_counter()
        situation.action_present()
        self.env.flush_all()
        elapsed = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        deposit = situation.sudo().deposit_ids
        if len(deposit) != 1 or deposit.state != "to_send":
            raise RuntimeError(f"the transition recorded {len(deposit)} deposit(s) ({deposit.mapped('state')})")
        return elapsed, queries, deposit

    def button_slow_against_fast(self, latency, rounds):
        """Median button seconds with Chorus Pro delayed by ``latency`` s on every call, and with no delay."""
        fast, slow = [], []
        self.emulator.reset_counts()
        for _round in range(rounds):
            for delayed, times in ((False, fast), (True, slow)):
                situation = self.situation(10)
                self.emulator.clear_faults()
                if delayed:
                    self.emulator.inject("*", "latency", count=None, latency=latency)
                times.append(self.present(situation)[0])
        self.emulator.clear_faults()
        return statistics.median(slow), statistics.median(fast), sum(self.emulator.request_counts.values())

    def queries(self, lines):
        """SQL queries of one transition of a ``lines``-line situation."""
        return self.present(self.situation(lines))[1]

    def pdf_size(self, lines):
        """Bytes of the PDF deposited for a ``lines``-line situation."""
        return len(self.present(self.situation(lines))[2].attachment_id.raw)

    def open_deposits(self, count):
        """``count`` sent deposits of one situation, their pieces on Chorus Pro moved on since (not timed)."""
        from odoo.addons.ediflex_chorus.chorus import states  # noqa: PLC0415 (importable once Odoo is set up)

        self.emulator.reset()
        pieces = self.emulator.add_works_pieces(count, prefix=f"BF{time.time_ns() % 10 ** 9}-",
                                                status="PRISE_EN_COMPTE_MOE")
        situation = self.situation(1)
        return self.env["ediflex.chorus.deposit"].sudo().create([{
            "situation_id": situation.id, "company_id": self.company.id, "frame": "A4", "payload": "{}",
            "piece_number": piece["numeroFacture"], "chorus_piece_id": piece["id"], "state": states.SENT,
        } for piece in pieces])

    def follow_up(self, deposits):
        """(Chorus Pro calls by path, history rows stored) of one run of the connector's follow-up of a company."""
        from odoo.addons.ediflex_chorus.chorus import client  # noqa: PLC0415

        History = self.env["ediflex.chorus.status.history"].sudo()
        before = History.search_count([("deposit_id", "in", deposits.ids)])
        client.clear_token_cache()  # cold: the token call is counted
        self.emulator.reset_counts()
        # The cron's own method; its commits are held back by the flag Odoo's tests set, so that the bench's
        # transaction is still rolled back at the end.
        held, self.odoo.modules.module.current_test = self.odoo.modules.module.current_test, "bench"
        try:
            self.env["ediflex.chorus.connector"]._sync_company_statuses(self.company, time.monotonic())
        finally:
            self.odoo.modules.module.current_test = held
        return self.emulator.request_counts, History.search_count([("deposit_id", "in", deposits.ids)]) - before

    def follow_up_figures(self, count, refused):
        """(calls of the follow-up of ``count`` moved pieces, history rows; then of ``refused`` refusals: all
        calls, history calls, history rows)."""
        deposits = self.open_deposits(count)
        counts, stored = self.follow_up(deposits)
        for deposit in deposits[:refused]:
            self.emulator.set_status(deposit.chorus_piece_id, "REFUSEE_MOA", "Bench: pièce justificative manquante")
        refusal_counts, refusal_stored = self.follow_up(deposits)
        return (sum(counts.values()), stored, sum(refusal_counts.values()), refusal_counts.get(HISTORY_PATH, 0),
                refusal_stored)


class Rpc:
    """JSON-RPC to an Odoo server, as the web client speaks it, in one authenticated session."""

    def __init__(self, url):
        import requests  # noqa: PLC0415 (Odoo's Python has it; the plain venv need not)

        self.url, self.session = url, requests.Session()

    def call(self, route, **params):
        """The result of a JSON-RPC call; its error as an exception."""
        answer = self.session.post(self.url + route, json={"jsonrpc": "2.0", "method": "call", "params": params},
                                   timeout=300).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def kw(self, model, method, *args, **kwargs):
        """A model method called as the web client does (call_kw)."""
        return self.call("/web/dataset/call_kw", model=model, method=method, args=list(args), kwargs=kwargs)


@contextlib.contextmanager
def odoo_server(odoo_path, database):
    """A threaded Odoo server (HTTP and one cron thread) on a free loopback port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "odoo-bin", f"--addons-path={odoo_path}/odoo/addons,{ROOT}", "-d", database,
               f"--db-filter=^{database}$", f"--http-port={port}", "--http-interface=127.0.0.1",
               f"--gevent-port={port + 1}", "--max-cron-threads=1", f"--data-dir={ROOT}/var/filestore",
               "--log-level=warn", f"--logfile={ROOT}/var/bench-odoo-server.log"]
    server = subprocess.Popen(command, cwd=odoo_path)  # noqa: S603 (our own command line)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def wait_for(url, seconds=120):
    """Return once the server answers its login page."""
    import requests  # noqa: PLC0415

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/web/login", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the Odoo server did not answer at {url} (see var/bench-odoo-server.log)")


def http_button(odoo_path, database, args):
    """Median seconds of the button clicked over HTTP, Chorus Pro slow then fast; Chorus Pro calls meanwhile."""
    from chorus_emulator import Emulator  # noqa: PLC0415
    from chorus_emulator.config import SERVED_OPERATIONS  # noqa: PLC0415

    with Emulator() as emulator, odoo_server(odoo_path, database) as url:
        rpc = Rpc(url)
        company_id = rpc.call("/web/session/authenticate", db=database, login="admin",
                              password="admin")["user_companies"]["current_company"]
        rpc.kw("res.company", "write", [company_id], company_values(emulator))
        owner, manager = (rpc.kw("res.partner", "create", public_body_values(body))
                          for body in (emulator.seed.no_rules, emulator.seed.moe))
        fast, slow = [], []
        for index in range(2 * args.rounds):
            delayed = index % 2 == 1
            today = datetime.date.today()
            situation = rpc.kw("ediflex.situation", "create", {
                "contract_number": f"MARCHE-HTTP-{time.time_ns()}", "commitment_number": "EJ-BENCH",
                "owner_id": owner, "manager_id": manager, "period_start": str(today.replace(day=1)),
                "period_end": str(today), "date": str(today),
                "line_ids": [(0, 0, {"code": f"1.{line}", "name": f"Lot {line}", "contract_amount": 10000.0,
                                     "progress_percent": 40.0}) for line in range(10)]})
            emulator.clear_faults()
            if delayed:
                emulator.inject("*", "latency", count=None, latency=args.latency)
            start = time.perf_counter()
            rpc.call("/web/dataset/call_button", model="ediflex.situation", method="action_present",
                     args=[[situation]], kwargs={})
            (slow if delayed else fast).append(time.perf_counter() - start)
        submissions = emulator.request_counts.get(SERVED_OPERATIONS["works_submit"], 0)
        emulator.clear_faults()
    return statistics.median(slow), statistics.median(fast), submissions


def ensure_french(odoo, registry):
    """French loaded on the bench database (committed: the deposited copy is French when French is there)."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not env["res.lang"]._lang_get("fr_FR"):
            print("loading French on the bench database (first run)")
            env["res.lang"]._activate_lang("fr_FR")
            env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["fr_FR"])


def run(odoo, registry, args):
    """Print every figure; True when each is within its limit."""
    from chorus_emulator import Emulator  # noqa: PLC0415 (the repository is on the path once Odoo is set up)

    ensure_french(odoo, registry)
    cr = registry.cursor()
    try:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "fr_FR"})
        with Emulator() as emulator:
            bench = Bench(odoo, env, emulator)
            bench.queries(1)  # warm-up: templates compiled, caches filled
            return figures(bench, args)
    finally:
        cr.rollback()
        cr.close()


def figures(bench, args):
    """Measure and print; True when each figure is within its limit."""
    slow, fast, calls = bench.button_slow_against_fast(args.latency, args.rounds)
    ratio = slow / fast
    print(f"button 'Valider et présenter' (10 lines, median of {args.rounds}): Chorus Pro at {args.latency:g} s per "
          f"call {slow:.2f} s, at 0 s {fast:.2f} s = {ratio:.2f} x (limit {MAX_BUTTON_RATIO}: the transition never "
          f"waits for Chorus Pro; {calls} Chorus Pro calls during the {2 * args.rounds} transitions)")
    one, hundred = bench.queries(1), bench.queries(100)
    query_ratio = hundred / one
    print(f"SQL queries of a transition (flush included): 1 line {one}, 100 lines {hundred} = {query_ratio:.2f} x "
          f"(limit {MAX_QUERY_RATIO}; {(hundred - one) / 99:.2f} more queries per added line)")
    sizes = {lines: bench.pdf_size(lines) for lines in (10, 100, 1000)}
    ok = ratio <= MAX_BUTTON_RATIO and query_ratio <= MAX_QUERY_RATIO and sizes[1000] < MAX_FILE_BYTES
    for lines, size in sizes.items():
        ok = ok and size / lines <= MAX_BYTES_PER_LINE
        print(f"deposited PDF of {lines} lines: {size / 1024:.0f} KB = {size / lines / 1024:.2f} KB per line "
              f"(limit {MAX_BYTES_PER_LINE // 1024} KB)")
    marginal = (sizes[1000] - sizes[10]) / 990
    print(f"  one more line costs {marginal / 1024:.2f} KB; the fixed part (fonts, header, totals) about "
          f"{(sizes[10] - 10 * marginal) / 1024:.0f} KB; 1,000 lines = {sizes[1000] / MAX_FILE_BYTES:.2f} x "
          "Chorus Pro's 10 MB file limit")
    return follow_up_figure(bench, args) and ok


def follow_up_figure(bench, args):
    """Print the status follow-up's figures inside Odoo; True when within the limit and every status is stored."""
    count, refused = args.open_pieces, args.refused
    calls, stored, refusal_calls, history_calls, refusal_stored = bench.follow_up_figures(count, refused)
    ratio = calls / count
    print(f"status follow-up in Odoo of {count} open pieces that all moved on Chorus Pro: {calls} Chorus Pro calls "
          f"(token included) = {ratio:.4f} calls per open piece (limit {MAX_STATUS_CALLS_PER_PIECE}), "
          f"{stored} statuses stored in the pieces' history")
    print(f"  then {refused} of them refused: {refusal_calls} calls, of which {history_calls} reading a piece's "
          f"history for the reason (one per refusal), {refusal_stored} statuses stored")
    return ratio <= MAX_STATUS_CALLS_PER_PIECE and stored == count and refusal_stored == refused


def http_figure(args):
    """Print the button's figure over HTTP; True when within its limit."""
    slow, fast, submissions = http_button(args.odoo_path, args.http_database, args)
    ratio = slow / fast
    print(f"button 'Valider et présenter' over HTTP on a threaded Odoo server (10 lines, median of {args.rounds}): "
          f"Chorus Pro at {args.latency:g} s per call {slow:.2f} s, at 0 s {fast:.2f} s = {ratio:.2f} x (limit "
          f"{MAX_BUTTON_RATIO}); meanwhile the server's cron deposited {submissions} of the {2 * args.rounds} pieces")
    return ratio <= MAX_BUTTON_RATIO


def odoo_parser(description):
    """The command line of an Odoo benchmark: --odoo-path and -d, its own options added by the caller."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--odoo-path", default=os.environ.get("ODOO_PATH", "/opt/odoo18"))
    parser.add_argument("-d", "--database", required=True)
    return parser


def main(argv=None):
    """Run the Odoo benchmark and print its figures."""
    parser = odoo_parser(__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0, help="seconds Chorus Pro takes per call, slow case")
    parser.add_argument("--rounds", type=int, default=3, help="alternated slow/fast rounds of the button figure")
    parser.add_argument("--http-database", help="a copy of the database for the button clicked over HTTP")
    parser.add_argument("--open-pieces", type=int, default=1500, help="open deposits followed by the status cron")
    parser.add_argument("--refused", type=int, default=15, help="of them refused afterwards, their reasons read")
    args = parser.parse_args(argv)
    odoo, registry = open_registry(args.odoo_path, args.database)
    ok = run(odoo, registry, args)
    if args.http_database:
        ok = http_figure(args) and ok
    print("every Odoo figure within its limit" if ok else "AN ODOO FIGURE IS OVER ITS LIMIT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
