"""Disputes that block the reminders of some invoices, and payment plans:
their schedule, follow-up, agreement letter and effect on prescription."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestDunningDisputesAndPlans(DunningWorkflowCommon):
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
            with self.assertRaisesRegex(UserError, "how the dispute was settled"):
                dispute.with_user(self.accountant).action_resolve()
            self.assertTrue(invoice.dunning_blocked, "still disputed")
            dispute.resolution = "  "
            with self.assertRaisesRegex(UserError, "how the dispute was settled"):
                dispute.with_user(self.accountant).action_resolve()
            dispute.resolution = "Avoir de deux palettes accordé"
            dispute.with_user(self.accountant).action_resolve()
        self.assertFalse(invoice.dunning_blocked)
        self.assertEqual(dispute.state, "resolved")
        self.assertIn("Avoir de deux palettes accordé", dispute.message_ids[0].body)

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
        # A new five-year period from the acknowledgment: its last day is
        # 1 June 2029 (C. civ. 2229), the same rule as without a restart.
        self.assertFalse(old._dunning_is_prescribed(date(2029, 6, 1)))
        self.assertTrue(old._dunning_is_prescribed(date(2029, 6, 2)))
        self.assertEqual(old.dunning_prescription_date, date(2029, 6, 1))
        with freeze_time(date(2029, 6, 2)):
            self.assertIn(
                old,
                self.env["account.move"].search([("dunning_prescribed", "=", True)]),
            )
