"""Rates and accrual of late payment interest (tools/late_payment.py).

Tested without Odoo and without a database: tables of fixed dates, one
sub-test per row.
"""

from datetime import date

from ..tools import late_payment
from .common_pure import DatabaseFreeCase
from .tools_rates import penalty_rate


class TestToolsAccrual(DatabaseFreeCase):
    def test_penalty_rate_modes(self):
        cases = [
            (3.15, "ecb10", 0.0, 13.15),
            (3.15, "ecb10", 20.0, 13.15),
            (3.15, "contractual", 15.0, 15.0),
            (3.15, "max", 15.0, 15.0),
            (3.15, "max", 12.0, 13.15),
            (2.15, "max", 12.15, 12.15),
            (0.0, "unknown", 15.0, 10.0),
        ]
        for ecb_rate, mode, contractual_rate, expected in cases:
            with self.subTest(
                ecb_rate=ecb_rate,
                mode=mode,
                contractual_rate=contractual_rate,
                expected=expected,
            ):
                rate = late_payment.penalty_rate(ecb_rate, mode, contractual_rate)
                self.assertAlmostEqual(rate, expected, delta=1e-12)

    def test_penalty_rate_default_mode_is_ecb_plus_ten(self):
        self.assertAlmostEqual(late_payment.penalty_rate(2.15), 12.15, delta=1e-12)

    def test_public_and_floor_rates(self):
        cases = [
            (3.15, 3.71, 11.15, 11.13),
            (2.15, 2.76, 10.15, 8.28),
            (2.15, 2.62, 10.15, 7.86),
            (4.50, 5.07, 12.50, 15.21),
            (0.05, 0.99, 8.05, 2.97),
        ]
        for ecb_rate, legal_rate_other, public_rate, floor_rate in cases:
            with self.subTest(
                ecb_rate=ecb_rate,
                legal_rate_other=legal_rate_other,
                public_rate=public_rate,
                floor_rate=floor_rate,
            ):
                public = late_payment.public_moratorium_rate(ecb_rate)
                self.assertAlmostEqual(public, public_rate, delta=1e-12)
                # Rounded to 4 decimals: the exact decimal value, not
                # 11.129999999999999.
                assert (
                    late_payment.contractual_floor_rate(legal_rate_other) == floor_rate
                )

    def test_legal_constants(self):
        assert late_payment.PENALTY_ECB_MARGIN == 10.0
        assert late_payment.PUBLIC_ECB_MARGIN == 8.0
        assert late_payment.CONTRACTUAL_FLOOR_FACTOR == 3.0
        assert late_payment.RECOVERY_INDEMNITY_EUR == 40.0

    def test_accrue(self):
        cases = [
            (
                date(2025, 6, 2),
                date(2025, 6, 2),
                10000.0,
                [],
                10000 * 13.15 * 1 / 36500,
                "one-day",
            ),
            (
                date(2025, 6, 2),
                date(2025, 7, 31),
                10000.0,
                [],
                10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
                "two-semesters-two-rates",
            ),
            (
                date(2025, 7, 1),
                date(2025, 12, 31),
                10000.0,
                [],
                10000 * 12.15 * 184 / 36500,
                "whole-second-semester",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 3, 11), 4000.0)],
                10000 * 13.15 * 10 / 36500 + 6000 * 13.15 * 20 / 36500,
                "partial-payment-counts-from-next-day",
            ),
            (
                date(2025, 6, 2),
                date(2025, 12, 31),
                10000.0,
                [(date(2025, 9, 30), 2500.0)],
                10000 * 13.15 * 29 / 36500
                + 10000 * 12.15 * 92 / 36500
                + 7500 * 12.15 * 92 / 36500,
                "two-semesters-and-partial-payment",
            ),
            (
                date(2025, 6, 2),
                date(2025, 7, 31),
                10000.0,
                [(date(2025, 7, 1), 4000.0)],
                10000 * 13.15 * 29 / 36500
                + 10000 * 12.15 * 1 / 36500
                + 6000 * 12.15 * 30 / 36500,
                "payment-on-first-day-of-semester",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 3, 2), 4000.0)],
                10000 * 13.15 * 1 / 36500 + 6000 * 13.15 * 29 / 36500,
                "payment-on-first-day-late",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 3, 31), 10000.0)],
                10000 * 13.15 * 30 / 36500,
                "payment-on-last-day-still-bears-that-day",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 2, 20), 3000.0)],
                7000 * 13.15 * 30 / 36500,
                "payment-before-the-period",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 3, 11), 12000.0)],
                10000 * 13.15 * 10 / 36500,
                "overpayment-stops-accrual",
            ),
            (
                date(2025, 3, 2),
                date(2025, 3, 31),
                10000.0,
                [(date(2025, 3, 11), 10000.0), (date(2025, 3, 21), -2000.0)],
                10000 * 13.15 * 10 / 36500 + 2000 * 13.15 * 10 / 36500,
                "reversed-payment-reopens",
            ),
            (
                date(2025, 7, 1),
                date(2025, 6, 30),
                10000.0,
                [],
                0.0,
                "empty-period",
            ),
        ]
        for first_day, last_day, amount, payments, expected, case_id in cases:
            with self.subTest(case_id):
                total = late_payment.accrue(
                    first_day, last_day, amount, payments, penalty_rate
                )
                self.assertAlmostEqual(total, expected, delta=1e-6)

    def test_accrue_asks_the_rate_once_per_period(self):
        asked = []

        def rate_for_day(day):
            asked.append(day)
            return 12.0

        late_payment.accrue(
            date(2025, 6, 2),
            date(2025, 12, 31),
            10000.0,
            [(date(2025, 9, 30), 2500.0), (date(2025, 12, 31), 7500.0)],
            rate_for_day,
        )
        assert asked == [date(2025, 6, 2), date(2025, 7, 1), date(2025, 10, 1)]

    def test_accrue_counts_365_days_in_leap_and_common_years(self):
        # 10 % in first halves, 5 % in second halves, 1 000 over 2024 and 2025:
        # 182 days (2024-S1, leap), 184, 181 and 184 days, always over 365.
        def rate_for_day(day):
            return 10.0 if day.month < 7 else 5.0

        total = late_payment.accrue(
            date(2024, 1, 1), date(2025, 12, 31), 1000.0, [], rate_for_day
        )
        expected = 1000 * (10 * 182 + 5 * 184 + 10 * 181 + 5 * 184) / 36500
        self.assertAlmostEqual(total, expected, delta=1e-6)
