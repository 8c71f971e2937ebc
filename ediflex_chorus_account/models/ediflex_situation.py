from datetime import timedelta
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.addons.ediflex_chorus.chorus import situation_states, states, works
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date

# Chorus Pro takes works pieces in euros only; so is the invoice of a situation.
INVOICE_CURRENCY = "EUR"


class EdiflexSituation(models.Model):
    _inherit = "ediflex.situation"

    # The invoices only for whoever may read them (a situation user without Accounting opens the form all the same).
    invoice_ids = fields.One2many("account.move", "ediflex_situation_id", string="Invoices", readonly=True,
                                  groups="account.group_account_invoice")
    invoice_id = fields.Many2one(
        "account.move", compute="_compute_invoice_id", groups="account.group_account_invoice",
        help="The customer invoice made from the situation when it was accepted.",
    )

    interest_invoice_id = fields.Many2one(
        "account.move", readonly=True, copy=False, groups="account.group_account_invoice",
        help="The customer invoice of the late-payment interest and the recovery indemnity of this situation.",
    )
    interest_invoiced = fields.Boolean(compute="_compute_interest_invoiced")

    @api.depends("interest_invoice_id.state")
    def _compute_interest_invoiced(self):
        for situation in self:
            # Read as superuser: the form shows it (hidden) to situation users who may not read invoices.
            invoice = situation.sudo().interest_invoice_id
            situation.interest_invoiced = bool(invoice.filtered(lambda m: m.state != "cancel"))

    @api.depends("invoice_ids.state")
    def _compute_invoice_id(self):
        for situation in self:
            situation.invoice_id = situation.invoice_ids.filtered(lambda m: m.state != "cancel").sorted("id")[-1:]

    def _accept(self, partner=None):
        # The core's one acceptance (the internal button, or the portal in the name of ``partner``).
        self._ediflex_check_currency()
        deposits = super()._accept(partner)
        for situation in self:
            situation._ediflex_create_invoice()
        return deposits

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state", situation_states.ACCEPTED) != situation_states.ACCEPTED:
            # Refused, cancelled, back to draft (or any later state leaving the acceptance): no invoice stays.
            for situation in self:
                situation.sudo().invoice_ids.filtered(lambda m: m.state != "cancel")._ediflex_withdraw(self.env._(
                    "Cancelled: the situation %(name)s is no longer accepted.", name=situation.name))
        return result

    def action_view_invoice(self):
        """Open the customer invoice of the situation."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "account.move", "view_mode": "form",
            "res_id": self.invoice_id.id, "views": [(False, "form")],
        }

    def action_view_interest_invoice(self):
        """Open the invoice of the late-payment interest."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "account.move", "view_mode": "form",
            "res_id": self.interest_invoice_id.id, "views": [(False, "form")],
        }

    def action_invoice_late_interest(self):
        """Invoice the late-payment interest and the recovery indemnity the payment clock computed, once."""
        self.ensure_one()
        if self.interest_invoiced:
            raise UserError(self.env._(
                "The late-payment interest of the situation %(name)s is already invoiced (%(invoice)s): cancel that "
                "invoice first to make another.", name=self.name, invoice=self.interest_invoice_id.name))
        if self.late_interest <= 0 and self.late_indemnity <= 0:
            raise UserError(self.env._(
                "The situation %(name)s owes no late-payment interest: Chorus Pro shows it paid on time, not paid "
                "yet, or no ECB rate is known for the half-year the interest started in.", name=self.name))
        self._ediflex_check_currency()
        situation = self.sudo().with_company(self.company_id)
        # Written first: a second click at the same time waits on this row and then finds the invoice.
        situation.interest_invoice_id = invoice = situation.env["account.move"].create(
            situation._ediflex_interest_invoice_values())
        invoice.action_post()
        situation._message_log(body=self.env._("Late-payment interest invoiced: %(invoice)s.", invoice=invoice.name))
        return self.action_view_interest_invoice()

    def _ediflex_interest_invoice_values(self):
        self.ensure_one()
        deposit = self.payment_deposit_id
        journal = self._ediflex_journal()
        company = self.company_id
        # In the public body's language (the invoice is its document), else the company's.
        env = self.with_context(lang=self.owner_id.lang or company.partner_id.lang).env
        lines = []
        if self.late_interest > 0:
            lines.append({
                "name": env._(
                    "Late-payment interest on the piece %(piece)s of contract %(contract)s: %(days)s days late "
                    "(due %(due)s, paid %(paid)s) at %(rate)s%% on %(base)s EUR", piece=deposit.piece_number,
                    contract=self.contract_number, days=deposit.payment_days_late,
                    due=format_date(env, deposit.payment_due_date), paid=format_date(env, deposit.payment_date),
                    rate=f"{deposit.late_rate:.2f}", base=f"{deposit.amount_due:.2f}"),
                "price_unit": self.late_interest,
                "account_id": company._ediflex_claim_account("interest", journal).id,
            })
        if self.late_indemnity > 0:
            lines.append({
                "name": env._("Fixed recovery indemnity (Code de la commande publique, D2192-35), piece %(piece)s",
                              piece=deposit.piece_number),
                "price_unit": self.late_indemnity,
                "account_id": company._ediflex_claim_account("indemnity", journal).id,
            })
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": self.owner_id.id,
            "currency_id": self.env.ref("base.EUR").id,
            "invoice_date": fields.Date.context_today(self),
            "ref": f"{self.contract_number} - {self.name}",
            "invoice_origin": self.name,
            "invoice_user_id": self.user_id.id,
            # Interest and indemnity are damages, outside the scope of VAT.
            "invoice_line_ids": [Command.create(dict(line, quantity=1.0, tax_ids=[Command.clear()]))
                                 for line in lines],
        }

    def _ediflex_paid_frame(self):
        """The frame of the copy the public body pays: the accepted one (A6, A8), or for a partner whose acceptance
        deposits no piece (the core's ROLE_ACCEPTANCE), the presented one (A10/A11, A13/A14)."""
        self.ensure_one()
        final, role = self.kind == "final", self.chorus_role or works.ROLE_MAIN
        return works.frame_for("accept", final, role) or works.frame_for("present", final, role)

    def _ediflex_accepted_deposit(self):
        """The deposit of the copy the public body pays (see _ediflex_paid_frame) of this situation, if any."""
        self.ensure_one()
        frame = self._ediflex_paid_frame().short  # the deposit keeps the short code ("A6")
        deposits = self.sudo().deposit_ids.filtered(lambda d: d.frame == frame and d.state != states.CANCELLED)
        return deposits.sorted("id")[-1:]

    def _ediflex_check_currency(self):
        for situation in self:
            if situation.currency_id.name != INVOICE_CURRENCY:
                raise UserError(self.env._(
                    "The situation %(name)s cannot be accepted: its company %(company)s keeps its accounts in "
                    "%(currency)s, while a works situation and its invoice are in euros only (Chorus Pro takes no "
                    "other currency).", name=situation.name, company=situation.company_id.name,
                    currency=situation.currency_id.name))

    def _ediflex_create_invoice(self):
        """The posted customer invoice of this accepted situation, its PDF being the accepted copy."""
        self.ensure_one()
        situation = self.sudo().with_company(self.company_id)
        invoice = situation.env["account.move"].create(situation._ediflex_invoice_values())
        if "transmit_method_id" in invoice._fields:
            # OCA's transmission methods (l10n_fr_chorus_account among them): no other route for this piece.
            invoice.transmit_method_id = False
        invoice.action_post()
        situation._ediflex_attach_accepted_copy(invoice)
        situation._message_log(body=self.env._("Customer invoice %(invoice)s created.", invoice=invoice.name))
        return invoice

    def _ediflex_invoice_values(self):
        self.ensure_one()
        company = self.company_id
        totals = works.compute_totals([line._chorus_line() for line in self.line_ids],
                                      Decimal(str(self.retention_rate or 0)))
        lines = [Command.create(self._ediflex_invoice_line(vat)) for vat in totals.vat_lines if vat.base]
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": self._ediflex_journal().id,
            "partner_id": self.owner_id.id,
            "currency_id": self.env.ref("base.EUR").id,
            "invoice_date": self.date,
            # The public body's payment period (issue 17's payment clock), never a payment term of the customer's.
            "invoice_payment_term_id": False,
            "invoice_date_due": self._ediflex_due_date(),
            "ref": f"{self.contract_number} - {self.name}",
            "invoice_origin": self.name,
            "invoice_user_id": self.user_id.id,
            "is_move_sent": True,
            "ediflex_situation_id": self.id,
            "ediflex_retention_amount": float(totals.retention),
            "ediflex_retention_account_id": company._ediflex_retention_account(self.owner_id).id,
            "invoice_line_ids": lines,
        }

    def _ediflex_due_date(self):
        """When the public body must pay: the payment clock's due date once Chorus Pro dated the request, else
        (not deposited yet, or Chorus Pro not used) the same period counted from the situation's date."""
        self.ensure_one()
        if self.payment_due_date:
            return self.payment_due_date
        clock = self.payment_deposit_id
        if clock and clock.payment_start_date:
            # The period is interrupted (the buyer asked for documents): it stays where it was until it restarts.
            return False
        days = self.owner_id._chorus_payment_period(self.contract_id.payment_period_days or None)
        return self.date + timedelta(days=days)

    def _ediflex_invoice_line(self, vat):
        """The invoice line of the period's amounts at one VAT rate (``vat``, the core's VatLine)."""
        # In the public body's language (the invoice is its document), else the company's.
        env = self.with_context(lang=self.owner_id.lang or self.company_id.partner_id.lang).env
        rate = f"{vat.rate.normalize():f}"
        return {
            "name": env._(
                "Situation no. %(number)s, contract %(contract)s: works from %(start)s to %(end)s, VAT %(rate)s%%",
                number=self.number, contract=self.contract_number, start=format_date(env, self.period_start),
                end=format_date(env, self.period_end), rate=rate),
            "quantity": 1.0,
            "price_unit": float(vat.base),
            "tax_ids": [Command.set(self._ediflex_tax(float(vat.rate)).ids)],
        }

    def _ediflex_journal(self):
        company = self.company_id
        Journal = self.env["account.journal"]
        journals = Journal.search([*Journal._check_company_domain(company), ("type", "=", "sale")])
        journal = journals.filtered(lambda j: j.currency_id.name in (False, INVOICE_CURRENCY))[:1]
        if not journal:
            raise UserError(self.env._(
                "The company %(company)s has no sales journal in euros: set up its accounting (Accounting > "
                "Configuration > Journals) before a situation can be accepted.", company=company.name))
        return journal

    def _ediflex_tax(self, rate):
        """The company's sales VAT of ``rate`` percent; works are services, their VAT due on payment."""
        company = self.company_id
        Tax = self.env["account.tax"].with_context(active_test=False)
        taxes = Tax.search([*Tax._check_company_domain(company), ("type_tax_use", "=", "sale"),
                            ("amount_type", "=", "percent")]).filtered(
            lambda t: not float_compare(t.amount, rate, precision_digits=4) and not t.price_include)
        taxes = taxes.sorted(lambda t: (not t.active, t.tax_scope != "service", t.tax_exigibility != "on_payment",
                                        t.sequence, t.id))
        if not taxes:
            raise UserError(self.env._(
                "The company %(company)s has no sales tax of %(rate)s%%: create it in Accounting > Configuration > "
                "Taxes before the situation %(name)s can be accepted.", company=company.name, rate=rate,
                name=self.name))
        return taxes[:1]

    def _ediflex_attach_accepted_copy(self, invoice):
        # The invoice's PDF is the very copy deposited on Chorus Pro; Odoo's send and print reuses it as is.
        copy = self._ediflex_accepted_deposit().attachment_id
        if copy:
            name, raw = copy.name, copy.raw
        else:
            # Chorus Pro not enabled: no deposit, the same report gives the copy.
            document = self._chorus_render_pdf(self._ediflex_paid_frame())
            name, raw = document.name, document.content
        attachment = self.env["ir.attachment"].create({
            "name": name, "raw": raw, "mimetype": "application/pdf",
            "res_model": "account.move", "res_id": invoice.id, "res_field": "invoice_pdf_report_file",
            "company_id": invoice.company_id.id,
        })
        invoice.message_main_attachment_id = attachment
        invoice.invalidate_recordset(fnames=["invoice_pdf_report_id", "invoice_pdf_report_file"])
