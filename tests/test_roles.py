"""The company's role in the contract (issue 18): its frames, its partner, the checks, both roads, on the emulator.

Each uncertain fact of the roles has one candidate per constant of ``chorus.works`` / ``chorus.facturx``; the
emulator is set to answer each way (``works_partner_placement``), and each candidate is tried against it.
"""

import dataclasses
import datetime
import json

import pytest
from factories import make_situation, minimal_pdf
from helpers import make_client

from chorus import checks, facturx, roads, works
from chorus.errors import ChorusBusinessError
from chorus.works import Frame, Party

pytestmark = pytest.mark.usefixtures("fresh_token_cache")

PDF = minimal_pdf()
MAIN_CONTRACTOR = Party("00000000012903", "Major BTP", "SOUS-TRAITANCE")
MANDATARY = Party("00000000012911", "Batisseurs Associes", "GROUPEMENT")


def partner_situation(role, partner, **changes):
    """The shared situation in ``role`` with its ``partner``."""
    return make_situation(role=role, partner=partner, **changes)


# ---------------------------------------------------------------------------------------------- frames


@pytest.mark.parametrize(("role", "final", "frame"), [
    (works.ROLE_MAIN, False, Frame.A4), (works.ROLE_MAIN, True, Frame.A7),
    (works.ROLE_COCONTRACTOR, False, Frame.A13), (works.ROLE_COCONTRACTOR, True, Frame.A14),
    (works.ROLE_SUBCONTRACTOR, False, Frame.A10), (works.ROLE_SUBCONTRACTOR, True, Frame.A11),
])
def test_the_presented_frame_follows_the_role(role, final, frame):
    assert works.frame_for("present", final, role) is frame
    assert works.role_of(frame) == role


def test_the_main_contractors_acceptance_is_a6_or_a8():
    assert works.frame_for("accept", False) is Frame.A6
    assert works.frame_for("accept", True, works.ROLE_MAIN) is Frame.A8


@pytest.mark.parametrize("role", [works.ROLE_COCONTRACTOR, works.ROLE_SUBCONTRACTOR])
def test_acceptance_candidate_no_piece(role):
    assert works.frame_for("accept", False, role, works.ACCEPTANCE_NO_PIECE) is None
    assert works.frame_for("accept", True, role, works.ACCEPTANCE_NO_PIECE) is None


@pytest.mark.parametrize("role", [works.ROLE_COCONTRACTOR, works.ROLE_SUBCONTRACTOR])
def test_acceptance_candidate_as_main(role):
    assert works.frame_for("accept", False, role, works.ACCEPTANCE_AS_MAIN) is Frame.A6
    assert works.frame_for("accept", True, role, works.ACCEPTANCE_AS_MAIN) is Frame.A8


def test_the_default_acceptance_is_a_named_candidate():
    assert works.ROLE_ACCEPTANCE in works.ACCEPTANCES
    assert works.PARTNER_PLACEMENT in works.PARTNER_PLACEMENTS


def test_unknown_role_or_step_is_refused():
    with pytest.raises(ValueError, match="role"):
        works.frame_for("present", False, "boss")
    with pytest.raises(ValueError, match="present"):
        works.frame_for("pay", False, works.ROLE_SUBCONTRACTOR)


# ---------------------------------------------------------------------------------------------- payload


@pytest.mark.parametrize(("role", "partner", "frame", "statement"), [
    (works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR, Frame.A10,
     "Sous-traitant de Major BTP (SIRET 00000000012903), paiement direct"),
    (works.ROLE_COCONTRACTOR, MANDATARY, Frame.A13,
     "Cotraitant du groupement, mandataire Batisseurs Associes (SIRET 00000000012911)"),
])
def test_partner_candidate_as_validator(role, partner, frame, statement):
    situation = partner_situation(role, partner)
    payload = works.build_works_payload(frame, situation, placement=works.PARTNER_AS_VALIDATOR)
    assert payload["cadreDeFacturation"] == {"codeCadreFacturation": frame.value,
                                             "codeStructureValideur": partner.siret,
                                             "codeServiceValideur": partner.service_code}
    retention = works.retention_comment(situation.retention_rate, situation.totals.retention, "EUR")
    assert payload["commentaire"].split("\n") == [statement, retention]


@pytest.mark.parametrize(("role", "partner", "frame"), [
    (works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR, Frame.A11), (works.ROLE_COCONTRACTOR, MANDATARY, Frame.A14),
])
def test_partner_candidate_in_comment(role, partner, frame):
    situation = partner_situation(role, partner, final=True)
    payload = works.build_works_payload(frame, situation, placement=works.PARTNER_IN_COMMENT)
    manager = situation.contract.manager
    assert payload["cadreDeFacturation"] == {"codeCadreFacturation": frame.value,
                                             "codeStructureValideur": manager.siret,
                                             "codeServiceValideur": manager.service_code}
    assert f"(SIRET {partner.siret})" in payload["commentaire"].split("\n")[0]


def test_the_main_contractors_piece_is_unchanged():
    situation = make_situation()
    payload = works.build_works_payload(Frame.A4, situation, placement=works.PARTNER_AS_VALIDATOR)
    assert payload["cadreDeFacturation"]["codeStructureValideur"] == situation.contract.manager.siret
    assert payload["commentaire"] == works.retention_comment(situation.retention_rate, situation.totals.retention,
                                                             "EUR")


def test_a_partners_accepted_copy_as_main_names_the_manager():
    # ACCEPTANCE_AS_MAIN: the A6 of a subcontractor is the titulaire's frame: the MOE validates, no role statement.
    situation = partner_situation(works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR)
    payload = works.build_works_payload(Frame.A6, situation)
    assert payload["cadreDeFacturation"]["codeStructureValideur"] == situation.contract.manager.siret
    assert "Sous-traitant" not in payload["commentaire"]
    assert checks.check_situation(situation, Frame.A6, False) == []


def test_the_works_road_freezes_the_roles_frame_and_partner():
    situation = partner_situation(works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR)
    frozen, problems = roads.WorksRoad().freeze(Frame.A10, situation)
    assert problems == []
    body = json.loads(frozen.body)
    assert frozen.piece_number == "SIT-2026-0007-A10"
    assert body["cadreDeFacturation"]["codeCadreFacturation"] == Frame.A10.value
    assert body["cadreDeFacturation"]["codeStructureValideur"] == works.validator_of(Frame.A10, situation).siret


# ---------------------------------------------------------------------------------------------- checks


def fields(problems):
    return [problem.field for problem in problems]


@pytest.mark.parametrize(("role", "frame", "message"), [
    (works.ROLE_SUBCONTRACTOR, Frame.A10, "The main contractor is missing: a subcontractor's situation goes to it "
     "first for validation. Choose the main contractor on the contract or the situation."),
    (works.ROLE_COCONTRACTOR, Frame.A13, "The joint venture's mandatary is missing: a co-contractor's situation "
     "names it. Choose the mandatary on the contract or the situation."),
])
def test_a_missing_partner_is_refused(role, frame, message):
    problems = checks.check_situation(make_situation(role=role), frame, False)
    assert [(problem.field, problem.message) for problem in problems] == [("partner", message)]


@pytest.mark.parametrize(("role", "frame", "word"), [
    (works.ROLE_SUBCONTRACTOR, Frame.A10, "main contractor's"), (works.ROLE_COCONTRACTOR, Frame.A13, "mandatary's"),
])
def test_the_partners_siret_is_checked(role, frame, word):
    situation = make_situation(role=role, partner=Party("123", "Nobody"))
    problems = checks.check_situation(situation, frame, False)
    assert fields(problems) == ["partner.siret"]
    assert word in problems[0].message and "14 digits" in problems[0].message
    situation = make_situation(role=role, partner=Party("00000000012903", "Nobody"))
    # In production the SIRET must pass its checksum (the shared qualification SIRETs do not).
    assert "partner.siret" in fields(checks.check_situation(situation, frame, True))


def test_the_partner_is_not_the_company_itself():
    situation = make_situation(role=works.ROLE_SUBCONTRACTOR)
    situation = dataclasses.replace(situation, partner=situation.contractor)
    problems = checks.check_situation(situation, Frame.A10, False)
    assert fields(problems) == ["partner.siret"] and "cannot be the company itself" in problems[0].message


@pytest.mark.parametrize(("role", "partner", "frame", "frames"), [
    (works.ROLE_MAIN, None, Frame.A10, "A4, A6, A7 and A8"),
    (works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR, Frame.A4, "A10 and A11"),
    (works.ROLE_COCONTRACTOR, MANDATARY, Frame.A10, "A13 and A14"),
])
def test_a_frame_of_another_role_is_refused(role, partner, frame, frames):
    problems = checks.check_situation(make_situation(role=role, partner=partner), frame, False)
    assert fields(problems) == ["frame"]
    assert frames in problems[0].message and frame.short in problems[0].message


def test_an_unknown_role_is_refused():
    problems = checks.check_situation(make_situation(role="boss"), Frame.A4, False)
    assert fields(problems) == ["role"]


# ---------------------------------------------------------------------------------------------- Factur-X


@pytest.mark.parametrize(("role", "partner", "frame"), [
    (works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR, Frame.A10), (works.ROLE_SUBCONTRACTOR, MAIN_CONTRACTOR, Frame.A11),
    (works.ROLE_COCONTRACTOR, MANDATARY, Frame.A13), (works.ROLE_COCONTRACTOR, MANDATARY, Frame.A14),
])
def test_the_facturx_file_carries_the_roles_frame_and_partner(role, partner, frame):
    situation = partner_situation(role, partner, final=frame.final)
    xml = facturx.build_cii_xml(frame, situation)
    assert facturx.check_cii_xml(xml) == []
    data = facturx.parse_cii_xml(xml)
    assert data["frame"] == frame.short
    assert data["notes"][0] == works.role_statement(role, partner)
    assert partner.siret in data["notes"][0]


def test_the_main_contractors_facturx_file_has_no_role_note():
    situation = make_situation()
    notes = facturx.parse_cii_xml(facturx.build_cii_xml(Frame.A4, situation))["notes"]
    assert notes == [works.retention_comment(situation.retention_rate, situation.totals.retention, "EUR")]


# ---------------------------------------------------------------------------------------------- on the emulator


def seeded(emu, role, final=False, reference="SIT-ROLE-1"):
    """A situation of ``role`` between the emulator's seeded structures (its partner the seed's own)."""
    seed = emu.seed
    structure = {works.ROLE_SUBCONTRACTOR: seed.main_contractor, works.ROLE_COCONTRACTOR: seed.mandatary}.get(role)
    partner = Party(structure.siret, structure.name, structure.services[0].code, structure.id) if structure else None
    owner = Party(seed.no_rules.siret, seed.no_rules.name, "", seed.no_rules.id)
    manager = Party(seed.moe.siret, seed.moe.name, "", seed.moe.id)
    contractor = Party(seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id)
    return make_situation(piece_number=reference, contractor=contractor, date=datetime.date.today(), final=final,
                          contract=works.Contract("MARCHE-1", "EJ-1", owner, manager), role=role, partner=partner,
                          document=works.Document(f"{reference}.pdf", PDF))


def submit(emu, frame, situation, placement):
    """Upload, then submit ``situation`` as ``frame`` with the partner placed as ``placement``."""
    with make_client(emu) as client:
        file_id = client.upload_file(situation.document.name, situation.document.content)
        return client.submit_works(works.build_works_payload(frame, situation, file_id, placement=placement))


def result_number(frame, reference):
    return works.piece_number(reference, frame)


ROLE_FRAMES = [(works.ROLE_SUBCONTRACTOR, Frame.A10), (works.ROLE_SUBCONTRACTOR, Frame.A11),
               (works.ROLE_COCONTRACTOR, Frame.A13), (works.ROLE_COCONTRACTOR, Frame.A14)]


@pytest.mark.parametrize(("role", "frame"), ROLE_FRAMES)
@pytest.mark.parametrize("placement", works.PARTNER_PLACEMENTS)
def test_each_partner_candidate_is_taken_where_chorus_pro_looks_for_it(emu, role, frame, placement):
    emu.works_partner_placement = placement
    result = submit(emu, frame, seeded(emu, role, frame.final), placement)
    piece = next(piece for piece in emu.pieces if piece["id"] == result.piece_id)
    assert piece["frame"] == frame.value
    other = next(candidate for candidate in works.PARTNER_PLACEMENTS if candidate != placement)
    with pytest.raises(ChorusBusinessError) as refused:
        submit(emu, frame, seeded(emu, role, frame.final, "SIT-ROLE-2"), other)
    partner = seeded(emu, role).partner
    assert refused.value.http_status == 400
    assert partner.siret in refused.value.label
    assert [piece["numeroFacture"] for piece in emu.pieces] == [result_number(frame, "SIT-ROLE-1")]


@pytest.mark.parametrize(("role", "frame"), ROLE_FRAMES)
def test_a_piece_without_its_partner_gets_a_business_error(emu, role, frame):
    situation = dataclasses.replace(seeded(emu, role, frame.final), partner=None)
    with pytest.raises(ChorusBusinessError) as refused:
        submit(emu, frame, situation, works.PARTNER_AS_VALIDATOR)
    assert "must name" in refused.value.label and seeded(emu, role).partner.siret in refused.value.label
    assert emu.pieces == []


@pytest.mark.parametrize(("role", "frame"), ROLE_FRAMES)
def test_the_flow_road_carries_the_roles_frame_and_partner(emu, role, frame):
    situation = seeded(emu, role, frame.final)
    frozen, problems = roads.FlowRoad().freeze(frame, situation)
    assert problems == []
    with make_client(emu) as client:
        report = client.flow_report(client.deposit_flow(frozen.document.name, frozen.document.content,
                                                        roads.FLOW_SYNTAX_FACTURX))
    assert report.integrated, report.errors
    assert [piece["frame"] for piece in emu.pieces] == [frame.value]


def test_a_flow_without_its_partner_is_rejected(emu):
    situation = dataclasses.replace(seeded(emu, works.ROLE_SUBCONTRACTOR), partner=None)
    xml = facturx.build_cii_xml(Frame.A10, situation)
    content = facturx.build_facturx_pdf(situation.document.content, xml)
    with make_client(emu) as client:
        report = client.flow_report(client.deposit_flow(situation.document.name, content, roads.FLOW_SYNTAX_FACTURX))
    assert report.rejected
    assert any("main contractor" in text for text in report.errors), report.errors
    assert emu.pieces == []
