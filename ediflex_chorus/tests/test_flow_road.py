from odoo.tests import tagged

from ..chorus import facturx
from .common import ChorusCase

FLOW_PATH = "/cpro/factures/v1/deposer/flux"


@tagged("post_install", "-at_install")
class TestFlowRoad(ChorusCase):
    """The second road: the works piece as a Factur-X flow, chosen per company."""

    def setUp(self):
        super().setUp()
        self.company.chorus_deposit_road = "facturx_flow"

    def _follow(self):
        self.connector._cron_fetch_statuses()

    def test_each_frame_goes_as_a_factur_x_flow_and_is_followed(self):
        monthly = self._situation()
        final = self._situation(kind="final", number=2)
        for situation in (monthly, final):
            situation.action_present()
            situation.with_user(self.approver).action_accept()
        self._send()
        deposits = (monthly | final).deposit_ids
        self.assertEqual(sorted(deposits.mapped("frame")), ["A4", "A6", "A7", "A8"])
        self.assertEqual(set(deposits.mapped("road")), {"facturx_flow"})
        self.assertEqual(self._calls(FLOW_PATH), 4)
        self.assertEqual((self._submissions(), self._uploads()), (0, 0), "one call per deposit on this road")
        self.assertTrue(all(deposits.mapped("chorus_flow_number")))
        self._follow()
        for deposit in deposits:
            [piece] = self._emulator_piece(deposit.piece_number)
            self.assertEqual((deposit.state, deposit.chorus_piece_id), ("received", piece["id"]))
            self.assertTrue(piece["frame"].startswith(deposit.frame + "_"))

    def test_the_flow_carries_the_situation(self):
        deposit = self._presented()
        situation = deposit.situation_id
        data = facturx.parse_facturx(deposit.attachment_id.raw)
        self.assertEqual((data["frame"], data["invoice_number"]), ("A4", deposit.piece_number))
        self.assertEqual((data["seller_siret"], data["buyer_siret"]),
                         (self.seed.contractor.siret, self.owner.chorus_siret))
        self.assertEqual((data["contract_number"], data["commitment_number"]), ("MARCHE-2026-001", "EJ-0001"))
        self.assertEqual(float(data["grand_total"]), situation.amount_total)
        self.assertEqual(float(data["due"]), situation.amount_due)
        self.assertEqual(facturx.check_cii_xml(deposit.payload.encode()), [], "the stored XML is the valid one")

    def test_a_rejected_flow_shows_chorus_pro_errors_on_the_deposit(self):
        self.emulator.flow_works_frames = False
        deposit = self._presented()
        self._send()
        self._follow()
        self.assertEqual(deposit.state, "rejected")
        self.assertIn(deposit.chorus_flow_number, deposit.error_message)
        self.assertIn("BT-23", deposit.error_message)
        self.assertTrue(deposit.situation_id.activity_ids)

    def test_a_switch_of_road_between_two_situations(self):
        first = self._presented()
        self.company.chorus_deposit_road = "works_api"
        second = self._presented(number=2)
        self._send()
        self._follow()
        self.assertEqual((first.road, second.road), ("facturx_flow", "works_api"))
        self.assertEqual((self._calls(FLOW_PATH), self._submissions()), (1, 1))
        self.assertEqual(set((first | second).mapped("state")), {"received"})
