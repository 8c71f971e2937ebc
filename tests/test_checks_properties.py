"""Property tests of the checks: SIRET rules (Luhn in production, La Poste's exception, any 14 digits in
qualification), and check_situation never raising whatever the numbers, its problems always being whole
sentences filled from the templates marked for translation."""

import dataclasses
import datetime

from factories import marked_templates
from helpers import siret_problem
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chorus.checks import Problem, check_siret, check_situation, luhn_valid
from chorus.endpoints import LA_POSTE_SIREN
from chorus.works import Contract, Document, Frame, Party, Situation, SituationLine, build_works_payload

DIGITS = "0123456789"
NO_DEADLINE = settings(deadline=None)  # tests never time things
TEMPLATES = frozenset(marked_templates())


def with_luhn_key(body):
    """``body`` followed by the one digit that makes it pass Luhn."""
    return next(body + key for key in DIGITS if luhn_valid(body + key))


VALID = Situation(
    piece_number="SIT-1", date=datetime.date(2026, 5, 31), period_start=datetime.date(2026, 5, 1),
    period_end=datetime.date(2026, 5, 31), final=False, contractor=Party("00000000012879", id_structure=7),
    contract=Contract("M-1", "EJ-1", Party("00000000012887"), Party("00000000012895")),
    lines=(), retention_rate=0, document=Document("s.pdf", b"%PDF-1.7\n"),
)
fourteen_digits = st.text(alphabet=DIGITS, min_size=14, max_size=14)
luhn_sirets = st.text(alphabet=DIGITS, min_size=13, max_size=13).map(with_luhn_key)


@st.composite
def la_poste_sirets(draw):
    """A SIRET of La Poste's SIREN whose digit sum is a multiple of 5."""
    body = LA_POSTE_SIREN + draw(st.text(alphabet=DIGITS, min_size=4, max_size=4))
    keys = [key for key in DIGITS if sum(int(char) for char in body + key) % 5 == 0]
    return body + draw(st.sampled_from(keys))


@NO_DEADLINE
@given(luhn_sirets)
def test_luhn_siret_passes_in_production(siret):
    assert siret_problem(siret, production=True) is None


@NO_DEADLINE
@given(luhn_sirets, st.integers(0, 13), st.integers(1, 9))
def test_single_digit_change_fails_in_production(siret, position, shift):
    changed = siret[:position] + str((int(siret[position]) + shift) % 10) + siret[position + 1:]
    assume(not changed.startswith(LA_POSTE_SIREN))  # La Poste's SIRETs follow their own rule
    assert "checksum" in siret_problem(changed, production=True)
    assert siret_problem(changed, production=False) is None


@NO_DEADLINE
@given(fourteen_digits)
def test_any_fourteen_digits_pass_in_qualification(siret):
    assert siret_problem(siret, production=False) is None


@NO_DEADLINE
@given(st.text(min_size=14, max_size=14).filter(lambda text: not (text.isascii() and text.isdigit())))
def test_non_digits_always_fail(value):
    assert siret_problem(value, production=False)
    assert siret_problem(value, production=True)
    [problem] = check_siret(value, True, "manager", "contract.manager.siret")
    assert problem.template == ("The project manager's SIRET must contain only digits, without spaces or letters "
                                "(got %(value)s).")
    assert problem.message == problem.template % {"value": repr(value)}


@NO_DEADLINE
@given(st.text(alphabet=DIGITS, max_size=30).filter(lambda text: len(text) != 14))
def test_wrong_length_always_fails(value):
    assert siret_problem(value, production=False)
    assert siret_problem(value, production=True)


@NO_DEADLINE
@given(la_poste_sirets())
def test_la_poste_siret_with_digit_sum_multiple_of_five_passes(siret):
    assert siret_problem(siret, production=True) is None


@NO_DEADLINE
@given(st.text(alphabet=DIGITS, min_size=5, max_size=5))
def test_la_poste_siret_fails_when_neither_rule_holds(suffix):
    siret = LA_POSTE_SIREN + suffix
    assume(not luhn_valid(siret) and sum(int(char) for char in siret) % 5)
    assert "checksum" in siret_problem(siret, production=True)


@NO_DEADLINE
@given(la_poste_sirets(), st.integers(9, 13), st.sampled_from([1, 2, 3, 4, 6, 7, 8, 9]))
def test_la_poste_digit_change_not_multiple_of_five_fails(siret, position, shift):
    digit = int(siret[position])
    new_digit = (digit + shift) % 10
    assume((new_digit - digit) % 5)
    changed = siret[:position] + str(new_digit) + siret[position + 1:]
    assume(not luhn_valid(changed))
    assert siret_problem(changed, production=True)


any_decimals = st.decimals(allow_nan=True, allow_infinity=True) | st.decimals(-1000, 1000, places=3)


@NO_DEADLINE
@given(st.lists(st.tuples(any_decimals, any_decimals, any_decimals, any_decimals), max_size=4), any_decimals,
       st.booleans())
def test_check_situation_never_raises(numbers, retention_rate, production):
    lines = tuple(SituationLine("Line", *values) for values in numbers)
    situation = dataclasses.replace(VALID, lines=lines, retention_rate=retention_rate)
    problems = check_situation(situation, Frame.A4, production)
    assert all(isinstance(problem, Problem) and problem.message for problem in problems)
    assert all(problem.template in TEMPLATES and problem.message == problem.template % dict(problem.params)
               for problem in problems)
    if not problems:
        build_works_payload(Frame.A4, situation, 1)
