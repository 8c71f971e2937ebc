"""Helpers shared by the route handlers: reading fields and paginating lists."""

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
