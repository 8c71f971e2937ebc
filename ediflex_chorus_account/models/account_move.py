from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import frozendict

# How long a retention (retenue de garantie) is held: the guarantee period of a public works contract is one
# year from the reception of the works. The reception date is not known when a situation is accepted: the due date
# of the retention line is an estimate, which the accountant may change.
RETENTION_HELD_MONTHS = 12


class AccountMove(models.Model):
    _inherit = "account.move"

    ediflex_situation_id = fields.Many2one(
        "ediflex.situation", string="Works Situation", readonly=True, copy=False, index="btree_not_null",
        help="The accepted works situation this invoice was made from: it is deposited on Chorus Pro as a works "
        "piece, never sent by another route.",
    )
    ediflex_retention_amount = fields.Monetary(
        string="Retention", readonly=True, copy=False,
        help="Retenue de garantie of the situation, kept apart as a receivable line of its own.",
    )
    ediflex_retention_account_id = fields.Many2one(
        "account.account", string="Retention Account", readonly=True, copy=False,
    )
    ediflex_deposit_id = fields.Many2one(
        "ediflex.chorus.deposit", string="Chorus Pro Piece", compute="_compute_ediflex_deposit_id",
        help="The piece the public body pays on Chorus Pro: the accepted copy (A6, or A8 for a final situation), "
        "or a partner's presented piece (A10/A11, A13/A14).",
    )
    ediflex_expected_payment_date = fields.Date(
        string="Expected Payment Date", copy=False, tracking=True,
        help="Set when Chorus Pro says that the public body ordered the payment of the situation.",
    )

    @api.depends("ediflex_situation_id.deposit_ids.state")
    def _compute_ediflex_deposit_id(self):
        for move in self:
            move.ediflex_deposit_id = move.ediflex_situation_id._ediflex_accepted_deposit()

    @api.depends("ediflex_retention_amount", "ediflex_retention_account_id")
    def _compute_needed_terms(self):
        # The retention is not due with the rest: one more receivable line, on its own account and date.
        result = super()._compute_needed_terms()
        for move in self.filtered(lambda m: m.ediflex_retention_amount and m.needed_terms):
            move.needed_terms = move._ediflex_terms_with_retention(dict(move.needed_terms))
        return result

    @api.depends("ediflex_retention_amount")
    def _compute_invoice_date_due(self):
        # The invoice is due when the situation's payment is, not when the retention is given back a year later.
        result = super()._compute_invoice_date_due()
        for move in self.filtered(lambda m: m.ediflex_retention_amount and m.needed_terms):
            dates = [key["date_maturity"] for key, values in move.needed_terms.items()
                     if key and key["date_maturity"] and "account_id" not in values]
            if dates:
                move.invoice_date_due = max(dates)
        return result

    def _ediflex_set_due_date(self, due):
        """The situation's payment (not the retention) falls due on ``due``: the invoice and its receivable line."""
        for move in self.filtered(lambda m: due and m.state != "cancel" and m.invoice_date_due != due):
            if move.state != "posted":  # a draft: Odoo makes its lines again from the due date
                move.invoice_date_due = due
                continue
            # Posted: the receivable line's due date only, as Accounting lets a user change it on a posted entry;
            # no line is made again (the amounts and accounts stay as posted).
            lines = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            lines -= move._ediflex_retention_line()
            quiet = move.with_context(skip_invoice_sync=True)
            lines.with_context(skip_invoice_sync=True).date_maturity = due
            quiet.invoice_date_due = due

    def _ediflex_terms_with_retention(self, terms):
        self.ensure_one()
        sign = 1 if self.is_inbound(include_receipts=True) else -1
        amount = self.currency_id.round(self.ediflex_retention_amount) * sign
        last = max(terms, key=lambda key: key["date_maturity"] or fields.Date.today())
        terms[last] = dict(terms[last], balance=terms[last]["balance"] - amount,
                           amount_currency=terms[last]["amount_currency"] - amount)
        date = self.invoice_date or self.date or fields.Date.context_today(self)
        key = frozendict({"move_id": self.id, "date_maturity": date + relativedelta(months=RETENTION_HELD_MONTHS),
                          "discount_date": False})
        terms[key] = {
            "balance": amount, "amount_currency": amount, "account_id": self.ediflex_retention_account_id.id,
            "discount_date": False, "discount_balance": 0.0, "discount_amount_currency": 0.0,
        }
        return terms

    def _ediflex_retention_line(self):
        """The receivable line of the retention."""
        self.ensure_one()
        return self.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.account_id == self.ediflex_retention_account_id
            and self.ediflex_retention_amount
        ).sorted("date_maturity")[-1:]

    def _ediflex_withdraw(self, reason):
        """Cancel these situation invoices: a posted one goes back to draft first; say why in their chatter."""
        for move in self.filtered(lambda m: m.state != "cancel"):
            if move.state == "posted":
                if move.payment_state not in ("not_paid", "invoicing_legacy"):
                    raise UserError(self.env._(
                        "The invoice %(invoice)s of the situation is already paid in part: unreconcile its payments "
                        "before the situation can leave the accepted state.", invoice=move.name))
                move.button_draft()
            move.button_cancel()
            move._message_log(body=reason)
