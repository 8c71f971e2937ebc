from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestSituationUx(ChorusCase):
    """What each user sees around a transition: toasts, refusal reasons, banners, activities, bulk retry."""

    def test_presenting_and_accepting_answer_with_a_toast(self):
        situation = self._situation()
        toast = situation.action_present()
        self.assertEqual((toast["tag"], toast["params"]["type"]), ("display_notification", "success"))
        self.assertIn("Chorus Pro", toast["params"]["message"])
        self.assertEqual(situation.with_user(self.approver).action_accept()["tag"], "display_notification")

    def test_refusal_with_a_reason_goes_back_to_the_responsible(self):
        situation = self._situation()
        situation.action_present()
        wizard = Form(self.env["ediflex.situation.refuse"].with_user(self.approver).with_context(
            default_situation_id=situation.id))
        wizard.reason = "Le poste 1.2 dépasse le montant du marché."
        wizard.save().action_confirm()
        self.assertEqual(situation.state, "refused")
        self.assertEqual(situation.refusal_reason, "Le poste 1.2 dépasse le montant du marché.")
        activity = situation.activity_ids
        self.assertEqual(activity.user_id, self.user)
        self.assertIn("dépasse le montant du marché", str(activity.note))
        self.assertTrue(situation.deposit_ids.filtered(lambda d: d.state == "cancelled"))

    def test_a_user_cannot_refuse(self):
        situation = self._situation()
        situation.action_present()
        with self.assertRaises(UserError):
            situation.with_user(self.user).action_refuse("no")
        self.assertEqual(situation.state, "presented")

    def test_a_rejected_deposit_shows_on_the_situation_and_gives_an_activity(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        deposit = self._presented()
        self._send()
        situation = deposit.situation_id
        self.assertEqual(deposit.state, "rejected")
        self.assertTrue(situation.deposit_problem)
        self.assertEqual(situation.activity_ids.user_id, self.user)
        self.assertIn("Marché inconnu", str(situation.activity_ids.note))

    def test_the_statusbar_follows_the_life_of_a_situation(self):
        states = [key for key, _label in self.env["ediflex.situation"]._fields["state"].selection]
        self.assertLess(states.index("refused"), states.index("accepted"))

    def test_retry_of_a_selection_retries_only_the_failed(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        failed = self._presented()
        self._send()
        sent = self._presented(number=2)
        self._send()
        self.assertEqual((failed.state, sent.state), ("rejected", "sent"))
        answer = (failed | sent).action_retry()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual((failed.state, sent.state), ("to_send", "sent"))
        self._send()
        self.assertEqual(failed.state, "sent")
        self.assertEqual(self._submissions(), 3)

    def test_refresh_button_says_what_chorus_pro_answered(self):
        deposit = self._presented()
        self._send()
        answer = deposit.situation_id.action_refresh_chorus_status()
        self.assertIn(deposit.piece_number, answer["params"]["message"])
        self.assertIn("Made available to the project manager", answer["params"]["message"])
