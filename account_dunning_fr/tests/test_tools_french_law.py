"""French legal arithmetic of tools/, tested without Odoo and without a database.

Plain pytest functions over tables of fixed dates. Expected amounts are
written as the formula a person would check by hand (open amount x annual
rate x days / 36500) and compared to 1e-6; the worked examples of
test_legal_amounts.py are also checked to the cent.

Rates below are those of the shipped table (data/account_dunning_rate_data.xml):
    semester   ECB   ECB+10  ECB+8  legal rate "other cases"
    2025-S1    3.15  13.15   11.15  3.71
    2025-S2    2.15  12.15   10.15  2.76
    2026-S1    2.15  12.15   10.15  2.62
"""

from datetime import date, timedelta

import pytest

from ..tools import late_payment, prescription, semesters

ONE_DAY = timedelta(days=1)
# semester start: (ECB rate, legal interest rate "other cases"), in percent
RATES = {
    date(2025, 1, 1): (3.15, 3.71),
    date(2025, 7, 1): (2.15, 2.76),
    date(2026, 1, 1): (2.15, 2.62),
}


def _ecb(day):
    return RATES[semesters.semester_start(day)][0]


def _legal_rate(day):
    return RATES[semesters.semester_start(day)][1]


def _penalty_rate(day):
    return late_payment.penalty_rate(_ecb(day))


# ---------------------------------------------------------------------------
# Semesters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, start, next_start",
    [
        (date(2025, 1, 1), date(2025, 1, 1), date(2025, 7, 1)),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 7, 1)),
        (date(2025, 6, 30), date(2025, 1, 1), date(2025, 7, 1)),
        (date(2025, 7, 1), date(2025, 7, 1), date(2026, 1, 1)),
        (date(2025, 12, 31), date(2025, 7, 1), date(2026, 1, 1)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 7, 1)),
    ],
)
def test_semester_boundaries(day, start, next_start):
    assert semesters.semester_start(day) == start
    assert semesters.next_semester_start(day) == next_start


@pytest.mark.parametrize(
    "first_day, last_day, starts",
    [
        (date(2025, 3, 15), date(2025, 3, 15), [date(2025, 1, 1)]),
        (date(2025, 6, 30), date(2025, 7, 1), [date(2025, 1, 1), date(2025, 7, 1)]),
        (date(2025, 7, 1), date(2025, 12, 31), [date(2025, 7, 1)]),
        (date(2025, 12, 31), date(2026, 1, 1), [date(2025, 7, 1), date(2026, 1, 1)]),
        (
            date(2023, 5, 10),
            date(2026, 2, 1),
            [
                date(2023, 1, 1),
                date(2023, 7, 1),
                date(2024, 1, 1),
                date(2024, 7, 1),
                date(2025, 1, 1),
                date(2025, 7, 1),
                date(2026, 1, 1),
            ],
        ),
        (date(2025, 7, 2), date(2025, 7, 1), []),
    ],
)
def test_semester_starts(first_day, last_day, starts):
    assert semesters.semester_starts(first_day, last_day) == starts


# ---------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ecb_rate, mode, contractual_rate, expected",
    [
        (3.15, "ecb10", 0.0, 13.15),
        (3.15, "ecb10", 20.0, 13.15),
        (3.15, "contractual", 15.0, 15.0),
        (3.15, "max", 15.0, 15.0),
        (3.15, "max", 12.0, 13.15),
        (2.15, "max", 12.15, 12.15),
        (0.0, "unknown", 15.0, 10.0),
    ],
)
def test_penalty_rate_modes(ecb_rate, mode, contractual_rate, expected):
    rate = late_payment.penalty_rate(ecb_rate, mode, contractual_rate)
    assert rate == pytest.approx(expected, abs=1e-12)


def test_penalty_rate_default_mode_is_ecb_plus_ten():
    assert late_payment.penalty_rate(2.15) == pytest.approx(12.15, abs=1e-12)


@pytest.mark.parametrize(
    "ecb_rate, legal_rate_other, public_rate, floor_rate",
    [
        (3.15, 3.71, 11.15, 11.13),
        (2.15, 2.76, 10.15, 8.28),
        (2.15, 2.62, 10.15, 7.86),
        (4.50, 5.07, 12.50, 15.21),
        (0.05, 0.99, 8.05, 2.97),
    ],
)
def test_public_and_floor_rates(ecb_rate, legal_rate_other, public_rate, floor_rate):
    public = late_payment.public_moratorium_rate(ecb_rate)
    assert public == pytest.approx(public_rate, abs=1e-12)
    # Rounded to 4 decimals: the exact decimal value, not 11.129999999999999.
    assert late_payment.contractual_floor_rate(legal_rate_other) == floor_rate


def test_legal_constants():
    assert late_payment.PENALTY_ECB_MARGIN == 10.0
    assert late_payment.PUBLIC_ECB_MARGIN == 8.0
    assert late_payment.CONTRACTUAL_FLOOR_FACTOR == 3.0
    assert late_payment.RECOVERY_INDEMNITY_EUR == 40.0


# ---------------------------------------------------------------------------
# Accrual
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_day, last_day, amount, payments, expected",
    [
        pytest.param(
            date(2025, 6, 2),
            date(2025, 6, 2),
            10000.0,
            [],
            10000 * 13.15 * 1 / 36500,
            id="one-day",
        ),
        pytest.param(
            date(2025, 6, 2),
            date(2025, 7, 31),
            10000.0,
            [],
            10000 * 13.15 * 29 / 36500 + 10000 * 12.15 * 31 / 36500,
            id="two-semesters-two-rates",
        ),
        pytest.param(
            date(2025, 7, 1),
            date(2025, 12, 31),
            10000.0,
            [],
            10000 * 12.15 * 184 / 36500,
            id="whole-second-semester",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 3, 11), 4000.0)],
            10000 * 13.15 * 10 / 36500 + 6000 * 13.15 * 20 / 36500,
            id="partial-payment-counts-from-next-day",
        ),
        pytest.param(
            date(2025, 6, 2),
            date(2025, 12, 31),
            10000.0,
            [(date(2025, 9, 30), 2500.0)],
            10000 * 13.15 * 29 / 36500
            + 10000 * 12.15 * 92 / 36500
            + 7500 * 12.15 * 92 / 36500,
            id="two-semesters-and-partial-payment",
        ),
        pytest.param(
            date(2025, 6, 2),
            date(2025, 7, 31),
            10000.0,
            [(date(2025, 7, 1), 4000.0)],
            10000 * 13.15 * 29 / 36500
            + 10000 * 12.15 * 1 / 36500
            + 6000 * 12.15 * 30 / 36500,
            id="payment-on-first-day-of-semester",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 3, 2), 4000.0)],
            10000 * 13.15 * 1 / 36500 + 6000 * 13.15 * 29 / 36500,
            id="payment-on-first-day-late",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 3, 31), 10000.0)],
            10000 * 13.15 * 30 / 36500,
            id="payment-on-last-day-still-bears-that-day",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 2, 20), 3000.0)],
            7000 * 13.15 * 30 / 36500,
            id="payment-before-the-period",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 3, 11), 12000.0)],
            10000 * 13.15 * 10 / 36500,
            id="overpayment-stops-accrual",
        ),
        pytest.param(
            date(2025, 3, 2),
            date(2025, 3, 31),
            10000.0,
            [(date(2025, 3, 11), 10000.0), (date(2025, 3, 21), -2000.0)],
            10000 * 13.15 * 10 / 36500 + 2000 * 13.15 * 10 / 36500,
            id="reversed-payment-reopens",
        ),
        pytest.param(
            date(2025, 7, 1),
            date(2025, 6, 30),
            10000.0,
            [],
            0.0,
            id="empty-period",
        ),
    ],
)
def test_accrue(first_day, last_day, amount, payments, expected):
    total = late_payment.accrue(first_day, last_day, amount, payments, _penalty_rate)
    assert total == pytest.approx(expected, abs=1e-6)


def test_accrue_asks_the_rate_once_per_period():
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


def test_accrue_counts_365_days_in_leap_and_common_years():
    # 10 % in first halves, 5 % in second halves, 1 000 over 2024 and 2025:
    # 182 days (2024-S1, leap), 184, 181 and 184 days, always over 365.
    def rate_for_day(day):
        return 10.0 if day.month < 7 else 5.0

    total = late_payment.accrue(
        date(2024, 1, 1), date(2025, 12, 31), 1000.0, [], rate_for_day
    )
    expected = 1000 * (10 * 182 + 5 * 184 + 10 * 181 + 5 * 184) / 36500
    assert total == pytest.approx(expected, abs=1e-6)


# ---------------------------------------------------------------------------
# One instalment, by debtor type
# ---------------------------------------------------------------------------


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
            _ecb(day), mode, contractual_rate
        ),
        legal_rate_for_day=_legal_rate,
        public_rate=late_payment.public_moratorium_rate(_ecb(due_date + ONE_DAY)),
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


# ---------------------------------------------------------------------------
# Prescription
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "debtor_type, years",
    [("consumer", 2), ("professional", 5), ("public", 5), (None, 5), ("", 5)],
)
def test_prescription_years(debtor_type, years):
    assert prescription.prescription_years(debtor_type) == years


@pytest.mark.parametrize(
    "due_date, debtor_type, restart_date, limit",
    [
        (date(2020, 3, 1), "professional", None, date(2025, 3, 1)),
        (date(2025, 6, 1), "professional", None, date(2030, 6, 1)),
        (date(2025, 6, 1), None, None, date(2030, 6, 1)),
        (date(2023, 3, 1), "consumer", None, date(2025, 3, 1)),
        (date(2025, 6, 1), "consumer", None, date(2027, 6, 1)),
        (date(2024, 2, 29), "professional", None, date(2029, 2, 28)),
        (date(2024, 2, 29), "public", None, date(2029, 2, 28)),
        (date(2024, 2, 29), "consumer", None, date(2026, 2, 28)),
        (date(2020, 2, 29), "consumer", None, date(2022, 2, 28)),
        # Acknowledged before expiry: a new full period from that date.
        (date(2020, 1, 15), "professional", date(2024, 6, 1), date(2029, 6, 1)),
        (date(2024, 2, 29), "consumer", date(2025, 2, 28), date(2027, 2, 28)),
        (date(2023, 1, 10), "consumer", date(2024, 2, 29), date(2026, 2, 28)),
        # Acknowledged on the last day: still in time.
        (date(2020, 1, 15), "professional", date(2025, 1, 15), date(2030, 1, 15)),
        # Acknowledged after expiry: no revival.
        (date(2020, 1, 15), "professional", date(2025, 1, 16), date(2025, 1, 15)),
        (date(2024, 2, 29), "consumer", date(2026, 3, 1), date(2026, 2, 28)),
        # A date before the due date never shortens the period.
        (date(2020, 1, 15), "professional", date(2019, 12, 1), date(2025, 1, 15)),
    ],
)
def test_prescription_date(due_date, debtor_type, restart_date, limit):
    assert prescription.prescription_date(due_date, debtor_type, restart_date) == limit


@pytest.mark.parametrize(
    "due_date, debtor_type, restart_date, when, barred",
    [
        # The limit day itself is still claimable; the next day is not.
        (date(2020, 3, 1), "professional", None, date(2025, 3, 1), False),
        (date(2020, 3, 1), "professional", None, date(2025, 3, 2), True),
        (date(2020, 3, 2), "professional", None, date(2025, 3, 2), False),
        (date(2023, 3, 1), "consumer", None, date(2025, 3, 2), True),
        (date(2023, 3, 2), "consumer", None, date(2025, 3, 2), False),
        (date(2024, 2, 29), "professional", None, date(2029, 2, 28), False),
        (date(2024, 2, 29), "professional", None, date(2029, 3, 1), True),
        (date(2024, 2, 29), "consumer", None, date(2026, 2, 28), False),
        (date(2024, 2, 29), "consumer", None, date(2026, 3, 1), True),
        (date(2020, 1, 15), "professional", None, date(2026, 3, 1), True),
        (date(2020, 1, 15), "professional", date(2024, 6, 1), date(2026, 3, 1), False),
        (date(2020, 1, 15), "professional", date(2024, 6, 1), date(2029, 6, 1), False),
        (date(2020, 1, 15), "professional", date(2024, 6, 1), date(2029, 6, 2), True),
        (date(2020, 1, 15), "professional", date(2025, 6, 1), date(2026, 3, 1), True),
    ],
)
def test_is_time_barred(due_date, debtor_type, restart_date, when, barred):
    assert (
        prescription.is_time_barred(due_date, debtor_type, when, restart_date) is barred
    )


@pytest.mark.parametrize(
    "when, years, bound",
    [
        (date(2025, 3, 2), 5, date(2020, 3, 2)),
        (date(2025, 3, 1), 5, date(2020, 3, 1)),
        (date(2025, 2, 28), 5, date(2020, 2, 28)),
        (date(2024, 2, 29), 2, date(2022, 3, 1)),
        (date(2024, 2, 29), 5, date(2019, 3, 1)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
        (date(2024, 3, 1), 2, date(2022, 3, 1)),
        (date(2026, 3, 1), 2, date(2024, 3, 1)),
        (date(2026, 2, 28), 2, date(2024, 2, 28)),
    ],
)
def test_earliest_claimable_due_date(when, years, bound):
    assert prescription.earliest_claimable_due_date(when, years) == bound


@pytest.mark.parametrize("debtor_type", ["professional", "consumer"])
def test_earliest_claimable_due_date_matches_is_time_barred(debtor_type):
    # Every day of the leap year 2024 (and the first days of 2025), checking
    # the due dates around the bound: exactly those before it are time-barred.
    years = prescription.prescription_years(debtor_type)
    when = date(2024, 1, 1)
    checked = 0
    while when <= date(2025, 1, 10):
        bound = prescription.earliest_claimable_due_date(when, years)
        for offset in range(-3, 4):
            due_date = bound + timedelta(days=offset)
            barred = prescription.is_time_barred(due_date, debtor_type, when)
            assert barred is (due_date < bound), (when, due_date)
        checked += 1
        when += ONE_DAY
    assert checked == 366 + 10
