from odoo.exceptions import UserError

from ..chorus import situation_states
from .common import ChorusCase

ALL = [state for state, _label in situation_states.SELECTION]


class TestSituationStates(ChorusCase):
    """The one door to a situation's state: every transition outside the table raises and changes nothing."""

    def setUp(self):
        super().setUp()
        self.situation = self._situation()

    def _in(self, state):
        # The test puts the situation in the starting state by a plain write: the door is what is under test.
        self.situation.write({"state": state, "refusal_reason": False})
        return self.situation

    def test_each_forbidden_transition_raises(self):
        forbidden = [(old, new) for old in ALL for new in ALL
                     if old != new and new not in situation_states.TRANSITIONS[old]]
        self.assertGreater(len(forbidden), 15)
        for old, new in forbidden:
            with self.subTest(old=old, new=new):
                situation = self._in(old)
                with self.assertRaises(UserError):
                    situation._set_state(new, {"refusal_reason": "CHANGED"})
                self.assertEqual((situation.state, situation.refusal_reason), (old, False))

    def test_each_allowed_transition_is_written(self):
        for old, targets in situation_states.TRANSITIONS.items():
            for new in sorted(targets):
                with self.subTest(old=old, new=new):
                    situation = self._in(old)
                    situation._set_state(new, {"refusal_reason": "WRITTEN"})
                    self.assertEqual((situation.state, situation.refusal_reason), (new, "WRITTEN"))
