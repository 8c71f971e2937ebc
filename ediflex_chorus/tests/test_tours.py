import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestTours(ChorusCase):
    """Each kind of user in the web client, in headless Chromium (Debian's chromium).

    Presenting and accepting render the situation's PDF inside the button's request: these tours also prove that
    wkhtmltopdf asks nothing of Odoo's HTTP server (in test mode it would wait for the cursor that request holds).
    """

    def authenticate(self, user, password, browser=None):
        # The retry tour's sending worker polls through test cursors, which hold the registry's test lock; logging in
        # reads through the test's own cursor: under the same lock, the two never use the one connection at once.
        with self.registry.test_lock:
            return super().authenticate(user, password, browser=browser)

    def _form_url(self, record, action):
        return f"/odoo/action-ediflex_chorus.{action}/{record.id}"

    def test_the_contractor_presents(self):
        situation = self._situation()
        self.start_tour(self._form_url(situation, "action_ediflex_situation"), "ediflex_present_tour",
                        login="situation_user")
        self.assertEqual(situation.state, "presented")
        self.assertEqual(self._deposits(situation).mapped("frame"), ["A4"])
        self._send()
        self.assertEqual(len(self._emulator_piece(self._deposits(situation).piece_number)), 1)

    def test_the_approver_accepts(self):
        situation = self._situation()
        situation.action_present()
        self.start_tour(self._form_url(situation, "action_ediflex_situation"), "ediflex_accept_tour",
                        login="owner_approver")
        self.assertEqual(situation.state, "accepted")
        self.assertEqual(sorted(self._deposits(situation).mapped("frame")), ["A4", "A6"])

    def test_the_approver_refuses_with_a_reason(self):
        situation = self._situation()
        situation.action_present()
        self.start_tour(self._form_url(situation, "action_ediflex_situation"), "ediflex_refuse_tour",
                        login="owner_approver")
        self.assertEqual((situation.state, situation.refusal_reason),
                         ("refused", "Le poste 1.2 dépasse le montant du marché."))

    def test_the_administrator_tests_the_connection(self):
        self.start_tour(f"/odoo/action-base.action_res_company_form/{self.company.id}", "ediflex_connection_tour",
                        login="admin")

    def test_the_log_shows_what_to_handle_and_retries_it(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        deposit = self._presented()
        self._send()
        self.assertEqual(deposit.state, "rejected")
        # The accountant reads the log and retries: no administrator needed.
        self.start_tour("/odoo/action-ediflex_chorus.action_ediflex_chorus_deposit", "ediflex_log_tour",
                        login="accountant")
        self.assertEqual(deposit.state, "to_send")
        self._send()
        self.assertEqual(deposit.state, "sent")

    def test_the_accountants_retry_shows_its_result_without_a_refresh(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        deposit = self._presented()
        self._send()
        self.assertEqual(deposit.state, "rejected")
        # The sending cron, as another worker runs it after the click's commit: it sends once the deposit is queued
        # and the form showed it queued (the tour's sign: a mark in the accountant's signature, nothing the form
        # reads). The tour reloads nothing after that: the open form must show "Sent" by itself.
        done = threading.Event()
        worker = threading.Thread(target=self._send_once_queued, args=(deposit.id, done), daemon=True)
        worker.start()
        try:
            self.start_tour(self._form_url(deposit, "action_ediflex_chorus_deposit"), "ediflex_retry_result_tour",
                            login="accountant")
        finally:
            done.set()
            worker.join()
        self.env.invalidate_all()
        self.assertEqual(deposit.state, "sent")
        self.assertEqual(len(self._emulator_piece(deposit.piece_number)), 1)

    def _send_once_queued(self, deposit_id, done):
        while not done.is_set():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                seen = "to_send seen" in str(env["res.users"].browse(self.accountant.id).signature)
                if seen and env["ediflex.chorus.deposit"].browse(deposit_id).state == "to_send":
                    env["ediflex.chorus.connector"]._cron_send_deposits()
                    return
            done.wait(0.2)

    def test_the_log_graph_paints_each_state_in_its_colour(self):
        self._presented()
        self._send()
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        rejected = self._presented(number=2)
        self._send()
        self.assertEqual(sorted(self.env["ediflex.chorus.deposit"].search([]).mapped("state")), ["rejected", "sent"])
        self.assertEqual(rejected.state, "rejected")
        self.start_tour("/odoo/action-ediflex_chorus.action_ediflex_chorus_deposit", "ediflex_graph_tour",
                        login="admin")

    # ------------------------------------------------------------------ the contractor's month (issue 16)

    def test_the_contractor_creates_a_contract_and_its_next_situation(self):
        self.start_tour("/odoo/action-ediflex_chorus.action_ediflex_contract", "ediflex_contract_tour",
                        login="situation_user")
        contract = self.env["ediflex.contract"].search([("name", "=", "MARCHE-TOUR-01")])
        self.assertEqual(contract.lot_ids.mapped("amount"), [10000.0, 25000.0])
        first, second = contract.situation_ids.sorted("number")
        self.assertEqual((first.number, first.state, second.number, second.state),
                         (1, "presented", 2, "draft"))
        self.assertEqual(second.line_ids.mapped("progress_percent"), [40.0, 10.0])
        self.assertEqual(second.line_ids.mapped("previous_cumulative_amount"), [4000.0, 2500.0])
        self.assertEqual(self._deposits(first).mapped("frame"), ["A4"])

    def test_the_contractor_corrects_a_piece_refused_on_chorus_pro(self):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(deposit.chorus_piece_id, "REFUSEE_MOE", "Mauvais valideur")
        self.connector._cron_fetch_statuses()
        situation = deposit.situation_id
        self.assertEqual(situation.state, "chorus_refused")
        self.start_tour(self._form_url(situation, "action_ediflex_situation"), "ediflex_chorus_refusal_tour",
                        login="situation_user")
        self._send()
        a4 = self._deposits(situation).filtered(lambda d: d.frame == "A4")
        live = a4.filtered(lambda d: not d.replaced_by_id)
        self.assertEqual((len(live), live.state, live.replaces_id), (1, "sent", deposit))
        self.assertEqual(deposit.replaced_by_id, live)
        self.assertEqual(situation.line_ids[1].progress_percent, 8.0)
