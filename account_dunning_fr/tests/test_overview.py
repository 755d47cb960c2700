"""The "Relances" overview (one card per kind of work, each count the length
of the list it opens), the salesperson's "My customers in dunning", levels
named after their policy and French dates and amounts in what the module
writes."""

import json
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestDunningOverview(DunningWorkflowCommon):
    # ----------------------------------------------------------------- helpers
    def _card(self, code):
        return self.env.ref(f"account_dunning_fr.account_dunning_overview_{code}")

    def _listed(self, code, on, user=None, mine=False):
        """The records the card lists on ``on``, after checking that the card
        counts exactly them."""
        user = user or self.accountant
        card = self._card(code).with_user(user)
        with freeze_time(on):
            card.invalidate_recordset()
            action = card.action_open_mine() if mine else card.action_open()
            listed = (
                self.env[action["res_model"]].with_user(user).search(action["domain"])
            )
            count = card.count_mine if mine else card.count
        self.assertEqual(count, len(listed), f"card {code}: the count is its list")
        return listed

    def _run_to(self, *offsets, execute=True):
        for offset in offsets:
            with freeze_time(day(offset)):
                actions = self.Action._run_dunning(
                    date=day(offset), companies=self.company, execute=execute
                )
        return actions

    # -------------------------------------------------------------- the cards
    def test_cards_are_the_first_menu_entry(self):
        menu = self.env.ref("account_dunning_fr.account_dunning_menu")
        first = menu.child_id.sorted("sequence")[:1]
        self.assertEqual(
            first.action,
            self.env.ref("account_dunning_fr.account_dunning_overview_action"),
        )

    def test_proposals_to_validate(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        self.assertFalse(self._listed("to_validate", day(3)))
        proposed = self._run_to(3, execute=False)
        self.assertEqual(self._listed("to_validate", day(3)), proposed)
        proposed.with_user(self.accountant).action_execute()
        self.assertFalse(self._listed("to_validate", day(3)), "validated: gone")

    def test_failures_to_fix(self):
        silent = self._create_customer(
            "Scierie Dubois", email=False, dunning_policy_id=self.policy.id
        )
        self._create_invoice(silent, 800.0, DUE)
        failed = self._run_to(3)
        self.assertEqual(failed.state, "failed", "no address to send the email to")
        self.assertEqual(self._listed("failed", day(3)), failed)

    def test_letters_to_print_then_registered_letters_without_receipt(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            notice = self._send_formal_notice()
        self.assertTrue(notice.send_registered_letter)
        self.assertEqual(self._listed("to_print", day(40)), notice)
        self.assertFalse(self._listed("registered_no_ack", day(40)), "not posted yet")
        with freeze_time(day(40)):
            notice.with_user(self.accountant).action_mark_printed()
        self.assertFalse(self._listed("to_print", day(40)))
        self.assertEqual(self._listed("registered_no_ack", day(41)), notice)
        notice.with_user(self.accountant).registered_ack_date = day(43)
        self.assertFalse(self._listed("registered_no_ack", day(43)), "received")

    def test_calls_due_mine_and_all(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        call_action = self._run_to(-5, 3, 12)
        deadline = call_action.activity_ids.date_deadline
        self.assertEqual(call_action.activity_ids.user_id, self.accountant)
        self.assertFalse(
            self._listed("calls_due", deadline - timedelta(days=1)), "not yet due"
        )
        self.assertEqual(self._listed("calls_due", deadline), call_action)
        self.assertEqual(self._listed("calls_due", deadline, mine=True), call_action)
        other = self.admin
        self.assertEqual(self._listed("calls_due", deadline, user=other), call_action)
        self.assertFalse(
            self._listed("calls_due", deadline, user=other, mine=True),
            "the admin has no call of their own",
        )

    def test_promises_due(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form()
            form.outcome = "reached"
            form.promise_date = day(25)
            form.promise_amount = 1000.0
            form.next_call_date = day(27)
            form.save().action_confirm()
        call = self.Action.search([("dunning_workflow", "=", "call")])
        self.assertFalse(self._listed("promises_due", day(24)))
        self.assertEqual(self._listed("promises_due", day(25)), call)

    def test_disputes_to_review(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(10)):
            form = Form(self.env["account.dunning.dispute"].with_user(self.accountant))
            form.partner_id = self.customer
            form.move_ids.add(invoice)
            form.reason = "Quantité livrée contestée"
            form.review_date = day(30)
            dispute = form.save()
        self.assertFalse(self._listed("disputes_to_review", day(29)))
        self.assertEqual(self._listed("disputes_to_review", day(30)), dispute)
        with freeze_time(day(30)):
            dispute.resolution = "Avoir accordé"
            dispute.with_user(self.accountant).action_resolve()
        self.assertFalse(self._listed("disputes_to_review", day(31)))

    def test_payment_plans_with_a_late_instalment(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = Form(
                self.env["account.dunning.payment.plan.create"]
                .with_user(self.accountant)
                .with_context(default_partner_id=self.customer.id)
            )
            form.down_payment = 100.0
            form.instalment_count = 3
            form.interval_days = 15
            plan = self.env["account.dunning.payment.plan"].browse(
                form.save().action_create()["res_id"]
            )
            plan.with_user(self.accountant).action_start()
        self._pay(invoice, day(20), amount=100.0)
        self.assertFalse(self._listed("plans_late", day(35)), "paid on time so far")
        self.assertEqual(self._listed("plans_late", day(36)), plan)

    def test_graphs_overdue_by_age_and_dso(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        self._create_invoice(self.customer, 250.0, day(35))
        with freeze_time(day(40)):
            card = self._card("graph_age").with_user(self.accountant)
            bars = json.loads(card.graph_data)[0]["values"]
            self.assertEqual(
                [bar["value"] for bar in bars],
                [250.0, 1000.0, 0.0, 0.0],
                "1-30, 31-60, 61-90, over 90 days",
            )
            self.assertIn("1,250.00", card.graph_total)
            dso_card = self._card("graph_dso").with_user(self.accountant)
            points = json.loads(dso_card.graph_data)[0]["values"]
            today_dso = self.env["account.dunning.analysis"]._get_dso(day(40))[False]
        self.assertEqual(len(points), 12, "one point per month")
        self.assertEqual(points[-1]["y"], round(today_dso, 1))
        self.assertGreater(points[-1]["y"], 0)

    def test_salesperson_has_no_overview(self):
        with self.assertRaises(AccessError):
            self._card("to_validate").with_user(self.salesperson).read(["count"])

    # ------------------------------------------------ the salesperson's way in
    def test_salesperson_lists_their_customers_in_dunning(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        quiet = self._create_customer("Garage Petit", user_id=self.salesperson.id)
        self._create_invoice(quiet, 300.0, day(60))
        foreign = self._create_customer("Hôtel du Parc", user_id=self.admin.id)
        self._create_invoice(foreign, 300.0, DUE)
        action = self.env.ref("account_dunning_fr.res_partner_action_dunning_customers")
        menus = self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        self.assertIn(
            self.env.ref("account_dunning_fr.account_dunning_my_customers_menu").id,
            menus,
            "a plain salesperson reaches their customers",
        )
        self.assertNotIn(
            self.env.ref("account_dunning_fr.account_dunning_policy_menu").id, menus
        )
        Partner = self.env["res.partner"].with_user(self.salesperson)
        views = Partner.get_views([(action.view_ids[0].view_id.id, "list")])
        self.assertIn(
            "dunning_overdue_amount", views["models"]["res.partner"]["fields"]
        )
        with freeze_time(day(20)):
            # The menu's list: the action's domain and its default filter.
            domain = safe_eval(action.domain, {"uid": self.salesperson.id}) + [
                ("dunning_has_overdue", "=", True)
            ]
            self.assertIn("search_default_dunning_has_overdue", action.context)
            customers = Partner.search(domain)
            self.assertEqual(customers, self.customer, "only their overdue customers")
            self.assertRecordValues(
                customers,
                [{"dunning_overdue_amount": 1000.0, "dunning_overdue_count": 1}],
            )
            history = customers.action_view_dunning_actions()
            self.assertEqual(history["res_model"], "account.dunning.action")
            form = self._call_form(user=self.salesperson, default_kind="visit")
            form.outcome = "reached"
            form.next_call_date = day(27)
            form.save().action_confirm()
            visits = self.env["account.dunning.action"].with_user(self.salesperson)
            self.assertEqual(
                visits.search(history["domain"]).mapped("dunning_workflow"),
                ["visit"],
                "the visit shows in the customer's history",
            )

    # ------------------------------------------------------- readable screens
    def test_levels_named_after_their_policy(self):
        level = self.levels[1]
        self.assertEqual(level.display_name, "Politique de test › Relance 1")
        self.assertEqual(level.name, "Relance 1", "the level's own name is unchanged")
        self._create_invoice(self.customer, 1000.0, DUE)
        self._run_to(-5, 3)
        with freeze_time(day(4)):
            groups = (
                self.env["account.dunning.analysis"]
                .with_user(self.accountant)
                .read_group([], ["amount_overdue:sum"], ["level_id"])
            )
        self.assertEqual(
            [g["level_id"][1] for g in groups], ["Politique de test › Relance 1"]
        )

    def test_activity_notes_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        self.accountant.lang = "fr_FR"
        invoice = self._create_invoice(self.customer, 1234.5, DUE)
        call_action = self._run_to(-5, 3, 12)
        note = str(call_action.activity_ids.note)
        self.assertIn(invoice.name, note)
        self.assertIn("02/03/2026", note, "a French date, not 2026-03-02")
        self.assertIn("234,50", note, "a French amount")
        self.assertIn("€", note, "with its currency")
        self.assertNotIn("1234.5", note)

    def test_call_notes_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.accountant.lang = "fr_FR"
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            # The web client sends the user's language with each request.
            form = self._call_form(lang="fr_FR")
            form.outcome = "reached"
            form.promise_date = day(25)
            form.promise_amount = 1500.0
            form.next_call_date = day(27)
            form.save().action_confirm()
        call = self.Action.search([("dunning_workflow", "=", "call")])
        notes = str(call.notes)
        self.assertIn("27/03/2026", notes, "the promised date in French")
        self.assertIn("500,00", notes, "the promised amount in French")
        self.assertIn("€", notes)
        self.assertNotIn("1500.0", notes)
        self.assertNotIn("2026-03-27", notes)
