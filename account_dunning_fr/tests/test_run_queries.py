"""Queries of a run per customer: few (at most 8, so that a company with
tens of thousands of customers is reminded in minutes),
and not one more per invoice of the customer. The units are claimed and
carried out in sets (``account.dunning.execution``): the actions of a set
created at once, their amounts read again in one query, the levels written
grouped by value, the history logged in one batch per model."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_engine import DunningEngineCommon, day

# Creating thousands of invoices logs no creation message nor tracking: the
# invoices are posted all the same, and the run is what is measured.


@tagged("post_install", "-at_install")
class TestRunQueries(DunningEngineCommon):
    def _run_counted(self, customers):
        """Plan a run of ``customers``, then carry it out counting queries.

        :return: the number of queries of the run's execution
        """
        Run = self.env["account.dunning.run"]
        with freeze_time(day(3)):
            run = Run._start(self.company, day(3), "manual", partners=customers)
            self.assertEqual(len(run.unit_ids), len(customers))
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            Run._carry_out_pending(runs=run)
            self.env.flush_all()
            count = self.cr.sql_log_count - before
        self.assertEqual(run.done_count, len(customers))
        return count

    def _plan_counted(self, customers):
        """Queries of the planning of ``customers`` (their actions' values)."""
        Planning = self.env["account.dunning.planning"]
        with freeze_time(day(3)):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            proposals = Planning._prepare_proposals(day(3), partners=customers)
            count = self.cr.sql_log_count - before
        self.assertEqual(len(proposals), len(customers))
        return count

    def test_planning_queries_do_not_grow_with_customers(self):
        """Planning reads the open items of all the customers in one query
        and their recipients together: the same queries for 5 customers as
        for 40, with one invoice or eight, whether their recipient is the
        customer itself or a contact found along the chain (roles)."""
        self.roles = self.env["account.dunning.role"].search([])
        accounting = self.roles.filtered(lambda r: r.code == "accounting")
        # Warm Odoo's caches.
        self._plan_counted(self._create_customers_with_invoices(1, 1, "Chauffe"))
        counts = {}
        for size, invoices, contacts in (
            (5, 1, False),
            (40, 1, False),
            (5, 8, False),
            (5, 1, True),
            (40, 1, True),
        ):
            customers = self._create_customers_with_invoices(
                size, invoices, f"Plan{size}x{invoices}{contacts}"
            )
            if contacts:
                self.env["res.partner"].create(
                    [
                        {
                            "name": f"Compta {customer.name}",
                            "parent_id": customer.id,
                            "type": "contact",
                            "email": f"compta.{customer.id}@example.com",
                            "dunning_role_ids": [Command.set(accounting.ids)],
                        }
                        for customer in customers
                    ]
                )
            counts[size, invoices, contacts] = self._plan_counted(customers)
        self.assertEqual(counts[5, 1, False], counts[40, 1, False])
        self.assertEqual(counts[5, 1, False], counts[5, 8, False])
        self.assertEqual(counts[5, 1, True], counts[40, 1, True])

    def test_queries_per_customer_do_not_grow_with_invoices(self):
        """A run carried out inline claims its customers 100 at a time and
        carries each set out together: 59 queries for the set (one email
        with its letter, the history on the customers, the action items in
        one statement whatever their number and not read back, the levels
        written, each claim in a savepoint that a race with another worker
        may undo), whether it holds 10 or 100 customers, with one invoice
        each. With three invoices each, the same 59 for 10 customers: no
        query per invoice. Only Odoo's own splitting of updates into
        statements of 100 rows adds queries (the items' and the invoices'
        levels; the invoices get no note): 63 for 100 customers of three
        invoices."""
        # Warm Odoo's caches.
        self._run_counted(self._create_customers_with_invoices(1, 1, "Chauffe"))
        pins = {(10, 1): 59, (10, 3): 59, (100, 1): 59, (100, 3): 63}
        counts = {
            (size, invoices): self._run_counted(
                self._create_customers_with_invoices(
                    size, invoices, f"Client{size}x{invoices}"
                )
            )
            for size, invoices in pins
        }
        for (size, invoices), pin in pins.items():
            count = counts[size, invoices]
            self.assertLessEqual(
                count, pin, f"{size} customers with {invoices} invoice(s) each"
            )
            self.assertLessEqual(count / size, 8, "at most 8 queries per customer")
        self.assertEqual(counts[10, 1], counts[100, 1], "one set, one count")
        self.assertEqual(counts[10, 1], counts[10, 3], "no query per invoice")
        for size in (10, 100):
            self.assertLess(
                (counts[size, 3] - counts[size, 1]) / size,
                1,
                "2 more invoices per customer cost less than a query each",
            )
