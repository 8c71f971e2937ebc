from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestSituationFlow(ChorusCase):
    def test_present_records_a4_sent_after_commit_then_received(self):
        situation = self._situation()
        situation.action_present()
        self.assertEqual(situation.state, "presented")
        deposit = situation.deposit_ids
        self.assertEqual(len(deposit), 1)
        self.assertEqual((deposit.frame, deposit.state), ("A4", "to_send"))
        self.assertTrue(deposit.attachment_id.raw.startswith(b"%PDF"), "the deposited copy is a real PDF")
        self.assertEqual(self._submissions(), 0, "nothing is sent inside the user's transaction")

        self._send()
        self.assertEqual(deposit.state, "sent")
        self.assertTrue(deposit.chorus_piece_id)
        pieces = self._emulator_piece(deposit.piece_number)
        self.assertEqual(len(pieces), 1)
        self.assertEqual(pieces[0]["frame"], "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR")

        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.state, "received")
        self.assertEqual(deposit.chorus_status, "MISE_A_DISPOSITION_MOE")
        self.assertEqual(deposit.chorus_status_label, "MISE_A_DISPOSITION_MOE")
        self.assertEqual(situation.chorus_status, "Made available to the project manager")

    def test_accept_records_a6_and_status_moves_on(self):
        situation = self._situation()
        situation.action_present()
        self._send()
        situation.with_user(self.approver).action_accept()
        self.assertEqual(situation.state, "accepted")
        a6 = situation.deposit_ids.filtered(lambda d: d.frame == "A6")
        self.assertEqual(a6.state, "to_send")
        self._send()
        self.assertEqual(a6.state, "sent")
        self.assertEqual(self._submissions(), 2)
        self.emulator.advance_works(a6.chorus_piece_id, steps=2)
        a6.action_refresh_status()
        self.assertEqual((a6.state, a6.chorus_status), ("received", "TRANSMISE_MOA"))

    def test_final_situation_deposits_a7_then_a8(self):
        situation = self._situation(kind="final")
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        self.assertEqual(sorted(situation.deposit_ids.mapped("frame")), ["A7", "A8"])
        self._send()
        self.assertEqual(set(situation.deposit_ids.mapped("state")), {"sent"})

    def test_wrong_data_is_refused_with_every_problem_and_nothing_changes(self):
        self.owner.chorus_siret = "1234"
        situation = self._situation(commitment_number="E" * 51)
        with self.assertRaises(UserError) as caught:
            situation.action_present()
        message = str(caught.exception)
        self.assertIn("SIRET", message)
        self.assertIn("50", message)
        self.assertEqual(situation.state, "draft")
        self.assertFalse(situation.deposit_ids)

    def test_service_code_required_by_the_structure(self):
        situation = self._situation(owner_id=self._public_body(self.seed.service_required,
                                                               chorus_service_code_required=True).id)
        with self.assertRaises(UserError) as caught:
            situation.action_present()
        self.assertIn("service", str(caught.exception).lower())

    def test_disabled_company_validates_and_sends_nothing(self):
        self.company.chorus_enabled = False
        situation = self._situation()
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        self.assertEqual(situation.state, "accepted")
        self.assertFalse(situation.deposit_ids)

    def test_refused_situation_corrected_and_presented_again_is_a_new_piece(self):
        situation = self._situation()
        situation.action_present()
        self._send()
        situation.with_user(self.approver).action_refuse()
        situation.action_reset_to_draft()
        situation.line_ids[0].progress_percent = 35.0
        situation.action_present()
        self._send()
        a4 = situation.deposit_ids.filtered(lambda d: d.frame == "A4")
        self.assertEqual(len(a4), 2)
        self.assertEqual(len(set(a4.mapped("piece_number"))), 2)
        self.assertEqual(set(a4.mapped("state")), {"sent"})

    def test_user_cannot_accept(self):
        situation = self._situation()
        situation.action_present()
        with self.assertRaises(UserError):
            situation.with_user(self.user).action_accept()
        self.assertEqual(situation.state, "presented")

    def test_buttons_apply_only_in_their_states(self):
        situation = self._situation()
        with self.assertRaises(UserError):
            situation.with_user(self.approver).action_accept()
        situation.action_present()
        with self.assertRaises(UserError):
            situation.action_present()

    def test_amounts_and_previous_cumulative(self):
        first = self._situation()
        # 10000 x 40 % + 25000 x 10 % = 4000 + 2500; VAT 800 + 250; retention 5 % of 7550.
        self.assertEqual(first.amount_untaxed, 6500.0)
        self.assertEqual(first.amount_tax, 1050.0)
        self.assertEqual(first.amount_total, 7550.0)
        self.assertEqual(first.amount_retention, 377.5)
        self.assertEqual(first.amount_due, 7172.5)
        second = self._situation(number=2, line_ids=[
            (0, 0, {"code": "1.1", "name": "Earthworks", "contract_amount": 10000.0, "progress_percent": 70.0}),
        ])
        self.assertEqual(second.previous_situation_id, first)
        self.assertEqual(second.line_ids.previous_cumulative_amount, 4000.0)
        self.assertEqual(second.line_ids.period_amount, 3000.0)

    def test_presenting_looks_up_the_previous_situation_again(self):
        # Issue 19: the state is no longer a dependency of the previous situation (each move recomputed every line),
        # but each move still looks it up again: a draft made before the previous one was cancelled is presented right.
        first = self._situation()
        second = self._situation(number=2, line_ids=[
            (0, 0, {"code": "1.1", "name": "Earthworks", "contract_amount": 10000.0, "progress_percent": 70.0}),
        ])
        self.assertEqual(second.line_ids.previous_cumulative_amount, 4000.0)
        first.action_cancel()
        self.assertEqual(second.previous_situation_id, first, "a draft keeps what it was made from until it moves")
        second.action_present()
        self.assertFalse(second.previous_situation_id)
        self.assertEqual((second.line_ids.previous_cumulative_amount, second.line_ids.period_amount), (0.0, 7000.0))
        self.assertEqual(second.sudo().deposit_ids.amount_untaxed, 7000.0, "the deposit carries the fresh amounts")

    def test_presented_situation_is_locked(self):
        situation = self._situation()
        situation.action_present()
        with self.assertRaises(UserError):
            situation.write({"contract_number": "OTHER"})
        with self.assertRaises(UserError):
            situation.line_ids[0].write({"progress_percent": 90.0})
        with self.assertRaises(UserError):
            situation.write({"line_ids": [(0, 0, {"name": "Extra", "contract_amount": 1.0})]})
        with self.assertRaises(UserError):
            situation.line_ids[0].unlink()
        situation.message_post(body="still open to messages")
        self.assertEqual(situation.contract_number, "MARCHE-2026-001")

    def test_refusal_speaks_french_to_a_french_user(self):
        self._load_french()
        self.user.lang = "fr_FR"
        self.owner.chorus_siret = "1234567890123"
        situation = self._situation()
        with self.assertRaises(UserError) as caught:
            situation.with_context(lang="fr_FR").action_present()
        message = str(caught.exception)
        self.assertIn("Chorus Pro rejetterait ce dépôt", message)
        self.assertIn("Le SIRET du maître d'ouvrage doit comporter 14 chiffres (13 chiffres saisis).", message)
