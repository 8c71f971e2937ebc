import json
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..chorus import facturx, works
from .common import ChorusCase

ROADS = ("works_api", "facturx_flow")
# role -> (the frames presented: monthly, final; the seed's structure of the partner; the situation's partner field)
ROLES = {
    works.ROLE_SUBCONTRACTOR: (("A10", "A11"), "main_contractor", "main_contractor_id"),
    works.ROLE_COCONTRACTOR: (("A13", "A14"), "mandatary", "mandatary_id"),
}


@tagged("post_install", "-at_install")
class TestRoles(ChorusCase):
    """The company's role per situation (defaulted per contract): its frames and its partner, on both roads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_contractor = cls._public_body(cls.seed.main_contractor)
        cls.mandatary = cls._public_body(cls.seed.mandatary)
        cls.partner_services = {
            works.ROLE_SUBCONTRACTOR: cls.env["ediflex.chorus.service"].create({
                "partner_id": cls.main_contractor.id, "code": cls.seed.main_contractor.services[0].code}),
            works.ROLE_COCONTRACTOR: cls.env["ediflex.chorus.service"].create({
                "partner_id": cls.mandatary.id, "code": cls.seed.mandatary.services[0].code}),
        }

    def _contract(self, role, **values):
        partner = {works.ROLE_SUBCONTRACTOR: {"main_contractor_id": self.main_contractor.id},
                   works.ROLE_COCONTRACTOR: {"mandatary_id": self.mandatary.id}}.get(role, {})
        service = self.partner_services.get(role)
        return self.env["ediflex.contract"].create(dict({
            "name": f"MARCHE-{role}", "owner_id": self.owner.id, "manager_id": self.manager.id,
            "chorus_role": role, "partner_service_id": service.id if service else False, **partner,
        }, **values))

    def _role_situation(self, role, **values):
        return self._situation(contract_id=self._contract(role).id, **values)

    def _payload(self, deposit):
        return json.loads(deposit.payload)

    def test_each_roles_frames_and_partner_by_each_road(self):
        for road in ROADS:
            for role, (frames, structure, _field) in ROLES.items():
                for kind, frame in zip(("monthly", "final"), frames, strict=True):
                    with self.subTest(road=road, role=role, kind=kind), self.env.cr.savepoint() as savepoint:
                        self.emulator.reset()
                        self.company.chorus_deposit_road = road
                        self._check_presented(role, kind, frame, getattr(self.seed, structure), road)
                        savepoint.rollback()

    def _check_presented(self, role, kind, frame, structure, road):
        situation = self._role_situation(role, kind=kind)
        situation.action_present()
        deposit = self._deposits(situation)
        self.assertEqual((deposit.frame, deposit.road), (frame, road))
        if road == "works_api":
            validator = self._payload(deposit)["cadreDeFacturation"]
            self.assertEqual(validator["codeStructureValideur"], structure.siret, "the partner validates first")
            self.assertEqual(validator["codeServiceValideur"], structure.services[0].code)
        else:
            data = facturx.parse_cii_xml(deposit.payload.encode())
            self.assertEqual(data["frame"], frame)
            self.assertIn(structure.siret, data["notes"][0])
        self._send()
        self._follow()
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertTrue(piece["frame"].startswith(frame + "_"))
        self.assertEqual((deposit.state, deposit.chorus_piece_id), ("received", piece["id"]))

    def _follow(self):
        self.connector._cron_fetch_statuses()

    def test_the_main_contractor_deposits_as_before(self):
        situation = self._role_situation(works.ROLE_MAIN)
        self.assertEqual(situation.chorus_role, works.ROLE_MAIN)
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        deposits = self._deposits(situation)
        self.assertEqual(sorted(deposits.mapped("frame")), ["A4", "A6"])
        validators = {self._payload(d)["cadreDeFacturation"]["codeStructureValideur"] for d in deposits}
        self.assertEqual(validators, {self.seed.moe.siret})

    def test_a_partners_acceptance_deposits_nothing_by_default(self):
        self.assertEqual(works.ROLE_ACCEPTANCE, works.ACCEPTANCE_NO_PIECE)
        for role, (frames, _structure, _field) in ROLES.items():
            with self.subTest(role):
                situation = self._role_situation(role)
                situation.action_present()
                answer = situation.with_user(self.approver).action_accept()
                self.assertEqual(situation.state, "accepted")
                self.assertEqual(self._deposits(situation).mapped("frame"), [frames[0]])
                self.assertIn("Nothing is deposited on Chorus Pro", answer["params"]["message"])
                # The project owner's portal keeps showing the copy presented (there is no accepted copy).
                self.assertEqual(situation._portal_copy(), self._deposits(situation).attachment_id)
                self.assertTrue(situation._portal_copy())

    def test_a_partners_acceptance_candidate_as_main_deposits_a6(self):
        with patch.object(works, "ROLE_ACCEPTANCE", works.ACCEPTANCE_AS_MAIN):
            situation = self._role_situation(works.ROLE_SUBCONTRACTOR)
            situation.action_present()
            situation.with_user(self.approver).action_accept()
            self._send()
        self._follow()
        deposits = self._deposits(situation)
        self.assertEqual(sorted(deposits.mapped("frame")), ["A10", "A6"])
        self.assertEqual(set(deposits.mapped("state")), {"received"})

    def test_the_partner_candidate_in_the_comment(self):
        self.emulator.works_partner_placement = "comment"
        with patch.object(works, "PARTNER_PLACEMENT", works.PARTNER_IN_COMMENT):
            situation = self._role_situation(works.ROLE_SUBCONTRACTOR)
            situation.action_present()
        self._send()
        self._follow()
        deposit = self._deposits(situation)
        payload = self._payload(deposit)
        self.assertEqual(payload["cadreDeFacturation"]["codeStructureValideur"], self.seed.moe.siret)
        self.assertIn(f"SIRET {self.seed.main_contractor.siret}", payload["commentaire"])
        self.assertEqual(deposit.state, "received")

    def test_chorus_pro_refuses_the_other_candidate(self):
        # The emulator set to look for the partner in the comment refuses it as validator: a rejection to handle.
        self.emulator.works_partner_placement = "comment"
        situation = self._role_situation(works.ROLE_COCONTRACTOR)
        situation.action_present()
        self._send()
        deposit = self._deposits(situation)
        self.assertEqual(deposit.state, "rejected")
        self.assertIn(self.seed.mandatary.siret, deposit.error_message)

    def test_the_role_comes_from_the_contract_and_changes_while_draft(self):
        contract = self._contract(works.ROLE_SUBCONTRACTOR)
        situation = self._situation(contract_id=contract.id)
        self.assertEqual((situation.chorus_role, situation.main_contractor_id), (works.ROLE_SUBCONTRACTOR,
                                                                               self.main_contractor))
        self.assertEqual(situation.partner_service_id, self.partner_services[works.ROLE_SUBCONTRACTOR])
        situation.write({"chorus_role": works.ROLE_COCONTRACTOR, "mandatary_id": self.mandatary.id,
                         "partner_service_id": self.partner_services[works.ROLE_COCONTRACTOR].id})
        situation.action_present()
        self.assertEqual(self._deposits(situation).frame, "A13")
        self.assertEqual(contract.chorus_role, works.ROLE_SUBCONTRACTOR, "the contract keeps its default")
        with self.assertRaises(UserError):
            situation.write({"chorus_role": works.ROLE_MAIN})

    def test_existing_contracts_and_situations_are_main_contractors(self):
        contract = self.env["ediflex.contract"].create({"name": "M-OLD", "owner_id": self.owner.id,
                                                        "manager_id": self.manager.id})
        self.assertEqual(contract.chorus_role, works.ROLE_MAIN)
        self.assertEqual(self._situation(contract_id=contract.id).chorus_role, works.ROLE_MAIN)
        self.assertEqual(self._situation().chorus_role, works.ROLE_MAIN, "a situation without contract too")

    def test_the_pdf_copy_shows_the_role(self):
        report = self.env.ref("ediflex_chorus.action_report_situation")
        situation = self._role_situation(works.ROLE_SUBCONTRACTOR)
        html = report.with_context(force_report_rendering=True)._render_qweb_html(report, situation.ids)[0]
        html = html.decode()
        self.assertIn(f"Sous-traitant de {self.main_contractor.name} (SIRET {self.seed.main_contractor.siret}), "
                      "paiement direct", html)
        main = self._role_situation(works.ROLE_MAIN)
        html = report.with_context(force_report_rendering=True)._render_qweb_html(report, main.ids)[0].decode()
        self.assertNotIn("Sous-traitant de", html)
