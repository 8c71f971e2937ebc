"""What Chorus Pro is, as the shared notes and the official Swaggers say: the emulator's own table.

The emulator imports nothing from the addon's core, so that it never confirms the client's own guesses:
each value here is taken from ``shared/chorus-pro/README.md`` or from the official Swagger files beside it.
"""

TOKEN_PATH = "/api/oauth/token"

# Operation name -> path of every operation the emulator serves.
OPERATIONS = {
    "health_check": "/cpro/transverses/v1/health-check",
    "structures_search": "/cpro/structures/v1/rechercher",
    "structures_consult": "/cpro/structures/v1/consulter",
    "structures_services": "/cpro/structures/v1/rechercher/services",
    "structures_service_consult": "/cpro/structures/v1/consulter/service",
    "structures_spaces": "/cpro/structures/v1/rechercher/espaces",
    "structures_user_links": "/cpro/structures/v1/lister/rattachementsutilisateur",
    "file_upload": "/cpro/transverses/v1/ajouter/fichier",
    "invoice_submit": "/cpro/factures/v1/soumettre",
    "works_submit": "/cpro/facturesTravaux/v1/soumettre",  # UNCERTAIN in the notes: path and answer
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "flow_report": "/cpro/transverses/v1/consulterCRDetaille",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "works_search": "/cpro/facturesTravaux/v1/rechercher",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
}

PAGE_SIZE = 100  # default nbResultatsParPage of a search that gives none
MAX_FILE_BYTES = 10 * 1024 * 1024  # a file must be strictly smaller (HTTP 413 otherwise)
MAX_NAME_LENGTH = 50  # pieceJointeNom, with its extension
MAX_REFERENCE_LENGTH = 50  # numeroMarche, numeroBonCommande
MAX_PIECE_NUMBER_LENGTH = 20  # numeroFactureSaisi (the API appendix's field tables)

# The works circuit as the emulator moves a piece along it ("deposited, then MOE, then MOA, then payment").
WORKS_STATUSES = (
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "TRANSMISE_MOA",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
)
# "No result" of the works search: HTTP 200, an empty list (notes, section 5).
WORKS_NO_RESULT = (20007, "GFT_MSG_01.075")
# Candidate keys of the piece id in the works submission's answer (UNCERTAIN): the emulator answers each way.
WORKS_SUBMIT_ID_KEYS = ("idFactureTravaux", "identifiantFactureCPP", "idFacture")
