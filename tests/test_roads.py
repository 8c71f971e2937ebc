"""The deposit roads against the emulator: never twice, never falsely rejected, each candidate answer shape.

What the connector does with a deposit, without Odoo: freeze it, then send it by its road, attempt after attempt.
"""

import dataclasses
import datetime

import pytest
from factories import minimal_pdf
from test_client_works import seeded_situation

from chorus import facturx, roads, works
from chorus.errors import ChorusNetworkError

pytestmark = pytest.mark.usefixtures("fresh_token_cache")

SUBMIT = "/cpro/facturesTravaux/v1/soumettre"
FLOW = "/cpro/factures/v1/deposer/flux"


def frozen(emu, reference, road=None):
    """The works road's frozen deposit of a valid situation between the emulator's seeded parties."""
    frozen_deposit, problems = (road or roads.WorksRoad()).freeze(works.Frame.A4, seeded_situation(emu.seed, reference))
    assert problems == []
    return frozen_deposit


def first_attempt():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def test_the_frozen_body_is_the_works_payload_without_its_file_id(emu):
    situation = seeded_situation(emu.seed, "SIT-FROZEN")
    deposit, _problems = roads.WorksRoad().freeze(works.Frame.A4, situation)
    assert deposit.piece_number == "SIT-FROZEN-A4" and deposit.document == situation.document
    assert b"pieceJointePrincipaleId" not in deposit.body
    assert roads.WorksRoad.body(deposit, 77) == roads.WorksRoad.body(deposit, 77)  # the same bytes every time


def test_a_first_attempt_creates_the_piece_and_the_body_sent_is_the_one_returned(client, emu):
    deposit = frozen(emu, "SIT-NEW")
    outcome = roads.WorksRoad().send(client, deposit, tried_before=False, since=first_attempt())
    [piece] = emu.pieces
    assert isinstance(outcome, roads.PieceCreated) and outcome.piece_id == piece["id"]
    assert outcome.body == roads.WorksRoad.body(deposit, outcome.file_id)
    assert emu.journal(SUBMIT) == [outcome.body]  # byte for byte
    assert piece["pieceJointeIds"] == [outcome.file_id]


@pytest.mark.parametrize("id_key", ["idFactureTravaux", "identifiantFactureCPP", "idFacture", None])
def test_each_candidate_answer_shape_gives_the_piece_id(client, emu, id_key):
    # UNCERTAIN (notes, section 5): under which key the submission answers the piece id, if it does at all.
    emu.works_submit_id_key = id_key
    outcome = roads.WorksRoad().send(client, frozen(emu, "SIT-KEY"), tried_before=False, since=first_attempt())
    [piece] = emu.pieces
    assert isinstance(outcome, roads.PieceCreated) and outcome.piece_id == piece["id"]


@pytest.mark.parametrize("shape", ["list", "object"])
def test_each_candidate_attachment_shape_is_sent_as_frozen(client, emu, shape):
    # UNCERTAIN: whether pieceJointePrincipale is a list or an object; the emulator takes one shape only here.
    emu.works_attachment_shape = shape
    as_list = shape == "list"
    situation = seeded_situation(emu.seed, "SIT-SHAPE")
    payload = works.build_works_payload(works.Frame.A4, situation)
    attachment = {"pieceJointePrincipaleDesignation": situation.document.name}
    payload["pieceJointePrincipale"] = [attachment] if as_list else attachment
    deposit = roads.Frozen(body=roads._dump(payload), document=situation.document,
                           piece_number=situation.piece_number)
    outcome = roads.WorksRoad().send(client, deposit, tried_before=False, since=first_attempt())
    assert isinstance(outcome, roads.PieceCreated), outcome
    assert emu.journal(SUBMIT) == [outcome.body]


def test_the_lost_answer_then_the_piece_is_found_not_sent_again(client, emu):
    deposit, since = frozen(emu, "SIT-LOST"), first_attempt()
    emu.inject("works_submit", "lost_answer")
    first = roads.WorksRoad().send(client, deposit, tried_before=False, since=since)
    assert isinstance(first, roads.Failed) and isinstance(first.error, ChorusNetworkError) and first.retryable
    [piece] = emu.pieces  # the submission reached Chorus Pro, its answer did not come back
    second = roads.WorksRoad().send(client, deposit, tried_before=True, since=since)
    assert isinstance(second, roads.PieceFound) and second.piece_id == piece["id"]
    assert second.status == piece["statut"] and second.file_id is None
    assert len(emu.pieces) == 1 and emu.request_counts[SUBMIT] == 1


def test_a_duplicate_after_a_lost_answer_is_the_piece_found(client, emu):
    # The look-up before the resend missed the piece (played here by no look-up at all): the resubmission is
    # refused as a duplicate, which is read as "already there", never as a rejection.
    deposit, since = frozen(emu, "SIT-DUP"), first_attempt()
    emu.inject("works_submit", "lost_answer")
    roads.WorksRoad().send(client, deposit, tried_before=False, since=since)
    [piece] = emu.pieces
    outcome = roads.WorksRoad().send(client, deposit, tried_before=False, since=since)
    assert isinstance(outcome, roads.PieceFound) and outcome.piece_id == piece["id"]
    assert sum(emu.duplicates.values()) == 1 and len(emu.pieces) == 1


def test_a_business_rejection_is_rejected_with_code_and_label(client, emu):
    emu.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
    outcome = roads.WorksRoad().send(client, frozen(emu, "SIT-REJ"), tried_before=False, since=first_attempt())
    assert isinstance(outcome, roads.Failed) and not outcome.retryable
    assert (outcome.code, outcome.label) == (20002, "Marché inconnu") and outcome.file_id
    assert emu.pieces == []


def test_an_answer_without_id_and_a_failing_look_up_is_still_sent(client, emu):
    emu.works_submit_id_key = None
    emu.inject("works_search", "server_error")
    outcome = roads.WorksRoad().send(client, frozen(emu, "SIT-NOID"), tried_before=False, since=first_attempt())
    assert isinstance(outcome, roads.PieceCreated) and outcome.piece_id is None and len(emu.pieces) == 1


def test_the_flow_road_deposits_the_pdf_it_froze_and_never_reads_it_back(client, emu, monkeypatch):
    def never(*_args):
        raise AssertionError("the flow road read back the XML it embedded")

    monkeypatch.setattr(facturx, "extract_cii_xml", never)
    monkeypatch.setattr(facturx, "parse_facturx", never)
    road = roads.FlowRoad()
    situation = seeded_situation(emu.seed, "SIT-FLOW")
    situation = dataclasses.replace(situation, document=dataclasses.replace(situation.document, content=minimal_pdf()))
    deposit, problems = road.freeze(works.Frame.A4, situation)
    assert problems == [] and deposit.body.startswith(b"<?xml") and deposit.piece_number == "SIT-FLOW-A4"
    assert deposit.document.content != situation.document.content  # the Factur-X PDF, its XML embedded
    outcome = road.send(client, deposit, tried_before=False, since=first_attempt())
    assert isinstance(outcome, roads.FlowDeposited) and outcome.flow_number
    [flow] = emu.flows
    assert flow["numeroFluxDepot"] == outcome.flow_number and emu.request_counts[FLOW] == 1
    monkeypatch.undo()
    assert facturx.extract_cii_xml(deposit.document.content) == deposit.body  # the XML stored is the one embedded
