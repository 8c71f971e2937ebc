from odoo.exceptions import UserError

from ..chorus import states
from .common import ChorusCase

ALL = [state for state, _label in states.SELECTION]


class TestDepositStates(ChorusCase):
    """The one door to a deposit's state: every transition outside the table raises and changes nothing."""

    def setUp(self):
        super().setUp()
        situation = self._situation()
        self.deposit = self.env["ediflex.chorus.deposit"].sudo().create({
            "situation_id": situation.id, "company_id": self.company.id, "frame": "A4",
            "piece_number": "SIT-STATES-A4", "payload": "{}",
        })

    def _in(self, state):
        # The test puts the deposit in the starting state by a plain write: the door is what is under test.
        self.deposit.write({"state": state})
        return self.deposit

    def test_each_forbidden_transition_raises(self):
        forbidden = [(old, new) for old in ALL for new in ALL if old != new and new not in states.TRANSITIONS[old]]
        self.assertGreater(len(forbidden), 40)
        for old, new in forbidden:
            with self.subTest(old=old, new=new):
                deposit = self._in(old)
                with self.assertRaises(UserError):
                    deposit._set_state(new, {"error_code": "CHANGED"})
                self.assertEqual((deposit.state, deposit.error_code), (old, False))

    def test_each_allowed_transition_is_written_and_logged(self):
        for old, targets in states.TRANSITIONS.items():
            for new in sorted(targets):
                with self.subTest(old=old, new=new):
                    deposit = self._in(old)
                    with self.assertLogs("odoo.addons.ediflex_chorus.models.ediflex_chorus_deposit", "DEBUG") as logs:
                        deposit._set_state(new)
                    self.assertEqual(deposit.state, new)
                    self.assertIn(f"{old} -> {new}", logs.output[0])

    def test_to_handle_is_the_named_set(self):
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        for state in ALL:
            with self.subTest(state=state):
                deposit = self._in(state)
                self.assertEqual(deposit.to_handle, state in states.TO_HANDLE_STATES)
                self.assertEqual(deposit in Deposit.search([("to_handle", "=", True)]), deposit.to_handle)
                self.assertEqual(deposit in Deposit.search([("to_handle", "!=", True)]), not deposit.to_handle)
                self.assertEqual(deposit.situation_id.deposit_problem, deposit.to_handle)
