"""Semesters of the French rates (tools/semesters.py).

Tested without Odoo and without a database: plain pytest functions over
tables of fixed dates.
"""

from datetime import date

import pytest

from ..tools import semesters


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
