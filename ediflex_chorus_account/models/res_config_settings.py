from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ediflex_retention_account_id = fields.Many2one(
        related="company_id.ediflex_retention_account_id", readonly=False
    )
    ediflex_interest_account_id = fields.Many2one(
        related="company_id.ediflex_interest_account_id", readonly=False
    )
    ediflex_indemnity_account_id = fields.Many2one(
        related="company_id.ediflex_indemnity_account_id", readonly=False
    )
