"""Emulator-only settings (the facts of Chorus Pro itself are in ``facts.py``)."""

from .facts import (
    DOWNLOAD_CONTAINERS,
    OPERATIONS,
    PARTNER_PLACEMENTS,
    PRODUCED_PIECE_WAYS,
    WORKS_ATTACHMENT_SHAPES,
    WORKS_SUBMIT_ID_KEYS,
)

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
    "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
    "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
)
# The frames of a subcontractor's and of a co-contractor's pieces (official Factures Swagger's cadreFacturation enum):
# their piece names a partner, the main contractor or the groupement's mandatary (see PARTNER_PLACEMENTS).
SUBCONTRACTOR_FRAMES = ("A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT")
COCONTRACTOR_FRAMES = ("A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", "A14_PROJET_DECOMPTE_FINAL_COTRAITANT")
# The circuit as the emulator's clock plays it (auto_advance): the notes give the order "deposited, then MOE, then
# MOA, then payment", and payment follows the project owner's acceptance, which the contractor deposits as an A6 (or
# the general and final statement A8). So a piece of another frame (the A4 presented) stops before these statuses;
# only an accepted piece reaches them. By hand (advance_works, /_emulator/advance, /_emulator/status) any move goes.
PAYMENT_STATUSES = ("MANDATEE", "MISE_EN_PAIEMENT")
ACCEPTED_FRAMES = ("A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR", "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR")
# Under which key the works submission answers the piece id (None: no id at all); UNCERTAIN on Chorus Pro.
DEFAULT_WORKS_SUBMIT_ID_KEY = "identifiantFactureCPP"


def check_works_submit_id_key(key):
    """Refuse (ValueError) a works_submit_id_key that is none of WORKS_SUBMIT_ID_KEYS nor None."""
    if key is not None and key not in WORKS_SUBMIT_ID_KEYS:
        raise ValueError(f"works_submit_id_key must be one of {WORKS_SUBMIT_ID_KEYS} or None, not {key!r}")


def check_partner_placement(placement):
    """Refuse (ValueError) a works_partner_placement that is none of PARTNER_PLACEMENTS nor None."""
    if placement is not None and placement not in PARTNER_PLACEMENTS:
        raise ValueError(f"works_partner_placement must be one of {PARTNER_PLACEMENTS} or None, not {placement!r}")


def check_attachment_shape(shape):
    """Refuse (ValueError) a works_attachment_shape that is none of WORKS_ATTACHMENT_SHAPES nor None."""
    if shape is not None and shape not in WORKS_ATTACHMENT_SHAPES:
        raise ValueError(f"works_attachment_shape must be one of {WORKS_ATTACHMENT_SHAPES} or None, not {shape!r}")


def check_download_container(container):
    """Refuse (ValueError) a download_container that is none of DOWNLOAD_CONTAINERS."""
    if container not in DOWNLOAD_CONTAINERS:
        raise ValueError(f"download_container must be one of {DOWNLOAD_CONTAINERS}, not {container!r}")


def check_produced_pieces_by(way):
    """Refuse (ValueError) a produced_pieces_by that is none of PRODUCED_PIECE_WAYS nor None."""
    if way is not None and way not in PRODUCED_PIECE_WAYS:
        raise ValueError(f"produced_pieces_by must be one of {PRODUCED_PIECE_WAYS} or None, not {way!r}")
