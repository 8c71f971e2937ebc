"""A local Chorus Pro emulator: PISTE token endpoint and the /cpro routes the project uses, on 127.0.0.1.

    from chorus_emulator import Emulator
    with Emulator() as emu:                # listening on a free port
        emu.url, emu.token_url, emu.credentials, emu.seed
        emu.inject("works_submit", "server_error", count=2)
        emu.advance_works()

Run alone: ``python -m chorus_emulator (from the repository root) --port 8089``.
"""

import functools
import threading

from .api import Api
from .config import (
    DEFAULT_SUBSCRIBED,
    DEFAULT_WORKS_SUBMIT_ID_KEY,
    MAX_PAGE_SIZE,
    check_attachment_shape,
    check_download_container,
    check_partner_placement,
    check_produced_pieces_by,
    check_works_submit_id_key,
)
from .facts import TOKEN_PATH, WORKS_STATUSES
from .faults import KINDS as FAULT_KINDS
from .replies import DUPLICATE_CODE
from .seed import default_seed
from .server import EmulatorServer

__all__ = ["DUPLICATE_CODE", "FAULT_KINDS", "Emulator"]


class Emulator:
    """The emulated Chorus Pro service: seeded state, a real HTTP server, fault injection and controls."""

    def __init__(self, seed=None, *, token_lifetime=3600, auto_advance_seconds=None, subscribed=DEFAULT_SUBSCRIBED,
                 max_page_size=MAX_PAGE_SIZE, works_submit_id_key=DEFAULT_WORKS_SUBMIT_ID_KEY, flow_works_frames=True,
                 works_submit_route=True, ids_as_strings=False, works_submit_legacy_route=False,
                 works_attachment_shape=None, download_container="pdf", produced_pieces_by="next_piece",
                 works_partner_placement=None):
        self._api = Api(seed or default_seed(), token_lifetime, subscribed, max_page_size, works_submit_id_key,
                        flow_works_frames, works_submit_route, ids_as_strings=ids_as_strings,
                        works_submit_legacy_route=works_submit_legacy_route,
                        works_attachment_shape=works_attachment_shape, download_container=download_container,
                        produced_pieces_by=produced_pieces_by, works_partner_placement=works_partner_placement)
        self.auto_advance_seconds = auto_advance_seconds
        self._server = None
        self._threads = []

    def __repr__(self):
        return f"<Emulator {self.url or 'not started'}>"

    # -- life cycle ---------------------------------------------------------------------------------------------
    def start(self, port=0):
        """Listen on 127.0.0.1:port (0 = a free port) in background threads; returns the base URL."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        self._server = EmulatorServer(self._api, port)
        self._spawn(functools.partial(self._server.serve_forever, poll_interval=0.05), "chorus-emulator")
        if self.auto_advance_seconds:
            self._spawn(self._auto_advance, "chorus-emulator-advance")
        return self.url

    def _spawn(self, target, name):
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _auto_advance(self):
        server = self._server
        while not server.stopping.wait(self.auto_advance_seconds):
            self._api.state.advance_circuit()

    def stop(self):
        """Stop serving and close every connection (safe to call twice)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # -- addresses and seed -------------------------------------------------------------------------------------
    @property
    def url(self):
        """Base URL of the API, e.g. http://127.0.0.1:8089 (None before start)."""
        return self._server.url if self._server else None

    @property
    def port(self):
        """The listening port (None before start)."""
        return self._server.server_address[1] if self._server else None

    @property
    def token_url(self):
        """URL of the PISTE token endpoint."""
        return self.url + TOKEN_PATH if self._server else None

    @property
    def credentials(self):
        """dict(client_id, client_secret, login, password) accepted by the emulator."""
        return dict(self._api.state.seed.credentials)

    @property
    def seed(self):
        """The seeded data set (chorus_emulator.seed.Seed): contractor, moe, public bodies and their services."""
        return self._api.state.seed

    # -- faults, tokens, counts ---------------------------------------------------------------------------------
    def inject(self, path, kind, count=1, latency=0.0, **options):
        """Queue a fault on a path, an operation name, "token" or "*" (every route); count=None = until cleared.

        kinds: latency, server_error (http_status 500/502/503), rate_limit (retry_after), timeout, expired_token,
        business_error (code, label, http_status 200 or 400), malformed (body, http_status, content_type), reset,
        lost_answer (processed, then the connection dropped), held_answer (processed, answered after latency s).
        """
        return self._api.inject(path, kind, count=count, latency=latency, **options)

    def clear_faults(self):
        """Drop every pending fault."""
        self._api.faults.clear()

    @property
    def faults(self):
        """Pending faults, as dicts."""
        return self._api.faults.snapshot()

    def expire_tokens(self):
        """Every issued token becomes invalid: the next API calls answer 401."""
        self._api.state.expire_tokens()

    @property
    def token_lifetime(self):
        """Lifetime in seconds of the tokens issued from now on (expires_in)."""
        return self._api.state.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds):
        self._api.state.token_lifetime = seconds

    @property
    def subscribed(self):
        """The API families the application is subscribed to (others answer 403)."""
        return frozenset(self._api.subscribed)

    @subscribed.setter
    def subscribed(self, families):
        self._api.subscribed = set(families)

    @property
    def request_counts(self):
        """Requests per path (token endpoint included, control endpoints excluded), as a copy."""
        return self._api.state.counts()

    def reset_counts(self):
        """Set every request count back to zero (played faults and refused duplicates too)."""
        self._api.state.reset_counts()

    def journal(self, path):
        """The exact bodies received on path (bytes, oldest first, the last few since the last reset)."""
        return self._api.state.journal(path)

    @property
    def faults_played(self):
        """Faults played per kind (taken by a request) since the last reset."""
        return self._api.state.faults_played()

    @property
    def duplicates(self):
        """Piece number -> deposits of it refused because that number was already deposited, since the last reset."""
        return self._api.state.duplicates()

    # -- uncertain answers --------------------------------------------------------------------------------------
    @property
    def works_submit_id_key(self):
        """Key of the piece id in the works submission's answer (one of WORKS_SUBMIT_ID_KEYS), None for no id."""
        return self._api.works_submit_id_key

    @works_submit_id_key.setter
    def works_submit_id_key(self, key):
        check_works_submit_id_key(key)
        self._api.works_submit_id_key = key

    @property
    def ids_as_strings(self):
        """Whether the works search gives ids and amounts as strings (the notes say they may)."""
        return self._api.ids_as_strings

    @ids_as_strings.setter
    def ids_as_strings(self, value):
        self._api.ids_as_strings = bool(value)

    @property
    def flow_works_frames(self):
        """Whether a Factur-X flow may carry a works frame (A4, A6...) in BT-23 (UNCERTAIN); False: IN_REJETE."""
        return self._api.flow_works_frames

    @flow_works_frames.setter
    def flow_works_frames(self, value):
        self._api.flow_works_frames = bool(value)

    @property
    def works_submit_route(self):
        """Whether facturesTravaux/v1/soumettre exists (UNCERTAIN); False: it answers 404 like an unknown path."""
        return self._api.works_submit_route

    @works_submit_route.setter
    def works_submit_route(self, value):
        self._api.works_submit_route = bool(value)

    @property
    def works_submit_legacy_route(self):
        """Whether the pre-PISTE name facturesTravaux/v1/soumettreFactureTravaux exists (UNCERTAIN; off by default)."""
        return self._api.works_submit_legacy_route

    @works_submit_legacy_route.setter
    def works_submit_legacy_route(self, value):
        self._api.works_submit_legacy_route = bool(value)

    @property
    def works_attachment_shape(self):
        """The only shape of pieceJointePrincipale the works submission takes ("list", "object"; None: both)."""
        return self._api.works_attachment_shape

    @works_attachment_shape.setter
    def works_attachment_shape(self, shape):
        check_attachment_shape(shape)
        self._api.works_attachment_shape = shape

    @property
    def works_partner_placement(self):
        """Where a subcontractor's or co-contractor's piece must name its partner ("validator", "comment"; None:
        either)."""
        return self._api.works_partner_placement

    @works_partner_placement.setter
    def works_partner_placement(self, placement):
        check_partner_placement(placement)
        self._api.works_partner_placement = placement

    @property
    def download_container(self):
        """What telecharger/groupe gives for one piece asked as PDF: "pdf" (the file itself) or "zip" (UNCERTAIN)."""
        return self._api.download_container

    @download_container.setter
    def download_container(self, container):
        check_download_container(container)
        self._api.download_container = container

    @property
    def produced_pieces_by(self):
        """How the contractor sees the MOE's / MOA's pieces: "next_piece", "supplier_search" or None (UNCERTAIN)."""
        return self._api.produced_pieces_by

    @produced_pieces_by.setter
    def produced_pieces_by(self, way):
        check_produced_pieces_by(way)
        self._api.produced_pieces_by = way

    # -- récupération -------------------------------------------------------------------------------------------
    def set_copy(self, piece_id, content):
        """Serve these bytes as Chorus Pro's copy of the piece (telecharger/groupe), unlike the file deposited."""
        self._api.state.set_copy(piece_id, content)

    def produce_piece(self, piece_id, frame="A15_ETAT_ACOMPTE_MOE", amounts=None, comment=""):
        """The MOE's or MOA's piece produced from a contractor's piece (its amounts: montantHT, montantTVA,
        montantTTC, montantAPayer; the piece's own by default); returns it."""
        return self._api.state.produce_piece(piece_id, frame, amounts or {}, comment)

    # -- deposits -----------------------------------------------------------------------------------------------
    @property
    def pieces(self):
        """Deposited invoices and works pieces (dicts: id, kind, numeroFacture, frame, statut, history, payload...)."""
        return self._api.state.pieces()

    @property
    def files(self):
        """Uploaded files (id, name, size, sha256, mimeType, source)."""
        return self._api.state.files()

    @property
    def flows(self):
        """Deposited flows (numeroFluxDepot, name, syntaxeFlux, etatCourantDepotFlux...)."""
        return self._api.state.flows()

    def advance_circuit(self):
        """One tick of the auto-advance clock: every works piece one status on as the circuit would (an A4 stops
        before payment, which only an accepted piece, A6 or A8, reaches); returns the moved pieces."""
        return self._api.state.advance_circuit()

    def advance_works(self, piece_id=None, steps=1):
        """Move works pieces (one, or all) ``steps`` statuses along WORKS_STATUSES; returns the moved pieces."""
        return self._api.state.advance_works(piece_id, steps)

    def add_works_pieces(self, count, prefix="BULK-", status=WORKS_STATUSES[0],
                         frame="A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", status_at=None):
        """count works pieces of the seed's contractor, as if deposited (numbers prefix + 00001...); returns them.

        ``status_at`` (an aware datetime; now by default) is when they were deposited and last changed status.
        """
        seed = self._api.state.seed
        return self._api.state.add_works_pieces(seed.contractor.id, seed.no_rules, count, prefix, status, frame,
                                                status_at)

    def piece_by_number(self, number):
        """The seed contractor's piece with this number, or None."""
        return self._api.state.piece_by_number(self._api.state.seed.contractor.id, number)

    def set_status(self, piece_id, status, comment="", at=None):
        """Give a piece any status of the official Swagger (e.g. "REFUSEE_MOE", with a comment); returns the piece.

        Its dateHeureEtatCourant becomes ``at`` (an aware datetime), or now; a status the Swagger does not know is a
        ValueError.
        """
        return self._api.state.set_status(piece_id, status, comment, at)

    def reset(self, tokens=False):
        """Forget deposits, counts, faults and answer settings (issued tokens too when asked); the seed stays."""
        self._api.reset(tokens=tokens)
