"""Emulator-only settings.

Paths and limits the client shares with the emulator (operations, token path, file and name limits, page size,
works statuses) live in ``chorus.endpoints`` alone: emulator modules import them from there.
"""

from .. import endpoints

# Structures operations of the Swagger that the project does not call; the emulator serves them too.
EXTRA_OPERATIONS = {
    "structures_service_consult": "/cpro/structures/v1/consulter/service",
    "structures_spaces": "/cpro/structures/v1/rechercher/espaces",
    "structures_user_links": "/cpro/structures/v1/lister/rattachementsutilisateur",
}
# Operation name -> path of every operation the emulator serves: the client's table and the extras above.
SERVED_OPERATIONS = {**endpoints.OPERATIONS, **EXTRA_OPERATIONS}

API_FAMILIES = ("factures", "facturesTravaux", "structures", "transverses", "utilisateurs")
DEFAULT_SUBSCRIBED = ("factures", "facturesTravaux", "structures", "transverses")
MAX_PAGE_SIZE = 100  # larger nbResultatsParPage are capped, so that clients must read every page
MAX_BODY_BYTES = 200 * 1024 * 1024
CONTROL_PREFIX = "/_emulator/"
INVOICE_FIRST_STATUS = "DEPOSEE"
FLOW_SYNTAXES = (
    "IN_DP_E1_UBL_INVOICE", "IN_DP_E1_CII_16B", "IN_DP_E1_XCBL", "IN_DP_E1_PES_FACTURE", "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MINIMUM_16B", "IN_DP_E2_XCBL_MIN", "IN_DP_E2_CPP_FACTURE_MIN", "IN_DP_E2_CII_FACTURX",
    "IN_DP_E3_UBL_INVOICE", "IN_DP_E3_CII", "IN_DP_E3_XCBL", "IN_DP_E3_PES",
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
