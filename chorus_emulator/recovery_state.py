"""What the emulator keeps for the récupération (issue 21): the files' bytes, a piece's copy as Chorus Pro serves it,
the pieces the project manager (MOE) and owner (MOA) produce from a contractor's piece, and the contractor's two
actions on a piece, completer (SUSPENDUE) and recycler (A_RECYCLER).

A mixin of ``state.State``: it uses its lock and its tables, and returns copies like every State method.
"""

import copy

from .facts import PRODUCED_FRAMES, RECYCLED_STATUS, TO_HANDLE_STATUSES, WORKS_STATUSES
from .replies import business_error


class RecoveryState:
    """The récupération's part of the emulator's state (see the module docstring)."""

    def _reset_recovery(self):
        self._contents = {}  # ("file", id) or ("flow", number) -> the bytes received
        self._copies = {}  # piece id -> the bytes served as Chorus Pro's copy instead of the deposited file

    def keep_content(self, kind, key, content):
        """Keep the bytes of a received file (kind "file", key its id) or flow (kind "flow", key its number)."""
        with self._lock:
            self._contents[(kind, key)] = bytes(content)

    def file_content(self, file_id):
        """The bytes of an uploaded file, or None."""
        with self._lock:
            return self._contents.get(("file", file_id))

    def set_copy(self, piece_id, content):
        """Serve ``content`` as Chorus Pro's copy of this piece (a copy that differs from the file deposited)."""
        with self._lock:
            self._get_piece(piece_id)
            self._copies[piece_id] = bytes(content)

    def piece_document(self, piece_id):
        """The main file Chorus Pro holds for a piece: its set copy, else the main attachment or the flow deposited;
        None when it has none (a bulk piece)."""
        with self._lock:
            piece = self._get_piece(piece_id)
            if piece_id in self._copies:
                return self._copies[piece_id]
            for file_id in piece.get("pieceJointeIds") or ():
                if ("file", file_id) in self._contents:
                    return self._contents[("file", file_id)]
            return self._contents.get(("flow", piece.get("numeroFluxDepot")))

    def produce_piece(self, piece_id, frame, amounts, comment=""):
        """A piece produced from a contractor's piece by its MOE or MOA (frame A15 ... A25), with its amounts
        (montantHT, montantTVA, montantTTC, montantAPayer); linked both ways (pieceSuivante / piecePrecedente)."""
        if frame not in PRODUCED_FRAMES:
            raise ValueError(f"{frame!r} is not a frame a project manager or owner deposits ({PRODUCED_FRAMES})")
        with self._lock:
            origin = self._get_piece(piece_id)
            produced_id = self._new_id("piece")
            number = f"{origin['numeroFacture'][:14]}-{frame.split('_')[0]}"
            produced = {
                **{key: value for key, value in origin.items() if key not in ("history", "payload")},
                **amounts, "id": produced_id, "kind": "produced", "frame": frame, "numeroFacture": number,
                "piecePrecedente": piece_id, "numeroFactureOrigine": origin["numeroFacture"], "pieceJointeIds": [],
                "payload": {}, "history": [],
                "commentaire": comment,
            }
            self._pieces[produced_id] = produced
            self._push_status(produced, WORKS_STATUSES[0], comment or "Produced by the emulator")
            self._copies[produced_id] = f"%PDF-1.4\n% {frame} {number}\n".encode()  # its file, as Chorus Pro serves it
            origin["pieceSuivante"] = produced_id
            return copy.deepcopy(produced)

    def to_handle(self, supplier_id, hide_rejected=False):
        """The supplier's pieces whose status lets it act on them (TO_HANDLE_STATUSES), in order."""
        with self._lock:
            return copy.deepcopy([
                piece for piece in self._pieces.values()
                if piece["kind"] != "produced" and piece["idFournisseur"] == supplier_id
                and piece["statut"] in TO_HANDLE_STATUSES and not (hide_rejected and piece["statut"] == "REJETEE")
            ])

    def complete(self, piece_id, file_ids, comment):
        """completer: a SUSPENDUE piece gets attachments and a comment, and becomes COMPLETEE; returns it."""
        with self._lock:
            piece = self._acting_on(piece_id, "SUSPENDUE", "completer")
            missing = [file_id for file_id in file_ids if ("file", file_id) not in self._contents]
            if missing:
                raise business_error("unknown_attachment", f"pieceJointeComplementaire: no uploaded file {missing[0]}")
            piece["pieceJointeComplementaireIds"] = [*piece.get("pieceJointeComplementaireIds", []), *file_ids]
            self._push_status(piece, "COMPLETEE", comment or "")
            return copy.deepcopy(piece)

    def recycle(self, piece_id, routing, comment):
        """recycler: an A_RECYCLER piece gets its new routing (recipient, service, commitment) and goes back to the
        circuit's first status (RECYCLED_STATUS); returns it."""
        with self._lock:
            piece = self._acting_on(piece_id, "A_RECYCLER", "recycler")
            piece.update(routing)
            self._push_status(piece, RECYCLED_STATUS.get(piece["kind"], WORKS_STATUSES[0]), comment or "Recyclée")
            return copy.deepcopy(piece)

    def _acting_on(self, piece_id, status, operation):
        piece = self._pieces.get(piece_id)
        if piece is None or piece["kind"] == "produced":
            raise business_error("unknown_piece", f"identifiantFactureCPP: no piece {piece_id} of this supplier")
        if piece["statut"] != status:
            raise business_error("invalid", f"{operation}: the piece is {piece['statut']}, not {status}")
        return piece
