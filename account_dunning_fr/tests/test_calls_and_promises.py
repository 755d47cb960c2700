"""Calls and visits logged by the accountant or the salesperson, the payment
promises they record and the confirmation sent after a call."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestDunningCalls(DunningWorkflowCommon):
    # ----------------------------------------------------------------- helpers
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
                    "create_call": True,
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
                    "send_email": True,
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
        self.assertTrue(visit.create_visit)
        dispute = self.env["account.dunning.dispute"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(dispute.move_ids, disputed)
        self.assertTrue(disputed.dunning_blocked)
        self.assertIn("rayées", disputed.dunning_block_reason)
        self.assertFalse(other.dunning_blocked, "only the disputed invoice is blocked")

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

    def test_salesperson_reports_a_dispute_without_blocking(self):
        """Blocking invoices is the accountants' decision: the dispute a
        salesperson hears of goes to the follow-up responsible instead."""
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form(user=self.salesperson)
            form.outcome = "reached"
            form.delay_reason = "dispute"
            form.dispute_reason = "Palettes livrées abîmées"
            form.next_call_date = day(24)
            form.save().action_confirm()
        self.assertFalse(invoice.dunning_blocked)
        self.assertFalse(
            self.env["account.dunning.dispute"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        call = self.Action.search([("dunning_workflow", "=", "call")])
        reported = call.activity_ids.filtered(
            lambda a: a.summary == "Dispute reported by the salesperson"
        )
        self.assertEqual(len(reported), 1)
        self.assertIn("abîmées", str(reported.note))

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

    # ------------------------------------------------------- the customer's answer
    def _proposal(self, invoice, on):
        """A reminder proposed for ``invoice`` on ``on`` and not carried out
        yet, as a run that only proposes leaves it."""
        with freeze_time(on):
            report = self.env["account.dunning.run"]._run(
                date=on, companies=self.company, execute=False
            )
        proposal = report["actions"].filtered(lambda a: invoice in a.move_ids)
        self.assertEqual(proposal.state, "proposed")
        return proposal

    def test_call_with_a_promise_is_an_answer_and_withdraws_the_proposal(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._run(day(5))
        proposal = self._proposal(invoice, day(20))
        call = self._log_promise(invoice, day(25), 1000.0)
        answer = self.env["account.dunning.answer"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "call",
                    "source": "phone",
                    "author_id": self.contact.id,
                    "user_id": self.accountant.id,
                    "action_id": call.id,
                    "move_ids": invoice.ids,
                    "promise_date": day(25),
                    "hold_until": day(28),
                    "state": "read",
                    "text": "Le trésorier confirme un virement.",
                }
            ],
        )
        self.assertEqual(proposal.state, "cancelled", "the promise contradicts it")
        self.assertEqual(proposal.answer_id, answer)

    def test_salesperson_hears_the_customer_without_promise(self):
        """Heard by the salesperson and neither a promise nor a dispute: the
        accountants read it, and the reminder prepared stays."""
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._run(day(5))
        proposal = self._proposal(invoice, day(20))
        with freeze_time(day(20)):
            form = self._call_form(user=self.salesperson, default_kind="visit")
            form.outcome = "reached"
            form.delay_reason = "cash"
            form.next_call_date = day(27)
            form.notes = "La trésorerie est tendue ce mois-ci."
            form.save().action_confirm()
        answer = self.env["account.dunning.answer"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "call",
                    "source": "visit",
                    "user_id": self.salesperson.id,
                    "state": "to_read",
                    "hold_until": False,
                }
            ],
        )
        self.assertEqual(proposal.state, "proposed")

    def test_nobody_reached_is_no_answer(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(20)):
            form = self._call_form()
            form.outcome = "not_reached"
            form.save().action_confirm()
        self.assertFalse(
            self.env["account.dunning.answer"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
