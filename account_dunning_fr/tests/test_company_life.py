"""Ordinary company life: letters that waited in the post room while their
invoices were settled, credit holds lifted once the customer owes nothing
overdue, people who left the company, and an accountant without an email
address running the dunning by hand."""

import shutil
import unittest

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestStaleLetters(DunningEngineCommon):
    """A letter waiting for the post room is read again before printing."""

    def _letter_waiting(self, *amounts):
        """Invoices of ``amounts`` due on DUE walked up to the second
        reminder, whose letter waits for the post room."""
        invoices = self.env["account.move"]
        for amount in amounts:
            invoices |= self._create_invoice(self.customer, amount, DUE)
        for offset in (-5, 3, 12):
            self._run_and_post(day(offset))
        letter = self._run(day(15))
        self.assertEqual(letter.print_state, "to_print")
        self.assertEqual(letter.move_ids, invoices)
        return letter, invoices

    def _history(self, record):
        return " ".join(record.message_ids.mapped("body"))

    def test_letter_withdrawn_when_paid(self):
        letter, invoice = self._letter_waiting(1200.0)
        self._pay(invoice, day(16))
        with freeze_time(day(17)):
            result = letter.with_user(self.accountant).action_print_batch()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn(letter.name, result["params"]["message"])
        self.assertRecordValues(letter, [{"state": "cancelled", "print_state": "none"}])
        self.assertFalse(letter.delivery_ids.filtered(lambda d: d.channel == "letter"))
        self.assertIn("Every invoice was paid meanwhile", self._history(letter))
        self.assertFalse(letter.letter_sent_date)

    def test_letter_withdrawn_when_reversed(self):
        letter, invoice = self._letter_waiting(1200.0)
        with freeze_time(day(16)):
            invoice._reverse_moves([{"date": day(16)}], cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        with freeze_time(day(17)):
            letter.with_user(self.accountant).action_mark_printed()
        self.assertRecordValues(
            letter,
            [{"state": "cancelled", "print_state": "none", "letter_sent_date": False}],
        )

    def test_letter_rendered_again_when_partly_settled(self):
        letter, invoices = self._letter_waiting(1200.0, 800.0)
        kept, credited = invoices
        old_file = letter.letter_attachment_id
        refund = self._credit_note(self.customer, 800.0, on=day(16))
        (refund | credited).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        with freeze_time(day(17)):
            letter.with_user(self.accountant).action_mark_printed()
        # Not marked sent: the paper that left, if any, was the old letter.
        self.assertRecordValues(
            letter,
            [
                {
                    "state": "done",
                    "print_state": "to_print",
                    "letter_render_state": "done",
                    "amount_due": 1200.0,
                }
            ],
        )
        self.assertEqual(letter.move_ids, kept)
        self.assertNotEqual(letter.letter_attachment_id, old_file)
        self.assertIn(kept.name, letter.letter_attachment_id.raw.decode())
        self.assertNotIn(credited.name, letter.letter_attachment_id.raw.decode())
        self.assertIn("rendered again", self._history(letter))
        # Nothing changed since: the letter is marked sent.
        with freeze_time(day(18)):
            letter.with_user(self.accountant).action_mark_printed()
        self.assertRecordValues(
            letter, [{"print_state": "printed", "letter_sent_date": day(18)}]
        )

    @unittest.skipUnless(shutil.which("wkhtmltopdf"), "needs wkhtmltopdf")
    def test_batch_prints_the_letter_rendered_again(self):
        letter, invoices = self._letter_waiting(1200.0, 800.0)
        paid = invoices[1]
        self._pay(paid, day(16))
        with freeze_time(day(17)):
            result = (
                letter.with_user(self.accountant)
                .with_context(force_report_rendering=True)
                .action_print_batch()
            )
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertEqual(letter.letter_attachment_id.mimetype, "application/pdf")
        self.assertRecordValues(
            letter,
            [{"print_state": "printed", "amount_due": 1200.0, "state": "done"}],
        )
        self.assertEqual(letter.line_ids.move_id, invoices[0])

    def test_settled_letter_no_longer_blocks_new_reminders(self):
        letter, invoice = self._letter_waiting(1200.0)
        late = self._create_invoice(self.customer, 450.0, day(16))
        # The letter claims an open invoice: nothing overtakes it.
        self.assertFalse(self._run(day(20)))
        self._pay(invoice, day(20))
        reminder = self._run(day(21))
        self.assertEqual(reminder.partner_id, self.customer)
        self.assertEqual(reminder.move_ids, late)
        self.assertEqual(letter.print_state, "to_print", "withdrawn by the post room")


@tagged("post_install", "-at_install")
class TestCreditHoldLifted(DunningEngineCommon):
    """A hold the dunning set is lifted the day the customer owes nothing
    overdue, or a task asks the follow-up responsible to lift it."""

    def _held(self):
        self.levels[-1].credit_hold = True
        invoice = self._create_invoice(self.customer, 900.0, day(-40))
        for offset in (-5, 3, 12, 15, 30):
            self._run_and_post(day(offset))
        self._run(day(46))
        self.assertRecordValues(
            self.customer,
            [
                {
                    "dunning_credit_hold": True,
                    "dunning_credit_hold_company_id": self.company.id,
                }
            ],
        )
        return invoice

    def _history(self):
        return " ".join(self.customer.message_ids.mapped("body"))

    def test_lifted_by_the_run_once_paid(self):
        invoice = self._held()
        self._run(day(50))
        self.assertTrue(self.customer.dunning_credit_hold, "still owing")
        self._pay(invoice, day(52))
        self._run(day(53))
        self.assertRecordValues(
            self.customer,
            [{"dunning_credit_hold": False, "dunning_credit_hold_company_id": False}],
        )
        self.assertIn("Credit hold lifted", self._history())

    def test_lifted_when_credits_cover_what_is_overdue(self):
        self._held()
        self._credit_note(self.customer, 900.0, on=day(52))
        self._run(day(53))
        self.assertFalse(self.customer.dunning_credit_hold)

    def test_task_when_a_person_decides(self):
        self.company.dunning_credit_hold_release = "task"
        invoice = self._held()
        self._pay(invoice, day(52))
        self._run(day(53))
        self._run(day(54))
        self.assertTrue(self.customer.dunning_credit_hold)
        task = self.customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "account_dunning_fr.mail_activity_type_dunning_credit_hold_release"
                )
            )
        )
        self.assertEqual(len(task), 1, "asked once, not every day")
        self.assertEqual(task.user_id, self.followup_user)
        self.assertIn("asked to lift the credit hold", self._history())

    def test_hold_set_by_hand_stays(self):
        invoice = self._held()
        self.customer.with_user(self.accountant).write({"dunning_credit_hold": True})
        self.assertFalse(self.customer.dunning_credit_hold_company_id)
        self._pay(invoice, day(52))
        self._run(day(53))
        self.assertTrue(self.customer.dunning_credit_hold)


@tagged("post_install", "-at_install")
class TestPeopleWhoLeave(DunningEngineCommon):
    """Tasks go to active users; who starts the run never breaks it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.left = new_test_user(
            cls.env,
            login="dunning_left",
            name="Léa Partie",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.left.action_archive()
        cls.company.dunning_followup_user_id = cls.admin

    def _call_task(self):
        self._create_invoice(self.customer, 700.0, DUE)
        for offset in (-5, 3):
            self._run_and_post(day(offset))
        call = self._run(day(12))
        self.assertEqual(call.level_id, self.levels[2])
        return call.activity_ids

    def test_call_of_archived_responsible_goes_to_default(self):
        self.customer.dunning_followup_user_id = self.left
        self.customer.user_id = False
        self.assertEqual(self._call_task().user_id, self.admin)

    def test_archived_salesperson_informed_through_default(self):
        self.customer.dunning_followup_user_id = self.left
        self.customer.user_id = self.left
        self.levels[1].notify_salesperson = True
        self._create_invoice(self.customer, 700.0, DUE)
        self._run_and_post(day(-5))
        action = self._run(day(3))
        self.assertTrue(action.notify_salesperson)
        self.assertEqual(action.activity_ids.user_id, self.admin)

    def test_nobody_active_never_archived_nor_odoobot(self):
        self.customer.dunning_followup_user_id = self.left
        self.customer.user_id = self.left
        self.company.dunning_followup_user_id = self.left
        user = self._call_task().user_id
        self.assertTrue(user.active)
        self.assertFalse(user._is_superuser())

    def test_named_user_archived_goes_to_default(self):
        self.levels[2].write(
            {"activity_responsible": "user", "activity_user_id": self.left.id}
        )
        self.assertEqual(self._call_task().user_id, self.admin)

    def test_accountant_without_email_runs_by_hand(self):
        nobody = new_test_user(
            self.env,
            login="dunning_no_email",
            name="Marc Sans Adresse",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=self.company.id,
        )
        nobody.partner_id.email = False
        self._create_invoice(self.customer, 700.0, DUE)
        with freeze_time(day(3)):
            wizard = self._preview(day(3), nobody)
            self.assertTrue(wizard.unit_ids)
            wizard.action_execute()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(set(wizard.action_ids.mapped("state")), {"done"})
        run = wizard.run_id
        self.assertEqual(run.state, "done")
        self.assertIn("Run finished", " ".join(run.message_ids.mapped("body")))
