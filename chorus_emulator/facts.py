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
    "invoice_pdf_deposit": "/cpro/factures/v1/deposer/pdf",
    "invoice_submit": "/cpro/factures/v1/soumettre",
    "works_submit": "/cpro/facturesTravaux/v1/soumettre",  # UNCERTAIN in the notes: path and answer
    # UNCERTAIN: the works submission's name before PISTE (notes, section 2), served only when set so.
    "works_submit_legacy": "/cpro/facturesTravaux/v1/soumettreFactureTravaux",
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "flow_report": "/cpro/transverses/v1/consulterCRDetaille",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "works_search": "/cpro/facturesTravaux/v1/rechercher",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
    "invoice_download": "/cpro/factures/v1/telecharger/groupe",
    "invoice_consult_supplier": "/cpro/factures/v1/consulter/fournisseur",
    "invoice_to_handle": "/cpro/factures/v1/rechercher/atraiter/fournisseur",
    "invoice_complete": "/cpro/factures/v1/completer",
    "invoice_recycle": "/cpro/factures/v1/recycler",
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
WORKS_PAYMENT_REQUEST_TYPE = "FACTURE_TRAVAUX"  # typeDemandePaiement of a works piece (notes, section 5)
# The period of a search: the change of the current status (factures/v1/rechercher/fournisseur, facturesTravaux).
STATUS_PERIOD = ("periodeDateHeureEtatCourantDu", "periodeDateHeureEtatCourantAu")
# "No result" of the works search: HTTP 200, an empty list (notes, section 5).
WORKS_NO_RESULT = (20007, "GFT_MSG_01.075")
# Candidate keys of the piece id in the works submission's answer (UNCERTAIN): the emulator answers each way.
WORKS_SUBMIT_ID_KEYS = ("idFactureTravaux", "identifiantFactureCPP", "idFacture")
# Shapes of pieceJointePrincipale: an object in the official Swagger's soumettre, a list in the notes (UNCERTAIN for
# the works submission): the emulator may take either (None) or only one.
WORKS_ATTACHMENT_SHAPES = ("list", "object")
# Where a subcontractor's (A10, A11) or co-contractor's (A13, A14) piece names its partner, the main contractor or the
# groupement's mandatary (UNCERTAIN: the notes name the parties of a titulaire's piece only): as the first validator
# (cadreDeFacturation.codeStructureValideur), or by its SIRET in the piece's comment (commentaire) with the project
# manager as validator. The emulator may take either (None) or only one.
PARTNER_PLACEMENTS = ("validator", "comment")

# -- flows (notes, sections 2 and 5) ----------------------------------------------------------------------------
MAX_FLOW_NAME_LENGTH = 200  # nomFichier of deposer/flux (the API appendix's field tables)
FLOW_SYNTAX_FACTURX = "IN_DP_E2_CII_FACTURX"  # syntaxeFlux of a Factur-X file (official enum)
FLOW_INTEGRATED = "IN_INTEGRE"  # etatCourantDepotFlux of consulterCRDetaille
FLOW_REJECTED = "IN_REJETE"
# The notes name the lists listeErreurDP and listeErreurTechnique of consulterCRDetaille, not the keys of their
# entries: these keys are the emulator's guess (UNCERTAIN); a client should read an entry whatever its keys.
FLOW_ERROR_DP_NUMBER_KEY = "numeroDP"  # UNCERTAIN: the piece number (BT-1) the error is about ("" if unknown)
FLOW_ERROR_DP_LABEL_KEY = "libelleErreurDP"  # UNCERTAIN: "<field>: <what is wrong>"
FLOW_ERROR_TECHNICAL_LABEL_KEY = "libelleErreur"  # UNCERTAIN: one XSD (technical) error
# A Factur-X flow: a PDF/A-3 carrying a CII XML of the EN 16931 profile, checked against the Factur-X XSD.
FACTURX_FLAVOR = "factur-x"
FACTURX_LEVEL = "en16931"
CII_NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
# BT-23 (business process) carries the frame's short code ("A4", "A6"...): Chorus Pro's convention for the
# frame of a flow (notes, section 5); whether it takes works frames there is UNCERTAIN (setting flow_works_frames).
# The SIRET of a party is its legal registration id (BT-30, BT-47) under this scheme (UNCERTAIN).
SIRET_SCHEME_ID = "0002"

# -- récupération (issue 21): the official Factures Swagger's telecharger/groupe, consulter/fournisseur,
# rechercher/atraiter/fournisseur, completer and recycler, and the notes' sections 3 and 6 ------------------------
# telecharger/groupe's "format": a string in the Swagger, whose description names XML, PDF or ZIP.
DOWNLOAD_FORMATS = ("PDF", "XML", "ZIP")
# UNCERTAIN: what fichierResultat holds for one piece asked as PDF: the PDF itself, or a ZIP of the piece and its
# attachments (asked as ZIP, it is a ZIP). The emulator answers each way (setting download_container).
DOWNLOAD_CONTAINERS = ("pdf", "zip")
# Frames deposited by the project manager (A15-A18, A24) and the project owner (A19, A20, A25) (notes, section 3),
# and A22/A23, the contractor's tacit-procedure pieces, in the official Swagger's enumeration.
PRODUCED_FRAMES = (
    "A15_ETAT_ACOMPTE_MOE", "A16_ETAT_ACOMPTE_VALIDE_MOE", "A19_ETAT_ACOMPTE_VALIDE_MOA",
    "A17_PROJET_DECOMPTE_GENERAL_MOE", "A18_DECOMPTE_GENERAL_MOE", "A20_DECOMPTE_GENERAL_MOA",
    "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE", "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
    "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE", "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
)
# UNCERTAIN: how a contractor sees the pieces produced from its own (nothing documents it for works). The candidate
# ways, each of which the emulator can be set to answer (setting produced_pieces_by; None: not exposed at all):
# "next_piece": consulter/fournisseur's pieceSuivante names it and the contractor may consult it;
# "supplier_search": rechercher/fournisseur lists it under its frame (cadreFacturation takes A1...A25, notes section 6).
PRODUCED_PIECE_WAYS = ("next_piece", "supplier_search")
# The statuses rechercher/atraiter/fournisseur lists: those that let the supplier act ("compléter, recycler,
# supprimer, modifier le valideur", the Swagger's description); REJETEE hidden by masquerRejetee.
TO_HANDLE_STATUSES = ("SUSPENDUE", "A_COMPLETER", "A_RECYCLER", "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "REJETEE")
# UNCERTAIN: the status a recycled piece takes (the emulator's choice: the circuit's first one again).
RECYCLED_STATUS = {"works": WORKS_STATUSES[0], "invoice": "DEPOSEE"}
