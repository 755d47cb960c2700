"""The suggested payer profile, tested without Odoo and without a database."""

from ..tools.payer_profile import suggest_profile
from .common_pure import DatabaseFreeCase

CASES = [
    # (stats, debtor type, insolvent) -> suggestion
    ({}, "professional", False, False),
    ({}, "public", False, "administrative"),
    ({"count": 4, "avg_days_late": 0.0, "late_share": 0.0}, None, False, "good"),
    ({"count": 4, "avg_days_late": 5.0, "late_share": 20.0}, None, False, "good"),
    ({"count": 4, "avg_days_late": 5.5}, None, False, "negligent"),
    ({"count": 5, "late_share": 20.1}, None, False, "negligent"),
    ({"count": 1, "open_disputes": 2}, None, False, "negligent"),
    ({"count": 2, "avg_days_late": 30.5}, None, False, "bad"),
    ({"count": 2, "late_share": 60.0, "avg_days_late": 16.0}, None, False, "bad"),
    ({"count": 2, "late_share": 60.0, "avg_days_late": 15.0}, None, False, "negligent"),
    ({"broken_promises": 2}, None, False, "bad"),
    ({"count": 1, "avg_days_late": 91.0}, None, False, "insolvent"),
    ({"count": 1, "broken_plans": 1}, None, False, "insolvent"),
    ({"count": 1}, "professional", True, "insolvent"),
    ({"count": 3, "avg_days_late": 120.0}, "public", True, "administrative"),
]


class TestToolsPayerProfile(DatabaseFreeCase):
    def test_suggest_profile(self):
        for stats, debtor_type, insolvent, expected in CASES:
            with self.subTest(
                stats=stats,
                debtor_type=debtor_type,
                insolvent=insolvent,
                expected=expected,
            ):
                assert suggest_profile(stats, debtor_type, insolvent) == expected
