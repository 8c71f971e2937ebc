from decimal import Decimal

from odoo import api, fields, models


class EdiflexChorusEcbRate(models.Model):
    """The ECB main refinancing rate from a date on: the base of late-payment interest (CCP R2192-31).

    Shipped with its history (data/ediflex_chorus_ecb_rate_data.xml, source: the ECB's "Key ECB interest
    rates" table); an administrator adds each new rate the ECB decides.
    """

    _name = "ediflex.chorus.ecb.rate"
    _description = "ECB Main Refinancing Rate"
    _order = "date_from desc"
    _rec_name = "date_from"

    date_from = fields.Date(string="In Force From", required=True,
                            help="First day the ECB applies this rate to its main refinancing operations.")
    rate = fields.Float(string="Rate (%)", digits=(6, 2), required=True,
                        help="The ECB main refinancing operations rate, in percent. Late-payment interest adds "
                        "8 points to the rate in force on the first day of the half-year the interest starts in.")
    note = fields.Char(string="Source")

    _sql_constraints = [
        ("date_from_unique", "unique(date_from)", "There is already an ECB rate from this date."),
    ]

    @api.model
    def _rates(self):
        """Every known rate as (date, Decimal percent) pairs, for the core's interest computation."""
        return [(rate.date_from, Decimal(str(rate.rate))) for rate in self.sudo().search([])]
