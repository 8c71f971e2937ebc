"""The mutable state of the emulator (tokens, files, pieces, flows, request counts), guarded by one lock."""

import collections
import copy
import datetime
import os
import secrets
import threading
import time

from .config import ACCEPTED_FRAMES, INVOICE_FIRST_STATUS, PAYMENT_STATUSES, WORKS_FRAMES
from .facts import FLOW_REJECTED, WORKS_STATUSES
from .recovery_state import RecoveryState
from .replies import business_error
from .swagger import piece_statuses

JOURNAL_SIZE = 20  # bodies kept per path: enough for a test, never a whole soak's uploads

# When set, the file each issued access token is appended to (the test run checks that none reaches a log).
TOKEN_LOG_VARIABLE = "CHORUS_EMULATOR_TOKEN_LOG"


def now_iso():
    """The current local time, ISO 8601 with offset, to the second."""
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def today_iso():
    """Today's date, YYYY-MM-DD."""
    return datetime.date.today().isoformat()


def check_status(status):
    """Refuse (ValueError) a piece status that the official Factures Swagger does not know."""
    if status not in piece_statuses():
        raise ValueError(f"{status!r} is not a status of the official Factures Swagger (histoStatutCode)")


def _note_token(token):
    """Append an issued token to the file TOKEN_LOG_VARIABLE names, if any: the test run looks for each in its logs."""
    path = os.environ.get(TOKEN_LOG_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as tokens:
            tokens.write(token + "\n")


class State(RecoveryState):
    """Everything the emulator remembers; every method is thread-safe and returns copies."""

    FIRST_PIECE_ID = 7000001
    FIRST_FILE_ID = 8000001
    FIRST_FLOW_NUMBER = 9000001

    def __init__(self, seed, token_lifetime=3600):
        self.seed = seed
        self.token_lifetime = token_lifetime
        self._lock = threading.RLock()
        self._tokens = {}
        self.reset()

    def reset(self, tokens=False):
        """Forget files, pieces, flows and counts (and issued tokens when asked)."""
        with self._lock:
            self._files = {}
            self._pieces = {}
            self._numbers = {}  # (idFournisseur, numeroFacture) -> piece id
            self._flows = {}
            self._counts = collections.Counter()
            self._journal = collections.defaultdict(lambda: collections.deque(maxlen=JOURNAL_SIZE))
            self._faults_played = collections.Counter()
            self._duplicates = collections.Counter()  # numbers refused because already deposited
            self._reset_recovery()
            self._next = {"piece": self.FIRST_PIECE_ID, "file": self.FIRST_FILE_ID, "flow": self.FIRST_FLOW_NUMBER}
            if tokens:
                self._tokens.clear()

    def _new_id(self, kind):
        value = self._next[kind]
        self._next[kind] += 1
        return value

    # -- tokens -------------------------------------------------------------------------------------------------
    def issue_token(self):
        """A new access token and its lifetime in seconds."""
        with self._lock:
            lifetime = int(self.token_lifetime)
            now = time.monotonic()
            self._tokens = {token: expiry for token, expiry in self._tokens.items() if expiry > now}
            token = secrets.token_urlsafe(32)
            self._tokens[token] = now + lifetime
            _note_token(token)
            return token, lifetime

    def token_valid(self, token):
        """Whether the token was issued, is not expired and was not revoked."""
        with self._lock:
            expiry = self._tokens.get(token)
            return expiry is not None and expiry > time.monotonic()

    def expire_tokens(self):
        """Make every issued token invalid (the next calls answer 401)."""
        with self._lock:
            self._tokens.clear()

    # -- request counts -----------------------------------------------------------------------------------------
    def count(self, path, body=None):
        """Count one request on path, its body kept in the path's journal (the last JOURNAL_SIZE)."""
        with self._lock:
            self._counts[path] += 1
            if body is not None:
                self._journal[path].append(bytes(body))

    def journal(self, path):
        """The bodies received on path, as bytes, oldest first (the last JOURNAL_SIZE since the last reset)."""
        with self._lock:
            return list(self._journal.get(path, ()))

    def counts(self):
        """Requests per path since the last reset."""
        with self._lock:
            return dict(self._counts)

    def reset_counts(self):
        """Set every request count back to zero (played faults and refused duplicates too)."""
        with self._lock:
            self._counts.clear()
            self._faults_played.clear()
            self._duplicates.clear()

    def count_fault(self, kind):
        """Count one fault played (taken by a request)."""
        with self._lock:
            self._faults_played[kind] += 1

    def faults_played(self):
        """Faults played per kind since the last reset."""
        with self._lock:
            return dict(self._faults_played)

    def duplicates(self):
        """Piece number -> how many deposits of it were refused because the supplier had already deposited it."""
        with self._lock:
            return dict(self._duplicates)

    # -- files and flows ----------------------------------------------------------------------------------------
    def add_file(self, record):
        """Store an uploaded file's description; returns its pieceJointeId."""
        with self._lock:
            file_id = self._new_id("file")
            self._files[file_id] = {**record, "id": file_id, "dateDepot": now_iso()}
            return file_id

    def has_file(self, file_id):
        """Whether a file with this pieceJointeId was uploaded."""
        with self._lock:
            return file_id in self._files

    def files(self):
        """Every uploaded file's description."""
        with self._lock:
            return copy.deepcopy(list(self._files.values()))

    def add_flow(self, record, piece=None, duplicate_error=None):
        """Store a deposited flow; returns it with its numeroFluxDepot.

        With ``piece`` (a piece record), the flow is integrated: the piece is stored with the flow's number, unless
        its supplier already deposited that number: then the flow is IN_REJETE with ``duplicate_error`` in its
        listeErreurDP, and no piece is made.
        """
        with self._lock:
            number = f"CPP{self._new_id('flow'):012d}"
            flow = {**record, "numeroFluxDepot": number, "dateDepot": today_iso(), "pieceIds": []}
            if piece is not None:
                if (piece["idFournisseur"], piece["numeroFacture"]) in self._numbers:
                    flow["etatCourantDepotFlux"] = FLOW_REJECTED
                    flow["listeErreurDP"] = [*flow.get("listeErreurDP", []), duplicate_error]
                else:
                    flow["pieceIds"].append(self._store_piece({**piece, "numeroFluxDepot": number})["id"])
            self._flows[number] = flow
            return copy.deepcopy(flow)

    def flow(self, number):
        """The flow with this numeroFluxDepot, or None."""
        with self._lock:
            return copy.deepcopy(self._flows.get(number))

    def flows(self):
        """Every deposited flow."""
        with self._lock:
            return copy.deepcopy(list(self._flows.values()))

    # -- pieces -------------------------------------------------------------------------------------------------
    def add_piece(self, record):
        """Store a deposited piece; a number already used by the same supplier is a business error."""
        with self._lock:
            return copy.deepcopy(self._store_piece(record))

    def _store_piece(self, record, moment=None):
        key = (record["idFournisseur"], record["numeroFacture"])
        if key in self._numbers:
            self._duplicates[record["numeroFacture"]] += 1
            raise business_error("duplicate", f"numeroFactureSaisi: {record['numeroFacture']!r} was already "
                                 f"deposited by this supplier (piece {self._numbers[key]})")
        first = WORKS_STATUSES[0] if record["kind"] == "works" else INVOICE_FIRST_STATUS
        piece_id = self._new_id("piece")
        deposited = moment[:10] if moment else today_iso()
        piece = {**record, "id": piece_id, "dateDepot": deposited, "statut": first, "history": []}
        self._pieces[piece_id] = piece
        self._numbers[key] = piece_id
        self._push_status(piece, first, "Deposited", moment)
        return piece

    def _push_status(self, piece, status, comment, moment=None):
        moment = moment or now_iso()
        piece["statut"] = status
        piece["dateHeureEtatCourant"] = moment
        piece["history"].append({"code": status, "date": moment, "comment": comment})

    def add_works_pieces(self, supplier_id, recipient, count, prefix, status, frame, status_at=None):
        """count works pieces of a supplier as if deposited (numbers prefix + 00001...), moved to status.

        ``status_at`` (an aware datetime, or None for now) dates their deposit and status, as if they had been
        deposited and had last moved then: a bench seeds a long-running set of pieces that a search by the date of
        status change leaves out until they move again.
        """
        check_status(status)
        if frame not in WORKS_FRAMES:
            raise ValueError(f"{frame!r} is not a works frame a supplier deposits ({', '.join(WORKS_FRAMES)})")
        if status_at is not None and status_at.tzinfo is None:
            raise ValueError("status_at needs a UTC offset, as every date-time of a piece has")
        moment = status_at.isoformat(timespec="seconds") if status_at is not None else None
        numbers = [f"{prefix}{index:05d}" for index in range(1, count + 1)]
        with self._lock:
            taken = [number for number in numbers if (supplier_id, number) in self._numbers]
            if taken:
                raise ValueError(f"piece numbers already deposited by this supplier: {', '.join(taken[:5])}")
            added = []
            for number in numbers:
                record = {
                    "kind": "works", "numeroFacture": number, "frame": frame,
                    "dateFacture": today_iso(), "idFournisseur": supplier_id, "idDestinataire": recipient.id,
                    "codeDestinataire": recipient.siret, "designationDestinataire": recipient.name,
                    "codeServiceExecutant": "", "codeStructureValideur": "", "numeroMarche": "BULK",
                    "numeroBonCommande": "", "typeFacture": "FACTURE", "devise": "EUR", "montantHT": 100.0,
                    "montantTVA": 20.0, "montantTTC": 120.0, "montantAPayer": 114.0, "pieceJointeIds": [],
                    "payload": {},
                }
                piece = self._store_piece(record, moment)
                if status != piece["statut"]:
                    self._push_status(piece, status, "Bulk piece", moment)
                added.append(copy.deepcopy(piece))
            return added

    def piece_by_number(self, supplier_id, number):
        """The piece of this supplier with this number, or None."""
        with self._lock:
            piece_id = self._numbers.get((supplier_id, number))
            return copy.deepcopy(self._pieces.get(piece_id)) if piece_id else None

    def piece(self, piece_id):
        """The piece with this id, or None."""
        with self._lock:
            return copy.deepcopy(self._pieces.get(piece_id))

    def pieces(self, kind=None, payload=True, where=None):
        """Deposited pieces (of a kind: "works"/"invoice") in order; payload=False leaves request bodies out.

        ``where`` (a function of a piece) keeps only the pieces it accepts, chosen before anything is copied: a search
        among 100,000 pieces copies what it found, not them all.
        """
        with self._lock:
            found = [piece for piece in self._pieces.values()
                     if kind in (None, piece["kind"]) and (where is None or where(piece))]
            if not payload:
                found = [{key: value for key, value in piece.items() if key != "payload"} for piece in found]
            return copy.deepcopy(found)

    def advance_works(self, piece_id=None, steps=1):
        """Move works pieces (one, or all) ``steps`` statuses along WORKS_STATUSES; returns the moved pieces."""
        with self._lock:
            targets = [self._get_piece(piece_id)] if piece_id is not None else list(self._pieces.values())
            moved = [piece for piece in targets if piece["kind"] == "works" and self._advance(piece, steps)]
            return copy.deepcopy(moved)

    def advance_circuit(self):
        """One tick of the circuit's clock: each works piece one status on, payment only for an accepted piece."""
        with self._lock:
            moved = [piece for piece in self._pieces.values() if piece["kind"] == "works" and self._circuit_next(piece)]
            return copy.deepcopy(moved)

    def _circuit_next(self, piece):
        if piece["statut"] not in WORKS_STATUSES or piece["statut"] == WORKS_STATUSES[-1]:
            return False
        following = WORKS_STATUSES[WORKS_STATUSES.index(piece["statut"]) + 1]
        if following in PAYMENT_STATUSES and piece["frame"] not in ACCEPTED_FRAMES:
            return False  # never paid before the project owner accepted it
        self._push_status(piece, following, "Moved on by the emulator")
        return True

    def _advance(self, piece, steps):
        if piece["statut"] not in WORKS_STATUSES:
            return False
        start = WORKS_STATUSES.index(piece["statut"])
        for status in WORKS_STATUSES[start + 1:start + 1 + max(0, steps)]:
            self._push_status(piece, status, "Moved on by the emulator")
        return WORKS_STATUSES.index(piece["statut"]) != start

    def set_status(self, piece_id, status, comment="", at=None):
        """Give a piece any status of the official Swagger (e.g. REFUSEE_MOE with a comment), dated ``at`` (an aware
        datetime; now by default: a bench dates a backlog of moves over days); returns the piece.

        A status the Swagger does not know is a ValueError: the history would no longer match the Swagger.
        """
        check_status(status)
        if at is not None and at.tzinfo is None:
            raise ValueError("at needs a UTC offset, as every date-time of a piece has")
        with self._lock:
            piece = self._get_piece(piece_id)
            self._push_status(piece, status, comment, at.isoformat(timespec="seconds") if at is not None else None)
            return copy.deepcopy(piece)

    def _get_piece(self, piece_id):
        piece = self._pieces.get(piece_id)
        if piece is None:
            raise KeyError(f"no piece {piece_id}")
        return piece
