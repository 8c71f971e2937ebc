"""The Chorus Pro client over real HTTP against the emulator: every operation, tokens, headers, pages."""

import dataclasses
import datetime
import logging
import threading
from decimal import Decimal

import pytest
import requests
from chorus_emulator import Emulator
from chorus_emulator.facts import WORKS_STATUSES
from helpers import account_header, credentials_of, deposit, make_client, ping, search_all

from chorus import client as client_module
from chorus import endpoints as ep
from chorus import session as session_module
from chorus import works
from chorus.client import ChorusClient, Credentials

pytestmark = pytest.mark.usefixtures("fresh_token_cache")

TOKEN = ep.TOKEN_PATH
PDF = b"%PDF-1.4\n% test situation\n"


def make_situation(seed, reference):
    """A valid monthly situation between the seeded contractor, body and MOE."""
    today = datetime.date.today()
    owner = works.Party(seed.no_rules.siret, seed.no_rules.name, "TECHNIQUE", seed.no_rules.id)
    manager = works.Party(seed.moe.siret, seed.moe.name, "MOE", seed.moe.id)
    line = works.SituationLine("Structural work", Decimal("10000.00"), Decimal("25"), Decimal("1000.00"))
    return works.Situation(
        piece_number=reference, date=today, period_start=today.replace(day=1), period_end=today, final=False,
        contractor=works.Party(seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id),
        contract=works.Contract("MARCHE-2026-001", "EJ-0001", owner, manager), lines=(line,),
        retention_rate=Decimal("5"), document=works.Document(f"{reference}.pdf", PDF),
    )


def works_payload(seed, reference, frame=works.Frame.A4):
    """(payload, document) of a works piece."""
    situation = make_situation(seed, reference)
    return works.build_works_payload(frame, situation), situation.document


def api_calls(emu):
    """Requests on API paths (the token endpoint excluded)."""
    return sum(count for path, count in emu.request_counts.items() if path != TOKEN)


class RecordingSession(requests.Session):
    """A requests session that keeps the headers of every request it sends."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append((request.method, request.url, dict(request.headers)))
        return super().send(request, **kwargs)


# ---------------------------------------------------------------------------------------------- operations


def test_structures(client, emu):
    seed = emu.seed
    found = client.search_structures(seed.contractor.siret)
    assert [item["idStructureCPP"] for item in found] == [seed.contractor.id]
    assert client.find_structure_id(seed.no_rules.siret) == seed.no_rules.id
    assert client.find_structure_id("99999999999999") is None


def test_consult_structure_rules(client, emu):
    rules = client.consult_structure(emu.seed.service_required.id)["parametres"]
    assert rules["codeServiceDoitEtreRenseigne"] is True
    assert client.consult_structure(emu.seed.no_rules.id)["parametres"]["codeServiceDoitEtreRenseigne"] is False


def test_structure_rules_are_typed(client, emu):
    assert client.structure_rules(emu.seed.service_required.id).service_code_required is True
    assert client.structure_rules(emu.seed.no_rules.id).service_code_required is False


def test_services_are_typed_one_per_code(client, emu):
    body = emu.seed.service_required
    services = client.services(body.id)
    assert [(s.code, s.id, s.active) for s in services] == [(s.code, s.id, s.active) for s in body.services]
    assert all(isinstance(s.name, str) and s.name for s in services)


def test_a_service_without_code_is_left_out_and_a_repeated_code_kept_once():
    from chorus.client import Service

    assert Service.from_answer({"libelleService": "no code"}) is None
    assert Service.from_answer({"codeService": "S1", "idService": "12", "estActif": False}) == Service(
        code="S1", name=None, id=12, active=False)


def test_services_read_every_page(client, emu):
    body = emu.seed.service_required
    assert len(body.services) > ep.PAGE_SIZE  # the seed spans several pages
    emu.reset_counts()
    services = client.search_services(body.id)
    assert [item["idService"] for item in services] == [service.id for service in body.services]
    assert emu.request_counts[ep.OPERATIONS["structures_services"]] == 3


def test_services_small_pages(emu, creds):
    with make_client(emu, creds, page_size=40) as chorus:
        services = chorus.search_services(emu.seed.service_required.id)
    assert len({item["codeService"] for item in services}) == 250
    assert emu.request_counts[ep.OPERATIONS["structures_services"]] == 7


def test_server_capping_the_page_size(creds):
    with Emulator(max_page_size=30) as small, make_client(small, credentials_of(small)) as chorus:
        services = chorus.search_services(small.seed.service_required.id)
        assert len(services) == 250 and small.request_counts[ep.OPERATIONS["structures_services"]] == 9


def test_single_page_search_makes_one_call(client, emu):
    emu.reset_counts()
    assert len(client.search_services(emu.seed.no_rules.id)) == 2
    assert emu.request_counts[ep.OPERATIONS["structures_services"]] == 1


def test_upload_file(client, emu):
    attachment_id = client.upload_file("annex.pdf", PDF)
    assert isinstance(attachment_id, int)
    [stored] = emu.files
    assert stored["id"] == attachment_id and stored["name"] == "annex.pdf" and stored["size"] == len(PDF)
    assert stored["mimeType"] == "application/pdf"


def test_upload_other_mime_type(client, emu):
    client.upload_file("notes.txt", b"plain text", "text/plain")
    assert emu.files[0]["mimeType"] == "text/plain"


def test_submit_works(client, emu):
    payload, document = works_payload(emu.seed, "SIT-0001")
    attachment_id = client.upload_file(document.name, document.content)
    result = client.submit_works(works.with_attachment(payload, attachment_id))
    [piece] = emu.pieces
    assert piece["id"] == result.piece_id and piece["kind"] == "works"
    assert piece["frame"] == works.Frame.A4.value


def test_deposit_is_two_calls_with_a_cached_token(client, emu):
    ping(client)  # the token is now cached
    emu.reset_counts()
    payload, document = works_payload(emu.seed, "SIT-0002")
    deposit(client, payload, document)
    assert emu.request_counts == {ep.OPERATIONS["file_upload"]: 1, ep.OPERATIONS["works_submit"]: 1}
    [piece] = emu.pieces
    [stored] = emu.files
    assert piece["pieceJointeIds"] == [stored["id"]] and stored["name"] == document.name
    main = piece["payload"]["pieceJointePrincipale"]
    assert main == [{"pieceJointePrincipaleDesignation": document.name, "pieceJointePrincipaleId": stored["id"]}]
    assert piece["numeroFacture"] == "SIT-0002-A4"


def test_deposit_leaves_the_payload_untouched(client, emu):
    payload, document = works_payload(emu.seed, "SIT-0003")
    before = dict(payload)
    deposit(client, payload, document)
    assert payload == before


def test_search_works_and_find_piece(client, emu):
    for index in range(5):
        deposit(client, *works_payload(emu.seed, f"SIT-10{index}"))
    assert len(search_all(client)) == 5
    piece = client.find_works_piece("SIT-103-A4")
    assert piece.number == "SIT-103-A4" and piece.status == WORKS_STATUSES[0]
    assert client.find_works_piece("SIT-999-A4") is None


def test_search_works_every_page(emu, creds):
    with make_client(emu, creds, page_size=2) as chorus:
        for index in range(5):
            deposit(chorus, *works_payload(emu.seed, f"SIT-20{index}"))
        emu.reset_counts()
        found = search_all(chorus)
    assert sorted(item.number for item in found) == [f"SIT-20{index}-A4" for index in range(5)]
    assert emu.request_counts[ep.OPERATIONS["works_search"]] == 3


def test_piece_status_follows_the_works_circuit(client, emu):
    piece_id = deposit(client, *works_payload(emu.seed, "SIT-0004")).piece_id
    assert client.piece_status(piece_id) == WORKS_STATUSES[0]
    emu.advance_works(piece_id, steps=2)
    assert client.piece_status(piece_id) == WORKS_STATUSES[2]


def test_call_rejects_an_unknown_operation(client):
    with pytest.raises(ValueError, match="nope"):
        client.call("nope")


def test_unknown_environment():
    with pytest.raises(ValueError):
        ChorusClient(Credentials("id", "secret", "login", "password"), environment="staging")


def test_environment_hosts_and_overrides():
    creds = Credentials("id", "secret", "login", "password")
    prod = ChorusClient(creds, environment="production")
    assert prod.api_base == ep.ENVIRONMENTS["production"].api_base
    assert prod.token_url == ep.ENVIRONMENTS["production"].token_url
    local = ChorusClient(creds, api_base="http://127.0.0.1:9/")
    assert local.api_base == "http://127.0.0.1:9" and local.token_url == "http://127.0.0.1:9" + ep.TOKEN_PATH


# ---------------------------------------------------------------------------------------------- headers, session


def test_headers_of_a_call(emu, creds):
    session = RecordingSession()
    with make_client(emu, creds, session=session) as chorus:
        chorus.upload_file("annex.pdf", PDF)
        ping(chorus)
    (token_method, token_url, _), (method, url, headers), (second_method, _, second_headers) = session.sent
    assert (token_method, token_url) == ("POST", emu.token_url)
    assert (method, url) == ("POST", emu.url + ep.OPERATIONS["file_upload"])
    assert headers["Content-Type"] == "application/json;charset=utf-8"
    assert headers["cpro-account"] == account_header(creds.login, creds.password)
    assert headers["Authorization"].startswith("Bearer ") and len(headers["Authorization"]) > 20
    assert second_method == "POST" and "cpro-account" in second_headers and "Authorization" in second_headers


def test_a_caller_session_is_left_open(emu, creds):
    session = RecordingSession()
    with make_client(emu, creds, session=session) as chorus:
        ping(chorus)
    assert session.sent and chorus.session is session
    session.close()


def test_one_connection_is_reused(client, caplog):
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    for _ in range(5):
        ping(client)
    opened = [record for record in caplog.records if "Starting new HTTP connection" in record.getMessage()]
    assert len(opened) == 1


def test_unicode_body_is_utf8(client, emu):
    payload, document = works_payload(emu.seed, "SIT-ÉTÉ-01")
    deposit(client, payload, dataclasses.replace(document, name="situation-été.pdf"))
    assert emu.pieces[0]["numeroFacture"] == "SIT-ÉTÉ-01-A4"
    assert emu.files[0]["name"] == "situation-été.pdf"


# ---------------------------------------------------------------------------------------------- tokens


def test_one_token_for_many_calls(client, emu):
    for _ in range(10):
        ping(client)
    assert emu.request_counts[TOKEN] == 1


def test_token_shared_by_two_clients(emu, creds):
    with make_client(emu, creds) as first, make_client(emu, credentials_of(emu)) as second:
        ping(first)
        ping(second)
        second.search_services(emu.seed.no_rules.id)
    assert emu.request_counts[TOKEN] == 1


def test_token_shared_by_concurrent_threads(emu, creds):
    clients = [make_client(emu, creds) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    errors = []

    def work(chorus):
        barrier.wait()
        try:
            ping(chorus)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(chorus,)) for chorus in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and emu.request_counts[TOKEN] == 1


def test_other_token_url_means_other_token(emu, creds):
    with Emulator() as other:
        with make_client(emu, creds) as first, make_client(other, credentials_of(other)) as second:
            ping(first)
            ping(second)
        assert emu.request_counts[TOKEN] == 1 and other.request_counts[TOKEN] == 1


def test_token_expiry_in_the_middle_of_a_batch(client, emu):
    ping(client)
    emu.reset_counts()
    for index in range(6):
        if index == 3:
            emu.expire_tokens()
        deposit(client, *works_payload(emu.seed, f"SIT-40{index}"))
    assert len(emu.pieces) == 6
    counts = emu.request_counts
    assert counts[TOKEN] == 1
    assert counts[ep.OPERATIONS["file_upload"]] == 7  # the refused upload is sent once more
    assert counts[ep.OPERATIONS["works_submit"]] == 6


def test_injected_expired_token_is_retried_once(client, emu):
    ping(client)
    emu.reset_counts()
    emu.inject("works_search", "expired_token")
    assert search_all(client) == []
    assert emu.request_counts == {TOKEN: 1, ep.OPERATIONS["works_search"]: 2}


def test_token_renewed_near_expiry(client, emu, monkeypatch):
    emu.token_lifetime = 600  # renewed TOKEN_MARGIN_SECONDS (240 s) before expiry, i.e. after 360 s
    real_now = session_module._now
    offset = {"seconds": 0.0}
    monkeypatch.setattr(session_module, "_now", lambda: real_now() + offset["seconds"])
    ping(client)
    offset["seconds"] = 300
    ping(client)
    assert emu.request_counts[TOKEN] == 1
    offset["seconds"] = 400
    ping(client)
    assert emu.request_counts[TOKEN] == 2
    assert api_calls(emu) == 3  # renewed before any 401


def test_short_lived_token_is_renewed_before_it_expires(client, emu, monkeypatch):
    emu.token_lifetime = 2  # shorter than the margin: renewed after half its lifetime
    real_now = session_module._now
    offset = {"seconds": 0.0}
    monkeypatch.setattr(session_module, "_now", lambda: real_now() + offset["seconds"])
    ping(client)
    ping(client)
    assert emu.request_counts[TOKEN] == 1
    offset["seconds"] = 1.5
    ping(client)
    assert emu.request_counts[TOKEN] == 2 and api_calls(emu) == 3


def test_clear_token_cache(client, emu):
    ping(client)
    client_module.clear_token_cache()
    ping(client)
    assert emu.request_counts[TOKEN] == 2


def test_cache_key_holds_no_secret(creds):
    key = session_module._cache_key("http://x/api/oauth/token", creds)
    assert creds.client_secret not in repr(key) and creds.client_id in key
    other = session_module._cache_key("http://x/api/oauth/token", dataclasses.replace(creds, client_secret="other"))
    assert other != key
