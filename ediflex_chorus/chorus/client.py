"""Chorus Pro REST client: PISTE token, technical account, one HTTP session, typed errors, every page.

The PISTE token is cached per process for the same (token URL, client id, secret), shared by every
client instance, and renewed shortly before it expires. On a 401 the client fetches a new token and
retries once. Transient failures are raised, never retried here: retrying (with backoff, after looking
the piece up) is the caller's decision, since a submission is not idempotent.
"""

import base64
import datetime
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import requests

from . import endpoints as ep
from .checks import StructureRules
from .errors import (
    ChorusAuthError,
    ChorusBusinessError,
    ChorusError,
    ChorusNetworkError,
    ChorusProtocolError,
    ChorusRouteError,
    ChorusServerError,
)

_logger = logging.getLogger(__name__)

TOKEN_OPERATION = "token"
_MASK = "***"


@dataclass(frozen=True)
class Credentials:
    """PISTE application credentials and the Chorus Pro technical account (repr hides the secrets)."""

    client_id: str
    client_secret: str = field(repr=False)
    login: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class _Token:
    value: str = field(repr=False)
    expires_at: float  # on the _now() clock; already minus the renewal margin


_TOKENS = {}  # cache key -> _Token, shared by every client of the process
_TOKEN_LOCKS = {}  # cache key -> lock held while one thread fetches that key's token
_CACHE_LOCK = threading.Lock()


def _now():
    """Monotonic clock of the token cache (patched by tests)."""
    return time.monotonic()


def clear_token_cache():
    """Forget every cached PISTE token of the process."""
    with _CACHE_LOCK:
        _TOKENS.clear()


def _cache_key(token_url, credentials):
    """Cache key: token URL, client id and a hash of the secret (never the secret itself)."""
    digest = hashlib.sha256(credentials.client_secret.encode("utf-8")).hexdigest()
    return (token_url, credentials.client_id, digest)


def _key_lock(key):
    """The lock serialising token fetches for one cache key."""
    with _CACHE_LOCK:
        return _TOKEN_LOCKS.setdefault(key, threading.Lock())


def _token_margin(expires_in):
    """Seconds before expiry at which a token is renewed (at most half its lifetime)."""
    return min(float(ep.TOKEN_MARGIN_SECONDS), expires_in / 2.0)


def _json_default(value):
    """JSON encoding of the Decimal and date values a payload may hold."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode(body):
    """UTF-8 JSON bytes of a request body."""
    return json.dumps(body, ensure_ascii=False, default=_json_default).encode("utf-8")


def _as_int(value, default):
    """An int read from a JSON value, or default."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _oauth_error(response):
    """The OAuth2 ``error`` code of a token endpoint's answer, or None when the body carries none."""
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, str) and error else None


def _extension(name):
    """The extension of a file name, upper case, without the dot ("" when there is none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.upper() if dot and stem else ""


class ChorusClient:
    """Client of the Chorus Pro API through the PISTE gateway."""

    def __init__(self, credentials, environment="qualification", api_base=None, token_url=None, timeout=30.0,
                 session=None, page_size=ep.PAGE_SIZE):
        if environment not in ep.ENVIRONMENTS:
            raise ValueError(f"Unknown Chorus Pro environment {environment!r}")
        env = ep.ENVIRONMENTS[environment]
        self.credentials = credentials
        self.environment = environment
        self.api_base = (api_base or env.api_base).rstrip("/")
        if token_url is None:
            token_url = self.api_base + ep.TOKEN_PATH if api_base else env.token_url
        self.token_url = token_url
        self.timeout = timeout
        self.page_size = page_size
        self.session = session if session is not None else requests.Session()
        self._own_session = session is None
        self._key = _cache_key(self.token_url, credentials)
        account = f"{credentials.login}:{credentials.password}".encode()
        self._account = base64.b64encode(account).decode("ascii")

    def __repr__(self):
        return (f"ChorusClient(environment={self.environment!r}, api_base={self.api_base!r}, "
                f"client_id={self.credentials.client_id!r})")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the HTTP session if this client created it."""
        if self._own_session:
            self.session.close()

    # ------------------------------------------------------------------ secrets

    def _scrub(self, text, token=None):
        """Text with every secret (client secret, password, account header, token) masked."""
        if text is None:
            return None
        text = str(text)
        creds = self.credentials
        for secret in (creds.client_secret, creds.password, self._account, token):
            if secret:
                text = text.replace(secret, _MASK)
        return text

    # ------------------------------------------------------------------ token

    def _token(self):
        """A valid PISTE access token, from the process cache or freshly fetched."""
        cached = _TOKENS.get(self._key)
        if cached is not None and cached.expires_at > _now():
            return cached.value
        with _key_lock(self._key):
            cached = _TOKENS.get(self._key)
            if cached is not None and cached.expires_at > _now():
                return cached.value
            token = self._fetch_token()
            with _CACHE_LOCK:
                _TOKENS[self._key] = token
            return token.value

    def _drop_token(self, value):
        """Forget the cached token if it is still the refused one (another thread may have renewed it)."""
        with _CACHE_LOCK:
            cached = _TOKENS.get(self._key)
            if cached is not None and cached.value == value:
                del _TOKENS[self._key]

    def _fetch_token(self):
        """Ask PISTE for a client-credentials token."""
        creds = self.credentials
        form = {"grant_type": "client_credentials", "client_id": creds.client_id,
                "client_secret": creds.client_secret, "scope": ep.TOKEN_SCOPE}
        response = self._http(TOKEN_OPERATION, "POST", self.token_url, data=form,
                              headers={"Accept": "application/json"})
        status = response.status_code
        # A 400 is a refusal only with an OAuth2 error (RFC 6749, 5.2): a gateway's 400 page is a passing glitch.
        if status == 401 or (status == 400 and _oauth_error(response)):
            raise self._token_refusal(response)
        self._check_status(TOKEN_OPERATION, status)
        payload = self._json(TOKEN_OPERATION, response)
        value = payload.get("access_token")
        expires_in = _as_int(payload.get("expires_in", 3600), None)
        if not isinstance(value, str) or not value or expires_in is None:
            raise ChorusProtocolError("the token answer has no access_token or expires_in", code="malformed",
                                      http_status=status, operation=TOKEN_OPERATION)
        return _Token(value, _now() + expires_in - _token_margin(expires_in))

    def _token_refusal(self, response):
        """ChorusAuthError for a PISTE 400/401 (invalid_client and the like)."""
        try:
            payload = json.loads(response.content)
        except ValueError:
            payload = None
        payload = payload if isinstance(payload, dict) else {}
        label = payload.get("error_description") or "PISTE refused the client credentials"
        return ChorusAuthError(self._scrub(label), code=self._scrub(payload.get("error")) or response.status_code,
                               http_status=response.status_code, operation=TOKEN_OPERATION)

    # ------------------------------------------------------------------ HTTP

    def _http(self, operation, method, url, **kwargs):
        """One HTTP exchange; network failures become ChorusNetworkError (no request detail kept)."""
        try:
            response = self.session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise ChorusNetworkError("no answer before the timeout", code="timeout", operation=operation) from None
        except requests.RequestException as exc:
            raise ChorusNetworkError(f"connection failed ({type(exc).__name__})", code="network",
                                     operation=operation) from None
        _logger.debug("Chorus Pro %s: HTTP %s", operation, response.status_code)
        return response

    def _send(self, operation, method, url, data, token):
        """Send one API request with the Bearer token and the cpro-account header."""
        headers = {"Authorization": f"Bearer {token}", ep.ACCOUNT_HEADER: self._account,
                   "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = ep.CONTENT_TYPE
        if isinstance(data, _Base64Body):
            data = data.fresh()
            headers["Content-Length"] = str(len(data))
        return self._http(operation, method, url, data=data, headers=headers)

    def call(self, operation, body=None, path=None):
        """Call one operation of endpoints.OPERATIONS and return its JSON answer (codeRetour checked).

        ``path`` replaces the operation's path (the deposit diagnostic tries the candidates of an uncertain one).
        """
        if operation not in ep.OPERATIONS:
            raise ValueError(f"Unknown Chorus Pro operation {operation!r}")
        url = self.api_base + (path or ep.OPERATIONS[operation])
        method = "POST"
        # Bytes are sent as they are: the deposit road gives the exact body it recorded.
        data = body if isinstance(body, (_Base64Body, bytes)) else _encode(body if body is not None else {})
        try:
            token = self._token()
            response = self._send(operation, method, url, data, token)
            if response.status_code == 401:
                _logger.info("Chorus Pro %s: HTTP 401, renewing the token once", operation)
                self._drop_token(token)
                token = self._token()
                response = self._send(operation, method, url, data, token)
            return self._answer(operation, response, token)
        except ChorusError as exc:
            # A documented "no result" is an answer, not a failure: it is not worth a warning.
            quiet = exc.code in ep.NO_RESULT_CODES.get(operation, ())
            _logger.log(logging.DEBUG if quiet else logging.WARNING, "Chorus Pro %s failed: %s (HTTP %s, code %s)",
                        operation, type(exc).__name__, exc.http_status, self._scrub(exc.code))
            raise

    def _check_status(self, operation, status):
        """Raise for the HTTP statuses that carry no Chorus Pro answer (401, 403/404, 3xx, 429, 5xx)."""
        if status == 401:
            raise ChorusAuthError("the token or the technical account (cpro-account) was refused twice",
                                  code=401, http_status=status, operation=operation)
        if status in (403, 404, 405) or 300 <= status < 400:
            raise ChorusRouteError("API not subscribed on PISTE or unknown route", code=status,
                                   http_status=status, operation=operation)
        if status == 429:
            raise ChorusServerError("too many requests", code=status, http_status=status, operation=operation)
        if status >= 500:
            raise ChorusServerError("server unavailable", code=status, http_status=status, operation=operation)

    def _json(self, operation, response):
        """The JSON object of an answer, or ChorusProtocolError."""
        try:
            payload = json.loads(response.content)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ChorusProtocolError("the answer is not a JSON object", code="malformed",
                                      http_status=response.status_code, operation=operation)
        return payload

    def _answer(self, operation, response, token):
        """The answer of a 2xx/4xx whose codeRetour is 0, else the matching ChorusError."""
        status = response.status_code
        self._check_status(operation, status)
        if status == ep.TOO_LARGE_STATUS:
            raise self._too_large(operation, response, token)
        payload = self._json(operation, response)
        code = payload.get("codeRetour")
        if code is None:
            if status < 300:
                return payload
            raise ChorusProtocolError("the error answer has no codeRetour", code="malformed",
                                      http_status=status, operation=operation)
        code = _as_int(code, code)
        if code == ep.SUCCESS_CODE and status < 300:
            return payload
        label = self._scrub(payload.get("libelle"), token) or "no label"
        raise ChorusBusinessError(label, code=self._scrub(code, token) if isinstance(code, str) else code,
                                  http_status=status, operation=operation)

    def _too_large(self, operation, response, token):
        """ChorusBusinessError for an HTTP 413: the file refused for its size, with Chorus Pro's code and label
        when the answer carries them (the gateway's own page does not: retrying would get the same 413).
        """
        try:
            payload = json.loads(response.content)
        except ValueError:
            payload = None
        payload = payload if isinstance(payload, dict) else {}
        code = _as_int(payload.get("codeRetour"), None) or ep.TOO_LARGE_STATUS
        label = self._scrub(payload.get("libelle"), token) or "the file is too large for Chorus Pro"
        return ChorusBusinessError(label, code=code, http_status=response.status_code, operation=operation)

    # ------------------------------------------------------------------ pages

    def _pages(self, operation, body):
        """Each page of a paginated search, as a list, until pageCourante >= pages."""
        paging_key, list_key = ep.PAGINATION[operation]
        page = 1
        while True:
            request = dict(body)
            request[paging_key] = {**(body.get(paging_key) or {}), "pageResultatDemandee": page,
                                   "nbResultatsParPage": self.page_size}
            answer = self._call_or_empty(operation, request)
            chunk = answer.get(list_key) or []
            if not isinstance(chunk, list):
                raise ChorusProtocolError(f"{list_key} is not a list", code="malformed", operation=operation)
            yield chunk
            info = answer.get("parametresRetour") or {}
            current = _as_int(info.get("pageCourante"), page)
            pages = _as_int(info.get("pages"), current)
            if current >= pages or not chunk:
                return
            if current != page or page >= ep.MAX_PAGES:
                raise ChorusProtocolError(f"page {page} was asked, page {current} of {pages} came back",
                                          code="pagination", operation=operation)
            page += 1

    def _call_or_empty(self, operation, body):
        """The answer of a search; a documented "no result" code gives an empty answer, not an error."""
        try:
            return self.call(operation, body)
        except ChorusBusinessError as error:
            if error.code in ep.NO_RESULT_CODES.get(operation, ()):
                return {}
            raise

    def _all_pages(self, operation, body):
        """Every item of a paginated search."""
        return [item for chunk in self._pages(operation, body) for item in chunk]

    # ------------------------------------------------------------------ structures

    def search_structures(self, siret):
        """Structures whose identifier is this SIRET (listeStructures)."""
        body = {"structure": {"identifiantStructure": siret, "typeIdentifiantStructure": ep.SIRET_TYPE}}
        return self._all_pages("structures_search", body)

    def find_structure_id(self, siret):
        """The Chorus Pro id (idStructureCPP) of the structure with this SIRET, or None."""
        for structure in self.search_structures(siret):
            if structure.get("identifiantStructure") == siret:
                return structure.get("idStructureCPP")
        return None

    def consult_structure(self, id_structure):
        """A structure's details and rules (parametres: service code / commitment required...)."""
        return self.call("structures_consult", {"idStructureCPP": id_structure})

    def search_services(self, id_structure):
        """Every service of a structure (listeServices, all pages)."""
        return self._all_pages("structures_services", {"idStructure": id_structure})

    def structure_rules(self, id_structure):
        """What a structure requires on the pieces it receives, as StructureRules."""
        return StructureRules.from_chorus(self.consult_structure(id_structure))

    def services(self, id_structure):
        """The services of a structure as Service values, one per code (the first listed), those without a code
        left out."""
        found = {}
        for item in self.search_services(id_structure):
            service = Service.from_answer(item)
            if service is not None:
                found.setdefault(service.code, service)
        return tuple(found.values())

    # ------------------------------------------------------------------ works pieces

    def upload_file(self, name, content, mime_type="application/pdf"):
        """Upload an attachment (transverses ajouter/fichier) and return its pieceJointeId.

        The JSON body is streamed: the base64 text is encoded chunk by chunk while it is sent, so that a large
        file is never held as base64 text, JSON text and JSON bytes at once.
        """
        fields_ = {"pieceJointeNom": name, "pieceJointeTypeMime": mime_type,
                   "pieceJointeExtension": _extension(name)}
        answer = self.call("file_upload", _Base64Body(fields_, "pieceJointeFichier", content))
        # Sent back as pieceJointePrincipaleId, an int64 in the Swagger: an id given as text is read as a number.
        attachment_id = _as_int(answer.get("pieceJointeId"), None)
        if attachment_id is None:
            raise ChorusProtocolError("the upload answer has no pieceJointeId", code="malformed",
                                      operation="file_upload")
        return attachment_id

    def submit_works(self, payload, path=None):
        """Submit a works piece (facturesTravaux soumettre, or ``path``): a dict, or the exact JSON bytes to send;
        returns a SubmitResult."""
        answer = self.call("works_submit", payload, path=path)
        for key in ep.WORKS_SUBMIT_ID_KEYS:
            piece_id = _as_int(answer.get(key), None)
            if piece_id:
                return SubmitResult(piece_id=piece_id, id_key=key)
        return SubmitResult(piece_id=None)

    def works_pages(self, since=None, until=None):
        """The supplier's works pieces whose status changed in [since, until], page by page (WorksPiece lists)."""
        body = {"roleUtilisateur": ep.SUPPLIER_ROLE}
        if since is not None:
            body[ep.WORKS_PERIOD_FROM] = _timestamp(since)
        if until is not None:
            body[ep.WORKS_PERIOD_TO] = _timestamp(until)
        for chunk in self._pages("works_search", body):
            yield [piece for piece in map(WorksPiece.from_answer, chunk) if piece is not None]

    def find_works_piece(self, piece_number, since=None):
        """The works piece numbered piece_number whose status changed since ``since``, or None.

        The works search has no filter by number: the period is searched and the number matched here.
        """
        for chunk in self.works_pages(since=since):
            for piece in chunk:
                if piece.number == piece_number:
                    return piece
        return None

    def check_connection(self, siret):
        """Each step of a connection in order, until one fails: PISTE token, technical account (a structure
        search), the company's structure found from its SIRET, the works space (the works search answers).
        """
        steps, structure_id = [], None
        for step in CONNECTION_STEPS:
            try:
                if step == "token":
                    self._token()
                elif step == "account":
                    structure_id = self.find_structure_id(siret)
                elif step == "structure" and not structure_id:
                    raise ChorusBusinessError("no structure with this SIRET", code="not_found",
                                              operation="structures_search")
                elif step == "works":
                    next(self.works_pages(), None)
            except ChorusError as error:
                steps.append((step, error))
                break
            steps.append((step, None))
        return ConnectionCheck(structure_id=structure_id, steps=tuple(steps))

    def deposit_flow(self, name, content, syntax=ep.FLOW_SYNTAX_FACTURX):
        """Deposit a file flow (factures deposer/flux, body streamed) and return its numeroFluxDepot."""
        fields_ = {"nomFichier": name, "syntaxeFlux": syntax, "avecSignature": False}
        answer = self.call("flow_deposit", _Base64Body(fields_, "fichierFlux", content))
        number = answer.get("numeroFluxDepot")
        if not isinstance(number, str) or not number:
            raise ChorusProtocolError("the flow deposit answer has no numeroFluxDepot", code="malformed",
                                      operation="flow_deposit")
        return number

    def flow_report(self, flow_number):
        """The result of a deposited flow (transverses consulterCRDetaille) as a FlowReport."""
        answer = self.call("flow_report", {"numeroFluxDepot": flow_number})
        errors = tuple(_error_text(item) for key in ep.FLOW_ERROR_LISTS for item in answer.get(key) or ())
        return FlowReport(state=answer.get("etatCourantDepotFlux") or None, errors=errors)

    def piece_status(self, piece_id):
        """The current status code of one piece (factures consulter/historique), or None."""
        answer = self.call("invoice_history", {"idFacture": piece_id})
        return answer.get("statutCourantCode") or None


CONNECTION_STEPS = ("token", "account", "structure", "works")


@dataclass(frozen=True)
class ConnectionCheck:
    """What a connection test found: the structure id, and each step tried with its error (None when it worked)."""

    structure_id: int | None
    steps: tuple

    @property
    def ok(self):
        """Whether every step was tried and worked."""
        return len(self.steps) == len(CONNECTION_STEPS) and not any(error for _step, error in self.steps)


@dataclass(frozen=True)
class FlowReport:
    """A deposited flow's state (etatCourantDepotFlux) and Chorus Pro's errors, each as one line of text."""

    state: str | None
    errors: tuple = ()

    @property
    def integrated(self):
        """Whether Chorus Pro made pieces of the flow."""
        return self.state in ep.FLOW_INTEGRATED

    @property
    def rejected(self):
        """Whether Chorus Pro refused the flow."""
        return self.state in ep.FLOW_REJECTED


def _error_text(item):
    """One error of a flow report as text: its values joined, whatever its keys (they are not documented)."""
    if isinstance(item, dict):
        return " - ".join(str(value) for value in item.values() if value not in (None, ""))
    return str(item)


@dataclass(frozen=True)
class Service:
    """One service of a structure as Chorus Pro lists it (listeServices)."""

    code: str
    name: str | None = None
    id: int | None = None
    active: bool = True

    @classmethod
    def from_answer(cls, item):
        """A Service from one item of listeServices, or None when it has no code."""
        if not isinstance(item, dict) or not item.get("codeService"):
            return None
        return cls(code=item["codeService"], name=item.get("libelleService"),
                   id=_as_int(item.get("idService"), None), active=bool(item.get("estActif", True)))


@dataclass(frozen=True)
class SubmitResult:
    """What a works submission surely returned: the piece id when the answer carried one."""

    piece_id: int | None
    id_key: str | None = None


@dataclass(frozen=True)
class WorksPiece:
    """One works piece as the works search lists it (ids and amounts may come as strings); id None = unknown."""

    id: int | None
    number: str
    status: str | None
    status_at: datetime.datetime | None = None  # naive UTC, when Chorus Pro gave the status

    @classmethod
    def from_answer(cls, item):
        """A WorksPiece from one item of listeFacturesTravaux, or None when it has no usable id or number."""
        if not isinstance(item, dict):
            return None
        piece_id = _as_int(item.get(ep.WORKS_PIECE_ID), None)
        number = item.get(ep.WORKS_PIECE_NUMBER)
        if not piece_id or not isinstance(number, str) or not number:
            return None
        return cls(id=piece_id, number=number, status=item.get(ep.WORKS_PIECE_STATUS) or None,
                   status_at=_parse_timestamp(item.get(ep.WORKS_PIECE_STATUS_AT)))


def _timestamp(moment):
    """An aware ISO 8601 date-time for the search periods (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.isoformat(timespec=ep.PERIOD_TIMESPEC)


def _parse_timestamp(text):
    """A naive UTC datetime from Chorus Pro's date-time text, or None when it is absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


class _Base64Body:
    """A JSON object body with one base64 field, produced while it is sent (requests streams it).

    Only the file's bytes are held; the base64 text is encoded in small chunks. ``fresh()`` gives a new reader,
    for the one retry after a 401.
    """

    CHUNK = 3 * 64 * 1024  # a multiple of 3: each chunk encodes to base64 without padding

    def __init__(self, fields_, b64_field, content):
        head = _encode(fields_)[:-1]  # the object without its closing brace
        self._head = head + (b", " if fields_ else b"") + json.dumps(b64_field).encode() + b': "'
        self._tail = b'"}'
        self._content = memoryview(content)
        self._length = len(self._head) + 4 * ((len(content) + 2) // 3) + len(self._tail)

    def fresh(self):
        """A new stream of the same body."""
        return _Base64Stream(self)

    def __len__(self):
        return self._length


class _Base64Stream:
    """The readable, iterable stream of a _Base64Body, with its length (so requests sends Content-Length)."""

    def __init__(self, body):
        self._body = body
        self._chunks = self._generate()
        self._buffer = b""

    def __len__(self):
        return len(self._body)

    def _generate(self):
        body = self._body
        yield body._head
        content, step = body._content, body.CHUNK
        for start in range(0, len(content), step):
            yield base64.b64encode(content[start:start + step])
        yield body._tail

    def __iter__(self):
        yield from self._chunks

    # A file-like read for http.client, not an Odoo model's read: there is no super to call.
    def read(self, size=-1):  # pylint: disable=method-required-super
        """Up to size bytes of the body (all that is left when size < 0)."""
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
