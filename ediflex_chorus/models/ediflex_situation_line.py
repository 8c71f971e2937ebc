from decimal import Decimal

from odoo import api, fields, models

from ..chorus import works


def _decimal(value):
    return Decimal(str(value or 0))


def item_key(code, name):
    """What links an item across the situations of a contract: its code, else its description."""
    return (code or "").strip() or (name or "").strip().lower()


class EdiflexSituationLine(models.Model):
    _name = "ediflex.situation.line"
    _description = "Works Situation Line"
    _order = "situation_id, sequence, id"

    situation_id = fields.Many2one("ediflex.situation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="situation_id.company_id", store=True)
    currency_id = fields.Many2one(related="situation_id.currency_id")
    sequence = fields.Integer(default=10)
    code = fields.Char(help="Item of the price schedule; links the line to the same item of the previous situation.")
    name = fields.Char(string="Description", required=True)
    contract_amount = fields.Monetary(help="Untaxed amount of the item in the contract.")
    progress_percent = fields.Float(string="Cumulative Progress (%)", digits=(5, 2))
    vat_rate = fields.Float(string="VAT (%)", default=20.0, digits=(5, 2))
    cumulative_amount = fields.Monetary(compute="_compute_amounts", store=True)
    previous_cumulative_amount = fields.Monetary(
        compute="_compute_previous_cumulative_amount", store=True, readonly=False, precompute=True, copy=False,
        help="Cumulative amount of the same item in the previous situation of the contract.",
    )
    period_amount = fields.Monetary(string="Amount of the Period", compute="_compute_amounts", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.situation_id._check_editable()
        return lines

    def write(self, vals):
        # Stored computes write through the ORM cache, not here: only a person's change is refused.
        self.situation_id._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_editable(self):
        self.situation_id._check_editable()

    @api.depends("contract_amount", "progress_percent", "previous_cumulative_amount")
    def _compute_amounts(self):
        for line in self:
            core_line = line._chorus_line()
            line.cumulative_amount = core_line.cumulative_amount
            line.period_amount = core_line.period_amount

    @api.depends("situation_id.previous_situation_id", "code", "name")
    def _compute_previous_cumulative_amount(self):
        for line in self:
            previous_lines = line.situation_id.previous_situation_id.line_ids
            same = previous_lines.filtered(lambda p, line=line: p._item_key() == line._item_key())
            line.previous_cumulative_amount = same[:1].cumulative_amount

    def _chorus_line(self):
        """The line as the core's plain data."""
        self.ensure_one()
        return works.SituationLine(
            description=self.name or "",
            contract_amount=_decimal(self.contract_amount),
            progress_percent=_decimal(self.progress_percent),
            previous_cumulative_amount=_decimal(self.previous_cumulative_amount),
            vat_rate=_decimal(self.vat_rate),
            reference=self.code or "",
        )

    def _item_key(self):
        self.ensure_one()
        return item_key(self.code, self.name)
