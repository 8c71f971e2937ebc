import logging
import time

from odoo import api, models

from ..chorus import action_states, recovery
from ..chorus.errors import ChorusError
from .ediflex_chorus_connector import CRON_BUDGET_SECONDS, SEND_BATCH_SIZE, SEND_BUDGET_SECONDS

_logger = logging.getLogger(__name__)


class EdiflexChorusConnectorRecovery(models.AbstractModel):
    """Récupération (issue 21): the connector's calls that bring back what Chorus Pro holds and act on what it asks.

    Still the connector, the one door to Chorus Pro: a block of its own so that each file stays short.
    """

    _inherit = "ediflex.chorus.connector"

    @api.model
    def _fetch_copies(self, started):
        """Download Chorus Pro's copy of each piece that has none yet, a batch per company, within the cron's budget;
        returns (copies recorded, copies still due)."""
        Deposit, done = self.env["ediflex.chorus.deposit"].sudo(), 0
        [(companies,)] = Deposit._read_group(Deposit._copy_due_domain(), aggregates=["company_id:recordset"])
        for company in companies:
            due = Deposit.search(Deposit._copy_due_domain(company), order="id", limit=SEND_BATCH_SIZE)
            pieces = [(deposit.chorus_piece_id, deposit.piece_number) for deposit in due]
            try:
                with self._client(company) as client:
                    in_time = lambda: time.monotonic() - started < CRON_BUDGET_SECONDS  # noqa: E731
                    for deposit, piece_copy in zip(due, recovery.copies(client, pieces, in_time), strict=False):
                        deposit._record_copy(piece_copy)
                        self._commit()
                        done += 1
            except ChorusError as error:  # a passing failure: the copies are asked again at the next run
                _logger.info("Chorus Pro copies of %s not read: %s", company.name, error)
        return done, Deposit.search_count(Deposit._copy_due_domain())

    @api.model
    def _fetch_produced(self, started):
        """Look for the pieces the project manager / owner produced from each contractor's draft whose status
        moved on since the last look, a batch per company, within the cron's budget; returns (looked, left)."""
        Deposit, done = self.env["ediflex.chorus.deposit"].sudo(), 0
        # Their ids, then their companies: a subquery on the same table can be planned as a nested loop.
        for company in Deposit.browse(Deposit._produced_due()).company_id:
            due = Deposit.browse(Deposit._produced_due(company, limit=SEND_BATCH_SIZE))
            try:
                with self._client(company) as client:
                    for deposit in due:
                        if time.monotonic() - started > CRON_BUDGET_SECONDS:
                            break
                        way, pieces = recovery.produced_pieces(client, deposit.chorus_piece_id, deposit.piece_number,
                                                               deposit.contract_number or "",
                                                               (company.chorus_produced_way or recovery.NEXT_PIECE,))
                        new = [(p.id, p.number) for p in pieces if p.id and p.id not in deposit._produced_with_file()]
                        files = dict(zip((piece_id for piece_id, _n in new), recovery.copies(client, new),
                                         strict=True))
                        deposit._in_their_language()._record_produced(way, pieces, files)
                        self._commit()
                        done += 1
            except ChorusError as error:  # a passing failure: looked for again at the next run
                _logger.info("Chorus Pro pieces of the project manager for %s not read: %s", company.name, error)
        return done, len(Deposit.browse(Deposit._produced_due()))

    # ------------------------------------------------------------------ the contractor's actions (completer, recycler)

    @api.model
    def _trigger_actions(self, when=None):
        self.env.ref("ediflex_chorus.ir_cron_send_chorus_actions")._trigger(when)

    @api.model
    def _cron_send_actions(self):
        """Send the contractor's actions on pieces that are due, each in its own transaction, within the budget."""
        Action, started, done = self.env["ediflex.chorus.action"].sudo(), time.monotonic(), 0
        for action in Action.search(Action._due_domain(), order="id", limit=SEND_BATCH_SIZE):
            if time.monotonic() - started > SEND_BUDGET_SECONDS:
                break
            if self._lock(action, action_states.PENDING_STATES):
                self._send_action(action)
                self._commit()
                done += 1
        self._hand_over("ediflex_chorus.ir_cron_send_chorus_actions", done, Action.search_count(Action._due_domain()))
        retry = Action.search([("state", "=", action_states.ERROR)], order="next_attempt_date", limit=1)
        if retry:
            self._trigger_actions(retry.next_attempt_date)

    @api.model
    def _send_action(self, action):
        """One action, once: its attempt is on record (committed) before the call, so that the next attempt after an
        unknown outcome reads the piece's status first instead of sending it again."""
        tried_before = action.attempts > 0
        action._mark_attempt()
        self._commit()
        if not self._lock(action, action_states.PENDING_STATES):
            return
        operation, arguments = action._arguments()
        try:
            with self._client(action.company_id) as client:
                result = getattr(recovery, operation)(client, tried_before=tried_before, **arguments)
        except ChorusError as error:
            action._record_failure(error)
        else:
            action._record_result(result)

    # ------------------------------------------------------------------ the pieces Chorus Pro lists "à traiter"

    @api.model
    def _sync_company_statuses(self, company, started):
        """The status follow-up of a company, then the pieces Chorus Pro lists as waiting for it (one search)."""
        result = super()._sync_company_statuses(company, started)
        self._fetch_to_handle(company)
        return result

    @api.model
    def _fetch_to_handle(self, company):
        """Mark the company's deposits whose piece Chorus Pro lists as waiting for it (rechercher/atraiter/fournisseur,
        every page), and unmark the others; left as they were when Chorus Pro cannot be asked."""
        if not company.chorus_structure_id:
            return
        try:
            with self._client(company) as client:
                listed = {item.id for item in recovery.to_handle(client, company.chorus_structure_id)}
        except ChorusError as error:
            _logger.info("Chorus Pro pieces to handle of %s not read: %s", company.name, error)
            return
        self.env["ediflex.chorus.deposit"].sudo()._mark_waiting(company, listed)
        self._commit()

    @api.model
    def _probe_produced(self, company, deposit):
        """Each candidate way of listing the MOE's / MOA's pieces, tried on one deposit's piece (core WayProbe list)."""
        with self._asked(company) as client:
            return recovery.probe_produced(client, deposit.chorus_piece_id, deposit.piece_number,
                                           deposit.contract_number or "")
