"""The benchmark's data set, at a tiny size: the invoices written through SQL
are what Odoo would have stored, and the run works on them."""

import importlib.util
import unittest
from datetime import date
from pathlib import Path

from odoo.tests import TransactionCase, tagged

BENCH_DATA = Path(__file__).resolve().parents[2] / "bench" / "bench_data.py"
RUN_DATE = date(2026, 4, 10)


def load_bench_data():
    spec = importlib.util.spec_from_file_location("bench_data", BENCH_DATA)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestBenchSmoke(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not BENCH_DATA.is_file():
            raise unittest.SkipTest("bench/ is not next to the add-on (installed copy)")
        cls.data = load_bench_data().build_dataset(
            cls.env, customers=12, invoices=60, run_date=RUN_DATE, seed=7
        )
        cls.moves = cls.env["account.move"].browse(cls.data["move_ids"])

    def test_dataset_shape(self):
        partners = self.moves.partner_id
        self.assertEqual(len(self.moves), 60)
        self.assertEqual(len(partners), 12)
        self.assertEqual(
            set(self.moves.company_id.ids), set(self.data["companies"].ids)
        )
        counts = [
            len(self.moves.filtered(lambda m, p=p: m.partner_id == p)) for p in partners
        ]
        self.assertTrue(all(1 <= count <= 50 for count in counts))
        dues = self.moves.mapped("invoice_date_due")
        self.assertLessEqual((max(dues) - min(dues)).days, 199)
        self.assertTrue(any(due < RUN_DATE for due in dues))
        companies = self.data["companies"]
        self.assertNotEqual(
            companies[0].dunning_default_policy_id.name,
            companies[1].dunning_default_policy_id.name,
        )

    def test_invoices_as_odoo_stores_them(self):
        """Odoo's own computations give back what was written in SQL."""
        for move in self.moves:
            stored = (
                move.amount_total,
                move.amount_residual,
                move.payment_state,
                move.amount_residual_signed,
            )
            receivable = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            self.assertEqual(len(receivable), 1)
            self.assertEqual(receivable.date_maturity, move.invoice_date_due)
            self.assertFalse(receivable.reconciled)
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)
            move.line_ids._compute_amount_residual()
            move._compute_amount()
            move._compute_payment_state()
            self.assertEqual(
                stored,
                (
                    move.amount_total,
                    move.amount_residual,
                    move.payment_state,
                    move.amount_residual_signed,
                ),
            )
            self.assertAlmostEqual(receivable.amount_residual, move.amount_total)
        self.assertEqual(set(self.moves.mapped("state")), {"posted"})
        self.assertEqual(set(self.moves.mapped("payment_state")), {"not_paid"})

    def test_run_on_dataset(self):
        """Both companies' customers are reminded of what they owe, once."""
        companies = self.data["companies"]
        Action = self.env["account.dunning.action"].with_context(
            dunning_skip_letter_rendering=True
        )
        actions = Action._run_dunning(date=RUN_DATE, companies=companies)
        self.assertEqual(set(actions.company_id.ids), set(companies.ids))
        self.assertEqual(set(actions.mapped("date")), {RUN_DATE})
        overdue = self.data["overdue_customer_ids"]
        for action in actions.filtered(lambda a: a.partner_id.id in overdue):
            owed = sum(
                move.amount_residual
                for move in self.moves
                if move.partner_id == action.partner_id
                and move.company_id == action.company_id
                and move.invoice_date_due < RUN_DATE
            )
            self.assertAlmostEqual(action.amount_due, owed, places=2)
        self.assertFalse(Action._run_dunning(date=RUN_DATE, companies=companies))
