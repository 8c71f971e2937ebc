import contextlib
import itertools
import logging
import time
from datetime import timedelta

from odoo import api, fields, models, modules, tools
from odoo.exceptions import UserError
from psycopg2.errors import SerializationFailure

from ..chorus import diagnostic, states
from ..chorus.client import ChorusClient, Credentials
from ..chorus.errors import ChorusError
from ..chorus.roads import CLOCK_MARGIN

_logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 50
CLIENT_TIMEOUT_SECONDS = 30.0
STATUS_DELAY_SECONDS = 30
# A cron worker runs each due job once per pass, under one watchdog (limit_time_real_cron, by default 120 s): one
# pass of the addon's jobs takes at most 4 send lanes x 10 s + statuses 40 s + actions 10 s (tests/test_structure.py).
CRON_BUDGET_SECONDS = 40
STATUS_SYNC_PARAM = "ediflex_chorus.status_synced_until.%s"
STATUS_CRON = "ediflex_chorus.ir_cron_fetch_statuses"
# A send lane's run stops taking deposits after this long and wakes the lanes again (the deposit's _trigger_send).
SEND_BUDGET_SECONDS = 10
# Works search pages of a follow-up stretch, at most: 3,000 moves, read in one run even at 500 ms per call (issue 19).
STATUS_STRETCH_PAGES = 30


class EdiflexChorusConnector(models.AbstractModel):
    """The only door to Chorus Pro: it sends the frozen deposits and reads the statuses (crons)."""

    _name = "ediflex.chorus.connector"
    _description = "Chorus Pro Connector"

    # ------------------------------------------------------------------ clients

    @api.model
    def _client(self, company):
        company = company.sudo()
        secrets = {field.removeprefix("chorus_"): value for field, value in company._chorus_credentials().items()}
        return ChorusClient(Credentials(**secrets), environment=company.chorus_environment,
                            api_base=company.chorus_api_url or None, token_url=company.chorus_token_url or None,
                            timeout=CLIENT_TIMEOUT_SECONDS)

    @contextlib.contextmanager
    def _asked(self, company):
        """A client of the company for a person's button: a Chorus Pro failure becomes a message for them."""
        try:
            with self._client(company) as client:
                yield client
        except ChorusError as error:
            raise UserError(self.env._("Chorus Pro could not be asked: %(error)s", error=error)) from error

    @api.model
    def _commit(self):
        # Crons commit each deposit so that one failure never undoes the others; tests must not commit.
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------ sending, after commit

    @api.model
    def _cron_send_deposits(self, limit=SEND_BATCH_SIZE):
        """Send the deposits that are due, each in its own transaction, while any is due (one lane's run)."""
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        Deposit._hold_disabled()
        deadline, done, clients = time.monotonic() + SEND_BUDGET_SECONDS, 0, {}
        with contextlib.ExitStack() as opened:  # one HTTP session per company and run, closed at its end
            while time.monotonic() < deadline:
                due, before = Deposit.search(Deposit._due_domain(), order="id", limit=limit), done
                # Alone: each commit empties the cache, and the batch's prefetch would read every row again each time.
                for deposit in itertools.takewhile(lambda _: time.monotonic() < deadline, due.with_prefetch([])):
                    if self._lock(deposit):
                        company = deposit.company_id
                        clients[company] = client = clients.get(company) or opened.enter_context(self._client(company))
                        self._send_deposit(deposit._in_their_language(), client)
                        self._commit()
                        done += 1
                if len(due) < limit or done == before:
                    break
        if time.monotonic() >= deadline:  # every lane woken again rather than "remaining" reported: see _hand_over
            Deposit._trigger_send()
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        if done:  # a first look at Chorus Pro's status soon after sending, then the hourly rhythm
            self.env.ref(STATUS_CRON)._trigger(fields.Datetime.now() + timedelta(seconds=STATUS_DELAY_SECONDS))
        Deposit._schedule_retry()

    @api.model
    def _hand_over(self, cron_xmlid, done, left):
        # Odoo repeats a job at once, in the same pass, while its run reports work done and work left (10 times): past
        # a prefork cron worker's watchdog. The same rule, but the repeat is a wake-up for any worker's next pass.
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        if done and left:
            self.env.ref(cron_xmlid)._trigger()

    @api.model
    def _lock(self, record, wanted_states=states.TO_SEND_STATES):
        # A deposit, or a queued action (wanted_states: its own). Another sender may hold the row: SKIP LOCKED leaves
        # it to them. Or another sender changed it since this transaction's snapshot (REPEATABLE READ): PostgreSQL
        # refuses the lock, and the row is theirs as well.
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(tools.SQL(
                    "SELECT id FROM %s WHERE id = %s AND state IN %s FOR UPDATE SKIP LOCKED",
                    tools.SQL.identifier(record._table), record.id, tuple(wanted_states),
                ), log_exceptions=False)
                found = bool(self.env.cr.fetchone())
        except SerializationFailure:
            return False
        if found:
            record.invalidate_recordset()
        return found

    @api.model
    def _send_deposit(self, deposit, client):
        """Send one frozen deposit by its road exactly as recorded (the road finds it after an unknown outcome)."""
        if not deposit._still_wanted():
            deposit._cancel(deposit.env._("the situation is no longer in a state that this piece reports."))
            return
        tried_before = deposit.attempts > 0
        deposit._mark_attempt()
        # The attempt is on record before the call: if the process dies during it, the next attempt
        # looks the piece up on Chorus Pro instead of depositing it blindly a second time. The commit
        # releases the row: take it again, or leave the deposit to whoever took it in between.
        self._commit()
        if not self._lock(deposit):
            return
        outcome = deposit._road().send(client, deposit._frozen(), tried_before, deposit.first_attempt_date)
        deposit._record_outcome(outcome)

    # ------------------------------------------------------------------ statuses

    @api.model
    def _cron_fetch_statuses(self):
        """Read the statuses of the open pieces of each company, one works search page at a time."""
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        started, done = time.monotonic(), 0
        [(left,)] = Deposit._read_group([("state", "in", states.OPEN_STATES)], aggregates=["company_id:recordset"])
        for company in left:
            if time.monotonic() - started > CRON_BUDGET_SECONDS:
                break
            updated, complete = self._sync_company_statuses(company, started)
            done += updated
            if complete:
                left -= company
        copied, copies_left = self._fetch_copies(started)
        looked, looks_left = self._fetch_produced(started)
        self._hand_over(STATUS_CRON, done + copied + looked, len(left) + copies_left + looks_left)

    @api.model
    def _sync_company_statuses(self, company, started):
        """Follow the open pieces of a company, one works search call per page committed, a backlog stretch by
        stretch, then the flows still without a piece. Returns (pieces updated, whether the company is over)."""
        Deposit, Param = self.env["ediflex.chorus.deposit"].sudo(), self.env["ir.config_parameter"].sudo()
        until, last = fields.Datetime.now(), Param.get_param(STATUS_SYNC_PARAM % company.id)
        start = Deposit._status_since(company, fields.Datetime.to_datetime(last) if last else None) - CLOCK_MARGIN
        updated, end = 0, until + CLOCK_MARGIN
        try:
            with self._client(company) as client:
                while start < end:
                    start, pages = client.works_stretch(start, end, STATUS_STRETCH_PAGES)
                    for page in pages:
                        updated += Deposit._apply_pieces(company, page)
                        self._commit()
                        if time.monotonic() - started > CRON_BUDGET_SECONDS:
                            return updated, False  # read again from the end of the last stretch read whole
                    Param.set_param(STATUS_SYNC_PARAM % company.id, fields.Datetime.to_string(min(start, until)))
                self._follow_flows(Deposit._flows_without_piece(company), client)
        except ChorusError as error:
            _logger.info("Chorus Pro statuses of %s not read: %s", company.name, error)
        return updated, True

    @api.model
    def _follow_flows(self, deposits, client):
        """Read the result of each flow whose piece the works search did not find: a rejection is told."""
        for deposit in deposits:
            report = client.flow_report(deposit.chorus_flow_number)
            if report.rejected:
                deposit._in_their_language()._mark_flow_rejected(report)
                self._commit()

    @api.model
    def _refresh_statuses(self, deposits):
        """Read the status of each of these deposits now (the one-piece buttons), one client per company."""
        deposits = deposits.sudo()
        for company in deposits.company_id:
            with self._asked(company) as client:
                for deposit in deposits.filtered(lambda d, company=company: d.company_id == company):
                    self._refresh_status(deposit, client)

    @api.model
    def _refresh_status(self, deposit, client):
        if deposit.chorus_piece_id:
            deposit._mark_status(client.piece_status(deposit.chorus_piece_id))
            return
        piece = deposit._road().find(client, deposit._frozen(), deposit.first_attempt_date or deposit.create_date)
        if piece:
            deposit._mark_found(piece)

    @api.model
    def _piece_history(self, deposit):
        """Chorus Pro's status history of a deposit's piece (core StatusEntry list), or [] when it cannot be read; asked
        for a refused or suspended piece's reason only (the batched search carries no comment)."""
        try:
            with self._client(deposit.company_id) as client:
                return client.piece_history(deposit.chorus_piece_id)
        except ChorusError as error:
            _logger.info("Chorus Pro history of %s not read: %s", deposit.piece_number, error)
            return []

    # ------------------------------------------------------------------ administrators: diagnostic, structures

    @api.model
    def _diagnose(self, company, situation, variants, wait_seconds):
        """Deposit the diagnostic's test pieces of ``situation`` by each variant (core Diagnosis)."""
        with self._client(company) as client:
            return diagnostic.run(client, situation, variants, current_road=company.chorus_deposit_road,
                                  current_syntax=company.chorus_flow_syntax, wait_seconds=wait_seconds)

    @api.model
    def _follow_diagnosis(self, company, diagnosis, wait_seconds):
        """Read again the reports of the diagnostic's flows still pending (core Diagnosis)."""
        with self._client(company) as client:
            return diagnostic.follow(client, diagnosis, wait_seconds=wait_seconds)

    @api.model
    def _check_connection(self, company):
        """Try each step of a connection of the company to Chorus Pro (core ConnectionCheck)."""
        with self._client(company) as client:
            return client.check_connection((company.chorus_siret or "").strip())

    @api.model
    def _find_structure_id(self, company, siret):
        with self._asked(company) as client:
            return client.find_structure_id(siret)

    @api.model
    def _sync_partner(self, partner):
        with self._asked(self.env.company) as client:
            structure_id = client.find_structure_id(partner.chorus_siret)
            if not structure_id:
                raise UserError(self.env._("Chorus Pro knows no structure with the SIRET %(siret)s.",
                                           siret=partner.chorus_siret))
            rules, services = client.structure_rules(structure_id), client.services(structure_id)
        partner._chorus_apply_structure(structure_id, rules, services)
