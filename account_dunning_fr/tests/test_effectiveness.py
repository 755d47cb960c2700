from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCommon

DUE = date(2026, 5, 4)


@tagged("post_install", "-at_install")
class TestEffectiveness(DunningCommon):
    """Amount recovered after each level."""

    def test_amount_recovered_per_level(self):
        policy = self._create_policy(
            "Politique mesurée",
            [
                self._level_vals(10, 3, name="Relance 1", payment_deadline_days=8),
                self._level_vals(
                    20, 15, name="Relance 2", send_letter=True, min_days_since_last=3
                ),
            ],
        )
        customer = self._create_customer(dunning_policy_id=policy.id)
        invoice = self._create_invoice(customer, 1000.0, DUE)
        Action = self.env["account.dunning.action"]
        with freeze_time(DUE + timedelta(days=3)):
            first = Action._run_dunning(
                date=DUE + timedelta(days=3), companies=self.company
            )
        self._pay(invoice, DUE + timedelta(days=5), amount=400.0)
        self.assertEqual(first.amount_recovered, 400.0, "paid after the first reminder")
        with freeze_time(DUE + timedelta(days=15)):
            second = Action._run_dunning(
                date=DUE + timedelta(days=15), companies=self.company
            )
        self.assertEqual(second.amount_due, 600.0)
        self._pay(invoice, DUE + timedelta(days=17))
        self.assertEqual(second.amount_recovered, 600.0)
        self.assertEqual(first.amount_recovered, 1000.0)
        by_level = dict(
            Action._read_group(
                [("partner_id", "=", customer.id), ("state", "=", "done")],
                ["level_id"],
                ["amount_recovered:sum"],
            )
        )
        self.assertEqual(by_level[second.level_id], 600.0)
