"""A works piece's life on Chorus Pro: its deposit date, its statuses with Chorus Pro's dates, the reasons given.

Pure module: Chorus Pro's keys are read here only (the Odoo models get typed values). Dates are Chorus Pro's,
never the local clock's. Where Chorus Pro's key is uncertain, each candidate is a constant tried in order.
"""

import datetime
from dataclasses import dataclass

from .payment import Suspension

# UNCERTAIN: the works search rows carry "dateDepot" (Pastell's fixtures, notes section 5); the legacy works
# services answered "dateDepotFactureTravaux" (notes section 6). Each is tried, in this order.
DEPOSIT_DATE_KEYS = ("dateDepot", "dateDepotFactureTravaux")
# factures/v1/consulter/historique (official Swagger): historiquesDesStatuts.histoStatut[] entries.
HISTORY_LIST = ("historiquesDesStatuts", "histoStatut")
HISTORY_CODE = "histoStatutCode"
HISTORY_DATE = "histoStatutDatePassage"
HISTORY_COMMENT = "histoStatutCommentaire"
# The statuses that interrupt the payment period (the buyer asks for documents), and the one that says the
# piece was completed (the period restarts). UNCERTAIN: which works statuses Chorus Pro uses for an interruption.
SUSPENSION_STATUSES = frozenset({"SUSPENDUE", "A_COMPLETER"})
COMPLETED_STATUSES = frozenset({"COMPLETEE"})
# The status whose date ends late-payment interest: "mise en paiement" (CCP L2192-13).
PAYMENT_STATUS = "MISE_EN_PAIEMENT"
# Statuses whose comment is the reason a person must read (a refusal, a request to complete).
REASON_STATUSES = frozenset({
    "REFUSEE_MOE", "REFUSEE_MOA", "ERREUR_DE_MOE", "ERREUR_DE_MOA", "A_RECYCLER", "REJETEE", "SUSPENDUE",
    "A_COMPLETER",
})


@dataclass(frozen=True)
class StatusEntry:
    """One status a piece went through, with Chorus Pro's date (naive UTC, None when not given) and comment."""

    code: str
    at: datetime.datetime = None
    comment: str = ""


def parse_moment(text):
    """A naive UTC datetime from Chorus Pro's date or date-time text, or None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def deposit_date(item, keys=DEPOSIT_DATE_KEYS):
    """The deposit date Chorus Pro gives in a piece's answer (the first candidate key present), or None.

    A date-time with an offset is read on Chorus Pro's own calendar day (Paris), not converted to UTC first.
    """
    if not isinstance(item, dict):
        return None
    for key in keys:
        text = item.get(key)
        if isinstance(text, str) and text:
            try:
                return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            except ValueError:
                continue
    return None


def parse_history(answer):
    """The StatusEntry list of a consulter/historique answer, oldest first (entries without a date keep their place
    after the dated ones they follow)."""
    node = answer if isinstance(answer, dict) else {}
    for key in HISTORY_LIST:
        node = node.get(key) if isinstance(node, dict) else None
    entries = [
        StatusEntry(item[HISTORY_CODE], parse_moment(item.get(HISTORY_DATE)), item.get(HISTORY_COMMENT) or "")
        for item in node or () if isinstance(item, dict) and item.get(HISTORY_CODE)
    ]
    if all(entry.at for entry in entries):
        entries.sort(key=lambda entry: entry.at)
    return entries


def latest_reason(entries):
    """The comment of the latest refusal or request to complete that has one, or ""."""
    for entry in reversed(list(entries)):
        if entry.code in REASON_STATUSES and entry.comment:
            return entry.comment
    return ""


def suspension(entries):
    """The first interruption of the period in these entries (oldest first) as a payment.Suspension, or None.

    The law counts one interruption only (CCP R2192-27): later ones are ignored. It ends with the first later
    status that is not an interruption: the piece completed, or moved on.
    """
    start = None
    for entry in entries:
        if entry.at is None:
            continue
        if start is None and entry.code in SUSPENSION_STATUSES:
            start = entry.at.date()
        elif start is not None and entry.code not in SUSPENSION_STATUSES:
            return Suspension(start, entry.at.date())
    return Suspension(start) if start else None


def payment_date(entries):
    """The day Chorus Pro says the payment was made (mise en paiement), or None."""
    for entry in entries:
        if entry.code == PAYMENT_STATUS and entry.at:
            return entry.at.date()
    return None
