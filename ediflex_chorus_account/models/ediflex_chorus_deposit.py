from datetime import timedelta

from odoo import fields, models

# The frames of the accepted copy: the piece the public body pays.
ACCEPTED_FRAMES = ("A6", "A8")
# Chorus Pro's payment statuses of a works piece and the days from the status to the money on the bank account.
# UNCERTAIN: Chorus Pro gives no payment date. MANDATEE: the buyer ordered the payment (mandatement); the public
# accountant then pays, commonly within about ten days. MISE_EN_PAIEMENT: the accountant releases the payment.
PAYMENT_EXPECTED_AFTER_DAYS = {"MANDATEE": 10, "MISE_EN_PAIEMENT": 2}


class EdiflexChorusDeposit(models.Model):
    _inherit = "ediflex.chorus.deposit"

    def write(self, vals):
        result = super().write(vals)
        if "chorus_status" in vals:
            self.filtered(lambda d: d.frame in ACCEPTED_FRAMES)._ediflex_set_expected_payment_date()
        return result

    def _ediflex_set_expected_payment_date(self):
        """Once Chorus Pro says the payment is ordered, the invoice of the situation expects it on a date."""
        for deposit in self:
            days = PAYMENT_EXPECTED_AFTER_DAYS.get(deposit.chorus_status)
            invoices = deposit.sudo().situation_id.invoice_ids.filtered(lambda m: m.state == "posted")
            if days is None or not invoices:
                continue
            ordered_on = fields.Datetime.to_datetime(deposit.chorus_status_date) or fields.Datetime.now()
            invoices.ediflex_expected_payment_date = (ordered_on + timedelta(days=days)).date()
