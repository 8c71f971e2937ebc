from dateutil.relativedelta import relativedelta
from odoo import Command, api, fields, models
from odoo.tools import date_utils

from ..chorus import situation_states, works
from .ediflex_situation_line import item_key

# The company's role in a contract (issue 18): it chooses the Chorus Pro frames and the partner its pieces name.
ROLE_SELECTION = [
    (works.ROLE_MAIN, "Main contractor"),
    (works.ROLE_COCONTRACTOR, "Co-contractor (joint venture)"),
    (works.ROLE_SUBCONTRACTOR, "Subcontractor with direct payment"),
]
ROLE_HELP = ("How the company takes part in the contract; it chooses the Chorus Pro frames of the situations: A4, A6, "
             "A7 and A8 as main contractor, A13 and A14 as co-contractor of a joint venture, A10 and A11 as "
             "subcontractor paid directly by the public buyer.")


class EdiflexContract(models.Model):
    """A public works contract (marché): the parties, the lots and the situations billed under it."""

    _name = "ediflex.contract"
    _description = "Works Contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Contract Number", required=True, tracking=True, copy=False,
                       help="Number of the public works contract (marché), sent to Chorus Pro on each situation.")
    subject = fields.Char(string="Object", tracking=True, help="What the contract is for.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    commitment_number = fields.Char(tracking=True, help="Legal commitment number (engagement juridique).")
    owner_id = fields.Many2one(
        "res.partner", string="Project Owner", required=True, tracking=True, check_company=True,
        help="Maître d'ouvrage: the public body that pays.",
    )
    owner_service_required = fields.Boolean(related="owner_id.chorus_service_code_required")
    owner_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Executing Service", domain="[('partner_id', '=', owner_id)]"
    )
    manager_id = fields.Many2one(
        "res.partner", string="Project Manager", required=True, tracking=True, check_company=True,
        help="Maître d'oeuvre: checks the situations before the project owner validates them.",
    )
    manager_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Project Manager Service", domain="[('partner_id', '=', manager_id)]"
    )
    chorus_role = fields.Selection(ROLE_SELECTION, string="Company's Role", required=True, default=works.ROLE_MAIN,
                                   tracking=True, help=ROLE_HELP)
    main_contractor_id = fields.Many2one(
        "res.partner", tracking=True, check_company=True,
        help="Titulaire du marché: a subcontractor's situations go to it first for validation.",
    )
    mandatary_id = fields.Many2one(
        "res.partner", tracking=True, check_company=True,
        help="Mandataire du groupement: a co-contractor's situations name it.",
    )
    partner_service_id = fields.Many2one(
        "ediflex.chorus.service", string="Partner's Service",
        domain="[('partner_id', 'in', (main_contractor_id, mandatary_id))]",
        help="The Chorus Pro service of the main contractor or of the mandatary that receives the situations.",
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)", default=5.0, digits=(5, 2), tracking=True,
        help="Retenue de garantie, at most 5% of the amount of each period including taxes.",
    )
    payment_period_days = fields.Integer(
        string="Payment Period (days)",
        help="Payment period set by this contract, when shorter than the public body's legal one; empty: the "
        "public body's.",
    )
    lot_ids = fields.One2many("ediflex.contract.lot", "contract_id", string="Lots", copy=True)
    situation_ids = fields.One2many("ediflex.situation", "contract_id", string="Situations")
    situation_count = fields.Integer(compute="_compute_progress")
    amount_contract = fields.Monetary(string="Contract Amount", compute="_compute_progress",
                                      help="Untaxed amount of the lots.")
    amount_billed = fields.Monetary(
        string="Billed to Date", compute="_compute_progress",
        help="Untaxed cumulative amount of the last situation presented to the project owner.",
    )
    amount_remaining = fields.Monetary(string="Remaining", compute="_compute_progress",
                                       help="Untaxed amount of the lots not billed yet.")
    progress_percent = fields.Float(string="Progress (%)", compute="_compute_progress", digits=(5, 2))
    last_situation_id = fields.Many2one("ediflex.situation", compute="_compute_progress")
    last_situation_state = fields.Selection(situation_states.SELECTION, string="State of the Last Situation",
                                            compute="_compute_progress")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A contract number is unique per company."),
    ]

    @api.depends("lot_ids.amount", "situation_ids.state", "situation_ids.number",
                 "situation_ids.line_ids.cumulative_amount")
    def _compute_progress(self):
        for contract in self:
            contract.amount_contract = sum(contract.lot_ids.mapped("amount"))
            billed = contract._last_situation(situation_states.BILLED_STATES)
            contract.amount_billed = sum(billed.line_ids.mapped("cumulative_amount"))
            contract.amount_remaining = contract.amount_contract - contract.amount_billed
            contract.progress_percent = (
                100.0 * contract.amount_billed / contract.amount_contract if contract.amount_contract else 0.0
            )
            contract.situation_count = len(contract.situation_ids)
            contract.last_situation_id = contract._last_situation()
            contract.last_situation_state = contract.last_situation_id.state

    @api.onchange("owner_id")
    def _onchange_owner_id(self):
        if self.owner_service_id.partner_id != self.owner_id:
            self.owner_service_id = False

    @api.onchange("manager_id")
    def _onchange_manager_id(self):
        if self.manager_service_id.partner_id != self.manager_id:
            self.manager_service_id = False

    def _last_situation(self, states=None):
        """The situation of the highest number (in ``states``, else not cancelled), or an empty recordset."""
        self.ensure_one()
        situations = self.situation_ids.filtered(
            lambda s: s.state in states if states else s.state != situation_states.CANCELLED
        )
        return situations.sorted(lambda s: (s.number, s._origin.id or 0))[-1:]

    def action_next_situation(self):
        """Create the next situation of the contract and open it."""
        self.ensure_one()
        situation = self.env["ediflex.situation"].create(self._next_situation_values())
        return {
            "type": "ir.actions.act_window", "res_model": "ediflex.situation", "res_id": situation.id,
            "view_mode": "form", "views": [(False, "form")], "target": "current",
        }

    def action_view_situations(self):
        """Open the situations of the contract."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ediflex_chorus.action_ediflex_situation")
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def _next_situation_values(self):
        """Situation n+1: next number and period, the lots as lines with the progress of n, for the current user."""
        self.ensure_one()
        last = self._last_situation()
        today = fields.Date.context_today(self)
        start = last.period_end + relativedelta(days=1) if last else date_utils.start_of(today, "month")
        return {
            "contract_id": self.id,
            "number": last.number + 1 if last else 1,
            "kind": "monthly",
            "date": today,
            "period_start": start,
            "period_end": date_utils.end_of(start, "month"),
            "user_id": self.env.uid,
            "line_ids": [Command.create(vals) for vals in self._next_line_values(last)],
        }

    def _next_line_values(self, previous):
        """One line per lot, then the lines of ``previous`` outside the lots, each at the progress of ``previous``."""
        carried = {line._item_key(): line for line in previous.line_ids}
        values = []
        for lot in self.lot_ids:
            vals = lot._situation_line_values()
            line = carried.pop(item_key(lot.code, lot.name), None)
            vals["progress_percent"] = line.progress_percent if line else 0.0
            values.append(vals)
        for line in carried.values():
            values.append({"sequence": line.sequence, "code": line.code, "name": line.name,
                           "contract_amount": line.contract_amount, "vat_rate": line.vat_rate,
                           "progress_percent": line.progress_percent})
        return values

    @api.model
    def _create_from_situations(self, situations):
        """Give each of these situations without a contract the contract of its number (the migration's step).

        The contract takes its parties and lots from the latest situation of its number. The link is written in
        SQL: the situations already presented keep every value they were presented with.
        """
        contracts = self.browse()
        todo = situations.filtered(lambda s: not s.contract_id)
        for (company, number), group in todo.grouped(lambda s: (s.company_id, s.contract_number)).items():
            contract = self.with_company(company).search(
                [("company_id", "=", company.id), ("name", "=", number)], limit=1
            ) or self.create(group.sorted(lambda s: (s.number, s.id))[-1]._contract_values())
            self.env.cr.execute("UPDATE ediflex_situation SET contract_id = %s WHERE id IN %s",
                                (contract.id, tuple(group.ids)))
            contracts |= contract
        todo.invalidate_recordset(["contract_id"])
        contracts.invalidate_recordset(["situation_ids"])
        return contracts
