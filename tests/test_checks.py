"""Checks: every rule with a failing and a passing example; all problems are returned at once; every problem
is a whole sentence from a template marked for translation, and every template has its French translation."""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from factories import PDF, make_situation, marked_templates
from helpers import siret_problem
from test_translation import _catalog

from chorus import checks, works
from chorus.checks import Problem, StructureRules, check_document, check_situation
from chorus.endpoints import MAX_FILE_BYTES
from chorus.works import Document, Frame, Party, SituationLine

D = Decimal
VALID_SIRET = "73282932000074"  # Luhn-valid
LA_POSTE_HEAD_OFFICE = "35600000000048"  # passes Luhn, digit sum 26
LA_POSTE_BRANCH = "35600000049837"  # fails Luhn, digit sum 45


def with_contract(**changes):
    """The valid situation with its contract changed."""
    situation = make_situation()
    return dataclasses.replace(situation, contract=dataclasses.replace(situation.contract, **changes))


def with_line(index=0, **changes):
    """The valid situation with one line changed."""
    situation = make_situation()
    lines = list(situation.lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    return dataclasses.replace(situation, lines=tuple(lines))


def fields(problems):
    """The fields of a list of problems."""
    return [problem.field for problem in problems]


def described(problems):
    """The (field, message) pairs of a list of problems."""
    return [(problem.field, problem.message) for problem in problems]


def test_valid_situation_has_no_problem():
    assert check_situation(make_situation(), Frame.A4, production=False) == []


def test_valid_situation_in_production_with_real_sirets():
    situation = make_situation(contractor=Party(VALID_SIRET, id_structure=1))
    contract = dataclasses.replace(situation.contract, owner=Party(LA_POSTE_BRANCH, service_code="S"),
                                   manager=Party(LA_POSTE_HEAD_OFFICE))
    assert check_situation(dataclasses.replace(situation, contract=contract), Frame.A4, production=True) == []


def test_sandbox_sirets_fail_in_production():
    problems = check_situation(make_situation(), Frame.A4, production=True)
    assert fields(problems) == ["contractor.siret", "contract.owner.siret", "contract.manager.siret"]
    assert "checksum" in problems[0].message
    assert problems[1].message == ("The project owner's SIRET 00000000012887 fails the SIRET checksum (Luhn key): "
                                   "check it against the INSEE register.")
    assert problems[1].params == (("siret", "00000000012887"),)


# --- SIRET -----------------------------------------------------------------------------------------------------

def test_siret_length_message():
    assert siret_problem("1234567890123", True, "contractor") == (
        "The contractor's SIRET must have 14 digits (got 13).")
    assert checks.check_siret("1234567890123", True, "owner", "contract.owner.siret") == [Problem(
        "contract.owner.siret", "The project owner's SIRET must have 14 digits (got 13).",
        "The project owner's SIRET must have 14 digits (got %(length)s).", (("length", 13),))]


@pytest.mark.parametrize(("party", "subject"), [(None, "The SIRET"), ("contractor", "The contractor's SIRET"),
                                                ("owner", "The project owner's SIRET"),
                                                ("manager", "The project manager's SIRET")])
@pytest.mark.parametrize(("value", "rest"), [
    (None, " is missing: enter the 14-digit SIRET."),
    ("", " is missing: enter the 14-digit SIRET."),
    ("7328293200007A", " must contain only digits, without spaces or letters (got '7328293200007A')."),
    ("123", " must have 14 digits (got 3)."),
    ("73282932000075", " 73282932000075 fails the SIRET checksum (Luhn key): check it against the INSEE register."),
])
def test_siret_messages_name_the_party(party, subject, value, rest):
    assert siret_problem(value, True, party) == subject + rest


@pytest.mark.parametrize("value", ["", None, "7328293200007A", "732 829 320 00074", "７３２８２９３２０００７４",
                                   73282932000074])
def test_siret_not_digits_fails_in_both_modes(value):
    assert siret_problem(value, production=False)
    assert siret_problem(value, production=True)


def test_siret_luhn():
    assert checks.luhn_valid(VALID_SIRET)
    assert siret_problem(VALID_SIRET, production=True) is None
    assert "checksum" in siret_problem("73282932000075", production=True)
    assert siret_problem("73282932000075", production=False) is None


def test_siret_la_poste():
    assert siret_problem(LA_POSTE_BRANCH, production=True) is None
    assert siret_problem(LA_POSTE_HEAD_OFFICE, production=True) is None
    assert siret_problem("35600000049838", production=True)  # digit sum 46, not Luhn
    assert siret_problem("35600100049836", production=True)  # digit sum 45 but outside La Poste's SIREN


# --- parties and contract --------------------------------------------------------------------------------------

def test_contractor_structure_id_required():
    situation = make_situation(contractor=Party("00000000012879"))
    problems = check_situation(situation, Frame.A4, production=False)
    assert fields(problems) == ["contractor.id_structure"]
    assert "structure id" in problems[0].message


def test_owner_service_code_when_required():
    rules = StructureRules(service_code_required=True)
    assert check_situation(make_situation(), Frame.A4, False, rules) == []
    situation = with_contract(owner=Party("00000000012887", service_code=""))
    assert fields(check_situation(situation, Frame.A4, False, rules)) == ["contract.owner.service_code"]
    assert check_situation(situation, Frame.A4, False) == []


def test_commitment_when_required():
    rules = StructureRules(commitment_required=True)
    assert check_situation(make_situation(), Frame.A4, False, rules) == []
    situation = with_contract(commitment_number="")
    assert fields(check_situation(situation, Frame.A4, False, rules)) == ["contract.commitment_number"]
    assert check_situation(situation, Frame.A4, False) == []


def test_commitment_or_service_code_when_required():
    rules = StructureRules(commitment_or_service_code_required=True)
    situation = with_contract(commitment_number="", owner=Party("00000000012887"))
    assert fields(check_situation(situation, Frame.A4, False, rules)) == ["contract.commitment_number"]
    assert check_situation(with_contract(commitment_number=""), Frame.A4, False, rules) == []


def test_structure_rules_from_chorus():
    answer = {"codeRetour": 0, "parametres": {"codeServiceDoitEtreRenseigne": True,
                                              "numeroEJDoitEtreRenseigne": False,
                                              "gestionNumeroEJOuCodeService": True}}
    assert StructureRules.from_chorus(answer) == StructureRules(True, False, True)
    assert StructureRules.from_chorus(answer["parametres"]) == StructureRules(True, False, True)
    assert StructureRules.from_chorus({}) == StructureRules()


def test_contract_number_required_and_at_most_50_characters():
    assert fields(check_situation(with_contract(number=""), Frame.A4, False)) == ["contract.number"]
    problems = check_situation(with_contract(number="M" * 51), Frame.A4, False)
    assert described(problems) == [("contract.number", "The contract number must have at most 50 characters "
                                                       "(got 51): shorten it.")]
    assert problems[0].params == (("length", 51), ("limit", 50))
    assert check_situation(with_contract(number="M" * 50), Frame.A4, False) == []


def test_commitment_at_most_50_characters():
    assert described(check_situation(with_contract(commitment_number="E" * 51), Frame.A4, False)) == [
        ("contract.commitment_number", "The legal commitment number must have at most 50 characters (got 51): "
                                       "shorten it.")]
    assert check_situation(with_contract(commitment_number="E" * 50), Frame.A4, False) == []


# --- document --------------------------------------------------------------------------------------------------

def test_document_valid():
    assert check_document(Document("situation.pdf", PDF)) == []
    assert check_document(Document("S" * 46 + ".PDF", PDF)) == []


@pytest.mark.parametrize(("name", "fragment"), [
    ("", "no file name"), ("S" * 47 + ".pdf", "at most 50 characters (got 51)"), ("situation", "needs an extension"),
    ("situation.", "needs an extension"), (".pdf", "needs an extension"), ("situation.txt", "must end with '.pdf'"),
    ("dir/situation.pdf", "must not contain"),
])
def test_document_name(name, fragment):
    problems = check_document(Document(name, PDF))
    assert fields(problems) == ["document.name"]
    assert fragment in problems[0].message


def test_document_mime_type():
    assert fields(check_document(Document("situation.pdf", PDF, "image/png"))) == ["document.mime_type"]


@pytest.mark.parametrize("content", [b"", None])
def test_document_empty(content):
    problems = check_document(Document("situation.pdf", content))
    assert fields(problems) == ["document.content"]
    assert "empty" in problems[0].message


def test_document_not_a_pdf():
    problems = check_document(Document("situation.pdf", b"PK\x03\x04 zip"))
    assert fields(problems) == ["document.content"]
    assert "%PDF" in problems[0].message


def test_document_size_limit():
    assert check_document(Document("situation.pdf", PDF.ljust(MAX_FILE_BYTES - 1, b"0"))) == []
    problems = check_document(Document("situation.pdf", PDF.ljust(MAX_FILE_BYTES, b"0")))
    assert fields(problems) == ["document.content"]
    assert "smaller than 10 MB" in problems[0].message


def test_situation_document_problems_use_document_paths():
    situation = make_situation(document=Document("situation", b""))
    assert fields(check_situation(situation, Frame.A4, False)) == ["document.name", "document.content"]


# --- lines and amounts -----------------------------------------------------------------------------------------

def test_at_least_one_line():
    problems = check_situation(make_situation(lines=()), Frame.A4, False)
    assert described(problems) == [("lines", "The situation has no line: add at least one line.")]


def test_line_description():
    problems = check_situation(with_line(1, description="  "), Frame.A4, False)
    assert described(problems) == [("lines[1].description", "Line 2 has no description: describe the work.")]
    assert problems[0].template == "Line %(line)s has no description: describe the work."
    assert problems[0].params == (("line", 2),)


@pytest.mark.parametrize(("progress", "ok"), [("0", True), ("100", True), ("33.333", True), ("100.01", False),
                                              ("-1", False)])
def test_line_progress(progress, ok):
    situation = with_line(0, progress_percent=D(progress), previous_cumulative_amount=D("0"))
    problems = check_situation(situation, Frame.A4, False)
    assert fields(problems) == ([] if ok else ["lines[0].progress_percent"])


def test_line_previous_cumulative_may_exceed_cumulative():
    # Progress revised down from 40 % to 30 % on line 1: its period is negative, the situation's total is not.
    situation = with_line(0, progress_percent=D("30"), previous_cumulative_amount=D("4000.00"))
    assert situation.lines[0].period_amount == D("-1000.00")
    assert check_situation(situation, Frame.A4, False) == []


def test_negative_situation_total():
    situation = with_line(0, progress_percent=D("0"), previous_cumulative_amount=D("3000.00"))
    problems = check_situation(situation, Frame.A4, False)
    assert fields(problems) == ["totals.untaxed"]
    assert "credit note" in problems[0].message


def test_line_previous_cumulative_above_contract_amount():
    problems = check_situation(with_line(0, previous_cumulative_amount=D("10000.01")), Frame.A4, False)
    assert "lines[0].previous_cumulative_amount" in fields(problems)


@pytest.mark.parametrize(("attribute", "value", "fragment"), [
    ("contract_amount", D("100.001"), "at most 2 decimals"),
    ("contract_amount", D("-1"), "must not be negative"),
    ("contract_amount", D("NaN"), "must be a number"),
    ("contract_amount", D("Infinity"), "must be a number"),
    ("contract_amount", D("1E+20"), "too large"),
    ("previous_cumulative_amount", D("0.001"), "at most 2 decimals"),
    ("previous_cumulative_amount", D("sNaN"), "must be a number"),
    ("vat_rate", D("-5.5"), "must not be negative"),
    ("progress_percent", D("NaN"), "must be a number"),
])
def test_line_numbers(attribute, value, fragment):
    problems = check_situation(with_line(0, **{attribute: value}), Frame.A4, False)
    assert fields(problems) == [f"lines[0].{attribute}"]
    assert fragment in problems[0].message
    assert problems[0].message.startswith("Line 1's ")
    assert dict(problems[0].params)["line"] == 1


@pytest.mark.parametrize(("attribute", "label"), [
    ("contract_amount", "contract amount"), ("previous_cumulative_amount", "previous cumulative amount"),
    ("progress_percent", "cumulative progress"), ("vat_rate", "VAT rate"),
])
@pytest.mark.parametrize(("value", "end"), [
    (D("NaN"), "must be a number (got Decimal('NaN'))"),
    (D("-Infinity"), "must be a number (got Decimal('-Infinity'))"),
    (D("-1"), "must not be negative (got -1)"),
    (D("1E+12"), "is too large (got 1E+12)"),
])
def test_line_number_messages(attribute, label, value, end):
    problems = check_situation(with_line(1, **{attribute: value}), Frame.A4, False)
    assert described(problems) == [(f"lines[1].{attribute}", f"Line 2's {label} {end}.")]


@pytest.mark.parametrize("attribute", ["progress_percent", "vat_rate"])
def test_line_percentages_need_no_cents(attribute):
    assert check_situation(with_line(1, **{attribute: D("10.125")}), Frame.A4, False) == []


def test_line_amount_with_trailing_zeros_is_in_cents():
    assert check_situation(with_line(0, contract_amount=D("10000.000")), Frame.A4, False) == []


def test_line_vat_rate():
    assert fields(check_situation(with_line(0, vat_rate=D("100")), Frame.A4, False)) == ["lines[0].vat_rate"]
    assert check_situation(with_line(0, vat_rate=D("0")), Frame.A4, False) == []
    assert check_situation(with_line(0, vat_rate=D("5.5")), Frame.A4, False) == []


def test_line_stated_amounts():
    line = make_situation().lines[0]  # 10000.00 x 40 % = 4000.00, previous 3000.00 -> 1000.00
    assert check_situation(with_line(0, stated_cumulative_amount=D("4000.00"), stated_period_amount=D("1000")),
                           Frame.A4, False) == []
    problems = check_situation(with_line(0, stated_cumulative_amount=D("4000.01"), stated_period_amount=D("999.99")),
                               Frame.A4, False)
    assert fields(problems) == ["lines[0].cumulative_amount", "lines[0].period_amount"]
    assert str(line.period_amount) in problems[1].message
    assert [problem.message for problem in problems] == [
        "Line 1's cumulative amount (4000.01) differs from the computed one (4000.00): recompute the line.",
        "Line 1's period amount (999.99) differs from the computed one (1000.00): recompute the line.",
    ]


def test_stated_totals():
    situation = make_situation()
    assert check_situation(dataclasses.replace(situation, stated_totals=situation.totals), Frame.A4, False) == []
    wrong = dataclasses.replace(situation.totals, tax=situation.totals.tax + D("0.01"),
                                due=situation.totals.due - D("0.01"))
    problems = check_situation(dataclasses.replace(situation, stated_totals=wrong), Frame.A4, False)
    assert fields(problems) == ["totals.tax", "totals.due"]


@pytest.mark.parametrize(("attribute", "label"), [
    ("untaxed", "untaxed total"), ("tax", "VAT total"), ("total", "total including VAT"), ("retention", "retention"),
    ("due", "amount to pay"),
])
def test_stated_total_messages(attribute, label):
    situation = make_situation()
    computed = getattr(situation.totals, attribute)
    wrong = dataclasses.replace(situation.totals, **{attribute: computed + D("1")})
    problems = check_situation(dataclasses.replace(situation, stated_totals=wrong), Frame.A4, False)
    assert described(problems) == [(f"totals.{attribute}", f"The {label} shown ({computed + 1}) differs from the "
                                                           f"computed one ({computed}): recompute the situation.")]


@pytest.mark.parametrize(("rate", "fragment"), [
    ("5.01", "caps it at 5 %"), ("7", "caps it at 5 %"), ("-1", "must not be negative"), ("NaN", "must be a number"),
])
def test_retention_rate_problems(rate, fragment):
    problems = check_situation(make_situation(retention_rate=D(rate)), Frame.A4, False)
    assert fields(problems) == ["retention_rate"]
    assert fragment in problems[0].message


@pytest.mark.parametrize("rate", ["0", "2.5", "5"])
def test_retention_rate_ok(rate):
    assert check_situation(make_situation(retention_rate=D(rate)), Frame.A4, False) == []


# --- header: dates, frame, currency ----------------------------------------------------------------------------

def test_period_end_before_start():
    situation = make_situation(period_start=datetime.date(2026, 4, 1), date=datetime.date(2026, 4, 2))
    problems = check_situation(situation, Frame.A4, False)
    assert fields(problems) == ["period_end"]
    assert "2026-03-31" in problems[0].message
    assert check_situation(make_situation(period_start=datetime.date(2026, 3, 31)), Frame.A4, False) == []


def test_statement_dated_before_its_period():
    problems = check_situation(make_situation(date=datetime.date(2026, 2, 28)), Frame.A4, False)
    assert fields(problems) == ["date"]
    assert check_situation(make_situation(date=datetime.date(2026, 4, 15)), Frame.A4, False) == []


def test_missing_dates():
    problems = check_situation(make_situation(date=None, period_end="2026-03-31"), Frame.A4, False)
    assert fields(problems) == ["date", "period_end"]
    problems = check_situation(make_situation(date=None, period_start=None, period_end=None), Frame.A4, False)
    assert [problem.message for problem in problems] == [
        "The statement date is missing: enter it.", "The start of the period is missing: enter it.",
        "The end of the period is missing: enter it."]


@pytest.mark.parametrize(("frame", "final"), [(Frame.A7, True), (Frame.A8, True), (Frame.A4, False),
                                              (Frame.A5, False), (Frame.A6, False), (Frame.A10, False),
                                              (Frame.A11, True), (Frame.A13, False), (Frame.A14, True)])
def test_frame_matches_final(frame, final):
    role = works.role_of(frame)
    partner = Party("00000000012903", "Major BTP") if role in works.ROLES_WITH_PARTNER else None
    assert check_situation(make_situation(final=final, role=role, partner=partner), frame, False) == []
    problems = check_situation(make_situation(final=not final, role=role, partner=partner), frame, False)
    assert fields(problems) == ["final"]
    assert frame.short in problems[0].message


def test_frame_messages():
    problems = check_situation(make_situation(final=True), Frame.A5, False)
    assert problems[0].message == ("A final statement is deposited with frame A7, A8, A11 or A14, not A5: change the "
                                   "frame or the statement's 'final' flag.")
    problems = check_situation(make_situation(), Frame.A8, False)
    assert problems[0].message == ("A monthly statement is deposited with frame A4, A5, A6, A10 or A13, not A8: "
                                   "change the frame or the statement's 'final' flag.")
    assert described(check_situation(make_situation(), "A99", False)) == [
        ("frame", "Unknown works frame 'A99': use one of A4, A5, A6, A7, A8, A10, A11, A13, A14.")]


def test_unknown_frame():
    assert fields(check_situation(make_situation(), "A99", False)) == ["frame"]
    assert check_situation(make_situation(), Frame.A4.value, False) == []


def test_missing_reference():
    assert fields(check_situation(make_situation(piece_number=""), Frame.A4, False)) == ["piece_number"]


def test_a_piece_number_over_20_characters_is_refused():
    assert check_situation(make_situation(piece_number="S" * 20), Frame.A4, False) == []
    [problem] = check_situation(make_situation(piece_number="S" * 21), Frame.A4, False)
    assert problem.field == "piece_number" and "21" in problem.message and "20" in problem.message


@pytest.mark.parametrize(("changes", "field"), [({"currency": "euro"}, "currency"),
                                                ({"vat_type": "TVA"}, "vat_type")])
def test_currency_and_vat_type(changes, field):
    assert fields(check_situation(make_situation(**changes), Frame.A4, False)) == [field]


# --- all at once -----------------------------------------------------------------------------------------------

def test_every_problem_at_once():
    situation = make_situation(
        piece_number="",
        contractor=Party("123"),
        period_start=datetime.date(2026, 4, 1),
        retention_rate=D("10"),
        document=Document("x" * 60, b""),
        lines=(SituationLine("", D("100.001"), D("120"), D("0")), SituationLine("ok", D("100"), D("101"), D("0"))),
    )
    contract = dataclasses.replace(situation.contract, number="N" * 51, commitment_number="",
                                   owner=Party("1234567890123X"), manager=Party(""))
    situation = dataclasses.replace(situation, contract=contract)
    problems = check_situation(situation, Frame.A7, True, StructureRules(True, True))
    assert fields(problems) == [
        "final", "contractor.siret", "contract.owner.siret", "contract.manager.siret", "contractor.id_structure",
        "contract.number", "contract.commitment_number", "contract.owner.service_code", "piece_number",
        "period_end", "date", "document.name", "document.name", "document.content", "lines[0].description",
        "lines[0].contract_amount", "lines[1].progress_percent", "retention_rate",
    ]
    assert all(isinstance(problem, Problem) and problem.message.endswith(".") for problem in problems)


# --- messages: whole sentences from templates, translated -----------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
DIRECTIVE = re.compile(r"%\(\w+\)s|%%")


def test_problem_message_is_its_template_filled():
    problem = Problem.of("lines[0].vat_rate", "Line %(line)s's VAT rate must be below 100 %% (got %(value)s).",
                         value=D("120"), line=1)
    assert problem.message == "Line 1's VAT rate must be below 100 % (got 120)."
    assert problem.params == (("line", 1), ("value", D("120")))
    assert hash(problem) == hash(dataclasses.replace(problem))
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.message = "changed"  # type: ignore[misc]
    translated = Problem("company", "Renseignez le login technique.")  # built translated, as the connector does
    assert (translated.template, translated.params) == ("", ())


def test_templates_are_whole_sentences_with_named_placeholders():
    templates = marked_templates()
    assert len(templates) == len(set(templates)) == 90
    for template in templates:
        assert template[0].isupper() and template.endswith("."), template
        assert "%" not in DIRECTIVE.sub("", template), f"only %(name)s and %% in {template!r}"
        if not PLACEHOLDER.search(template):  # Odoo formats a translation only when it is given params
            assert "%" not in template, template


def test_every_problem_comes_from_a_marked_template():
    templates = set(marked_templates())
    situation = make_situation(
        piece_number="", contractor=Party("123"), period_start=datetime.date(2026, 4, 1), retention_rate=D("10"),
        document=Document("x" * 60, b"PK"), currency="euro", vat_type="TVA",
        lines=(SituationLine("", D("100.001"), D("120"), D("0")), SituationLine("ok", D("100"), D("101"), D("0"))),
    )
    problems = check_situation(situation, Frame.A7, True, StructureRules(True, True, True))
    problems += check_situation(make_situation(lines=(SituationLine("x", D("1"), D("0"), D("1")),)), "A9", True)
    assert len(problems) > 20
    for problem in problems:
        assert problem.template in templates, problem
        assert problem.message == problem.template % dict(problem.params)
        assert sorted(PLACEHOLDER.findall(problem.template)) == [name for name, _value in problem.params]


def test_every_template_has_a_french_translation():
    french = _catalog("fr.po")
    for template in marked_templates():
        translation = french.get(template)
        assert translation and translation != template, f"not translated in fr.po: {template!r}"
        assert sorted(DIRECTIVE.findall(translation)) == sorted(DIRECTIVE.findall(template)), translation
