"""Récupération: what Chorus Pro holds for a deposited piece comes back, and the contractor acts on what it asks.

The piece's copy (telecharger/groupe) and its SHA-256 against the file sent, its details and amounts
(consulter/fournisseur), the pieces the project manager (MOE) and owner (MOA) produced from it, the pieces waiting
for the contractor (rechercher/atraiter/fournisseur), and the two actions: completer (SUSPENDUE) and recycler
(A_RECYCLER), each sent once (after an unknown outcome the piece's status is read first). Shapes are the official
Factures Swagger's; where a fact is UNCERTAIN each candidate is a constant here, tried in order.
"""

import base64
import binascii
import hashlib
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import ChorusBusinessError, ChorusError, ChorusHumanError, ChorusProtocolError, ChorusRouteError
from .session import _as_int

# telecharger/groupe: "format" is a string whose values the Swagger's description names "XML, PDF ou ZIP".
DOWNLOAD_FORMAT = "PDF"
# UNCERTAIN: the values of avecPiecesJointesComplementaires (a string in the Swagger, not a boolean).
WITH_ATTACHMENTS = "true"
# UNCERTAIN: whether fichierResultat for one piece asked as PDF is the PDF itself or a ZIP holding it (and its
# attachments). Each candidate is recognised by its first bytes, in this order.
COPY_CONTAINERS = (("pdf", b"%PDF-"), ("zip", b"PK\x03\x04"))

# UNCERTAIN: how a contractor lists the pieces its MOE / MOA produced from its own (nothing documents it for works).
# Candidates, tried in this order by produced_pieces() and reported by the deposit diagnostic:
# - NEXT_PIECE: consulter/fournisseur's pieceSuivante (official Swagger) names the following piece, then consulted;
# - SUPPLIER_SEARCH: rechercher/fournisseur by frame (cadreFacturation takes A1...A25, notes section 6) and contract,
#   matched to the piece by numeroFactureOrigine (UNCERTAIN: that the produced piece carries it).
NEXT_PIECE = "next_piece"
SUPPLIER_SEARCH = "supplier_search"
PRODUCED_PIECE_WAYS = (NEXT_PIECE, SUPPLIER_SEARCH)
# The status follow-up uses one way, the company's (res.company.chorus_produced_way, NEXT_PIECE by default: one call
# per piece and status change, plus one per piece found); the deposit diagnostic tries every candidate, says which
# one Chorus Pro answers and can set the company's way to it.
SUPPLIER_SEARCH_LINK_KEY = "numeroFactureOrigine"
# Frames of pieces deposited by the MOE (A15-A18, A24), the MOA (A19, A20, A25), and the tacit-procedure A22/A23
# (notes, section 3; the Swagger's enumeration). Progress statements first, then the general statement's.
PRODUCED_FRAMES = (
    "A15_ETAT_ACOMPTE_MOE", "A16_ETAT_ACOMPTE_VALIDE_MOE", "A19_ETAT_ACOMPTE_VALIDE_MOA",
    "A17_PROJET_DECOMPTE_GENERAL_MOE", "A18_DECOMPTE_GENERAL_MOE", "A20_DECOMPTE_GENERAL_MOA",
    "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE", "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
    "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE", "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
)
# The statuses of a contractor's draft after which the MOE's piece may exist: from its taking into account on.
# UNCERTAIN: when exactly Chorus Pro links the MOE's piece to the draft (the order of works statuses is not documented).
PRODUCED_AFTER_STATUSES = (
    "PRISE_EN_COMPTE_MOE", "TRANSMISE_MOA", "MISE_A_DISPOSITION_MOA", "PRISE_EN_COMPTE_MOA", "ASSOCIEE",
    "MANDATEE", "MISE_EN_PAIEMENT",
)
# The statuses that let the contractor act (official Swagger's descriptions of completer and recycler).
COMPLETE_STATUS = "SUSPENDUE"
RECYCLE_STATUS = "A_RECYCLER"


@dataclass(frozen=True)
class PieceCopy:
    """Chorus Pro's copy of a piece: the file received, its container, its main PDF and that PDF's SHA-256."""

    content: bytes
    container: str
    main_pdf: bytes | None
    sha256: str | None

    def agrees_with(self, sent):
        """Whether the main PDF of the copy is byte for byte the file sent (SHA-256)."""
        return self.sha256 is not None and self.sha256 == sha256(sent)


@dataclass(frozen=True)
class Amounts:
    """A piece's total amounts (Decimal; None where Chorus Pro gave none)."""

    untaxed: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    to_pay: Decimal | None = None


@dataclass(frozen=True)
class PieceDetails:
    """One piece as consulter/fournisseur gives it."""

    id: int
    number: str
    status: str | None
    frame: str | None
    amounts: Amounts
    next_piece_id: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class ProducedPiece:
    """A piece the MOE or MOA produced from the contractor's piece, found by ``way``."""

    id: int | None
    number: str
    frame: str | None
    status: str | None
    amounts: Amounts
    way: str


@dataclass(frozen=True)
class ToHandle:
    """A piece Chorus Pro lists as waiting for the contractor (rechercher/atraiter/fournisseur)."""

    id: int
    number: str
    status: str | None
    amount_due: Decimal | None = None


@dataclass(frozen=True)
class ActionResult:
    """What completer or recycler gave: the piece, its status when told, and whether it was found already done."""

    piece_id: int
    status: str | None = None
    found_done: bool = False


def sha256(content):
    """The SHA-256 of bytes, as hex text."""
    return hashlib.sha256(content or b"").hexdigest()


def read_copy(content, piece_number=None):
    """A PieceCopy from the bytes of fichierResultat: a PDF, or a ZIP whose main PDF is the one named after the
    piece (else the first PDF)."""
    for container, magic in COPY_CONTAINERS:
        if content.startswith(magic):
            main = content if container == "pdf" else _main_member(content, piece_number)
            return PieceCopy(content, container, main, sha256(main) if main is not None else None)
    return PieceCopy(content, "unknown", None, None)


def _main_member(content, piece_number):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".pdf")]
            named = [name for name in names if piece_number and name.rsplit("/", 1)[-1].startswith(piece_number)]
            chosen = (named or names or [None])[0]
            return archive.read(chosen) if chosen else None
    except zipfile.BadZipFile:
        return None


def download_copy(client, piece_id, piece_number=None):
    """Chorus Pro's copy of one piece (telecharger/groupe, PDF with its attachments) as a PieceCopy."""
    answer = client.call("invoice_download", {"format": DOWNLOAD_FORMAT, "avecPiecesJointesComplementaires":
                                              WITH_ATTACHMENTS, "listeFacture": [{"idFacture": piece_id}]})
    try:
        content = base64.b64decode(answer.get("fichierResultat") or "", validate=True)
    except (binascii.Error, ValueError):
        content = b""
    if not content:
        raise ChorusProtocolError("the download answer has no fichierResultat", code="malformed",
                                  operation="invoice_download")
    return read_copy(content, piece_number)


def copies(client, pieces, in_time=lambda: True):
    """(id, number) of each piece -> its PieceCopy, or the ChorusHumanError that refused it (the piece cannot be
    downloaded: said, not retried); yielded while ``in_time()``. A passing failure (ChorusTransientError) is raised:
    the caller asks again later."""
    for piece_id, number in pieces:
        if not in_time():
            return
        try:
            yield download_copy(client, piece_id, number)
        except ChorusHumanError as error:
            yield error


def _decimal(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _amounts(total):
    total = total if isinstance(total, dict) else {}
    return Amounts(_decimal(total.get("montantHtTotal")), _decimal(total.get("montantTVA")),
                   _decimal(total.get("montantTtcTotal")), _decimal(total.get("montantAPayer")))


def consult(client, piece_id):
    """One piece's details (consulter/fournisseur) as PieceDetails."""
    answer = client.call("invoice_consult_supplier", {"identifiantFactureCPP": piece_id})
    facture = answer.get("facture") if isinstance(answer.get("facture"), dict) else {}
    following = facture.get("pieceSuivante") if isinstance(facture.get("pieceSuivante"), dict) else {}
    return PieceDetails(
        id=_as_int(facture.get("identifiantFactureCPP"), piece_id), number=facture.get("numeroFacture") or "",
        status=facture.get("statutFacture") or None,
        frame=(facture.get("cadreDeFacturation") or {}).get("codeCadreFacturation") or None,
        amounts=_amounts(facture.get("montantTotal")), next_piece_id=_as_int(following.get("idPieceSuivante"), None),
        comment=facture.get("commentaire") or "",
    )


def produced_pieces(client, piece_id, piece_number, contract_number, ways=PRODUCED_PIECE_WAYS):
    """(way, pieces) of the first way in ``ways`` that shows the pieces produced from this piece; (None, [])
    when none does (Chorus Pro does not expose them to the contractor, or none was produced yet)."""
    for way in ways:
        try:
            found = _by_next_piece(client, piece_id) if way == NEXT_PIECE else _by_search(
                client, piece_number, contract_number)
        except ChorusBusinessError:
            found = []
        if found:
            return way, found
    return None, []


# Outcomes of one candidate way in the deposit diagnostic's probe.
PROBE_FOUND = "found"  # the way shows pieces produced from this piece
PROBE_EMPTY = "empty"  # the way answers, with none (not exposed that way, or none produced yet)
PROBE_ABSENT = "absent"  # unknown route or API not subscribed (HTTP 403/404)
PROBE_REFUSED = "refused"  # a business refusal
PROBE_FAILED = "failed"  # no verdict (network, authentication, server)


@dataclass(frozen=True)
class WayProbe:
    """What one candidate way gave for a piece: its outcome, the pieces found, Chorus Pro's error text."""

    way: str
    outcome: str
    pieces: tuple = ()
    error: str = ""


def probe_produced(client, piece_id, piece_number, contract_number, ways=PRODUCED_PIECE_WAYS):
    """Each candidate way of listing the MOE's / MOA's pieces tried on one deposited piece (for the deposit
    diagnostic): a WayProbe per way, in order, every way tried whatever the others gave."""
    probes = []
    for way in ways:
        try:
            found = _by_next_piece(client, piece_id) if way == NEXT_PIECE else _by_search(
                client, piece_number, contract_number)
        except ChorusRouteError as error:
            probes.append(WayProbe(way, PROBE_ABSENT, error=str(error)))
        except ChorusBusinessError as error:
            probes.append(WayProbe(way, PROBE_REFUSED, error=str(error)))
        except ChorusError as error:
            probes.append(WayProbe(way, PROBE_FAILED, error=str(error)))
        else:
            probes.append(WayProbe(way, PROBE_FOUND if found else PROBE_EMPTY, tuple(found)))
    return probes


def _by_next_piece(client, piece_id):
    found, seen, current = [], {piece_id}, consult(client, piece_id)
    while current.next_piece_id and current.next_piece_id not in seen:
        seen.add(current.next_piece_id)
        current = consult(client, current.next_piece_id)
        found.append(ProducedPiece(current.id, current.number, current.frame, current.status, current.amounts,
                                   NEXT_PIECE))
    return found


def _by_search(client, piece_number, contract_number):
    found = []
    for frame in PRODUCED_FRAMES:
        body = {"cadreFacturation": frame, "numeroMarche": contract_number}
        for item in client._all_pages("invoice_search_supplier", body):  # pylint: disable=protected-access
            if isinstance(item, dict) and item.get(SUPPLIER_SEARCH_LINK_KEY) == piece_number:
                found.append(ProducedPiece(
                    _as_int(item.get("identifiantFactureCPP"), None), item.get("numeroFacture") or "", frame,
                    item.get("statut") or None, Amounts(_decimal(item.get("montantHT")), None,
                                                        _decimal(item.get("montantTTC")),
                                                        _decimal(item.get("montantAPayer"))), SUPPLIER_SEARCH))
    return found


def to_handle(client, structure_id):
    """Every piece Chorus Pro lists as waiting for the contractor's action (all pages), as ToHandle values."""
    items = client._all_pages("invoice_to_handle", {"idStructure": structure_id})  # pylint: disable=protected-access
    return [ToHandle(_as_int(item.get("identifiantFactureCPP"), 0), item.get("numeroFacture") or "",
                     item.get("statut") or None, _decimal(item.get("montantAPayer")))
            for item in items if isinstance(item, dict) and _as_int(item.get("identifiantFactureCPP"), None)]


def _already_done(client, piece_id, waiting_status, tried_before):
    """After an attempt of unknown outcome: whether the piece has left the status the action needs."""
    if not tried_before:
        return False
    status = client.piece_status(piece_id)
    return status is not None and status != waiting_status


def complete(client, piece_id, attachments, comment, tried_before=False):
    """completer a SUSPENDUE piece: ``attachments`` are (name, bytes, mime type), uploaded first; sent once (after an
    unknown outcome, a piece no longer SUSPENDUE is taken as completed). An ActionResult."""
    if _already_done(client, piece_id, COMPLETE_STATUS, tried_before):
        return ActionResult(piece_id, client.piece_status(piece_id), found_done=True)
    items = [{"pieceJointeComplementaireId": client.upload_file(name, content, mime),
              "pieceJointeComplementaireDesignation": name[:50]}
             for name, content, mime in attachments]
    body = {"identifiantFactureCPP": piece_id, "commentaire": comment or ""}
    if items:
        body["pieceJointeComplementaire"] = items
    answer = client.call("invoice_complete", body)
    return ActionResult(_as_int(answer.get("identifiantFactureCPP"), piece_id))


def recycle(client, piece_id, recipient_siret, service_code, commitment, comment="", tried_before=False):
    """recycler an A_RECYCLER piece to a corrected routing (public body's SIRET, its service code, commitment
    number); sent once like complete(). An ActionResult with the new status."""
    if _already_done(client, piece_id, RECYCLE_STATUS, tried_before):
        return ActionResult(piece_id, client.piece_status(piece_id), found_done=True)
    body = {"identifiantFactureCPP": piece_id,
            "destinataire": {"codeDestinataire": recipient_siret, "codeServiceExecutant": service_code or ""},
            "reference": {"numeroBonCommande": commitment or ""}, "commentaire": comment or ""}
    answer = client.call("invoice_recycle", body)
    return ActionResult(_as_int(answer.get("identifiantFactureCPP"), piece_id), answer.get("statutFacture") or None)
