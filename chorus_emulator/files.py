"""Handlers of files and flows: ajouter/fichier, deposer/pdf, deposer/flux, consulterCRDetaille, health-check."""

import base64
import binascii
import hashlib

from . import flows
from .config import ALLOWED_EXTENSIONS
from .facts import FLOW_INTEGRATED, FLOW_SYNTAX_FACTURX, MAX_FILE_BYTES, MAX_FLOW_NAME_LENGTH, MAX_NAME_LENGTH
from .replies import TRA_SUCCESS_LABEL, business_error, success


def decode_file(encoded, field):
    """The bytes of a base64 file field; empty, too large or undecodable files are refused."""
    try:
        content = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise business_error("file_rejected", f"{field}: not valid base64") from None
    if not content:
        raise business_error("file_rejected", f"{field}: the file is empty")
    if len(content) >= MAX_FILE_BYTES:
        raise business_error("file_rejected", f"{field}: the file is {len(content)} bytes; it must be smaller than "
                             f"{MAX_FILE_BYTES} bytes")
    return content


def check_name(name, field, max_length=MAX_NAME_LENGTH):
    """Refuse a file name over max_length characters or without an allowed extension; returns the extension."""
    if len(name) > max_length:
        raise business_error("file_rejected", f"{field}: {len(name)} characters; at most {max_length} allowed")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension:
        raise business_error("file_rejected", f"{field}: the file name needs an extension")
    if extension.lower() not in ALLOWED_EXTENSIONS:
        raise business_error("file_rejected", f"{field}: extension {extension!r} is not accepted")
    return extension.lower()


def check_pdf(content, field):
    """Refuse a file that is not a PDF (no %PDF- header)."""
    if not content.startswith(b"%PDF-"):
        raise business_error("file_rejected", f"{field}: the file is not a PDF")


def file_record(name, content, mime_type, source):
    """The stored description of a received file: name, size, SHA-256, MIME type and the operation it came by."""
    return {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "mimeType": mime_type, "source": source}


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
    return success(TRA_SUCCESS_LABEL, pieceJointeId=file_id)


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
    return success(numeroFluxDepot=flow["numeroFluxDepot"], dateDepot=flow["dateDepot"],
                   syntaxeFlux=flow["syntaxeFlux"])


def flow_report(api, body):
    """consulterCRDetaille: the processing report of a deposited flow."""
    flow = api.state.flow(body["numeroFluxDepot"])
    if flow is None:
        raise business_error("unknown_flow", f"numeroFluxDepot: no flow {body['numeroFluxDepot']!r}")
    return success(TRA_SUCCESS_LABEL, numeroFluxDepot=flow["numeroFluxDepot"], dateDepot=flow["dateDepot"],
                   syntaxeFlux=flow["syntaxeFlux"], etatCourantDepotFlux=flow["etatCourantDepotFlux"],
                   listeErreurDP=flow["listeErreurDP"], listeErreurTechnique=flow["listeErreurTechnique"])


def health(api, body):
    """health-check: the API answers."""
    return success(TRA_SUCCESS_LABEL, statut="OK")
