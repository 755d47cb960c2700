"""Calendar half-years, the period over which French rates are fixed.

The ECB reference rate of C. com. L441-10 and the legal interest rate of
CMF L313-2 are both set per calendar half-year: 1 January to 30 June and
1 July to 31 December. These helpers only do the calendar part.
"""

from datetime import date


def semester_start(day: date) -> date:
    """Return the first day of the half-year that contains ``day``.

    :param day: any calendar day (a ``datetime.date``)
    :return: 1 January of that year when ``day`` falls in January to June,
        1 July otherwise
    """
    return day.replace(month=1 if day.month < 7 else 7, day=1)


def next_semester_start(day: date) -> date:
    """Return the first day of the half-year that follows the one of ``day``.

    :param day: any calendar day
    :return: 1 July of the same year for a day in January to June, else
        1 January of the next year
    """
    start = semester_start(day)
    if start.month == 1:
        return start.replace(month=7)
    return start.replace(year=start.year + 1, month=1)


def semester_starts(first_day: date, last_day: date) -> list[date]:
    """List the half-years that share at least one day with a period.

    :param first_day: first day of the period (included)
    :param last_day: last day of the period (included)
    :return: first day of each half-year overlapping the period, oldest
        first; the first item is ``semester_start(first_day)``, which may be
        before ``first_day``. Empty when ``last_day`` is before
        ``first_day``.
    """
    starts = []
    if last_day < first_day:
        return starts
    start = semester_start(first_day)
    while start <= last_day:
        starts.append(start)
        start = next_semester_start(start)
    return starts
