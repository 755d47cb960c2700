"""Planned action values kept as JSON, tested without Odoo."""

import json
from datetime import date, datetime

from ..tools.json_values import to_json
from .common_pure import DatabaseFreeCase


class TestToolsJsonValues(DatabaseFreeCase):
    def test_dates_and_commands_survive_json(self):
        vals = {
            "date": date(2026, 3, 10),
            "deadline_date": False,
            "move_ids": [(6, 0, [4, 7])],
            "line_ids": [
                (0, 0, {"amount_residual": 12.5, "date_maturity": date(2026, 2, 1)})
            ],
            "hold_reason": None,
            "sent_at": datetime(2026, 3, 10, 5, 0, 1),
        }
        assert json.loads(json.dumps(to_json(vals))) == {
            "date": "2026-03-10",
            "deadline_date": False,
            "move_ids": [[6, 0, [4, 7]]],
            "line_ids": [
                [0, 0, {"amount_residual": 12.5, "date_maturity": "2026-02-01"}]
            ],
            "hold_reason": None,
            "sent_at": "2026-03-10 05:00:01",
        }

    def test_what_json_cannot_hold_is_refused(self):
        with self.assertRaises(TypeError):
            to_json({"ids": {1, 2}})
