"""The payment clock and late-payment interest (chorus/payment.py), checked against the law's rules and the
issue's worked example to the cent."""

import datetime
from decimal import Decimal

import pytest

from chorus import payment
from chorus.payment import BuyerType, Clock, RequestKind, Suspension, late_charges
from chorus.works import Frame

D = Decimal
day = datetime.date
# The ECB main refinancing rate (percent) from each date: 2.40 from 23/04/2025, 2.15 from 11/06/2025.
RATES = [(day(2024, 12, 18), "3.15"), (day(2025, 4, 23), "2.40"), (day(2025, 6, 11), "2.15")]


def test_worked_example_to_the_cent():
    """A4 deposited 10/01/2026, 7,410.00 due, local authority: ends 09/02, ordered 11/03: 30 days, 61.82 + 40."""
    clock = Clock(day(2026, 1, 10), payment.period_days(BuyerType.LOCAL))
    assert clock.due_date == day(2026, 2, 9)
    charges = late_charges(clock, day(2026, 3, 11), D("7410.00"), RATES)
    assert charges.days_late == 30
    assert charges.rate == D("10.15")
    assert charges.interest == D("61.82")
    assert charges.indemnity == D("40.00")
    assert charges.total == D("101.82")


@pytest.mark.parametrize("ordered", [day(2026, 1, 20), day(2026, 2, 9)])
def test_paid_on_time_costs_nothing(ordered):
    clock = Clock(day(2026, 1, 10), 30)
    charges = late_charges(clock, ordered, D("7410.00"), RATES)
    assert (charges.late, charges.days_late, charges.interest, charges.indemnity) == (False, 0, 0, 0)
    assert charges.rate is None


def test_one_day_late_costs_a_day_and_the_indemnity():
    charges = late_charges(Clock(day(2026, 1, 10), 30), day(2026, 2, 10), D("7410.00"), RATES)
    assert charges.days_late == 1
    assert charges.interest == D("2.06")  # 7410 x 10.15 % / 365 = 2.0606...
    assert charges.indemnity == D("40.00")


@pytest.mark.parametrize(("buyer", "days"), [
    (BuyerType.STATE, 30), (BuyerType.LOCAL, 30), (BuyerType.HOSPITAL, 50), (BuyerType.PUBLIC_COMPANY, 60),
    ("hospital", 50),
])
def test_each_buyer_type_has_its_legal_period(buyer, days):
    assert payment.period_days(buyer) == days
    assert Clock(day(2026, 1, 10), payment.period_days(buyer)).due_date == day(2026, 1, 10) + datetime.timedelta(days)


@pytest.mark.parametrize(("buyer", "contract", "expected"), [
    (BuyerType.HOSPITAL, 20, 20),  # a contract may set a shorter period
    (BuyerType.STATE, 45, 30),  # never a longer one (L2192-10)
    (BuyerType.PUBLIC_COMPANY, None, 60),
    (BuyerType.LOCAL, 0, 30),
])
def test_a_contract_may_shorten_the_period(buyer, contract, expected):
    assert payment.period_days(buyer, contract) == expected


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        payment.period_days(BuyerType.STATE, -5)
    with pytest.raises(ValueError):
        payment.period_days("ministry")
    with pytest.raises(ValueError):
        Clock(day(2026, 1, 10), 0)


def test_which_deposits_start_a_period():
    assert payment.request_kind(Frame.A4) is RequestKind.INSTALMENT
    assert payment.request_kind(Frame.A8.value) is RequestKind.BALANCE
    assert payment.request_kind(Frame.A6) is None
    assert payment.request_kind(Frame.A7) is None


def test_the_balance_runs_from_the_deposit_of_the_dgd_only():
    # The uncertain rule is one constant: the signed DGD's deposit starts the balance's period, no final draft does.
    assert payment.BALANCE_START_FRAME is Frame.A8
    balance = [frame for frame in Frame if payment.request_kind(frame) is RequestKind.BALANCE]
    assert balance == [payment.BALANCE_START_FRAME]
    assert all(payment.request_kind(frame) is None for frame in Frame if frame.final and frame is not Frame.A8)


def test_suspension_restarts_with_thirty_days():
    """Suspended on 20/01 with 20 days left; documents received 05/02: a new 30-day period, due 07/03."""
    clock = Clock(day(2026, 1, 10), 30, Suspension(day(2026, 1, 20), day(2026, 2, 5)))
    assert clock.due_date == day(2026, 3, 7)
    assert clock.suspended_on(day(2026, 1, 20)) and clock.suspended_on(day(2026, 2, 4))
    assert not clock.suspended_on(day(2026, 2, 5)) and not clock.suspended_on(day(2026, 1, 19))
    assert clock.days_left(day(2026, 3, 1)) == 6
    charges = late_charges(clock, day(2026, 3, 11), D("7410.00"), RATES)
    assert charges.days_late == 4
    assert charges.interest == D("8.24")  # 7410 x 10.15 % x 4 / 365 = 8.2424...


def test_suspension_keeps_a_longer_remainder():
    """A 60-day period suspended on its 5th day keeps its 55 days left when it restarts."""
    clock = Clock(day(2026, 1, 10), 60, Suspension(day(2026, 1, 15), day(2026, 2, 1)))
    assert clock.due_date == day(2026, 3, 28)  # 01/02 + 55 days


def test_open_suspension_stops_the_clock():
    clock = Clock(day(2026, 1, 10), 30, Suspension(day(2026, 1, 20)))
    assert clock.due_date is None and clock.days_left(day(2026, 3, 1)) is None
    assert clock.suspended_on(day(2026, 6, 1))
    assert late_charges(clock, day(2026, 6, 1), D("100"), RATES).interest == 0


def test_a_suspension_after_the_period_does_not_count():
    clock = Clock(day(2026, 1, 10), 30, Suspension(day(2026, 2, 20)))
    assert clock.counted_suspension is None
    assert clock.due_date == day(2026, 2, 9)
    assert not clock.suspended_on(day(2026, 2, 25))


def test_days_left_and_late():
    clock = Clock(datetime.datetime(2026, 1, 10, 16, 45), 30)  # Chorus Pro's timestamp: its day counts
    assert clock.start == day(2026, 1, 10)
    assert clock.days_left(day(2026, 2, 1)) == 8
    assert clock.days_left(day(2026, 2, 9)) == 0
    assert clock.days_left(day(2026, 2, 12)) == -3


def test_rate_of_the_half_year_in_which_interest_starts():
    """The ECB rate changes on 11/06/2025: interest starting in May uses the 1/1 rate (3.15), starting in July
    the 1/7 rate (2.15), even though the change came in June."""
    may = Clock(day(2025, 4, 1), 30)  # due 01/05, interest from 02/05/2025
    july = Clock(day(2025, 6, 5), 30)  # due 05/07, interest from 06/07/2025
    assert late_charges(may, day(2025, 5, 31), D("1000"), RATES).rate == D("11.15")
    assert late_charges(july, day(2025, 8, 4), D("1000"), RATES).rate == D("10.15")
    # 1000 x 11.15 % x 30 / 365 = 9.164..., 1000 x 10.15 % x 30 / 365 = 8.342...
    assert late_charges(may, day(2025, 5, 31), D("1000"), RATES).interest == D("9.16")
    assert late_charges(july, day(2025, 8, 4), D("1000"), RATES).interest == D("8.34")


def test_interest_starting_on_new_years_day_takes_that_days_rate():
    rates = [(day(2025, 6, 11), "2.15"), (day(2026, 1, 1), "3.00")]
    clock = Clock(day(2025, 12, 1), 30)  # due 31/12/2025, interest from 01/01/2026
    assert payment.interest_rate(rates, clock.interest_start()) == D("11.00")


def test_no_interest_on_a_guessed_rate():
    with pytest.raises(LookupError):
        late_charges(Clock(day(2010, 1, 1), 30), day(2010, 3, 1), D("100"), RATES)


def test_interest_base_is_incl_vat_less_retention():
    assert payment.interest_base(D("7800.00"), D("390.00")) == D("7410.00")
    assert payment.interest_base("1000") == D("1000.00")


def test_additional_interest_after_the_grace_period():
    principal_paid = day(2026, 3, 11)
    deadline = principal_paid + datetime.timedelta(payment.ADDITIONAL_INTEREST_GRACE_DAYS)
    assert payment.additional_interest(D("61.82"), D("10.15"), principal_paid, deadline) == 0
    later = deadline + datetime.timedelta(days=365)
    assert payment.additional_interest(D("61.82"), D("10.00"), principal_paid, later) == D("6.18")
