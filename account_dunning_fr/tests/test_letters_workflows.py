"""Dunning letters of the accountant's workflows: call
confirmation, payment plan agreement, delivery suspension, account
statement and the public buyer's moratorium interest request."""

from odoo import Command
from odoo.tests import tagged

from .common_letters import DUE, LETTER_DATE, DunningLettersCommon, day


@tagged("post_install", "-at_install")
class TestDunningWorkflowLetters(DunningLettersCommon):
    def test_call_confirmation_recaps_the_promise(self):
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        invoice.write(
            {"dunning_promise_date": day(40), "dunning_promise_amount": 500.0}
        )
        action = self._action(
            self.customer,
            "call_confirmation",
            invoice,
            notes="<p>Chèque envoyé par la comptabilité mardi.</p>",
        )
        text = self._text(self._render("call_confirmation", action))
        self.assertMentions(
            text,
            [
                invoice.name,
                "Confirmation of our telephone conversation",
                "Amount you will pay: 500.00",
                "11 April 2026",
                "Chèque envoyé par la comptabilité mardi.",
            ],
        )

    def test_payment_plan_agreement_to_sign(self):
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        plan = self.env["account.dunning.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "date_start": LETTER_DATE,
                "line_ids": [
                    Command.create({"date": day(30), "amount": 400.0}),
                    Command.create({"date": day(45), "amount": 400.0}),
                    Command.create({"date": day(60), "amount": 400.0}),
                ],
            }
        )
        action = self._action(
            self.customer, "payment_plan", invoice, payment_plan_id=plan.id
        )
        root = self._render("payment_plan", action)
        text = self._text(root)
        self.assertMentions(
            text,
            [
                invoice.name,
                "1,200.00",
                "One Thousand, Two Hundred Euros",
                "article 2240 of the French Civil Code",
                "the whole balance still owed will become due immediately",
                "For the creditor",
                "For the debtor",
            ],
            absent=["Dear Sir or Madam"],
        )
        self.assertEqual(len(root.xpath("//tr[@name='instalment']")), 3)
        self.assertIn("04/16/2026", text)

    def test_delivery_suspension_is_registered_and_dated(self):
        invoices, _action, text = self._letter("delivery_suspension", self.customer)
        self.assertMentions(
            text,
            [
                invoices.name,
                "Registered letter with acknowledgment of receipt",
                "suspend all deliveries and services",
                "9 April 2026",
                "article 1219",
            ],
        )

    def test_statement_lists_every_open_item(self):
        reminded = self._create_invoice(self.customer, 1200.0, DUE)
        not_due = self._create_invoice(self.customer, 300.0, day(60))
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": DUE,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Avoir", "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        paid = self._create_invoice(self.customer, 50.0, DUE)
        self._pay(paid, DUE)
        action = self._action(self.customer, "statement", reminded)
        root = self._render("statement", action)
        text = self._text(root)
        self.assertEqual(len(root.xpath("//tr[@name='statement_line']")), 3)
        self.assertMentions(
            text,
            [
                reminded.name,
                not_due.name,
                refund.name,
                "Credit note",
                "Balance of your account 1,400.00",
                "Of which overdue 1,200.00",
            ],
            absent=[paid.name],
        )

    def test_public_moratorium_request(self):
        invoice = self._create_invoice(self.public, 1200.0, DUE)
        self._pay(invoice, day(30))
        action = self._action(self.public, "public_moratorium", invoice)
        text = self._text(self._render("public_moratorium", action))
        self.assertMentions(
            text,
            [
                invoice.name,
                "R2192-31",
                "D2192-35",
                "10.15 %",  # ECB 2.15 + 8 points
                "10.01",  # 1 200.00 × 10.15 % × 30 / 365
                "40.00",
                "45 days",
                "05/16/2026",  # paid on 1 April + 45 days
            ],
        )

    def test_public_moratorium_unpaid_item_states_its_deadline_rule(self):
        """An item still unpaid has no payment date yet: the letter gives the
        rule (45 days after the principal) instead of an empty cell."""
        self._use_french(self.public)
        paid = self._create_invoice(self.public, 1200.0, DUE)
        self._pay(paid, day(30))
        unpaid = self._create_invoice(self.public, 800.0, DUE)
        action = self._action(self.public, "public_moratorium", paid | unpaid)
        root = self._render("public_moratorium", action)
        rows = root.xpath("//tr[@name='moratorium_line']")
        self.assertEqual(len(rows), 2)
        cells = {
            self._text(row.xpath("td")[0]).strip(): self._text(row.xpath("td")[-1])
            for row in rows
        }
        self.assertIn("16/05/2026", cells[paid.name])
        self.assertIn("45 jours après le paiement du principal", cells[unpaid.name])
