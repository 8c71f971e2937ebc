"""Emulator-only settings (the facts of Chorus Pro itself are in ``facts.py``)."""

from .facts import OPERATIONS

# Operation name -> path of every operation the emulator serves.
SERVED_OPERATIONS = dict(OPERATIONS)

API_FAMILIES = ("factures", "facturesTravaux", "structures", "transverses", "utilisateurs")
DEFAULT_SUBSCRIBED = ("factures", "facturesTravaux", "structures", "transverses")
MAX_PAGE_SIZE = 100  # larger nbResultatsParPage are capped, so that clients must read every page
MAX_BODY_BYTES = 200 * 1024 * 1024
CONTROL_PREFIX = "/_emulator/"
INVOICE_FIRST_STATUS = "DEPOSEE"
# syntaxeFlux of deposer/flux: the official Factures Swagger's, those of its request enum that its answer enum has too
# (the two IN_DP_PDFARCHIVE_* of the request could get no valid answer).
FLOW_SYNTAXES = (
    "IN_DP_E1_UBL_INVOICE", "IN_DP_E1_CII", "IN_DP_E1_PES_FACTURE", "IN_DP_E1_XCBL", "IN_DP_E1_CII_16B",
    "IN_DP_E2_UBL_INVOICE_MIN", "IN_DP_E2_CII_MIN", "IN_DP_E2_PES_FACTURE_MIN", "IN_DP_E2_CPP_FACTURE_MIN",
    "IN_DP_E2_CII_MIN_16B", "IN_DP_E2_CII_FACTURX",
)
ALLOWED_EXTENSIONS = frozenset((
    "bmp", "csv", "doc", "docx", "fax", "gif", "htm", "html", "jpeg", "jpg", "odp", "ods", "odt", "p7s", "pdf", "png",
    "ppt", "pptx", "rtf", "svg", "tif", "tiff", "txt", "xhtml", "xls", "xlsx", "xml", "zip",
))
# Frames a supplier (contractor) may deposit, per API family.
INVOICE_FRAMES = (
    "A1_FACTURE_FOURNISSEUR", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", "A9_FACTURE_SOUSTRAITANT",
    "A12_FACTURE_COTRAITANT",
)
WORKS_FRAMES = (
    "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "A5_ETAT_ACOMPTE_FOURNISSEUR", "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
    "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR", "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
    "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
)
# Under which key the works submission answers the piece id (None: no id at all); UNCERTAIN on Chorus Pro.
DEFAULT_WORKS_SUBMIT_ID_KEY = "identifiantFactureCPP"
