import datetime
from decimal import Decimal

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..chorus import payment

day = datetime.date


@tagged("post_install", "-at_install")
class TestEcbRates(TransactionCase):
    """The ECB rates ship with their history, an administrator edits them, and they feed the interest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rate = cls.env["ediflex.chorus.ecb.rate"]
        cls.accountant = new_test_user(cls.env, login="rate_accountant",
                                       groups="ediflex_chorus.group_accountant_reader")
        cls.admin = new_test_user(cls.env, login="rate_admin", groups="ediflex_chorus.group_chorus_admin")

    def test_the_history_is_shipped(self):
        rates = dict(self.Rate._rates())
        self.assertGreater(len(rates), 30)
        self.assertEqual(rates[day(2025, 6, 11)], Decimal("2.15"))
        self.assertEqual(rates[day(2023, 9, 20)], Decimal("4.50"))
        self.assertEqual(payment.ecb_rate_on(rates.items(), day(2026, 1, 1)), Decimal("2.15"))

    def test_the_worked_example_from_the_shipped_rates(self):
        clock = payment.Clock(day(2026, 1, 10), 30)
        charges = payment.late_charges(clock, day(2026, 3, 11), Decimal("7410.00"), self.Rate._rates())
        self.assertEqual((charges.interest, charges.indemnity), (Decimal("61.82"), Decimal("40.00")))

    def test_a_new_rate_applies_from_the_next_half_year(self):
        self.Rate.with_user(self.admin).create({"date_from": "2026-03-18", "rate": 2.40})
        rates = self.Rate._rates()
        self.assertEqual(payment.interest_rate(rates, day(2026, 5, 2)), Decimal("10.15"))
        self.assertEqual(payment.interest_rate(rates, day(2026, 7, 2)), Decimal("10.40"))

    def test_an_accountant_reads_but_does_not_edit(self):
        rate = self.Rate.search([], limit=1)
        self.assertTrue(rate.with_user(self.accountant).read(["rate"]))
        with self.assertRaises(AccessError):
            rate.with_user(self.accountant).write({"rate": 9.0})
        with self.assertRaises(AccessError):
            self.Rate.with_user(self.accountant).create({"date_from": "2030-01-01", "rate": 1.0})


@tagged("post_install", "-at_install")
class TestBuyerPeriod(TransactionCase):
    """The payment period is a field of the public body, defaulted from its type, shortened by a contract."""

    def test_each_buyer_type_defaults_its_legal_period(self):
        for buyer_type, days in (("state", 30), ("local", 30), ("hospital", 50), ("public_company", 60)):
            partner = self.env["res.partner"].create({"name": buyer_type, "chorus_buyer_type": buyer_type})
            self.assertEqual(partner.chorus_payment_period_days, days)
            self.assertEqual(partner._chorus_payment_period(), days)

    def test_the_period_can_be_shortened_not_lengthened(self):
        partner = self.env["res.partner"].create({"name": "CHU", "chorus_buyer_type": "hospital"})
        partner.chorus_payment_period_days = 40
        self.assertEqual(partner._chorus_payment_period(), 40)
        self.assertEqual(partner._chorus_payment_period(contract_days=20), 20)
        partner.chorus_payment_period_days = 90
        self.assertEqual(partner._chorus_payment_period(), 50)

    def test_an_untyped_body_has_the_common_thirty_days(self):
        partner = self.env["res.partner"].create({"name": "Mairie"})
        self.assertEqual(partner._chorus_payment_period(), 30)
