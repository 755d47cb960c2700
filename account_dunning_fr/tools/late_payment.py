"""What a late payer owes under French law, computed without the ORM.

Three regimes share one accrual rule (open amount x annual rate x days /
365, each period at its own rate, no compounding):

- a professional debtor owes late penalties (C. com. L441-10 II) and a
  fixed recovery indemnity (C. com. D441-5);
- a public buyer owes moratorium interest at one rate for the whole delay
  and the same indemnity, which it cannot be excused from (CCP L2192-13,
  L2192-14, R2192-31, D2192-35);
- a consumer owes neither; only legal interest runs, and only from the
  formal notice (C. civ. 1231-6 and 1344-1).

A collective insolvency judgment stops the accrual (C. com. L622-28).

Amounts are in the caller's currency, rates in percent per year, and
nothing here is rounded: the caller rounds once, on the total.
"""

import itertools
import math
from datetime import timedelta
from decimal import Decimal

from .semesters import semester_starts

ONE_DAY = timedelta(days=1)

# Points added to the ECB main refinancing rate of the semester: late
# penalties between professionals (C. com. L441-10 II) and moratorium
# interest of public buyers (CCP R2192-31).
PENALTY_ECB_MARGIN = 10.0
PUBLIC_ECB_MARGIN = 8.0
# Terms of sale may not set a penalty rate below this many times the legal
# interest rate (C. com. L441-10 II).
CONTRACTUAL_FLOOR_FACTOR = 3.0
# Fixed recovery indemnity in euros (C. com. D441-5, CCP D2192-35).
RECOVERY_INDEMNITY_EUR = 40.0
# Where the sender's French commercial law governs its claims (ISO 3166
# codes): metropolitan France, the overseas departments and regions
# (Guadeloupe, Martinique, French Guiana, Réunion, Mayotte: Constitution
# art. 73, the law applies as of right) and the overseas collectivities where
# the laws apply as of right outside their own matters, commercial law not
# being one of them (Saint-Barthélemy, Saint-Martin, Saint-Pierre-et-Miquelon:
# CGCT LO6213-1, LO6313-1, LO6413-1). Left out:
# Monaco, a sovereign state with its own commercial code, and New
# Caledonia, French Polynesia and Wallis and Futuna, whose commercial law is
# their own or applies only where a text says so.
FRENCH_LAW_COUNTRIES = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "BL", "MF", "PM"})


def french_law_applies(country_code) -> bool:
    """Whether French commercial law (late penalties of C. com. L441-10, the
    indemnity of D441-5, legal interest of C. civ. 1231-6) governs the claims
    of a company established in the country ``country_code``.

    :param country_code: ISO 3166 alpha-2 code of the company's country
        (any case), or a false value when unknown
    :return: True for France and the territories where the Code de commerce
        applies as of right (``FRENCH_LAW_COUNTRIES``); False otherwise,
        including when the country is unknown
    """
    return bool(country_code) and country_code.upper() in FRENCH_LAW_COUNTRIES


def penalty_rate(
    ecb_rate: float, mode: str = "ecb10", contractual_rate: float = 0.0
) -> float:
    """Return the late penalty rate between professionals for one semester.

    Source: C. com. L441-10 II (ECB rate of 1 January or 1 July + 10 points,
    unless the terms of sale set another rate).

    :param ecb_rate: ECB main refinancing rate in force on the first day of
        the semester, in percent per year
    :param mode: ``"ecb10"`` for the legal default (ECB + 10 points),
        ``"contractual"`` for ``contractual_rate`` alone, ``"max"`` for the
        higher of the two; any other value is read as ``"ecb10"``
    :param contractual_rate: rate agreed in the terms of sale, in percent
        per year
    :return: annual rate in percent, not rounded
    """
    legal_rate = ecb_rate + PENALTY_ECB_MARGIN
    if mode == "contractual":
        return contractual_rate
    if mode == "max":
        return max(legal_rate, contractual_rate)
    return legal_rate


def public_moratorium_rate(ecb_rate: float) -> float:
    """Return the moratorium interest rate owed by a public buyer.

    Source: CCP R2192-31 (ECB rate + 8 points). The rate is that of the
    semester in which the interest started to run, and it then applies to
    the whole delay: pass the ECB rate of the semester containing the day
    after the due date.

    :param ecb_rate: ECB main refinancing rate of that semester, in percent
        per year
    :return: annual rate in percent, not rounded
    """
    return ecb_rate + PUBLIC_ECB_MARGIN


def contractual_floor_rate(legal_rate_other: float) -> float:
    """Return the lowest penalty rate that terms of sale may set.

    Source: C. com. L441-10 II (three times the legal interest rate). The
    legal rate to use is the one of the "other cases" category (CMF L313-2),
    since the creditor is a business.

    :param legal_rate_other: legal interest rate of the semester, "other
        cases", in percent per year
    :return: annual rate in percent, rounded to 4 decimals only to remove
        binary noise from the product (3 x 3.71 is 11.129999999999999
        in floating point, 11.13 once rounded)
    """
    return round(CONTRACTUAL_FLOOR_FACTOR * legal_rate_other, 4)


def accrue(first_day, last_day, amount, payments, rate_for_day) -> float:
    """Sum the interest of an amount over a period, day by day.

    Each day from ``first_day`` to ``last_day`` (both included) bears the
    amount still open that day x the annual rate of that day / 365
    (actual days over 365, leap year or not). The period is cut at each
    1 January and 1 July, since French rates change with the semester
    (C. com. L441-10 II, CMF L313-2), and on the day after each payment,
    since a payment reduces the open amount from the next day on. No
    compounding (C. civ. 1343-2).

    :param first_day: first day bearing interest (``datetime.date``)
    :param last_day: last day bearing interest, included; nothing accrues
        when it is before ``first_day``
    :param amount: amount that fell due, in the caller's currency
    :param payments: ``(date, amount)`` pairs sorted by date, in the same
        currency; each one reduces the open amount from the day after its
        date. A negative amount (a refund) raises it again.
    :param rate_for_day: function of a day returning the annual rate in
        percent; it is called once per period, with the period's first day
    :return: interest in the caller's currency, not rounded. Days on which
        nothing is open (or the payments exceed the amount) add nothing.
    """
    if last_day < first_day:
        return 0.0
    cuts = {first_day, last_day + ONE_DAY}
    for pay_date, _paid in payments:
        if first_day < pay_date + ONE_DAY <= last_day:
            cuts.add(pay_date + ONE_DAY)
    cuts.update(
        start for start in semester_starts(first_day, last_day) if start > first_day
    )
    total = 0.0
    for start, stop in itertools.pairwise(sorted(cuts)):
        open_amount = amount - sum(paid for day, paid in payments if day < start)
        if open_amount > 0:
            total += open_amount * rate_for_day(start) * (stop - start).days / 36500
    return total


def recovery_indemnity_due(
    debtor_type, due_date, insolvency_date=None, enabled=True
) -> bool:
    """Tell whether the fixed recovery indemnity is owed on a late sum.

    Sources: C. com. L441-10 II and D441-5 (professional debtors, one per
    late invoice or instalment); CCP L2192-13, L2192-14 and D2192-35
    (public buyers, who cannot be excused from it); never from a consumer
    (C. com. L441-10 only binds professionals); not on a sum falling due on
    or after a collective insolvency judgment, which forbids paying it at
    its due date (C. com. L441-10 II, L622-7 and L622-28).

    This only tells whether the sum qualifies; the caller first checks that
    the sum was actually paid late.

    :param debtor_type: ``"professional"``, ``"public"`` or ``"consumer"``;
        any other value is treated as a professional
    :param due_date: due date of the invoice or instalment
    :param insolvency_date: date of the insolvency judgment, if any
    :param enabled: whether the creditor claims the indemnity from
        professionals (a company may choose not to); ignored for public
        buyers
    """
    if debtor_type == "consumer":
        return False
    if insolvency_date and due_date >= insolvency_date:
        return False
    return debtor_type == "public" or bool(enabled)


def instalment_amounts(
    amount,
    due_date,
    payments,
    date,
    *,
    debtor_type,
    penalty_rate_for_day,
    legal_rate_for_day,
    public_rate,
    formal_notice_date=None,
    insolvency_date=None,
    indemnity=RECOVERY_INDEMNITY_EUR,
    indemnity_enabled=True,
    rounding=0.01,
) -> dict:
    """Return what one late invoice or instalment has cost its debtor so far.

    The delay starts the day after the due date (C. com. L441-10 II, CCP
    L2192-13) and ends with the payment that settles the sum, or at
    ``date``. By debtor type:

    - ``"professional"`` (and any unknown type): late penalties at
      ``penalty_rate_for_day`` each semester (C. com. L441-10 II), plus the
      fixed indemnity when ``indemnity_enabled`` (C. com. D441-5);
    - ``"public"``: moratorium interest at the single ``public_rate`` for
      the whole delay (CCP R2192-31), plus the indemnity, always (CCP
      L2192-14, D2192-35); reported under ``penalty``;
    - ``"consumer"``: no penalty and no indemnity; legal interest at
      ``legal_rate_for_day`` from the day after the formal notice (or after
      the due date, if later), nothing without a notice (C. civ. 1231-6,
      1344-1).

    A collective insolvency judgment stops any accrual on the day before it
    (C. com. L622-28), and no indemnity is owed on a sum falling due on or
    after it.

    :param amount: amount of the instalment, in the caller's currency
    :param due_date: its due date
    :param payments: ``(date, amount)`` reconciliations, in any order, in
        the same currency: credits positive, debits (refunds, reversals)
        negative. A payment reduces the open amount from the day after its
        date.
    :param date: day of the computation, included
    :param debtor_type: ``"professional"``, ``"public"`` or ``"consumer"``
    :param penalty_rate_for_day: function of a day giving the annual penalty
        rate of its semester, in percent (see :func:`penalty_rate`)
    :param legal_rate_for_day: function of a day giving the annual legal
        interest rate of its semester, in percent
    :param public_rate: annual moratorium rate in percent, ECB rate of the
        semester of the day after the due date + 8 points (see
        :func:`public_moratorium_rate`); only read for a public buyer
    :param formal_notice_date: date of the formal notice, if any
    :param insolvency_date: date of the insolvency judgment, if any
    :param indemnity: fixed indemnity in the caller's currency (40 euros
        converted by the caller when its currency is not the euro)
    :param indemnity_enabled: whether the creditor claims the indemnity
        from professionals
    :param rounding: smallest unit of the currency (0.01 for the euro); only
        used to decide whether an amount is zero or settled
    :return: dict with ``days_late`` (int: days from the due date to the
        settling payment, or to ``date`` while something is open; 0 when
        not late), ``open_amount`` (amount open at ``date``), ``penalty``,
        ``indemnity`` and ``legal_interest``; amounts not rounded
    """
    payments = sorted(payments)
    open_at_date = amount - sum(paid for day, paid in payments if day <= date)
    open_after_due = amount - sum(paid for day, paid in payments if day <= due_date)
    values = {
        "days_late": 0,
        "open_amount": 0.0 if _is_zero(open_at_date, rounding) else open_at_date,
        "penalty": 0.0,
        "indemnity": 0.0,
        "legal_interest": 0.0,
    }
    if date <= due_date or _compare(open_after_due, 0.0, rounding) <= 0:
        return values  # not late, or not yet

    # The delay ends with the payment that settled the sum, if any.
    end_of_delay = date
    if values["open_amount"] <= 0:
        remaining = amount
        for pay_date, paid in payments:
            remaining -= paid
            if _compare(remaining, 0.0, rounding) <= 0:
                end_of_delay = pay_date
                break
    values["days_late"] = max((end_of_delay - due_date).days, 0)

    last_day = date
    if insolvency_date and insolvency_date <= date:
        last_day = min(last_day, insolvency_date - ONE_DAY)
    first_day = due_date + ONE_DAY
    if debtor_type == "public":
        values["penalty"] = accrue(
            first_day, last_day, amount, payments, lambda day: public_rate
        )
    elif debtor_type == "consumer":
        if formal_notice_date:
            values["legal_interest"] = accrue(
                max(formal_notice_date, due_date) + ONE_DAY,
                last_day,
                amount,
                payments,
                legal_rate_for_day,
            )
    else:
        values["penalty"] = accrue(
            first_day, last_day, amount, payments, penalty_rate_for_day
        )
    if recovery_indemnity_due(
        debtor_type, due_date, insolvency_date, enabled=indemnity_enabled
    ):
        values["indemnity"] = indemnity
    return values


def _rounding_steps(value, rounding):
    """Return ``value`` as a whole number of ``rounding`` units.

    Halves go away from zero. As in Odoo's ``float_round``, a tiny margin
    relative to the value's size is added first, so that a decimal tie
    stored a hair below its true value (2.675 is 2.67499999... in binary)
    still rounds up, and the step is inverted through its decimal form
    (1 / 0.01 gives exactly 100).
    """
    if value == 0:
        return 0
    if rounding < 1:
        scaled = value * float(1 / Decimal(repr(rounding)))
    else:
        scaled = value / rounding
    magnitude = abs(scaled)
    magnitude += 2 ** (math.log2(magnitude) - 50)
    steps = math.floor(magnitude)
    if magnitude - steps >= 0.5:
        steps += 1
    return steps if scaled > 0 else -steps


def _compare(amount1, amount2, rounding):
    """Return -1, 0 or 1 as ``amount1`` is below, equal to or above
    ``amount2`` once both are rounded to ``rounding``."""
    delta = _rounding_steps(amount1, rounding) - _rounding_steps(amount2, rounding)
    return (delta > 0) - (delta < 0)


def _is_zero(amount, rounding):
    """Tell whether ``amount`` rounds to zero at ``rounding``."""
    return _rounding_steps(amount, rounding) == 0
