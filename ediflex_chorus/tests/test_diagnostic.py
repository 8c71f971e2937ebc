from lxml import etree
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..cli.diagnose import _parser, _wizard
from .common import ChorusCase

# A SIRET whose Luhn checksum holds, so that the company may be switched to production.
PRODUCTION_SIRET = "73282932000074"


@tagged("post_install", "-at_install")
class TestDiagnostic(ChorusCase):
    """The deposit diagnostic of the settings and the company form, on the emulator taking one road only."""

    def _action(self):
        return self.env.ref("ediflex_chorus.action_ediflex_chorus_diagnostic")

    def _button(self, model, view_type="form"):
        """The diagnostic's button in the admin's view of ``model``, and the connection test's."""
        arch = etree.fromstring(self.env[model].get_views([(False, view_type)])["views"][view_type]["arch"])
        [button] = arch.xpath(f"//button[@name='{self._action().id}']")
        [test] = arch.xpath("//button[@name='action_chorus_test_connection']")
        return button, test

    def _wizard(self, lang=None):
        """The wizard as the button opens it (its action's context), filled with the emulator's public bodies."""
        action = self._action()
        model = self.env[action.res_model].with_context(default_company_id=self.company.id)
        with Form(model.with_context(lang=lang) if lang else model) as form:
            form.owner_id = self.owner
            form.manager_id = self.manager
            form.wait_seconds = 0
        return form.record

    def _counts(self):
        return self.env["ediflex.situation"].search_count([]), self.env["ediflex.chorus.deposit"].search_count([])

    def test_the_button_sits_beside_the_connection_test_in_qualification_only(self):
        for model, company_field in (("res.config.settings", "company_id"), ("res.company", "id")):
            button, test = self._button(model)
            self.assertEqual(button.getparent(), test.getparent(), model)
            self.assertEqual(button.get("type"), "action")
            self.assertIn("chorus_environment != 'qualification'", button.get("invisible"))
            self.assertIn(f"'default_company_id': {company_field}", button.get("context"))
        self.assertEqual(self._action().groups_id, self.env.ref("base.group_system"))

    def test_no_works_route_the_flow_road_is_offered_and_set(self):
        self.emulator.works_submit_route = False
        before = self._counts()
        wizard = self._wizard()
        wizard.action_run()
        self.assertEqual((wizard.state, wizard.recommended_road), ("done", "facturx_flow"))
        self.assertEqual(wizard.recommended_syntax, "IN_DP_E2_CII_FACTURX")
        self.assertIn("Factur-X flow: accepted", wizard.report)
        self.assertIn("Works invoicing API: not accepted", wizard.report)
        self.assertIn("unknown route, or API not subscribed (HTTP 404)", wizard.report)
        left = {piece["numeroFacture"] for piece in self.emulator.pieces}
        self.assertEqual(set(wizard.left_numbers.split(", ")), left)
        self.assertTrue(left and all(number.startswith("DIAG") for number in left))
        self.assertEqual(self._counts(), before, "no situation, no deposit: nothing taken for a real deposit")
        answer = wizard.action_apply()
        self.assertEqual(self.company.chorus_deposit_road, "facturx_flow")
        self.assertIn("Factur-X flow", answer["params"]["message"])

    def test_no_works_frame_in_flows_the_works_road_is_offered_and_set(self):
        self.company.chorus_deposit_road = "facturx_flow"
        self.emulator.flow_works_frames = False
        wizard = self._wizard()
        wizard.action_run()
        self.assertEqual(wizard.recommended_road, "works_api")
        self.assertFalse(wizard.recommended_syntax)
        self.assertIn("BT-23", wizard.report, "Chorus Pro's own errors are in the report")
        wizard.action_apply()
        self.assertEqual(self.company.chorus_deposit_road, "works_api")

    def test_the_company_keeps_a_road_chorus_pro_accepts(self):
        wizard = self._wizard()
        wizard.action_run()
        self.assertEqual(wizard.recommended_road, self.company.chorus_deposit_road)
        self.assertIn("keep it", wizard.report)

    def test_the_report_is_in_french(self):
        self._load_french()
        self.emulator.works_submit_route = False
        wizard = self._wizard(lang="fr_FR")
        wizard.action_run()
        self.assertIn("Flux Factur-X : accepté", wizard.report)
        self.assertIn("Laissé sur la qualification de Chorus Pro", wizard.report)

    def test_production_is_refused_in_french_before_any_call(self):
        self._load_french()
        wizard = self._wizard()
        self.company.write({"chorus_siret": PRODUCTION_SIRET, "chorus_environment": "production"})
        with self.assertRaises(UserError) as refused:
            wizard.with_context(lang="fr_FR").action_run()
        self.assertIn("qu'en qualification", str(refused.exception))
        self.assertEqual(self.emulator.request_counts, {})

    def test_the_administrator_runs_it_from_the_company_and_applies_the_road(self):
        self.emulator.works_submit_route = False
        self.start_tour(f"/odoo/action-base.action_res_company_form/{self.company.id}", "ediflex_diagnostic_tour",
                        login="admin")
        self.assertEqual(self.company.chorus_deposit_road, "facturx_flow")
        self.assertTrue(self.emulator.pieces)

    def test_pending_flows_are_read_again_from_the_form(self):
        self.company.chorus_deposit_road = "facturx_flow"
        self.company.chorus_flow_syntax = "IN_DP_E2_CII_FACTURX"
        self.emulator.works_submit_route = False
        self.emulator.inject("flow_report", "server_error", count=None)
        wizard = self._wizard()
        wizard.action_run()
        self.assertEqual((wizard.pending_count, wizard.recommended_road), (2, False))
        self.assertIn("no final report yet", wizard.report)
        self.emulator.clear_faults()
        wizard.action_follow()
        self.assertEqual((wizard.pending_count, wizard.recommended_road), (0, "facturx_flow"))
        self.assertFalse(wizard.can_apply, "the company already deposits this way")
        self.assertIn("Factur-X flow: accepted", wizard.report)

    def test_a_variant_per_role_names_its_partner(self):
        for role, structure, frame in (("subcontractor", self.seed.main_contractor, "A10"),
                                       ("cocontractor", self.seed.mandatary, "A13")):
            with self.subTest(role), self.env.cr.savepoint() as savepoint:
                self.emulator.reset()
                self.emulator.works_partner_placement = "comment"
                partner = self._public_body(structure)
                wizard = self._wizard()
                wizard.write({"chorus_role": role, "role_partner_id": partner.id})
                wizard.action_run()
                pieces = self.emulator.pieces
                self.assertTrue(pieces and all(p["numeroFacture"].endswith("-" + frame) for p in pieces))
                self.assertIn("the partner in the comment", wizard.report)
                self.assertIn(structure.siret, wizard.report, "the refused placement says what Chorus Pro wants")
                self.assertIn("is accepted only as", wizard.report, "the constant to correct is named")
                savepoint.rollback()

    def test_a_role_without_its_partner_is_refused_before_any_call(self):
        wizard = self._wizard()
        wizard.chorus_role = "cocontractor"
        with self.assertRaises(UserError) as refused:
            wizard.action_run()
        self.assertIn("mandatary is missing", str(refused.exception))
        self.assertEqual(self.emulator.request_counts, {})

    def test_the_command_runs_a_roles_variant(self):
        partner = self._public_body(self.seed.main_contractor)
        options = _parser("ediflex-diagnose").parse_args([
            "--owner", self.seed.no_rules.siret, "--manager", self.seed.moe.siret, "--role", "subcontractor",
            "--partner", partner.chorus_siret, "--wait", "0"])
        # The command's own steps but its closing rollback (which would end the test's transaction).
        wizard = _wizard(self.env, self.company, options)
        diagnosis = wizard._diagnose()
        self.assertEqual(wizard.chorus_role, "subcontractor")
        self.assertIn("the partner as validator", wizard._report_text(diagnosis))
        self.assertTrue(all(p["frame"].startswith("A10_") for p in self.emulator.pieces))
