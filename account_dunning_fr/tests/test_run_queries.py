"""Queries of a run per customer: they must not grow with the customer's
invoices (the per-unit path reads and writes in batches)."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestRunQueries(DunningEngineCommon):
    def _customers(self, count, invoices, prefix):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {i}",
                    "is_company": True,
                    "email": f"compta{i}@{prefix.lower()}.example",
                    "dunning_policy_id": self.policy.id,
                }
                for i in range(count)
            ]
        )
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": day(-30),
                    "invoice_date_due": DUE,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Palettes", "price_unit": 100.0 + n, "tax_ids": []}
                        )
                    ],
                }
                for customer in customers
                for n in range(invoices)
            ]
        )
        moves.action_post()
        return customers

    def _run_counted(self, customers, expected=None):
        """Plan a run of ``customers``, then carry it out counting queries."""
        Run = self.env["account.dunning.run"]
        with freeze_time(day(3)):
            run = Run._start(self.company, day(3), "manual", partners=customers)
            self.assertEqual(len(run.unit_ids), len(customers))
            self.env.invalidate_all()
            if expected is None:
                Run._process(runs=run)
            else:
                with self.assertQueryCount(expected):
                    Run._process(runs=run)
        self.assertEqual(run.done_count, len(customers))

    def test_queries_per_customer_do_not_grow_with_invoices(self):
        """About 53 queries per customer (one email with its letter, the
        history on the customer and its invoices, the levels written), a
        fixed 33 per run; the same with 1 or 20 invoices per customer."""
        self._run_counted(self._customers(1, 1, "Chauffe"))  # warm Odoo's caches
        self._run_counted(self._customers(10, 1, "Alpha"), 563)
        self._run_counted(self._customers(10, 20, "Beta"), 563)
        self._run_counted(self._customers(100, 1, "Gamma"), 5333)
