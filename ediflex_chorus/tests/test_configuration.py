import dataclasses
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ChorusCase, Emulator, default_seed


@tagged("post_install", "-at_install")
class TestConfiguration(ChorusCase):
    def test_find_structure_from_siret(self):
        self.company.chorus_structure_id = 0
        self.company.action_chorus_find_structure()
        self.assertEqual(self.company.chorus_structure_id, self.seed.contractor.id)

    def _connection_test(self):
        """The dialog the connection test opens, as its record."""
        action = self.company.action_chorus_test_connection()
        self.assertEqual((action["res_model"], action["target"]), ("ediflex.chorus.connection.test", "new"))
        return self.env[action["res_model"]].browse(action["res_id"])

    def test_connection_test_says_what_works(self):
        self.company.chorus_structure_id = 0
        answer = self._connection_test()
        self.assertTrue(answer.ok)
        # A checklist: one line per step, each checked.
        self.assertEqual(answer.checklist.count("<li"), 4)
        self.assertEqual(answer.checklist.count("fa-check-circle"), 4)
        self.assertEqual(str(answer.checklist).count("OK:"), 4)
        self.assertEqual(self.company.chorus_structure_id, self.seed.contractor.id)

    def test_connection_test_names_what_to_fix(self):
        self.company.chorus_password = "wrong-password"
        answer = self._connection_test()
        message = str(answer.checklist)
        self.assertFalse(answer.ok)
        self.assertEqual(message.count("fa-times-circle"), 1, "the failed step, and only it, crossed")
        self.assertIn("OK: PISTE gave a token", message)
        self.assertIn("FAILED: Chorus Pro refused the technical login or password", message)
        self.assertNotIn("wrong-password", message)
        self.company.chorus_password = self.emulator.credentials["password"]
        self.emulator.subscribed = {"structures", "transverses", "factures"}
        self.addCleanup(setattr, self.emulator, "subscribed", {"structures", "transverses", "factures",
                                                                "facturesTravaux"})
        message = str(self._connection_test().checklist)
        self.assertIn("FAILED: the works invoicing API does not answer", message)

    def test_the_administrators_are_told_before_the_technical_password_expires(self):
        admin = new_test_user(self.env, login="chorus_admin", groups="ediflex_chorus.group_chorus_admin")
        self.company.chorus_password = "New-Password-2026"
        self.assertEqual(self.company.chorus_password_date, fields.Date.context_today(self.company))
        self.env["res.company"]._cron_chorus_password_reminder()
        self.assertFalse(self.company.partner_id.activity_ids, "not yet: it expires in 14 months")
        self.company.chorus_password_date = fields.Date.context_today(self.company) - timedelta(days=410)
        for _run in range(2):
            self.env["res.company"]._cron_chorus_password_reminder()
        reminder = self.company.partner_id.activity_ids.filtered(lambda a: a.user_id == admin)
        self.assertEqual(len(reminder), 1, "told once")
        self.assertEqual(reminder.date_deadline, self.company.chorus_password_expiry)
        self.assertNotIn(self.user, self.company.partner_id.activity_ids.user_id)

    def test_find_structure_unknown_siret(self):
        self.company.chorus_siret = "00000000099999"
        with self.assertRaises(UserError):
            self.company.action_chorus_find_structure()

    def test_a_bad_siret_is_refused_when_saved(self):
        for values in ({"chorus_siret": "1234567890"},
                       {"chorus_environment": "production", "chorus_siret": "12345678901234"}):
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                self.company.write(values)
            self.assertIn("SIRET", str(caught.exception))
        self.company.write({"chorus_environment": "production", "chorus_siret": "73282932000074"})  # a real one

    def test_partner_sync_reads_rules_and_every_page_of_services(self):
        structure = self.seed.service_required
        partner = self._public_body(structure, chorus_structure_id=0)
        partner.action_chorus_sync()
        self.assertEqual(partner.chorus_structure_id, structure.id)
        self.assertTrue(partner.chorus_service_code_required)
        services = partner.with_context(active_test=False).chorus_service_ids
        self.assertEqual(len(services), len(structure.services))
        self.assertEqual(len(services.filtered("active")), len([s for s in structure.services if s.active]))
        partner.action_chorus_sync()
        self.assertEqual(len(partner.with_context(active_test=False).chorus_service_ids), len(structure.services))

    def test_the_commitment_or_service_rule_is_synchronised_and_checked(self):
        # A body whose Chorus Pro structure says gestionNumeroEJOuCodeService (official Swagger): none in the
        # default data set, so an emulator of its own.
        seed = default_seed()
        body = dataclasses.replace(seed.no_rules, commitment_or_service=True)
        emulator = Emulator(dataclasses.replace(seed, no_rules=body))
        emulator.start(port=0)
        self.addCleanup(emulator.stop)
        self.company.write({"chorus_api_url": emulator.url, "chorus_token_url": emulator.token_url})
        partner = self._public_body(body, chorus_structure_id=0)
        partner.action_chorus_sync()
        self.assertEqual((partner.chorus_commitment_or_service_required, partner.chorus_commitment_required,
                          partner.chorus_service_code_required), (True, False, False))
        situation = self._situation(owner_id=partner.id, commitment_number=False)
        with self.assertRaises(UserError) as caught:
            situation.action_present()
        self.assertIn("commitment number or an executing service code", str(caught.exception))
        self.assertEqual(situation.state, "draft")

    def test_settings_write_through_to_the_company(self):
        settings = self.env["res.config.settings"].create({"chorus_siret": "00000000012887",
                                                           "chorus_environment": "qualification"})
        settings.execute()
        self.assertEqual(self.company.chorus_siret, "00000000012887")
