"""Handlers of the supplier's searches and of the status history of a piece."""

from .common import paginate
from .replies import business_error, success

# request field -> piece field, compared for equality
EQUAL_FILTERS = {
    "numeroFacture": "numeroFacture", "numeroFluxDepot": "numeroFluxDepot", "statutFacture": "statut",
    "codeDestinataire": "codeDestinataire", "idFournisseur": "idFournisseur", "codeCadreFacturation": "frame",
    "typeFacture": "typeFacture",
}
# request field -> (piece field, the piece value must be >= (True) or <= (False) the request value)
RANGE_FILTERS = {
    "dateDepotDebut": ("dateDepot", True), "dateDepotFin": ("dateDepot", False),
    "dateFactureDebut": ("dateFacture", True), "dateFactureFin": ("dateFacture", False),
}


def _matches(piece, body):
    for name, key in EQUAL_FILTERS.items():
        if body.get(name) not in (None, "") and piece.get(key) != body[name]:
            return False
    for name, (key, at_least) in RANGE_FILTERS.items():
        bound = body.get(name)
        if bound and (piece[key] < bound if at_least else piece[key] > bound):
            return False
    statuses = body.get("listeStatutFacture")
    return not statuses or piece["statut"] in statuses


def _summary(piece):
    return {
        "idFacture": piece["id"], "numeroFacture": piece["numeroFacture"], "dateFacture": piece["dateFacture"],
        "dateDepot": piece["dateDepot"], "statut": piece["statut"], "codeCadreFacturation": piece["frame"],
        "typeFacture": piece["typeFacture"], "idFournisseur": piece["idFournisseur"],
        "idDestinataire": piece["idDestinataire"], "codeDestinataire": piece["codeDestinataire"],
        "designationDestinataire": piece["designationDestinataire"], "codeServiceExecutant":
            piece["codeServiceExecutant"], "montantHT": piece["montantHT"], "montantTTC": piece["montantTTC"],
        "montantAPayer": piece["montantAPayer"], "devise": piece["devise"],
    }


def _search(api, body, kind):
    found = [piece for piece in api.state.pieces(kind, payload=False) if _matches(piece, body)]
    page, retour = paginate(found, body.get("parametresRecherche"), api.max_page_size)
    return success(listeFactures=[_summary(piece) for piece in page], parametresRetour=retour)


def search_supplier(api, body):
    """factures/v1/rechercher/fournisseur: the supplier's invoices, paginated."""
    return _search(api, body, "invoice")


def search_works(api, body):
    """facturesTravaux/v1/rechercher: the supplier's works pieces, paginated."""
    return _search(api, body, "works")


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
