"""Semesters of the French rates (tools/semesters.py).

Tested without Odoo and without a database: tables of fixed dates, one
sub-test per row.
"""

from datetime import date

from ..tools import semesters
from .common_pure import DatabaseFreeCase


class TestToolsSemesters(DatabaseFreeCase):
    def test_semester_boundaries(self):
        cases = [
            (date(2025, 1, 1), date(2025, 1, 1), date(2025, 7, 1)),
            (date(2024, 2, 29), date(2024, 1, 1), date(2024, 7, 1)),
            (date(2025, 6, 30), date(2025, 1, 1), date(2025, 7, 1)),
            (date(2025, 7, 1), date(2025, 7, 1), date(2026, 1, 1)),
            (date(2025, 12, 31), date(2025, 7, 1), date(2026, 1, 1)),
            (date(2026, 1, 1), date(2026, 1, 1), date(2026, 7, 1)),
        ]
        for day, start, next_start in cases:
            with self.subTest(day=day, start=start, next_start=next_start):
                assert semesters.semester_start(day) == start
                assert semesters.next_semester_start(day) == next_start

    def test_semester_starts(self):
        cases = [
            (date(2025, 3, 15), date(2025, 3, 15), [date(2025, 1, 1)]),
            (date(2025, 6, 30), date(2025, 7, 1), [date(2025, 1, 1), date(2025, 7, 1)]),
            (date(2025, 7, 1), date(2025, 12, 31), [date(2025, 7, 1)]),
            (
                date(2025, 12, 31),
                date(2026, 1, 1),
                [date(2025, 7, 1), date(2026, 1, 1)],
            ),
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
        ]
        for first_day, last_day, starts in cases:
            with self.subTest(first_day=first_day, last_day=last_day, starts=starts):
                assert semesters.semester_starts(first_day, last_day) == starts
