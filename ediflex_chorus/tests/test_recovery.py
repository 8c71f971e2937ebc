import hashlib

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ChorusCase

DOWNLOAD_PATH = "/cpro/factures/v1/telecharger/groupe"


@tagged("post_install", "-at_install")
class TestRecoveryCopy(ChorusCase):
    """Récupération (issue 21): Chorus Pro's copy of each piece, downloaded by the follow-up and compared."""

    def _followed(self):
        deposit = self._presented()
        self._send()
        self.connector._cron_fetch_statuses()
        return deposit

    def test_the_follow_up_downloads_the_copy_once_and_it_agrees(self):
        deposit = self._followed()
        self.assertTrue(deposit.chorus_piece_id)
        self.assertEqual(deposit.chorus_copy_check, "agree")
        sent = deposit.attachment_id.raw
        self.assertEqual(deposit.chorus_copy_id.raw, sent)
        self.assertEqual(deposit.chorus_copy_sha256, hashlib.sha256(sent).hexdigest())
        self.assertEqual(deposit.sent_sha256, deposit.chorus_copy_sha256)
        self.assertEqual(self._calls(DOWNLOAD_PATH), 1)
        self.connector._cron_fetch_statuses()
        self.assertEqual(self._calls(DOWNLOAD_PATH), 1, "one download per piece, once")
        with self.assertRaises(UserError):  # part of the proof, like the PDF sent
            deposit.chorus_copy_id.unlink()

    def test_a_copy_that_differs_is_shown(self):
        deposit = self._presented()
        self._send()
        self.emulator.set_copy(deposit.chorus_piece_id, b"%PDF-1.7\n% stamped by Chorus Pro\n")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.chorus_copy_check, "differ")
        self.assertNotEqual(deposit.chorus_copy_sha256, deposit.sent_sha256)
        logged = deposit.situation_id.message_ids.mapped("body")
        self.assertTrue(any("differs from the PDF sent" in str(body) for body in logged), logged)

    def test_a_copy_in_a_zip_is_read(self):
        self.emulator.download_container = "zip"
        deposit = self._followed()
        self.assertEqual(deposit.chorus_copy_check, "agree")
        self.assertTrue(deposit.chorus_copy_id.name.endswith(".zip"))

    def test_a_passing_failure_leaves_the_copy_for_the_next_run(self):
        deposit = self._presented()
        self._send()
        self.emulator.inject(DOWNLOAD_PATH, "server_error", count=5)
        self.connector._cron_fetch_statuses()
        self.assertFalse(deposit.chorus_copy_check)
        self.emulator.clear_faults()
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.chorus_copy_check, "agree")

    def test_a_copy_chorus_pro_refuses_is_said_not_available(self):
        deposit = self._presented()
        self._send()
        subscribed = self.emulator.subscribed
        self.addCleanup(setattr, self.emulator, "subscribed", subscribed)
        self.emulator.subscribed = [family for family in subscribed if family != "factures"]
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.chorus_copy_check, "unavailable")
        self.assertTrue(deposit.chorus_copy_note)


CONSULT_PATH = "/cpro/factures/v1/consulter/fournisseur"


@tagged("post_install", "-at_install")
class TestRecoveryProduced(ChorusCase):
    """Récupération (issue 21): the project manager's and owner's pieces, with the amounts they retain."""

    def _taken_into_account(self):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(self._emulator_piece(deposit.piece_number)[0]["id"], "PRISE_EN_COMPTE_MOE")
        return deposit

    def test_a_corrected_amount_is_shown_with_its_difference(self):
        deposit = self._taken_into_account()
        retained = round(deposit.amount_due - 500.0, 2)
        self.emulator.produce_piece(self._emulator_piece(deposit.piece_number)[0]["id"], "A15_ETAT_ACOMPTE_MOE",
                                    {"montantHT": 1000.0, "montantTVA": 200.0, "montantTTC": 1200.0,
                                     "montantAPayer": retained}, "erreur de montant")
        self.connector._cron_fetch_statuses()
        [produced] = deposit.produced_piece_ids
        self.assertEqual(produced.frame, "A15_ETAT_ACOMPTE_MOE")
        self.assertAlmostEqual(produced.amount_retained, retained, places=2)
        self.assertAlmostEqual(produced.amount_presented, deposit.amount_due, places=2)
        self.assertAlmostEqual(produced.amount_difference, -500.0, places=2)
        self.assertEqual(deposit.situation_id.chorus_produced_ids, produced)
        self.assertFalse(deposit.produced_note)
        # Its file, as Chorus Pro holds it, attached to the situation (downloaded once).
        self.assertTrue(produced.attachment_id.raw.startswith(b"%PDF-"))
        self.assertEqual((produced.attachment_id.res_model, produced.attachment_id.res_id),
                         ("ediflex.situation", deposit.situation_id.id))
        looks = self._calls(CONSULT_PATH)
        self.connector._cron_fetch_statuses()
        self.assertEqual(self._calls(CONSULT_PATH), looks, "looked for again only when the status moves on")

    def test_pieces_chorus_pro_does_not_show_are_said_unavailable_in_french(self):
        self.emulator.produced_pieces_by = None
        deposit = self._taken_into_account()
        self.emulator.produce_piece(self._emulator_piece(deposit.piece_number)[0]["id"])
        self.connector._cron_fetch_statuses()
        self.assertFalse(deposit.produced_piece_ids)
        self._load_french()
        note = deposit.with_context(lang="fr_FR").produced_note
        self.assertIn("ne sont pas disponibles", note)
        self.assertEqual(deposit.situation_id.with_context(lang="fr_FR").chorus_produced_note, note)

    def test_the_deposit_diagnostic_says_which_way_shows_them(self):
        self.emulator.produced_pieces_by = "supplier_search"
        deposit = self._taken_into_account()
        self.emulator.produce_piece(self._emulator_piece(deposit.piece_number)[0]["id"])
        wizard = self.env["ediflex.chorus.diagnostic"].create({
            "owner_id": self.owner.id, "manager_id": self.manager.id, "produced_deposit_id": deposit.id})
        wizard.action_probe_produced()
        lines = [str(line) for line in wizard.produced_report.split("<li>")[1:]]
        [next_piece] = [line for line in lines if "NEXT_PIECE" in line]
        [search] = [line for line in lines if "SUPPLIER_SEARCH" in line]
        self.assertIn("shows no piece", next_piece)
        self.assertIn("1 piece(s) found", search)
        # The follow-up then lists them the way Chorus Pro answered.
        self.assertEqual(wizard.produced_way_found, "supplier_search")
        wizard.action_apply_produced_way()
        self.assertEqual(self.company.chorus_produced_way, "supplier_search")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.produced_piece_ids.frame, "A15_ETAT_ACOMPTE_MOE")
        self.assertEqual(deposit.chorus_produced_way, "supplier_search")


@tagged("post_install", "-at_install")
class TestRecoveryCopyEachRoad(ChorusCase):
    """The copy check says "agree" exactly when the SHA-256 shown for the PDF sent is the copy's, on both roads."""

    def _check_each_frame(self, road):
        self.company.chorus_deposit_road = road
        situation = self._situation()
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        self._send()
        self.connector._cron_fetch_statuses()
        deposits = self._deposits(situation)
        self.assertEqual(sorted(deposits.mapped("frame")), ["A4", "A6"])
        for deposit in deposits:
            # As the form reads it: the web client asks binary fields for their size only (bin_size).
            [shown] = deposit.with_context(bin_size=True).web_read(
                {"chorus_copy_check": {}, "sent_sha256": {}, "chorus_copy_sha256": {}})
            with self.subTest(road=road, frame=deposit.frame):
                self.assertEqual(shown["chorus_copy_check"], "agree")
                self.assertEqual(shown["sent_sha256"], hashlib.sha256(deposit.attachment_id.raw).hexdigest())
                self.assertEqual(shown["sent_sha256"], shown["chorus_copy_sha256"])

    def test_the_works_api_road(self):
        self._check_each_frame("works_api")

    def test_the_factur_x_flow_road(self):
        self._check_each_frame("facturx_flow")
