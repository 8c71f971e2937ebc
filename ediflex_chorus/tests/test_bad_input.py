from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestBadInput(ChorusCase):
    """Every bad input a user can type or import: a French message saying what to fix, and nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        cls.user.lang = "fr_FR"

    def _line(self, **values):
        return (0, 0, dict({"code": "1.1", "name": "Terrassement", "contract_amount": 10000.0,
                            "progress_percent": 40.0}, **values))

    def _refused(self, expected, situation_values=None, prepare=None):
        if prepare:
            prepare()
        situation = self._situation(**(situation_values or {}))
        attachments = self.env["ir.attachment"].search_count([("res_model", "=", "ediflex.situation")])
        with self.assertRaises(UserError) as caught:
            situation.with_context(lang="fr_FR").action_present()
        message = str(caught.exception)
        self.assertIn("Chorus Pro refuserait ce dépôt", message)
        self.assertIn(expected, message)
        self.assertEqual(situation.state, "draft", "nothing changes")
        self.assertFalse(situation.deposit_ids)
        self.assertEqual(self.env["ir.attachment"].search_count([("res_model", "=", "ediflex.situation")]),
                         attachments)

    def test_every_bad_input_is_refused_in_french(self):
        service_body = self._public_body(self.seed.service_required, chorus_service_code_required=True)
        commitment_body = self._public_body(self.seed.commitment_required, chorus_commitment_required=True)
        cases = [
            ("SIRET of 13 digits", "doit comporter 14 chiffres (13 chiffres saisis)",
             {}, lambda: self.owner.write({"chorus_siret": "1234567890123"})),
            ("SIRET of 15 digits", "doit comporter 14 chiffres (15 chiffres saisis)",
             {}, lambda: self.owner.write({"chorus_siret": "123456789012345"})),
            ("letters in a SIRET", "ne doit contenir que des chiffres",
             {}, lambda: self.owner.write({"chorus_siret": "1234567890123A"})),
            ("service code required", "exige un code de service exécutant", {"owner_id": service_body.id}, None),
            ("commitment required", "exige un numéro d'engagement juridique",
             {"owner_id": commitment_body.id, "commitment_number": False}, None),
            ("contract number too long", "Le numéro de marché doit comporter au plus 50 caractères",
             {"contract_number": "M" * 51}, None),
            ("commitment number too long", "Le numéro d'engagement juridique doit comporter au plus 50",
             {"commitment_number": "E" * 51}, None),
            ("no line", "La situation n'a aucune ligne", {"line_ids": []}, None),
            ("negative progress", "ne doit pas être négatif",
             {"line_ids": [self._line(progress_percent=-5.0)]}, None),
            ("progress over 100 %", "doit être compris entre 0 et 100",
             {"line_ids": [self._line(progress_percent=120.0)]}, None),
            ("period ending before it starts", "La période se termine",
             {"period_start": "2026-10-31", "period_end": "2026-10-01"}, None),
            ("missing company configuration", "mot de passe technique",
             {}, lambda: self.company.write({"chorus_password": False})),
        ]
        for name, expected, values, prepare in cases:
            with self.subTest(name), self.env.cr.savepoint(flush=False) as savepoint:
                self._refused(expected, values, prepare)
                savepoint.rollback()

    def test_a_bad_checksum_is_refused_in_production(self):
        self.company.write({"chorus_environment": "production", "chorus_siret": "73282932000074"})
        self.owner.chorus_siret = "12345678901234"
        self._refused("clé de contrôle invalide")

    def test_chorus_pro_not_activated_validates_and_sends_nothing(self):
        self.company.chorus_enabled = False
        situation = self._situation()
        answer = situation.with_context(lang="fr_FR").action_present()
        self.assertEqual(situation.state, "presented")
        self.assertFalse(situation.deposit_ids)
        self.assertIn("Chorus Pro n'est pas activé pour cette société", answer["params"]["message"])
