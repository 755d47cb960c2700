"""The run wizard's preview only proposes: it settles no promise or payment
plan, proposes no penalty claim and starts no credit hold, in any company,
yet proposes the reminders the run will send once it has settled them."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common_workflows import DUE, DunningWorkflowCommon, day

# The run date: the promise of day 25 ran out after day 28 (3 days of grace),
# the plans' instalment of day 20 is late since day 24, the invoice paid on
# day 30 owes its penalties, the credit holds announced for day 35 are due.
RUN = day(40)

# Tables a preview adds rows to: the wizard's run waiting for the accountant,
# its units and links, the actions a run without execution proposes and
# their lines, the wizard's own; the rows there before stay as they were.
PREVIEW_TABLES = ("account_dunning_action", "account_dunning_run")
# Messages and followers a preview may add, on these models only.
PREVIEW_MODELS = (
    "account.dunning.action",
    "account.dunning.run",
    "account.dunning.run.wizard",
)
# Notifications to the browsers, queued at commit: the test's users created in
# the set-up send theirs whenever the queue is flushed.
NOT_DATA = {"bus_bus"}


@tagged("post_install", "-at_install")
class TestDunningRunPreview(DunningWorkflowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company()["company"]
        cls.other.dunning_promise_grace_days = 3
        cls.other_policy = (
            cls.env["account.dunning.policy"]
            .with_company(cls.other)
            .create(
                {
                    "name": "Politique de la filiale",
                    "company_id": cls.other.id,
                    "level_ids": [
                        Command.create(level)
                        for level in (
                            cls._level_vals(20, 3, name="Relance 1"),
                            cls._level_vals(30, 12, name="Relance 2"),
                            cls._level_vals(
                                40,
                                15,
                                name="Relance 3",
                                letter_type="second",
                                payment_deadline_days=8,
                            ),
                            cls._level_vals(
                                50,
                                30,
                                name="Mise en demeure",
                                send_registered_letter=True,
                                is_formal_notice=True,
                                letter_type="formal_notice",
                                payment_deadline_days=15,
                            ),
                        )
                    ],
                }
            )
        )
        cls.cases = {
            company: cls._commitments(company, policy, tag)
            for company, policy, tag in (
                (cls.company, cls.policy, "A"),
                (cls.other, cls.other_policy, "B"),
            )
        }

    @classmethod
    def _commitments(cls, company, policy, tag):
        """In ``company``: an invoice whose promise ran out, one under a
        payment plan with a late instalment, one paid 30 days late, and a
        customer whose credit hold is due (names and invoices per case)."""

        def customer(name):
            partner = cls._create_customer(f"{name} {tag}")
            partner.with_company(company).dunning_policy_id = policy
            return partner

        def invoice(partner, amount):
            return cls._create_invoice(partner, amount, DUE, company=company)

        promised = customer("Promesse")
        promised_invoice = invoice(promised, 1000.0)
        with freeze_time(day(20)):
            cls.env["account.dunning.call"].with_company(company).create(
                {
                    "partner_id": promised.id,
                    "company_id": company.id,
                    "outcome": "reached",
                    "delay_reason": "cash",
                    "promise_date": day(25),
                    "promise_amount": 1000.0,
                    "next_call_date": day(30),
                }
            ).action_confirm()

        planned = customer("Échéancier")
        planned_invoice = invoice(planned, 1000.0)
        with freeze_time(day(10)):
            plan = (
                cls.env["account.dunning.payment.plan"]
                .with_company(company)
                .create(
                    {
                        "company_id": company.id,
                        "partner_id": planned.id,
                        "move_ids": [Command.set(planned_invoice.ids)],
                        "date_start": day(10),
                        "line_ids": [
                            Command.create({"date": day(20), "amount": 400.0}),
                            Command.create({"date": day(50), "amount": 600.0}),
                        ],
                    }
                )
            )
            plan.action_start()

        late_payer = customer("Retard")
        late_paid = invoice(late_payer, 2000.0)
        cls._pay(late_paid, day(30))

        held = customer("Blocage")
        invoice(held, 700.0)
        held.dunning_credit_hold_date = day(35)
        return {
            "promised": promised_invoice,
            "call": promised_invoice.dunning_promise_action_id,
            "plan": plan,
            "planned": planned_invoice,
            "late_paid": late_paid,
            "held": held,
        }

    # ----------------------------------------------------------------- helpers
    def _table_rows(self, table):
        self.env.cr.execute(SQL("SELECT * FROM %s", SQL.identifier(table)))
        return sorted(self.env.cr.fetchall(), key=repr)

    def _snapshot(self):
        """Every table's row count, and the rows of the dunning tables, of
        the invoices, their items and the customers."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT relname FROM pg_class
                WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"""
        )
        tables = sorted(row[0] for row in cr.fetchall())
        counts = {}
        for table in tables:
            cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
            counts[table] = cr.fetchone()[0]
        rows = {
            table: self._table_rows(table)
            for table in tables
            if table.startswith("account_dunning_")
            or table
            in (
                "account_move",
                "account_move_line",
                "account_partial_reconcile",
                "res_partner",
                "mail_activity",
            )
        }
        cr.execute(
            SQL(
                """SELECT count(*) FROM mail_message
                    WHERE model IS NULL OR model NOT IN %s""",
                PREVIEW_MODELS,
            )
        )
        rows["messages"] = cr.fetchone()[0]
        cr.execute(
            SQL(
                "SELECT count(*) FROM mail_followers WHERE res_model NOT IN %s",
                PREVIEW_MODELS,
            )
        )
        rows["followers"] = cr.fetchone()[0]
        return counts, rows

    def assertOnlyProposed(self, before, after):
        counts_before, rows_before = before
        counts_after, rows_after = after
        changed = {
            table
            for table in counts_before.keys() | counts_after.keys()
            if counts_before.get(table) != counts_after.get(table)
        }
        allowed = {
            table
            for table in changed
            if table.startswith(PREVIEW_TABLES)
            or table in ("mail_message", "mail_followers")
            or table in NOT_DATA
        }
        self.assertEqual(changed - allowed, set(), "no other table has new rows")
        for key, value in rows_before.items():
            value_after = rows_after[key]
            if key.startswith(PREVIEW_TABLES):
                value_after = [row for row in value_after if row in value]
            with self.subTest(table=key):
                self.assertEqual(value_after, value, f"{key} unchanged")

    @staticmethod
    def _proposed(actions):
        """What ``actions`` remind: customer, level and each item's level."""
        return {
            (
                action.partner_id.id,
                action.level_id.id,
                frozenset(
                    (line.move_line_id.id, line.level_id.id) for line in action.line_ids
                ),
            )
            for action in actions
        }

    def _assert_unsettled(self, case):
        self.assertEqual(case["promised"].dunning_promise_date, day(25))
        self.assertEqual(case["call"].promise_state, "pending")
        self.assertEqual(case["plan"].state, "running")
        self.assertFalse(
            self.env["account.dunning.claim"].search(
                [("move_id", "=", case["late_paid"].id)]
            )
        )

    def _assert_settled(self, case):
        self.assertFalse(case["promised"].dunning_promise_date)
        self.assertEqual(case["call"].promise_state, "broken")
        self.assertEqual(
            case["promised"].commercial_partner_id.dunning_promise_broken_count, 1
        )
        self.assertEqual(case["plan"].state, "broken")
        self.assertTrue(
            self.env["account.dunning.claim"].search(
                [("move_id", "=", case["late_paid"].id)]
            ),
            "the penalties of the invoice paid late are proposed",
        )
        self.assertRecordValues(
            case["held"],
            [{"dunning_credit_hold": True, "dunning_credit_hold_date": False}],
        )

    # ------------------------------------------------------------------- tests
    def test_preview_only_proposes(self):
        """The wizard's preview, and a run without execution in every
        company, write nothing but their proposals; the run settles each
        commitment due, in its own companies, and reminds what the preview
        proposed."""
        first, second = self.cases[self.company], self.cases[self.other]
        before = self._snapshot()
        with freeze_time(RUN):
            wizard = self._preview(RUN)
        self.assertOnlyProposed(before, self._snapshot())
        before = self._snapshot()
        with freeze_time(RUN):
            previewed = self.Action._run_dunning(date=RUN, execute=False)
        self.assertOnlyProposed(before, self._snapshot())
        for case in (first, second):
            self._assert_unsettled(case)
            self.assertFalse(case["held"].dunning_credit_hold)
            self.assertEqual(case["held"].dunning_credit_hold_date, day(35))

        # Proposed as the run will: the promise ran out, the broken plan
        # takes its invoice up to the firmest amicable reminder's eve.
        units = wizard.unit_ids
        self.assertEqual(wizard.run_id.state, "proposed")
        self.assertIn(first["promised"], units.move_ids)
        self.assertIn(first["planned"], units.move_ids)
        self.assertIn(first["held"], units.partner_id)
        plan_unit = units.filtered(lambda u: first["planned"] in u.move_ids)
        self.assertEqual(plan_unit.level_id, self.levels[3])
        second_proposals = previewed.filtered(lambda a: a.company_id == self.other)
        self.assertEqual(
            second_proposals.move_ids & (second["promised"] | second["planned"]),
            second["promised"] | second["planned"],
        )
        first_proposals = previewed.filtered(lambda a: a.company_id == self.company)
        self.assertEqual(first_proposals.partner_id, units.partner_id)

        # Carried out from the wizard: the first company's commitments are
        # settled, not the second's (credit holds are the customer's), and
        # what its preview planned is reminded.
        expected = self._proposed(first_proposals)
        first_proposals.action_cancel()
        with freeze_time(RUN):
            wizard.action_execute()
        self._assert_settled(first)
        self._assert_unsettled(second)
        self.assertEqual(set(wizard.action_ids.mapped("state")), {"done"})
        self.assertEqual(self._proposed(wizard.action_ids), expected)

        # The second company's run settles its own and reminds exactly what
        # its preview proposed.
        expected = self._proposed(second_proposals)
        second_proposals.action_cancel()
        with freeze_time(RUN):
            done = self.Action._run_dunning(date=RUN, companies=self.other)
        self._assert_settled(second)
        self.assertEqual(self._proposed(done), expected)
