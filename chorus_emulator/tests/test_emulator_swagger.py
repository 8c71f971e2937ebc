"""The stdlib Swagger 2.0 validator of the emulator, on the official Structures Swagger (no server)."""

import pytest

from chorus_emulator.swagger import Swagger, structures_swagger

SEARCH = "/cpro/structures/v1/rechercher"


@pytest.fixture(scope="module")
def swagger():
    return structures_swagger()


def test_every_operation_has_request_and_answer_schemas(swagger):
    assert len(swagger.full_paths()) == 6
    for path in swagger.full_paths():
        assert swagger.request_schema(path) is not None, path
        assert swagger.response_schema(path) is not None, path
    assert swagger.request_schema("/cpro/factures/v1/soumettre") is None
    assert swagger.operation(SEARCH, "get") is None


def test_valid_request_has_no_problem(swagger):
    body = {"structure": {"identifiantStructure": "00000000012887", "typeIdentifiantStructure": "SIRET"},
            "parametres": {"pageResultatDemandee": 1, "nbResultatsParPage": 10, "triSens": "Ascendant"},
            "restreindreStructuresPrivees": False}
    assert swagger.validate(swagger.request_schema(SEARCH), body, strict=True) == []


@pytest.mark.parametrize(("body", "expected"), [
    ({"structure": {"identifiantStructure": 12887}}, "structure.identifiantStructure: expected string, got integer"),
    ({"structure": {"typeIdentifiantStructure": "SIREN"}}, "structure.typeIdentifiantStructure: 'SIREN' is not one"),
    ({"parametres": {"nbResultatsParPage": "10"}}, "parametres.nbResultatsParPage: expected integer, got string"),
    ({"parametres": {"nbResultatsParPage": 2**63}}, "parametres.nbResultatsParPage: 9223372036854775808 is out of"),
    ({"parametres": {"pageResultatDemandee": True}}, "parametres.pageResultatDemandee: expected integer, got boolean"),
    ({"restreindreStructuresPrivees": "yes"}, "restreindreStructuresPrivees: expected boolean, got string"),
    ({"structure": []}, "structure: expected object, got array"),
    ({"parametresRecherche": {}}, "parametresRecherche: unknown field"),
])
def test_invalid_request_names_the_field(swagger, body, expected):
    problems = swagger.validate(swagger.request_schema(SEARCH), body, strict=True)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_unknown_fields_pass_when_not_strict(swagger):
    assert swagger.validate(swagger.request_schema(SEARCH), {"other": 1}) == []


def test_answer_required_fields_items_and_int32(swagger):
    schema = swagger.response_schema(SEARCH)
    assert swagger.validate(schema, {}) == ["codeRetour: required", "libelle: required"]
    answer = {"codeRetour": 2**31, "libelle": "x", "listeStructures": [{"idStructureCPP": 1}, {"statut": "GONE"}]}
    problems = swagger.validate(schema, answer)
    assert "codeRetour: 2147483648 is out of the int32 range" in problems
    assert any(problem.startswith("listeStructures[1].statut: 'GONE' is not one of") for problem in problems)
    assert len(problems) == 2


def test_number_date_and_date_time_formats():
    swagger = Swagger({"definitions": {"D": {"type": "object", "properties": {
        "amount": {"type": "number"}, "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "date-time"}, "code": {"type": "string", "maxLength": 3},
        "list": {"type": "array", "items": {"$ref": "#/definitions/D"}}}}}})
    schema = {"$ref": "#/definitions/D"}
    good = {"amount": 1, "day": "2026-01-31", "at": "2026-01-31T10:00:00+01:00", "code": "EUR",
            "list": [{"amount": 2.5}]}
    assert swagger.validate(schema, good) == []
    bad = {"amount": "1", "day": "2026-02-30", "at": "yesterday", "code": "EURO", "list": [{"day": "20260101"}]}
    assert swagger.validate(schema, bad) == [
        "amount: expected number, got string", "day: '2026-02-30' is not a date (YYYY-MM-DD)",
        "at: 'yesterday' is not a date-time", "code: 4 characters; at most 3 allowed",
        "list[0].day: '20260101' is not a date (YYYY-MM-DD)",
    ]


def test_only_local_references_are_supported():
    swagger = Swagger({"definitions": {}})
    with pytest.raises(ValueError, match="unsupported"):
        swagger.validate({"$ref": "other.json#/X"}, {})
