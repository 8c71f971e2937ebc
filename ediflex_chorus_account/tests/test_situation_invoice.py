from datetime import timedelta

from dateutil.relativedelta import relativedelta
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SituationInvoiceCase


@tagged("post_install", "-at_install")
class TestSituationInvoice(SituationInvoiceCase):
    # The core's situation: 4,000.00 at 20% and 2,500.00 at 10% for the period; VAT 800.00 + 250.00; total
    # 7,550.00; retention 5% of the total with VAT, 377.50; due now 7,172.50.

    def test_accept_makes_the_posted_invoice_with_the_retention_apart(self):
        situation = self._accepted()
        invoice = situation.invoice_id
        self.assertEqual(situation.invoice_ids, invoice)
        self.assertEqual(invoice.ediflex_situation_id, situation)
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "posted"))
        self.assertEqual((invoice.company_id, invoice.partner_id), (self.fr_company, self.owner))
        self.assertEqual(invoice.currency_id.name, "EUR")
        self.assertEqual(invoice.invoice_date, situation.date)
        self.assertEqual(invoice.journal_id.type, "sale")
        lines = invoice.invoice_line_ids.sorted("price_unit")
        self.assertEqual(lines.mapped("price_unit"), [2500.0, 4000.0])
        self.assertEqual([line.tax_ids.amount for line in lines], [10.0, 20.0])
        self.assertEqual(set(lines.tax_ids.mapped("tax_exigibility")), {"on_payment"})
        self.assertEqual(set(lines.tax_ids.mapped("tax_scope")), {"service"})
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (6500.0, 1050.0, 7550.0))
        self.assertEqual((situation.amount_untaxed, situation.amount_tax, situation.amount_total),
                         (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total))

        retention_account = self._chart_account(self.fr_company, "pcg_4117")
        self.assertEqual(retention_account.code, "411700")
        receivables = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        retention = receivables.filtered(lambda line: line.account_id == retention_account)
        self.assertEqual(retention.debit, 377.5)
        self.assertEqual(retention.date_maturity, situation.date + relativedelta(months=12))
        other = receivables - retention
        self.assertEqual(sum(other.mapped("debit")), 7172.5)
        self.assertEqual(other.account_id, self.owner.with_company(self.fr_company).property_account_receivable_id)
        self.assertEqual(invoice.amount_residual, 7550.0)

    def test_the_invoice_pdf_is_the_deposited_accepted_copy(self):
        situation = self._accepted()
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        invoice = situation.invoice_id
        self.assertEqual(invoice.ediflex_deposit_id, a6)
        self.assertTrue(a6.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual(invoice.invoice_pdf_report_id.raw, a6.attachment_id.raw)
        self.assertEqual(invoice.message_main_attachment_id, invoice.invoice_pdf_report_id)

    def test_configured_retention_account(self):
        account = self.env["account.account"].create({
            "code": "411750", "name": "Retenues de garantie marchés publics", "account_type": "asset_receivable",
            "reconcile": True, "company_ids": [self.fr_company.id],
        })
        self.fr_company.ediflex_retention_account_id = account
        invoice = self._accepted().invoice_id
        self.assertEqual(invoice.ediflex_retention_account_id, account)
        self.assertEqual(invoice._ediflex_retention_line().account_id, account)
        self.assertEqual(invoice._ediflex_retention_line().debit, 377.5)

    def test_refused_situation_leaves_no_invoice(self):
        situation = self._situation()
        situation.action_present()
        situation.with_user(self.approver).action_refuse("Wrong quantities")
        self.assertEqual(situation.state, "refused")
        self.assertFalse(self.env["account.move"].search([("ediflex_situation_id", "=", situation.id)]))

    def test_accepted_situation_leaving_acceptance_leaves_no_posted_invoice(self):
        # A later refusal of the accepted piece (Chorus Pro's refusal loop) writes another state on the situation.
        posted = self._accepted()
        draft = self._accepted(number=2, contract_number="MARCHE-2026-002")
        draft.invoice_id.button_draft()
        invoices = posted.invoice_id | draft.invoice_id
        (posted | draft).write({"state": "refused"})
        self.assertEqual(set(invoices.mapped("state")), {"cancel"})
        self.assertFalse(self.env["account.move"].search([("ediflex_situation_id", "in", (posted | draft).ids),
                                                          ("state", "=", "posted")]))
        self.assertFalse(posted.invoice_id)

    def test_payment_ordered_sets_the_expected_payment_date_and_payment_reconciles(self):
        situation = self._accepted()
        invoice = situation.invoice_id
        self._send()
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        self.assertEqual(a6.state, "sent")
        self.emulator.set_status(self._piece_id(a6), "PRISE_EN_COMPTE_MOA")
        a6.action_refresh_status()
        self.assertFalse(invoice.ediflex_expected_payment_date)
        self.emulator.set_status(self._piece_id(a6), "MANDATEE")
        a6.action_refresh_status()
        self.assertEqual(a6.chorus_status, "MANDATEE")
        ordered_on = fields.Datetime.to_datetime(a6.chorus_status_date or a6.chorus_checked_date)
        self.assertEqual(invoice.ediflex_expected_payment_date, (ordered_on + timedelta(days=10)).date())

        # The payment of what is due now reconciles with its receivable line; the retention stays open.
        retention = invoice._ediflex_retention_line()
        due = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term") - retention
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=due.ids,
        ).create({"payment_date": situation.date})._create_payments()
        self.assertTrue(due.reconciled)
        self.assertFalse(retention.reconciled)
        self.assertEqual(invoice.amount_residual, 377.5)
        self.assertEqual(invoice.payment_state, "partial")

    def test_non_euro_company_is_refused_clearly(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        company = self._switch_to(self.env["res.company"].create({"name": "Works Ltd", "currency_id": usd.id}))
        situation = self._situation()
        situation.action_present()
        with self.assertRaisesRegex(UserError, "euros only"):
            situation.with_user(self.approver).action_accept()
        self.assertEqual((situation.company_id, situation.state), (company, "presented"))
        self.assertFalse(situation.invoice_ids)

    def test_each_company_has_its_own_accounts_journal_and_taxes(self):
        other = self._switch_to(self._french_company("BTP Est"))
        situation = self._accepted()
        invoice = situation.invoice_id
        self.assertEqual(invoice.company_id, other)
        self.assertEqual(invoice.journal_id.company_id, other)
        self.assertEqual(invoice.invoice_line_ids.tax_ids.company_id, other)
        for line in invoice.line_ids:
            self.assertIn(other, line.account_id.company_ids)
        self.assertEqual(invoice.ediflex_retention_account_id, self._chart_account(other, "pcg_4117"))
        self.assertNotEqual(invoice.ediflex_retention_account_id, self._chart_account(self.fr_company, "pcg_4117"))
        # Chorus Pro is not enabled for this company: no deposit, the same report gives the accepted copy.
        self.assertFalse(situation.deposit_ids)
        self.assertTrue(invoice.invoice_pdf_report_id.raw.startswith(b"%PDF"))
