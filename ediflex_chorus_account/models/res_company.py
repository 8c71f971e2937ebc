from odoo import fields, models

# The French chart's "411700 Clients - Retenues de garantie" (l10n_fr_account's template id).
FRENCH_RETENTION_ACCOUNT = "pcg_4117"
# The French chart's accounts of a late-payment claim: "763100 Revenus des créances commerciales" for the interest
# (intérêts moratoires), "758000 Indemnités et autres produits" for the 40 EUR recovery indemnity.
FRENCH_INTEREST_ACCOUNT = "pcg_7631"
FRENCH_INDEMNITY_ACCOUNT = "pcg_758"


class ResCompany(models.Model):
    _inherit = "res.company"

    ediflex_retention_account_id = fields.Many2one(
        "account.account", string="Retention Account", check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Receivable account of the retentions (retenues de garantie) of the invoices made from works "
        "situations. Empty: the French chart's 411700, else the customer's receivable account.",
    )

    ediflex_interest_account_id = fields.Many2one(
        "account.account", string="Late-Payment Interest Account", check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the late-payment interest invoiced from a situation. Empty: the French chart's "
        "763100, else the sales journal's account.",
    )
    ediflex_indemnity_account_id = fields.Many2one(
        "account.account", string="Recovery Indemnity Account", check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the 40 EUR recovery indemnity invoiced from a situation. Empty: the French chart's "
        "758000, else the sales journal's account.",
    )

    def _ediflex_claim_account(self, kind, journal):
        """The income account of a late-payment claim's ``kind`` line ("interest" or "indemnity")."""
        self.ensure_one()
        configured, french = {
            "interest": (self.ediflex_interest_account_id, FRENCH_INTEREST_ACCOUNT),
            "indemnity": (self.ediflex_indemnity_account_id, FRENCH_INDEMNITY_ACCOUNT),
        }[kind]
        return (
            configured
            or self.env["account.chart.template"].with_company(self).ref(french, raise_if_not_found=False)
            or journal.default_account_id
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
