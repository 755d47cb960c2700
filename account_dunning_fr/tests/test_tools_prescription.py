"""Prescription of claims, with restart (tools/prescription.py).

Tested without Odoo and without a database: tables of fixed dates, one
sub-test per row.
"""

from datetime import date, timedelta

from ..tools import prescription
from .common_pure import DatabaseFreeCase

ONE_DAY = timedelta(days=1)


class TestToolsPrescription(DatabaseFreeCase):
    def test_prescription_years(self):
        cases = [
            ("consumer", 2),
            ("professional", 5),
            ("public", 5),
            (None, 5),
            ("", 5),
        ]
        for debtor_type, years in cases:
            with self.subTest(debtor_type=debtor_type, years=years):
                assert prescription.prescription_years(debtor_type) == years

    def test_prescription_date(self):
        cases = [
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
        ]
        for due_date, debtor_type, restart_date, limit in cases:
            with self.subTest(
                due_date=due_date,
                debtor_type=debtor_type,
                restart_date=restart_date,
                limit=limit,
            ):
                assert (
                    prescription.prescription_date(due_date, debtor_type, restart_date)
                    == limit
                )

    def test_is_time_barred(self):
        cases = [
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
            (
                date(2020, 1, 15),
                "professional",
                date(2024, 6, 1),
                date(2026, 3, 1),
                False,
            ),
            (
                date(2020, 1, 15),
                "professional",
                date(2024, 6, 1),
                date(2029, 6, 1),
                False,
            ),
            (
                date(2020, 1, 15),
                "professional",
                date(2024, 6, 1),
                date(2029, 6, 2),
                True,
            ),
            (
                date(2020, 1, 15),
                "professional",
                date(2025, 6, 1),
                date(2026, 3, 1),
                True,
            ),
        ]
        for due_date, debtor_type, restart_date, when, barred in cases:
            with self.subTest(
                due_date=due_date,
                debtor_type=debtor_type,
                restart_date=restart_date,
                when=when,
                barred=barred,
            ):
                assert (
                    prescription.is_time_barred(
                        due_date, debtor_type, when, restart_date
                    )
                    is barred
                )

    def test_earliest_claimable_due_date(self):
        cases = [
            (date(2025, 3, 2), 5, date(2020, 3, 2)),
            (date(2025, 3, 1), 5, date(2020, 3, 1)),
            (date(2025, 2, 28), 5, date(2020, 2, 28)),
            (date(2024, 2, 29), 2, date(2022, 3, 1)),
            (date(2024, 2, 29), 5, date(2019, 3, 1)),
            (date(2024, 2, 29), 4, date(2020, 2, 29)),
            (date(2024, 3, 1), 2, date(2022, 3, 1)),
            (date(2026, 3, 1), 2, date(2024, 3, 1)),
            (date(2026, 2, 28), 2, date(2024, 2, 28)),
        ]
        for when, years, bound in cases:
            with self.subTest(when=when, years=years, bound=bound):
                assert prescription.earliest_claimable_due_date(when, years) == bound

    def test_earliest_claimable_due_date_matches_is_time_barred(self):
        cases = ["professional", "consumer"]
        for debtor_type in cases:
            with self.subTest(debtor_type=debtor_type):
                # Every day of the leap year 2024 (and the first days of 2025),
                # checking the due dates around the bound: exactly those before
                # it are time-barred.
                years = prescription.prescription_years(debtor_type)
                when = date(2024, 1, 1)
                checked = 0
                while when <= date(2025, 1, 10):
                    bound = prescription.earliest_claimable_due_date(when, years)
                    for offset in range(-3, 4):
                        due_date = bound + timedelta(days=offset)
                        barred = prescription.is_time_barred(
                            due_date, debtor_type, when
                        )
                        assert barred is (due_date < bound), (when, due_date)
                    checked += 1
                    when += ONE_DAY
                assert checked == 366 + 10
