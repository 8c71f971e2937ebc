"""Helpers shared by the route handlers: reading fields, paginating lists, the period of a search."""

import datetime
import math

from .facts import PAGE_SIZE
from .replies import business_error


def field(body, dotted):
    """The value at a dotted path of nested dicts ("destinataire.codeDestinataire"), or None."""
    value = body
    for name in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def text(body, dotted):
    """A field as a stripped string ('' when absent)."""
    value = field(body, dotted)
    return str(value).strip() if value is not None else ""


def require(body, *dotted):
    """Raise a 400 business error naming the first absent or empty field."""
    for name in dotted:
        if field(body, name) in (None, "", [], {}):
            raise business_error("invalid", f"{name}: required")


def paginate(items, params, max_page_size):
    """The requested page of items and the ``parametresRetour`` answer.

    params is a ``parametresRecherche``-like dict: pageResultatDemandee (from 1), nbResultatsParPage
    (capped at max_page_size).
    """
    params = params or {}
    page = _or_default(params.get("pageResultatDemandee"), 1)
    size = _or_default(params.get("nbResultatsParPage"), PAGE_SIZE)
    if page < 1 or size < 1:
        raise business_error("invalid", "pageResultatDemandee and nbResultatsParPage must be at least 1")
    size = min(size, max_page_size)
    if params.get("triSens") == "Descendant":
        items = list(reversed(items))
    pages = max(1, math.ceil(len(items) / size))
    chunk = items[(page - 1) * size:page * size]
    return chunk, {"pageCourante": page, "pages": pages, "nbResultatsParPage": size, "total": len(items)}


def _or_default(value, default):
    return default if value is None else value


def service_id(api, piece):
    """idServiceExecutant of a piece: the id of its executing service in the recipient structure, or None."""
    recipient = api.state.seed.by_id(piece["idDestinataire"])
    code = piece.get("codeServiceExecutant")
    service = recipient.service(code) if recipient is not None and code else None
    return service.id if service is not None else None


def in_period(piece, start, end):
    """Whether the piece's current status changed between start and end (aware datetimes, bounds included)."""
    changed = datetime.datetime.fromisoformat(piece["dateHeureEtatCourant"])
    return not ((start and changed < start) or (end and changed > end))


def moment(value, name):
    """An aware datetime from an ISO 8601 request field (None when absent); a date-time without offset is refused."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise business_error("invalid", f"{name}: {value!r} is not a date-time") from None
    if parsed.tzinfo is None:
        raise business_error("invalid", f"{name}: {value!r} has no UTC offset (e.g. 2026-11-28T07:00:00.000+00:00)")
    return parsed
