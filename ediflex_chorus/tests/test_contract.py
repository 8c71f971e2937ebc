import importlib.util
from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import file_path

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestContract(ChorusCase):
    """The contract (marché): its lots make each situation, "Situation suivante" carries the cumul of the last."""

    def _contract(self, user=None, **values):
        vals = {
            "name": "MARCHE-2026-014",
            "subject": "Réfection de la toiture de l'école",
            "commitment_number": "EJ-0014",
            "owner_id": self.owner.id,
            "manager_id": self.manager.id,
            "retention_rate": 3.0,
            "payment_period_days": 20,
            "lot_ids": [
                (0, 0, {"code": "1.1", "name": "Terrassements", "amount": 10000.0}),
                (0, 0, {"code": "1.2", "name": "Fondations", "amount": 25000.0, "vat_rate": 10.0}),
            ],
        }
        vals.update(values)
        return self.env["ediflex.contract"].with_user(user or self.user).create(vals)

    def _next(self, contract):
        action = contract.action_next_situation()
        return self.env["ediflex.situation"].with_user(contract.env.user).browse(action["res_id"])

    def _progress(self, situation, *percents):
        situation.write({"line_ids": [(1, line.id, {"progress_percent": percent})
                                      for line, percent in zip(situation.line_ids, percents, strict=True)]})

    def test_the_first_situation_takes_the_contract_and_its_lots(self):
        contract = self._contract()
        first = self._next(contract)
        self.assertEqual((first.number, first.contract_id, first.user_id), (1, contract, self.user))
        self.assertEqual(
            (first.contract_number, first.commitment_number, first.owner_id, first.manager_id, first.retention_rate),
            ("MARCHE-2026-014", "EJ-0014", self.owner, self.manager, 3.0))
        self.assertEqual(first.line_ids.mapped("code"), ["1.1", "1.2"])
        self.assertEqual(first.line_ids.mapped("contract_amount"), [10000.0, 25000.0])
        self.assertEqual(first.line_ids.mapped("vat_rate"), [20.0, 10.0])
        self.assertEqual(first.line_ids.mapped("progress_percent"), [0.0, 0.0])
        self.assertEqual(first.period_start.day, 1)
        self.assertEqual((first.period_end + timedelta(days=1)).day, 1)
        self.assertEqual(contract.last_situation_state, "draft")
        self.assertEqual(contract.amount_billed, 0.0, "a draft bills nothing")

    def test_next_situation_carries_the_cumulative_progress(self):
        contract = self._contract()
        first = self._next(contract)
        first.write({"period_start": "2026-10-01", "period_end": "2026-10-31"})
        self._progress(first, 40.0, 10.0)
        first.action_present()
        self.assertEqual((contract.amount_contract, contract.amount_billed, contract.amount_remaining),
                         (35000.0, 6500.0, 28500.0))
        self.assertAlmostEqual(contract.progress_percent, 100 * 6500 / 35000, places=2)
        self.assertEqual(contract.last_situation_state, "presented")
        other_user = new_test_user(self.env, login="site_manager", groups="ediflex_chorus.group_situation_user")
        second = self._next(contract.with_user(other_user))
        self.assertEqual(second.number, 2)
        self.assertEqual((second.period_start, second.period_end), (date(2026, 11, 1), date(2026, 11, 30)))
        self.assertEqual(second.user_id, other_user, "the responsible is the user who prepares it")
        self.assertEqual(second.previous_situation_id, first)
        self.assertEqual(second.line_ids.mapped("progress_percent"), [40.0, 10.0])
        self.assertEqual(second.line_ids.mapped("previous_cumulative_amount"), [4000.0, 2500.0])
        self.assertEqual(second.amount_untaxed, 0.0, "the cumul carried: nothing new billed yet")
        self._progress(second, 60.0, 10.0)
        self.assertEqual(second.amount_untaxed, 2000.0)
        self.assertEqual(contract.last_situation_id, second)

    def test_duplicate_makes_the_next_situation(self):
        contract = self._contract()
        first = self._next(contract)
        first.write({"period_start": "2026-10-01", "period_end": "2026-10-31"})
        self._progress(first, 40.0, 10.0)
        first.action_present()
        approver_copy = first.with_user(self.approver).copy()
        self.assertEqual((approver_copy.number, approver_copy.period_start, approver_copy.period_end),
                         (2, date(2026, 11, 1), date(2026, 11, 30)))
        self.assertEqual(approver_copy.user_id, self.approver)
        self.assertEqual(approver_copy.contract_id, contract)
        self.assertEqual(approver_copy.line_ids.mapped("progress_percent"), [40.0, 10.0])
        self.assertEqual(approver_copy.state, "draft")

    def test_duplicate_without_contract_numbers_the_next(self):
        situation = self._situation()
        duplicate = situation.with_user(self.approver).copy()
        self.assertEqual((duplicate.number, duplicate.period_start, duplicate.period_end, duplicate.user_id),
                         (2, date(2026, 11, 1), date(2026, 11, 30), self.approver))
        self.assertEqual(duplicate.line_ids.mapped("previous_cumulative_amount"), [4000.0, 2500.0])

    def test_a_change_of_the_contract_leaves_its_situations_as_they_are(self):
        contract = self._contract()
        first = self._next(contract)
        first.action_present()
        contract.write({"commitment_number": "EJ-9999", "retention_rate": 5.0})
        self.assertEqual((first.commitment_number, first.retention_rate), ("EJ-0014", 3.0))
        self.assertEqual(self._next(contract).commitment_number, "EJ-9999")

    def test_existing_situations_get_their_contract_by_migration(self):
        first = self._situation(number=1)
        first.action_present()
        second = self._situation(number=2, period_start="2026-11-01", period_end="2026-11-30",
                                 retention_rate=4.0)
        other = self._situation(contract_number="MARCHE-2026-002", commitment_number="EJ-0002")
        self.assertFalse((first | second | other).contract_id)
        spec = importlib.util.spec_from_file_location(
            "post_migrate", file_path("ediflex_chorus/migrations/18.0.1.3.0/post-migrate.py"))
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, "18.0.1.2.0")
        contract = first.contract_id
        self.assertEqual(second.contract_id, contract)
        self.assertEqual((contract.name, contract.commitment_number, contract.retention_rate),
                         ("MARCHE-2026-001", "EJ-0001", 4.0), "made from the latest situation")
        self.assertEqual(contract.lot_ids.mapped("code"), ["1.1", "1.2"])
        self.assertEqual(contract.lot_ids.mapped("amount"), [10000.0, 25000.0])
        self.assertEqual(other.contract_id.name, "MARCHE-2026-002")
        self.assertEqual(first.retention_rate, 5.0, "a presented situation keeps what it was presented with")
        self.assertEqual(self._next(contract).number, 3)

    def test_contracts_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Other Works SA"})
        other_user = new_test_user(self.env, login="other_user", groups="ediflex_chorus.group_situation_user",
                                   company_id=other.id, company_ids=[(6, 0, other.ids)])
        contract = self._contract()
        Contract = self.env["ediflex.contract"].with_user(other_user)
        self.assertFalse(Contract.search([("id", "=", contract.id)]))
        self.assertFalse(self.env["ediflex.contract.lot"].with_user(other_user).search(
            [("id", "in", contract.lot_ids.ids)]))
        with self.assertRaises(AccessError):
            contract.with_user(other_user).read(["name"])

    def test_the_accountant_reads_contracts_and_changes_nothing(self):
        contract = self._contract()
        self.assertEqual(contract.with_user(self.accountant).amount_contract, 35000.0)
        with self.assertRaises(AccessError):
            contract.with_user(self.accountant).write({"subject": "X"})
        with self.assertRaises(AccessError):
            self._contract(user=self.accountant, name="MARCHE-X")

    def test_choosing_the_contract_on_a_new_situation_makes_it_the_next_one(self):
        contract = self._contract()
        first = self._next(contract)
        first.write({"period_start": "2026-10-01", "period_end": "2026-10-31"})
        self._progress(first, 40.0, 10.0)
        form = Form(self.env["ediflex.situation"].with_user(self.user))
        form.contract_id = contract
        self.assertEqual((form.number, form.period_start, form.owner_id, form.retention_rate),
                         (2, date(2026, 11, 1), self.owner, 3.0))
        self.assertEqual(len(form.line_ids), 2)
        second = form.save()
        self.assertEqual(second.line_ids.mapped("progress_percent"), [40.0, 10.0])
        self.assertEqual(second.line_ids.mapped("previous_cumulative_amount"), [4000.0, 2500.0])
