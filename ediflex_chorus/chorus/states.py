"""The states of a deposit, the transitions allowed between them and the named sets that domains, SQL and views use.

Plain Python: the deposit model writes a state only through its one door (``_set_state``), which asks
``allowed`` here; nothing else in the addon spells a state.
"""

from . import endpoints

TO_SEND = "to_send"
WAITING = "waiting"  # the company's "Enabled" switch is off: held until it is on again
SENT = "sent"
RECEIVED = "received"  # Chorus Pro has the piece and gave it a status: in progress
REFUSED = "refused"  # refused on Chorus Pro (project manager or owner, by the piece's status)
DONE = "done"
REJECTED = "rejected"  # rejected by the API (a business error, a rejected flow): a person decides
ERROR = "error"  # a transient failure, retried automatically until the attempts are over
CANCELLED = "cancelled"

# One label per state, in the order the log shows them.
SELECTION = [
    (TO_SEND, "To Send"),
    (WAITING, "Waiting (Chorus Pro Disabled)"),
    (SENT, "Sent"),
    (RECEIVED, "In Progress on Chorus Pro"),
    (REFUSED, "Refused on Chorus Pro"),
    (DONE, "Done"),
    (REJECTED, "Rejected"),
    (ERROR, "Error"),
    (CANCELLED, "Cancelled Before Sending"),
]

# The sender takes these (and an error only when it is retryable and due).
TO_SEND_STATES = (TO_SEND, ERROR)
# On Chorus Pro and still moving: what the status follow-up reads.
OPEN_STATES = (SENT, RECEIVED)
# A person must look at them: failed for good, rejected, or refused on Chorus Pro.
TO_HANDLE_STATES = (ERROR, REJECTED, REFUSED)
# Not sent yet: what a cancelled, refused or reset situation withdraws.
PENDING_STATES = (TO_SEND, WAITING, ERROR, REJECTED)
# What the Retry button sends again.
RETRYABLE_STATES = (ERROR, REJECTED)

# Every change of state the addon makes, from -> to. Writing the state it already has is no transition.
TRANSITIONS = {
    TO_SEND: {WAITING, SENT, ERROR, REJECTED, CANCELLED},
    WAITING: {TO_SEND, CANCELLED},
    ERROR: {TO_SEND, SENT, REJECTED, CANCELLED},
    REJECTED: {TO_SEND, CANCELLED},
    SENT: {RECEIVED, REFUSED, DONE, REJECTED},
    RECEIVED: {REFUSED, DONE},
    REFUSED: set(),
    DONE: set(),
    CANCELLED: set(),
}


def allowed(old, new):
    """Whether a deposit may go from the state ``old`` to ``new`` (staying in a state always may)."""
    return old == new or new in TRANSITIONS.get(old, ())


def of_status(status):
    """The state that Chorus Pro's status of a piece means: refused, done, in progress, or sent (no status yet)."""
    if status in endpoints.WORKS_REFUSED_STATUSES:
        return REFUSED
    if status in endpoints.WORKS_DONE_STATUSES:
        return DONE
    return RECEIVED if status else SENT
