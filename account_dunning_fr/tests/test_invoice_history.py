"""The history of an invoice: its reminders are read from the lines of the
actions that listed it (its dunning tab), and the run logs one note per
reminder on the customer, none on the invoices."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common_engine import DUE, DunningEngineCommon, day

# What the invoice form reads of its dunning tab (views/account_move_views.xml).
TAB_SPEC = {
    "dunning_action_line_ids": {
        "fields": {
            "action_id": {"fields": {"display_name": {}}},
            "company_currency_id": {"fields": {"display_name": {}}},
            "letter_attachment_id": {"fields": {"display_name": {}}},
            "action_date": {},
            "level_id": {"fields": {"display_name": {}}},
            "channels_display": {},
            "action_state": {},
            "print_state": {},
            "date_maturity": {},
            "amount_residual": {},
        }
    }
}


@tagged("post_install", "-at_install")
class TestInvoiceHistory(DunningEngineCommon):
    def _links_to(self, partner_or_move, actions):
        """Messages of ``partner_or_move`` naming one of ``actions``."""
        return partner_or_move.message_ids.filtered(
            lambda m: any(a.name in (m.body or "") for a in actions)
        )

    def test_reminders_in_the_tab_not_in_the_invoice_chatter(self):
        """Three reminders, the last one validated by hand (the one-by-one
        path): each invoice lists them newest first, with the date, level
        and state of the action and what it claimed for that invoice; the
        customer has one note per reminder, the invoices none."""
        self.levels[2].auto_execute = False
        first = self._create_invoice(self.customer, 1200.0, DUE)
        second = self._create_invoice(self.customer, 300.0, DUE)
        invoices = first | second
        before = {
            record: set(record.message_ids.ids)
            for record in (self.customer, first, second)
        }
        actions = self._run_and_post(day(-5)) | self._run_and_post(day(3))
        call = self._run(day(12))
        self.assertEqual(call.state, "proposed")
        with freeze_time(day(13)):
            call.with_user(self.accountant).action_execute()
        actions |= call
        self.assertEqual(len(actions), 3)
        self.assertEqual(set(actions.mapped("state")), {"done"})
        self.assertEqual(actions.move_ids, invoices)

        for invoice in invoices:
            lines = invoice.dunning_action_line_ids
            self.assertEqual(lines.action_id, actions)
            self.assertEqual(
                lines.mapped("action_date"),
                sorted(actions.mapped("date"), reverse=True),
                "newest first",
            )
            self.assertRecordValues(
                lines,
                [
                    {
                        "action_date": action.date,
                        "level_id": action.level_id.id,
                        "action_state": action.state,
                        "channels_display": action.channels_display,
                        "print_state": action.print_state,
                        "letter_attachment_id": action.letter_attachment_id.id,
                        "amount_residual": invoice.amount_residual,
                    }
                    for action in actions.sorted("date", reverse=True)
                ],
            )
            new = invoice.message_ids.filtered(
                lambda m, seen=before[invoice]: m.id not in seen
            )
            self.assertFalse(self._links_to(invoice, actions))
            self.assertFalse(
                new, "no dunning note nor level tracked in the invoice's chatter"
            )

        notes = self.customer.message_ids.filtered(
            lambda m: (
                m.id not in before[self.customer] and m.body and str(m.body).strip()
            )
        )
        self.assertEqual(len(notes), len(actions), "one note per reminder")
        for action in actions:
            self.assertEqual(len(self._links_to(self.customer, action)), 1)
            # Its state, date, user, deliveries and lines are its record; its
            # chatter keeps its email and what else happened to it.
            self.assertFalse(
                action.message_ids.filtered(
                    lambda m: (
                        m.message_type == "notification"
                        and "carried out" in str(m.body)
                    )
                ),
                "no note on the action for what its fields already say",
            )

        # A row opens its action, and the letter when there is one.
        line = first.dunning_action_line_ids[0]
        opened = line.with_user(self.accountant).action_open_action()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]),
            ("account.dunning.action", line.action_id.id),
        )
        lettered = first.dunning_action_line_ids.filtered("letter_attachment_id")[:1]
        if lettered:
            self.assertIn(
                f"/web/content/{lettered.letter_attachment_id.id}",
                lettered.with_user(self.accountant).action_open_letter()["url"],
            )

    def test_tab_of_a_credit_note(self):
        """A credit note deducted from a reminder shows it too, with the
        amount deducted."""
        self._create_invoice(self.customer, 1200.0, DUE)
        refund = self._credit_note(self.customer, 200.0)
        action = self._run(day(3))
        self.assertRecordValues(
            refund.dunning_action_line_ids,
            [{"action_id": action.id, "amount_residual": -200.0}],
        )

    def test_tab_of_many_invoices_costs_the_same_queries(self):
        """Reading the tab of a list of invoices costs the same queries for 2
        invoices as for 12, each reminded twice."""
        customers = self.customer | self._create_customer(
            "Menuiserie Bernard SARL",
            dunning_policy_id=self.policy.id,
            user_id=self.salesperson.id,
        )
        invoices = self.env["account.move"]
        for customer in customers:
            for amount in range(6):
                invoices |= self._create_invoice(customer, 100.0 + amount, DUE)
        self._run_and_post(day(-5))
        self._run_and_post(day(3))
        self.assertEqual(len(invoices.dunning_action_line_ids), 24)
        Move = self.env["account.move"].with_user(self.accountant)

        def counted(moves):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            values = Move.browse(moves.ids).web_read(TAB_SPEC)
            count = self.cr.sql_log_count - before
            self.assertEqual(
                sum(len(v["dunning_action_line_ids"]) for v in values),
                2 * len(moves),
            )
            return count

        counted(invoices[:1])  # warm Odoo's caches
        self.assertEqual(counted(invoices[:1] | invoices[-1:]), counted(invoices))
