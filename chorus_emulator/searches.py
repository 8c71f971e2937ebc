"""Handlers of the supplier's searches and of the status history of a piece."""

import datetime

from .common import paginate
from .facts import WORKS_NO_RESULT
from .replies import TRA_SUCCESS_LABEL, Reply, business_error, success

# request field of factures/v1/rechercher/fournisseur (official Swagger) -> piece field, compared for equality
EQUAL_FILTERS = {
    "numeroFacture": "numeroFacture", "numeroFluxDepot": "numeroFluxDepot", "idFournisseur": "idFournisseur",
    "cadreFacturation": "frame", "typeFacture": "typeFacture", "numeroMarche": "numeroMarche",
    "numeroBonCommande": "numeroBonCommande",
}
# request field -> (piece field, the piece value must be >= (True) or <= (False) the request value); the
# periods of dates compare on the day (the emulator keeps dates of deposit and of invoice without a time).
RANGE_FILTERS = {
    "periodeDateDepotDu": ("dateDepot", True), "periodeDateDepotAu": ("dateDepot", False),
    "periodeDateFactureDu": ("dateFacture", True), "periodeDateFactureAu": ("dateFacture", False),
}
AMOUNT_FILTERS = {
    "montantHTMin": ("montantHT", True), "montantHTMax": ("montantHT", False),
    "montantTTCMin": ("montantTTC", True), "montantTTCMax": ("montantTTC", False),
    "montantApayerMin": ("montantAPayer", True), "montantApayerMax": ("montantAPayer", False),
}
STATUS_PERIOD = ("periodeDateHeureEtatCourantDu", "periodeDateHeureEtatCourantAu")
WORKS_PAYMENT_REQUEST_TYPE = "FACTURE_TRAVAUX"  # typeDemandePaiement of a works piece (notes, section 5)


def _service_id(api, piece):
    """idServiceExecutant of a piece: the id of its executing service in the recipient structure, or None."""
    recipient = api.state.seed.by_id(piece["idDestinataire"])
    code = piece.get("codeServiceExecutant")
    service = recipient.service(code) if recipient is not None and code else None
    return service.id if service is not None else None


def _in_period(piece, start, end):
    """Whether the piece's current status changed between start and end (aware datetimes, bounds included)."""
    changed = datetime.datetime.fromisoformat(piece["dateHeureEtatCourant"])
    return not ((start and changed < start) or (end and changed > end))


def _matches(api, piece, body, start, end):
    for name, key in EQUAL_FILTERS.items():
        if body.get(name) not in (None, "") and piece.get(key) != body[name]:
            return False
    for name, (key, at_least) in RANGE_FILTERS.items():
        bound = (body.get(name) or "")[:10]
        if bound and (piece[key] < bound if at_least else piece[key] > bound):
            return False
    for name, (key, at_least) in AMOUNT_FILTERS.items():
        bound = body.get(name)
        if bound is not None and (piece[key] < bound if at_least else piece[key] > bound):
            return False
    recipients = body.get("listeDestinataire") or []
    if recipients and not any(_recipient_matches(api, piece, criterion) for criterion in recipients):
        return False
    statuses = body.get("statutCourant")
    return _in_period(piece, start, end) and (not statuses or piece["statut"] in statuses)


def _recipient_matches(api, piece, criterion):
    """One CritereDestinatairePojo of listeDestinataire: the recipient, and one of its services when listed."""
    if criterion.get("idDestinataire") not in (None, piece["idDestinataire"]):
        return False
    services = criterion.get("listeIdServiceExecutant") or []
    return not services or _service_id(api, piece) in services


def _summary(api, piece):
    """One item of listeFactures, in the official Swagger's RetourRechercherFactureParFournisseur."""
    item = {
        "identifiantFactureCPP": piece["id"], "numeroFacture": piece["numeroFacture"],
        "dateFacture": piece["dateFacture"], "dateDepot": piece["dateDepot"], "statut": piece["statut"],
        "typeFacture": piece["typeFacture"], "idDestinataire": piece["idDestinataire"],
        "codeDestinataire": piece["codeDestinataire"], "designationDestinataire": piece["designationDestinataire"],
        "codeServiceExecutant": piece["codeServiceExecutant"], "montantHT": piece["montantHT"],
        "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"], "devise": piece["devise"],
        "numeroMarche": piece["numeroMarche"], "numeroBonCommande": piece["numeroBonCommande"],
        "dateHeureEtatCourant": piece["dateHeureEtatCourant"],
    }
    service_id = _service_id(api, piece)
    if service_id is not None:
        item["idServiceExecutant"] = service_id
    if piece.get("numeroFluxDepot"):
        item["numeroFluxDepot"] = piece["numeroFluxDepot"]
    if piece["kind"] == "works":
        item["typeDemandePaiement"] = WORKS_PAYMENT_REQUEST_TYPE
    return item


def search_supplier(api, body):
    """factures/v1/rechercher/fournisseur: the supplier's pieces of every frame (invoices and works pieces, the
    notes' section 5), filtered and paginated by rechercheFactureParFournisseur.
    """
    start, end = (_moment(body.get(name), name) for name in STATUS_PERIOD)
    found = [piece for piece in api.state.pieces(payload=False) if _matches(api, piece, body, start, end)]
    page, retour = paginate(found, body.get("rechercheFactureParFournisseur"), api.max_page_size)
    return success(TRA_SUCCESS_LABEL, listeFactures=[_summary(api, piece) for piece in page],
                   parametresRetour=retour)


def search_works(api, body):
    """facturesTravaux/v1/rechercher, in the shape of the shared notes (section 5): no filter by number.

    The pieces of the structure whose current status changed in the period (aware date-times, bounds included),
    of the recipient idDestinataire and of its service idServiceExecutant when given, paginated by
    ``rechercheFactureTravaux``; "no result" is HTTP 200 with codeRetour 20007. The seed's account is a supplier's:
    roleUtilisateur MOE or MOA finds nothing. flagTelecharge is taken and ignored (the emulator downloads nothing).
    """
    start, end = (_moment(body.get(name), name) for name in STATUS_PERIOD)
    found = [piece for piece in api.state.pieces("works", payload=False) if _works_match(api, piece, body, start, end)]
    page, retour = paginate(found, body.get("rechercheFactureTravaux"), api.max_page_size)
    if not found:
        code, label = WORKS_NO_RESULT
        return Reply(200, {"codeRetour": code, "libelle": label, "listeFacturesTravaux": []})
    items = [_works_summary(piece, api.ids_as_strings) for piece in page]
    return success(TRA_SUCCESS_LABEL, parametresRetour=retour, listeFacturesTravaux=items)


def _moment(value, name):
    """An aware datetime from an ISO 8601 request field (None when absent); a date-time without offset is refused."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise business_error("invalid", f"{name}: {value!r} is not a date-time") from None
    if moment.tzinfo is None:
        raise business_error("invalid", f"{name}: {value!r} has no UTC offset (e.g. 2026-11-28T07:00:00.000+00:00)")
    return moment


def _works_match(api, piece, body, start, end):
    if not _in_period(piece, start, end):
        return False
    if body.get("idDestinataire") is not None and piece["idDestinataire"] != body["idDestinataire"]:
        return False
    if body.get("idServiceExecutant") is not None and _service_id(api, piece) != body["idServiceExecutant"]:
        return False
    return body.get("roleUtilisateur") == "FOURNISSEUR"  # the seed's account is a supplier's


# Fields of a works search item that may come as strings (the notes): ids and amounts.
STRING_FIELDS = ("idFactureTravaux", "montantHT", "montantTTC", "montantAPayer", "identifiantFournisseur",
                 "idDestinataire")


def _works_summary(piece, as_strings):
    item = {
        "idFactureTravaux": piece["id"], "numeroFactureTravaux": piece["numeroFacture"],
        "statutFactureTravaux": piece["statut"], "typeFactureTravaux": _works_type(piece["frame"]),
        "typeDemandePaiement": WORKS_PAYMENT_REQUEST_TYPE, "dateFactureTravaux": piece["dateFacture"],
        "dateDepot": piece["dateDepot"], "dateHeureEtatCourant": piece["dateHeureEtatCourant"],
        "montantHT": piece["montantHT"], "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"],
        "identifiantFournisseur": piece["idFournisseur"], "identifiantDestinataire": piece["codeDestinataire"],
        "idDestinataire": piece["idDestinataire"],
    }
    if as_strings:  # the notes: ids and amounts may come as strings
        for key in STRING_FIELDS:
            item[key] = str(item[key])
    return item


_WORKS_TYPES = {"A4": "PROJET_DECOMPTE_MENSUEL", "A5": "ETAT_ACOMPTE", "A6": "ETAT_ACOMPTE_VALIDE",
                "A7": "PROJET_DECOMPTE_FINAL", "A8": "DECOMPTE_GENERAL_DEFINITIF", "A10": "PROJET_DECOMPTE_MENSUEL",
                "A13": "PROJET_DECOMPTE_MENSUEL"}


def _works_type(frame):
    return _WORKS_TYPES.get(frame.split("_", 1)[0], "")


# paramRechercheHistoStatuts of consulter/historique (official Swagger) -> the paging keys of common.paginate
HISTORY_PAGING = {"pageResultatDemandeeListeHistoStatut": "pageResultatDemandee",
                  "nbResultatsParPageListeHistoStatut": "nbResultatsParPage", "triSensListeHistoStatut": "triSens"}


def history(api, body):
    """factures/v1/consulter/historique: current status and status history of an invoice or works piece.

    The statuses in the order they were reached (triSensListeHistoStatut Descendant: newest first), paginated by
    paramRechercheHistoStatuts, in the official Swagger's WsRetourConsulterHistoriqueFacture.
    """
    piece = api.state.piece(body["idFacture"])
    if piece is None:
        raise business_error("unknown_piece", f"idFacture: no piece {body['idFacture']}")
    entries = [
        {"histoStatutId": index + 1, "histoStatutCode": entry["code"], "histoStatutDatePassage": entry["date"],
         "histoStatutCommentaire": entry["comment"]}
        for index, entry in enumerate(piece["history"])
    ]
    params = body.get("paramRechercheHistoStatuts") or {}
    page, retour = paginate(entries, {key: params.get(name) for name, key in HISTORY_PAGING.items()},
                            api.max_page_size)
    statuses = {"histoStatut": page, **{f"{name}HistoStatut": retour[key] for name, key in (
        ("pageCourante", "pageCourante"), ("pages", "pages"), ("nbResultatsParPage", "nbResultatsParPage"),
        ("total", "total"))}}
    answer = {"idFacture": piece["id"], "numeroFacture": piece["numeroFacture"], "statutCourantCode": piece["statut"],
              "historiquesDesStatuts": statuses}
    mode = (piece.get("payload") or {}).get("modeDepot")
    if mode:
        answer["modeDepot"] = mode
    return success(TRA_SUCCESS_LABEL, **answer)
