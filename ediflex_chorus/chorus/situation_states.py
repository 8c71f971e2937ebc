"""The states of a situation, the transitions allowed between them and the named sets that domains and checks use.

Plain Python, the sibling of ``states`` (a deposit's states): the situation model writes a state only through its
one door (``_set_state``), which asks ``allowed`` here; nothing else in the addons spells a situation's state.
"""

DRAFT = "draft"
PRESENTED = "presented"  # validated by the contractor: its copy (A4, or A7 if final) is deposited
REFUSED = "refused"  # refused by the project owner, with a reason: corrected and presented again
CHORUS_REFUSED = "chorus_refused"  # a piece of it refused on Chorus Pro: corrected, it is a new piece
ACCEPTED = "accepted"  # accepted by the project owner: its accepted copy (A6, or A8 if final) is deposited
CANCELLED = "cancelled"

# One label per state, in the order a situation lives them (the statusbar shows them so): a refusal comes before
# an acceptance.
SELECTION = [
    (DRAFT, "Draft"),
    (PRESENTED, "Presented"),
    (REFUSED, "Refused"),
    (CHORUS_REFUSED, "Refused by Chorus Pro"),
    (ACCEPTED, "Accepted"),
    (CANCELLED, "Cancelled"),
]

# What was presented to the project owner, and deposited on Chorus Pro, no longer changes.
EDITABLE_STATES = (DRAFT, REFUSED)
# A refusal of its piece on Chorus Pro moves a situation in these states to CHORUS_REFUSED.
REFUSABLE_ON_CHORUS_STATES = (PRESENTED, ACCEPTED)
# What the project owner's people see on the portal: a draft is the contractor's own work until it is presented. A
# situation whose piece a reviewer refused on Chorus Pro stays in sight (with the reason) until the contractor
# reopens it to correct it.
PORTAL_STATES = (PRESENTED, REFUSED, CHORUS_REFUSED, ACCEPTED, CANCELLED)
# A situation billed the contractor's work: presented to the project owner, whatever its answer since.
BILLED_STATES = (PRESENTED, REFUSED, CHORUS_REFUSED, ACCEPTED)
# Can be cancelled: anything not accepted (and not cancelled already).
CANCELLABLE_STATES = (DRAFT, PRESENTED, REFUSED, CHORUS_REFUSED)
# Go back to draft to be corrected ("Reset to Draft"); one refused on Chorus Pro has its own button ("Correct").
RESETTABLE_STATES = (REFUSED, CANCELLED)
# Can be deleted: nothing of it was ever presented, or it was cancelled.
DELETABLE_STATES = (DRAFT, CANCELLED)
# The states in which the deposited copy of each kind is still wanted (the sender cancels it otherwise).
PRESENTED_COPY_STATES = (PRESENTED, ACCEPTED)
ACCEPTED_COPY_STATES = (ACCEPTED,)

# Every change of state the addons make, from -> to. Writing the state it already has is no transition.
TRANSITIONS = {
    DRAFT: {PRESENTED, CANCELLED},
    PRESENTED: {ACCEPTED, REFUSED, CHORUS_REFUSED, CANCELLED},
    REFUSED: {PRESENTED, DRAFT, CANCELLED},
    CHORUS_REFUSED: {DRAFT, CANCELLED},
    ACCEPTED: {CHORUS_REFUSED},
    CANCELLED: {DRAFT},
}


def allowed(old, new):
    """Whether a situation may go from the state ``old`` to ``new`` (staying in a state always may)."""
    return old == new or new in TRANSITIONS.get(old, ())
