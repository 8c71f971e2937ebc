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
# request field -> (piece field, the piece value must be >= (True) or <= (False) the request value)
RANGE_FILTERS = {
    "periodeDateDepotDu": ("dateDepot", True), "periodeDateDepotAu": ("dateDepot", False),
    "periodeDateFactureDu": ("dateFacture", True), "periodeDateFactureAu": ("dateFacture", False),
}


def _matches(piece, body):
    for name, key in EQUAL_FILTERS.items():
        if body.get(name) not in (None, "") and piece.get(key) != body[name]:
            return False
    for name, (key, at_least) in RANGE_FILTERS.items():
        bound = (body.get(name) or "")[:10]
        if bound and (piece[key] < bound if at_least else piece[key] > bound):
            return False
    statuses = body.get("statutCourant")
    return not statuses or piece["statut"] in statuses


def _summary(piece):
    """One item of listeFactures, in the official Swagger's RetourRechercherFactureParFournisseur."""
    return {
        "identifiantFactureCPP": piece["id"], "numeroFacture": piece["numeroFacture"],
        "dateFacture": piece["dateFacture"], "dateDepot": piece["dateDepot"], "statut": piece["statut"],
        "typeFacture": piece["typeFacture"], "idDestinataire": piece["idDestinataire"],
        "codeDestinataire": piece["codeDestinataire"], "designationDestinataire": piece["designationDestinataire"],
        "codeServiceExecutant": piece["codeServiceExecutant"], "montantHT": piece["montantHT"],
        "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"], "devise": piece["devise"],
        "numeroMarche": piece["numeroMarche"], "numeroBonCommande": piece["numeroBonCommande"],
        "dateHeureEtatCourant": piece["dateHeureEtatCourant"],
    }


def search_supplier(api, body):
    """factures/v1/rechercher/fournisseur: the supplier's invoices, paginated by rechercheFactureParFournisseur."""
    found = [piece for piece in api.state.pieces("invoice", payload=False) if _matches(piece, body)]
    page, retour = paginate(found, body.get("rechercheFactureParFournisseur"), api.max_page_size)
    return success(TRA_SUCCESS_LABEL, listeFactures=[_summary(piece) for piece in page], parametresRetour=retour)


def search_works(api, body):
    """facturesTravaux/v1/rechercher, in the shape of the shared notes (section 5): no filter by number.

    The pieces of the structure whose current status changed in the period (bounds included), paginated by
    ``rechercheFactureTravaux``; "no result" is HTTP 200 with codeRetour 20007.
    """
    start = _moment(body.get("periodeDateHeureEtatCourantDu"), "periodeDateHeureEtatCourantDu")
    end = _moment(body.get("periodeDateHeureEtatCourantAu"), "periodeDateHeureEtatCourantAu")
    found = [piece for piece in api.state.pieces("works", payload=False) if _works_match(piece, body, start, end)]
    page, retour = paginate(found, body.get("rechercheFactureTravaux"), api.max_page_size)
    if not found:
        code, label = WORKS_NO_RESULT
        return Reply(200, {"codeRetour": code, "libelle": label, "listeFacturesTravaux": []})
    items = [_works_summary(piece, api.ids_as_strings) for piece in page]
    return success(TRA_SUCCESS_LABEL, parametresRetour=retour, listeFacturesTravaux=items)


def _moment(value, name):
    """An aware datetime from an ISO 8601 request field (None when absent)."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise business_error("invalid", f"{name}: {value!r} is not a date-time") from None
    return moment if moment.tzinfo else moment.astimezone()


def _works_match(piece, body, start, end):
    changed = datetime.datetime.fromisoformat(piece["dateHeureEtatCourant"])
    if (start and changed < start) or (end and changed > end):
        return False
    if body.get("idDestinataire") not in (None, "") and piece["idDestinataire"] != body["idDestinataire"]:
        return False
    return body.get("roleUtilisateur") == "FOURNISSEUR"  # the seed's account is a supplier's


def _works_summary(piece, as_strings):
    item = {
        "idFactureTravaux": piece["id"], "numeroFactureTravaux": piece["numeroFacture"],
        "statutFactureTravaux": piece["statut"], "typeFactureTravaux": _works_type(piece["frame"]),
        "typeDemandePaiement": "FACTURE_TRAVAUX", "dateFactureTravaux": piece["dateFacture"],
        "dateDepot": piece["dateDepot"], "dateHeureEtatCourant": piece["dateHeureEtatCourant"],
        "montantHT": piece["montantHT"], "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"],
        "identifiantFournisseur": piece["idFournisseur"], "identifiantDestinataire": piece["codeDestinataire"],
        "idDestinataire": piece["idDestinataire"],
    }
    if as_strings:  # the notes: ids and amounts may come as strings
        for key in ("idFactureTravaux", "montantHT", "montantTTC", "montantAPayer", "identifiantFournisseur",
                    "idDestinataire"):
            item[key] = str(item[key])
    return item


_WORKS_TYPES = {"A4": "PROJET_DECOMPTE_MENSUEL", "A5": "ETAT_ACOMPTE", "A6": "ETAT_ACOMPTE_VALIDE",
                "A7": "PROJET_DECOMPTE_FINAL", "A8": "DECOMPTE_GENERAL_DEFINITIF", "A10": "PROJET_DECOMPTE_MENSUEL",
                "A13": "PROJET_DECOMPTE_MENSUEL"}


def _works_type(frame):
    return _WORKS_TYPES.get(frame.split("_", 1)[0], "")


def history(api, body):
    """factures/v1/consulter/historique: current status and status history of an invoice or works piece."""
    piece = api.state.piece(body["idFacture"])
    if piece is None:
        raise business_error("unknown_piece", f"idFacture: no piece {body['idFacture']}")
    entries = [
        {"histoStatutId": index + 1, "histoStatutCode": entry["code"], "histoStatutDatePassage": entry["date"],
         "histoStatutCommentaire": entry["comment"]}
        for index, entry in enumerate(piece["history"])
    ]
    return success(idFacture=piece["id"], numeroFacture=piece["numeroFacture"], statutCourantCode=piece["statut"],
                   historiquesDesStatuts={"histoStatut": entries})
