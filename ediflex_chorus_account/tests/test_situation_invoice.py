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

    def test_accepting_on_the_portal_makes_the_invoice_too(self):
        # The portal's acceptance is the core's _accept in the name of the body's person: the override keeps it.
        situation = self._situation()
        situation.action_present()
        person = self.env["res.partner"].create({"name": "Jeanne Martin", "email": "jeanne.martin@mairie.test",
                                                 "parent_id": self.owner.id})
        situation._portal_accept(person)
        self.assertEqual((situation.state, situation.accepted_by_id), ("accepted", person))
        self.assertEqual((situation.invoice_id.move_type, situation.invoice_id.state), ("out_invoice", "posted"))

    def test_the_invoice_pdf_is_the_deposited_accepted_copy(self):
        situation = self._accepted()
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        invoice = situation.invoice_id
        self.assertEqual(invoice.ediflex_deposit_id, a6)
        self.assertTrue(a6.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual(invoice.invoice_pdf_report_id.raw, a6.attachment_id.raw)
        self.assertEqual(invoice.message_main_attachment_id, invoice.invoice_pdf_report_id)

    def test_a_final_situations_invoice_is_its_general_and_final_statement(self):
        situation = self._accepted(kind="final")
        a8 = self._deposits(situation).filtered(lambda d: d.frame == "A8")
        self.assertEqual(self._deposits(situation).mapped("frame"), ["A7", "A8"])
        invoice = situation.invoice_id
        self.assertEqual((invoice.state, invoice.amount_total), ("posted", situation.amount_total))
        self.assertEqual(invoice.ediflex_deposit_id, a8)
        self.assertEqual(invoice.invoice_pdf_report_id.raw, a8.attachment_id.raw)

    def test_a_subcontractors_invoice_is_its_presented_piece(self):
        # Sous-traitant en paiement direct: the public body pays the A10; its acceptance deposits no piece.
        main = self._public_body(self.seed.main_contractor)
        service = self.env["ediflex.chorus.service"].create({
            "partner_id": main.id, "code": self.seed.main_contractor.services[0].code})
        contract = self.env["ediflex.contract"].create({
            "name": "MARCHE-ST", "owner_id": self.owner.id, "manager_id": self.manager.id,
            "chorus_role": "subcontractor", "main_contractor_id": main.id, "partner_service_id": service.id})
        situation = self._accepted(contract_id=contract.id)
        a10 = self._deposits(situation)
        self.assertEqual(a10.mapped("frame"), ["A10"])
        invoice = situation.invoice_id
        self.assertEqual((invoice.state, invoice.partner_id, invoice.amount_total), ("posted", self.owner, 7550.0))
        self.assertEqual(invoice.ediflex_deposit_id, a10)
        self.assertTrue(a10.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual(invoice.invoice_pdf_report_id.raw, a10.attachment_id.raw)

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

    def _receivables(self, invoice):
        """(the line of what is due now, the retention's line) of a situation invoice."""
        retention = invoice._ediflex_retention_line()
        return invoice.line_ids.filtered(lambda line: line.display_type == "payment_term") - retention, retention

    def test_the_invoice_falls_due_with_the_public_bodys_period_then_chorus_pros_clock(self):
        # A hospital pays within 50 days; the 30 days end of month payment term it has in Odoo is not the law's.
        self.owner.chorus_buyer_type = "hospital"
        self.owner.with_company(self.fr_company).property_payment_term_id = self.env.ref(
            "account.account_payment_term_30days")
        situation = self._accepted()
        invoice = situation.invoice_id
        due, retention = self._receivables(invoice)
        # Not deposited yet: the period counted from the situation's date.
        self.assertFalse(invoice.invoice_payment_term_id)
        self.assertEqual(invoice.invoice_date_due, situation.date + timedelta(days=50))
        self.assertEqual(due.date_maturity, situation.date + timedelta(days=50))
        self.assertEqual(retention.date_maturity, situation.date + relativedelta(months=12))
        # Chorus Pro dates the payment request (the A4's deposit): the follow-up moves the due date to its clock.
        self._send()
        self.connector._cron_fetch_statuses()
        a4 = self._deposits(situation).filtered(lambda d: d.frame == "A4")
        self.assertTrue(a4.chorus_deposit_date)
        self.assertNotEqual(a4.chorus_deposit_date, situation.date)
        self.assertEqual(situation.payment_due_date, a4.chorus_deposit_date + timedelta(days=50))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date_due, situation.payment_due_date)
        self.assertEqual(due.date_maturity, situation.payment_due_date)
        self.assertEqual(retention.date_maturity, situation.date + relativedelta(months=12))
        self.assertEqual((due.debit, retention.debit), (7172.5, 377.5))

    def test_a_situation_accepted_after_its_deposit_is_due_on_the_clocks_date(self):
        situation = self._situation()
        situation.action_present()
        self._send()
        self.connector._cron_fetch_statuses()
        self.assertTrue(situation.payment_due_date)
        situation.with_user(self.approver).action_accept()
        invoice = situation.invoice_id
        self.assertEqual(invoice.invoice_date_due, situation.payment_due_date)
        self.assertEqual(self._receivables(invoice)[0].date_maturity, situation.payment_due_date)

    def _payment_ordered_on(self, frame):
        """An accepted situation whose ``frame`` piece Chorus Pro says is paid (mise en paiement), followed up."""
        situation = self._accepted()
        self._send()
        self.connector._cron_fetch_statuses()
        deposit = self._deposits(situation).filtered(lambda d: d.frame == frame)
        self.assertTrue(self._piece_id(deposit))
        self.assertFalse(situation.invoice_id.ediflex_expected_payment_date)
        self.emulator.set_status(self._piece_id(deposit), "MISE_EN_PAIEMENT")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.chorus_status, "MISE_EN_PAIEMENT")
        return situation, deposit

    def test_payment_released_on_the_accepted_copy_sets_the_expected_date(self):
        situation, a6 = self._payment_ordered_on("A6")
        released_on = fields.Datetime.to_datetime(a6.chorus_status_date or a6.chorus_checked_date)
        self.assertEqual(situation.invoice_id.ediflex_expected_payment_date, (released_on + timedelta(days=2)).date())

    def test_payment_released_on_the_draft_statement_sets_the_expected_date(self):
        # UNCERTAIN which piece Chorus Pro says it on (the core reads both): the A4's status counts too.
        situation, a4 = self._payment_ordered_on("A4")
        released_on = fields.Datetime.to_datetime(a4.chorus_status_date or a4.chorus_checked_date)
        self.assertEqual(situation.invoice_id.ediflex_expected_payment_date, (released_on + timedelta(days=2)).date())

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

    def _paid_late(self, situation):
        """The A4 of ``situation`` dated by Chorus Pro and paid 30 days late, booked as the follow-up books it (the
        core's worked example: 7,410.00 x 10.15 % x 30 / 365 = 61.82, and the 40 EUR indemnity)."""
        a4 = self._deposits(situation).filtered(lambda d: d.frame == "A4")
        a4.partner_id.chorus_buyer_type = "local"
        a4.write({"state": "received", "chorus_deposit_date": "2026-01-10", "amount_due": 7410.0})
        self.env["ediflex.chorus.status.history"].create({
            "deposit_id": a4.id, "status": "MISE_EN_PAIEMENT", "status_date": "2026-03-11 10:00:00"})
        return a4

    def test_late_interest_is_invoiced_in_one_click_and_never_twice(self):
        situation = self._accepted()
        self.assertFalse(situation.late_interest)
        with self.assertRaisesRegex(UserError, "owes no late-payment interest"):
            situation.action_invoice_late_interest()
        self._paid_late(situation)
        self.assertAlmostEqual(situation.late_interest, 61.82, places=2)
        action = situation.action_invoice_late_interest()
        interest = situation.interest_invoice_id
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", interest.id))
        self.assertEqual((interest.move_type, interest.state), ("out_invoice", "posted"))
        self.assertEqual((interest.partner_id, interest.company_id), (self.owner, self.fr_company))
        self.assertEqual(interest.currency_id.name, "EUR")
        self.assertFalse(interest.ediflex_situation_id, "an ordinary invoice, not the works piece")
        self.assertEqual(situation.invoice_id.ediflex_situation_id, situation, "the situation's invoice stays")
        lines = interest.invoice_line_ids.sorted("price_unit")
        self.assertEqual(lines.mapped("price_unit"), [40.0, 61.82])
        self.assertEqual(lines.mapped("account_id.code"), ["758000", "763100"])
        self.assertFalse(lines.tax_ids, "damages are outside the scope of VAT")
        self.assertIn("30", lines[1].name)
        self.assertEqual((interest.amount_tax, interest.amount_total), (0.0, 101.82))
        with self.assertRaisesRegex(UserError, "already invoiced"):
            situation.action_invoice_late_interest()
        self.assertEqual(self.env["account.move"].search_count([("invoice_origin", "=", situation.name),
                                                                ("amount_total", "=", 101.82)]), 1)
        # Cancelled (a mistake), it may be made again, once.
        interest.button_draft()
        interest.button_cancel()
        situation.action_invoice_late_interest()
        self.assertNotEqual(situation.interest_invoice_id, interest)
        self.assertEqual(situation.interest_invoice_id.state, "posted")

    def test_a_situation_user_without_accounting_opens_the_accepted_situation(self):
        situation = self._accepted()
        self._paid_late(situation)
        situation.action_invoice_late_interest()
        self.assertFalse(self.user.has_group("account.group_account_invoice"))
        # What the web client reads: the form's fields this user is given (not the invoices: Accounting's).
        views = self.env["ediflex.situation"].with_user(self.user).get_views([(False, "form")])
        form_fields = views["models"]["ediflex.situation"]
        form_fields = form_fields.get("fields", form_fields)
        self.assertIn("interest_invoiced", form_fields)
        self.assertFalse({"invoice_id", "interest_invoice_id"} & set(form_fields))
        [data] = situation.with_user(self.user).web_read({name: {} for name in form_fields})
        self.assertTrue(data["interest_invoiced"])
        self.assertEqual(data["state"], "accepted")

    def test_late_interest_on_the_configured_accounts(self):
        accounts = self.env["account.account"].create([{
            "code": code, "name": name, "account_type": "income_other", "company_ids": [self.fr_company.id],
        } for code, name in (("763900", "Intérêts moratoires marchés publics"), ("758900", "Indemnités 40 EUR"))])
        self.fr_company.write({"ediflex_interest_account_id": accounts[0].id,
                               "ediflex_indemnity_account_id": accounts[1].id})
        situation = self._accepted()
        self._paid_late(situation)
        situation.action_invoice_late_interest()
        self.assertEqual(situation.interest_invoice_id.invoice_line_ids.sorted("price_unit").account_id.mapped("code"),
                         ["758900", "763900"])
