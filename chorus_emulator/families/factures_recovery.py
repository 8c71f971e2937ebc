"""Handlers of the Factures API (/cpro/factures/v1/...), continued: the récupération's operations (issue 21).

telecharger/groupe (a piece's copy), consulter/fournisseur (its details, amounts and linked pieces),
rechercher/atraiter/fournisseur (what waits for the supplier), completer (SUSPENDUE) and recycler (A_RECYCLER). Every
request and answer is checked against the official Factures Swagger by api.Api, like the other Factures routes.
"""

import base64
import io
import zipfile

from ..common import paginate
from ..deposits import recipient_rule_problems
from ..facts import DOWNLOAD_FORMATS
from ..replies import TRA_SUCCESS_LABEL, business_error, success
from ..state import now_iso

TRUE_TEXTS = ("true", "oui", "1")  # avecPiecesJointesComplementaires is a string in the Swagger (UNCERTAIN values)


def _supplier_piece(api, piece_id, field="identifiantFactureCPP"):
    """A piece the seed's contractor may consult: its own, or one produced from it when set visible that way."""
    piece = api.state.piece(piece_id) if isinstance(piece_id, int) else None
    visible = piece is not None and piece["idFournisseur"] == api.state.seed.contractor.id and (
        piece["kind"] != "produced" or api.produced_pieces_by is not None)
    if not visible:
        raise business_error("unknown_piece", f"{field}: no piece {piece_id} visible to this supplier")
    return piece


def download(api, body):
    """telecharger/groupe: the pieces asked, as Chorus Pro holds them, in fichierResultat (base64).

    Asked as PDF for one piece, the file is the piece's PDF or a ZIP holding it (setting download_container,
    UNCERTAIN); asked as ZIP, or for several pieces, always a ZIP. The emulator keeps no XML of a piece.
    """
    fmt = body.get("format")
    if fmt not in DOWNLOAD_FORMATS:
        raise business_error("invalid", f"format: {fmt!r} is not one of {', '.join(DOWNLOAD_FORMATS)}")
    if fmt == "XML":
        raise business_error("invalid", "format: XML is not available for these pieces")
    ids = [item.get("idFacture") for item in body.get("listeFacture") or []]
    if not ids:
        raise business_error("invalid", "listeFacture: required")
    files = [_piece_files(api, _supplier_piece(api, piece_id, "listeFacture.idFacture"), body) for piece_id in ids]
    if fmt == "PDF" and len(files) == 1 and api.download_container == "pdf":
        content = files[0][0][1]
    else:
        content = _zip([member for members in files for member in members])
    return success(TRA_SUCCESS_LABEL, fichierResultat=base64.b64encode(content).decode("ascii"))


def _piece_files(api, piece, body):
    """(name, bytes) of a piece's main file, then of its complementary attachments when asked."""
    main = api.state.piece_document(piece["id"])
    if main is None:
        raise business_error("unknown_piece", f"listeFacture.idFacture: piece {piece['id']} has no file")
    members = [(f"{piece['numeroFacture']}.pdf", main)]
    if str(body.get("avecPiecesJointesComplementaires") or "").lower() in TRUE_TEXTS:
        for file_id in piece.get("pieceJointeComplementaireIds") or ():
            members.append((f"PJ-{file_id}.pdf", api.state.file_content(file_id)))
    return members


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def consult(api, body):
    """consulter/fournisseur: one piece's details (WsRetourFacturesEmises.facture): status, frame, routing, amounts,
    and its previous / next piece when one was produced from it (and the setting exposes it that way)."""
    piece = _supplier_piece(api, body.get("identifiantFactureCPP"))
    if piece["kind"] == "produced" and api.produced_pieces_by != "next_piece":
        raise business_error("unknown_piece", f"identifiantFactureCPP: no piece {piece['id']} visible to this supplier")
    facture = {
        "identifiantFactureCPP": piece["id"], "numeroFacture": piece["numeroFacture"], "statutFacture": piece["statut"],
        "cadreDeFacturation": {"codeCadreFacturation": piece["frame"]},
        "destinataire": {"idDestinataire": piece["idDestinataire"], "codeDestinataire": piece["codeDestinataire"],
                         "codeServiceExecutant": piece["codeServiceExecutant"]},
        "references": {"dateDepot": piece["history"][0]["date"], "numeroMarche": piece["numeroMarche"],
                       "numeroBonCommande": piece["numeroBonCommande"], "typeFacture": piece["typeFacture"]},
        "montantTotal": {"montantHtTotal": piece["montantHT"], "montantTVA": piece["montantTVA"],
                         "montantTtcTotal": piece["montantTTC"], "montantAPayer": piece["montantAPayer"]},
    }
    following = api.state.piece(piece["pieceSuivante"]) if piece.get("pieceSuivante") else None
    if following is not None and api.produced_pieces_by == "next_piece":
        facture["pieceSuivante"] = {"idPieceSuivante": following["id"],
                                    "numeroPieceSuiante": following["numeroFacture"],  # the Swagger's spelling
                                    "cadreFacturationPieceSuivante": following["frame"]}
    if piece.get("piecePrecedente"):
        facture["piecePrecedente"] = {"idPiecePrecedente": piece["piecePrecedente"]}
    if piece.get("commentaire"):
        facture["commentaire"] = piece["commentaire"]
    return success(TRA_SUCCESS_LABEL, facture=facture)


def to_handle(api, body):
    """rechercher/atraiter/fournisseur: the supplier's pieces whose status lets it act, paginated."""
    if body.get("idStructure") not in (None, api.state.seed.contractor.id):
        raise business_error("unknown_structure", f"idStructure: {body['idStructure']} is not this supplier's")
    found = api.state.to_handle(api.state.seed.contractor.id, hide_rejected=bool(body.get("masquerRejetee")))
    page, retour = paginate(found, body.get("rechercheFactureATraiterParFournisseur"), api.max_page_size)
    return success(TRA_SUCCESS_LABEL, parametresRetour=retour, listeFactures=[_to_handle_item(p) for p in page])


def _to_handle_item(piece):
    return {
        "identifiantFactureCPP": piece["id"], "numeroFacture": piece["numeroFacture"], "statut": piece["statut"],
        "idDestinataire": piece["idDestinataire"], "codeDestinataire": piece["codeDestinataire"],
        "designationDestinataire": piece["designationDestinataire"],
        "codeServiceExecutant": piece["codeServiceExecutant"], "typeFacture": piece["typeFacture"],
        "dateFacture": piece["dateFacture"], "dateDepot": piece["dateDepot"], "montantHT": piece["montantHT"],
        "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"], "devise": piece["devise"],
        "numeroMarche": piece["numeroMarche"], "numeroBonCommande": piece["numeroBonCommande"],
    }


def complete(api, body):
    """completer: a SUSPENDUE piece gets its attachments (uploaded first) and a comment; it becomes COMPLETEE."""
    piece_id = body.get("identifiantFactureCPP")
    _supplier_piece(api, piece_id)
    file_ids = [item.get("pieceJointeComplementaireId") for item in body.get("pieceJointeComplementaire") or []]
    if not file_ids and not body.get("commentaire"):
        raise business_error("invalid", "pieceJointeComplementaire or commentaire: required")
    piece = api.state.complete(piece_id, file_ids, body.get("commentaire"))
    return success(TRA_SUCCESS_LABEL, identifiantFactureCPP=piece["id"], numeroFacture=piece["numeroFacture"],
                   dateTraitement=now_iso())


def recycle(api, body):
    """recycler: an A_RECYCLER piece's routing changed (public body, its service, commitment number)."""
    piece_id = body.get("identifiantFactureCPP")
    old = _supplier_piece(api, piece_id)
    if old["statut"] != "A_RECYCLER":  # checked again, under the state's lock, when recycled
        raise business_error("invalid", f"recycler: the piece is {old['statut']}, not A_RECYCLER")
    siret = (body.get("destinataire") or {}).get("codeDestinataire") or old["codeDestinataire"]
    recipient = api.state.seed.by_siret(siret)
    if recipient is None or not recipient.public:
        raise business_error("unknown_recipient", f"destinataire.codeDestinataire: no public structure {siret!r}")
    code = (body.get("destinataire") or {}).get("codeServiceExecutant", old["codeServiceExecutant"]) or ""
    commitment = (body.get("reference") or {}).get("numeroBonCommande", old["numeroBonCommande"]) or ""
    problems = recipient_rule_problems(recipient, code, commitment, commitment_field="reference.numeroBonCommande")
    if problems:
        raise business_error(*problems[0])
    routing = {"idDestinataire": recipient.id, "codeDestinataire": recipient.siret,
               "designationDestinataire": recipient.name, "codeServiceExecutant": code, "numeroBonCommande": commitment}
    piece = api.state.recycle(piece_id, routing, body.get("commentaire"))
    return success(TRA_SUCCESS_LABEL, identifiantFactureCPP=piece["id"], numeroFacture=piece["numeroFacture"],
                   statutFacture=piece["statut"], dateDepot=piece["history"][0]["date"])
