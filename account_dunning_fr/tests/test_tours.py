"""The administrator's, accountant's and salesperson's flows driven in a real
browser (the run wizard's tour is in test_ui.py); after each tour, the records
it should have left are checked.

Time is frozen around ``start_tour`` as in test_ui.py: the server works on
the scenario's date while the browser keeps the real clock, so the dates the
tours type are explicit and are checked by the server against the frozen day.
"""

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common_workflows import DUE, DunningWorkflowCommon, day


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
            [("partner_id", "=", self.customer.id), ("channel_registered", "=", True)]
        )
        self.assertRecordValues(
            notice,
            [
                {
                    "state": "done",
                    "registered_number": "1A 123 456 7890 1",
                    "deadline_date": day(50),
                    "level_id": self.levels[4].id,
                    "fn_signed_order": True,
                    "fn_not_prescribed": True,
                }
            ],
        )
        self.assertEqual(notice.move_ids, invoice)

    # ---------------------------------------------------------------- salesperson
    def test_salesperson_reports_a_visit(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._customer_tour("account_dunning_fr_salesperson", self.salesperson, day(20))
        visit = self.Action.search(
            [("partner_id", "=", self.customer.id), ("dunning_workflow", "=", "visit")]
        )
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "channel_visit": True,
                    "call_delay_reason": "not_approved",
                    "user_id": self.salesperson.id,
                }
            ],
        )
        self.assertEqual(visit.move_ids, invoice)
        self.assertIn("directeur", visit.notes)
        reachable = self._reachable_menus(self.salesperson)
        for xmlid in ("account_dunning_config_menu", "account_dunning_policy_menu"):
            menu = self.env.ref(f"account_dunning_fr.{xmlid}")
            self.assertNotIn(menu.id, reachable, "no configuration for salespeople")

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
