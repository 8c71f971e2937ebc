import base64

from odoo.tests import tagged

from .common import ChorusCase

COMPLETE_PATH = "/cpro/factures/v1/completer"
RECYCLE_PATH = "/cpro/factures/v1/recycler"
PDF = b"%PDF-1.4\n% attestation\n"


@tagged("post_install", "-at_install")
class TestRecoveryActions(ChorusCase):
    """Récupération (issue 21): "Compléter" and "Recycler" from the situation, sent once through the actions' queue."""

    def _piece_in(self, status, comment="Attestation manquante"):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(deposit.chorus_piece_id, status, comment)
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.chorus_status, status)
        return deposit

    def _wizard(self, situation, kind, **values):
        return self.env["ediflex.chorus.action.wizard"].with_user(self.user).with_context(
            default_situation_id=situation.id, default_kind=kind).create(values)

    def _send_actions_again(self, action):
        action.sudo().next_attempt_date = "2000-01-01 00:00:00"  # the retry is due now
        self.connector._cron_send_actions()

    def test_buttons_only_when_the_status_allows(self):
        deposit = self._presented()
        self._send()
        situation = deposit.situation_id
        self.assertFalse(situation.chorus_can_complete or situation.chorus_can_recycle)
        self.emulator.set_status(deposit.chorus_piece_id, "SUSPENDUE", "Attestation manquante")
        self.connector._cron_fetch_statuses()
        self.assertTrue(situation.chorus_can_complete)
        self.assertFalse(situation.chorus_can_recycle)

    def test_complete_with_a_lost_answer_is_sent_once(self):
        deposit = self._piece_in("SUSPENDUE")
        situation = deposit.situation_id
        attachment = self.env["ir.attachment"].with_user(self.user).create(
            {"name": "attestation.pdf", "datas": base64.b64encode(PDF), "mimetype": "application/pdf"})
        self._wizard(situation, "complete", comment="Voici l'attestation",
                     attachment_ids=[(6, 0, attachment.ids)]).action_confirm()
        [action] = deposit.chorus_action_ids
        self.assertEqual(action.state, "to_send")
        self.assertFalse(situation.chorus_can_complete, "one action on its way at a time")
        self.emulator.inject(COMPLETE_PATH, "lost_answer")
        self.connector._cron_send_actions()
        self.assertEqual(action.state, "error")
        self._send_actions_again(action)
        self.assertEqual(action.state, "done")
        self.assertEqual(self._calls(COMPLETE_PATH), 1, "completed once, found done after the lost answer")
        piece = self._emulator_piece(deposit.piece_number)[0]
        self.assertEqual(piece["statut"], "COMPLETEE")
        self.assertEqual(len(piece["pieceJointeComplementaireIds"]), 1)
        self.assertTrue(any("completed" in str(body) for body in situation.message_ids.mapped("body")))

    def test_recycle_with_a_server_error_then_done(self):
        deposit = self._piece_in("A_RECYCLER", "Mauvais service")
        strict = self.seed.service_required
        body = self._public_body(strict)
        self._wizard(deposit.situation_id, "recycle", recipient_id=body.id, service_code=strict.services[0].code,
                     comment="Service corrigé").action_confirm()
        [action] = deposit.chorus_action_ids
        self.emulator.inject(RECYCLE_PATH, "server_error")
        self.connector._cron_send_actions()
        self.assertEqual(action.state, "error")
        self._send_actions_again(action)
        self.assertEqual(action.state, "done")
        piece = self._emulator_piece(deposit.piece_number)[0]
        self.assertEqual((piece["codeDestinataire"], piece["codeServiceExecutant"]),
                         (strict.siret, strict.services[0].code))
        self.assertEqual([entry["comment"] for entry in piece["history"]].count("Service corrigé"), 1)

    def test_a_recycling_chorus_pro_refuses_is_told(self):
        deposit = self._piece_in("A_RECYCLER", "Mauvais service")
        body = self._public_body(self.seed.service_required)
        self._wizard(deposit.situation_id, "recycle", recipient_id=body.id, service_code="").action_confirm()
        self.connector._cron_send_actions()
        [action] = deposit.chorus_action_ids
        self.assertEqual(action.state, "rejected")
        self.assertIn("service", action.error_message)
        self.assertTrue(any("refused to recycle" in str(b) for b in deposit.situation_id.message_ids.mapped("body")))

    def test_the_to_handle_filter_shows_what_chorus_pro_lists_as_waiting(self):
        deposit = self._presented()
        self._send()
        Deposit = self.env["ediflex.chorus.deposit"]
        self.connector._cron_fetch_statuses()
        self.assertFalse(deposit.to_handle)
        self.emulator.set_status(deposit.chorus_piece_id, "SUSPENDUE", "Attestation manquante")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.state, "received", "a suspension is no refusal of the addon's own states")
        self.assertTrue(deposit.chorus_waiting and deposit.to_handle)
        self.assertIn(deposit, Deposit.search([("to_handle", "=", True)]))
        self.emulator.set_status(deposit.chorus_piece_id, "COMPLETEE", "Complétée")
        self.connector._cron_fetch_statuses()
        self.assertFalse(deposit.to_handle)
        self.assertNotIn(deposit, Deposit.search([("to_handle", "=", True)]))
