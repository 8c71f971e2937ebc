"""Constants of the emulator: paths and limits come from ``chorus.endpoints`` (one table) when it defines them.

The defaults below only stand in for names the endpoints module does not (yet) define.
"""

try:
    from .. import endpoints as _endpoints
except ImportError:  # pragma: no cover - the endpoints module is written separately
    _endpoints = None

_DEFAULT_OPERATIONS = {
    "health_check": "/cpro/transverses/v1/health-check",
    "structures_search": "/cpro/structures/v1/rechercher",
    "structures_consult": "/cpro/structures/v1/consulter",
    "structures_services": "/cpro/structures/v1/rechercher/services",
    "file_upload": "/cpro/transverses/v1/ajouter/fichier",
    "invoice_deposit_pdf": "/cpro/factures/v1/deposer/pdf",
    "invoice_submit": "/cpro/factures/v1/soumettre",
    "works_submit": "/cpro/facturesTravaux/v1/soumettre",
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "flow_report": "/cpro/transverses/v1/consulterCRDetaille",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "works_search": "/cpro/facturesTravaux/v1/rechercher",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
}
# Structures operations of the Swagger that the project does not call; the emulator serves them too.
EXTRA_OPERATIONS = {
    "structures_service_consult": "/cpro/structures/v1/consulter/service",
    "structures_spaces": "/cpro/structures/v1/rechercher/espaces",
    "structures_user_links": "/cpro/structures/v1/lister/rattachementsutilisateur",
}
_DEFAULT_WORKS_STATUSES = (
    "MISE_A_DISPOSITION_MOE", "PRISE_EN_COMPTE_MOE", "TRANSMISE_MOA", "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA", "MANDATEE", "MISE_EN_PAIEMENT",
)


def _get(name, default):
    return getattr(_endpoints, name, default)


OPERATIONS = {**_DEFAULT_OPERATIONS, **_get("OPERATIONS", {}), **EXTRA_OPERATIONS}
TOKEN_PATH = _get("TOKEN_PATH", "/api/oauth/token")
MAX_FILE_BYTES = _get("MAX_FILE_BYTES", 10 * 1024 * 1024)
MAX_NAME_LENGTH = _get("MAX_NAME_LENGTH", 50)
MAX_REFERENCE_LENGTH = _get("MAX_REFERENCE_LENGTH", 50)
PAGE_SIZE = _get("PAGE_SIZE", 100)
WORKS_STATUSES = tuple(_get("WORKS_STATUSES", _DEFAULT_WORKS_STATUSES))

# Emulator-only settings.
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
