"""Faults seen by the Chorus Pro client over real HTTP: classification, codes kept, secrets never shown."""

import logging

import pytest
from chorus_emulator import Emulator
from helpers import account_header, credentials_of, deposit, make_client, ping, search_all

from chorus import endpoints as ep
from chorus import session as session_module
from chorus.client import ChorusClient
from chorus.errors import (
    ChorusAuthError,
    ChorusBusinessError,
    ChorusError,
    ChorusHumanError,
    ChorusNetworkError,
    ChorusProtocolError,
    ChorusRouteError,
    ChorusServerError,
    ChorusTransientError,
)

TOKEN = ep.TOKEN_PATH
SEARCH = ep.OPERATIONS["works_search"]

pytestmark = pytest.mark.usefixtures("fresh_token_cache")


def secrets_of(emu):
    """Every secret that must never be shown: client secret, password, account header value, issued tokens."""
    creds = emu.credentials
    account = account_header(creds["login"], creds["password"])
    tokens = [token.value for token in session_module._TOKENS.values()]
    return [creds["client_secret"], creds["password"], account, *tokens]


def assert_no_secret(emu, *texts):
    for secret in secrets_of(emu):
        for text in texts:
            assert secret not in text


def failure(client, operation="works_search"):
    """The ChorusError raised by one call of operation."""
    with pytest.raises(ChorusError) as info:
        if operation == "works_search":
            search_all(client)
        else:
            client.call(operation, {})
    return info.value


# ---------------------------------------------------------------------------------------------- transient


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error(client, emu, status):
    emu.inject("works_search", "server_error", http_status=status)
    error = failure(client)
    assert type(error) is ChorusServerError and error.retryable
    assert (error.http_status, error.code, error.operation) == (status, status, "works_search")
    assert search_all(client) == []  # the fault has passed


def test_rate_limit(client, emu):
    emu.inject("works_search", "rate_limit", retry_after=3)
    error = failure(client)
    assert type(error) is ChorusServerError and error.retryable and error.http_status == 429


def test_timeout(emu):
    emu.inject("works_search", "timeout", latency=1.0)
    with make_client(emu, timeout=0.2) as chorus:
        error = failure(chorus)
        assert type(error) is ChorusNetworkError and error.retryable and error.code == "timeout"
        assert error.http_status is None
        assert search_all(chorus) == []


def test_latency_below_the_timeout_is_fine(emu):
    emu.inject("works_search", "latency", latency=0.1)
    with make_client(emu, timeout=2.0) as chorus:
        assert search_all(chorus) == []


def test_connection_reset(client, emu):
    ping(client)  # a kept-alive connection exists
    emu.inject("works_search", "reset")
    error = failure(client)
    assert type(error) is ChorusNetworkError and error.retryable and error.code == "network"
    assert search_all(client) == []


def test_connection_refused(emu):
    with Emulator() as gone:
        url = gone.url
    chorus = ChorusClient(credentials_of(emu), api_base=url, timeout=2.0)
    with pytest.raises(ChorusNetworkError) as info:
        ping(chorus)
    assert info.value.retryable and info.value.operation == "token"


@pytest.mark.parametrize("status", [200, 400])
def test_malformed_body(client, emu, status):
    emu.inject("works_search", "malformed", http_status=status)
    error = failure(client)
    assert type(error) is ChorusProtocolError and error.retryable
    assert error.http_status == status and error.code == "malformed"


def test_json_without_codereturn_on_400(client, emu):
    emu.inject("works_search", "malformed", http_status=400, body='{"unexpected": true}')
    error = failure(client)
    assert type(error) is ChorusProtocolError and error.http_status == 400


def test_json_array_is_malformed(client, emu):
    emu.inject("works_search", "malformed", body="[1, 2]")
    assert type(failure(client)) is ChorusProtocolError


def test_pagination_that_never_moves_on(client, emu):
    stuck = ('{"codeRetour": 0, "libelle": "ok", "listeFacturesTravaux": [{"idFactureTravaux": 1, '
             '"numeroFactureTravaux": "X-A4"}], "parametresRetour": {"pageCourante": 1, "pages": 3}}')
    emu.inject("works_search", "malformed", count=None, body=stuck)
    error = failure(client)
    assert type(error) is ChorusProtocolError and error.code == "pagination"
    assert emu.request_counts[SEARCH] == 2


def test_list_that_is_not_a_list(client, emu):
    emu.inject("works_search", "malformed", body='{"codeRetour": 0, "libelle": "ok", "listeFacturesTravaux": "x"}')
    assert type(failure(client)) is ChorusProtocolError


def test_string_return_code(client, emu):
    emu.inject("works_search", "malformed", body='{"codeRetour": "0", "libelle": "ok", "listeFacturesTravaux": []}')
    assert search_all(client) == []
    emu.inject("works_search", "malformed", body='{"codeRetour": "20002", "libelle": "GCU"}')
    error = failure(client)
    assert type(error) is ChorusBusinessError and error.code == 20002


def test_token_endpoint_faults(client, emu):
    emu.inject("token", "server_error", http_status=503)
    error = failure(client)
    assert type(error) is ChorusServerError and error.operation == "token"
    emu.inject("token", "malformed")
    error = failure(client)
    assert type(error) is ChorusProtocolError and error.operation == "token"
    assert search_all(client) == []


def test_fault_on_every_route(client, emu):
    emu.inject("*", "server_error", count=None)
    assert type(failure(client)) is ChorusServerError
    emu.clear_faults()
    assert ping(client) == emu.seed.contractor.id


# ---------------------------------------------------------------------------------------------- a human must act


@pytest.mark.parametrize("status", [200, 400])
def test_business_error(client, emu, status):
    emu.inject("works_search", "business_error", http_status=status, code=20002, label="GCU_MSG_DOUBLON")
    error = failure(client)
    assert type(error) is ChorusBusinessError and not error.retryable
    assert (error.code, error.label, error.http_status) == (20002, "GCU_MSG_DOUBLON", status)
    assert "20002" in str(error) and "GCU_MSG_DOUBLON" in str(error)


def test_real_business_error_of_the_emulator(client, emu):
    from test_client import works_payload

    payload, document = works_payload(emu.seed, "SIT-DUP-01")
    deposit(client, payload, document)
    with pytest.raises(ChorusBusinessError) as info:
        deposit(client, payload, document)  # the same piece number again
    assert info.value.code == 20002 and "SIT-DUP-01-A4" in info.value.label
    bad = {**payload, "destinataire": {"codeDestinataire": "11111111111111"}}
    with pytest.raises(ChorusBusinessError) as info:
        deposit(client, bad, document)
    assert info.value.http_status == 400 and "codeDestinataire" in info.value.label


def test_bad_client_secret(emu):
    with make_client(emu, credentials_of(emu, client_secret="wrong-secret")) as chorus:
        with pytest.raises(ChorusAuthError) as info:
            ping(chorus)
    error = info.value
    assert not error.retryable and error.code == "invalid_client" and error.operation == "token"
    assert "wrong-secret" not in str(error) + repr(error)
    assert emu.request_counts == {TOKEN: 1}


def test_bad_technical_account_password(emu):
    with make_client(emu, credentials_of(emu, password="wrong-password")) as chorus:
        with pytest.raises(ChorusAuthError) as info:
            ping(chorus)
    error = info.value
    assert error.http_status == 401 and not error.retryable and isinstance(error, ChorusHumanError)
    assert "wrong-password" not in str(error) + repr(error)
    assert emu.request_counts == {TOKEN: 2, ep.OPERATIONS["structures_search"]: 2}  # one new token, one retry


def test_401_twice_is_an_auth_error(client, emu):
    ping(client)
    emu.reset_counts()
    emu.inject("works_search", "expired_token", count=None)
    assert type(failure(client)) is ChorusAuthError
    assert emu.request_counts == {TOKEN: 1, SEARCH: 2}


def test_unknown_route(client, emu, monkeypatch):
    monkeypatch.setitem(ep.OPERATIONS, "works_search", "/cpro/facturesTravaux/v1/inconnu")
    error = failure(client)
    assert type(error) is ChorusRouteError and error.http_status == 404 and not error.retryable


def test_api_not_subscribed(client, emu):
    emu.subscribed = {"factures", "structures", "transverses"}
    error = failure(client)
    assert type(error) is ChorusRouteError and error.http_status == 403


def test_wrong_token_url(emu):
    chorus = ChorusClient(credentials_of(emu), api_base=emu.url, token_url=emu.url + "/oauth/nope")
    with pytest.raises(ChorusRouteError):
        ping(chorus)


# ---------------------------------------------------------------------------------------------- classification


@pytest.mark.parametrize(("kind", "options", "error_class", "retryable"), [
    ("server_error", {}, ChorusServerError, True),
    ("rate_limit", {}, ChorusServerError, True),
    ("reset", {}, ChorusNetworkError, True),
    ("timeout", {"latency": 1.0}, ChorusNetworkError, True),
    ("malformed", {}, ChorusProtocolError, True),
    ("business_error", {"http_status": 200}, ChorusBusinessError, False),
    ("business_error", {"http_status": 400}, ChorusBusinessError, False),
    ("expired_token", {"count": None}, ChorusAuthError, False),
])
def test_classification(emu, kind, options, error_class, retryable):
    emu.inject("works_search", kind, **options)
    with make_client(emu, timeout=0.3) as chorus:
        error = failure(chorus)
    assert type(error) is error_class and error.retryable is retryable
    assert isinstance(error, ChorusTransientError if retryable else ChorusHumanError)


# ---------------------------------------------------------------------------------------------- secrets


FAULTS = [
    ("server_error", {}), ("rate_limit", {}), ("reset", {}), ("timeout", {"latency": 1.0}), ("malformed", {}),
    ("business_error", {}), ("expired_token", {"count": None}),
]


@pytest.mark.parametrize(("kind", "options"), FAULTS)
def test_no_secret_in_errors_or_logs(emu, caplog, kind, options):
    caplog.set_level(logging.DEBUG)
    emu.inject("works_search", kind, **options)
    with make_client(emu, timeout=0.3) as chorus:
        error = failure(chorus)
        texts = [str(error), repr(error), repr(chorus), repr(chorus.credentials)]
    logged = [record.getMessage() + repr(record.args) for record in caplog.records]
    assert any("works_search" in text for text in logged)
    assert_no_secret(emu, *texts, *logged)


def test_echoed_secrets_are_masked(client, emu, caplog):
    caplog.set_level(logging.DEBUG)
    ping(client)
    creds = emu.credentials
    [token] = [token.value for token in session_module._TOKENS.values()]
    account = account_header(creds["login"], creds["password"])
    echo = (f"request headers: Authorization: Bearer {token}; cpro-account: {account}; "
            f"password={creds['password']} secret={creds['client_secret']}")
    emu.inject("works_search", "business_error", label=echo)
    error = failure(client)
    assert "***" in error.label and "request headers" in error.label
    logged = [record.getMessage() for record in caplog.records]
    assert_no_secret(emu, str(error), repr(error), *logged)


def test_token_refusal_echo_is_masked(emu):
    emu.inject("token", "business_error", http_status=401, label="x")  # a 401 on the token endpoint
    with make_client(emu) as chorus:
        with pytest.raises(ChorusAuthError) as info:
            ping(chorus)
    assert_no_secret(emu, str(info.value), repr(info.value))


def test_credentials_and_client_repr_hide_secrets(emu):
    creds = credentials_of(emu)
    chorus = ChorusClient(creds, api_base=emu.url)
    assert_no_secret(emu, repr(creds), str(creds), repr(chorus))
    assert creds.client_id in repr(creds) and creds.login in repr(creds)


@pytest.mark.parametrize("body", ['{"unexpected": true}', "<html>Bad Request</html>", '{"error": ""}'])
def test_token_400_without_an_oauth_error_is_a_passing_glitch(client, emu, body):
    # A gateway's 400 page on the token endpoint is no credential refusal: retried, not "rejected".
    emu.inject("token", "malformed", http_status=400, body=body, content_type="application/json")
    error = failure(client)
    assert type(error) is ChorusProtocolError and error.retryable and error.operation == "token"
    assert search_all(client) == []


def test_token_400_with_an_oauth_error_is_a_refusal(client, emu):
    emu.inject("token", "malformed", http_status=400, body='{"error": "invalid_client"}',
               content_type="application/json")
    error = failure(client)
    assert type(error) is ChorusAuthError and not error.retryable and error.code == "invalid_client"
