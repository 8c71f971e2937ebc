"""The states of an action on a piece (compléter, recycler: récupération, issue 21), plain Python like ``states``.

The action model, its cron and the deposit's view of it spell them only through these names; the words mean what
they mean for a deposit (``rejected``: refused by the API, a person decides).
"""

TO_SEND = "to_send"
ERROR = "error"  # a passing failure, retried with growing waits
DONE = "done"
REJECTED = "rejected"

SELECTION = [(TO_SEND, "To Send"), (ERROR, "Error, retried"), (DONE, "Done"), (REJECTED, "Rejected")]

# On its way: what the action cron takes (an error only once its next attempt is due).
PENDING_STATES = (TO_SEND, ERROR)
