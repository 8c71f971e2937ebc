"""Every Chorus Pro value that is uncertain or configurable, in one table.

Correct a host, a path or a limit here and nowhere else. Values marked UNCERTAIN could not be
confirmed against an official source (see the shared Chorus Pro notes).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Environment:
    """Hosts of one Chorus Pro environment: the PISTE API gateway and its OAuth2 token URL."""

    api_base: str
    token_url: str


ENVIRONMENTS = {
    "qualification": Environment(
        api_base="https://sandbox-api.piste.gouv.fr",
        token_url="https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
    ),
    "production": Environment(
        api_base="https://api.piste.gouv.fr",
        token_url="https://oauth.piste.gouv.fr/api/oauth/token",
    ),
}

# Operation name -> path below the API base. Every call is a JSON POST except those in GET_OPERATIONS.
OPERATIONS = {
    "health_check": "/cpro/transverses/v1/health-check",
    "structures_search": "/cpro/structures/v1/rechercher",
    "structures_consult": "/cpro/structures/v1/consulter",
    "structures_services": "/cpro/structures/v1/rechercher/services",
    "file_upload": "/cpro/transverses/v1/ajouter/fichier",
    "invoice_deposit_pdf": "/cpro/factures/v1/deposer/pdf",
    "invoice_submit": "/cpro/factures/v1/soumettre",
    "works_submit": "/cpro/facturesTravaux/v1/soumettre",  # UNCERTAIN: the service soumettreFactureTravaux exists
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "flow_report": "/cpro/transverses/v1/consulterCRDetaille",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "works_search": "/cpro/facturesTravaux/v1/rechercher",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
}

GET_OPERATIONS = frozenset({"health_check"})

# Paginated operation -> (key of the paging parameters in the request, key of the list in the answer).
# The Structures Swagger names the services paging block parametresRechercherServicesStructure;
# the invoice searches use parametresRecherche (UNCERTAIN for facturesTravaux).
PAGINATION = {
    "structures_search": ("parametres", "listeStructures"),
    "structures_services": ("parametresRechercherServicesStructure", "listeServices"),
    "invoice_search_supplier": ("parametresRecherche", "listeFactures"),
    "works_search": ("parametresRecherche", "listeFactures"),
}
MAX_PAGES = 1000  # a safety stop against an answer whose pagination never ends

TOKEN_PATH = "/api/oauth/token"
TOKEN_SCOPE = "openid"
TOKEN_MARGIN_SECONDS = 240  # renew the PISTE token this long before it expires (OCA's margin)
ACCOUNT_HEADER = "cpro-account"
CONTENT_TYPE = "application/json;charset=utf-8"

MAX_FILE_BYTES = 10 * 1024 * 1024  # a file must be strictly smaller
MAX_NAME_LENGTH = 50
MAX_REFERENCE_LENGTH = 50
PAGE_SIZE = 100  # default page size for searches

SUCCESS_CODE = 0
PDF_DEPOSIT_FORMAT = "PDF_NON_SIGNE"
DEPOSIT_MODE_PDF = "DEPOT_PDF_API"
FLOW_SYNTAX_FACTURX = "IN_DP_E2_CII_FACTURX"
SIRET_TYPE = "SIRET"
SUPPLIER_ROLE = "FOURNISSEUR"

WORKS_STATUSES = (
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "TRANSMISE_MOA",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
)
WORKS_REFUSED_STATUSES = ("REFUSEE_MOE", "REFUSEE_MOA", "A_RECYCLER")
LA_POSTE_SIREN = "356000000"
