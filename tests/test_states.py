"""The deposit and situation states' tables: one label and one row per state, named sets of known states only."""

from chorus import action_states, situation_states, states

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


SITUATION_ALL = [state for state, _label in situation_states.SELECTION]


def test_situation_states_one_label_each_and_one_row_each():
    labels = [label for _state, label in situation_states.SELECTION]
    assert len(set(SITUATION_ALL)) == len(SITUATION_ALL) == 6 and len(set(labels)) == len(labels)
    assert set(situation_states.TRANSITIONS) == set(SITUATION_ALL)
    assert all(targets <= set(SITUATION_ALL) and state not in targets
               for state, targets in situation_states.TRANSITIONS.items())


def test_situation_named_sets_hold_known_states_and_agree_with_the_table():
    named = (situation_states.EDITABLE_STATES, situation_states.REFUSABLE_ON_CHORUS_STATES,
             situation_states.PORTAL_STATES, situation_states.BILLED_STATES, situation_states.CANCELLABLE_STATES,
             situation_states.RESETTABLE_STATES, situation_states.DELETABLE_STATES,
             situation_states.PRESENTED_COPY_STATES, situation_states.ACCEPTED_COPY_STATES)
    assert all(set(states_) <= set(SITUATION_ALL) for states_ in named)
    # What each button starts from is a row of the table that leads where the button goes.
    for starts, target in ((situation_states.EDITABLE_STATES, situation_states.PRESENTED),
                           (situation_states.REFUSABLE_ON_CHORUS_STATES, situation_states.CHORUS_REFUSED),
                           (situation_states.CANCELLABLE_STATES, situation_states.CANCELLED),
                           (situation_states.RESETTABLE_STATES, situation_states.DRAFT)):
        assert all(situation_states.allowed(start, target) for start in starts), (starts, target)
    assert situation_states.DRAFT not in situation_states.PORTAL_STATES


def test_situation_allowed_follows_the_table():
    for old in SITUATION_ALL:
        assert situation_states.allowed(old, old)
        for new in SITUATION_ALL:
            assert situation_states.allowed(old, new) is (old == new or new in situation_states.TRANSITIONS[old])
    assert not situation_states.allowed(situation_states.ACCEPTED, situation_states.CANCELLED)
    assert not situation_states.allowed(situation_states.DRAFT, situation_states.ACCEPTED)


def test_action_states_one_label_each_and_known_pending_states():
    values = [state for state, _label in action_states.SELECTION]
    labels = [label for _state, label in action_states.SELECTION]
    assert len(set(values)) == len(values) == 4 and len(set(labels)) == len(labels)
    assert set(action_states.PENDING_STATES) == {action_states.TO_SEND, action_states.ERROR}
