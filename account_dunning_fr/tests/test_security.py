from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestSecurity(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer(
            payer_profile="negligent", user_id=cls.salesperson.id
        )
        cls.policy = cls.company.dunning_default_policy_id
        cls.invoice = cls._create_invoice(cls.customer, 1000.0, "2026-01-15")

    def test_salesperson_cannot_open_the_configuration(self):
        """The policies list (menu or URL) is the accountants': a salesperson
        reads the level of their customers, named after its policy, and
        changes nothing."""
        policy = self.policy.with_user(self.salesperson)
        with self.assertRaises(AccessError, msg="the policies list stays closed"):
            policy.web_search_read([], {"name": {}})
        level = self.policy.level_ids[0].with_user(self.salesperson)
        self.assertEqual(
            level.display_name,
            f"{self.policy.name} \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
            f"{self.policy.level_ids[0].name}",
            "a salesperson reads the level of a customer with its policy",
        )
        with self.assertRaises(AccessError):
            level.delay_days = 99
        with self.assertRaises(AccessError):
            self.Policy.with_user(self.salesperson).create({"name": "Pirate"})
        self.assertTrue(
            self.policy.with_user(self.accountant).name,
            "accountants read the policies they run",
        )

    def test_salesperson_reads_customer_state_but_cannot_change_it(self):
        # A new request: nothing computed earlier in this transaction is reused.
        self.env.invalidate_all()
        customer = self.customer.with_user(self.salesperson)
        self.assertEqual(customer.payer_profile, "negligent")
        self.assertEqual(
            customer.dunning_effective_policy_id.payer_profile, "negligent"
        )
        with freeze_time("2026-02-15"):  # a month after the due date
            self.assertEqual(
                customer.dunning_overdue_amount,
                self.invoice.amount_residual,
                "a salesperson reads the overdue total without accounting rights",
            )
            self.assertEqual(customer.dunning_overdue_count, 1)
        customer.phone = "+33 4 72 00 00 00"  # ordinary contact data stays editable
        for field, value in [
            ("payer_profile", "good"),
            ("dunning_policy_id", self.policy.id),
            ("dunning_excluded", True),
            ("dunning_credit_hold", True),
        ]:
            with self.subTest(field=field), self.assertRaises(AccessError):
                customer.write({field: value})
        self.assertEqual(self.customer.payer_profile, "negligent")

    def test_salesperson_cannot_block_invoice(self):
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.salesperson).write(
                {"dunning_blocked": True, "dunning_block_reason": "Litige"}
            )

    def test_accountant_classifies_but_does_not_configure(self):
        self.customer.with_user(self.accountant).payer_profile = "bad"
        self.assertEqual(self.customer.payer_profile, "bad")
        self.invoice.with_user(self.accountant).write(
            {"dunning_blocked": True, "dunning_block_reason": "Litige qualité"}
        )
        self.assertTrue(self.invoice.dunning_blocked)
        with self.assertRaises(AccessError):
            self.policy.with_user(self.accountant).name = "Changée"

    def test_administrator_configures(self):
        self.policy.with_user(self.admin).level_ids[0].min_days_since_last = 4
        self.assertEqual(self.policy.level_ids[0].min_days_since_last, 4)

    def test_other_company_policies_invisible(self):
        other = self.setup_other_company()["company"]
        self.assertTrue(
            self.Policy.search([("company_id", "=", other.id)]),
            "the other company has its own policies",
        )
        for user in (self.accountant, self.admin, self.salesperson):
            with self.subTest(user=user.login):
                # Salespeople never read the policies (see above), only the
                # levels of their customers.
                if user != self.salesperson:
                    visible = self.Policy.with_user(user).search([])
                    self.assertTrue(visible)
                    self.assertEqual(visible.company_id, self.company)
                levels = self.Level.with_user(user).search([])
                self.assertEqual(levels.company_id, self.company)

    def test_action_stays_in_its_company(self):
        """An action of one company cannot remind another company's invoice."""
        other = self.setup_other_company()["company"]
        foreign = self._create_invoice(
            self.customer, 100.0, "2026-01-15", company=other
        )
        with self.assertRaises(UserError):
            self.env["account.dunning.action"].create(
                {
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(foreign.ids)],
                }
            )

    def test_action_items_stay_in_their_company(self):
        """Items listed as the run prepares them (written in one statement)
        are refused all the same when one belongs to another company, and
        nothing of the action is kept; those of its own company take its
        company and are rounded to their currency."""
        other = self.setup_other_company()["company"]
        foreign = self._create_invoice(
            self.customer, 100.0, "2026-01-15", company=other
        )
        Line = self.env["account.dunning.action.line"]
        own_item = self.invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        foreign_item = foreign.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

        def vals(items):
            return {
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "line_ids": Line._prepare_commands(
                    items._dunning_items(), dict.fromkeys(items.ids)
                ),
            }

        Action = self.env["account.dunning.action"]
        count = Action.search_count([])
        self.assertFalse(self.invoice.dunning_action_line_ids)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Action.create(vals(own_item | foreign_item))
        self.assertEqual(Action.search_count([]), count)
        commands = vals(own_item)
        commands["line_ids"][0][2]["amount_residual"] += 0.004
        action = Action.create(commands)
        self.assertRecordValues(
            action.line_ids,
            [
                {
                    "move_line_id": own_item.id,
                    "move_id": self.invoice.id,
                    "company_id": self.company.id,
                    "amount_residual": own_item.amount_residual,
                }
            ],
        )
        self.assertEqual(self.invoice.dunning_action_line_ids, action.line_ids)

    def test_salesperson_sees_the_history_of_own_customers_only(self):
        other = self._create_customer("Imprimerie Dubois")
        Action = self.env["account.dunning.action"]
        mine, theirs = Action.create(
            [
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                },
                {"partner_id": other.id},
            ]
        )
        visible = Action.with_user(self.salesperson).search(
            [("id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(visible, mine)
        self.assertEqual(
            Action.with_user(self.accountant).search_count(
                [("id", "in", (mine | theirs).ids)]
            ),
            2,
        )
