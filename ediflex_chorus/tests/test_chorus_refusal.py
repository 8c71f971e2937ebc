from odoo.exceptions import UserError
from odoo.tests import tagged

from ..chorus import endpoints, works
from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestChorusRefusal(ChorusCase):
    """A refusal on Chorus Pro leads somewhere: refused there, corrected, presented again as a new piece."""

    def _refused_on_chorus(self, status="REFUSEE_MOE", comment="Mauvais valideur"):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(deposit.chorus_piece_id, status, comment)
        self.connector._cron_fetch_statuses()
        return deposit

    def _live(self, situation, frame):
        return self._deposits(situation).filtered(
            lambda d: d.frame == frame and d.state != "cancelled" and not d.replaced_by_id)

    def test_a_refusal_by_the_project_manager_moves_the_situation(self):
        deposit = self._refused_on_chorus()
        situation = deposit.situation_id
        self.assertEqual((deposit.state, situation.state), ("refused", "chorus_refused"))
        self.assertEqual(situation.chorus_refused_deposit_id, deposit)
        self.assertEqual(situation.activity_ids.user_id, self.user)
        self.assertIn("Correct and Present Again", situation.activity_ids.note)

    def test_a_refusal_shows_one_red_banner_the_refusals(self):
        deposit = self._refused_on_chorus()
        situation = deposit.situation_id
        self.assertEqual((deposit.state, deposit.to_handle), ("refused", True), "the log still lists it to handle")
        # The form's generic "a deposit waits for a person" banner stays hidden: the refusal's says what to do.
        self.assertEqual((situation.state, situation.deposit_problem), ("chorus_refused", False))

    def test_a_refusal_by_the_project_owner_after_acceptance_moves_the_situation(self):
        deposit = self._presented()
        situation = deposit.situation_id
        situation.with_user(self.approver).action_accept()
        self._send()
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        self.emulator.set_status(a6.chorus_piece_id, "REFUSEE_MOA")
        a6.action_refresh_status()
        self.assertEqual(situation.state, "chorus_refused")

    def test_the_reason_of_chorus_pro_shows_once_known(self):
        deposit = self._refused_on_chorus()
        situation = deposit.situation_id
        # The follow-up read it from the piece's history (histoStatutCommentaire): Chorus Pro gave it.
        self.assertEqual(situation.chorus_refusal_reason, "Mauvais valideur")
        situation._chorus_set_refusal_reason(deposit, "Le poste 1.2 dépasse le marché.")
        self.assertEqual(situation.chorus_refusal_reason, "Le poste 1.2 dépasse le marché.")
        self.env["ediflex.situation"]._chorus_set_refusal_reason(deposit, "")  # nothing to record: no change
        situation._chorus_piece_refused(deposit, reason="Mauvais valideur")
        self.assertEqual(situation.chorus_refusal_reason, "Le poste 1.2 dépasse le marché.",
                         "a situation already refused keeps its state and reason")

    def test_correct_and_present_again_deposits_a_new_piece_replacing_the_refused(self):
        refused = self._refused_on_chorus()
        situation = refused.situation_id.with_user(self.user)
        with self.assertRaises(UserError):
            situation.action_present()  # refused on Chorus Pro: corrected first
        situation.action_correct()
        self.assertEqual(situation.state, "draft")
        situation.line_ids[1].progress_percent = 8.0
        situation.action_present()
        self._send()
        new = self._live(situation, "A4")
        self.assertEqual(len(new), 1, "one live A4")
        self.assertNotEqual(new, refused)
        self.assertEqual((new.replaces_id, refused.replaced_by_id), (refused, new))
        self.assertEqual(new.state, "sent")
        self.assertEqual(self._deposits(situation).filtered(lambda d: d.frame == "A4"), new | refused)
        self.assertEqual(len(self._emulator_piece(new.piece_number)), 1)
        self.assertEqual(len(self._emulator_piece(refused.piece_number)), 1, "the refused piece stays there")
        self.assertFalse(situation.deposit_problem, "the refused piece is replaced: nothing left to handle")
        self.assertFalse(refused.to_handle)
        Deposit = self.env["ediflex.chorus.deposit"]
        self.assertNotIn(refused, Deposit.search([("to_handle", "=", True)]))
        self.assertIn(refused, Deposit.search([("to_handle", "=", False)]))
        self.assertEqual(situation.state, "presented")

    def test_the_new_piece_number_is_unique_and_fits(self):
        # No documented way to recycle a refused works piece (recycler takes an A_RECYCLER invoice's routing
        # only): a new piece number, stable for its revision, unique in the company, at most 20 characters.
        refused = self._refused_on_chorus()
        situation = refused.situation_id
        situation.action_correct()
        situation.action_present()
        new = self._live(situation, "A4")
        self.assertEqual(new.piece_number, situation.name.replace("/", "-") + "-R2-A4")
        self.assertLessEqual(len(new.piece_number), endpoints.MAX_PIECE_NUMBER_LENGTH)
        situation.name = "SITUATION-MARCHE-2026-0001"
        self.assertEqual(len(situation._chorus_piece_number(works.frame_for("present", False))),
                         endpoints.MAX_PIECE_NUMBER_LENGTH)

    def test_a_replaced_piece_refused_later_moves_nothing(self):
        refused = self._refused_on_chorus()
        situation = refused.situation_id
        situation.action_correct()
        situation.action_present()
        self._send()
        situation._chorus_piece_refused(refused)
        self.assertEqual(situation.state, "presented")

    def test_presented_again_after_the_owner_refused_leaves_one_live_piece(self):
        deposit = self._presented()
        self._send()
        situation = deposit.situation_id
        situation.with_user(self.approver).action_refuse("Montant faux")
        situation.action_reset_to_draft()
        situation.action_present()
        self._send()
        self.assertEqual(len(self._live(situation, "A4")), 1)
        self.assertEqual(deposit.replaced_by_id, self._live(situation, "A4"))

    def test_cancel_from_refused_on_chorus_pro(self):
        situation = self._refused_on_chorus().situation_id
        situation.action_cancel()
        self.assertEqual(situation.state, "cancelled")

    def test_a_french_user_reads_the_refusal_and_its_way_out(self):
        self._load_french()
        self.user.lang = "fr_FR"  # the status follow-up writes in the responsible's language
        situation = self._refused_on_chorus().situation_id.with_context(lang="fr_FR")
        states = dict(situation._fields["state"]._description_selection(situation.env))
        self.assertEqual(states["chorus_refused"], "Refusée sur Chorus Pro")
        arch = situation.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Corriger et représenter", arch)
        self.assertIn("Corrigez la situation", situation.activity_ids.note)
