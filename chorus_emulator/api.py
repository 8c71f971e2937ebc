"""Dispatch of one API request: token endpoint, route lookup (in routes.ROUTES), authentication, JSON, validation,
handler."""

import base64
import binascii
import json
import logging

from .config import (
    API_FAMILIES,
    DEFAULT_WORKS_SUBMIT_ID_KEY,
    MAX_PAGE_SIZE,
    SERVED_OPERATIONS,
    check_attachment_shape,
    check_download_container,
    check_partner_placement,
    check_produced_pieces_by,
    check_works_submit_id_key,
)
from .facts import TOKEN_PATH
from .faults import FaultTable
from .replies import ApiError, business_error, gateway_error
from .routes import build_routes
from .state import State
from .swagger import factures_swagger, structures_swagger
from .token import same, token_endpoint

logger = logging.getLogger(__name__)


class Api:
    """The emulated service: state, faults and routes; ``handle`` turns a request into a Reply."""

    def __init__(self, seed, token_lifetime=3600, subscribed=(), max_page_size=MAX_PAGE_SIZE,
                 works_submit_id_key=DEFAULT_WORKS_SUBMIT_ID_KEY, flow_works_frames=True, works_submit_route=True,
                 ids_as_strings=False, works_submit_legacy_route=False, works_attachment_shape=None,
                 download_container="pdf", produced_pieces_by="next_piece", works_partner_placement=None):
        check_works_submit_id_key(works_submit_id_key)
        check_download_container(download_container)
        check_produced_pieces_by(produced_pieces_by)
        check_attachment_shape(works_attachment_shape)
        check_partner_placement(works_partner_placement)
        self.state = State(seed, token_lifetime)
        self.faults = FaultTable()
        self.subscribed = set(subscribed)
        self.max_page_size = max_page_size
        # The answers to uncertain facts, as first set (reset() restores them):
        # - works_submit_id_key: the key of the piece id in the works submission's answer (None: no id);
        # - ids_as_strings: whether the works search gives ids and amounts as strings;
        # - flow_works_frames: whether a Factur-X flow may carry a works frame (A4...) in BT-23;
        # - works_submit_route: whether facturesTravaux/v1/soumettre exists (False: 404 like an unknown path);
        # - works_submit_legacy_route: whether its pre-PISTE name soumettreFactureTravaux exists (True: same piece);
        # - works_attachment_shape: the only shape of pieceJointePrincipale it takes ("list", "object"; None: both);
        # - download_container: what telecharger/groupe gives for one piece asked as PDF ("pdf" itself, or a "zip");
        # - produced_pieces_by: how the contractor sees the MOE's / MOA's pieces ("next_piece", "supplier_search";
        #   None: not exposed);
        # - works_partner_placement: where a subcontractor's or co-contractor's piece must name its partner
        #   ("validator", "comment"; None: either).
        self._initial_answers = {"works_submit_id_key": works_submit_id_key, "ids_as_strings": bool(ids_as_strings),
                                 "flow_works_frames": bool(flow_works_frames),
                                 "works_submit_route": bool(works_submit_route),
                                 "works_submit_legacy_route": bool(works_submit_legacy_route),
                                 "works_attachment_shape": works_attachment_shape,
                                 "download_container": download_container, "produced_pieces_by": produced_pieces_by,
                                 "works_partner_placement": works_partner_placement}
        self._restore_answers()
        self.routes = build_routes()
        self.swagger = structures_swagger()
        self.swaggers = (structures_swagger(), factures_swagger())

    def handle(self, method, path, headers, body):
        """The Reply to a request on an API path (control endpoints are not served here)."""
        try:
            if path == TOKEN_PATH:
                return token_endpoint(self, method, headers, body)
            route = self._route(method, path)
            self._authenticate(headers)
            data = _parse_json(headers, body) if route.method == "POST" else {}
            return self._run(route, data)
        except ApiError as error:
            return error.reply

    def inject(self, path, kind, count=1, latency=0.0, **options):
        """Queue a fault on a path, an operation name (see SERVED_OPERATIONS), "token" or "*"; returns it."""
        path = TOKEN_PATH if path == "token" else SERVED_OPERATIONS.get(path, path)
        return self.faults.add(path, kind, count=count, latency=latency, **options)

    def reset(self, tokens=False):
        """Forget deposits and counts, drop faults, answer the uncertain facts as first set (and forget tokens)."""
        self.state.reset(tokens=tokens)
        self.faults.clear()
        self._restore_answers()

    def _restore_answers(self):
        for name, value in self._initial_answers.items():
            setattr(self, name, value)

    def settings(self):
        """The answers to uncertain facts as now set (name -> value)."""
        return {name: getattr(self, name) for name in self._initial_answers}

    def snapshot(self):
        """Everything the emulator holds, as plain data (for GET /_emulator/state)."""
        return {
            "seed": self.state.seed.as_dict(), "pieces": self.state.pieces(), "files": self.state.files(),
            "flows": self.state.flows(), "request_counts": self.state.counts(), "faults": self.faults.snapshot(),
            "faults_played": self.state.faults_played(), "duplicates": self.state.duplicates(),
            "token_lifetime": self.state.token_lifetime, "subscribed": sorted(self.subscribed),
            "operations": {route.name: route.path for route in self.routes.values()}, "settings": self.settings(),
        }

    def _route(self, method, path):
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "cpro" or parts[2] not in API_FAMILIES:
            raise gateway_error(404, "No resources match requested URI")
        if parts[2] not in self.subscribed:
            raise gateway_error(403, f"The application is not subscribed to the API {parts[2]}")
        route = self.routes.get(path)
        if route is None or not self._served(route):
            raise gateway_error(404, "No resources match requested URI")
        if method != route.method:
            raise gateway_error(405, f"Use {route.method}", {"Allow": route.method})
        return route

    def _served(self, route):
        """Whether a route of an uncertain path is served as now set (every other route is)."""
        if route.name == "works_submit":
            return self.works_submit_route
        if route.name == "works_submit_legacy":
            return self.works_submit_legacy_route
        return True

    def _authenticate(self, headers):
        scheme, _space, token = (headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not self.state.token_valid(token.strip()):
            raise gateway_error(401, "Missing, invalid or expired access token",
                                {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if not self._account_valid(headers.get("cpro-account")):
            raise gateway_error(401, "Missing or invalid cpro-account header (base64 of login:password)")

    def _account_valid(self, value):
        try:
            login, colon, password = base64.b64decode(value or "", validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        credentials = self.state.seed.credentials
        return bool(colon) and same(login, credentials["login"]) and same(password, credentials["password"])

    def _official(self, path):
        """The official Swagger that describes this path, or None."""
        return next((swagger for swagger in self.swaggers if swagger.operation(path) is not None), None)

    def _run(self, route, data):
        official = self._official(route.path)
        problems = []
        if official is not None:
            problems += official.validate(official.request_schema(route.path) or {}, data, strict=True)
        if route.schema is not None:  # what the notes require, which the official schemas leave optional
            problems += self.swagger.validate(route.schema, data, strict=route.strict and official is None)
        _refuse_problems(list(dict.fromkeys(problems)))
        reply = route.handler(self, data)
        answer_schema = official.response_schema(route.path, reply.status) if official else None
        problems = official.validate(answer_schema, reply.body, strict=True) if answer_schema else []
        if problems:
            logger.error("emulator bug: the answer of %s does not match the Swagger: %s", route.path, problems)
            return gateway_error(500, "The emulator built an answer that does not match the Swagger").reply
        return reply


def _refuse_problems(problems):
    if problems:
        raise business_error("invalid", "; ".join(problems))


def _parse_json(headers, body):
    content_type = (headers.get("Content-Type") or "application/json").lower()
    if "json" not in content_type:
        raise gateway_error(415, f"Unsupported Content-Type {content_type!r}; send application/json")
    try:
        data = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError) as error:
        raise business_error("malformed", f"Malformed JSON body: {error}") from None
    if not isinstance(data, dict):
        raise business_error("malformed", "The body must be a JSON object")
    return data
