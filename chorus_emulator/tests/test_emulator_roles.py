"""Subcontractors' and co-contractors' pieces (A10, A11, A13, A14): the emulator checks they name their partner.

Where the partner goes is UNCERTAIN (``works_partner_placement``): as the first validator, or by its SIRET in the
comment with the project manager as validator; by default the emulator takes either, and refuses neither.
"""

import pytest

from ..__main__ import parse_args
from .raw_http import Api, assert_business_error, control, works_body

SUBCONTRACTOR = ("A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT")
COCONTRACTOR = ("A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", "A14_PROJET_DECOMPTE_FINAL_COTRAITANT")
FRAMES = [(frame, "main_contractor") for frame in SUBCONTRACTOR] + [(frame, "mandatary") for frame in COCONTRACTOR]


@pytest.fixture
def api(emu):
    return Api(emu)


def body(emu, api, frame, validator, comment="", number="SIT-ROLE-0001"):
    """A works body of ``frame`` whose validator is ``validator`` (a structure), with ``comment`` if given."""
    changes = {"cadreDeFacturation": {"codeCadreFacturation": frame, "codeStructureValideur": validator.siret}}
    if comment:
        changes["commentaire"] = comment
    return works_body(emu, api.upload(), number=number, **changes)


@pytest.mark.parametrize(("frame", "partner"), FRAMES)
def test_by_default_the_partner_is_taken_as_validator_or_in_the_comment(emu, api, frame, partner):
    structure = getattr(emu.seed, partner)
    api.ok("works_submit", body(emu, api, frame, structure, number="SIT-ROLE-V"))
    api.ok("works_submit", body(emu, api, frame, emu.seed.moe, f"Partenaire SIRET {structure.siret}", "SIT-ROLE-C"))
    assert [piece["frame"] for piece in emu.pieces] == [frame, frame]


@pytest.mark.parametrize(("frame", "partner"), FRAMES)
def test_a_piece_naming_no_partner_is_refused(emu, api, frame, partner):
    response = api.post("works_submit", body(emu, api, frame, emu.seed.moe))
    assert_business_error(response, mentions=getattr(emu.seed, partner).siret)
    assert emu.pieces == []


@pytest.mark.parametrize(("frame", "partner"), FRAMES)
def test_validator_placement_refuses_the_comment(emu, api, frame, partner):
    structure = getattr(emu.seed, partner)
    emu.works_partner_placement = "validator"
    response = api.post("works_submit", body(emu, api, frame, emu.seed.moe, f"SIRET {structure.siret}"))
    assert_business_error(response, mentions="codeStructureValideur")
    api.ok("works_submit", body(emu, api, frame, structure))


@pytest.mark.parametrize(("frame", "partner"), FRAMES)
def test_comment_placement_refuses_the_validator(emu, api, frame, partner):
    structure = getattr(emu.seed, partner)
    control(emu, "POST", "config", {"works_partner_placement": "comment"})
    response = api.post("works_submit", body(emu, api, frame, structure))
    assert_business_error(response, mentions="commentaire")
    api.ok("works_submit", body(emu, api, frame, emu.seed.moe, f"SIRET {structure.siret}"))


def test_the_main_contractors_frames_name_no_partner(emu, api):
    emu.works_partner_placement = "comment"
    api.ok("works_submit", body(emu, api, "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", emu.seed.moe))


def test_the_placement_setting_is_checked_and_reset(emu):
    with pytest.raises(ValueError, match="works_partner_placement"):
        emu.works_partner_placement = "payee"
    assert control(emu, "POST", "config", {"works_partner_placement": "payee"}).status_code == 400
    emu.works_partner_placement = "comment"
    control(emu, "POST", "reset")
    assert emu.works_partner_placement is None


def test_the_command_line_sets_the_placement():
    assert parse_args(["--works-partner-placement", "comment"]).works_partner_placement == "comment"
    assert parse_args([]).works_partner_placement is None
    with pytest.raises(SystemExit):
        parse_args(["--works-partner-placement", "payee"])
