"""Handler of factures/v1/deposer/pdf: an invoice PDF uploaded, answered in the official Swagger's shape.

The official answer (WsRetourDeposerPdfFacture) carries the pieceJointeId of the stored file and the data Chorus
Pro reads from the PDF; it declares neither codeRetour nor libelle, so the emulator sends neither (the notes say
every answer carries them: a client must not require them here). The emulator reads nothing from the PDF: it
answers empty texts, zero amounts, the deposit time as dateFacture, and FACTURE / TVA_SUR_DEBIT where the Swagger
requires a value of an enumeration; codeFournisseur is the SIRET of the seed's contractor (the depositor).
"""

from .files import check_name, check_pdf, decode_file, file_record
from .replies import Reply, business_error
from .state import now_iso

PDF_MIME_TYPE = "application/pdf"


def deposit_pdf(api, body):
    """deposer/pdf: store the PDF (usable as pieceJointePrincipaleId of soumettre), answer its pieceJointeId."""
    name = body["nomFichier"]
    if check_name(name, "nomFichier") != "pdf":
        raise business_error("file_rejected", "nomFichier: the invoice file must be a PDF (.pdf)")
    content = decode_file(body["fichierFacture"], "fichierFacture")
    check_pdf(content, "fichierFacture")
    file_id = api.state.add_file({**file_record(name, content, PDF_MIME_TYPE, "deposer/pdf"),
                                  "formatDepot": body["formatDepot"]})
    return Reply(200, {
        "pieceJointeId": file_id, "numeroFacture": "", "dateFacture": now_iso(), "codeDestinataire": "",
        "codeServiceExecutant": "", "codeFournisseur": api.state.seed.contractor.siret, "codeDeviseFacture": "",
        "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "numeroBonCommande": "",
        "montantTtcAvantRemiseGlobalTTC": 0.0, "montantAPayer": 0.0, "montantHtTotal": 0.0, "montantTVA": 0.0,
    })

