import logging
import unittest

from odoo.tests import HttpCase, new_test_user

_logger = logging.getLogger(__name__)
# The Chorus Pro emulator is a test requirement (test-requirements.txt at the repository's root), not a dependency
# of the addon: without it the addon installs and its tests that need it are skipped, said once in the log.
EMULATOR_REQUIREMENT = "chorus-emulator"
try:
    from chorus_emulator import Emulator
    from chorus_emulator.seed import default_seed
except ImportError:
    Emulator = default_seed = None
    _logger.warning("ediflex_chorus: the tests that need Chorus Pro's emulator are skipped: the test requirement %s "
                    "is not installed (pip install -r test-requirements.txt)", EMULATOR_REQUIREMENT)

SITUATION_GROUPS = "ediflex_chorus.group_situation_user"
SUBMIT_PATH = "/cpro/facturesTravaux/v1/soumettre"
UPLOAD_PATH = "/cpro/transverses/v1/ajouter/fichier"
SEARCH_PATH = "/cpro/facturesTravaux/v1/rechercher"


# Odoo logs every skipped test with this reason: the missing requirement is named once, by the warning above.
@unittest.skipIf(Emulator is None, "no Chorus Pro emulator (see the warning at the start of the tests)")
class ChorusCase(HttpCase):
    """Real Odoo, with Chorus Pro played by the core's emulator over loopback.

    An HttpCase, because wkhtmltopdf fetches the report's styles from Odoo's HTTP server, which serves
    requests inside the test transaction only in HTTP test mode.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = Emulator()
        cls.emulator.start(port=0)
        cls.addClassCleanup(cls.emulator.stop)
        cls.seed = cls.emulator.seed
        cls.company = cls.env.company
        cls._configure_company(cls.company, cls.emulator)
        cls.owner = cls._public_body(cls.seed.no_rules)
        cls.manager = cls._public_body(cls.seed.moe)
        cls.user = new_test_user(cls.env, login="situation_user", groups=SITUATION_GROUPS)
        cls.approver = new_test_user(cls.env, login="owner_approver", groups="ediflex_chorus.group_owner_approver")
        cls.accountant = new_test_user(cls.env, login="accountant", groups="ediflex_chorus.group_accountant_reader")
        cls.connector = cls.env["ediflex.chorus.connector"]

    def setUp(self):
        super().setUp()
        # One emulator serves the whole class, while each test's records (sequences included) are rolled
        # back: each test starts with an emulator that has no piece, no fault and no count.
        self.emulator.reset()
        self.addCleanup(self.emulator.clear_faults)

    @classmethod
    def _load_french(cls, modules=("ediflex_chorus",)):
        """French activated, with the translations of these modules (or of every installed one: None)."""
        cls.env["res.lang"]._activate_lang("fr_FR")
        domain = [("state", "=", "installed")] if modules is None else [("name", "in", list(modules))]
        cls.env["ir.module.module"].search(domain)._update_translations(["fr_FR"])

    @classmethod
    def _configure_company(cls, company, emulator):
        credentials = emulator.credentials
        company.write({
            "chorus_enabled": True,
            "chorus_siret": cls.seed.contractor.siret,
            "chorus_structure_id": cls.seed.contractor.id,
            "chorus_environment": "qualification",
            "chorus_login": credentials["login"],
            "chorus_password": credentials["password"],
            "chorus_client_id": credentials["client_id"],
            "chorus_client_secret": credentials["client_secret"],
            "chorus_api_url": emulator.url,
            "chorus_token_url": emulator.token_url,
        })

    @classmethod
    def _public_body(cls, structure, **extra):
        return cls.env["res.partner"].create(dict({
            "name": structure.name,
            "is_company": True,
            "chorus_siret": structure.siret,
            "chorus_structure_id": structure.id,
        }, **extra))

    def _situation(self, user=None, **values):
        vals = {
            "contract_number": "MARCHE-2026-001",
            "commitment_number": "EJ-0001",
            "owner_id": self.owner.id,
            "manager_id": self.manager.id,
            "number": 1,
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "date": "2026-11-02",
            "line_ids": [
                (0, 0, {"code": "1.1", "name": "Earthworks", "contract_amount": 10000.0, "progress_percent": 40.0}),
                (0, 0, {"code": "1.2", "name": "Foundations", "contract_amount": 25000.0, "progress_percent": 10.0,
                        "vat_rate": 10.0}),
            ],
        }
        vals.update(values)
        situation = self.env["ediflex.situation"].with_user(user or self.user).create(vals)
        return situation

    def _deposits(self, situation):
        """The deposits of a situation, as the administrator sees them."""
        return situation.with_env(self.env).deposit_ids

    def _send(self):
        self.connector._cron_send_deposits()

    def _calls(self, path):
        return self.emulator.request_counts.get(path, 0)

    def _submissions(self):
        return self._calls(SUBMIT_PATH)

    def _uploads(self):
        return self._calls(UPLOAD_PATH)

    def _presented(self, **values):
        situation = self._situation(**values)
        situation.action_present()
        return self._deposits(situation)

    def _emulator_piece(self, piece_number):
        return [p for p in self.emulator.pieces if p.get("numeroFacture") == piece_number]
