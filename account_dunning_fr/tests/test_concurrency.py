"""Two dunning runs at once, on two real database connections.

The test data must be committed for a second connection to see it, so this
test works outside the test transaction and archives what it created.
"""

import uuid
from contextlib import closing
from datetime import date, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

RUN_DATE = date(2026, 4, 10)


@tagged("post_install", "-at_install")
class TestConcurrentRuns(TransactionCase):
    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _setup_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr)
            company = env["res.company"].create(
                {
                    # Company names are unique, archived ones included: the
                    # test may run again on the same database.
                    "name": f"Concurrence SARL {uuid.uuid4().hex[:6]}",
                    "country_id": env.ref("base.fr").id,
                    "currency_id": env.ref("base.EUR").id,
                }
            )
            env["account.chart.template"].try_loading("fr", company, install_demo=False)
            env = env(context={"allowed_company_ids": company.ids})
            partner = env["res.partner"].create(
                {
                    "name": "Client Concurrent",
                    "is_company": True,
                    "email": "compta@concurrent.example",
                }
            )
            policy = env["account.dunning.policy"].create(
                {
                    "name": "Une étape",
                    "company_id": company.id,
                    "level_ids": [
                        Command.create(
                            {
                                "name": "Relance",
                                "sequence": 10,
                                "delay_days": 3,
                                "send_email": True,
                            }
                        )
                    ],
                }
            )
            partner.with_company(company).dunning_policy_id = policy
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": RUN_DATE - timedelta(days=40),
                        "invoice_date_due": RUN_DATE - timedelta(days=10),
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Travaux", "price_unit": 900.0, "tax_ids": []}
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            cr.commit()  # pylint: disable=invalid-commit
            return company.id, partner.id

    def _archive(self, company_id):
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr)
            # Keeps later tests, which run over every active company, clean.
            env["res.partner"].search(
                [
                    ("company_id", "in", (company_id, False)),
                    ("name", "=", "Client Concurrent"),
                ]
            ).write({"dunning_excluded": True})
            env["res.company"].browse(company_id).active = False
            cr.commit()  # pylint: disable=invalid-commit

    # The invoice B finds locked by A is refused by the database: a race the
    # run expects, which it does not log as a failed query.
    def test_two_runs_at_once_create_one_action(self):
        company_id, partner_id = self._setup_committed_data()
        try:
            with (
                closing(self.registry.cursor()) as cr_a,
                closing(self.registry.cursor()) as cr_b,
            ):
                env_a, env_b = self._env(cr_a), self._env(cr_b)
                company_a = env_a["res.company"].browse(company_id)
                company_b = env_b["res.company"].browse(company_id)
                Action_b = env_b["account.dunning.action"]
                # B opens its snapshot before A starts.
                Action_b.search_count([])

                created_a = env_a["account.dunning.action"]._run_dunning(
                    date=RUN_DATE, companies=company_a
                )
                self.assertEqual(len(created_a), 1)
                # A holds the invoice: B skips it instead of reminding it twice.
                created_b = Action_b._run_dunning(date=RUN_DATE, companies=company_b)
                self.assertFalse(created_b, "a locked invoice is skipped")
                cr_a.commit()

                # B, still on its old snapshot, may not act on what A changed:
                # its unit is left for a later run instead of reminding twice.
                again_b = Action_b._run_dunning(date=RUN_DATE, companies=company_b)
                self.assertFalse(again_b)
                run_b = env_b["account.dunning.run"].search(
                    [("company_id", "=", company_id)], limit=1
                )
                self.assertEqual(run_b.unit_ids.mapped("state"), ["skipped"])
                cr_b.rollback()

            with closing(self.registry.cursor()) as cr_c:
                env_c = self._env(cr_c)
                again = env_c["account.dunning.action"]._run_dunning(
                    date=RUN_DATE, companies=env_c["res.company"].browse(company_id)
                )
                self.assertFalse(again, "the run is idempotent once A committed")
                actions = env_c["account.dunning.action"].search(
                    [("partner_id", "=", partner_id)]
                )
                self.assertEqual(len(actions), 1)
                self.assertEqual(actions.state, "done")
                cr_c.rollback()
        finally:
            self._archive(company_id)
