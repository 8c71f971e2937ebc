"""Handlers of the Factures API (/cpro/factures/v1/...): soumettre, deposer/pdf, deposer/flux, the supplier's
search and the status history of a piece (invoices and works pieces alike).

deposer/pdf: the official answer (WsRetourDeposerPdfFacture) carries the pieceJointeId of the stored file and the
data Chorus Pro reads from the PDF; it declares neither codeRetour nor libelle, so the emulator sends neither (the
notes say every answer carries them: a client must not require them here). The emulator reads nothing from the PDF:
it answers empty texts, zero amounts, the deposit time as dateFacture, and FACTURE / TVA_SUR_DEBIT where the
Swagger requires a value of an enumeration; codeFournisseur is the SIRET of the seed's contractor (the depositor).
"""

from .. import flows
from ..common import in_period, moment, paginate, service_id
from ..deposits import submit
from ..facts import (
    FLOW_INTEGRATED,
    FLOW_SYNTAX_FACTURX,
    MAX_FLOW_NAME_LENGTH,
    STATUS_PERIOD,
    WORKS_PAYMENT_REQUEST_TYPE,
)
from ..files import check_name, check_pdf, decode_file, file_record
from ..replies import TRA_SUCCESS_LABEL, Reply, business_error, success
from ..state import now_iso

PDF_MIME_TYPE = "application/pdf"

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


def submit_invoice(api, body):
    """factures/v1/soumettre: an invoice (frames A1, A2, A9, A12)."""
    piece = submit(api, body, "invoice")
    return success(identifiantFactureCPP=piece["id"], numeroFacture=piece["numeroFacture"],
                   dateDepot=piece["dateDepot"], statutFacture=piece["statut"])


def deposit_pdf(api, body):
    """deposer/pdf: store the PDF (usable as pieceJointePrincipaleId of soumettre), answer its pieceJointeId."""
    name = body["nomFichier"]
    if check_name(name, "nomFichier") != "pdf":
        raise business_error("file_rejected", "nomFichier: the invoice file must be a PDF (.pdf)")
    content = decode_file(body["fichierFacture"], "fichierFacture")
    check_pdf(content, "fichierFacture")
    file_id = api.state.add_file({**file_record(name, content, PDF_MIME_TYPE, "deposer/pdf"),
                                  "formatDepot": body["formatDepot"]})
    api.state.keep_content("file", file_id, content)
    return Reply(200, {
        "pieceJointeId": file_id, "numeroFacture": "", "dateFacture": now_iso(), "codeDestinataire": "",
        "codeServiceExecutant": "", "codeFournisseur": api.state.seed.contractor.siret, "codeDeviseFacture": "",
        "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "numeroBonCommande": "",
        "montantTtcAvantRemiseGlobalTTC": 0.0, "montantAPayer": 0.0, "montantHtTotal": 0.0, "montantTVA": 0.0,
    })


def deposit_flow(api, body):
    """deposer/flux: store a flow, answer its numeroFluxDepot.

    A Factur-X flow (IN_DP_E2_CII_FACTURX) is read and checked at once (see flows.py): the flow is recorded with
    its data, IN_INTEGRE with the piece it made, or IN_REJETE with its errors. A file that is no Factur-X PDF is
    refused outright. Flows of other syntaxes are taken as they come (IN_INTEGRE, no piece).
    """
    name = body["nomFichier"]
    check_name(name, "nomFichier", MAX_FLOW_NAME_LENGTH)
    content = decode_file(body["fichierFlux"], "fichierFlux")
    record = {**file_record(name, content, None, "deposer/flux"), "syntaxeFlux": body["syntaxeFlux"],
              "avecSignature": bool(body.get("avecSignature")), "etatCourantDepotFlux": FLOW_INTEGRATED,
              "listeErreurDP": [], "listeErreurTechnique": [], "data": {}}
    piece = None
    if body["syntaxeFlux"] == FLOW_SYNTAX_FACTURX:
        data, errors, technical, piece = flows.examine(api, content)
        record.update(data=data, listeErreurDP=errors, listeErreurTechnique=technical,
                      etatCourantDepotFlux=flows.flow_state(errors, technical))
    flow = api.state.add_flow(record, piece, flows.duplicate_error(piece) if piece else None)
    api.state.keep_content("flow", flow["numeroFluxDepot"], content)
    return success(numeroFluxDepot=flow["numeroFluxDepot"], dateDepot=flow["dateDepot"],
                   syntaxeFlux=flow["syntaxeFlux"])


def search_supplier(api, body):
    """factures/v1/rechercher/fournisseur: the supplier's pieces of every frame (invoices and works pieces, the
    notes' section 5), filtered and paginated by rechercheFactureParFournisseur.
    """
    start, end = (moment(body.get(name), name) for name in STATUS_PERIOD)
    found = api.state.pieces(payload=False, where=lambda piece: (
        (piece["kind"] != "produced" or api.produced_pieces_by == "supplier_search")
        and _matches(api, piece, body, start, end)))
    page, retour = paginate(found, body.get("rechercheFactureParFournisseur"), api.max_page_size)
    return success(TRA_SUCCESS_LABEL, listeFactures=[_summary(api, piece) for piece in page],
                   parametresRetour=retour)


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
    return in_period(piece, start, end) and (not statuses or piece["statut"] in statuses)


def _recipient_matches(api, piece, criterion):
    """One CritereDestinatairePojo of listeDestinataire: the recipient, and one of its services when listed."""
    if criterion.get("idDestinataire") not in (None, piece["idDestinataire"]):
        return False
    services = criterion.get("listeIdServiceExecutant") or []
    return not services or service_id(api, piece) in services


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
    piece_service = service_id(api, piece)
    if piece_service is not None:
        item["idServiceExecutant"] = piece_service
    for key in ("numeroFluxDepot", "numeroFactureOrigine"):
        if piece.get(key):
            item[key] = piece[key]
    if piece["kind"] == "works":
        item["typeDemandePaiement"] = WORKS_PAYMENT_REQUEST_TYPE
    return item


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
