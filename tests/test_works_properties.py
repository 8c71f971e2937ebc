"""Property tests of the amounts: totals add up, cents only, payload equals totals, checks accept own data."""

import dataclasses
import datetime
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.checks import check_situation
from chorus.works import (
    CENT,
    Contract,
    Document,
    Frame,
    Party,
    Situation,
    SituationLine,
    build_works_payload,
    compute_totals,
    money,
)

NO_DEADLINE = settings(deadline=None)  # tests never time things
VAT_RATES = [Decimal(0), Decimal("2.1"), Decimal("5.5"), Decimal(10), Decimal(20), Decimal("8.5")]
cents = st.integers(0, 10**9).map(lambda value: Decimal(value).scaleb(-2))  # 0.00 .. 10,000,000.00
progresses = st.integers(0, 100_000).map(lambda value: Decimal(value).scaleb(-3))  # 0.000 .. 100.000 %
retention_rates = st.integers(0, 500).map(lambda value: Decimal(value).scaleb(-2))  # 0.00 .. 5.00 %


@st.composite
def random_lines(draw):
    """Lines with any previous cumulative amount up to the contract amount (periods may be negative)."""
    lines = []
    for index in range(draw(st.integers(1, 8))):
        amount = draw(cents)
        previous = Decimal(draw(st.integers(0, int(amount * 100)))).scaleb(-2)
        rate = draw(st.sampled_from(VAT_RATES))
        lines.append(SituationLine(f"Line {index}", amount, draw(progresses), previous, rate))
    return tuple(lines)


@st.composite
def own_lines(draw):
    """Lines whose previous cumulative amount is what the module computed at a lower progress."""
    lines = []
    for index in range(draw(st.integers(1, 8))):
        amount, rate = draw(cents), draw(st.sampled_from(VAT_RATES))
        low, high = sorted((draw(progresses), draw(progresses)))
        previous = SituationLine("previous", amount, low, Decimal(0), rate).cumulative_amount
        line = SituationLine(f"Line {index}", amount, high, previous, rate)
        lines.append(dataclasses.replace(line, stated_cumulative_amount=line.cumulative_amount,
                                         stated_period_amount=line.period_amount))
    return tuple(lines)


def situation_of(lines, retention_rate):
    """A valid situation (qualification) around ``lines``."""
    return Situation(
        piece_number="SIT-PROP-1", date=datetime.date(2026, 5, 31), period_start=datetime.date(2026, 5, 1),
        period_end=datetime.date(2026, 5, 31), final=False, contractor=Party("00000000012879", id_structure=7),
        contract=Contract("M-1", "EJ-1", Party("00000000012887", service_code="S1"), Party("00000000012895")),
        lines=lines, retention_rate=retention_rate, document=Document("s.pdf", b"%PDF-1.7\n"),
    )


def in_cents(value):
    """True if the Decimal has at most 2 decimals."""
    return value == value.quantize(CENT)


def json_decimal(number):
    """A JSON number of the payload back as the Decimal it was written as."""
    return Decimal(json.dumps(number))


@NO_DEADLINE
@given(random_lines(), retention_rates)
def test_totals_add_up(lines, retention_rate):
    totals = compute_totals(lines, retention_rate)
    assert totals.untaxed == sum((line.period_amount for line in lines), Decimal(0))
    assert totals.untaxed == sum((vat.base for vat in totals.vat_lines), Decimal(0))
    assert totals.tax == sum((vat.amount for vat in totals.vat_lines), Decimal(0))
    assert totals.total == totals.untaxed + totals.tax
    assert totals.retention == money(totals.total * retention_rate / 100)
    assert totals.due == totals.total - totals.retention
    assert [vat.rate for vat in totals.vat_lines] == sorted({line.vat_rate for line in lines})


@NO_DEADLINE
@given(random_lines(), retention_rates)
def test_every_amount_is_in_cents(lines, retention_rate):
    totals = compute_totals(lines, retention_rate)
    amounts = [totals.untaxed, totals.tax, totals.total, totals.retention, totals.due]
    amounts += [vat.base for vat in totals.vat_lines] + [vat.amount for vat in totals.vat_lines]
    amounts += [line.cumulative_amount for line in lines] + [line.period_amount for line in lines]
    assert all(in_cents(amount) for amount in amounts)


@NO_DEADLINE
@given(random_lines(), retention_rates, st.sampled_from(list(Frame)))
def test_payload_amounts_equal_totals(lines, retention_rate, frame):
    situation = situation_of(lines, retention_rate)
    totals = situation.totals
    payload = build_works_payload(frame, situation, 1)
    expected = {"montantHtTotal": totals.untaxed, "montantTVA": totals.tax, "montantTtcTotal": totals.total,
                "montantAPayer": totals.due}
    assert {key: json_decimal(value) for key, value in payload["montantTotal"].items()} == expected
    for entry, vat in zip(payload["ligneTva"], totals.vat_lines, strict=True):
        assert json_decimal(entry["ligneTvaMontantBaseHtParTaux"]) == vat.base
        assert json_decimal(entry["ligneTvaMontantTvaParTaux"]) == vat.amount
    for entry, line in zip(payload["lignePoste"], lines, strict=True):
        assert json_decimal(entry["lignePosteMontantUnitaireHT"]) == line.period_amount
    numbers = [*payload["montantTotal"].values(), *(entry["lignePosteMontantUnitaireHT"]
                                                    for entry in payload["lignePoste"])]
    assert all(in_cents(json_decimal(number)) for number in numbers)


@NO_DEADLINE
@given(random_lines(), retention_rates)
def test_payload_is_deterministic(lines, retention_rate):
    first = build_works_payload(Frame.A4, situation_of(lines, retention_rate))
    second = build_works_payload(Frame.A4, situation_of(tuple(lines), retention_rate))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@NO_DEADLINE
@given(own_lines(), retention_rates)
def test_checks_accept_amounts_built_by_the_module(lines, retention_rate):
    situation = situation_of(lines, retention_rate)
    situation = dataclasses.replace(situation, stated_totals=situation.totals)
    assert check_situation(situation, Frame.A4, production=False) == []
