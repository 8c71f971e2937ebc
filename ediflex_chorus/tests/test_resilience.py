from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ChorusCase, Emulator


@tagged("post_install", "-at_install")
class TestResilience(ChorusCase):
    def _make_due(self, deposit):
        deposit.next_attempt_date = fields.Datetime.now() - timedelta(seconds=1)

    def test_chorus_down_then_up_deposit_goes_out_later_once(self):
        emulator = Emulator()
        port = int(emulator.start(port=0).rsplit(":", 1)[1])
        self.addCleanup(emulator.stop)
        self._configure_company(self.company, emulator)
        emulator.stop()

        deposit = self._presented()
        self.assertEqual(deposit.situation_id.state, "presented", "validation succeeds while Chorus Pro is down")
        self._send()
        self.assertEqual((deposit.state, deposit.retryable, deposit.attempts), ("error", True, 1))
        self.assertTrue(deposit.next_attempt_date)
        self._send()
        self.assertEqual(deposit.attempts, 1, "not retried before its backoff")

        emulator.start(port=port)
        self._make_due(deposit)
        self._send()
        self.assertEqual(deposit.state, "sent")
        self._send()
        pieces = [p for p in emulator.pieces if p.get("numeroFacture") == deposit.piece_number]
        self.assertEqual(len(pieces), 1)

    def test_server_errors_are_retried_with_backoff(self):
        self.emulator.inject("*", "server_error", count=None)
        deposit = self._presented()
        self._send()
        first_wait = deposit.next_attempt_date - fields.Datetime.now()
        cron = self.env.ref("ediflex_chorus.ir_cron_send_deposits")
        wake_up = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).mapped("call_at")
        self.assertIn(deposit.next_attempt_date, wake_up, "the cron wakes up when the retry is due")
        self._make_due(deposit)
        self._send()
        self.assertEqual((deposit.state, deposit.retryable, deposit.attempts), ("error", True, 2))
        self.assertGreater(deposit.next_attempt_date - fields.Datetime.now(), first_wait, "the wait grows")
        self.emulator.clear_faults()
        self._make_due(deposit)
        self._send()
        self.assertEqual(deposit.state, "sent")
        self.assertEqual(len(self._emulator_piece(deposit.piece_number)), 1)

    def test_lost_answer_then_retry_finds_the_piece_and_deposits_nothing_again(self):
        self.emulator.inject("works_submit", "lost_answer")
        deposit = self._presented()
        self._send()
        self.assertEqual((deposit.state, deposit.retryable, deposit.attempts), ("error", True, 1))
        self.assertFalse(deposit.chorus_piece_id, "no id that Chorus Pro did not give")
        self._make_due(deposit)
        self._send()
        [piece] = self._emulator_piece(deposit.piece_number)
        # Found by the works search, which gives the piece's status with its id.
        self.assertEqual((deposit.state, deposit.chorus_piece_id, deposit.chorus_status),
                         ("received", piece["id"], piece["statut"]))
        self.assertEqual((self._submissions(), self._uploads()), (1, 1), "found, neither submitted nor uploaded again")

    def test_duplicate_refusal_after_a_lost_answer_is_resolved_by_the_look_up(self):
        # The answer is lost and the deposit's attempt counter was lost too (a crash before the commit): the
        # next submission is refused as a duplicate, and the look-up finds the piece instead of a rejection.
        self.emulator.inject("works_submit", "lost_answer")
        deposit = self._presented()
        self._send()
        deposit.write({"attempts": 0, "state": "to_send", "retryable": False})
        self._send()
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertEqual((deposit.state, deposit.chorus_piece_id), ("received", piece["id"]))
        self.assertFalse(deposit.error_message, "no false rejection")
        self.assertEqual(self._submissions(), 2)

    def test_business_error_is_rejected_with_the_full_message_then_retried_by_a_human(self):
        self.emulator.inject("/cpro/facturesTravaux/v1/soumettre", "business_error", code=20002,
                             label="Le numero de marche est inconnu")
        deposit = self._presented()
        self._send()
        self.assertEqual((deposit.state, deposit.retryable), ("rejected", False))
        self.assertIn("20002", deposit.error_message)
        self.assertIn("Le numero de marche est inconnu", deposit.error_message)
        deposit.action_retry()
        self._send()
        self.assertEqual(deposit.state, "sent")
        self.assertEqual(len(self._emulator_piece(deposit.piece_number)), 1)

    def test_a_deposit_is_never_sent_twice(self):
        deposit = self._presented()
        self._send()
        self._send()
        deposit.situation_id.action_refresh_chorus_status()
        self._send()
        self.assertEqual(self._submissions(), 1)

    def test_after_the_last_automatic_attempt_a_human_decides(self):
        self.emulator.inject("*", "server_error", count=None)
        deposit = self._presented()
        deposit.attempts = 7
        self._make_due(deposit)
        self._send()
        self.assertEqual((deposit.state, deposit.retryable), ("error", False))
        self.emulator.clear_faults()
        self._send()
        self.assertEqual(deposit.state, "error", "no automatic retry any more")
        deposit.action_retry()
        self._send()
        self.assertEqual(deposit.state, "sent")
