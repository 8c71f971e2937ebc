"""Every Chorus Pro value that is uncertain or configurable, in one table.

Correct a host, a path or a limit here and nowhere else. Values marked UNCERTAIN could not be
confirmed against an official source (see the shared Chorus Pro notes).
"""

import datetime
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

# Operation name -> path below the API base. Every call is a JSON POST.
OPERATIONS = {
    "structures_search": "/cpro/structures/v1/rechercher",
    "structures_consult": "/cpro/structures/v1/consulter",
    "structures_services": "/cpro/structures/v1/rechercher/services",
    "file_upload": "/cpro/transverses/v1/ajouter/fichier",
    "works_submit": "/cpro/facturesTravaux/v1/soumettre",  # UNCERTAIN: the service soumettreFactureTravaux exists
    "works_search": "/cpro/facturesTravaux/v1/rechercher",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "flow_report": "/cpro/transverses/v1/consulterCRDetaille",
    # récupération (issue 21), the official Factures Swagger's paths
    "invoice_download": "/cpro/factures/v1/telecharger/groupe",
    "invoice_consult_supplier": "/cpro/factures/v1/consulter/fournisseur",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "invoice_to_handle": "/cpro/factures/v1/rechercher/atraiter/fournisseur",
    "invoice_complete": "/cpro/factures/v1/completer",
    "invoice_recycle": "/cpro/factures/v1/recycler",
}

# Paginated operation -> (key of the paging parameters in the request, key of the list in the answer).
# The Structures Swagger names the services paging block parametresRechercherServicesStructure; the works
# search's shape is that of the shared notes (section 5, from a mature client's code and fixtures).
PAGINATION = {
    "structures_search": ("parametres", "listeStructures"),
    "structures_services": ("parametresRechercherServicesStructure", "listeServices"),
    "works_search": ("rechercheFactureTravaux", "listeFacturesTravaux"),
    "invoice_search_supplier": ("rechercheFactureParFournisseur", "listeFactures"),
    "invoice_to_handle": ("rechercheFactureATraiterParFournisseur", "listeFactures"),
}
# Operation -> codeRetour values that mean "no result": an empty list, not an error (HTTP 200).
NO_RESULT_CODES = {"works_search": frozenset({20007})}
MAX_PAGES = 1000  # a safety stop against an answer whose pagination never ends

TOKEN_PATH = "/api/oauth/token"
TOKEN_SCOPE = "openid"
TOKEN_MARGIN_SECONDS = 240  # renew the PISTE token this long before it expires (OCA's margin)
ACCOUNT_HEADER = "cpro-account"
CONTENT_TYPE = "application/json;charset=utf-8"

MAX_FILE_BYTES = 10 * 1024 * 1024  # a file must be strictly smaller
TOO_LARGE_STATUS = 413  # HTTP status of a file refused for its size (shared notes, section 2): no passing glitch
MAX_NAME_LENGTH = 50
MAX_REFERENCE_LENGTH = 50  # contract number, commitment number (numeroBonCommande)
MAX_PIECE_NUMBER_LENGTH = 20  # numeroFactureSaisi: the official field length
PAGE_SIZE = 100  # default page size for searches

SUCCESS_CODE = 0
DEPOSIT_MODE_PDF = "DEPOT_PDF_API"
SIRET_TYPE = "SIRET"
SUPPLIER_ROLE = "FOURNISSEUR"

# UNCERTAIN: the works submission's path. The deposit diagnostic tries each in turn, OPERATIONS' first; the
# second is the service name Chorus Pro had before PISTE (soumettreFactureTravaux, shared notes section 2).
WORKS_SUBMIT_PATHS = (OPERATIONS["works_submit"], "/cpro/facturesTravaux/v1/soumettreFactureTravaux")
# UNCERTAIN: what the works submission answers. The piece id is read under the first of these keys that
# the answer carries; without any, the piece is found by its number with the works search.
WORKS_SUBMIT_ID_KEYS = ("idFactureTravaux", "identifiantFactureCPP", "idFacture")
# Fields of a works piece in the works search answer (shared notes, section 5).
WORKS_PIECE_ID = "idFactureTravaux"
WORKS_PIECE_NUMBER = "numeroFactureTravaux"
WORKS_PIECE_STATUS = "statutFactureTravaux"
WORKS_PIECE_STATUS_AT = "dateHeureEtatCourant"
WORKS_PERIOD_FROM = "periodeDateHeureEtatCourantDu"
WORKS_PERIOD_TO = "periodeDateHeureEtatCourantAu"
# The shortest stretch of the works search's period that the status follow-up halves a large backlog into: below it
# a stretch is read whole however many pages it holds (Chorus Pro's dates are to the second, or the millisecond).
WORKS_SHORTEST_STRETCH = datetime.timedelta(seconds=1)
# UNCERTAIN: the exact date-time format Chorus Pro takes in the period fields (Swagger: "date-time").
PERIOD_TIMESPEC = "milliseconds"

# The flow road (shared notes, section 5): Factur-X deposited with deposer/flux, its result read with
# consulterCRDetaille. The syntax is a company setting; this is its default (official enum).
FLOW_SYNTAX_FACTURX = "IN_DP_E2_CII_FACTURX"
FLOW_INTEGRATED = frozenset({"IN_INTEGRE", "IN_INTEGRE_PARTIEL"})
FLOW_REJECTED = frozenset({"IN_REJETE"})
FLOW_ERROR_LISTS = ("listeErreurDP", "listeErreurTechnique")  # UNCERTAIN: the keys inside each error item

# Statuses of works pieces (official enum, shared notes section 5): their order beyond "deposited, MOE, MOA,
# payment" is not documented, so the addon only tells "in progress", "refused" and "done" apart.
# A refusal needs the contractor's attention; Chorus Pro does not move such a piece on by itself.
WORKS_REFUSED_STATUSES = frozenset({
    "REFUSEE_MOE", "REFUSEE_MOA", "ERREUR_DE_MOE", "ERREUR_DE_MOA", "A_RECYCLER", "REJETEE",
})
# UNCERTAIN beyond MISE_EN_PAIEMENT: the end of a piece's life (paid, replaced, duplicated after a refusal).
WORKS_DONE_STATUSES = frozenset({"MISE_EN_PAIEMENT", "REMPLACEE_PAR_A22", "DUPLIQUE_APRES_REFUS"})
LA_POSTE_SIREN = "356000000"
