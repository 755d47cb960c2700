"""Time limits after which an unpaid invoice can no longer be claimed.

A claim between traders, or of a trader against a non-trader, is time-barred
five years after it fell due (C. com. L110-4); a professional's claim on a
consumer after two years (C. conso. L218-2). An acknowledgment of the debt
by the debtor (signed payment plan, part-payment) interrupts the period, and
a new period of the same length starts on its date (C. civ. 2240, 2231).
Once a period has run out, a later acknowledgment does not revive it.

Years are calendar years: a claim due on 29 February is time-barred after
28 February of a non-leap year (``dateutil.relativedelta``).
"""

import datetime

from dateutil.relativedelta import relativedelta

ONE_DAY = datetime.timedelta(days=1)

# Prescription period, in years, of the debtor types with a special rule
# (C. conso. L218-2); every other claim is commercial (C. com. L110-4).
PRESCRIPTION_YEARS = {"consumer": 2}
DEFAULT_PRESCRIPTION_YEARS = 5


def prescription_years(debtor_type) -> int:
    """Return the prescription period of a debtor type, in years.

    Sources: C. conso. L218-2 (2 years for a consumer), C. com. L110-4
    (5 years otherwise).

    :param debtor_type: ``"consumer"``, ``"professional"``, ``"public"`` or
        empty; anything but ``"consumer"`` gets the 5 years
    """
    return PRESCRIPTION_YEARS.get(debtor_type, DEFAULT_PRESCRIPTION_YEARS)


def prescription_date(due_date, debtor_type, restart_date=None) -> datetime.date:
    """Return the last day on which a claim can still be pursued.

    Sources: C. com. L110-4 and C. conso. L218-2 (length), C. civ. 2240 and
    2231 (an acknowledgment of the debt starts a new period of the same
    length).

    :param due_date: due date of the invoice (``datetime.date``)
    :param debtor_type: see :func:`prescription_years`
    :param restart_date: date of the latest acknowledgment of the debt, if
        any. It counts only when made on or before the original limit: an
        acknowledgment after expiry does not revive the claim (it may at
        most be read as a waiver, which is for a person to judge). The limit
        never moves earlier than due date + period.
    :return: due date + the period in calendar years (29 February + 1 year
        gives 28 February), or restart date + the period when the claim was
        acknowledged in time
    """
    years = prescription_years(debtor_type)
    limit = due_date + relativedelta(years=years)
    if restart_date and restart_date <= limit:
        return max(limit, restart_date + relativedelta(years=years))
    return limit


def is_time_barred(due_date, debtor_type, date, restart_date=None) -> bool:
    """Tell whether a claim is time-barred on ``date``.

    Sources: see :func:`prescription_date`. The claim can still be pursued
    on the limit day itself; it is time-barred from the next day on.

    :param due_date: due date of the invoice
    :param debtor_type: see :func:`prescription_years`
    :param date: day of the check
    :param restart_date: date of the latest acknowledgment of the debt, if
        any
    """
    return prescription_date(due_date, debtor_type, restart_date) < date


def earliest_claimable_due_date(date, years) -> datetime.date:
    """Return the oldest due date that is not time-barred on ``date``.

    A due date is time-barred on ``date`` exactly when it is before the
    returned day (no acknowledgment taken into account), which lets a search
    domain compare due dates with a single bound. Source: C. com. L110-4,
    C. conso. L218-2.

    Going back ``years`` calendar years from ``date`` is the answer except
    from a 29 February to a year without one: two years back from
    29 February 2024 is 28 February 2022, whose own limit (28 February 2024)
    is already past, so the bound is 1 March 2022.

    :param date: day of the check
    :param years: prescription period in years (see
        :func:`prescription_years`)
    """
    bound = date - relativedelta(years=years)
    if bound + relativedelta(years=years) < date:
        bound += ONE_DAY
    return bound
