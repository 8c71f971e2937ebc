"""Benchmark of the status follow-up at scale inside a real Odoo 18 (issue 19; not a test), run by bench/bench_odoo.sh.

    python bench/bench_follow.py --odoo-path /opt/odoo18 -d ediflex_bench [--open-pieces 100000] [--changed 0.02]

On a database holding the addon, in one transaction rolled back at the end, Chorus Pro played by the emulator:
- the emulator holds --open-pieces works pieces of the company (its bulk seed), A4 drafts spread over four statuses
  of the circuit, which last moved two days ago; Odoo holds their open deposits as an earlier follow-up left them
  (one SQL INSERT: statuses read, Chorus Pro's copy kept, the project manager's pieces looked for);
- a first complete run of the status cron (`_cron_fetch_statuses`, Chorus Pro without delay) reads what moved since
  the last complete run an hour ago: nothing;
- then --changed of the pieces (one in 50) move one status on, on the emulator, after that run;
- the measured run: the same cron, every Chorus Pro call delayed by --latency seconds (100 ms), from a cold token;
- then a backlog: --backlog pieces moved on, their moves dated over two days during which the cron did not run; the
  cron run again and again until its period is read whole.
Figures: Chorus Pro calls per open piece (limit 0.002); Odoo's time (the run's time less its time in HTTP
exchanges) per changed piece against the time of one works search page (reported); the run within the cron's time
budget (CRON_BUDGET_SECONDS, a limit), every move read and stored, the follow-up's period complete; the backlog read
whole within MAX_BACKLOG_RUNS runs, each ending within Odoo's cron time limit, every move stored.
The cron's commits do all a commit does but COMMIT (held_commits), so that its work is rolled back at the end.
"""

import collections
import contextlib
import datetime
import sys
import time
import urllib.parse

from bench_odoo import Bench, odoo_parser, open_registry
from psycopg2 import sql

MAX_CALLS_PER_OPEN_PIECE = 0.002
# The open pieces: contractor's drafts along the circuit before the project owner's answer, each moving one step on.
OPEN_STATUSES = ("MISE_A_DISPOSITION_MOE", "PRISE_EN_COMPTE_MOE", "TRANSMISE_MOA", "MISE_A_DISPOSITION_MOA")
SEARCH_PATH = "/cpro/facturesTravaux/v1/rechercher"
# The status each open piece moves on to along the circuit.
NEXT_STATUS = dict(zip(OPEN_STATUSES, OPEN_STATUSES[1:] + ("PRISE_EN_COMPTE_MOA",), strict=True))
MAX_BACKLOG_RUNS = 10  # a backlog not read whole in this many runs of the cron fails the bench


@contextlib.contextmanager
def http_clock():
    """Seconds spent in this process's HTTP exchanges (requests' Session.request), per URL path."""
    import requests  # noqa: PLC0415 (Odoo's Python has it)

    spent, request = collections.Counter(), requests.Session.request

    def timed(session, method, url, *args, **kwargs):
        start = time.perf_counter()
        try:
            return request(session, method, url, *args, **kwargs)
        finally:
            spent[urllib.parse.urlsplit(url).path] += time.perf_counter() - start

    requests.Session.request = timed
    try:
        yield spent
    finally:
        requests.Session.request = request


@contextlib.contextmanager
def held_commits(cr):
    """The cursor's commits do all a commit does (flush, caches cleared, a new 'now') but COMMIT itself: the cron's
    work costs what it costs in production, page by page within its time budget, and is rolled back at the end."""
    def commit():
        cr.flush()
        cr.clear()
        cr._now = None  # noqa: SLF001 (what Cursor.commit resets)

    cr.commit = commit
    try:
        yield
    finally:
        del cr.commit


class Follow:
    """The follow-up of many open pieces, on the bench's cursor (rolled back by the caller)."""

    def __init__(self, bench, count):
        self.bench, self.env, self.emulator, self.count = bench, bench.env, bench.emulator, count
        self.company = bench.company

    def seed(self, moved_at):
        """The emulator's pieces and Odoo's open deposits as an earlier run left them; returns the pieces."""
        started = time.perf_counter()
        pieces = []
        for index, status in enumerate(OPEN_STATUSES):
            share = self.count // len(OPEN_STATUSES) + (index < self.count % len(OPEN_STATUSES))
            pieces += self.emulator.add_works_pieces(share, prefix=f"FW{index}-", status=status, status_at=moved_at)
        seeded = time.perf_counter()
        self.insert_deposits(pieces, moved_at)
        print(f"  seed: {len(pieces)} pieces on the emulator in {seeded - started:.1f} s, their open deposits in "
              f"Odoo in {time.perf_counter() - seeded:.1f} s")
        return pieces

    def insert_situations(self, count):
        """``count`` presented situations copied from one made by the ORM (one INSERT); returns their ids."""
        from odoo.addons.ediflex_chorus.chorus import situation_states  # noqa: PLC0415 (once Odoo is set up)

        template = self.bench.situation(1)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'ediflex_situation' "
                   "AND column_name NOT IN ('id', 'name', 'state')")
        columns = [row[0] for row in cr.fetchall()]
        copied = sql.SQL(", ").join(map(sql.Identifier, columns))
        cr.execute(sql.SQL("""
            INSERT INTO ediflex_situation (name, state, {columns})
            SELECT name || '-' || copy, %s, {columns} FROM ediflex_situation, generate_series(1, %s) AS copy
            WHERE id = %s ORDER BY copy RETURNING id
        """).format(columns=copied), [situation_states.PRESENTED, count, template.id])
        return [row[0] for row in cr.fetchall()]

    def insert_deposits(self, pieces, moved_at):
        """One INSERT of the open deposits of ``pieces`` (each its own situation's A4), in the state a complete
        follow-up leaves them."""
        from odoo.addons.ediflex_chorus.chorus import recovery, states  # noqa: PLC0415 (once Odoo is set up)

        situations = self.insert_situations(len(pieces))
        at = moved_at.astimezone(datetime.UTC).replace(tzinfo=None)
        self.env.cr.execute("""
            INSERT INTO ediflex_chorus_deposit (
                situation_id, company_id, partner_id, contract_number, frame, piece_number, state, road, payload,
                currency_id, amount_untaxed, amount_total, amount_due, chorus_piece_id, chorus_status,
                chorus_status_label, chorus_status_date, chorus_checked_date, chorus_deposit_date, attempts,
                first_attempt_date, sent_date, chorus_copy_check, chorus_copy_date, chorus_produced_status,
                chorus_produced_way, create_uid, create_date, write_uid, write_date)
            SELECT situation_id, %(company)s, %(owner)s, 'BULK', 'A4', number, %(state)s, 'works_api', '{}',
                   %(currency)s, 100, 120, 114, piece_id, status, status, %(at)s, %(at)s, %(at)s::date, 1,
                   %(at)s, %(at)s, 'agree', %(at)s,
                   CASE WHEN status = ANY(%(produced_after)s) THEN status END,
                   CASE WHEN status = ANY(%(produced_after)s) THEN 'next_piece' END,
                   1, %(at)s, 1, %(at)s
            FROM unnest(%(situations)s::int[], %(ids)s::int[], %(numbers)s::varchar[], %(statuses)s::varchar[])
                AS p(situation_id, piece_id, number, status)
        """, {"situations": situations, "company": self.company.id, "owner": self.bench.owner.id,
              "state": states.RECEIVED, "currency": self.company.currency_id.id, "at": at,
              "produced_after": list(recovery.PRODUCED_AFTER_STATUSES), "ids": [p["id"] for p in pieces],
              "numbers": [p["numeroFacture"] for p in pieces], "statuses": [p["statut"] for p in pieces]})
        # The planner's statistics, as autovacuum keeps them in production after such an insert (rolled back too).
        self.env.cr.execute("ANALYZE ediflex_situation, ediflex_chorus_deposit")

    def run(self, latency=0.0):
        """(seconds, Chorus Pro calls by path, seconds in HTTP by path) of one run of the status cron."""
        from odoo.addons.ediflex_chorus.chorus import client  # noqa: PLC0415

        self.emulator.clear_faults()
        if latency:
            self.emulator.inject("*", "latency", count=None, latency=latency)
        client.clear_token_cache()  # cold: the token call is counted
        self.emulator.reset_counts()
        self.env.flush_all()
        self.env.invalidate_all()  # as a new cron transaction starts
        cr = self.env.cr
        try:
            with http_clock() as spent, held_commits(cr):
                start = time.perf_counter()
                self.env["ediflex.chorus.connector"]._cron_fetch_statuses()
                cr.commit()
                elapsed = time.perf_counter() - start
        finally:
            self.emulator.clear_faults()
        return elapsed, self.emulator.request_counts, dict(spent)

    def move(self, pieces, share):
        """Move one piece in 1/share one status on the emulator; returns {piece id: its new status}."""
        step = round(1 / share)
        return {moved["id"]: moved["statut"] for piece in pieces[::step]
                for moved in self.emulator.advance_works(piece["id"], 1)}

    def backlog(self, pieces, count, since):
        """Move ``count`` pieces one status on from their seeded one, their moves dated evenly from ``since``
        to now, as an outage of the cron leaves them; returns {piece id: its new status}."""
        chosen, now = pieces[1::max(len(pieces) // count, 2)][:count], datetime.datetime.now().astimezone()
        moved = {}
        for index, piece in enumerate(chosen):
            at = since + (now - since) * (index + 1) / (len(chosen) + 1)
            moved[piece["id"]] = self.emulator.set_status(piece["id"], NEXT_STATUS[piece["statut"]],
                                                          "Bench: moved during the outage", at=at)["statut"]
        return moved

    def stored(self, moved):
        """How many of the moved pieces' deposits hold their new status."""
        self.env.flush_all()
        self.env.cr.execute("SELECT chorus_piece_id, chorus_status FROM ediflex_chorus_deposit "
                            "WHERE chorus_piece_id = ANY(%s)", [list(moved)])
        return sum(moved[piece_id] == status for piece_id, status in self.env.cr.fetchall())

    def synced_until(self):
        """The end of the last complete follow-up period of the company (the connector's parameter)."""
        from odoo.addons.ediflex_chorus.models.ediflex_chorus_connector import STATUS_SYNC_PARAM  # noqa: PLC0415

        return self.env["ir.config_parameter"].sudo().get_param(STATUS_SYNC_PARAM % self.company.id)

    def set_synced_until(self, moment):
        """Record ``moment`` (aware) as the end of the last complete follow-up period of the company."""
        from odoo import fields  # noqa: PLC0415
        from odoo.addons.ediflex_chorus.models.ediflex_chorus_connector import STATUS_SYNC_PARAM  # noqa: PLC0415

        naive = moment.astimezone(datetime.UTC).replace(tzinfo=None)
        self.env["ir.config_parameter"].sudo().set_param(STATUS_SYNC_PARAM % self.company.id,
                                                         fields.Datetime.to_string(naive))


def odoo_seconds(elapsed, spent):
    """The run's seconds outside its HTTP exchanges."""
    return elapsed - sum(spent.values())


def measure(follow, args):
    """Print the figures; True when each is within its limit."""
    from odoo.addons.ediflex_chorus.models.ediflex_chorus_connector import CRON_BUDGET_SECONDS  # noqa: PLC0415

    now = datetime.datetime.now().astimezone()
    pieces = follow.seed(now - datetime.timedelta(days=2))
    follow.set_synced_until(now - datetime.timedelta(hours=1))
    elapsed, counts, spent = follow.run()
    first_until = follow.synced_until()
    print(f"  first complete run (nothing moved since the last run an hour ago, Chorus Pro without delay): "
          f"{elapsed:.1f} s, {sum(counts.values())} calls ({dict(counts)}), Odoo {odoo_seconds(elapsed, spent):.1f} s")
    time.sleep(1)  # the moves are dated after the run's end (Chorus Pro's dates are to the second)
    moved = follow.move(pieces, args.changed)
    elapsed, counts, spent = follow.run(args.latency)
    calls, pages = sum(counts.values()), counts.get(SEARCH_PATH, 0)
    page_seconds = spent.get(SEARCH_PATH, 0.0) / max(pages, 1)
    odoo = odoo_seconds(elapsed, spent)
    stored, complete = follow.stored(moved), follow.synced_until() != first_until
    ratio = calls / follow.count
    print(f"status follow-up of {follow.count} open pieces, {len(moved)} moved since the last run "
          f"({len(moved) / follow.count:.1%}), Chorus Pro at {args.latency * 1000:.0f} ms per call: {calls} calls "
          f"= {ratio:.5f} calls per open piece (limit {MAX_CALLS_PER_OPEN_PIECE}); by path: {dict(counts)}")
    print(f"  Odoo's time {odoo:.2f} s (the run's {elapsed:.2f} s less {sum(spent.values()):.2f} s in HTTP) = "
          f"{odoo / max(len(moved), 1) * 1000:.2f} ms per moved piece, against one works search page "
          f"{page_seconds * 1000:.0f} ms ({pages} pages): {odoo / max(len(moved), 1) / page_seconds:.4f} page per "
          f"moved piece (reported)")
    print(f"  the run took {elapsed:.1f} s of the cron's {CRON_BUDGET_SECONDS} s budget (limit); {stored} of the "
          f"{len(moved)} moves stored; the follow-up's period {'complete' if complete else 'NOT complete'}")
    ok = ratio <= MAX_CALLS_PER_OPEN_PIECE and elapsed <= CRON_BUDGET_SECONDS and stored == len(moved) and complete
    return backlog_figure(follow, pieces, now - datetime.timedelta(days=2), args) and ok


def backlog_figure(follow, pieces, moved_at, args):
    """Print how the cron reads a backlog of --backlog moves over two days of outage; True when read whole within
    MAX_BACKLOG_RUNS runs, each stopping its work past the cron's budget and ending within Odoo's cron time limit."""
    from odoo import fields, tools  # noqa: PLC0415
    from odoo.addons.ediflex_chorus.models.ediflex_chorus_connector import CRON_BUDGET_SECONDS  # noqa: PLC0415

    # Odoo kills a cron job past this (limit_time_real_cron; -1 or 0: limit_time_real, 120 s by default).
    time_limit = tools.config["limit_time_real_cron"]
    time_limit = time_limit if time_limit > 0 else tools.config["limit_time_real"]

    outage = moved_at + datetime.timedelta(hours=1)
    follow.set_synced_until(outage)  # the last complete run before the outage
    moved = follow.backlog(pieces, args.backlog, outage)
    runs, complete = [], False
    while not complete and len(runs) < MAX_BACKLOG_RUNS:
        run_start = fields.Datetime.to_string(fields.Datetime.now())
        elapsed, counts, _spent = follow.run(args.latency)
        runs.append((elapsed, sum(counts.values()), counts.get(SEARCH_PATH, 0)))
        complete = follow.synced_until() >= run_start
    stored, calls = follow.stored(moved), sum(run[1] for run in runs)
    print(f"  a backlog after two days of outage: {len(moved)} moves dated over them (and the {len(pieces) // 50} "
          f"moves above again): read {'whole' if complete else 'NOT whole'} in {len(runs)} runs of the cron at "
          f"{args.latency * 1000:.0f} ms per call (limit {MAX_BACKLOG_RUNS}), each stopping its work past the "
          f"{CRON_BUDGET_SECONDS} s budget: {', '.join(f'{run[0]:.1f} s' for run in runs)} (limit: Odoo's cron time "
          f"limit, {time_limit} s); {calls} calls, {sum(run[2] for run in runs)} of them works search pages; "
          f"{stored} of the {len(moved)} moves stored")
    return complete and stored == len(moved) and all(run[0] <= time_limit for run in runs)


def main(argv=None):
    """Run the follow-up benchmark and print its figures."""
    parser = odoo_parser(__doc__.splitlines()[0])
    parser.add_argument("--open-pieces", type=int, default=100_000, help="open pieces followed by the status cron")
    parser.add_argument("--changed", type=float, default=0.02, help="share of them moved since the last run")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds Chorus Pro takes per call")
    parser.add_argument("--backlog", type=int, default=20_000, help="moves left unread by an outage of the cron")
    args = parser.parse_args(argv)
    odoo, registry = open_registry(args.odoo_path, args.database)
    from chorus_emulator import Emulator  # noqa: PLC0415 (the repository is on the path once Odoo is set up)

    cr = registry.cursor()
    try:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        with Emulator() as emulator:
            ok = measure(Follow(Bench(odoo, env, emulator), args.open_pieces), args)
    finally:
        cr.rollback()
        cr.close()
    print("the follow-up figures within their limits" if ok else "A FOLLOW-UP FIGURE IS OVER ITS LIMIT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
