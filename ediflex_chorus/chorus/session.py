"""The HTTP session with Chorus Pro: PISTE token, technical account, one HTTP session, typed errors.

The PISTE token is cached per process for the same (token URL, client id, secret), shared by every
session, and renewed shortly before it expires. On a 401 the session fetches a new token and retries
once. Transient failures are raised, never retried here: retrying (with backoff, after looking the piece
up) is the caller's decision, since a submission is not idempotent. Large files are sent as streamed
bodies (_Base64Body). The operations (structures, works pieces, flows) are in client.py.
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


def _json_object(response):
    """The JSON object of an answer's body, or None when it is not one (the one parser of Chorus Pro's answers)."""
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _oauth_error(response):
    """The OAuth2 ``error`` code of a token endpoint's answer, or None when the body carries none."""
    error = (_json_object(response) or {}).get("error")
    return error if isinstance(error, str) and error else None




class Session:
    """The session of one Chorus Pro account through the PISTE gateway: its token, its calls, its errors."""

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
        payload = _json_object(response) or {}
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
        payload = _json_object(response)
        if payload is None:
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
        payload = _json_object(response) or {}
        code = _as_int(payload.get("codeRetour"), None) or ep.TOO_LARGE_STATUS
        label = self._scrub(payload.get("libelle"), token) or "the file is too large for Chorus Pro"
        return ChorusBusinessError(label, code=code, http_status=response.status_code, operation=operation)


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

