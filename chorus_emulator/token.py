"""The PISTE OAuth2 token endpoint (client credentials grant)."""

import base64
import binascii
import hmac
import urllib.parse

from .replies import ApiError, Reply, gateway_error

SCOPE = "openid"


def _oauth_error(error, description):
    return ApiError(Reply(400, {"error": error, "error_description": description}))


def _basic_client(headers):
    """(client_id, client_secret) from an HTTP Basic Authorization header, or (None, None)."""
    scheme, _space, value = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        client_id, _colon, secret = base64.b64decode(value).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return urllib.parse.unquote(client_id), urllib.parse.unquote(secret)


def same(given, expected):
    """Constant-time comparison of a received secret with the expected one (None never matches)."""
    return given is not None and hmac.compare_digest(str(given).encode("utf-8"), expected.encode("utf-8"))


def _form(body):
    try:
        return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise _oauth_error("invalid_request", "the body must be an URL-encoded form") from None


def token_endpoint(api, method, headers, body):
    """Answer a token request: form POST grant_type=client_credentials, client_id, client_secret, scope=openid."""
    if method != "POST":
        raise gateway_error(405, "Use POST", {"Allow": "POST"})
    form = _form(body)
    if form.get("grant_type") != "client_credentials":
        raise _oauth_error("unsupported_grant_type", "only grant_type=client_credentials is supported")
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if client_id is None:
        client_id, secret = _basic_client(headers)
    expected = api.state.seed.credentials
    if not (same(client_id, expected["client_id"]) and same(secret, expected["client_secret"])):
        raise _oauth_error("invalid_client", "client authentication failed")
    scopes = form.get("scope", SCOPE).split()
    if SCOPE not in scopes:
        raise _oauth_error("invalid_scope", f"the scope must include {SCOPE}")
    token, lifetime = api.state.issue_token()
    return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": SCOPE})
