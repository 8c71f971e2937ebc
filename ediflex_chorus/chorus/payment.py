"""Getting paid: the legal payment period of a works piece, its suspension, late-payment interest and indemnity.

Pure module: no I/O, no Odoo, no clock (every "today" is an argument). Money is ``Decimal`` rounded to the
cent with ROUND_HALF_UP, as in works.py. Legal sources (Code de la commande publique, "CCP"):

- the global payment period: 30 days (R2192-10), 50 days for public hospitals and the army's health service,
  60 days for public companies (R2192-11); a contract may set a shorter one, never a longer one (L2192-10);
- it runs from the receipt of the payment request by the project owner or the project manager (R2192-12); a
  Chorus Pro deposit gives that date (the notes, section 6). For the balance of a works contract it runs from
  the project owner's receipt of the general and final statement (DGD) (R2192-14 as far as known: UNCERTAIN, see
  BALANCE_START_FRAME and the README, "Être payé");
- the buyer may interrupt (suspend) the period once (R2192-27, notified as R2192-28 says); once every missing
  document is received a new period opens: 30 days, or what was left of the period when the interruption was
  notified if that is longer (R2192-29);
- late-payment interest runs by right, from the day after the period ends until the payment is ordered
  (L2192-13); rate: the ECB main refinancing rate in force on the first day of the half-year in which the
  interest starts, plus 8 points (R2192-31); base: the amount due including VAT, less the retention; a 365-day
  year (the issue's worked example: 7,410.00 x 10.15 % x 30 / 365 = 61.82);
- a fixed recovery indemnity of 40 EUR per late payment (D2192-35);
- the interest and the indemnity are owed within 45 days of the principal's payment (R2192-36); beyond that,
  additional interest runs on the unpaid interest (its rate is the caller's: see ADDITIONAL_INTEREST_GRACE_DAYS).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from .works import CENT, HUNDRED, Frame, to_decimal

DAYS_IN_YEAR = 365
ECB_MARGIN_POINTS = Decimal(8)  # R2192-31: the ECB rate "majoré de huit points de pourcentage"
RECOVERY_INDEMNITY = Decimal("40.00")  # D2192-35
RESTART_PERIOD_DAYS = 30  # R2192-29: the new period after an interruption is 30 days, or the longer remainder
# R2192-36: interest and indemnity are paid within 45 days of the principal's payment. The issue says 30 days
# (the rule of the former decree 2002-232); the code in force says 45: one constant, to be corrected in one place.
ADDITIONAL_INTEREST_GRACE_DAYS = 45


class BuyerType(str, Enum):
    """The kinds of public buyers, each with its legal global payment period."""

    STATE = "state"  # the State and its public bodies (R2192-10)
    LOCAL = "local"  # local authorities, their groupings and local public bodies (R2192-10)
    HOSPITAL = "hospital"  # public hospitals and the army's health service (R2192-11, 1°)
    PUBLIC_COMPANY = "public_company"  # public companies (R2192-11, 2°)


LEGAL_PERIOD_DAYS = {
    BuyerType.STATE: 30,
    BuyerType.LOCAL: 30,
    BuyerType.HOSPITAL: 50,
    BuyerType.PUBLIC_COMPANY: 60,
}


class RequestKind(str, Enum):
    """What a deposited piece asks the buyer to pay."""

    INSTALMENT = "instalment"  # a monthly draft statement: the request for an instalment (acompte)
    BALANCE = "balance"  # the general and final statement (DGD): the request for the balance (solde)


# UNCERTAIN (README, "Être payé", and its uncertain facts): the start of the balance's period. The period of the
# balance (solde) of a works contract runs from the project owner's receipt of the general and final statement (DGD),
# CCP R2192-14 as far as we know (its wording was not found in the sources searched). The addon takes the Chorus
# Pro deposit date of the signed DGD, this frame, as that receipt: the one place to change if the rule differs.
BALANCE_START_FRAME = Frame.A8

# The frames whose Chorus Pro deposit starts a payment period. An A6 (the accepted statement) or a final draft (A7,
# A11, A14) starts none: the instalment's period ran from the monthly draft, the balance's runs from the DGD.
CLOCK_FRAMES = {
    Frame.A4: RequestKind.INSTALMENT,
    Frame.A5: RequestKind.INSTALMENT,
    Frame.A10: RequestKind.INSTALMENT,
    Frame.A13: RequestKind.INSTALMENT,
    BALANCE_START_FRAME: RequestKind.BALANCE,
}


def legal_period_days(buyer_type):
    """The legal global payment period, in days, of a buyer type (a BuyerType or its value)."""
    return LEGAL_PERIOD_DAYS[BuyerType(buyer_type)]


def period_days(buyer_type, contract_days=None):
    """The period that applies: the contract's when it sets one (never longer than the law's), else the law's."""
    legal = legal_period_days(buyer_type)
    if not contract_days:
        return legal
    if contract_days < 0:
        raise ValueError(f"A payment period cannot be negative ({contract_days} days).")
    return min(int(contract_days), legal)


def request_kind(frame):
    """The kind of payment request a frame's deposit is, or None when its deposit starts no period."""
    return CLOCK_FRAMES.get(Frame(frame))


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Expected a date, got {value!r}.")


@dataclass(frozen=True)
class Suspension:
    """An interruption of the period: notified on ``start``, every missing document received on ``end``."""

    start: datetime.date
    end: datetime.date = None


@dataclass(frozen=True)
class Clock:
    """A piece's payment clock: started on Chorus Pro's deposit date, for ``period_days`` days."""

    start: datetime.date
    period_days: int
    suspension: Suspension = None

    def __post_init__(self):
        object.__setattr__(self, "start", _as_date(self.start))
        if self.period_days <= 0:
            raise ValueError(f"A payment period must be a positive number of days ({self.period_days}).")

    @property
    def first_due_date(self):
        """The last day of the period as first started (the reception day is day 0)."""
        return self.start + datetime.timedelta(days=self.period_days)

    @property
    def counted_suspension(self):
        """The suspension the law counts: one notified within the period (R2192-27), else None."""
        if self.suspension and self.start <= self.suspension.start <= self.first_due_date:
            return self.suspension
        return None

    @property
    def due_date(self):
        """The last day of the period, or None while a counted suspension is not lifted."""
        suspension = self.counted_suspension
        if suspension is None:
            return self.first_due_date
        if suspension.end is None:
            return None
        remainder = (self.first_due_date - suspension.start).days
        return suspension.end + datetime.timedelta(days=max(RESTART_PERIOD_DAYS, remainder))

    def suspended_on(self, day):
        """True when the period is interrupted on ``day``."""
        suspension = self.counted_suspension
        return bool(suspension and suspension.start <= day and (suspension.end is None or day < suspension.end))

    def days_left(self, day):
        """Days until the due date (0 on it, negative when late), or None while suspended."""
        due = self.due_date
        if due is None:
            return None
        return (due - day).days

    def days_late(self, payment_ordered):
        """Days of late payment when the payment was ordered on ``payment_ordered`` (0 when on time)."""
        due = self.due_date
        if due is None:
            return 0
        return max(0, (_as_date(payment_ordered) - due).days)

    def interest_start(self):
        """The first day of interest: the day after the due date (L2192-13), or None while suspended."""
        due = self.due_date
        return due + datetime.timedelta(days=1) if due else None


def half_year_start(day):
    """The first day of the calendar half-year of ``day`` (1 January or 1 July)."""
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def ecb_rate_on(rates, day):
    """The ECB main refinancing rate in force on ``day``: the last of ``rates`` ((date, percent) pairs) from on or
    before that day. Raises LookupError when none is known, so that no interest is computed on a guessed rate."""
    known = [(_as_date(start), to_decimal(rate)) for start, rate in rates if _as_date(start) <= day]
    if not known:
        raise LookupError(f"No ECB main refinancing rate is known in force on {day.isoformat()}.")
    return max(known)[1]


def interest_rate(rates, interest_start):
    """The late-payment interest rate in percent: the ECB rate in force on the first day of the half-year in which
    the interest starts, plus 8 points (R2192-31)."""
    return ecb_rate_on(rates, half_year_start(_as_date(interest_start))) + ECB_MARGIN_POINTS


def simple_interest(base, rate_percent, days):
    """base x rate % x days / 365, rounded to the cent."""
    if days <= 0:
        return Decimal("0.00")
    amount = to_decimal(base) * to_decimal(rate_percent) * days / (HUNDRED * DAYS_IN_YEAR)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def interest_base(amount_due_incl_vat, retention=0):
    """The interest base: the amount due including VAT less the retention (retenue de garantie)."""
    return (to_decimal(amount_due_incl_vat) - to_decimal(retention)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LateCharges:
    """What a late payment costs the buyer."""

    due_date: datetime.date
    payment_ordered: datetime.date
    days_late: int
    rate: Decimal  # percent, ECB + 8 points (None when on time)
    base: Decimal
    interest: Decimal
    indemnity: Decimal

    @property
    def total(self):
        """Interest plus indemnity."""
        return self.interest + self.indemnity

    @property
    def late(self):
        """True when the payment was ordered after the due date."""
        return self.days_late > 0


def late_charges(clock, payment_ordered, base, rates):
    """The interest and the indemnity owed for a payment ordered on ``payment_ordered`` (all zero when on time).

    Raises LookupError when the payment is late and no ECB rate is known for the half-year the interest starts in.
    """
    payment_ordered = _as_date(payment_ordered)
    days = clock.days_late(payment_ordered)
    base = to_decimal(base)
    if days <= 0:
        zero = Decimal("0.00")
        return LateCharges(clock.due_date, payment_ordered, 0, None, base, zero, zero)
    rate = interest_rate(rates, clock.interest_start())
    return LateCharges(clock.due_date, payment_ordered, days, rate, base, simple_interest(base, rate, days),
                       RECOVERY_INDEMNITY)


def additional_interest(interest, rate_percent, principal_paid, interest_paid):
    """Interest on unpaid late-payment interest: from the day after the grace period following the principal's
    payment (R2192-36) until ``interest_paid``, at ``rate_percent`` (the caller's rate; see the module's note)."""
    deadline = _as_date(principal_paid) + datetime.timedelta(days=ADDITIONAL_INTEREST_GRACE_DAYS)
    return simple_interest(interest, rate_percent, (_as_date(interest_paid) - deadline).days)
