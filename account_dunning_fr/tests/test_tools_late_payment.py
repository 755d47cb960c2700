"""Legal amounts of one instalment by debtor type (tools/late_payment.py),
tested without Odoo and without a database.

Plain pytest functions over tables of fixed dates. Expected amounts are
written as the formula a person would check by hand (open amount x annual
rate x days / 36500) and compared to 1e-6; the worked examples of
test_legal_amounts.py are also checked to the cent.

The rates are those of the shipped table (see tools_rates.py).
"""

from datetime import date

import pytest

from ..tools import late_payment
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


# Each case: arguments of _amounts, expected unrounded values, and the
# cent values asserted by test_legal_amounts.py where there is one.
INSTALMENT_CASES = [
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 6, 1)),
        {},
        {"days_late": 0, "open_amount": 10000.0, "indemnity": 0.0},
        {},
        id="pro-on-due-date",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 6, 2)),
        {},
        {"days_late": 1, "penalty": 10000 * 13.15 / 36500, "indemnity": 40.0},
        {"penalty": 3.60},
        id="pro-first-day-late",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {},
        {
            "days_late": 60,
            "open_amount": 10000.0,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 207.67},
        id="pro-two-semesters-207.67",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"indemnity_enabled": False},
        {
            "days_late": 60,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 0.0,
        },
        {"penalty": 207.67},
        id="pro-indemnity-disabled",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"mode": "contractual", "contractual_rate": 15.0},
        {"days_late": 60, "penalty": 10000 * 15.0 * 60 / 36500, "indemnity": 40.0},
        {},
        id="pro-contractual-rate",
    ),
    pytest.param(
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
        id="pro-partial-payment",
    ),
    pytest.param(
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
        id="pro-settled-late",
    ),
    pytest.param(
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
        id="pro-paid-on-1-july",
    ),
    pytest.param(
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
        id="pro-paid-on-due-date",
    ),
    pytest.param(
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
        id="pro-less-than-half-a-cent-left-is-settled",
    ),
    pytest.param(
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
        id="pro-one-cent-left-is-late",
    ),
    pytest.param(
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
        id="pro-0.006-left-rounds-to-a-cent",
    ),
    pytest.param(
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
        id="pro-half-a-cent-left-rounds-up",
    ),
    pytest.param(
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
        id="pro-half-a-cent-stored-below-the-tie-rounds-up",
    ),
    pytest.param(
        ("consumer", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {},
        {"days_late": 60, "open_amount": 10000.0, "indemnity": 0.0},
        {},
        id="consumer-without-formal-notice",
    ),
    pytest.param(
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 10)),
        {"formal_notice_date": date(2025, 7, 10)},
        {"days_late": 39, "legal_interest": 0.0},
        {},
        id="consumer-on-formal-notice-day",
    ),
    pytest.param(
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"formal_notice_date": date(2025, 7, 10)},
        {"days_late": 60, "legal_interest": 12000 * 2.76 * 21 / 36500},
        {"legal_interest": 19.06},
        id="consumer-after-formal-notice",
    ),
    pytest.param(
        ("consumer", 12000.0, date(2025, 6, 1), date(2026, 1, 31)),
        {"formal_notice_date": date(2025, 7, 10)},
        {
            "days_late": 244,
            "legal_interest": 12000 * 2.76 * 174 / 36500 + 12000 * 2.62 * 31 / 36500,
        },
        {"legal_interest": 184.59},
        id="consumer-legal-rate-per-semester",
    ),
    pytest.param(
        ("consumer", 12000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"formal_notice_date": date(2025, 5, 20)},
        {
            "days_late": 60,
            "legal_interest": 12000 * 3.71 * 29 / 36500 + 12000 * 2.76 * 31 / 36500,
        },
        {},
        id="consumer-notice-before-due-date",
    ),
    pytest.param(
        ("public", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"indemnity_enabled": False},
        {"days_late": 60, "penalty": 10000 * 11.15 * 60 / 36500, "indemnity": 40.0},
        {"penalty": 183.29},
        id="public-one-rate-and-indemnity-always",
    ),
    pytest.param(
        ("public", 10000.0, date(2025, 6, 30), date(2025, 8, 31)),
        {},
        {"days_late": 62, "penalty": 10000 * 10.15 * 62 / 36500, "indemnity": 40.0},
        {},
        id="public-delay-starting-1-july",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 60, "penalty": 10000 * 13.15 * 29 / 36500, "indemnity": 40.0},
        {"penalty": 104.48},
        id="insolvency-stops-accrual",
    ),
    pytest.param(
        ("professional", 5000.0, date(2025, 7, 15), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 16, "indemnity": 0.0},
        {"penalty": 0.0},
        id="insolvency-before-due-date",
    ),
    pytest.param(
        ("professional", 5000.0, date(2025, 7, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 30, "indemnity": 0.0},
        {},
        id="insolvency-on-due-date",
    ),
    pytest.param(
        ("public", 5000.0, date(2025, 7, 15), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 7, 1)},
        {"days_late": 16, "indemnity": 0.0},
        {},
        id="insolvency-public-buyer",
    ),
    pytest.param(
        ("professional", 10000.0, date(2025, 6, 1), date(2025, 7, 31)),
        {"insolvency_date": date(2025, 9, 1)},
        {
            "days_late": 60,
            "penalty": 10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            "indemnity": 40.0,
        },
        {"penalty": 207.67},
        id="insolvency-after-computation-date",
    ),
]


@pytest.mark.parametrize("args, options, expected, cents", INSTALMENT_CASES)
def test_instalment_amounts(args, options, expected, cents):
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
        assert values[key] == pytest.approx(value, abs=1e-6), key
    for key, value in cents.items():
        assert round(values[key], 2) == value, key


def test_each_instalment_counts_on_its_own():
    # 10 000 invoiced 2025-05-01, in two instalments of 5 000 due 2025-05-31
    # and 2025-06-30; the invoice total is rounded once (157.23 in
    # test_legal_amounts.py), with one indemnity per late instalment.
    instalments = [
        _amounts("professional", 5000.0, date(2025, 5, 31), date(2025, 7, 31)),
        _amounts("professional", 5000.0, date(2025, 6, 30), date(2025, 7, 31)),
    ]
    penalty = sum(values["penalty"] for values in instalments)
    expected = 5000 * 13.15 * 30 / 36500 + 5000 * 12.15 * 31 / 36500 * 2
    assert penalty == pytest.approx(expected, abs=1e-6)
    assert round(penalty, 2) == 157.23
    assert sum(values["indemnity"] for values in instalments) == 80.0
    assert [values["days_late"] for values in instalments] == [61, 31]


@pytest.mark.parametrize(
    "debtor_type, due_date, insolvency_date, enabled, expected",
    [
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
    ],
)
def test_recovery_indemnity_due(
    debtor_type, due_date, insolvency_date, enabled, expected
):
    due = late_payment.recovery_indemnity_due(
        debtor_type, due_date, insolvency_date, enabled=enabled
    )
    assert due is expected
