from odoo import fields, models

# The French chart's "411700 Clients - Retenues de garantie" (l10n_fr_account's template id).
FRENCH_RETENTION_ACCOUNT = "pcg_4117"


class ResCompany(models.Model):
    _inherit = "res.company"

    ediflex_retention_account_id = fields.Many2one(
        "account.account", string="Retention Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Receivable account of the retentions (retenues de garantie) of the invoices made from works "
        "situations. Empty: the French chart's 411700, else the customer's receivable account.",
    )

    def _ediflex_retention_account(self, partner):
        """The account of the retention line of this company's situation invoices for ``partner``."""
        self.ensure_one()
        company = self.with_company(self)
        return (
            self.ediflex_retention_account_id
            or company.env["account.chart.template"].ref(FRENCH_RETENTION_ACCOUNT, raise_if_not_found=False)
            or partner.with_company(self).property_account_receivable_id
        )
