import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils

from ..chorus import checks, situation_states, states, works
from ..chorus.recovery import COMPLETE_STATUS, RECYCLE_STATUS
from .ediflex_contract import ROLE_HELP, ROLE_SELECTION
from .notification import notification

LOCKED_FIELDS = {
    "contract_id", "kind", "contract_number", "commitment_number", "owner_id", "owner_service_id", "manager_id",
    "manager_service_id", "chorus_role", "main_contractor_id", "mandatary_id", "partner_service_id", "number", "date",
    "period_start", "period_end", "line_ids", "retention_rate", "company_id",
}


def _shorts(frames):
    """The short codes ("A4") of ``frames``, as deposits store them."""
    return [frame.short for frame in frames]


class EdiflexSituation(models.Model):
    _name = "ediflex.situation"
    _description = "Works Situation"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    # The project owner's people write on the situation's thread from the portal (read access is enough).
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", tracking=True)
    state = fields.Selection(situation_states.SELECTION, default=situation_states.DRAFT, required=True, readonly=True,
                             copy=False, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [("monthly", "Monthly"), ("final", "Final")], default="monthly", required=True, tracking=True
    )
    contract_id = fields.Many2one(
        "ediflex.contract", tracking=True, check_company=True, index=True, ondelete="restrict",
        help="The contract (marché) billed: its parties, commitment, retention rate and lots fill the situation.",
    )
    # The contract's values when the contract is chosen; from then on the situation's own (a later change of the
    # contract never alters a situation already presented).
    contract_number = fields.Char(
        required=True, tracking=True, compute="_compute_from_contract", store=True, readonly=False, precompute=True,
        help="Number of the public works contract (marché).",
    )
    commitment_number = fields.Char(
        tracking=True, compute="_compute_from_contract", store=True, readonly=False, precompute=True,
        help="Legal commitment number (engagement juridique).",
    )
    owner_id = fields.Many2one(
        "res.partner", string="Project Owner", required=True, tracking=True, check_company=True,
        compute="_compute_from_contract", store=True, readonly=False, precompute=True,
        help="Maître d'ouvrage: the public body that pays.",
    )
    owner_service_required = fields.Boolean(related="owner_id.chorus_service_code_required")
    owner_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Executing Service", domain="[('partner_id', '=', owner_id)]",
        compute="_compute_from_contract", store=True, readonly=False, precompute=True,
    )
    manager_id = fields.Many2one(
        "res.partner", string="Project Manager", required=True, tracking=True, check_company=True,
        compute="_compute_from_contract", store=True, readonly=False, precompute=True,
        help="Maître d'oeuvre: checks the situation before the project owner validates it.",
    )
    manager_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Project Manager Service", domain="[('partner_id', '=', manager_id)]",
        compute="_compute_from_contract", store=True, readonly=False, precompute=True,
    )
    # The contract's role when the contract is chosen; a draft situation may change it (issue 18).
    chorus_role = fields.Selection(
        ROLE_SELECTION, string="Company's Role", required=True, tracking=True, help=ROLE_HELP,
        compute="_compute_role_from_contract", store=True, readonly=False, precompute=True,
    )
    main_contractor_id = fields.Many2one(
        "res.partner", tracking=True, check_company=True,
        compute="_compute_role_from_contract", store=True, readonly=False, precompute=True,
        help="Titulaire du marché: the situation of its subcontractor goes to it first for validation.",
    )
    mandatary_id = fields.Many2one(
        "res.partner", tracking=True, check_company=True,
        compute="_compute_role_from_contract", store=True, readonly=False, precompute=True,
        help="Mandataire du groupement: a co-contractor's situation names it.",
    )
    partner_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Partner's Service",
        domain="[('partner_id', 'in', (main_contractor_id, mandatary_id))]",
        compute="_compute_role_from_contract", store=True, readonly=False, precompute=True,
        help="The Chorus Pro service of the main contractor or of the mandatary that receives the situation.",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, check_company=True,
        help="Told by an activity when Chorus Pro rejects or refuses a deposit of this situation.",
    )
    number = fields.Integer(string="Situation Number", required=True, default=1, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    previous_situation_id = fields.Many2one(
        "ediflex.situation", compute="_compute_previous_situation_id", store=True,
        help="The situation of the same contract with the number just below, whose cumulative amounts are the "
        "previous cumulative amounts of this one.",
    )
    line_ids = fields.One2many("ediflex.situation.line", "situation_id", string="Lines", copy=True)
    retention_rate = fields.Float(
        string="Retention Rate (%)", digits=(5, 2),
        compute="_compute_from_contract", store=True, readonly=False, precompute=True,
        help="Retenue de garantie, at most 5% of the amount of the period including taxes.",
    )
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True, string="Untaxed Amount")
    amount_tax = fields.Monetary(compute="_compute_amounts", store=True, string="Taxes")
    amount_total = fields.Monetary(compute="_compute_amounts", store=True, string="Total")
    amount_retention = fields.Monetary(compute="_compute_amounts", store=True, string="Retention")
    amount_due = fields.Monetary(compute="_compute_amounts", store=True)
    deposit_ids = fields.One2many("ediflex.chorus.deposit", "situation_id", string="Chorus Pro Deposits")
    deposit_count = fields.Integer(compute="_compute_deposit_count")
    refusal_reason = fields.Text(readonly=True, copy=False, tracking=True,
                                 help="Why the project owner refused the situation the last time.")
    chorus_refused_deposit_id = fields.Many2one(
        "ediflex.chorus.deposit", string="Piece Refused on Chorus Pro", readonly=True, copy=False,
        help="The piece whose refusal on Chorus Pro put the situation in 'Refused by Chorus Pro'.",
    )
    chorus_refusal_reason = fields.Text(
        string="Chorus Pro's Reason", readonly=True, copy=False, tracking=True,
        help="The reason Chorus Pro gives for the refusal of the piece, when it gives one.",
    )
    owner_signature = fields.Image(
        string="Project Owner's Signature", attachment=True, copy=False, max_width=1024, max_height=1024,
        help="Drawn or typed on the portal when the project owner accepted the situation.",
    )
    owner_signed_by = fields.Char(string="Signed By", copy=False, readonly=True)
    # Who accepted and when, for the accepted copy's "Accepted by ... on ...", whichever way it was accepted.
    accepted_by_id = fields.Many2one("res.partner", copy=False, readonly=True)
    accepted_on = fields.Datetime(copy=False, readonly=True)
    owner_signed_on = fields.Datetime(string="Signed On", copy=False, readonly=True)
    deposit_problem = fields.Boolean(
        compute="_compute_chorus_status",
        help="A deposit of this situation waits for a person: refused, rejected, or its automatic attempts are over.",
    )
    deposit_sending = fields.Boolean(
        compute="_compute_chorus_status", help="A deposit of this situation is on its way to Chorus Pro."
    )
    deposit_retry_time = fields.Char(
        compute="_compute_chorus_status",
        help="When the next automatic attempt of a deposit that failed for a passing reason is planned (HH:MM).",
    )
    # Not stored: the sending cron must never write the situation row that a user may be editing.
    chorus_status = fields.Char(
        string="Chorus Pro Status", compute="_compute_chorus_status",
        help="Status of the last deposit of this situation as Chorus Pro reports it.",
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "The reference of a situation is unique per company."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("ediflex.situation")
        return super().create(vals_list)

    @api.depends("contract_id")
    def _compute_from_contract(self):
        for situation in self:
            contract = situation.contract_id
            if not contract:
                # No contract: the values typed on the situation stay (a new one starts at the usual 5 %).
                if not situation._origin:
                    situation.retention_rate = situation.retention_rate or 5.0
                continue
            situation.update({
                "contract_number": contract.name,
                "commitment_number": contract.commitment_number,
                "owner_id": contract.owner_id,
                "owner_service_id": contract.owner_service_id,
                "manager_id": contract.manager_id,
                "manager_service_id": contract.manager_service_id,
                "retention_rate": contract.retention_rate,
            })

    @api.depends("contract_id")
    def _compute_role_from_contract(self):
        # Apart from _compute_from_contract: adding these fields computes them alone on existing situations, which
        # take their contract's role (main contractor for every contract made before the roles).
        for situation in self:
            contract = situation.contract_id
            if not contract:
                situation.chorus_role = situation.chorus_role or works.ROLE_MAIN
                continue
            situation.update({
                "chorus_role": contract.chorus_role,
                "main_contractor_id": contract.main_contractor_id,
                "mandatary_id": contract.mandatary_id,
                "partner_service_id": contract.partner_service_id,
            })

    @api.onchange("contract_id")
    def _onchange_contract_id(self):
        # A new situation of a contract is its next one: number, period, and its lots at the previous progress.
        if not self.contract_id or self._origin:
            return
        values = self.contract_id._next_situation_values()
        self.update({key: values[key] for key in ("number", "period_start", "period_end")})
        if not self.line_ids:
            self.line_ids = values["line_ids"]

    def copy_data(self, default=None):
        # "Duplicate" makes the next situation: the contract's next one, else number n+1 of the same contract
        # number, the next period, the progress carried, for the current user.
        default = dict(default or {})
        vals_list = super().copy_data(default)
        for situation, vals in zip(self, vals_list, strict=True):
            if situation.contract_id:
                next_vals = situation.contract_id._next_situation_values()
            else:
                next_vals = situation._next_situation_values()
            vals.update({key: value for key, value in next_vals.items() if key not in default})
        return vals_list

    def _next_situation_values(self):
        """Number n+1 of the same contract number, the next period and date, for the current user."""
        self.ensure_one()
        last = self.search([("company_id", "=", self.company_id.id), ("contract_number", "=", self.contract_number),
                            ("state", "!=", situation_states.CANCELLED)], order="number desc, id desc", limit=1) or self
        start = last.period_end + relativedelta(days=1)
        return {"number": last.number + 1, "kind": "monthly", "date": fields.Date.context_today(self),
                "period_start": start, "period_end": date_utils.end_of(start, "month"), "user_id": self.env.uid}

    def _contract_values(self):
        """A contract made from this situation: its number, parties, commitment, retention rate, lines as lots."""
        self.ensure_one()
        return {
            "name": self.contract_number, "company_id": self.company_id.id,
            "commitment_number": self.commitment_number, "owner_id": self.owner_id.id,
            "owner_service_id": self.owner_service_id.id, "manager_id": self.manager_id.id,
            "manager_service_id": self.manager_service_id.id, "retention_rate": self.retention_rate,
            "chorus_role": self.chorus_role, "main_contractor_id": self.main_contractor_id.id,
            "mandatary_id": self.mandatary_id.id, "partner_service_id": self.partner_service_id.id,
            "lot_ids": [Command.create({"sequence": line.sequence, "code": line.code, "name": line.name,
                                        "amount": line.contract_amount, "vat_rate": line.vat_rate})
                        for line in self.line_ids],
        }

    @api.depends("contract_number", "number", "company_id")
    def _compute_previous_situation_id(self):
        for situation in self:
            situation.previous_situation_id = situation._previous_now()

    def _previous_now(self):
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("contract_number", "=", self.contract_number),
                ("number", "<", self.number),
                ("state", "!=", situation_states.CANCELLED),
                ("id", "!=", self._origin.id or 0),
            ],
            order="number desc, id desc",
            limit=1,
        )

    @api.depends("line_ids.period_amount", "line_ids.vat_rate", "retention_rate")
    def _compute_amounts(self):
        for situation in self:
            totals = works.compute_totals([line._chorus_line() for line in situation.line_ids],
                                          Decimal(str(situation.retention_rate or 0)))
            situation.amount_untaxed = totals.untaxed
            situation.amount_tax = totals.tax
            situation.amount_total = totals.total
            situation.amount_retention = totals.retention
            situation.amount_due = totals.due

    @api.depends("deposit_ids")
    def _compute_deposit_count(self):
        for situation in self:
            situation.deposit_count = len(situation.deposit_ids)

    @api.depends("deposit_ids.chorus_status", "deposit_ids.state", "state", "chorus_refused_deposit_id")
    def _compute_chorus_status(self):
        for situation in self:
            last = situation.deposit_ids.sorted("id")[-1:]
            situation.chorus_status = last and (last._chorus_status_text() or last._state_label()) or False
            # Red only when a person must act; a passing failure retried on its own is told apart (amber).
            retrying = situation.deposit_ids.filtered(
                lambda d: d.state == states.ERROR and d.retryable and d.next_attempt_date)
            # The refusal on Chorus Pro has its own banner, which says what to do: one banner, not two.
            refused = (situation.chorus_refused_deposit_id if situation.state == situation_states.CHORUS_REFUSED
                       else self.env["ediflex.chorus.deposit"])
            waiting = situation.deposit_ids - retrying - refused
            situation.deposit_problem = any(
                d.state in states.TO_HANDLE_STATES and not d.replaced_by_id for d in waiting
            )
            situation.deposit_sending = any(d.state == states.TO_SEND for d in situation.deposit_ids)
            situation.deposit_retry_time = (situation._user_time(min(retrying.mapped("next_attempt_date")))
                                            if retrying else False)

    def _user_time(self, moment):
        # HH:MM in the reader's time zone (the day when it is not today).
        local = fields.Datetime.context_timestamp(self, moment)
        today = fields.Datetime.context_timestamp(self, fields.Datetime.now()).date()
        return local.strftime("%H:%M") if local.date() == today else local.strftime("%d/%m/%Y %H:%M")

    def action_present(self):
        """Present the payment request: the company validates the situation (deposit A4 / A7, A13 / A14 or A10 / A11
        after its role)."""
        self._check_state(situation_states.EDITABLE_STATES,
                          self.env._("Only a draft or refused situation can be presented."))
        deposits = self._transition(situation_states.PRESENTED, "present")
        # Offered, not imposed: the e-mail to the project owner opens prefilled, and can be discarded.
        offer = len(self) == 1 and self._portal_recipients() and self.action_send_to_owner()
        return notification(self.env._("Situation presented.") + " " + self._deposit_news(deposits), then=offer)

    def action_accept(self):
        """Accept the payment: the project owner validates the situation (deposit A6, or A8 if final; a co-contractor's
        or subcontractor's acceptance deposits what works.ROLE_ACCEPTANCE says)."""
        if not self.env.user.has_group("ediflex_chorus.group_owner_approver"):
            raise UserError(self.env._("Only a project owner approver can accept a situation."))
        deposits = self._accept()
        return notification(self.env._("Situation accepted.") + " " + self._deposit_news(deposits))

    def _accept(self, partner=None):
        # The one acceptance, from the internal button or the portal (in the name of ``partner``): the accepted
        # copy is deposited at once.
        self._check_state((situation_states.PRESENTED,), self.env._("Only a presented situation can be accepted."))
        self.write({"accepted_by_id": (partner or self.env.user.partner_id).id, "accepted_on": fields.Datetime.now()})
        return self._transition(situation_states.ACCEPTED, "accept")

    def action_refuse(self, reason=False):
        """Refuse a presented situation, with a reason; the contractor corrects it and presents it again."""
        if not self.env.user.has_group("ediflex_chorus.group_owner_approver"):
            raise UserError(self.env._("Only a project owner approver can refuse a situation."))
        self._refuse(reason)
        return True

    def _refuse(self, reason):
        self._check_state((situation_states.PRESENTED,), self.env._("Only a presented situation can be refused."))
        self._set_state(situation_states.REFUSED, {"refusal_reason": reason or False})
        self.deposit_ids._cancel(self.env._("the project owner refused the situation."))
        for situation in self:
            # The contractor's responsible learns of the refusal and its reason (chatter note and activity).
            situation._chorus_tell(self.env._("Situation refused: correct it"), self.env._(
                "The project owner refused the situation %(name)s: %(reason)s",
                name=situation.name, reason=reason or self.env._("no reason given")))

    def _deposit_news(self, deposits):
        if deposits:
            return self.env._("Its copy is sent to Chorus Pro in a moment: follow it in the Chorus Pro tab.")
        if self.company_id.filtered("chorus_enabled"):
            # A co-contractor's or subcontractor's acceptance deposits no piece (works.ROLE_ACCEPTANCE).
            return self.env._("Nothing is deposited on Chorus Pro for this step: the piece presented goes on through "
                              "the project manager and the project owner there.")
        return self.env._("Chorus Pro is not enabled for this company: nothing is sent.")

    def action_reset_to_draft(self):
        """Put a refused or cancelled situation back to draft so that it can be corrected."""
        self._check_state(
            situation_states.RESETTABLE_STATES,
            self.env._("Only a refused or cancelled situation can go back to draft."),
        )
        self._set_state(situation_states.DRAFT)
        self.deposit_ids._cancel(self.env._("the situation went back to draft."))
        return True

    def action_correct(self):
        """Reopen a situation refused on Chorus Pro as a draft: presented again, it is deposited as a new piece."""
        self._check_state((situation_states.CHORUS_REFUSED,),
                          self.env._("Only a situation refused on Chorus Pro can be corrected."))
        self._set_state(situation_states.DRAFT)
        self.deposit_ids._cancel(self.env._("the situation went back to draft."))
        return True

    def action_cancel(self):
        """Cancel a situation that has not been accepted."""
        self._check_state(
            situation_states.CANCELLABLE_STATES, self.env._("An accepted situation cannot be cancelled."),
        )
        self._set_state(situation_states.CANCELLED)
        self.deposit_ids._cancel(self.env._("the situation was cancelled."))
        return True

    def action_view_deposits(self):
        """Open the Chorus Pro deposits of this situation."""
        action = self.env["ir.actions.act_window"]._for_xml_id("ediflex_chorus.action_ediflex_chorus_deposit")
        action["domain"] = [("situation_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def action_refresh_chorus_status(self):
        """Ask Chorus Pro for the status of the deposits of these situations, and say what it answered."""
        self.deposit_ids.action_refresh_status()
        statuses = [f"{d.piece_number}: {d._chorus_status_text() or d._state_label()}" for d in self.deposit_ids]
        return notification(self.env._("Chorus Pro statuses read.") + " " + "; ".join(statuses))

    def write(self, vals):
        if LOCKED_FIELDS.intersection(vals):
            self._check_editable()
        return super().write(vals)

    def _check_editable(self):
        locked = self.filtered(lambda s: s.state not in situation_states.EDITABLE_STATES)[:1]
        if locked:
            raise UserError(self.env._(
                "The situation %(name)s is %(state)s: only a draft or refused situation can be modified.",
                name=locked.name, state=locked._state_label(),
            ))

    def _check_state(self, allowed, message):
        # What each button accepts, said in its own words; the door below only guards the table.
        if any(situation.state not in allowed for situation in self):
            raise UserError(message)

    def _set_state(self, new_state, vals=None):
        """The one door to a situation's state: check the transition of each situation, then write it."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for situation in self:
            if not situation_states.allowed(situation.state, new_state):
                raise UserError(self.env._(
                    "The situation %(name)s cannot go from %(old)s to %(new)s.", name=situation.name,
                    old=labels[situation.state], new=labels[new_state]))
            # The previous situation is looked up again at each move (one may have been cancelled since the draft),
            # but written only when it changed: the write recomputes every line's amounts (issue 19: 1,000 lines).
            previous = situation._previous_now()
            if previous != situation.previous_situation_id:
                situation.previous_situation_id = previous
        self.write(dict(vals or {}, state=new_state))

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _transition(self, new_state, step):
        # The state is written first so that the deposited PDF shows it; a refused check raises and the
        # whole transaction, state included, is rolled back.
        self._set_state(new_state)
        return self.env["ediflex.chorus.deposit"]._record(self, step)

    # ------------------------------------------------------------------ records -> the core's plain data

    def _chorus_situation(self, document, piece_number):
        """The situation as the core's plain data, numbered ``piece_number``, with its PDF copy."""
        self.ensure_one()
        company = self.company_id
        contractor = works.Party(
            siret=(company.chorus_siret or "").strip(), name=company.name,
            id_structure=company.chorus_structure_id or None,
        )
        contract = works.Contract(
            number=self.contract_number or "",
            commitment_number=self.commitment_number or "",
            owner=self.owner_id._chorus_party(self.owner_service_id),
            manager=self.manager_id._chorus_party(self.manager_service_id),
        )
        return works.Situation(
            piece_number=piece_number, date=self.date, period_start=self.period_start,
            period_end=self.period_end, final=self.kind == "final", contractor=contractor, contract=contract,
            lines=tuple(line._chorus_line() for line in self.line_ids),
            retention_rate=Decimal(str(self.retention_rate or 0)), document=document,
            currency=self.currency_id.name or "EUR", role=self.chorus_role or works.ROLE_MAIN,
            partner=self._chorus_role_partner(),
        )

    def _chorus_role_partner(self):
        """The partner the role's pieces name (the core's Party): the main contractor of a subcontractor, the
        mandatary of a co-contractor, else None."""
        self.ensure_one()
        partner = {works.ROLE_SUBCONTRACTOR: self.main_contractor_id,
                   works.ROLE_COCONTRACTOR: self.mandatary_id}.get(self.chorus_role)
        return partner._chorus_party(self.partner_service_id) if partner else None

    def _chorus_role_statement(self):
        """What the PDF copy says of the company's role ("Sous-traitant de X (SIRET ...), paiement direct"), or ""."""
        self.ensure_one()
        return works.role_statement(self.chorus_role, self._chorus_role_partner())

    def _chorus_owner_rules(self):
        """What the project owner requires on the pieces it receives, as Chorus Pro told it."""
        self.ensure_one()
        return checks.StructureRules(
            service_code_required=self.owner_id.chorus_service_code_required,
            commitment_required=self.owner_id.chorus_commitment_required,
            commitment_or_service_code_required=self.owner_id.chorus_commitment_or_service_required,
        )

    def _chorus_piece_number(self, frame):
        """A new piece number for ``frame``: a situation presented again is a new piece, with a revision."""
        self.ensure_one()
        earlier = self.deposit_ids.filtered(lambda d: d.frame == frame.short)
        reference = self.name.replace("/", "-")
        return works.piece_number(f"{reference}-R{len(earlier) + 1}" if earlier else reference, frame)

    def _chorus_render_pdf(self, frame):
        """The PDF copy deposited with ``frame``."""
        self.ensure_one()
        report = self.env.ref("ediflex_chorus.action_report_situation")
        # Tests render HTML unless forced; the deposited copy must always be a real PDF. It is the legal copy a
        # French public body reads: in French whoever clicks, when French is installed.
        lang = "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else False
        # Always the situation as it is now: never a file stored earlier ("Reload from Attachment" on the report).
        content, _format = report.with_context(
            force_report_rendering=True, ediflex_report_lang=lang, report_pdf_no_attachment=True,
        )._render_qweb_pdf(report, self.ids)
        name = re.sub(r"[^A-Za-z0-9._-]", "-", f"{self.name}-{frame.short}")[:46] + ".pdf"
        return works.Document(name=name, content=content)

    def _chorus_piece_refused(self, deposit, reason=None):
        """Chorus Pro refused a live piece of this situation: the situation is refused there, its responsible told.

        ``reason`` is Chorus Pro's reason when it gave one (the status history's comment); it shows on the form.
        """
        self.ensure_one()
        if deposit.replaced_by_id:
            return  # a piece already replaced by a newer one: its fate no longer moves the situation
        if self.state in situation_states.REFUSABLE_ON_CHORUS_STATES:
            try:
                with self.env.cr.savepoint():
                    self._set_state(situation_states.CHORUS_REFUSED, {"chorus_refused_deposit_id": deposit.id,
                                                                      "chorus_refusal_reason": reason or False})
            except UserError as error:
                # Another rule keeps the situation where it is (an extension's paid invoice, say): the status
                # follow-up goes on, and the responsible reads why below.
                self._message_log(body=str(error))
        self._chorus_tell(self.env._("Piece refused on Chorus Pro"), self.env._(
            "Chorus Pro refused the piece %(piece)s (status %(status)s): %(reason)s. Correct the situation with "
            "\"Correct and Present Again\", then present it: a new piece replaces the refused one.",
            piece=deposit.piece_number, status=deposit._chorus_status_text(),
            reason=reason or self.env._("Chorus Pro gives no reason, read it on Chorus Pro")))

    def _chorus_set_refusal_reason(self, deposit, reason):
        """Record Chorus Pro's reason for the refusal of ``deposit`` once known (read later than its status)."""
        for situation in self.filtered(lambda s: s.chorus_refused_deposit_id == deposit and reason):
            situation.chorus_refusal_reason = reason

    def _chorus_deposit_stuck(self, deposit):
        """Tell the responsible that a deposit of this situation waits for a person (rejected, or attempts over)."""
        self._chorus_tell(self.env._("Chorus Pro deposit to handle"), self.env._(
            "The deposit %(piece)s did not reach Chorus Pro: %(error)s", piece=deposit.piece_number,
            error=deposit.error_message))

    def _chorus_tell(self, summary, note):
        self.ensure_one()
        self._message_log(body=note)
        self.activity_schedule("mail.mail_activity_data_todo", user_id=self._chorus_responsible().id,
                               summary=summary, note=note)

    def _chorus_responsible(self):
        """Who acts on this situation now: its responsible, or whoever presented it last if the responsible left."""
        self.ensure_one()
        # Read as superuser: whoever acts (an approver of one company) may not read the other companies of the
        # users weighed here; only who gets the activity comes out of it.
        situation = self.sudo()
        presenters = situation.deposit_ids.sorted("id", reverse=True).create_uid
        for user in situation.user_id | presenters | situation.create_uid:
            if user.active and not user.share and situation.company_id in user.company_ids \
                    and user.has_group("ediflex_chorus.group_situation_user"):
                return user.with_env(self.env)
        return self.env.user

    # ------------------------------------------------------------------ the project owner's portal

    def _compute_access_url(self):
        # The whole of the mixin's compute, which only sets "#".
        for situation in self:
            situation.access_url = f"/my/situations/{situation.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Situation-{self.name}"

    def _portal_recipients(self):
        """The project owner's contacts who can be told of this situation by e-mail."""
        self.ensure_one()
        body = self.owner_id.commercial_partner_id
        contacts = (body | body.child_ids).filtered(lambda p: p.email and p.active)
        with_access = contacts.filtered(lambda p: any(user._is_portal() for user in p.user_ids))
        return with_access or contacts

    def action_send_to_owner(self):
        """Open an e-mail to the project owner's contacts with the link to the situation on the portal."""
        self.ensure_one()
        template = self.env.ref("ediflex_chorus.mail_template_situation_presented")
        return {
            "name": self.env._("Send to the Project Owner"),
            "type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
            "views": [(False, "form")], "target": "new",
            "context": {
                "default_model": self._name, "default_res_ids": self.ids, "default_template_id": template.id,
                "default_composition_mode": "comment", "default_partner_ids": self._portal_recipients().ids,
                # Signed by the sender (in the template's body), not by the situation's responsible.
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def action_preview_situation(self):
        """Open the situation as the project owner sees it on the portal."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_grant_portal_access(self):
        """Open Odoo's portal access wizard for the contacts of the project owner and project manager."""
        bodies = (self.owner_id | self.manager_id).commercial_partner_id
        partners = bodies | bodies.child_ids.filtered(lambda p: p.type == "contact")
        return self.env["ir.actions.act_window"]._for_xml_id("portal.partner_wizard_action") | {
            "context": {"active_model": "res.partner", "active_ids": partners.ids},
        }

    def _portal_copy(self):
        """The copy the project owner reads: the accepted one once accepted, else the last presented one."""
        self.ensure_one()
        accepted = self.deposit_ids.filtered(lambda d: d.frame in _shorts(works.ACCEPTED_FRAMES))
        if self.state == situation_states.ACCEPTED and accepted:
            return accepted.sorted("id")[-1:].attachment_id
        # A co-contractor's or subcontractor's acceptance may deposit no copy: the presented one stands.
        presented = self.deposit_ids.filtered(lambda d: d.frame in _shorts(works.PRESENTED_FRAMES))
        return presented.sorted("id")[-1:].attachment_id

    def _presentation_deposited(self):
        """Whether Chorus Pro has the presented copy (the e-mail says it is on its way until then)."""
        self.ensure_one()
        return any(d.frame in _shorts(works.PRESENTED_FRAMES) and d.state in (states.SENT, states.RECEIVED, states.DONE)
                   for d in self.sudo().deposit_ids)

    def _portal_status(self):
        """Where the situation's copy is on Chorus Pro, in the buyer's words ("" before any deposit)."""
        self.ensure_one()
        live = self.sudo().deposit_ids.filtered(lambda d: d.state != states.CANCELLED).sorted("id")[-1:]
        if not live:
            return ""
        code = live.chorus_status
        if code == "MISE_EN_PAIEMENT":
            return self.env._("Payment made")
        if code == "MANDATEE":
            return self.env._("Payment ordered")
        if live.state == states.REFUSED:
            return self.env._("Refused by a reviewer on Chorus Pro")
        if live.state in (states.SENT, states.RECEIVED, states.DONE):
            return self.env._("Deposited on Chorus Pro")
        return self.env._("Being deposited on Chorus Pro")

    def _portal_may_decide(self, partner):
        """Whether ``partner`` speaks for the project owner (the project manager's people only read)."""
        self.ensure_one()
        return partner.commercial_partner_id == self.owner_id.commercial_partner_id

    def _portal_accept(self, partner, signed_by=False, signature=False):
        """Accept on the portal in the name of ``partner``: the very acceptance of the internal button."""
        self.ensure_one()
        if signature:
            self.write({"owner_signature": signature, "owner_signed_by": signed_by,
                        "owner_signed_on": fields.Datetime.now()})
        deposits = self._accept(partner)
        self._portal_note(partner, self.env._("Accepted on the portal by %(person)s, signed as %(name)s.",
                                              person=partner.name, name=signed_by) if signature
                          else self.env._("Accepted on the portal by %(person)s.", person=partner.name))
        return deposits

    def _portal_refuse(self, partner, reason):
        """Refuse on the portal in the name of ``partner``, with a reason, which goes back to the contractor."""
        self.ensure_one()
        self._refuse(reason)
        self._portal_note(partner, self.env._("Refused on the portal by %(person)s.", person=partner.name))

    def _portal_note(self, partner, body):
        # In the chatter under the name of the project owner's person who decided.
        self.message_post(body=body, author_id=partner.id, message_type="comment", subtype_xmlid="mail.mt_note")

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        if any(situation.state not in situation_states.DELETABLE_STATES for situation in self):
            raise UserError(self.env._("Only draft or cancelled situations can be deleted."))


class EdiflexSituationLife(models.Model):
    """paid17: what Chorus Pro says of the situation's pieces (their reasons), in a block of its own."""

    _inherit = "ediflex.situation"

    chorus_reason = fields.Text(
        string="Chorus Pro Reason", compute="_compute_chorus_reason",
        help="The reason Chorus Pro gives for the refusal or the request to complete of a piece of this situation.")

    chorus_history_ids = fields.One2many("ediflex.chorus.status.history", "situation_id",
                                         string="Life on Chorus Pro", readonly=True)
    chorus_produced_ids = fields.One2many("ediflex.chorus.produced.piece", "situation_id", readonly=True,
                                          string="Project Manager and Owner Pieces")  # récupération, issue 21
    chorus_produced_note = fields.Char(related="deposit_ids.produced_note", string="Project Manager and Owner Note")
    # récupération, issue 21: what Chorus Pro asks of a piece, acted on from the situation
    chorus_action_ids = fields.One2many("ediflex.chorus.action", "situation_id", string="Actions on Chorus Pro",
                                        readonly=True)
    chorus_can_complete = fields.Boolean(string="Can Be Completed", compute="_compute_chorus_can_act")
    chorus_can_recycle = fields.Boolean(string="Can Be Recycled", compute="_compute_chorus_can_act")

    @api.depends("deposit_ids.chorus_status", "chorus_action_ids.state")
    def _compute_chorus_can_act(self):
        for situation in self:
            situation.chorus_can_complete = situation._chorus_can_act(COMPLETE_STATUS)
            situation.chorus_can_recycle = situation._chorus_can_act(RECYCLE_STATUS)

    def _chorus_can_act(self, status):
        deposit = self._chorus_deposit_in(status)
        return bool(deposit) and not deposit.chorus_action_pending

    def _chorus_deposit_in(self, status):
        """The situation's latest piece whose Chorus Pro status is ``status`` (none when status is None)."""
        return self.deposit_ids.filtered(lambda d: status and d.chorus_status == status).sorted("id")[-1:]
    payment_deposit_id = fields.Many2one("ediflex.chorus.deposit", string="Payment Request",
                                         compute="_compute_payment_clock",
                                         help="The deposited piece whose Chorus Pro date starts the payment period.")
    payment_start_date = fields.Date(string="Payment Period Start", compute="_compute_payment_clock")
    payment_due_date = fields.Date(compute="_compute_payment_clock")
    payment_days_left = fields.Integer(string="Days Left", compute="_compute_payment_clock",
                                       help="Days until the due date; negative when the payment is late.")
    payment_suspended = fields.Boolean(string="Payment Period Suspended", compute="_compute_payment_clock")
    payment_date = fields.Date(string="Paid On (Chorus Pro)", compute="_compute_payment_clock")
    late_interest = fields.Monetary(string="Late-Payment Interest", compute="_compute_payment_clock")
    late_indemnity = fields.Monetary(string="Recovery Indemnity", compute="_compute_payment_clock")

    @api.depends("deposit_ids.payment_start_date", "deposit_ids.payment_due_date", "deposit_ids.payment_date",
                 "deposit_ids.late_interest", "deposit_ids.late_indemnity")
    def _compute_payment_clock(self):
        copied = ("payment_start_date", "payment_due_date", "payment_days_left", "payment_suspended", "payment_date",
                  "late_interest", "late_indemnity")
        for situation in self:
            deposit = situation.deposit_ids.filtered("payment_start_date").sorted("id")[-1:]
            situation.payment_deposit_id = deposit
            situation.update({name: deposit[name] if deposit else False for name in copied})

    @api.depends("deposit_ids.chorus_reason", "deposit_ids.state")
    def _compute_chorus_reason(self):
        for situation in self:
            told = situation.deposit_ids.filtered(
                lambda d: d.chorus_reason and d.state in (states.REFUSED, states.RECEIVED))
            situation.chorus_reason = told.sorted("id")[-1:].chorus_reason or False
