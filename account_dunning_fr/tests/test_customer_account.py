"""The run reminds the customer's account, not loose invoices: credit notes and
payments not yet matched are deducted, instalments have their own due dates,
entries on the receivable account count, amounts are in company currency,
one action per customer and run, and one customer's failure stays its own."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestCustomerAccount(DunningEngineCommon):
    # ----------------------------------------------------------------- helpers
    def _bank_line(self, amount, on, partner=None, label="Virement reçu"):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.company_data["default_journal_bank"].id,
                "date": on,
                "amount": amount,
                "payment_ref": label,
                "partner_id": partner.id if partner else False,
            }
        )

    def _claimed(self, action):
        """(item kind, open amount, deduction?) per line, as a sorted table."""
        return sorted(
            (line.kind, line.amount_residual, line.is_credit)
            for line in action.line_ids
        )

    # ------------------------------------------------------------ the account
    def test_open_credit_note_is_deducted(self):
        first = self._create_invoice(self.customer, 1200.0, DUE)
        second = self._create_invoice(self.customer, 600.0, DUE)
        self._credit_note(self.customer, 200.0)
        action = self._run(day(3))
        self.assertEqual(len(action), 1)
        self.assertEqual(action.amount_due, 1600.0, "1 200 + 600 - 200")
        self.assertEqual(action.move_ids, first | second)
        self.assertEqual(
            self._claimed(action),
            [
                ("credit_note", -200.0, True),
                ("invoice", 600.0, False),
                ("invoice", 1200.0, False),
            ],
        )

    def test_customer_in_credit_is_not_reminded(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        self._customer_payment(self.customer, 1500.0)
        self.assertFalse(self._run(day(3)), "the customer owes nothing on balance")
        with freeze_time(day(3)):
            plan = self.env["account.dunning.planning"]._plan(day(3))
            self.assertEqual(plan["credits_to_match"], self.customer)
            self.customer.invalidate_recordset()
            self.assertTrue(self.customer.dunning_credit_to_match)
            self.assertEqual(self.customer.dunning_credit_amount, 1500.0)
            self.assertEqual(self.customer.dunning_overdue_amount, 1000.0)

    def test_partial_credits_reduce_the_claim_in_any_mix(self):
        """Credit notes and a payment not yet matched, a partial payment
        registered on an invoice: the claim is what is owed on balance."""
        cases = [
            # (invoices, credit notes, unmatched payments, paid on 1st) -> claim
            ((1000.0,), (), (), 0.0, 1000.0),
            ((1000.0, 500.0), (100.0,), (250.0,), 0.0, 1150.0),
            ((1000.0, 500.0), (), (), 400.0, 1100.0),
            ((800.0,), (300.0, 200.0), (), 100.0, 200.0),
        ]
        for index, (invoices, refunds, payments, paid, claim) in enumerate(cases):
            with self.subTest(case=index):
                customer = self._create_customer(
                    f"Client {index}", dunning_policy_id=self.policy.id
                )
                moves = [self._create_invoice(customer, a, DUE) for a in invoices]
                for amount in refunds:
                    self._credit_note(customer, amount)
                for amount in payments:
                    self._customer_payment(customer, amount)
                if paid:
                    self._pay(moves[0], DUE, amount=paid)
                action = self._run(day(3)).filtered(
                    lambda a, c=customer: a.partner_id == c
                )
                self.assertEqual(action.amount_due, claim)

    def test_instalments_follow_their_own_due_dates(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30 % à la commande, 70 % à 60 jours",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 60}
                    ),
                ],
            }
        )
        run_date = day(3)
        invoice = self._create_invoice(
            self.customer, 3000.0, run_date, invoice_date=day(-37), post=False
        )
        invoice.write({"invoice_payment_term_id": term.id})
        invoice.action_post()
        action = self._run(run_date)
        self.assertEqual(action.level_id, self.levels[1])
        self.assertEqual(action.amount_due, 900.0, "the first instalment, 40 days late")
        self.assertEqual(action.line_ids.mapped("date_maturity"), [day(-37)])
        with freeze_time(run_date):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_overdue_amount, 900.0)
        # While the first instalment is overdue, the letter is about what is
        # overdue: the 2 100 € instalment (due on day 23) waits for its own
        # due date and gets no courtesy reminder in a letter about a delay.
        later = self._run(day(18))
        self.assertEqual(later.level_id, self.levels[2])
        self.assertEqual(later.line_ids.mapped("amount_residual"), [900.0])

    def test_one_action_per_customer_at_the_most_advanced_level(self):
        older = self._create_invoice(self.customer, 700.0, day(-12))
        self._run(day(-9))  # "Relance 1" for the older invoice
        newer = self._create_invoice(self.customer, 300.0, DUE)
        action = self._run(day(3))
        self.assertEqual(len(action), 1, "one communication per customer and run")
        self.assertEqual(action.level_id, self.levels[2], "the older one's call")
        self.assertEqual(
            sorted(
                (line.move_id.name, line.level_id.name)
                for line in action.line_ids.filtered("advanced")
            ),
            sorted(
                [(older.name, self.levels[2].name), (newer.name, self.levels[1].name)]
            ),
            "each item at its own stage",
        )

    def test_amounts_in_company_currency(self):
        usd = self.setup_other_currency("USD", rates=[("2020-01-01", 2.0)])
        dollars = self._create_invoice(self.customer, 1000.0, DUE, post=False)
        dollars.write({"currency_id": usd.id})
        dollars.action_post()
        self._create_invoice(self.customer, 300.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.amount_due, 800.0, "500 € for 1 000 $ plus 300 €")
        usd_line = action.line_ids.filtered(lambda line: line.currency_id == usd)
        self.assertRecordValues(
            usd_line,
            [{"amount_residual": 500.0, "amount_residual_currency": 1000.0}],
        )

    def test_entry_on_the_receivable_account(self):
        """An opening balance booked on the customer's receivable account is
        part of the account the customer is reminded of."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": day(-120),
                "line_ids": [
                    Command.create(
                        {
                            "name": "Reprise du solde client",
                            "account_id": self.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": self.customer.id,
                            "debit": 800.0,
                            "date_maturity": day(-87),
                        }
                    ),
                    Command.create(
                        {
                            "name": "Reprise du solde client",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 800.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self._create_invoice(self.customer, 600.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.amount_due, 1400.0)
        self.assertIn(("entry", 800.0, False), self._claimed(action))
        with freeze_time(day(3)):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_overdue_amount, 1400.0)

    # -------------------------------------------------------- payments arrived
    def test_payment_on_its_way_holds_the_reminder(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._bank_line(1000.0, day(1), partner=self.customer)
        action = self._run(day(3))
        self.assertEqual(action.state, "proposed", "held for the accountant")
        self.assertIn("Payment received, to reconcile", action.hold_reason)
        self.assertFalse(invoice.dunning_level_id)

    def test_payment_found_by_its_label(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        self._bank_line(1000.0, day(1), label=f"VIR SEPA MOREAU {invoice.name} MARS")
        action = self._run(day(3))
        self.assertEqual(action.state, "proposed")
        self.assertTrue(action.hold_reason)

    def test_payment_on_its_way_ignored_by_setting(self):
        self.company.dunning_bank_line_mode = "ignore"
        self._create_invoice(self.customer, 1000.0, DUE)
        self._bank_line(1000.0, day(1), partner=self.customer)
        self.assertEqual(self._run(day(3)).state, "done")

    # ----------------------------------------------------------------- safety
    def test_archived_customer_is_never_reminded(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        self.customer.action_archive()
        self.assertFalse(self._run(day(3)))

    # The failure is logged with its traceback, as it should be in production.
    @mute_logger("odoo.addons.account_dunning_fr.models.account_dunning_planning")
    def test_planning_failure_stays_with_its_customer(self):
        other = self._create_customer(
            "Imprimerie Dubois", dunning_policy_id=self.policy.id
        )
        self._create_invoice(self.customer, 500.0, DUE)
        self._create_invoice(other, 400.0, DUE)
        # a contact of its own: its recipient chain is walked
        self._create_contact(self.customer, "Léa Martin")
        Recipient = type(self.env["account.dunning.recipient"])
        original = Recipient._get_recipient

        def broken(model, partner):
            if partner.commercial_partner_id == self.customer:
                raise ValueError("Fiche contact illisible")
            return original(model, partner)

        with patch.object(Recipient, "_get_recipient", broken):
            actions = self._run(day(3))
        mine = actions.filtered(lambda a: a.partner_id == self.customer)
        theirs = actions.filtered(lambda a: a.partner_id == other)
        self.assertEqual(mine.state, "failed")
        self.assertIn("Fiche contact illisible", mine.failure_reason)
        self.assertEqual(theirs.state, "done", "the others go on")
        self.assertFalse(self._run(day(4)), "a failure counts for the cadence")

    # ------------------------------------------------------------- recipients
    def test_each_channel_takes_the_first_recipient_that_can_receive_it(self):
        self.levels[1].send_letter = True
        # A person of the accounts department, without an address of her own.
        named = self._create_contact(
            self.customer, "Léa Martin", email=False, type="other"
        )
        self.customer.dunning_contact_id = named
        self._create_invoice(self.customer, 500.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.state, "done")
        self.assertEqual(action.mail_id.recipient_ids, self.customer)
        self.assertIn("Léa Martin", action.recipient_note)
        self.assertIn("at the customer's address", action.recipient_note)
        self.assertIn("the customer itself", action.recipient_note)

    def test_nobody_to_write_to_fails_with_the_reason(self):
        self.customer.email = False
        self._create_invoice(self.customer, 500.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.state, "failed")
        self.assertIn("No email address", action.failure_reason)

    def test_archived_contact_is_never_chosen(self):
        named = self._create_contact(self.customer, "Léa Martin")
        self.customer.dunning_contact_id = named
        named.action_archive()
        self._create_invoice(self.customer, 500.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.mail_id.recipient_ids, self.customer)

    def test_scheduled_action_reports_failures(self):
        self.customer.email = False
        other = self._create_customer(
            "Imprimerie Dubois", dunning_policy_id=self.policy.id
        )
        self._create_invoice(self.customer, 500.0, DUE)
        self._create_invoice(other, 400.0, DUE)
        logger = "odoo.addons.account_dunning_fr.models.account_dunning_run"
        # The scheduled action runs as the superuser.
        Run = self.env["account.dunning.run"].sudo()
        with freeze_time(day(3)):
            Run._cron_run()  # plans the day's runs, carries nothing out
            self.assertFalse(self.Action.search([("partner_id", "=", other.id)]))
            with self.assertLogs(logger, "WARNING") as logs:
                Run._cron_run()
        self.assertIn("1 of 2 actions failed", logs.output[0])
        done = self.Action.search([("partner_id", "=", other.id)])
        self.assertEqual(done.state, "done", "the others go on")

    def test_no_milder_letter_while_the_older_items_move_up(self):
        """A new overdue invoice does not bring a first reminder after a
        second one: it joins the older invoice's next step."""
        older = self._create_invoice(self.customer, 700.0, day(-15))
        for offset in (-12, -3, 0):  # Relance 1, Appel, Relance 2
            self._run_and_post(day(offset))
        self.assertEqual(older.dunning_level_id, self.levels[3])
        newer = self._create_invoice(self.customer, 300.0, day(1))
        self.assertFalse(self._run(day(5)), "no first reminder after a second one")
        notice = self._run(day(15))
        self.assertEqual(notice.level_id, self.levels[4])
        self.assertEqual(
            sorted(
                (line.move_id.name, line.level_id.name)
                for line in notice.line_ids.filtered("advanced")
            ),
            sorted(
                [(older.name, self.levels[4].name), (newer.name, self.levels[1].name)]
            ),
        )

    def test_late_validation_dates_the_action_the_day_it_leaves(self):
        self.levels[1].auto_execute = False
        self._create_invoice(self.customer, 500.0, DUE)
        proposal = self._run(day(3))
        with freeze_time(day(9)):
            proposal.with_user(self.accountant).action_execute()
        self.assertRecordValues(
            proposal, [{"state": "done", "date": day(9), "deadline_date": day(17)}]
        )
