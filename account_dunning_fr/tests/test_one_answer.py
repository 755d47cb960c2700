"""One question, one answer: what the invoice, the letter and the action show
is what the run does (due date, prescription, announced deadline, whether a
level runs by itself, who receives each channel)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_engine import DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestOneAnswer(DunningEngineCommon):
    def _invoice_in_instalments(self, invoice_date, first_days, second_days, amount):
        term = self.env["account.payment.term"].create(
            {
                "name": "Moitié à l'échéance, moitié plus tard",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 50.0,
                            "nb_days": first_days,
                        }
                    ),
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 50.0,
                            "nb_days": second_days,
                        }
                    ),
                ],
            }
        )
        invoice = self._create_invoice(
            self.customer, amount, invoice_date, invoice_date=invoice_date, post=False
        )
        invoice.write({"invoice_payment_term_id": term.id})
        invoice.action_post()
        return invoice

    def test_due_date_of_each_item_is_the_runs(self):
        """Each instalment falls due on its own date, for the run's plain
        items, the letters and the action lines alike."""
        invoice = self._invoice_in_instalments(day(-40), 0, 60, 2000.0)
        items = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(
            [item._dunning_due_date() for item in items], [day(-40), day(20)]
        )
        plain = self.env["account.dunning.planning"]._get_items(day(3))
        debits, _credits = plain[self.customer.id]
        self.assertEqual(
            {item.id: item.due for item in debits},
            {item.id: item._dunning_due_date() for item in items},
        )
        action = self._run(day(3))
        self.assertEqual(action.line_ids.move_line_id, items[0])

    def test_prescription_per_instalment_shown_on_the_invoice(self):
        """An instalment barred by the five years of C. com. L110-4 is never
        reminded, and its invoice says so, although its last instalment is
        still within the period."""
        run_date = date(2026, 3, 5)
        invoice = self._invoice_in_instalments(date(2021, 1, 4), 0, 365 * 2, 1000.0)
        first, last = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertLess(first._dunning_prescription_date(), run_date)
        self.assertGreater(last._dunning_prescription_date(), run_date)
        with freeze_time(run_date):
            invoice.invalidate_recordset()
            self.assertTrue(invoice.dunning_prescribed)
            self.assertEqual(
                invoice.dunning_prescription_date, first._dunning_prescription_date()
            )
            self.assertIn(
                invoice,
                self.env["account.move"].search([("dunning_prescribed", "=", True)]),
            )
        action = self._run(run_date)
        self.assertNotIn(first, action.line_ids.move_line_id, "barred: never claimed")
        self.assertIn(last, action.line_ids.move_line_id)

    def test_announced_deadline_is_the_levels(self):
        """The deadline the action records, the one a validation later
        moves, and the one the letter prints come from the level."""
        level = self.levels[1]
        level.auto_execute = False
        self._create_invoice(self.customer, 800.0, day(0))
        proposal = self._run(day(3))
        self.assertEqual(proposal.deadline_date, level._get_deadline_date(day(3)))
        self.assertEqual(proposal.deadline_date, day(11))
        Letter = self.env["account.dunning.letter"]
        self.assertEqual(Letter._get_deadline(proposal, day(3)), day(11))
        with freeze_time(day(5)):
            proposal.with_user(self.accountant).action_execute()
        self.assertEqual(proposal.date, day(5))
        self.assertEqual(proposal.deadline_date, level._get_deadline_date(day(5)))

    def test_whether_a_level_runs_by_itself(self):
        """A level that runs by itself is carried out by the run; one that
        waits for the accountant stays proposed."""
        self._create_invoice(self.customer, 800.0, day(0))
        self.levels[1].auto_execute = False
        proposal = self._run(day(3))
        self.assertFalse(proposal._runs_by_itself())
        self.assertEqual(proposal.state, "proposed")
        self.levels[1].auto_execute = True
        self.assertTrue(proposal._runs_by_itself())

    def test_recipient_chosen_once_for_every_channel(self):
        """The email, its delivery and the action name the same recipient:
        the one chosen along the recipient chain when the action left."""
        contact = self._create_contact(
            self.customer, "Comptabilité Moreau", roles=("accounting",)
        )
        self.customer.dunning_company_size = "sme"
        self._create_invoice(self.customer, 800.0, day(0))
        action = self._run(day(3))
        self.assertEqual(action.email_partner_id, contact)
        self.assertEqual(action._get_recipient("email"), contact)
        self.assertEqual(action.mail_id.recipient_ids, contact)
        email = action.delivery_ids.filtered(lambda d: d.channel == "email")
        self.assertEqual(email.recipient_id, contact)
        self.assertIn(contact.display_name, action.recipient_note)
