"""The deposit diagnostic against the emulator set to take one road and refuse the other, each way round.

The emulator decides by its own settings (works_submit_route, flow_works_frames, works_submit_id_key), from the
notes, never from the core's constants: what the diagnostic reports is what the emulator did.
"""

import dataclasses
import datetime
import json

import pytest
from chorus_emulator.facts import FLOW_ERROR_DP_LABEL_KEY
from factories import minimal_pdf
from helpers import make_client

from chorus import diagnostic as dg
from chorus import endpoints as ep
from chorus import works
from chorus.client import ChorusClient
from chorus.works import Frame, Party

NOW = datetime.datetime(2026, 11, 28, 9, 52, 30, tzinfo=datetime.UTC)
SUBMIT, OLD_SUBMIT = ep.WORKS_SUBMIT_PATHS
pytestmark = pytest.mark.usefixtures("fresh_token_cache")


def situation(emu, **changes):
    """The diagnostic's test situation between the seed's contractor and its public bodies."""
    seed = emu.seed
    base = dg.diagnostic_situation(
        Party(seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id),
        Party(seed.no_rules.siret, seed.no_rules.name, id_structure=seed.no_rules.id),
        Party(seed.moe.siret, seed.moe.name, id_structure=seed.moe.id),
        minimal_pdf("DIAGNOSTIC"), datetime.date.today())
    return dataclasses.replace(base, **changes)


def diagnose(emu, client, current_road=dg.ROAD_WORKS, syntaxes=(ep.FLOW_SYNTAX_FACTURX,), **kwargs):
    kwargs.setdefault("wait_seconds", 0)
    kwargs.setdefault("now", NOW)
    return dg.run(client, situation(emu), dg.plan(syntaxes), current_road=current_road, **kwargs)


def outcomes(diagnosis):
    return {probe.variant.code: probe.outcome for probe in diagnosis.probes}


def test_the_plan_tries_the_addons_way_first_on_each_road():
    variants = dg.plan((ep.FLOW_SYNTAX_FACTURX, "IN_DP_E4_GUESS", ep.FLOW_SYNTAX_FACTURX))
    works = [v for v in variants if v.road == dg.ROAD_WORKS]
    flows = [v for v in variants if v.road == dg.ROAD_FLOW]
    assert [(v.code, v.submit_path) for v in works] == [("W1", SUBMIT), ("W2", SUBMIT), ("W3", OLD_SUBMIT),
                                                        ("W4", OLD_SUBMIT)]
    assert works[0].current and not any(v.current for v in works[1:])
    assert {v.attachment_as_list for v in works[:2]} == {True, False}
    assert [(v.code, v.flow_syntax, v.process_id) for v in flows] == [
        ("F1", ep.FLOW_SYNTAX_FACTURX, "A4"), ("F2", ep.FLOW_SYNTAX_FACTURX, Frame.A4.value),
        ("F3", "IN_DP_E4_GUESS", "A4"), ("F4", "IN_DP_E4_GUESS", Frame.A4.value)]
    assert [v.current for v in flows] == [True, False, False, False]
    assert dg.plan(("IN_DP_E4_GUESS", ep.FLOW_SYNTAX_FACTURX))[4].flow_syntax == "IN_DP_E4_GUESS", "the company's first"


def test_both_roads_taken_the_company_keeps_its_road_and_each_variant_is_told(emu, client):
    diagnosis = diagnose(emu, client)
    assert outcomes(diagnosis) == {"W1": dg.ACCEPTED, "W2": dg.ACCEPTED, "W3": dg.ABSENT, "W4": dg.SKIPPED,
                                   "F1": dg.ACCEPTED, "F2": dg.REFUSED}
    w1, _w2, w3, _w4, f1, f2 = diagnosis.probes
    assert (w1.id_key, w1.piece_id) == ("identifiantFactureCPP", emu.piece_by_number(w1.piece_number)["id"])
    assert w3.http_status == 404 and w3.stage == "submit"
    assert f1.flow_state == "IN_INTEGRE" and f1.listed and f1.piece_id == emu.piece_by_number(f1.piece_number)["id"]
    assert f2.stage == "flow_report" and f2.flow_state == "IN_REJETE"
    assert any(Frame.A4.value in error and "BT-23" in error for error in f2.errors), f2.errors
    assert diagnosis.roads_accepted == (dg.ROAD_WORKS, dg.ROAD_FLOW)
    assert diagnosis.recommended_road == dg.ROAD_WORKS
    assert diagnosis.recommended_syntax == ep.FLOW_SYNTAX_FACTURX
    assert diagnose(emu, client, current_road=dg.ROAD_FLOW, now=NOW + datetime.timedelta(seconds=1)
                    ).recommended_road == dg.ROAD_FLOW


def test_no_works_submission_route_the_flow_road_is_recommended(emu, client):
    emu.works_submit_route = False
    diagnosis = diagnose(emu, client)
    assert outcomes(diagnosis) == {"W1": dg.ABSENT, "W2": dg.SKIPPED, "W3": dg.ABSENT, "W4": dg.SKIPPED,
                                   "F1": dg.ACCEPTED, "F2": dg.REFUSED}
    assert diagnosis.roads_accepted == (dg.ROAD_FLOW,)
    assert diagnosis.recommended_road == dg.ROAD_FLOW
    assert emu.request_counts.get(SUBMIT) == 1, "a path that does not exist is not tried twice"


def test_only_the_pre_piste_name_of_the_works_submission_the_diagnostic_finds_it(emu, client):
    emu.works_submit_route = False
    emu.works_submit_legacy_route = True
    diagnosis = diagnose(emu, client)
    assert outcomes(diagnosis) == {"W1": dg.ABSENT, "W2": dg.SKIPPED, "W3": dg.ACCEPTED, "W4": dg.ACCEPTED,
                                   "F1": dg.ACCEPTED, "F2": dg.REFUSED}
    accepted = [probe for probe in diagnosis.of_road(dg.ROAD_WORKS) if probe.accepted]
    assert {probe.variant.submit_path for probe in accepted} == {OLD_SUBMIT}
    assert all(probe.piece_id == emu.piece_by_number(probe.piece_number)["id"] for probe in accepted)
    assert emu.request_counts.get(OLD_SUBMIT) == 2 and emu.request_counts.get(SUBMIT) == 1
    assert diagnosis.recommended_road == dg.ROAD_WORKS


@pytest.mark.parametrize("shape, taken", [("list", "W1"), ("object", "W2")])
def test_the_shape_of_the_main_attachment_chorus_pro_takes_is_found(emu, client, shape, taken):
    emu.works_attachment_shape = shape
    diagnosis = diagnose(emu, client)
    w1, w2 = diagnosis.of_road(dg.ROAD_WORKS)[:2]
    assert {probe.variant.code: probe.outcome for probe in (w1, w2)} == {
        "W1": dg.ACCEPTED if taken == "W1" else dg.REFUSED, "W2": dg.ACCEPTED if taken == "W2" else dg.REFUSED}
    refused = w2 if taken == "W1" else w1
    assert refused.stage == "submit" and any("pieceJointePrincipale" in error for error in refused.errors)
    assert [p.variant.attachment_as_list for p in (w1, w2) if p.accepted] == [shape == "list"]
    assert diagnosis.recommended_road == dg.ROAD_WORKS


def test_no_works_frame_in_flows_the_works_road_is_recommended(emu, client):
    emu.flow_works_frames = False
    diagnosis = diagnose(emu, client, current_road=dg.ROAD_FLOW)
    assert outcomes(diagnosis)["F1"] == outcomes(diagnosis)["F2"] == dg.REFUSED
    labels = [flow["listeErreurDP"][0][FLOW_ERROR_DP_LABEL_KEY] for flow in emu.flows]
    for probe, label in zip(diagnosis.of_road(dg.ROAD_FLOW), labels, strict=True):
        assert any(label in error for error in probe.errors), "Chorus Pro's own words"
    assert diagnosis.roads_accepted == (dg.ROAD_WORKS,)
    assert diagnosis.recommended_road == dg.ROAD_WORKS and diagnosis.recommended_syntax is None


def test_neither_road_no_recommendation(emu, client):
    emu.works_submit_route = False
    emu.flow_works_frames = False
    diagnosis = diagnose(emu, client)
    assert diagnosis.roads_accepted == () and diagnosis.recommended_road is None
    assert diagnosis.left_on_chorus == () and emu.pieces == []


@pytest.mark.parametrize("key", ["idFactureTravaux", "idFacture", None])
def test_the_key_of_the_piece_id_is_told_or_the_piece_found_by_its_number(emu, client, key):
    emu.works_submit_id_key = key
    w1 = diagnose(emu, client, syntaxes=()).probes[0]
    assert (w1.outcome, w1.id_key, w1.listed) == (dg.ACCEPTED, key, True)
    assert w1.piece_id == emu.piece_by_number(w1.piece_number)["id"]


def test_what_it_leaves_on_chorus_pro_is_numbered_as_a_test(emu, client):
    diagnosis = diagnose(emu, client)
    numbers = [probe.piece_number for probe in diagnosis.probes]
    assert len(set(numbers)) == len(numbers)
    assert all(number.startswith("DIAG1128095230") and number.endswith("-A4") and len(number) <= 20
               for number in numbers)
    left = {probe.piece_number for probe in diagnosis.left_on_chorus}
    assert {piece["numeroFacture"] for piece in emu.pieces} == left
    assert all(piece["numeroMarche"] == dg.TEST_CONTRACT for piece in emu.pieces)


def test_an_unknown_flow_syntax_is_refused_at_the_deposit(emu, client):
    diagnosis = diagnose(emu, client, syntaxes=(ep.FLOW_SYNTAX_FACTURX, "IN_DP_E4_GUESS"))
    f3 = next(probe for probe in diagnosis.probes if probe.variant.code == "F3")
    assert (f3.outcome, f3.stage, f3.http_status) == (dg.REFUSED, "flow_deposit", 400)
    assert diagnosis.recommended_syntax == ep.FLOW_SYNTAX_FACTURX


def test_production_is_refused_before_any_call(emu, creds):
    with make_client(emu, creds, environment="production") as production:
        with pytest.raises(dg.DiagnosticRefused) as refused:
            diagnose(emu, production)
    assert refused.value.reason == "production"
    assert emu.request_counts == {}


def test_a_qualification_client_aimed_at_the_production_gateway_is_refused(creds):
    with ChorusClient(creds, environment="qualification", api_base=ep.ENVIRONMENTS["production"].api_base) as client:
        with pytest.raises(dg.DiagnosticRefused):
            dg.ensure_qualification(client)


def test_a_test_situation_the_checks_refuse_is_not_deposited(emu, client):
    bad = situation(emu, contract=dataclasses.replace(situation(emu).contract,
                                                      owner=Party("123", "Nobody", id_structure=1)))
    with pytest.raises(dg.DiagnosticRefused) as refused:
        dg.run(client, bad, dg.plan(), now=NOW, wait_seconds=0)
    assert refused.value.reason == "invalid_situation" and refused.value.problems
    assert emu.request_counts == {}


def test_a_flow_without_final_report_by_the_end_of_the_wait_is_pending(emu, client):
    emu.inject("flow_report", "server_error", count=None)
    diagnosis = diagnose(emu, client)
    pending = diagnosis.pending
    assert [probe.variant.code for probe in pending] == ["F1", "F2"]
    assert all(probe.flow_number and probe.errors for probe in pending)
    assert diagnosis.recommended_road == dg.ROAD_WORKS


def test_the_pending_flows_are_followed_later_from_the_saved_diagnosis(emu, client):
    emu.inject("flow_report", "server_error", count=None)
    saved = diagnose(emu, client).to_dict()
    emu.clear_faults()
    diagnosis = dg.follow(client, dg.Diagnosis.from_dict(json.loads(json.dumps(saved))), wait_seconds=0)
    assert outcomes(diagnosis) == {"W1": dg.ACCEPTED, "W2": dg.ACCEPTED, "W3": dg.ABSENT, "W4": dg.SKIPPED,
                                   "F1": dg.ACCEPTED, "F2": dg.REFUSED}
    f1 = diagnosis.probes[4]
    assert f1.listed and f1.piece_id == emu.piece_by_number(f1.piece_number)["id"] and not f1.errors
    assert diagnosis.started_at == NOW and diagnosis.pending == ()


def test_the_reports_are_read_again_until_final(emu, client):
    emu.inject("flow_report", "server_error", count=2)
    ticks, pauses = iter(range(100)), []
    diagnosis = diagnose(emu, client, wait_seconds=30, clock=lambda: next(ticks), sleep=pauses.append)
    assert outcomes(diagnosis)["F1"] == dg.ACCEPTED and outcomes(diagnosis)["F2"] == dg.REFUSED
    assert pauses == [dg.POLL_SECONDS[0]]
    assert emu.request_counts["/cpro/transverses/v1/consulterCRDetaille"] == 4


# ---------------------------------------------------------------------------------------------- a variant per role

ROLE_CASES = [(works.ROLE_SUBCONTRACTOR, "main_contractor", Frame.A10),
              (works.ROLE_COCONTRACTOR, "mandatary", Frame.A13)]


def role_situation(emu, role, structure):
    """The test situation of ``role``, naming the seed's ``structure`` (main contractor or mandatary)."""
    partner = getattr(emu.seed, structure)
    return situation(emu, role=role, partner=Party(partner.siret, partner.name, partner.services[0].code, partner.id))


def test_the_main_contractors_plan_has_no_partner_variant():
    assert {v.partner_placement for v in dg.plan() if v.road == dg.ROAD_WORKS} == {""}
    assert dg.role_frame() is Frame.A4


@pytest.mark.parametrize(("role", "structure", "frame"), ROLE_CASES)
def test_a_roles_plan_tries_each_partner_placement_on_its_frame(role, structure, frame):
    variants = dg.plan(role=role)
    placed = [(v.submit_path, v.partner_placement) for v in variants if v.road == dg.ROAD_WORKS]
    assert placed[:2] == [(SUBMIT, works.PARTNER_PLACEMENT),
                          (SUBMIT, next(p for p in works.PARTNER_PLACEMENTS if p != works.PARTNER_PLACEMENT))]
    assert len(placed) == 8 and [v.current for v in variants if v.road == dg.ROAD_WORKS].count(True) == 1
    assert [v.process_id for v in variants if v.road == dg.ROAD_FLOW] == [frame.short, frame.value]
    assert dg.role_frame(role) is frame


@pytest.mark.parametrize(("role", "structure", "frame"), ROLE_CASES)
@pytest.mark.parametrize("placement", works.PARTNER_PLACEMENTS)
def test_the_diagnostic_finds_where_chorus_pro_wants_the_partner(emu, client, role, structure, frame, placement):
    emu.works_partner_placement = placement
    variants = dg.plan(roads=(dg.ROAD_WORKS,), role=role)
    diagnosis = dg.run(client, role_situation(emu, role, structure), variants, wait_seconds=0, now=NOW)
    taken = {probe.variant.partner_placement for probe in diagnosis.probes if probe.accepted}
    assert taken == {placement}
    for probe in diagnosis.probes:
        if probe.accepted:
            assert probe.piece_number.endswith(f"-{frame.short}") and len(probe.piece_number) <= 20
            assert emu.piece_by_number(probe.piece_number)["frame"] == frame.value
        elif probe.outcome == dg.REFUSED:
            assert any(getattr(emu.seed, structure).siret in error for error in probe.errors), probe.errors


@pytest.mark.parametrize(("role", "structure", "frame"), ROLE_CASES)
def test_a_roles_flow_carries_its_frame_and_partner(emu, client, role, structure, frame):
    variants = dg.plan(roads=(dg.ROAD_FLOW,), role=role)
    diagnosis = dg.run(client, role_situation(emu, role, structure), variants, wait_seconds=0, now=NOW)
    assert outcomes(diagnosis) == {"F1": dg.ACCEPTED, "F2": dg.REFUSED}


def test_a_roles_test_situation_without_its_partner_is_refused_before_any_call(emu, client):
    with pytest.raises(dg.DiagnosticRefused) as refused:
        dg.run(client, situation(emu, role=works.ROLE_SUBCONTRACTOR), dg.plan(role=works.ROLE_SUBCONTRACTOR),
               wait_seconds=0, now=NOW)
    assert [problem.field for problem in refused.value.problems] == ["partner"]
    assert emu.request_counts == {}
