"""The customer's answers: a promise, a dispute, a reply to a reminder or a
payment under way is recorded as an answer of its own (never as a reminder),
re-checks what was still pending for that customer and holds the reminders
of the invoices it covers as long as it says."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestCustomerAnswers(DunningWorkflowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Answer = cls.env["account.dunning.answer"]
        cls.company.dunning_portal_link_days = 60
        cls.company.dunning_portal_promise_days = 30
        # A first reminder by email, then a formal notice a person validates.
        cls.answer_policy = cls._create_policy(
            "Relances avec validation",
            [
                cls._level_vals(10, 3, name="Relance 1", payment_deadline_days=8),
                cls._level_vals(
                    20,
                    10,
                    name="Mise en demeure",
                    send_email=False,
                    send_registered_letter=True,
                    is_formal_notice=True,
                    letter_type="formal_notice",
                    payment_deadline_days=8,
                    auto_execute=False,
                ),
            ],
        )
        cls.customer.dunning_policy_id = cls.answer_policy
        cls.contact.email = "claire.martin@transports-moreau.example"
        cls.invoice = cls._create_invoice(cls.customer, 1200.0, DUE)
        cls.invoice_b = cls._create_invoice(cls.customer, 300.0, DUE)
        cls.public = cls.env.ref("base.public_user")

    # ----------------------------------------------------------------- helpers
    def _reminder(self):
        """The first reminder (email), sent on day 5."""
        reminder = self._run(day(5)).filtered(lambda a: a.partner_id == self.customer)
        self.assertEqual(reminder.state, "done")
        return reminder

    def _proposals(self):
        return self.Action.search(
            [("partner_id", "=", self.customer.id), ("state", "=", "proposed")]
        )

    def _portal(self, reminder):
        """The portal service as the customer opening the reminder's link,
        and the reminder as they reach it."""
        Portal = self.env["account.dunning.portal"].with_user(self.public)
        action = Portal._get_access(reminder.id, reminder._portal_ensure_token())
        return Portal, action

    def _reply(
        self,
        reminder,
        text="Nous avons réglé la facture par virement hier.",
        headers="",
    ):
        """The customer's email in reply to ``reminder``'s email, through
        Odoo's mail gateway.

        :param headers: more header lines, each ending with CRLF
        """
        message_id = reminder.mail_id.message_id
        self.assertTrue(message_id, "the reminder email carries a Message-Id")
        raw = (
            f"From: Claire Martin <{self.contact.email}>\r\n"
            f"To: relances@menuiserie-lefevre.example\r\n"
            f"Subject: Re: {reminder.mail_id.subject}\r\n"
            f"Message-ID: <reply-{reminder.id}@transports-moreau.example>\r\n"
            f"In-Reply-To: {message_id}\r\n"
            f"References: {message_id}\r\n"
            f"{headers}"
            "MIME-Version: 1.0\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: 8bit\r\n"
            "\r\n"
            f"{text}\r\n"
        )
        thread_id = self.env["mail.thread"].message_process(
            "account.dunning.action", raw.encode()
        )
        self.assertEqual(thread_id, reminder.id, "threaded on the reminder")
        return self.Answer.search([("message_id.res_id", "=", reminder.id)])

    def _pending_transaction(self, moves):
        provider = self._published_provider()
        # The provider's notification is handled as a superuser.
        transaction = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": provider.payment_method_ids.id,
                    "reference": "FAC-EN-COURS",
                    "amount": sum(moves.mapped("amount_residual")),
                    "currency_id": self.company.currency_id.id,
                    "partner_id": self.customer.id,
                    "operation": "online_redirect",
                    "invoice_ids": [Command.set(moves.ids)],
                }
            )
        )
        transaction._set_pending()
        return transaction

    # ---------------------------------------------------------------- tests
    def test_promise_withdraws_the_formal_notice_and_holds(self):
        reminder = self._reminder()
        self._run(day(14))
        notice = self._proposals()
        self.assertEqual(
            notice.level_id.name, "Mise en demeure", "the run proposed the notice"
        )
        moves = self.invoice | self.invoice_b
        self.assertEqual(notice.move_ids, moves)
        done_before = self.Action.search_count(
            [("partner_id", "=", self.customer.id), ("state", "=", "done")]
        )
        with freeze_time(day(15)):
            Portal, action = self._portal(reminder)
            answer = Portal._promise(
                action, Portal._get_moves(action, moves.ids), day(20)
            )
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "promise",
                    "source": "portal",
                    "state": "to_read",
                    "promise_date": day(20),
                    "hold_until": day(23),
                    "action_id": reminder.id,
                    "move_ids": moves.ids,
                }
            ],
        )
        self.assertRecordValues(
            notice, [{"state": "cancelled", "answer_id": answer.id}]
        )
        self.assertIn("the customer answered", notice.message_ids[0].body)
        self.assertEqual(
            self.Action.search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "done")]
            ),
            done_before,
            "an answer is no reminder",
        )
        self.assertEqual(moves.mapped("dunning_hold_date"), [day(23)] * 2)
        self.assertEqual(reminder.promise_state, "pending")
        # Until the promised date plus the grace period, nothing is proposed.
        self._run(day(23))
        self.assertFalse(self._proposals(), "held until the promise's grace ends")
        # The promise not kept: the run proposes the notice again.
        self._run(day(24))
        self.assertEqual(reminder.promise_state, "broken")
        self.assertEqual(self._proposals().move_ids, moves)

    def test_dispute_flags_what_covers_other_invoices(self):
        reminder = self._reminder()
        self._run(day(14))
        notice = self._proposals()
        self.assertEqual(notice.move_ids, self.invoice | self.invoice_b)
        with freeze_time(day(15)):
            Portal, action = self._portal(reminder)
            dispute = Portal._dispute(
                action,
                Portal._get_moves(action, self.invoice.ids),
                "quantity",
                "Deux fenêtres manquent à la livraison.",
            )
        answer = self.Answer.search([("dispute_id", "=", dispute.id)])
        self.assertRecordValues(
            answer,
            [{"kind": "dispute", "source": "portal", "move_ids": self.invoice.ids}],
        )
        self.assertIn("Deux fenêtres manquent", answer.text)
        # The notice also claims the other invoice: a person chooses.
        self.assertRecordValues(notice, [{"state": "proposed", "answer_id": answer.id}])
        self.assertTrue(self.invoice.dunning_blocked, "held until resolved")
        self.assertEqual(dispute.activity_ids.user_id, self.accountant)

    def test_promise_withdraws_the_letter_waiting_for_the_post_room(self):
        first = self.answer_policy.level_ids.sorted("sequence")[0]
        first.write({"send_email": False, "send_letter": True})
        letter = self._reminder()
        self.assertEqual(letter.print_state, "to_print")
        moves = self.invoice | self.invoice_b
        with freeze_time(day(8)):
            Portal, action = self._portal(letter)
            answer = Portal._promise(
                action, Portal._get_moves(action, moves.ids), day(20)
            )
        self.assertRecordValues(
            letter,
            [{"state": "cancelled", "print_state": "none", "answer_id": answer.id}],
        )
        self.assertFalse(
            letter.delivery_ids.filtered(lambda d: d.channel == "letter"),
            "the letter never left",
        )

    def test_out_of_office_is_no_answer(self):
        """An automatic reply (RFC 3834) threaded on the reminder stays in
        its chatter: it holds nothing and gives nobody a task."""
        reminder = self._reminder()
        with freeze_time(day(6)):
            answer = self._reply(
                reminder,
                "Je suis absente jusqu'au 20 mars.",
                headers="Auto-Submitted: auto-replied\r\n",
            )
        self.assertFalse(answer)
        self.assertIn(
            "absente jusqu",
            "".join(reminder.message_ids.mapped("body")),
            "kept in the reminder's chatter",
        )
        self.assertFalse(self.invoice.dunning_hold_date)

    def test_email_reply_is_an_answer_with_a_task(self):
        self.company.dunning_reply_hold_days = 10
        reminder = self._reminder()
        done_before = self.Action.search_count([("state", "=", "done")])
        with freeze_time(day(6)):
            answer = self._reply(reminder)
        self.assertRecordValues(
            answer,
            [
                {
                    "kind": "reply",
                    "source": "email",
                    "author_id": self.contact.id,
                    "action_id": reminder.id,
                    "hold_until": day(16),
                    "move_ids": (self.invoice | self.invoice_b).ids,
                }
            ],
        )
        self.assertIn("réglé la facture par virement", answer.text)
        self.assertEqual(answer.message_id.model, "account.dunning.action")
        self.assertEqual(
            self.Action.search_count([("state", "=", "done")]), done_before
        )
        # The task goes to the accountant who follows the customer up; the
        # salesperson is told, not given it.
        self.assertEqual(answer.activity_ids.user_id, self.accountant)
        self.assertIn(self.salesperson.partner_id, self.customer.message_partner_ids)
        self.assertTrue(
            self.customer.message_ids.filtered(
                lambda m: self.salesperson.partner_id in m.partner_ids
            ),
            "the salesperson is notified",
        )
        self.assertEqual(self.invoice.dunning_hold_date, day(16))
        # The notice would be proposed from day 14 on: the reply holds it.
        self._run(day(16))
        self.assertFalse(self._proposals())
        self._run(day(17))
        self.assertEqual(self._proposals().level_id.name, "Mise en demeure")

    def test_task_never_goes_to_a_user_without_accounting_rights(self):
        # The customer's follow-up responsible is a salesperson: the task goes
        # to the company's default dunning responsible, an accountant.
        self.customer.dunning_followup_user_id = self.salesperson
        self.company.dunning_followup_user_id = self.accountant
        reminder = self._reminder()
        with freeze_time(day(6)):
            answer = self._reply(reminder)
        self.assertEqual(answer.activity_ids.user_id, self.accountant)
        self.assertFalse(
            self.env["mail.activity"].search([("user_id", "=", self.salesperson.id)]),
            "no task for the salesperson",
        )

    def test_payment_under_way_holds_until_the_provider_answers(self):
        reminder = self._reminder()
        with freeze_time(day(10)):
            transaction = self._pending_transaction(self.invoice)
            answer = self.Answer.search([("transaction_id", "=", transaction.id)])
            self.assertRecordValues(
                answer,
                [
                    {
                        "kind": "payment",
                        "source": "payment",
                        "move_ids": self.invoice.ids,
                    }
                ],
            )
            # The portal shows it under way and offers no second payment.
            Portal, action = self._portal(reminder)
            values = Portal._get_page_values(action)
            self.assertEqual(values["payable"], self.invoice_b)
            line = next(
                line for line in values["lines"] if line["number"] == self.invoice.name
            )
            self.assertTrue(line["payment_under_way"])
            with self.assertRaisesRegex(UserError, "already under way"):
                Portal._check_payable(Portal._get_moves(action, self.invoice.ids))
        self._run(day(14))
        self.assertEqual(
            self._proposals().move_ids, self.invoice_b, "the paying invoice waits"
        )
        self._proposals().action_cancel()
        # The provider cancels: the reminders resume.
        with freeze_time(day(15)):
            transaction._set_canceled()
        self.assertFalse(self.invoice.dunning_hold_date)
        self._run(day(16))
        self.assertIn(self.invoice, self._proposals().move_ids)

    def test_history_lists_answers_apart(self):
        reminder = self._reminder()
        with freeze_time(day(10)):
            Portal, action = self._portal(reminder)
            Portal._promise(
                action, Portal._get_moves(action, self.invoice.ids), day(20)
            )
            Portal._dispute(
                action,
                Portal._get_moves(action, self.invoice_b.ids),
                "price",
                "Remise non appliquée.",
            )
        self.assertEqual(
            self.Action.search([("partner_id", "=", self.customer.id)]),
            reminder,
            "the answers are no reminders",
        )
        customer = self.customer.with_user(self.accountant)
        self.assertEqual(customer.dunning_answer_count, 2)
        self.assertEqual(
            sorted(customer.dunning_answer_ids.mapped("kind")), ["dispute", "promise"]
        )
        opened = customer.action_view_dunning_answers()
        self.assertEqual(
            self.env[opened["res_model"]]
            .with_user(self.accountant)
            .search(opened["domain"]),
            customer.dunning_answer_ids,
        )
        # Salespeople see the count, never the answers themselves.
        with self.assertRaises(AccessError):
            customer.dunning_answer_ids.with_user(self.salesperson).read(["text"])

    def test_overview_counts_answers_to_read(self):
        reminder = self._reminder()
        with freeze_time(day(6)):
            first = self._reply(reminder)
        with freeze_time(day(7)):
            Portal, action = self._portal(reminder)
            Portal._promise(
                action, Portal._get_moves(action, self.invoice.ids), day(20)
            )
        card = self.env.ref(
            "account_dunning_fr.account_dunning_overview_answers_to_read"
        ).with_user(self.accountant)
        with freeze_time(day(7)):
            self.assertEqual(card.count, 2)
            opened = card.action_open()
            listed = (
                self.env[opened["res_model"]]
                .with_user(self.accountant)
                .search(opened["domain"])
            )
            self.assertEqual(len(listed), card.count, "the count is its list")
            first.with_user(self.accountant).action_mark_read()
            card.invalidate_recordset(["count"])
            self.assertEqual(card.count, 1)
