"""The rates of the shipped table (data/account_dunning_rate_data.xml) for the
database-free tests of tools/, in percent:

    semester   ECB   ECB+10  ECB+8  legal rate "other cases"
    2025-S1    3.15  13.15   11.15  3.71
    2025-S2    2.15  12.15   10.15  2.76
    2026-S1    2.15  12.15   10.15  2.62
"""

from datetime import date, timedelta

from ..tools import late_payment, semesters

ONE_DAY = timedelta(days=1)
# semester start: (ECB rate, legal interest rate "other cases"), in percent
RATES = {
    date(2025, 1, 1): (3.15, 3.71),
    date(2025, 7, 1): (2.15, 2.76),
    date(2026, 1, 1): (2.15, 2.62),
}


def ecb(day):
    return RATES[semesters.semester_start(day)][0]


def legal_rate(day):
    return RATES[semesters.semester_start(day)][1]


def penalty_rate(day):
    return late_payment.penalty_rate(ecb(day))
