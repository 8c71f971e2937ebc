"""Handlers of the Transverses API (/cpro/transverses/v1/...): health-check, ajouter/fichier, consulterCRDetaille."""

from ..files import check_name, check_pdf, decode_file, file_record
from ..replies import TRA_SUCCESS_LABEL, business_error, success


def health(api, body):
    """health-check: the API answers."""
    return success(TRA_SUCCESS_LABEL, statut="OK")


def upload(api, body):
    """ajouter/fichier: store an attachment, answer its pieceJointeId."""
    name = body["pieceJointeNom"]
    extension = check_name(name, "pieceJointeNom")
    if body["pieceJointeExtension"].lower().lstrip(".") != extension:
        raise business_error("file_rejected", "pieceJointeExtension: does not match the extension of pieceJointeNom")
    content = decode_file(body["pieceJointeFichier"], "pieceJointeFichier")
    if extension == "pdf":
        check_pdf(content, "pieceJointeFichier")
    file_id = api.state.add_file(file_record(name, content, body["pieceJointeTypeMime"], "ajouter/fichier"))
    api.state.keep_content("file", file_id, content)
    return success(TRA_SUCCESS_LABEL, pieceJointeId=file_id)


def flow_report(api, body):
    """consulterCRDetaille: the processing report of a deposited flow."""
    flow = api.state.flow(body["numeroFluxDepot"])
    if flow is None:
        raise business_error("unknown_flow", f"numeroFluxDepot: no flow {body['numeroFluxDepot']!r}")
    return success(TRA_SUCCESS_LABEL, numeroFluxDepot=flow["numeroFluxDepot"], dateDepot=flow["dateDepot"],
                   syntaxeFlux=flow["syntaxeFlux"], etatCourantDepotFlux=flow["etatCourantDepotFlux"],
                   listeErreurDP=flow["listeErreurDP"], listeErreurTechnique=flow["listeErreurTechnique"])
