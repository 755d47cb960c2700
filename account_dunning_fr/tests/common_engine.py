"""Shared setup of the dunning engine tests: a five-level policy walked by
daily runs for a customer followed by an accountant."""

from freezegun import freeze_time

from odoo import Command
from odoo.tools import split_every

from .common import DUE, DunningCommon, day  # noqa: F401 (shared by the tests)

# Many invoices written at once: no chatter, no tracking.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class DunningEngineCommon(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["account.dunning.action"]
        cls.policy = cls._create_policy(
            "Politique de test",
            [
                cls._level_vals(
                    10,
                    -5,
                    name="Rappel",
                    payment_deadline_days=0,
                    min_days_since_last=0,
                    letter_type="pre_due",
                ),
                cls._level_vals(
                    20,
                    3,
                    name="Relance 1",
                    payment_deadline_days=8,
                    min_days_since_last=3,
                ),
                cls._level_vals(
                    30,
                    12,
                    name="Appel",
                    send_email=False,
                    create_call=True,
                    payment_deadline_days=0,
                    min_days_since_last=5,
                ),
                cls._level_vals(
                    40,
                    15,
                    name="Relance 2",
                    send_letter=True,
                    letter_type="second",
                    mention_penalties=True,
                    payment_deadline_days=8,
                    min_days_since_last=3,
                ),
                cls._level_vals(
                    50,
                    30,
                    name="Mise en demeure",
                    send_email=True,
                    send_registered_letter=True,
                    is_formal_notice=True,
                    letter_type="formal_notice",
                    payment_deadline_days=15,
                    min_days_since_last=3,
                ),
            ],
        )
        cls.levels = cls.policy._get_levels_ordered()
        cls.followup_user = cls.accountant
        cls.customer = cls._create_customer(
            dunning_policy_id=cls.policy.id,
            user_id=cls.salesperson.id,
            dunning_followup_user_id=cls.followup_user.id,
            lang="fr_FR" if cls.env["res.lang"]._lang_get("fr_FR") else "en_US",
        )

    def _run(self, on, **kwargs):
        with freeze_time(on):
            return self.Action._run_dunning(date=on, companies=self.company, **kwargs)

    def _run_and_post(self, on):
        """A day of the run, then the post room sends the day's letters."""
        actions = self._run(on)
        with freeze_time(on):
            self.Action.search([("print_state", "=", "to_print")]).action_mark_printed()
        return actions

    @classmethod
    def _create_customers_with_invoices(cls, count, invoices, prefix, **values):
        """``count`` customers of the test policy, each with ``invoices``
        posted invoices due on ``DUE``, for the tests that count queries
        against the number of customers and invoices.

        :param values: more values of every customer (e.g. ``user_id``)
        :return: ``res.partner`` recordset
        """
        customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {i}",
                    "is_company": True,
                    "email": f"compta{i}@{prefix.lower()}.example",
                    "dunning_policy_id": cls.policy.id,
                    **values,
                }
                for i in range(count)
            ]
        )
        vals_list = [
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
        # Posted 200 at a time: Odoo's invoice creation and posting slow down
        # more than linearly with the batch.
        Move = cls.env["account.move"].with_context(**QUIET)
        for chunk in split_every(200, vals_list, list):
            Move.create(chunk).action_post()
        return customers
