"""The administrator's, accountant's and salesperson's flows driven in a real
browser (the run wizard's tour is in test_ui.py); after each tour, the records
it should have left are checked.

Time is frozen around ``start_tour`` as in test_ui.py: the server works on
the scenario's date while the browser keeps the real clock, so the dates the
tours type are explicit and are checked by the server against the frozen day.
"""

from freezegun import freeze_time

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common_workflows import DUE, DunningWorkflowCommon, day

# The formal notice's checklist, all ticked.
NOTICE_CHECKLIST = (
    "formal_notice_signed_order",
    "formal_notice_delivery_proof",
    "formal_notice_invoice_matches",
    "formal_notice_due_date_passed",
    "formal_notice_not_prescribed",
)


@tagged("post_install", "-at_install")
class TestDunningTours(DunningWorkflowCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dispute = cls.env["account.dunning.dispute"]
        cls.Plan = cls.env["account.dunning.payment.plan"]

    def _tour(self, path, tour, user, on):
        """Run ``tour`` from ``path`` (an /odoo/... URL) as ``user`` on day ``on``."""
        with freeze_time(on):
            self.start_tour(f"{path}?cids={self.company.id}", tour, login=user.login)

    def _customer_tour(self, tour, user, on):
        self._tour(
            f"/odoo/action-base.action_partner_form/{self.customer.id}", tour, user, on
        )

    # ------------------------------------------------------------ administrator
    def test_admin_creates_a_policy_for_bad_payers(self):
        # The shipped policies may already claim the profile in this company.
        self.Policy.search(
            [("company_id", "=", self.company.id), ("payer_profile", "=", "bad")]
        ).payer_profile = False
        self._tour(
            "/odoo/action-account_dunning_fr.account_dunning_policy_action/new",
            "account_dunning_fr_policy",
            self.admin,
            DUE,
        )
        policy = self.Policy.search([("name", "=", "Clients difficiles")])
        self.assertEqual(policy.payer_profile, "bad")
        channels = ("send_email", "create_call", "send_registered_letter")
        self.assertRecordValues(
            policy._get_levels_ordered(),
            [
                {"name": name, "delay_days": days, "is_formal_notice": notice}
                | {channel: channel == chosen for channel in channels}
                for name, days, chosen, notice in (
                    ("Relance courtoise", 3, "send_email", False),
                    ("Appel du comptable", 15, "create_call", False),
                    ("Mise en demeure LRAR", 30, "send_registered_letter", True),
                )
            ],
        )
        bad_payer = self._create_customer("Négoce Vidal", payer_profile="bad")
        self.assertEqual(bad_payer.dunning_effective_policy_id, policy)

    # ----------------------------------------------------------------- accountant
    def test_call_with_promise_from_the_activity(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        for offset in (-5, 3, 12):
            reminder = self._run(day(offset))
        self.assertTrue(reminder.activity_ids, "the call level schedules a call")
        self._tour(
            f"/odoo/action-account_dunning_fr.account_dunning_action_action/{reminder.id}",
            "account_dunning_fr_call",
            self.accountant,
            day(12),
        )
        self.assertFalse(reminder.activity_ids, "the call activity is done")
        call = self.Action.search(
            [("partner_id", "=", self.customer.id), ("dunning_workflow", "=", "call")]
        )
        self.assertRecordValues(
            call,
            [
                {
                    "state": "done",
                    "call_outcome": "reached",
                    "call_delay_reason": "cash",
                    "promise_state": "pending",
                    "promise_date": day(18),
                    "promise_amount": 1000.0,
                    "promise_means": "transfer",
                    "user_id": self.accountant.id,
                }
            ],
        )
        self.assertEqual(invoice.dunning_promise_date, day(18))
        self.assertEqual(call.activity_ids.date_deadline, day(23), "next call")

    def test_dispute_opened_and_resolved(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._tour(
            "/odoo/action-account_dunning_fr.account_dunning_dispute_action/new",
            "account_dunning_fr_dispute",
            self.accountant,
            day(10),
        )
        dispute = self.Dispute.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            dispute,
            [
                {
                    "state": "resolved",
                    "reason_type": "quantity",
                    "date_resolved": day(10),
                    "resolution": "Avoir de deux palettes accordé",
                }
            ],
        )
        self.assertEqual(dispute.move_ids, invoice)
        self.assertFalse(invoice.dunning_blocked, "released when resolved")

    def test_payment_plan_and_its_agreement(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._customer_tour("account_dunning_fr_payment_plan", self.accountant, day(20))
        plan = self.Plan.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(plan.state, "running")
        self.assertEqual(plan.move_ids, invoice)
        self.assertEqual(plan.signed_date, day(20))
        self.assertEqual(plan.line_ids.mapped("amount"), [100.0, 300.0, 300.0, 300.0])
        self.assertRecordValues(
            plan.agreement_action_id,
            [
                {
                    "state": "done",
                    "letter_type_override": "payment_plan",
                    "payment_plan_id": plan.id,
                }
            ],
        )
        self.assertTrue(plan.agreement_action_id.letter_attachment_id)

    def test_formal_notice_wizard(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._customer_tour(
            "account_dunning_fr_formal_notice", self.accountant, day(40)
        )
        notice = self.Action.search(
            [
                ("partner_id", "=", self.customer.id),
                ("send_registered_letter", "=", True),
            ]
        )
        self.assertRecordValues(
            notice,
            [
                {
                    "state": "done",
                    "registered_number": "1A 123 456 7890 1",
                    "deadline_date": day(50),
                    "level_id": self.levels[4].id,
                    "formal_notice_signed_order": True,
                    "formal_notice_not_prescribed": True,
                }
            ],
        )
        self.assertEqual(notice.move_ids, invoice)

    def test_overview_cards(self):
        """Each card of the overview shows a known count and opens the list
        of exactly that many records (the tour reads both)."""
        self._prepare_overview_work()
        expected = {
            "to_validate": 2,
            "failed": 3,
            "to_print": 1,
            "registered_no_ack": 1,
            "calls_due": 3,
            "promises_due": 1,
            "disputes_to_review": 2,
            "plans_late": 1,
        }
        with freeze_time(day(40)):
            cards = self.env["account.dunning.overview"].with_user(self.accountant)
            cards = cards.search([("code", "in", list(expected))])
            self.assertEqual(
                {card.code: card.count for card in cards},
                expected,
                "the tour expects these counts",
            )
            calls = cards.filtered(lambda card: card.code == "calls_due")
            self.assertEqual(calls.count_mine, 2, "the admin has one call of their own")
        self._tour("/odoo", "account_dunning_fr_overview", self.accountant, day(40))

    def _prepare_overview_work(self):
        """Today's work for day 40, card by card (counts in test_overview_cards).

        Each run is restricted to the customers it is meant for, so that no
        customer reaches a card by accident."""

        def customer(name, **vals):
            partner = self._create_customer(
                name, dunning_policy_id=self.policy.id, **vals
            )
            self._create_invoice(partner, 1000.0, DUE)
            return partner

        def run(partners, *offsets, execute=True):
            for offset in offsets:
                with freeze_time(day(offset)):
                    self.Action._run_dunning(
                        date=day(offset),
                        companies=self.company,
                        partners=partners,
                        execute=execute,
                    )

        Accountant = self.env(user=self.accountant)
        # Failures to fix: no address to send the first reminder to.
        silent = self.env["res.partner"].union(
            *(
                customer(name, email=False)
                for name in ("Scierie Dubois", "Garage Petit", "Hôtel du Lac")
            )
        )
        run(silent, 3)
        # Proposals to validate: today's run previewed, not executed.
        run(
            customer("Imprimerie Roux") | customer("Boulangerie Favre"),
            40,
            execute=False,
        )
        # Calls due: the accountant's own customer and the admin's.
        self._create_invoice(self.customer, 1000.0, DUE)
        admins = customer("Menuiserie Blanc", dunning_followup_user_id=self.admin.id)
        run(self.customer | admins, -5, 3, 12)
        # Registered letters: one posted five days ago, one still to print.
        for name, on in (("Atelier Garnier", 35), ("Vitrerie Morel", 40)):
            with freeze_time(day(on)):
                form = Form(
                    Accountant["account.dunning.formal.notice"].with_context(
                        default_partner_id=customer(name).id
                    )
                )
                for fname in NOTICE_CHECKLIST:
                    form[fname] = True
                notice = self.Action.browse(form.save().action_confirm()["res_id"])
                if on == 35:
                    notice.with_user(self.accountant).action_mark_printed()
        # A promise due today, with the accountant's next call.
        promising = customer("Boucherie Lemaire")
        with freeze_time(day(30)):
            form = self._call_form(default_partner_id=promising.id)
            form.outcome = "reached"
            form.promise_date = day(38)
            form.promise_amount = 1000.0
            form.next_call_date = day(39)
            form.save().action_confirm()
        # Disputes: one to review today, one with no review date.
        with freeze_time(day(20)):
            for name, review in (("Pharmacie Caron", day(40)), ("Cave Lambert", False)):
                disputed = customer(name)
                form = Form(Accountant["account.dunning.dispute"])
                form.partner_id = disputed
                form.move_ids.add(disputed.invoice_ids)
                form.reason = "Quantité livrée contestée"
                form.review_date = review
                form.save()
        # A payment plan whose instalment of day 35 is unpaid.
        planned = customer("Transports Girard")
        with freeze_time(day(20)):
            form = Form(
                Accountant["account.dunning.payment.plan.create"].with_context(
                    default_partner_id=planned.id
                )
            )
            form.down_payment = 100.0
            form.instalment_count = 3
            form.interval_days = 15
            plan = self.Plan.browse(form.save().action_create()["res_id"])
            plan.with_user(self.accountant).action_start()
        self._pay(planned.invoice_ids, day(20), amount=100.0)

    # ---------------------------------------------------------------- salesperson
    def test_salesperson_reports_a_visit(self):
        """A user of the sales group only, as the demo's ``commercial``: lands
        on their customers in dunning, reports a visit and cannot reach the
        configuration."""
        commercial = new_test_user(
            self.env,
            login="dunning_commercial",
            name="Paul Garnier",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            action_id=self.env.ref(
                "account_dunning_fr.res_partner_action_dunning_customers"
            ).id,
        )
        self.customer.user_id = commercial
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        # Not on their list: a customer of theirs not overdue, another
        # salesperson's customer in dunning.
        not_due = self._create_customer("Garage Petit", user_id=commercial.id)
        self._create_invoice(not_due, 300.0, day(60))
        others = self._create_customer("Hôtel du Parc", user_id=self.salesperson.id)
        self._create_invoice(others, 300.0, DUE)
        for offset in (-5, 3):
            self._run(day(offset))
        self.assertRecordValues(
            self.customer,
            [{"dunning_level_id": self.levels[1].id, "dunning_next_date": day(12)}],
        )
        self._tour("/odoo", "account_dunning_fr_salesperson", commercial, day(20))
        visit = self.Action.search(
            [("partner_id", "=", self.customer.id), ("dunning_workflow", "=", "visit")]
        )
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "create_visit": True,
                    "call_delay_reason": "not_approved",
                    "user_id": commercial.id,
                }
            ],
        )
        self.assertEqual(visit.move_ids, invoice)
        self.assertIn("directeur", visit.notes)
        reachable = self._reachable_menus(commercial)
        self.assertIn(
            self.env.ref("account_dunning_fr.account_dunning_my_customers_menu").id,
            reachable,
        )
        for xmlid in ("account_dunning_config_menu", "account_dunning_policy_menu"):
            menu = self.env.ref(f"account_dunning_fr.{xmlid}")
            self.assertNotIn(menu.id, reachable, "no configuration for salespeople")
        self._tour(
            "/odoo/action-account_dunning_fr.account_dunning_policy_action",
            "account_dunning_fr_salesperson_no_config",
            commercial,
            day(20),
        )

    def _reachable_menus(self, user):
        """Ids of the menus the web client shows ``user`` (from the root down)."""
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        reachable, todo = set(), ["root"]
        while todo:
            for child in menus[todo.pop()]["children"]:
                if child not in reachable:
                    reachable.add(child)
                    todo.append(child)
        return reachable
