import logging
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, format_datetime

from ..chorus import checks, endpoints, history, payment, proofpack, roads, situation_states, states, works
from ..chorus.client import TOKEN_OPERATION
from ..chorus.errors import (
    ChorusAuthError,
    ChorusBusinessError,
    ChorusNetworkError,
    ChorusRouteError,
    ChorusServerError,
)
from .notification import notification

_logger = logging.getLogger(__name__)

# Send lanes ("voies d'envoi"): identical send crons. Odoo runs one cron record in one worker at a time, so one
# record means one sender however many cron workers the servers have; N records let N cron workers (on one or
# several servers) drain the queue together, each deposit kept to one of them by its row lock (the connector's _lock,
# SKIP LOCKED). Lane 1 is the cron ir_cron_send_deposits, lanes 2..N its copies ir_cron_send_deposits_<n>
# (data/ir_cron_data.xml). More lanes than cron workers costs little (a lane that finds the queue empty ends at once);
# an administrator turns a lane off by archiving its cron.
SEND_LANES = 4
SEND_CRON = "ediflex_chorus.ir_cron_send_deposits"
# Short labels: the log shows them in a column (the full names are in the shared notes).
FRAMES = [
    ("A4", "A4 Monthly draft"),
    ("A5", "A5 Progress statement"),
    ("A6", "A6 Validated statement"),
    ("A7", "A7 Final draft"),
    ("A8", "A8 Final statement"),
    ("A10", "A10 Subcontractor draft"),
    ("A11", "A11 Subcontractor final draft"),
    ("A13", "A13 Co-contractor draft"),
    ("A14", "A14 Co-contractor final draft"),
]
# Chorus Pro's statuses of works pieces (shared notes, section 5) as a reader can understand them.
CHORUS_STATUSES = [
    ("DEPOSEE", "Deposited"),
    ("A_ASSOCIER_MOE", "To be linked by the project manager"),
    ("MISE_A_DISPOSITION_MOE", "Made available to the project manager"),
    ("PRISE_EN_COMPTE_MOE", "Taken into account by the project manager"),
    ("REFUSEE_MOE", "Refused by the project manager"),
    ("ERREUR_DE_MOE", "Wrong project manager"),
    ("A_ASSOCIER_MOA", "To be linked by the project owner"),
    ("TRANSMISE_MOA", "Sent to the project owner"),
    ("MISE_A_DISPOSITION_MOA", "Made available to the project owner"),
    ("PRISE_EN_COMPTE_MOA", "Taken into account by the project owner"),
    ("REFUSEE_MOA", "Refused by the project owner"),
    ("ERREUR_DE_MOA", "Wrong project owner"),
    ("ASSOCIEE", "Linked"),
    ("A_COMPLETER", "To be completed"),
    ("A_RECYCLER", "To be recycled"),
    ("REJETEE", "Rejected"),
    ("REMPLACEE_PAR_A22", "Replaced"),
    ("DUPLIQUE_APRES_REFUS", "Duplicated after a refusal"),
    ("MANDATEE", "Payment ordered"),
    ("MISE_EN_PAIEMENT", "Paid"),
]
# Situation states in which a deposit of each frame is still wanted.
WANTED_SITUATION_STATES = {
    "A4": situation_states.PRESENTED_COPY_STATES, "A7": situation_states.PRESENTED_COPY_STATES,
    "A6": situation_states.ACCEPTED_COPY_STATES, "A8": situation_states.ACCEPTED_COPY_STATES,
    "A10": situation_states.PRESENTED_COPY_STATES, "A11": situation_states.PRESENTED_COPY_STATES,
    "A13": situation_states.PRESENTED_COPY_STATES, "A14": situation_states.PRESENTED_COPY_STATES,
}
# Automatic retries of transient failures: after MAX_ATTEMPTS a human decides (Retry button).
MAX_ATTEMPTS = 8
BACKOFF_BASE_MINUTES = 2
BACKOFF_MAX_MINUTES = 6 * 60


class EdiflexChorusDeposit(models.Model):
    """One works piece to deposit on Chorus Pro: an exchange record frozen at the situation's transition."""

    _name = "ediflex.chorus.deposit"
    _description = "Chorus Pro Deposit"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "piece_number"

    situation_id = fields.Many2one("ediflex.situation", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Public Body", readonly=True, index=True, help="Project owner of the situation."
    )
    contract_number = fields.Char(readonly=True)
    frame = fields.Selection(FRAMES, required=True, readonly=True, index=True)
    piece_number = fields.Char(required=True, readonly=True, copy=False, help="Piece number sent to Chorus Pro.")
    state = fields.Selection(states.SELECTION, default=states.TO_SEND, required=True, readonly=True, tracking=True,
                             index=True)
    to_handle = fields.Boolean(
        compute="_compute_to_handle", search="_search_to_handle",
        help="Failed, rejected or refused, or listed by Chorus Pro as waiting for the company: a person must look "
             "at it.",
    )
    road = fields.Selection(
        [("works_api", "Works invoicing API"), ("facturx_flow", "Factur-X flow")], string="Deposit Road",
        default="works_api", required=True, readonly=True,
        help="How this piece goes to Chorus Pro, fixed when it is recorded.",
    )
    flow_syntax = fields.Char(readonly=True, copy=False)
    chorus_flow_number = fields.Char(string="Chorus Pro Flow Number", readonly=True, copy=False, index=True)
    # Read only when asked (prefetch=False), never with the other fields of a batch of deposits: the body of a
    # 1,000-line situation is about 250 KB.
    payload = fields.Text(
        string="Sent Data", readonly=True, copy=False, groups="ediflex_chorus.group_chorus_admin", prefetch=False,
        help="The exact JSON sent to Chorus Pro, frozen when the situation was validated, then written again as "
        "sent, with the id of the uploaded PDF (Chorus Pro File ID). On the flow road: the CII XML of the PDF.",
    )
    attachment_id = fields.Many2one("ir.attachment", string="Deposited PDF", readonly=True)
    # The amounts of this piece, frozen with it: a later edit of the situation never changes them.
    currency_id = fields.Many2one("res.currency", readonly=True)
    # Never summed: the A4 and the A6 of one situation carry the same amounts, once owed.
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True, aggregator=None)
    amount_total = fields.Monetary(string="Total", readonly=True, aggregator=None)
    amount_due = fields.Monetary(readonly=True, aggregator=None)
    chorus_file_id = fields.Integer(string="Chorus Pro File ID", readonly=True, copy=False)
    chorus_piece_id = fields.Integer(string="Chorus Pro Piece ID", readonly=True, copy=False, index=True)
    chorus_status = fields.Char(string="Chorus Pro Status Code", readonly=True, copy=False)
    chorus_status_label = fields.Selection(
        CHORUS_STATUSES, string="Chorus Pro Status", compute="_compute_chorus_status_label", store=True,
        tracking=True,
        help="Chorus Pro's status of the piece; a status that the addon does not know shows as its code.",
    )
    chorus_status_date = fields.Datetime(string="Status Date", readonly=True, copy=False,
                                         help="When Chorus Pro gave the piece its status.")
    chorus_checked_date = fields.Datetime(string="Status Read On", readonly=True, copy=False)
    attempts = fields.Integer(readonly=True, copy=False)
    first_attempt_date = fields.Datetime(readonly=True, copy=False)
    next_attempt_date = fields.Datetime(string="Next Attempt", readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False, help="Full message of Chorus Pro or of the checks.")
    retryable = fields.Boolean(
        readonly=True, copy=False, help="The failure is transient: the deposit is retried automatically."
    )
    # A situation has one live piece per frame: presenting it again deposits a new piece that replaces the earlier.
    replaces_id = fields.Many2one(
        "ediflex.chorus.deposit", readonly=True, copy=False, index="btree_not_null",
        help="The earlier piece of the same frame of the situation (refused on Chorus Pro, say) that this one "
        "replaces.",
    )
    replaced_by_id = fields.Many2one(
        "ediflex.chorus.deposit", readonly=True, copy=False, index="btree_not_null",
        help="The newer piece of the same frame of the situation that replaces this one: this one is no longer live.",
    )

    _sql_constraints = [
        ("piece_number_company_uniq", "unique(company_id, piece_number)", "A piece number is unique per company."),
        ("piece_number_length", f"CHECK(char_length(piece_number) <= {endpoints.MAX_PIECE_NUMBER_LENGTH})",
         "A Chorus Pro piece number has at most 20 characters."),
    ]

    @api.depends("piece_number", "frame")
    def _compute_display_name(self):
        for deposit in self:
            deposit.display_name = f"{deposit.piece_number} ({deposit.frame})"

    @api.depends("chorus_status")
    def _compute_chorus_status_label(self):
        known = dict(CHORUS_STATUSES)
        for deposit in self:
            deposit.chorus_status_label = deposit.chorus_status if deposit.chorus_status in known else False

    @api.depends("state", "replaced_by_id", "chorus_waiting")
    def _compute_to_handle(self):
        for deposit in self:
            # A piece replaced by a newer one (refused, then corrected and presented again) is handled.
            deposit.to_handle = (deposit.state in states.TO_HANDLE_STATES and not deposit.replaced_by_id
                                 or deposit.chorus_waiting)  # listed by Chorus Pro as waiting (issue 21)

    def _search_to_handle(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        if (operator == "=") == value:
            return ["|", "&", ("state", "in", states.TO_HANDLE_STATES), ("replaced_by_id", "=", False),
                    ("chorus_waiting", "=", True)]
        return ["&", ("chorus_waiting", "=", False), "|", ("state", "not in", states.TO_HANDLE_STATES),
                ("replaced_by_id", "!=", False)]

    def _set_state(self, new_state, vals=None):
        """The one door to a deposit's state: check the transition of each deposit, log it, write it."""
        for deposit in self:
            if not states.allowed(deposit.state, new_state):
                raise UserError(self.env._(
                    "The deposit %(piece)s cannot go from %(old)s to %(new)s.", piece=deposit.piece_number,
                    old=deposit._state_label(), new=dict(states.SELECTION)[new_state]))
            if deposit.state != new_state:
                _logger.info("Chorus Pro deposit %s (id %s): %s -> %s", deposit.piece_number, deposit.id,
                             deposit.state, new_state)
        self.write(dict(vals or {}, state=new_state))

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _chorus_status_text(self):
        """Chorus Pro's status in words (its code when the addon does not know it), or ""."""
        self.ensure_one()
        labels = dict(self._fields["chorus_status_label"]._description_selection(self.env))
        return labels.get(self.chorus_status_label) or self.chorus_status or ""

    def _still_wanted(self):
        """Whether the situation is still in a state that this deposit reports to Chorus Pro."""
        self.ensure_one()
        return self.situation_id.state in WANTED_SITUATION_STATES.get(self.frame, ())

    def action_retry(self):
        """Send these failed deposits again now (those of a selection that did not fail are left alone)."""
        if not self.env.user.has_group("ediflex_chorus.group_accountant_reader"):
            raise UserError(self.env._("Only an accountant or a Chorus Pro administrator can retry a deposit."))
        failed = self.filtered(lambda d: d.state in states.RETRYABLE_STATES)
        if not failed:
            raise UserError(self.env._("Only deposits in error or rejected can be retried."))
        # The accountant reads the log and may send a failed deposit again, nothing else: the write is the addon's.
        failed = failed.sudo()
        # A rejected flow is over: a retry deposits a new one (the look-up first finds the piece if it exists).
        failed._set_state(states.TO_SEND, {"next_attempt_date": False, "error_code": False, "error_message": False,
                                           "chorus_flow_number": False})
        self._trigger_send()
        return notification(self.env._("%(count)s deposit(s) will be sent again in a moment.", count=len(failed)))

    def action_refresh_status(self):
        """Ask Chorus Pro for the status of these deposits."""
        self.env["ediflex.chorus.connector"]._refresh_statuses(self.filtered(lambda d: d.state in states.OPEN_STATES))
        return True

    def _cancel(self, reason):
        """Withdraw these deposits before they are sent, saying why in their chatter and the situation's."""
        # Whoever moves the situation withdraws its deposits, though only Chorus Pro administrators write them.
        pending = self.sudo().filtered(lambda d: d.state in states.PENDING_STATES)
        for deposit in pending:
            note = self.env._("Deposit %(piece)s cancelled before it was sent: %(reason)s",
                              piece=deposit.piece_number, reason=reason)
            if deposit.attempts:
                # An earlier attempt may have reached Chorus Pro with its answer lost: say so, never hide it.
                note += " " + self.env._("An earlier attempt had no certain outcome: check Chorus Pro for this "
                                         "piece number.")
            deposit._set_state(states.CANCELLED, {"next_attempt_date": False, "retryable": False})
            deposit._message_log(body=note)
            deposit.situation_id._message_log(body=note)
        return pending

    # Bookkeeping of one sending attempt, called by the connector.

    def _mark_attempt(self):
        self.write({
            "attempts": self.attempts + 1,
            "next_attempt_date": False,
            "first_attempt_date": self.first_attempt_date or fields.Datetime.now(),
        })

    def _mark_sent(self, piece_id=None, status=None, status_at=None):
        """Record what Chorus Pro surely returned: a piece id only when it gave one."""
        vals = {
            "sent_date": self.sent_date or fields.Datetime.now(),
            "error_code": False,
            "error_message": False,
            "retryable": False,
            "next_attempt_date": False,
        }
        if piece_id:
            vals["chorus_piece_id"] = piece_id
        self._set_state(states.SENT, vals)
        if status:
            self._mark_status(status, status_at)

    def _mark_failed(self, error):
        retryable = bool(getattr(error, "retryable", False))
        waits_for_human = retryable and self.attempts >= MAX_ATTEMPTS
        next_attempt = False
        if retryable and not waits_for_human:
            minutes = min(BACKOFF_BASE_MINUTES * 2 ** (self.attempts - 1), BACKOFF_MAX_MINUTES)
            next_attempt = fields.Datetime.now() + timedelta(minutes=minutes)
        self._set_state(states.ERROR if retryable else states.REJECTED, {
            "error_code": str(getattr(error, "code", "") or "") or False,
            "error_message": self._failure_text(error, next_attempt),
            "retryable": bool(next_attempt),
            "next_attempt_date": next_attempt,
        })
        if not next_attempt:
            self.situation_id._chorus_deposit_stuck(self)

    def _mark_flow_rejected(self, report):
        """Chorus Pro rejected the flow: the deposit is rejected, with every error Chorus Pro gave, for a person."""
        errors = "\n".join(f"- {error}" for error in report.errors) or "-"
        self._set_state(states.REJECTED, {
            "error_code": report.state,
            "error_message": self.env._(
                "Chorus Pro rejected the flow %(flow)s: correct what its errors name, then present the situation "
                "again (or retry once the setting they name is fixed).\n%(errors)s",
                flow=self.chorus_flow_number, errors=errors),
            "retryable": False,
        })
        self.situation_id._chorus_deposit_stuck(self)

    def _failure_text(self, error, next_attempt):
        """What failed and what to do, in the reader's language, then Chorus Pro's own code and label."""
        what = self._failure_sentence(error)
        if next_attempt:
            when = format_datetime(self.env, next_attempt, dt_format="short")
            what += " " + self.env._("Next automatic attempt: %(when)s.", when=when)
        elif getattr(error, "retryable", False):
            what += " " + self.env._("The automatic attempts are over: retry by hand once Chorus Pro answers.")
        details = self.env._("Chorus Pro code: %(code)s; HTTP status: %(status)s; label: %(label)s",
                             code=getattr(error, "code", None) or "-",
                             status=getattr(error, "http_status", None) or "-",
                             label=getattr(error, "label", None) or str(error))
        return f"{what}\n{details}"

    def _failure_sentence(self, error):
        if isinstance(error, ChorusAuthError) and error.operation == TOKEN_OPERATION:
            return self.env._("PISTE refused the client ID or secret: check them in Settings > Dematerialisation "
                              "to Chorus Pro.")
        if isinstance(error, ChorusAuthError):
            return self.env._("Chorus Pro refused the technical login or password: check them in Settings > "
                              "Dematerialisation to Chorus Pro (the password expires every 14 months).")
        if isinstance(error, ChorusRouteError):
            return self.env._("The PISTE application is not subscribed to this Chorus Pro API: subscribe it on "
                              "PISTE.")
        if isinstance(error, ChorusBusinessError):
            return self.env._("Chorus Pro rejected the deposit (its message is below). If the situation's data is "
                              "wrong, have the situation refused, correct it in draft and present it again; "
                              "otherwise fix the setting it names, then retry.")
        if isinstance(error, ChorusNetworkError):
            return self.env._("Chorus Pro could not be reached.")
        if isinstance(error, ChorusServerError):
            return self.env._("Chorus Pro is unavailable or overloaded.")
        return self.env._("Chorus Pro gave an unexpected answer.")

    def _in_their_language(self):
        """The deposit in the language and time zone of its situation's responsible, else of its company.

        Crons run as the superuser: what they write (chatter, tracking, errors) is for the contractor's people.
        """
        self.ensure_one()
        user = self.situation_id.user_id
        partner = self.company_id.partner_id
        lang = user.lang or partner.lang or self.env.lang
        return self.with_context(lang=lang, tz=user.tz or partner.tz or self.env.context.get("tz"))

    def _mark_found(self, piece):
        """Chorus Pro lists this deposit's piece: its id (when not known yet) and its status are recorded."""
        self.ensure_one()
        if not self.chorus_piece_id:
            self.chorus_piece_id = piece.id
        if piece.deposited_on and not self.chorus_deposit_date:
            self.chorus_deposit_date = piece.deposited_on
        self._mark_status(piece.status, piece.status_at)

    def _mark_status(self, status, status_at=None):
        """Record Chorus Pro's status of the piece and the state it means (in progress, refused, done)."""
        self.ensure_one()
        vals = {"chorus_checked_date": fields.Datetime.now()}
        if status and status != self.chorus_status:
            vals.update(chorus_status=status, chorus_status_date=status_at or False)
        new_state = states.of_status(status or self.chorus_status)
        changed = new_state != self.state
        new_status = "chorus_status" in vals
        self._set_state(new_state, vals)
        if new_status:
            self._chorus_record_life(status, status_at)
        if new_state == states.REFUSED and changed:
            self.situation_id._chorus_piece_refused(self, reason=self.chorus_reason or None)

    # The sending cron's queries and wake-ups (the connector does the calls).

    @api.model
    def _send_lanes(self):
        """The send crons (lanes), lane 1 first, archived ones included; a deleted lane is left out."""
        names = [SEND_CRON] + [f"{SEND_CRON}_{lane}" for lane in range(2, SEND_LANES + 1)]
        lanes = self.env["ir.cron"].sudo()
        for name in names:
            lanes |= self.env.ref(name, raise_if_not_found=False) or lanes
        return lanes

    @api.model
    def _trigger_send(self, at=None):
        """Wake every active send lane now (or at ``at``): the free cron workers drain the queue together."""
        lanes = self._send_lanes().filtered("active")
        if at:
            # Each lane's run ends by asking for the next retry: one wake-up per lane and moment is enough.
            planned = self.env["ir.cron.trigger"].sudo().search([("cron_id", "in", lanes.ids), ("call_at", "=", at)])
            lanes -= planned.cron_id
        for lane in lanes:
            lane._trigger(at)

    @api.model
    def _schedule_retry(self):
        # Wake the cron when the next transient failure is due, rather than at its next interval.
        next_error = self.sudo().search(
            [("state", "=", states.ERROR), ("retryable", "=", True), ("next_attempt_date", "!=", False)],
            order="next_attempt_date", limit=1,
        )
        if next_error:
            self._trigger_send(next_error.next_attempt_date)

    @api.model
    def _due_domain(self):
        """The deposits to send now: new ones, and transient failures whose next attempt is due."""
        return [
            ("company_id.chorus_enabled", "=", True),
            "|", ("state", "=", states.TO_SEND),
            "&", "&", ("state", "=", states.ERROR), ("retryable", "=", True),
            ("next_attempt_date", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _hold_disabled(self):
        """Deposits of a company whose Chorus Pro switch is off wait, saying so, until it is on again."""
        waiting = self.sudo().search([("state", "=", states.TO_SEND), ("company_id.chorus_enabled", "=", False)])
        connector = self.env["ediflex.chorus.connector"]
        for deposit in waiting:
            # One by one, in their people's language: the tracking message says so in words they read. Another send
            # lane may be holding the same deposits at this moment: the lane that takes the row lock does it.
            if connector._lock(deposit):
                deposit._in_their_language()._set_state(states.WAITING)

    # The status follow-up: which period to search, and what a page of Chorus Pro's pieces tells.

    @api.model
    def _open_domain(self, company):
        """The company's deposits whose piece the status follow-up reads."""
        return [("company_id", "=", company.id), ("state", "in", states.OPEN_STATES)]

    @api.model
    def _status_since(self, company, last_complete_run):
        """Start of the period to search for the company's open deposits: the last complete run (``last_complete_run``,
        or None), or the first attempt of an open piece whose id is still unknown (of any, before a first complete
        run), or now when nothing is open. Asked of the database: a company may have 100,000 open pieces."""
        domain = self._open_domain(company) + ([("chorus_piece_id", "=", False)] if last_complete_run else [])
        first = self._field_to_sql(self._table, "first_attempt_date")
        created = self._field_to_sql(self._table, "create_date")
        self.env.cr.execute(self._search(domain).select(SQL("MIN(COALESCE(%s, %s))", first, created)))
        starts = [start for start in (last_complete_run, self.env.cr.fetchone()[0]) if start]
        return min(starts, default=fields.Datetime.now())

    @api.model
    def _apply_pieces(self, company, pieces):
        """Apply a page of the works search (WorksPiece list) to the company's open deposits, matched by id or else
        by number; one search for the page's deposits, never a map of every open deposit."""
        ids, numbers = [piece.id for piece in pieces if piece.id], [piece.number for piece in pieces if piece.number]
        found = self.search(self._open_domain(company)
                            + ["|", ("chorus_piece_id", "in", ids), ("piece_number", "in", numbers)])
        by_id = {d.chorus_piece_id: d for d in found if d.chorus_piece_id}
        by_number = {d.piece_number: d for d in found if not d.chorus_piece_id}
        updated = 0
        for piece in pieces:
            deposit = by_id.get(piece.id) or by_number.get(piece.number)
            if not deposit or deposit.state not in states.OPEN_STATES:
                continue
            deposit._in_their_language()._mark_found(piece)
            updated += 1
        return updated

    @api.model
    def _flows_without_piece(self, company):
        """The company's open deposits of the flow road whose piece the works search has not found yet."""
        return self.search(self._open_domain(company)
                           + [("chorus_flow_number", "!=", False), ("chorus_piece_id", "=", False)])

    # Recording at the transition: checks first, then the piece frozen as it will be sent.

    @api.model
    def _record(self, situations, step):
        """Check the situations and record one frozen deposit each, to be sent after commit."""
        problems, todo = [], []
        for situation in situations.filtered(lambda s: s.company_id.chorus_enabled):
            company = situation.company_id
            frame = works.frame_for(step, situation.kind == "final", situation.chorus_role or works.ROLE_MAIN)
            if frame is None:
                continue  # a co-contractor's or subcontractor's acceptance deposits no piece (works.ROLE_ACCEPTANCE)
            document = situation._chorus_render_pdf(frame)
            core = situation._chorus_situation(document, situation._chorus_piece_number(frame))
            found = checks.check_situation(core, frame, company.chorus_environment == "production",
                                           situation._chorus_owner_rules())
            found += self._company_problems(company)
            frozen = None
            if not found:
                frozen, found = roads.road(company.chorus_deposit_road, company.chorus_flow_syntax).freeze(frame, core)
            problems += [(situation, problem) for problem in found]
            todo.append((situation, frame, core, frozen))
        if problems:
            raise UserError(self._format_problems(problems))
        deposits = self.browse()
        for situation, frame, core, frozen in todo:
            deposits |= self._freeze(situation, frame, core, frozen)
        if deposits:
            self._trigger_send()
        return deposits

    @api.model
    def _freeze(self, situation, frame, core, frozen):
        """The deposit of ``core`` as ``frame``: the road's frozen body and PDF and its amounts, fixed from now on."""
        document = frozen.document
        attachment = self.env["ir.attachment"].sudo().create({
            "name": document.name,
            "raw": document.content,
            "mimetype": document.mime_type,
            "res_model": "ediflex.situation",
            "res_id": situation.id,
            "company_id": situation.company_id.id,
        })
        totals = core.totals
        deposit = self.sudo().create({
            "situation_id": situation.id,
            "company_id": situation.company_id.id,
            "partner_id": situation.owner_id.id,
            "contract_number": situation.contract_number,
            "frame": frame.short,
            "piece_number": frozen.piece_number,
            "road": situation.company_id.chorus_deposit_road,
            "flow_syntax": situation.company_id.chorus_flow_syntax,
            "payload": frozen.body.decode("utf-8"),
            "attachment_id": attachment.id,
            "currency_id": situation.currency_id.id,
            "amount_untaxed": float(totals.untaxed),
            "amount_total": float(totals.total),
            "amount_due": float(totals.due),
        })
        situation._message_log(body=self.env._(
            "Deposit %(piece)s recorded: it is sent to Chorus Pro in a moment.", piece=deposit.piece_number
        ))
        deposit._replace_earlier()
        return deposit

    # Sending: the road of the deposit, its frozen copy, and what an attempt gave.

    def _road(self):
        self.ensure_one()
        return roads.road(self.road, self.flow_syntax)

    def _frozen(self):
        """The deposit as its road sends it: the stored body and PDF, and its piece number."""
        self.ensure_one()
        # This deposit's body and file alone, not those of the other deposits of its batch (the ORM reads a field
        # for every record of the prefetch set), and the file's bytes not kept in the ORM cache afterwards: a send
        # run's memory does not grow with its batch.
        deposit = self.sudo().with_prefetch()
        attachment = deposit.attachment_id
        content = attachment.raw or b""
        attachment.invalidate_recordset(["raw"])
        document = works.Document(name=attachment.name, content=content,
                                  mime_type=attachment.mimetype or "application/pdf")
        return roads.Frozen(body=(deposit.payload or "").encode("utf-8"), document=document,
                            piece_number=deposit.piece_number)

    def _record_outcome(self, outcome):
        """Write what one attempt of the road gave: the exact body sent, then sent, found, or failed."""
        self.ensure_one()
        if outcome.file_id:
            self.chorus_file_id = outcome.file_id
        if outcome.body is not None:
            self.sudo().payload = outcome.body.decode("utf-8")
        if isinstance(outcome, roads.Failed):
            self._mark_failed(outcome.error)
            return
        if isinstance(outcome, roads.FlowDeposited):
            self.chorus_flow_number = outcome.flow_number
            self._mark_sent()
            message = self.env._("Deposit %(piece)s sent to Chorus Pro as the flow %(flow)s.",
                                 piece=self.piece_number, flow=outcome.flow_number)
        else:
            self._mark_sent(outcome.piece_id, outcome.status, outcome.status_at)
            message = self.env._("Deposit %(piece)s sent to Chorus Pro.", piece=self.piece_number)
        self.situation_id._message_log(body=message)

    def _replace_earlier(self):
        """Link this new piece to the earlier live pieces of its frame for its situation, which it replaces."""
        self.ensure_one()
        earlier = self.situation_id.deposit_ids.sudo().filtered(
            lambda d: d != self and d.frame == self.frame and d.state != states.CANCELLED and not d.replaced_by_id
        )
        if not earlier:
            return
        earlier.write({"replaced_by_id": self.id})
        self.replaces_id = earlier.sorted("id")[-1]
        for piece in earlier:
            piece._message_log(body=self.env._("Replaced by the piece %(piece)s.", piece=self.piece_number))

    @api.model
    def _company_problems(self, company):
        secrets = company._chorus_credentials()
        missing = [
            label for label, value in (
                (self.env._("technical login"), secrets["chorus_login"]),
                (self.env._("technical password"), secrets["chorus_password"]),
                (self.env._("PISTE client ID"), secrets["chorus_client_id"]),
                (self.env._("PISTE client secret"), secrets["chorus_client_secret"]),
            ) if not value
        ]
        if not missing:
            return []
        message = self.env._(
            "Set the %(items)s of the company %(company)s in Settings > Dematerialisation to Chorus Pro.",
            items=", ".join(missing), company=company.name,
        )
        return [checks.Problem(field="company", message=message)]

    @api.model
    def _format_problems(self, problems):
        lines = [self.env._("Chorus Pro would reject this deposit. Fix the following, then validate again:")]
        lines += [
            self.env._("- %(situation)s: %(problem)s", situation=situation.name, problem=self._problem_text(problem))
            for situation, problem in problems
        ]
        return "\n".join(lines)

    @api.model
    def _problem_text(self, problem):
        """A problem in the user's language: the checks' English template translated and filled with its params.

        A problem without template (the company problems, built here) holds a message already translated.
        """
        if not problem.template:
            return problem.message
        return self.env._(problem.template, **dict(problem.params))


class EdiflexChorusDepositLife(models.Model):
    """paid17: the piece's life on Chorus Pro (dated statuses, reasons) and its payment clock.

    A block of its own on the deposit, so that it rebases apart from the sending logic above. The clock is on the
    deposit that starts it (A4, or A8 for the balance); the statuses of every piece of the same situation count
    for it (UNCERTAIN: whether Chorus Pro says "mise en paiement" on the A4 or on the A6: both are read).
    """

    _inherit = "ediflex.chorus.deposit"

    chorus_deposit_date = fields.Date(
        string="Chorus Pro Deposit Date", readonly=True, copy=False,
        help="The deposit date Chorus Pro gives for the piece: the payment request's date of receipt.")
    history_ids = fields.One2many("ediflex.chorus.status.history", "deposit_id", string="Status History",
                                  readonly=True)
    chorus_reason = fields.Text(string="Chorus Pro Reason", readonly=True, copy=False,
                                help="The reason Chorus Pro gives for the latest refusal or request to complete.")
    # Stored: what Chorus Pro's dates fix (the accountants filter and group on them).
    payment_period_days = fields.Integer(string="Payment Period (days)", compute="_compute_payment_clock",
                                         store=True)
    payment_start_date = fields.Date(string="Payment Period Start", compute="_compute_payment_clock", store=True)
    payment_due_date = fields.Date(compute="_compute_payment_clock", store=True)
    payment_date = fields.Date(string="Paid On (Chorus Pro)", compute="_compute_payment_clock", store=True)
    payment_days_late = fields.Integer(string="Days Late", compute="_compute_payment_clock", store=True,
                                       help="Days between the due date and the payment, once paid.")
    late_interest = fields.Monetary(string="Late-Payment Interest", compute="_compute_payment_clock", store=True)
    late_indemnity = fields.Monetary(string="Recovery Indemnity", compute="_compute_payment_clock", store=True)
    late_rate = fields.Float(string="Interest Rate (%)", digits=(6, 2), compute="_compute_payment_clock", store=True,
                             help="The ECB rate of the half-year the interest started in, plus 8 points.")
    payment_due_notified = fields.Boolean(readonly=True, copy=False,
                                          help="The accountants were told that this piece fell due unpaid.")
    # Not stored: they depend on today.
    payment_days_left = fields.Integer(string="Days Left", compute="_compute_payment_today",
                                       help="Days until the due date; negative when the payment is late.")
    payment_suspended = fields.Boolean(string="Payment Period Suspended", compute="_compute_payment_today")

    def _chorus_record_life(self, status, status_at):
        """Book a new status with Chorus Pro's date; for a refusal or a suspension, read Chorus Pro's reason."""
        self.ensure_one()
        History = self.env["ediflex.chorus.status.history"].sudo()
        comment = ""
        if status in history.REASON_STATUSES and self.chorus_piece_id:
            entries = self.env["ediflex.chorus.connector"]._piece_history(self)
            this_status = [entry for entry in entries if entry.code == status]
            comment = history.latest_reason(this_status)
            status_at = status_at or next((e.at for e in reversed(this_status) if e.at), None)
            self.chorus_reason = comment or False  # this refusal's or suspension's reason, never an older one
        History.create({"deposit_id": self.id, "status": status, "status_date": status_at or False,
                        "comment": comment or False})

    def _payment_entries(self):
        """The dated statuses of every piece of this deposit's situation, oldest first (core StatusEntry)."""
        self.ensure_one()
        rows = self.situation_id.deposit_ids.history_ids | self.history_ids
        return [row._as_entry() for row in rows.sorted(lambda r: (r.status_date or datetime.max, r.id))]

    def _payment_clock(self, entries=None):
        """The core's payment Clock of this piece, or None when its deposit starts no period or has no date."""
        self.ensure_one()
        if not self.chorus_deposit_date or not payment.request_kind(works.Frame[self.frame]):
            return None
        entries = self._payment_entries() if entries is None else entries
        partner = self.partner_id or self.situation_id.owner_id
        contract_days = self.situation_id.contract_id.payment_period_days or None  # a contract may shorten it
        days = (partner._chorus_payment_period(contract_days) if partner
                else payment.period_days(payment.BuyerType.STATE, contract_days))
        return payment.Clock(self.chorus_deposit_date, days, history.suspension(entries))

    @api.depends("chorus_deposit_date", "frame", "amount_due", "partner_id.chorus_payment_period_days",
                 "partner_id.chorus_buyer_type", "situation_id.contract_id.payment_period_days",
                 "situation_id.deposit_ids.history_ids.status")
    def _compute_payment_clock(self):
        rates = None
        for deposit in self:
            entries = deposit._payment_entries() if deposit.chorus_deposit_date else []
            clock = deposit._payment_clock(entries)
            paid = clock and history.payment_date(entries)
            charges = None
            if clock and paid and clock.days_late(paid):
                rates = rates if rates is not None else self.env["ediflex.chorus.ecb.rate"]._rates()
                try:
                    charges = payment.late_charges(clock, paid, deposit.amount_due, rates)
                except LookupError:
                    charges = None  # no ECB rate known for that half-year: nothing is claimed on a guess
            deposit.update({
                "payment_period_days": clock.period_days if clock else 0,
                "payment_start_date": clock.start if clock else False,
                "payment_due_date": (clock.due_date if clock else None) or False,
                "payment_date": paid or False,
                "payment_days_late": clock.days_late(paid) if clock and paid else 0,
                "late_interest": float(charges.interest) if charges else 0.0,
                "late_indemnity": float(charges.indemnity) if charges else 0.0,
                "late_rate": float(charges.rate) if charges else 0.0,
            })

    @api.depends("payment_due_date", "payment_date", "payment_start_date")
    def _compute_payment_today(self):
        today = fields.Date.context_today(self)
        for deposit in self:
            clock = deposit.payment_start_date and not deposit.payment_date and deposit._payment_clock()
            deposit.payment_days_left = (clock.days_left(today) or 0) if clock else 0
            deposit.payment_suspended = bool(clock and clock.suspended_on(today))

    @api.model
    def _cron_notify_payment_due(self):
        """Tell the contractor's accountants of each piece fallen due that Chorus Pro shows unpaid (once)."""
        today = fields.Date.context_today(self)
        due = self.sudo().search([("payment_due_date", "<", today), ("payment_date", "=", False),
                                  ("state", "in", states.OPEN_STATES), ("payment_due_notified", "=", False)])
        for deposit in due.filtered(lambda d: not d.payment_suspended):
            deposit._in_their_language()._notify_payment_due()

    def _notify_payment_due(self):
        self.ensure_one()
        situation = self.situation_id
        accountants = self.env.ref("ediflex_chorus.group_accountant_reader").users.filtered(
            lambda user: self.company_id in user.company_ids and not user.share and user.active)
        note = self.env._(
            "The piece %(piece)s of contract %(contract)s fell due on %(due)s and Chorus Pro shows no payment: the "
            "public body owes late-payment interest from the next day, and the 40 EUR indemnity.",
            piece=self.piece_number, contract=self.contract_number or "-",
            due=format_date(self.env, self.payment_due_date))
        for user in accountants or (situation.user_id or situation.create_uid):
            situation.activity_schedule("mail.mail_activity_data_todo", user_id=user.id, note=note,
                                        summary=self.env._("Payment overdue"))
        self.payment_due_notified = True

    # The proof pack: what was exchanged with Chorus Pro, exactly, with its hashes.

    def _letter_lang(self, partner=None):
        """The language of the addon's letters: the partner's, else French when installed, else the user's."""
        active = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in ((partner.lang if partner else None), "fr_FR"):
            if lang in active:
                return lang
        return self.env.lang or "en_US"

    def _proof_sent_files(self):
        """The exact data sent besides the file: the JSON body (works road, file id included) or the CII XML the
        Factur-X file embeds (flow road), as stored when it was sent."""
        self.ensure_one()
        if not self.payload:
            return []
        name = "body_sent.json" if self.road == "works_api" else "factur-x.xml"
        return [(name, self.payload.encode("utf-8"))]

    def _proof_pdf_sha256(self):
        self.ensure_one()
        # bin_size=False: under the web client's bin_size, Odoo gives a binary's size text instead of its bytes.
        return proofpack.sha256(self.attachment_id.sudo().with_context(bin_size=False).raw or b"")

    def _proof_answers(self):
        """What Chorus Pro answered for this piece, as the addon recorded it."""
        self.ensure_one()
        return {
            "piece_number": self.piece_number, "frame": self.frame,
            "chorus_piece_id": self.chorus_piece_id or None, "chorus_file_id": self.chorus_file_id or None,
            "chorus_flow_number": self.chorus_flow_number or None,
            "chorus_deposit_date": self.chorus_deposit_date and self.chorus_deposit_date.isoformat() or None,
            "chorus_status": self.chorus_status or None,
            "chorus_status_date": self.chorus_status_date and self.chorus_status_date.isoformat() or None,
            "sent_date": self.sent_date and self.sent_date.isoformat() or None,
        }

    def _proof_history(self):
        self.ensure_one()
        return [{"status": row.status, "chorus_date": row.status_date and row.status_date.isoformat() or None,
                 "comment": row.comment or ""} for row in self.history_ids]

    def _proof_pack(self):
        """(file name, zip bytes) of this deposit's proof pack."""
        self.ensure_one()
        attachment = self.attachment_id.sudo()
        files = [(attachment.name or "piece.pdf", attachment.raw or b"")]
        files += self._proof_sent_files()
        files += [("chorus_pro_answers.json", self._proof_answers()), ("status_history.json", self._proof_history())]
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        certificate, _kind = report._render_qweb_pdf("ediflex_chorus.report_deposit_attestation", self.ids)
        files.append(("attestation_de_depot.pdf", certificate))
        about = {"piece_number": self.piece_number, "company": self.company_id.name,
                 "siret": self.company_id.chorus_siret or ""}
        return f"preuve-{self.piece_number}.zip", proofpack.build(files, about)

    def action_download_proof_pack(self):
        """Download the deposit's proof pack (zip)."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": f"/ediflex_chorus/proof_pack/{self.id}", "target": "self"}

    # A deposit sent to Chorus Pro is a proof: only the addon's bookkeeping (the crons and the status follow-up,
    # which run as the superuser) still writes it; no user may change it, the administrator included, and no one
    # may delete it (kept 10 years, Code de commerce L123-22; never vacuumed).

    def _was_sent(self):
        return bool(self.sent_date or self.chorus_piece_id or self.chorus_flow_number)

    def write(self, vals):
        if not self.env.su and any(deposit._was_sent() for deposit in self):
            raise UserError(self.env._("This deposit was sent to Chorus Pro: it is a proof and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_sent(self):
        if any(deposit._was_sent() for deposit in self):
            raise UserError(self.env._("This deposit was sent to Chorus Pro: it is a proof and cannot be deleted."))
