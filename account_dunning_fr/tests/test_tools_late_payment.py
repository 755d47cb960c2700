"""Legal amounts of one instalment by debtor type (tools/late_payment.py),
tested without Odoo and without a database.

Tables of fixed dates, one sub-test per row. Expected amounts are
written as the formula a person would check by hand (open amount x annual
rate x days / 36500) and compared to 1e-6; the worked examples of
test_legal_amounts.py are also checked to the cent.

The rates are those of the shipped table (see tools_rates.py).
"""

from datetime import date

from ..tools import late_payment
from .common_pure import DatabaseFreeCase
from .tools_rates import ONE_DAY, ecb, legal_rate


def _amounts(debtor_type, amount, due_date, when, payments=(), **options):
    """Amounts of one instalment with the rates of the shipped table."""
    mode = options.pop("mode", "ecb10")
    contractual_rate = options.pop("contractual_rate", 0.0)
    return late_payment.instalment_amounts(
        amount,
        due_date,
        list(payments),
        when,
        debtor_type=debtor_type,
        penalty_rate_for_day=lambda day: late_payment.penalty_rate(
            ecb(day), mode, contractual_rate
        ),
        legal_rate_for_day=legal_rate,
        public_rate=late_payment.public_moratorium_rate(ecb(due_date + ONE_DAY)),
        **options,
    )


# Each case: arguments of _amounts, expected unrounded values, the cent
# values asserted by test_legal_amounts.py where there is one, and a name.
INSTALMENT_CASES = [
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 6, 1)),
        {},
        {"days_late": 0, "open_amount": 10000.0, "indemnity": 0.0},
        {},
        "pro-on-due-date",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 6, 2)),
        {},
        {"days_late": 1, "penalty": 10000 * 13.15 / 36500, "indemnity": 40.0},
        {"penalty": 3.60},
        "pro-first-day-late",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {},
        {
            "days_late": 60,
            "open_amount": 10000.0,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 207.67},
        "pro-two-semesters-207.67",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"indemnity_enabled": False},
        {
            "days_late": 60,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 0.0,
        },
        {"penalty": 207.67},
        "pro-indemnity-disabled",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"mode": "contractual", "contractual_rate": 15.0},
        {"days_late": 60, "penalty": 10000 * 15.0 * 60 / 36500, "indemnity": 40.0},
        {},
        "pro-contractual-rate",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 3, 31),
            [(date(2025, 3, 11), 4000.0)],
        ),
        {},
        {
            "days_late": 30,
            "open_amount": 6000.0,
            "penalty": 10000 * 13.15 * 10 / 36500 + 6000 * 13.15 * 20 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 79.26},
        "pro-partial-payment",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 5, 31),
            # Given out of order on purpose: the function sorts them.
            [(date(2025, 4, 10), 6000.0), (date(2025, 3, 11), 4000.0)],
        ),
        {},
        {
            "days_late": 40,
            "open_amount": 0.0,
            "penalty": 10000 * 13.15 * 10 / 36500 + 6000 * 13.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 100.88},
        "pro-settled-late",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 6, 1),
            date(2025, 7, 31),
            [(date(2025, 7, 1), 4000.0)],
        ),
        {},
        {
            "days_late": 60,
            "open_amount": 6000.0,
            "penalty": 10000 * 13.15 * 29 / 36500
            + 10000 * 12.15 * 1 / 36500
            + 6000 * 12.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 167.73},
        "pro-paid-on-1-july",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 5, 31),
            [(date(2025, 3, 1), 10000.0)],
        ),
        {},
        {"days_late": 0, "open_amount": 0.0, "indemnity": 0.0},
        {},
        "pro-paid-on-due-date",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 5, 31),
            [(date(2025, 3, 1), 9999.996)],
        ),
        {},
        {"days_late": 0, "open_amount": 0.0, "indemnity": 0.0},
        {},
        "pro-less-than-half-a-cent-left-is-settled",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 3, 31),
            [(date(2025, 3, 1), 9999.99)],
        ),
        {},
        {
            "days_late": 30,
            "open_amount": 10000.0 - 9999.99,
            "penalty": (10000.0 - 9999.99) * 13.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {},
        "pro-one-cent-left-is-late",
    ),
    (
        (
            "professional",
            10000.0,
            date(2025, 3, 1),
            date(2025, 3, 31),
            [(date(2025, 3, 1), 9999.994)],
        ),
        {},
        {
            "days_late": 30,
            "open_amount": 10000.0 - 9999.994,
            "penalty": (10000.0 - 9999.994) * 13.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {},
        "pro-0.006-left-rounds-to-a-cent",
    ),
    (
        (
            "professional",
            1.0,
            date(2025, 3, 1),
            date(2025, 3, 31),
            [(date(2025, 3, 1), 0.995)],
        ),
        {},
        {
            "days_late": 30,
            "open_amount": 1.0 - 0.995,
            "penalty": (1.0 - 0.995) * 13.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {},
        "pro-half-a-cent-left-rounds-up",
    ),
    (
        (
            "professional",
            0.03,
            date(2025, 3, 1),
            date(2025, 3, 31),
            [(date(2025, 3, 1), 0.025)],
        ),
        {},
        {
            "days_late": 30,
            "open_amount": 0.03 - 0.025,
            "penalty": (0.03 - 0.025) * 13.15 * 30 / 36500,
            "indemnity": 40.0,
        },
        {},
        # 0.03 - 0.025 is 0.0049999999999999975 in binary: still a half cent.
        "pro-half-a-cent-stored-below-the-tie-rounds-up",
    ),
    (
        ("consumer", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {},
        {"days_late": 60, "open_amount": 10000.0, "indemnity": 0.0},
        {},
        "consumer-without-formal-notice",
    ),
    (
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 10)),
        {"formal_notice_date": date(2025, 7, 10)},
        {"days_late": 39, "legal_interest": 0.0},
        {},
        "consumer-on-formal-notice-day",
    ),
    (
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"formal_notice_date": date(2025, 7, 10)},
        {"days_late": 60, "legal_interest": 12000 * 2.76 * 21 / 36500},
        {"legal_interest": 19.06},
        "consumer-after-formal-notice",
    ),
    (
        ("consumer", 12000.0, date(2025, 6, 1), date(2026, 1, 31)),
        {"formal_notice_date": date(2025, 7, 10)},
        {
            "days_late": 244,
            "legal_interest": 12000 * 2.76 * 174 / 36500 + 12000 * 2.62 * 31 / 36500,
        },
        {"legal_interest": 184.59},
        "consumer-legal-rate-per-semester",
    ),
    (
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"formal_notice_date": date(2025, 5, 20)},
        {
            "days_late": 60,
            "legal_interest": 12000 * 3.71 * 29 / 36500 + 12000 * 2.76 * 31 / 36500,
        },
        {},
        "consumer-notice-before-due-date",
    ),
    (
        ("public", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"indemnity_enabled": False},
        {"days_late": 60, "penalty": 10000 * 11.15 * 60 / 36500, "indemnity": 40.0},
        {"penalty": 183.29},
        "public-one-rate-and-indemnity-always",
    ),
    (
        ("public", 10000.0, date(2025, 6, 30), date(2025, 8, 31)),
        {},
        {"days_late": 62, "penalty": 10000 * 10.15 * 62 / 36500, "indemnity": 40.0},
        {},
        "public-delay-starting-1-july",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 60, "penalty": 10000 * 13.15 * 29 / 36500, "indemnity": 40.0},
        {"penalty": 104.48},
        "insolvency-stops-accrual",
    ),
    (
        ("professional", 5000.0, date(2025, 7, 15), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 16, "indemnity": 0.0},
        {"penalty": 0.0},
        "insolvency-before-due-date",
    ),
    (
        ("professional", 5000.0, date(2025, 7, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 30, "indemnity": 0.0},
        {},
        "insolvency-on-due-date",
    ),
    (
        ("public", 5000.0, date(2025, 7, 15), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 16, "indemnity": 0.0},
        {},
        "insolvency-public-buyer",
    ),
    (
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 9, 1)},
        {
            "days_late": 60,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 207.67},
        "insolvency-after-computation-date",
    ),
]


class TestToolsLatePayment(DatabaseFreeCase):
    def test_instalment_amounts(self):
        for args, options, expected, cents, case_id in INSTALMENT_CASES:
            with self.subTest(case_id):
                values = _amounts(*args, **options)
                full = {"penalty": 0.0, "legal_interest": 0.0, **expected}
                assert set(values) == {
                    "days_late",
                    "open_amount",
                    "penalty",
                    "indemnity",
                    "legal_interest",
                }
                for key, value in full.items():
                    self.assertAlmostEqual(values[key], value, delta=1e-6, msg=key)
                for key, value in cents.items():
                    assert round(values[key], 2) == value, key

    def test_each_instalment_counts_on_its_own(self):
        # 10 000 invoiced 2025-05-01, in two instalments of 5 000 due 2025-05-31
        # and 2025-06-30; the invoice total is rounded once (157.23 in
        # test_legal_amounts.py), with one indemnity per late instalment.
        instalments = [
            _amounts("professional", 5000.0, date(2025, 5, 31), date(2025, 7, 31)),
            _amounts("professional", 5000.0, date(2025, 6, 30), date(2025, 7, 31)),
        ]
        penalty = sum(values["penalty"] for values in instalments)
        expected = 5000 * 13.15 * 30 / 36500 + 5000 * 12.15 * 31 / 36500 * 2
        self.assertAlmostEqual(penalty, expected, delta=1e-6)
        assert round(penalty, 2) == 157.23
        assert sum(values["indemnity"] for values in instalments) == 80.0
        assert [values["days_late"] for values in instalments] == [61, 31]

    def test_recovery_indemnity_due(self):
        cases = [
            ("professional", date(2025, 6, 1), None, True, True),
            ("professional", date(2025, 6, 1), None, False, False),
            ("public", date(2025, 6, 1), None, True, True),
            ("public", date(2025, 6, 1), None, False, True),
            ("consumer", date(2025, 6, 1), None, True, False),
            ("consumer", date(2025, 6, 1), None, False, False),
            ("professional", date(2025, 6, 30), date(2025, 7, 1), True, True),
            ("professional", date(2025, 7, 1), date(2025, 7, 1), True, False),
            ("professional", date(2025, 7, 2), date(2025, 7, 1), True, False),
            ("public", date(2025, 6, 30), date(2025, 7, 1), False, True),
            ("public", date(2025, 7, 1), date(2025, 7, 1), True, False),
            ("consumer", date(2025, 6, 30), date(2025, 7, 1), True, False),
        ]
        for debtor_type, due_date, insolvency_date, enabled, expected in cases:
            with self.subTest(
                debtor_type=debtor_type,
                due_date=due_date,
                insolvency_date=insolvency_date,
                enabled=enabled,
                expected=expected,
            ):
                due = late_payment.recovery_indemnity_due(
                    debtor_type, due_date, insolvency_date, enabled=enabled
                )
                assert due is expected

    def test_french_law_applies_by_country(self):
        cases = [
            ("FR", True),
            ("fr", True),
            ("RE", True),  # Réunion, an overseas department
            ("YT", True),  # Mayotte
            ("MF", True),  # Saint-Martin: commercial law stayed with the State
            ("MC", False),  # Monaco has its own commercial code
            ("NC", False),  # New Caledonia makes its own commercial law
            ("BE", False),
            ("", False),
            (None, False),
        ]
        for country_code, applies in cases:
            with self.subTest(country_code=country_code):
                self.assertIs(late_payment.french_law_applies(country_code), applies)
