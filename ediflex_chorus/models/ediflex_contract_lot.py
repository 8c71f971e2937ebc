from odoo import fields, models


class EdiflexContractLot(models.Model):
    _name = "ediflex.contract.lot"
    _description = "Works Contract Lot"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one("ediflex.contract", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    sequence = fields.Integer(default=10)
    code = fields.Char(help="Item of the price schedule: the situations' lines of this lot carry it.")
    name = fields.Char(string="Description", required=True)
    amount = fields.Monetary(string="Untaxed Amount", help="Untaxed amount of the lot in the contract.")
    vat_rate = fields.Float(string="VAT (%)", default=20.0, digits=(5, 2))

    def _situation_line_values(self):
        """The values of a situation line for this lot, with no progress yet."""
        self.ensure_one()
        return {"sequence": self.sequence, "code": self.code, "name": self.name, "contract_amount": self.amount,
                "vat_rate": self.vat_rate, "progress_percent": 0.0}
