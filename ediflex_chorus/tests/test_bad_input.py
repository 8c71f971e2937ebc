import base64
import io
import os

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from PIL import Image

from .common import ChorusCase

# Models whose rows a refused validation must leave as they were.
WATCHED = ("ediflex.situation", "ediflex.chorus.deposit", "ir.attachment", "mail.message", "mail.activity")
REFUSED = "Chorus Pro rejetterait ce dépôt"


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

    def _database(self):
        """What the refusals must not change: the rows of the watched models, and the last write of any."""
        state = {}
        for model in WATCHED:
            self.env[model].flush_model()
            self.env.cr.execute(f'SELECT count(*), max(write_date) FROM "{self.env[model]._table}"')  # noqa: S608
            state[model] = self.env.cr.fetchone()
        return state

    def _refused(self, expected, situation_values=None, prepare=None, situation=None):
        if prepare:
            prepare()
        situation = situation or self._situation(**(situation_values or {}))
        before = self._database()
        with self.assertRaises(UserError) as caught:
            situation.with_context(lang="fr_FR").action_present()
        message = str(caught.exception)
        self.assertIn(REFUSED, message)
        self.assertIn(expected, message)
        self.assertEqual(situation.state, "draft", "nothing changes")
        self.assertFalse(situation.deposit_ids)
        self.assertEqual(self._database(), before, "nothing changes in the database")

    def _cases(self):
        service_body = self._public_body(self.seed.service_required, chorus_service_code_required=True)
        commitment_body = self._public_body(self.seed.commitment_required, chorus_commitment_required=True)
        owner, company = self.owner, self.company
        no_siret = self.env["res.partner"].create({"name": "Entreprise sans SIRET", "is_company": True})
        return [
            # name, the French text expected, the situation's values, what to change before
            ("SIRET of 13 digits", "doit comporter 14 chiffres (13 chiffres saisis)",
             {}, lambda: owner.write({"chorus_siret": "1234567890123"})),
            ("SIRET of 15 digits", "doit comporter 14 chiffres (15 chiffres saisis)",
             {}, lambda: owner.write({"chorus_siret": "123456789012345"})),
            ("letters in a SIRET", "ne doit contenir que des chiffres",
             {}, lambda: owner.write({"chorus_siret": "1234567890123A"})),
            ("bad checksum in production", "Le SIRET du maître d'ouvrage 12345678901234 a une clé de contrôle invalide",
             {}, lambda: (company.write({"chorus_environment": "production", "chorus_siret": "73282932000074"}),
                          owner.write({"chorus_siret": "12345678901234"}))),
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
            ("period ending before it starts", "La période se termine (2026-10-01) avant de commencer (2026-10-31)",
             {"period_start": "2026-10-31", "period_end": "2026-10-01"}, None),
            ("statement dated before its period", "La date de la situation (2026-09-30) précède le début de sa période",
             {"date": "2026-09-30"}, None),
            ("missing technical password", "Dématérialisation vers Chorus Pro\xa0: mot de passe technique.",
             {}, lambda: company.write({"chorus_password": False})),
            ("missing PISTE keys", "ID client PISTE, secret client PISTE",
             {}, lambda: company.write({"chorus_client_id": False, "chorus_client_secret": False})),
            ("missing company SIRET", "Le SIRET du titulaire du marché est manquant",
             {}, lambda: company.write({"chorus_siret": False})),
            ("subcontractor without its main contractor", "L'entrepreneur principal (titulaire) est manquant",
             {"chorus_role": "subcontractor"}, None),
            ("co-contractor without the mandatary", "Le mandataire du groupement est manquant",
             {"chorus_role": "cocontractor"}, None),
            ("main contractor without SIRET", "Le SIRET de l'entrepreneur principal (titulaire) est manquant",
             {"chorus_role": "subcontractor", "main_contractor_id": no_siret.id}, None),
            ("mandatary without SIRET", "Le SIRET du mandataire du groupement est manquant",
             {"chorus_role": "cocontractor", "mandatary_id": no_siret.id}, None),
            ("company as its own main contractor", "ne peut pas être l'entreprise elle-même",
             {"chorus_role": "subcontractor", "main_contractor_id": company.partner_id.id},
             lambda: company.partner_id.write({"chorus_siret": company.chorus_siret})),
            ("company structure not looked up", "L'identifiant de structure Chorus Pro du titulaire du marché est "
             "inconnu", {}, lambda: company.write({"chorus_structure_id": 0})),
        ]

    def test_every_bad_input_is_refused_in_french(self):
        for name, expected, values, prepare in self._cases():
            with self.subTest(name), self.env.cr.savepoint(flush=False) as savepoint:
                self._refused(expected, values, prepare)
                savepoint.rollback()

    def test_every_problem_at_once(self):
        self.owner.chorus_siret = "1234567890123"
        values = {"contract_number": "M" * 51, "line_ids": [self._line(progress_percent=120.0)]}
        for expected in ("13 chiffres saisis", "au plus 50 caractères", "entre 0 et 100"):
            with self.subTest(expected):
                self._refused(expected, values)

    def test_the_largest_copy_a_user_can_make_stays_under_ten_megabytes(self):
        # The copy is rendered, never uploaded: the one way a user makes it large is a huge company logo (noise, which
        # no compression shrinks, at the 1920 pixels Odoo keeps). It stays under Chorus Pro's 10 MB; a larger file
        # would be refused by the same check of the core (tests/test_checks.py), in French.
        noise = Image.frombytes("RGB", (1920, 1920), os.urandom(1920 * 1920 * 3))
        logo = io.BytesIO()
        noise.save(logo, format="PNG")
        self.assertGreater(len(logo.getvalue()), 10 * 1024 * 1024)
        self.company.logo = base64.b64encode(logo.getvalue())
        situation = self._situation()
        situation.action_present()
        self.assertLess(len(self._deposits(situation).attachment_id.raw), 10 * 1024 * 1024)

    def test_a_stored_pdf_is_never_deposited_instead_of_the_copy(self):
        # "Reload from Attachment" on the report would hand over a stored file (here an empty one a user attached)
        # instead of the situation as it is now: the deposited copy is always rendered.
        report = self.env.ref("ediflex_chorus.action_report_situation")
        report.write({"attachment": "'situation.pdf'", "attachment_use": True})
        situation = self._situation()
        self.env["ir.attachment"].create({"name": "situation.pdf", "raw": b"", "res_model": situation._name,
                                          "res_id": situation.id, "mimetype": "application/pdf"})
        situation.action_present()
        copy = self._deposits(situation).attachment_id.raw
        self.assertTrue(copy.startswith(b"%PDF"))
        self.assertGreater(len(copy), 1000)

    def test_a_long_reference_is_numbered_within_twenty_characters(self):
        sequence = self.env["ir.sequence"].search([("code", "=", "ediflex.situation")])
        sequence.prefix = "SITUATION-DE-TRAVAUX-LOT-GROS-OEUVRE/%(range_year)s/"
        situation = self._situation()
        situation.action_present()
        piece = self._deposits(situation).piece_number
        self.assertLessEqual(len(piece), 20)
        self.assertTrue(piece.startswith("SITUATIO-") and piece.endswith("-A4"), piece)

    def test_a_bad_siret_typed_in_the_settings_is_refused_there(self):
        for siret, expected in (("1234567890123", "13 chiffres saisis"), ("123456789012345", "15 chiffres saisis"),
                                ("1234567890123A", "ne doit contenir que des chiffres")):
            with self.subTest(siret), self.assertRaises(ValidationError) as caught:
                settings = self.env["res.config.settings"].with_context(lang="fr_FR").create({"chorus_siret": siret})
                settings.execute()
            self.assertIn("Code Structure", str(caught.exception))
            self.assertIn(expected, str(caught.exception))
            self.assertEqual(self.company.chorus_siret, self.seed.contractor.siret, "nothing changes")

    def test_imported_bad_data_is_refused_in_french(self):
        # The import door (what Odoo's import runs): the lines arrive as typed, and presenting refuses them.
        fields = ["contract_number", "owner_id/.id", "manager_id/.id", "period_start", "period_end", "date",
                  "line_ids/name", "line_ids/contract_amount", "line_ids/progress_percent"]
        rows = [["M" * 51, str(self.owner.id), str(self.manager.id), "2026-10-31", "2026-10-01", "2026-11-02",
                 "Terrassement", "10000", "-5"],
                ["", "", "", "", "", "", "Fondations", "20000", "150"]]
        result = self.env["ediflex.situation"].with_user(self.user).with_context(lang="fr_FR").load(fields, rows)
        self.assertEqual(result["messages"], [])
        situation = self.env["ediflex.situation"].browse(result["ids"])
        self.assertEqual(len(situation.line_ids), 2)
        for expected in ("au plus 50 caractères", "La période se termine", "ne doit pas être négatif",
                         "entre 0 et 100"):
            with self.subTest(expected):
                self._refused(expected, prepare=None, situation=situation)

    def test_a_bad_siret_imported_into_the_company_is_refused_there(self):
        result = self.env["res.company"].with_context(lang="fr_FR").load(
            ["id", "chorus_siret"], [[self.company.get_external_id()[self.company.id], "123456789012345"]])
        self.assertFalse(result["ids"])
        self.assertIn("15 chiffres saisis", result["messages"][0]["message"])
        self.assertEqual(self.company.chorus_siret, self.seed.contractor.siret, "nothing changes")

    def test_chorus_pro_not_activated_validates_and_sends_nothing(self):
        self.company.chorus_enabled = False
        situation = self._situation()
        answer = situation.with_context(lang="fr_FR").action_present()
        self.assertEqual(situation.state, "presented")
        self.assertFalse(situation.deposit_ids)
        self.assertIn("Chorus Pro n'est pas activé pour cette société", answer["params"]["message"])
