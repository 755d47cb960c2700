"""Accountant workflows: calls and visits, promises, disputes, payment plans,
the formal notice, the customer cockpit and the dunning analysis."""

from datetime import date, timedelta

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DunningCommon

DUE = date(2026, 3, 2)


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningWorkflows(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["account.dunning.action"]
        cls.company.dunning_promise_grace_days = 3
        cls.policy = cls._create_policy(
            "Politique de test",
            [
                cls._level_vals(
                    10,
                    -5,
                    name="Rappel",
                    payment_deadline_days=0,
                    letter_type="pre_due",
                ),
                cls._level_vals(20, 3, name="Relance 1", payment_deadline_days=8),
                cls._level_vals(
                    30,
                    12,
                    name="Appel",
                    send_email=False,
                    create_call=True,
                    payment_deadline_days=0,
                ),
                cls._level_vals(
                    40,
                    15,
                    name="Relance 2",
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
            ],
        )
        cls.levels = cls.policy._get_levels_ordered()
        cls.customer = cls._create_customer(
            dunning_policy_id=cls.policy.id,
            user_id=cls.salesperson.id,
            dunning_followup_user_id=cls.accountant.id,
            phone="+33 4 72 00 00 00",
        )
        cls.contact = cls._create_contact(cls.customer, "Claire Martin", ["accounting"])

    # ----------------------------------------------------------------- helpers
    def _call_form(self, user=None, **context):
        env = self.env(user=user or self.accountant)
        ctx = {
            "default_partner_id": self.customer.id,
            "default_kind": "call",
            **context,
        }
        return Form(env["account.dunning.call"].with_context(**ctx))

    def _run(self, on):
        with freeze_time(on):
            return self.Action._run_dunning(date=on, companies=self.company)

    def _log_promise(self, invoice, promised_on, amount):
        with freeze_time(day(20)):
            form = self._call_form()
            form.contact_id = self.contact
            form.outcome = "reached"
            form.delay_reason = "cash"
            form.promise_date = promised_on
            form.promise_amount = amount
            form.promise_means = "transfer"
            form.next_call_date = promised_on + timedelta(days=5)
            form.notes = "Le trésorier confirme un virement."
            form.save().action_confirm()
        return self.Action.search(
            [("partner_id", "=", self.customer.id), ("dunning_workflow", "=", "call")]
        )

    # ------------------------------------------------------------ calls, promises
    def test_reached_call_requires_next_call(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            wizard = (
                self.env["account.dunning.call"]
                .with_user(self.accountant)
                .create({"partner_id": self.customer.id, "outcome": "reached"})
            )
            with self.assertRaises(UserError, msg="never hang up without a next call"):
                wizard.action_confirm()

    def test_promise_kept(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        call = self._log_promise(invoice, day(25), 1000.0)
        self.assertRecordValues(
            call,
            [
                {
                    "state": "done",
                    "channel_call": True,
                    "call_outcome": "reached",
                    "promise_state": "pending",
                    "promise_date": day(25),
                    "user_id": self.accountant.id,
                }
            ],
        )
        self.assertIn("Claire Martin", call.notes, "the notes say who was called")
        self.assertEqual(invoice.dunning_promise_date, day(25))
        self.assertEqual(invoice.dunning_promise_amount, 1000.0)
        self.assertTrue(call.activity_ids, "the next call is scheduled")
        self.assertEqual(call.activity_ids.date_deadline, day(30))
        # Within promise + grace, the invoice is not reminded.
        paused = self._run(day(28))
        self.assertNotIn(invoice, paused.move_ids, "paused until promise + 3 days")
        self._pay(invoice, day(26))
        self._run(day(29))
        self.assertFalse(invoice.dunning_promise_date, "a settled promise is cleared")
        self.assertEqual(call.promise_state, "kept")
        self.assertEqual(self.customer.dunning_promise_broken_count, 0)

    def test_promise_broken(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        call = self._log_promise(invoice, day(25), 600.0)
        self._pay(invoice, day(26), amount=200.0)
        resumed = self._run(day(29))
        self.assertEqual(call.promise_state, "broken", "200 paid of 600 promised")
        self.assertFalse(invoice.dunning_promise_date)
        self.assertEqual(self.customer.dunning_promise_broken_count, 1)
        self.assertIn(invoice, resumed.move_ids, "the reminders resume at once")

    def test_not_reached_voicemail_and_retry(self):
        invoice = self._create_invoice(self.customer, 1234.56, DUE)
        with freeze_time(day(20)):
            form = self._call_form()
            form.outcome = "not_reached"
            self.assertIn(invoice.name, form.voicemail_text)
            self.assertIn("1,234.56", form.voicemail_text)
            form.save().action_confirm()
        call = self.Action.search([("dunning_workflow", "=", "call")])
        self.assertEqual(call.call_outcome, "not_reached")
        self.assertEqual(call.activity_ids.date_deadline, day(22), "retry in two days")

    def test_log_call_closes_the_call_activity(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        for offset in (-5, 3, 12):
            actions = self._run(day(offset))
        self.assertEqual(actions.level_id, self.levels[2])
        self.assertTrue(actions.activity_ids, "the call level schedules a call")
        with freeze_time(day(12)):
            wizard_action = actions.with_user(self.accountant).action_dunning_log_call()
            form = self._call_form(**wizard_action["context"])
            form.outcome = "reached"
            form.delay_reason = "not_received"
            form.next_call_date = day(15)
            form.save().action_confirm()
        self.assertFalse(actions.activity_ids, "the call activity is marked done")
        call = self.Action.search([("dunning_workflow", "=", "call")])
        self.assertEqual(call.move_ids, invoice)
        self.assertEqual(call.level_id, self.levels[2])

    def test_confirmation_email(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form()
            form.contact_id = self.contact
            form.outcome = "reached"
            form.promise_date = day(25)
            form.next_call_date = day(26)
            form.send_confirmation = True
            form.save().action_confirm()
        confirmation = self.Action.search([("dunning_workflow", "=", "confirmation")])
        self.assertEqual(confirmation.state, "done", confirmation.failure_reason)
        self.assertRecordValues(
            confirmation,
            [
                {
                    "state": "done",
                    "channel_email": True,
                    "letter_type_override": "call_confirmation",
                    "contact_id": self.contact.id,
                }
            ],
        )
        self.assertTrue(confirmation.mail_id, "the confirmation is emailed")
        self.assertTrue(confirmation.letter_attachment_id)

    def test_visit_with_dispute_blocks_only_those_invoices(self):
        disputed = self._create_invoice(self.customer, 1000.0, DUE)
        other = self._create_invoice(self.customer, 500.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form(default_kind="visit")
            form.outcome = "reached"
            form.delay_reason = "dispute"
            form.dispute_reason = "Deux fenêtres livrées rayées"
            form.next_call_date = day(27)
            form.move_ids.clear()
            form.move_ids.add(disputed)
            form.save().action_confirm()
        visit = self.Action.search([("dunning_workflow", "=", "visit")])
        self.assertTrue(visit.channel_visit)
        dispute = self.env["account.dunning.dispute"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(dispute.move_ids, disputed)
        self.assertTrue(disputed.dunning_blocked)
        self.assertIn("rayées", disputed.dunning_block_reason)
        self.assertFalse(other.dunning_blocked, "only the disputed invoice is blocked")

    # ---------------------------------------------------------------- disputes
    def test_dispute_opened_and_resolved(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(10)):
            form = Form(self.env["account.dunning.dispute"].with_user(self.accountant))
            form.partner_id = self.customer
            form.move_ids.add(invoice)
            form.reason = "Quantité livrée contestée"
            form.reason_type = "quantity"
            dispute = form.save()
            self.assertTrue(invoice.dunning_blocked)
            self.assertFalse(dispute.mediation_suggested)
        self.assertNotIn(invoice, self._run(day(20)).move_ids, "blocked: not reminded")
        with freeze_time(day(71)):
            dispute.invalidate_recordset(["mediation_suggested"])
            self.assertTrue(dispute.mediation_suggested, "open for more than 60 days")
            dispute.with_user(self.accountant).action_resolve()
        self.assertFalse(invoice.dunning_blocked)
        self.assertEqual(dispute.state, "resolved")

    # ----------------------------------------------------------- payment plans
    def _create_plan(self, invoices, down, count, every, start):
        with freeze_time(start):
            form = Form(
                self.env["account.dunning.payment.plan.create"]
                .with_user(self.accountant)
                .with_context(default_partner_id=self.customer.id)
            )
            form.down_payment = down
            form.instalment_count = count
            form.interval_days = every
            self.assertEqual(
                set(form.move_ids.ids), set(invoices.ids), "overdue invoices by default"
            )
            result = form.save().action_create()
        return self.env["account.dunning.payment.plan"].browse(result["res_id"])

    def test_payment_plan_split_to_the_cent(self):
        invoices = self._create_invoice(
            self.customer, 1000.0, DUE
        ) | self._create_invoice(self.customer, 500.01, DUE)
        plan = self._create_plan(invoices, 300.0, 3, 15, day(20))
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 400.0, 400.0, 400.01])
        self.assertEqual(
            plan.line_ids.mapped("date"), [day(20), day(35), day(50), day(65)]
        )
        self.assertAlmostEqual(plan.amount_total, 1500.01)
        self.assertTrue(plan.amount_total_words)

    def test_payment_plan_kept(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        plan = self._create_plan(invoice, 100.0, 3, 15, day(20))
        with freeze_time(day(20)):
            plan.with_user(self.accountant).write({"signed_date": day(20)})
            plan.with_user(self.accountant).action_start()
        self.assertEqual(plan.state, "running")
        self.assertEqual(invoice.dunning_prescription_restart_date, day(20))
        for offset, amount in ((20, 100.0), (35, 300.0), (50, 300.0)):
            self._pay(invoice, day(offset), amount=amount)
            self.assertNotIn(invoice, self._run(day(offset + 1)).move_ids)
            self.assertEqual(plan.state, "running")
        self._pay(invoice, day(64), amount=300.0)
        self._run(day(66))
        self.assertEqual(plan.state, "done")

    def test_payment_plan_missed(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        plan = self._create_plan(invoice, 100.0, 3, 15, day(20))
        with freeze_time(day(20)):
            plan.with_user(self.accountant).action_start()
        self._pay(invoice, day(20), amount=100.0)
        self.assertNotIn(invoice, self._run(day(38)).move_ids, "35 + 3 days of grace")
        self.assertEqual(plan.state, "running")
        resumed = self._run(day(39))
        self.assertEqual(plan.state, "broken")
        # Resumed at the firmest amicable reminder: set to the level before it.
        self.assertIn(invoice, resumed.move_ids)
        self.assertEqual(resumed.level_id, self.levels[3], "Relance 2, not the notice")

    def test_payment_plan_agreement_letter(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        plan = self._create_plan(invoice, 100.0, 3, 15, day(20))
        with freeze_time(day(20)):
            plan.with_user(self.accountant).action_print_agreement()
        letter = plan.agreement_action_id
        self.assertRecordValues(
            letter,
            [
                {
                    "state": "done",
                    "dunning_workflow": "payment_plan",
                    "letter_type_override": "payment_plan",
                    "payment_plan_id": plan.id,
                    "print_state": "to_print",
                }
            ],
        )
        self.assertTrue(letter.letter_attachment_id)

    def test_signed_plan_restarts_prescription(self):
        old = self._create_invoice(self.customer, 800.0, date(2020, 1, 15))
        self.assertTrue(old._dunning_is_prescribed(date(2026, 3, 1)))
        old.dunning_prescription_restart_date = date(2024, 6, 1)
        self.assertFalse(old._dunning_is_prescribed(date(2026, 3, 1)))
        self.assertTrue(old._dunning_is_prescribed(date(2029, 6, 1)))

    # ------------------------------------------------------------ formal notice
    def _notice_form(self, user=None):
        return Form(
            self.env["account.dunning.formal.notice"]
            .with_user(user or self.accountant)
            .with_context(default_partner_id=self.customer.id)
        )

    def _tick_all(self, form):
        for fname in (
            "fn_signed_order",
            "fn_delivery_proof",
            "fn_invoice_matches",
            "fn_due_date_passed",
            "fn_not_prescribed",
        ):
            form[fname] = True

    def test_formal_notice_refused_when_checklist_incomplete(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.fn_delivery_proof = False
            wizard = form.save()
            with self.assertRaisesRegex(UserError, "Proof of delivery"):
                wizard.action_confirm()

    def test_formal_notice_refused_over_15_days(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.deadline_days = 20
            with self.assertRaisesRegex(UserError, "15"):
                form.save().action_confirm()

    def test_formal_notice_sent_then_next_steps(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.deadline_days = 10
            form.tracking_number = "1A 123 456 7890 1"
            result = form.save().action_confirm()
        notice = self.Action.browse(result["res_id"])
        self.assertRecordValues(
            notice,
            [
                {
                    "state": "done",
                    "channel_registered": True,
                    "registered_number": "1A 123 456 7890 1",
                    "fn_delivery_proof": True,
                    "deadline_date": day(50),
                    "level_id": self.levels[4].id,
                }
            ],
        )
        self.assertEqual(invoice.dunning_formal_notice_date, day(40))
        self.assertEqual(notice._get_legal_next_steps(day(50)), [], "deadline running")
        self.assertEqual(
            notice._get_legal_next_steps(day(51)),
            ["injunction", "mediation", "simplified", "agency"],
        )
        self.customer.dunning_debtor_type = "public"
        self.assertEqual(
            notice._get_legal_next_steps(day(51)),
            ["mediation", "agency"],
            "no payment order nor simplified procedure against a public buyer",
        )
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_dunning_fr.report_dunning_injunction_file", self.customer.ids
        )[0]
        root = lxml.html.fromstring(html)
        text = root.text_content()
        self.assertIn(invoice.name, text)
        self.assertIn(notice.name, text, "the file lists every action sent")
        self.assertIn("1A 123 456 7890 1", text)

    def test_salesperson_refused_formal_notice(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)), self.assertRaises(AccessError):
            form = self._notice_form(user=self.salesperson)
            self._tick_all(form)
            form.save().action_confirm()

    # ---------------------------------------------------------- salespeople
    def test_salesperson_logs_a_call(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form(user=self.salesperson)
            form.outcome = "reached"
            form.delay_reason = "not_approved"
            form.next_call_date = day(24)
            form.notes = "Facture en attente du bon à payer."
            form.save().action_confirm()
        call = self.Action.search([("dunning_workflow", "=", "call")])
        self.assertEqual(call.user_id, self.salesperson)
        self.assertEqual(call.move_ids, invoice)

    def test_salesperson_opens_the_customer_form(self):
        partner = self.customer.with_user(self.salesperson)
        # The cockpit fields read with a salesperson's rights.
        partner.read(
            ["dunning_suggested_profile", "dunning_dso", "dunning_dispute_count"]
        )
        self.assertEqual(
            partner.action_dunning_log_visit()["context"]["default_kind"], "visit"
        )
        with self.assertRaises(AccessError, msg="salespeople cannot open disputes"):
            self.env["account.dunning.dispute"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "reason": "x"}
            )

    def test_other_salesperson_refused_a_call(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        self.customer.user_id = self.admin
        with freeze_time(day(20)), self.assertRaises(AccessError):
            form = self._call_form(user=self.salesperson)
            form.outcome = "reached"
            form.next_call_date = day(24)
            form.save().action_confirm()


@tagged("post_install", "-at_install")
class TestDunningCockpit(DunningCommon):
    TODAY = date(2026, 6, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = cls._create_customer("Boulangerie Dupuis")
        cls.negligent = cls._create_customer("Garage Lefèvre")
        cls.bad = cls._create_customer("Menuiserie Roux")
        cls.insolvent = cls._create_customer("Imprimerie Faure")
        cls.unknown = cls._create_customer("Nouveau Client SARL")
        history = [
            # customer, amount, due, paid on (None: still open)
            (cls.good, 1000.0, date(2026, 2, 10), date(2026, 2, 9)),
            (cls.good, 1000.0, date(2026, 4, 10), date(2026, 4, 10)),
            (cls.negligent, 1000.0, date(2026, 2, 10), date(2026, 2, 20)),
            (cls.negligent, 1000.0, date(2026, 4, 10), date(2026, 4, 10)),
            (cls.bad, 1000.0, date(2026, 2, 10), date(2026, 3, 27)),
            (cls.insolvent, 1000.0, date(2026, 2, 10), None),
            # Due more than 12 months ago: out of the statistics.
            (cls.good, 1000.0, date(2025, 3, 1), date(2025, 9, 1)),
        ]
        for customer, amount, due, paid_on in history:
            invoice = cls._create_invoice(customer, amount, due)
            if paid_on:
                cls._pay(invoice, paid_on)

    def test_suggested_profiles(self):
        partners = self.good | self.negligent | self.bad | self.insolvent | self.unknown
        with freeze_time(self.TODAY):
            partners.invalidate_recordset()
            self.assertEqual(
                partners.mapped("dunning_suggested_profile"),
                ["good", "negligent", "bad", "insolvent", False],
            )
            self.assertRecordValues(
                self.negligent,
                [
                    {
                        "dunning_stat_invoice_count": 2,
                        "dunning_stat_avg_days_late": 5.0,
                        "dunning_stat_late_share": 50.0,
                    }
                ],
            )
            self.assertEqual(self.bad.dunning_stat_avg_days_late, 45.0)
            self.assertEqual(self.insolvent.dunning_stat_avg_days_late, 140.0)

    def test_salesperson_sees_the_cockpit(self):
        self.bad.user_id = self.salesperson
        with freeze_time(self.TODAY):
            partner = self.bad.with_user(self.salesperson)
            self.assertEqual(partner.dunning_suggested_profile, "bad")
            self.assertTrue(partner.dunning_can_log_call)
            self.assertFalse(self.good.with_user(self.salesperson).dunning_can_log_call)


@tagged("post_install", "-at_install")
class TestDunningAnalysis(DunningCommon):
    TODAY = date(2026, 6, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Électricité Bernard")
        cls.other = cls._create_customer("Plomberie Girard")
        cls.recent = cls._create_invoice(cls.customer, 1000.0, date(2026, 6, 20))
        cls.older = cls._create_invoice(cls.customer, 2000.0, date(2026, 5, 16))
        cls.not_due = cls._create_invoice(
            cls.customer, 500.0, date(2026, 7, 20), invoice_date=date(2026, 6, 20)
        )
        cls.ancient = cls._create_invoice(cls.other, 700.0, date(2026, 1, 10))

    def _by_bucket(self, partner):
        groups = self.env["account.dunning.analysis"]._read_group(
            [("partner_id", "=", partner.id)],
            ["age_bucket"],
            ["amount_residual:sum", "amount_overdue:sum", "invoice_count:sum"],
        )
        return {
            bucket: (residual, overdue, count)
            for bucket, residual, overdue, count in groups
        }

    def test_age_buckets(self):
        with freeze_time(self.TODAY):
            self.assertEqual(
                self._by_bucket(self.customer),
                {
                    "0_not_due": (500.0, 0.0, 1),
                    "1_30": (1000.0, 1000.0, 1),
                    "2_60": (2000.0, 2000.0, 1),
                },
            )
            self.assertEqual(
                self._by_bucket(self.other), {"4_over_90": (700.0, 700.0, 1)}
            )
        self._pay(self.older, date(2026, 6, 25))
        with freeze_time(self.TODAY):
            self.assertNotIn("2_60", self._by_bucket(self.customer), "paid: not open")

    def test_dso(self):
        self._pay(self.older, date(2026, 6, 25))
        dso = self.env["account.dunning.analysis"]._get_dso(
            self.TODAY, partners=self.customer | self.other
        )
        # Open 1500 of 3500 invoiced in the last 365 days.
        self.assertAlmostEqual(dso[self.customer.id], 1500 / 3500 * 365, places=2)
        self.assertAlmostEqual(dso[self.other.id], 365.0, places=2)
        self.assertAlmostEqual(dso[False], 2200 / 4200 * 365, places=2)
        with freeze_time(self.TODAY):
            self.assertAlmostEqual(
                self.customer.dunning_dso, 1500 / 3500 * 365, places=1
            )
