from datetime import timedelta

from odoo import fields, models

# Chorus Pro's payment statuses of a works piece and the days from the status to the money on the bank account.
# UNCERTAIN: Chorus Pro gives no payment date. MANDATEE: the buyer ordered the payment (mandatement); the public
# accountant then pays, commonly within about ten days. MISE_EN_PAIEMENT: the accountant releases the payment.
# As the core reads it (chorus/history.py), the status may come on any piece of the situation (the A4 or the A6).
PAYMENT_EXPECTED_AFTER_DAYS = {"MANDATEE": 10, "MISE_EN_PAIEMENT": 2}


class EdiflexChorusDeposit(models.Model):
    _inherit = "ediflex.chorus.deposit"

    def _mark_status(self, status, status_at=None):
        # Every status Chorus Pro gives (and the deposit date read with it) goes through here: once the core has
        # booked it, the invoice follows the payment clock and the payment order.
        result = super()._mark_status(status, status_at)
        situation = self.sudo().situation_id
        invoices = situation.invoice_ids.filtered(lambda m: m.state != "cancel")
        if invoices:
            invoices._ediflex_set_due_date(situation._ediflex_due_date())
            self._ediflex_set_expected_payment_date(invoices.filtered(lambda m: m.state == "posted"))
        return result

    def _ediflex_set_expected_payment_date(self, invoices):
        """Once Chorus Pro says the payment is ordered, ``invoices`` (the situation's) expect it on a date."""
        self.ensure_one()
        days = PAYMENT_EXPECTED_AFTER_DAYS.get(self.chorus_status)
        if days is None or not invoices:
            return
        ordered_on = fields.Datetime.to_datetime(self.chorus_status_date) or fields.Datetime.now()
        invoices.ediflex_expected_payment_date = (ordered_on + timedelta(days=days)).date()
