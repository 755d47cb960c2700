"""Tests on real database connections of their own: the data must be
committed for other connections to see it, so these tests work outside the
test transaction and archive their company at the end."""

import uuid
from contextlib import closing, contextmanager
from datetime import date, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase

RUN_DATE = date(2026, 4, 10)


class DunningCommittedCase(TransactionCase):
    def _cursor(self):
        """A database connection of the test's own: what it commits, the
        other connections see.

        Taken from the connection pool rather than from the registry, which
        hands out cursors on the test's transaction while it is open to
        threads (see ``_registry_open_to_threads``)."""
        return db_connect(self.registry.db_name).cursor()

    @contextmanager
    def _registry_open_to_threads(self):
        """Let the threads of a test reach the registry.

        Odoo's test runner holds the registry lock for as long as the tests
        run, and a new environment on a new cursor looks the registry up
        under that lock: a thread would wait for it until it times out.
        Test mode swaps that lock for a dummy one while it lasts, as it does
        for the HTTP server's threads of browser tests; the test's own
        cursors keep their own connections (``_cursor``)."""
        self.registry.enter_test_mode(self.cr)
        try:
            yield
        finally:
            self.registry.leave_test_mode()

    def _env(self, cr, company_id=None):
        context = {"allowed_company_ids": [company_id]} if company_id else {}
        return api.Environment(cr, SUPERUSER_ID, context)

    def _setup_committed_data(self, count, name):
        """A company with ``count`` customers, one overdue invoice each."""
        # Company names are unique, archived ones included.
        name = f"{name} {uuid.uuid4().hex[:6]}"
        with closing(self._cursor()) as cr:
            env = self._env(cr)
            company = env["res.company"].create(
                {
                    "name": name,
                    "country_id": env.ref("base.fr").id,
                    "currency_id": env.ref("base.EUR").id,
                }
            )
            env["account.chart.template"].try_loading("fr", company, install_demo=False)
            env = self._env(cr, company.id)
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
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"{name} client {i:03d}",
                        "is_company": True,
                        "email": f"compta{i}@client.example",
                        "company_id": company.id,
                    }
                    for i in range(count)
                ]
            )
            partners.with_company(company).dunning_policy_id = policy
            invoices = env["account.move"].create(
                [
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
                    for partner in partners
                ]
            )
            invoices.action_post()
            cr.commit()  # pylint: disable=invalid-commit
            self.addCleanup(self._archive, company.id)
            return company.id, partners.ids, invoices.ids

    def _archive(self, company_id):
        with closing(self._cursor()) as cr:
            env = self._env(cr)
            # Keeps later tests, which run over every active company, clean.
            env["res.partner"].search([("company_id", "=", company_id)]).write(
                {"dunning_excluded": True}
            )
            env["account.dunning.run"].search(
                [("company_id", "=", company_id), ("state", "=", "running")]
            ).state = "failed"
            env["res.company"].browse(company_id).active = False
            cr.commit()  # pylint: disable=invalid-commit

    def _start_run(self, company_id):
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            run = env["account.dunning.run"]._start(
                env["res.company"].browse(company_id), RUN_DATE, "manual"
            )
            cr.commit()  # pylint: disable=invalid-commit
            return run.id

    def _live_actions(self, env, partner_ids):
        return env["account.dunning.action"].search(
            [("partner_id", "in", partner_ids), ("state", "!=", "cancelled")]
        )
