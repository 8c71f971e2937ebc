"""The client's works operations against the emulator: streamed upload, submission answers, the works search."""

import base64
import datetime
import hashlib
import json

import pytest
from factories import make_situation

from chorus import endpoints as ep
from chorus import works
from chorus.client import SubmitResult, WorksPiece, _parse_timestamp, _timestamp
from chorus.errors import ChorusNetworkError
from chorus.session import _Base64Body

pytestmark = pytest.mark.usefixtures("fresh_token_cache")

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 1000


def seeded_situation(seed, reference):
    """A valid situation between the emulator's seeded parties."""
    owner = works.Party(seed.no_rules.siret, seed.no_rules.name, "", seed.no_rules.id)
    manager = works.Party(seed.moe.siret, seed.moe.name, "", seed.moe.id)
    contractor = works.Party(seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id)
    return make_situation(piece_number=reference, contractor=contractor, date=datetime.date.today(),
                          contract=works.Contract("MARCHE-1", "EJ-1", owner, manager),
                          document=works.Document(f"{reference}.pdf", PDF))


def deposit(client, seed, reference):
    """Upload then submit one works piece; the SubmitResult."""
    situation = seeded_situation(seed, reference)
    file_id = client.upload_file(situation.document.name, situation.document.content)
    return client.submit_works(works.build_works_payload(works.Frame.A4, situation, attachment_id=file_id))


# ---------------------------------------------------------------------------------------------- streamed upload


def test_the_streamed_body_is_the_exact_json_object():
    body = _Base64Body({"pieceJointeNom": "s.pdf", "pieceJointeTypeMime": "application/pdf"}, "pieceJointeFichier",
                       PDF)
    for stream in (body.fresh(), body.fresh()):
        raw = b"".join(iter(stream))
        assert len(raw) == len(body)
        assert json.loads(raw) == {"pieceJointeNom": "s.pdf", "pieceJointeTypeMime": "application/pdf",
                                   "pieceJointeFichier": base64.b64encode(PDF).decode()}
    stream = body.fresh()
    parts = []
    while chunk := stream.read(1000):
        parts.append(chunk)
    assert b"".join(parts) == raw


@pytest.mark.parametrize("size", [0, 1, 2, 3, _Base64Body.CHUNK - 1, _Base64Body.CHUNK, _Base64Body.CHUNK + 1])
def test_the_streamed_body_has_the_right_length_at_every_chunk_boundary(size):
    content = bytes(size)
    body = _Base64Body({"a": "b"}, "f", content)
    raw = b"".join(body.fresh())
    assert len(raw) == len(body)
    assert base64.b64decode(json.loads(raw)["f"]) == content


def test_upload_reaches_chorus_pro_whole(client, emu):
    file_id = client.upload_file("situation.pdf", PDF)
    [stored] = [f for f in emu.files if f["id"] == file_id]
    assert stored["size"] == len(PDF) and stored["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_upload_is_sent_again_whole_after_an_expired_token(client, emu):
    client.upload_file("warm-up.pdf", PDF)
    emu.expire_tokens()
    file_id = client.upload_file("situation.pdf", PDF)
    [stored] = [f for f in emu.files if f["id"] == file_id]
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest()


# ---------------------------------------------------------------------------------------------- submission answers


@pytest.mark.parametrize("id_key", ["idFactureTravaux", "identifiantFactureCPP", "idFacture"])
def test_the_piece_id_is_read_under_each_candidate_key(client, emu, id_key):
    emu.works_submit_id_key = id_key
    result = deposit(client, emu.seed, "SIT-KEY")
    [piece] = emu.pieces
    assert result == SubmitResult(piece_id=piece["id"], id_key=id_key)


def test_an_answer_without_id_gives_no_id(client, emu):
    emu.works_submit_id_key = None
    assert deposit(client, emu.seed, "SIT-NOID") == SubmitResult(piece_id=None)
    assert len(emu.pieces) == 1


def test_a_lost_answer_then_the_piece_is_found_by_its_number(client, emu):
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    emu.inject("works_submit", "lost_answer")
    with pytest.raises(ChorusNetworkError):
        deposit(client, emu.seed, "SIT-LOST")
    [piece] = emu.pieces
    found = client.find_works_piece(works.piece_number("SIT-LOST", works.Frame.A4), since=since)
    assert (found.id, found.number, found.status) == (piece["id"], piece["numeroFacture"], piece["statut"])
    assert client.find_works_piece("SIT-NONE-A4", since=since) is None


# ---------------------------------------------------------------------------------------------- works search


def test_no_result_is_an_empty_list_not_an_error(client):
    assert [piece for page in client.works_pages() for piece in page] == []


def test_every_page_is_read_one_call_each(client, emu):
    pieces = emu.add_works_pieces(250, prefix="PAGE-")
    emu.reset_counts()
    pages = list(client.works_pages(since=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)))
    assert [len(page) for page in pages] == [100, 100, 50]
    assert sorted(p.id for page in pages for p in page) == sorted(p["id"] for p in pieces)
    assert emu.request_counts[ep.OPERATIONS["works_search"]] == 3


def test_a_backlog_is_read_in_stretches_each_within_the_pages_asked(client, emu):
    now = datetime.datetime.now(datetime.UTC)
    older = emu.add_works_pieces(250, prefix="OLD-", status_at=now - datetime.timedelta(days=3))
    newer = emu.add_works_pieces(250, prefix="NEW-", status_at=now - datetime.timedelta(days=1))
    since, seen, ends = now - datetime.timedelta(days=4), [], []
    emu.reset_counts()
    while since < now:
        since, pages = client.works_stretch(since, now, max_pages=3)
        ends.append(since)
        seen.append(sorted(piece.id for page in pages for piece in page))
    # The whole period holds 5 pages: halved once, its first half holds the older 250 pieces (3 pages).
    assert ends == [now - datetime.timedelta(days=2), now]
    assert seen == [sorted(p["id"] for p in older), sorted(p["id"] for p in newer)]
    assert emu.request_counts[ep.OPERATIONS["works_search"]] == 2 + 2 + 3  # two first pages, then the rest


def test_a_stretch_too_short_to_halve_is_read_whole(client, emu):
    now = datetime.datetime.now(datetime.UTC)
    emu.add_works_pieces(250, prefix="SAME-", status_at=now)  # the same second: no stretch holds fewer pages
    end, pages = client.works_stretch(now - ep.WORKS_SHORTEST_STRETCH, now, max_pages=1)
    assert end == now and sum(len(page) for page in pages) == 250


def test_the_period_limits_the_search(client, emu):
    emu.add_works_pieces(3, prefix="OLD-")
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    assert list(client.works_pages(since=later)) in ([], [[]])


def test_ids_given_as_strings_are_read_as_numbers(client, emu):
    emu.ids_as_strings = True
    [piece] = emu.add_works_pieces(1, prefix="STR-")
    [[found]] = list(client.works_pages())
    assert found.id == piece["id"] and isinstance(found.id, int)


def test_a_piece_without_id_or_number_is_skipped():
    assert WorksPiece.from_answer({"numeroFactureTravaux": "X"}) is None
    assert WorksPiece.from_answer({"idFactureTravaux": "12"}) is None
    assert WorksPiece.from_answer("junk") is None
    assert WorksPiece.from_answer({"idFactureTravaux": "12", "numeroFactureTravaux": "X-A4",
                                   "statutFactureTravaux": "REFUSEE_MOE"}).status == "REFUSEE_MOE"


def test_timestamps_of_the_period_and_of_statuses():
    naive = datetime.datetime(2026, 11, 28, 7, 30)
    assert _timestamp(naive) == "2026-11-28T07:30:00.000+00:00"
    assert _parse_timestamp("2026-11-28T08:30:00+01:00") == naive
    assert _parse_timestamp("2026-11-28T07:30:00") == naive
    assert _parse_timestamp("not a date") is None
    assert _parse_timestamp(None) is None


# ---------------------------------------------------------------------------------------------- connection test


def test_a_good_connection_passes_every_step(client, emu):
    check = client.check_connection(emu.seed.contractor.siret)
    assert check.ok and check.structure_id == emu.seed.contractor.id
    assert [step for step, _error in check.steps] == ["token", "account", "structure", "works"]


@pytest.mark.parametrize("change, failing_step", [
    ({"client_secret": "wrong"}, "token"),
    ({"password": "wrong"}, "account"),
])
def test_a_bad_credential_stops_at_its_step(emu, change, failing_step):
    from helpers import credentials_of, make_client

    with make_client(emu, credentials_of(emu, **change)) as chorus:
        check = chorus.check_connection(emu.seed.contractor.siret)
    assert not check.ok and check.steps[-1][0] == failing_step and check.steps[-1][1] is not None


def test_an_unknown_siret_or_an_unsubscribed_works_api(client, emu):
    check = client.check_connection("99999999999999")
    assert check.steps[-1][0] == "structure" and check.structure_id is None
    emu.subscribed = {"structures", "transverses", "factures"}
    check = client.check_connection(emu.seed.contractor.siret)
    assert check.steps[-1][0] == "works" and check.steps[-1][1].http_status == 403
