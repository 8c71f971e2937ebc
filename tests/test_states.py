"""The deposit states' table: every state has one label and a row, the named sets hold known states only."""

from chorus import states

ALL = [state for state, _label in states.SELECTION]


def test_one_label_per_state_and_one_row_each():
    labels = [label for _state, label in states.SELECTION]
    assert len(set(ALL)) == len(ALL) == 9 and len(set(labels)) == len(labels)
    assert set(states.TRANSITIONS) == set(ALL)
    assert all(targets <= set(ALL) and state not in targets for state, targets in states.TRANSITIONS.items())


def test_named_sets_hold_known_states():
    for named in (states.TO_SEND_STATES, states.OPEN_STATES, states.TO_HANDLE_STATES, states.PENDING_STATES,
                  states.RETRYABLE_STATES):
        assert set(named) <= set(ALL)


def test_allowed_follows_the_table():
    for old in ALL:
        assert states.allowed(old, old)
        for new in ALL:
            assert states.allowed(old, new) is (old == new or new in states.TRANSITIONS[old])
    assert not states.allowed(states.DONE, states.TO_SEND) and not states.allowed(states.CANCELLED, states.SENT)


def test_what_a_status_means():
    assert states.of_status(None) == states.SENT
    assert states.of_status("PRISE_EN_COMPTE_MOE") == states.RECEIVED
    assert states.of_status("REFUSEE_MOA") == states.REFUSED
    assert states.of_status("MISE_EN_PAIEMENT") == states.DONE
