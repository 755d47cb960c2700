"""Letters and emails state the customer's account: every item
claimed with its own due date and stage, the credits deducted, totals per
currency never added together, and the net amount claimed. Actions come from
the daily run."""

import lxml.html
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_letters import DUE, DunningLettersCommon, day


@tagged("post_install", "-at_install")
class TestLettersAccount(DunningLettersCommon):
    # ----------------------------------------------------------------- helpers
    def _run(self, on):
        with freeze_time(on):
            return self.Action._run_dunning(date=on, companies=self.company)

    def _run_for(self, partner, on):
        actions = self._run(on).filtered(lambda a: a.partner_id == partner)
        self.assertEqual(len(actions), 1, "one action per customer and run")
        return actions

    def _rows(self, root, name):
        """Text of each table row called ``name``, in order."""
        return [self._text(row) for row in root.xpath(f"//tr[@name='{name}']")]

    # ---------------------------------------------------------------- letters
    def test_first_reminder_in_french_deducts_the_open_credit_note(self):
        self._use_french(self.customer)
        first = self._create_invoice(self.customer, 1200.0, DUE)
        second = self._create_invoice(self.customer, 600.0, DUE)
        refund = self._credit_note(self.customer, 200.0)
        action = self._run_for(self.customer, day(3))
        self.assertEqual(action.level_id, self.levels["first"])
        self.assertEqual(action.amount_due, 1600.0)

        root = self._render("first", action)
        text = self._text(root)
        self.assertMentions(
            text,
            [first.name, second.name, "1 200,00 €", "600,00 €", "Lyon, 5 mars 2026"],
            absent=["1,200.00", "March"],
        )
        items = self._rows(root, "invoice_line")
        self.assertEqual(len(items), 2, "the two invoices are claimed")
        self.assertNotIn(refund.name, " ".join(items), "a credit is no claim")
        deductions = self._rows(root, "deduction_line")
        self.assertEqual(len(deductions), 1)
        self.assertIn(refund.name, deductions[0])
        self.assertIn("-200,00 €", deductions[0], "deducted, in its currency")
        totals = self._rows(root, "currency_total")
        self.assertEqual(len(totals), 1, "all in euros")
        self.assertMentions(totals[0], ["EUR", "1 800,00 €", "-200,00 €", "1 600,00 €"])
        net = self._rows(root, "net_claim")
        self.assertEqual(len(net), 1)
        self.assertIn("1 600,00 €", net[0], "the net amount claimed")

    def test_reminder_email_states_the_net_claim(self):
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        refund = self._credit_note(self.customer, 200.0)
        action = self._run_for(self.customer, day(3))
        template = self.env["account.dunning.letter"]._get_mail_template(action)
        self.assertEqual(
            template, self.env.ref("account_dunning_fr.mail_template_dunning_action")
        )
        body = template._render_field("body_html", action.ids)[action.id]
        text = self._text(lxml.html.fromstring(body))
        self.assertMentions(
            text,
            [invoice.name, refund.name, "-200.00 €", "Balance due: 1,000.00 €"],
        )

    def test_instalments_are_claimed_each_with_its_own_due_date(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Moitié à 10 jours, solde à 40 jours",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 10}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 40}
                    ),
                ],
            }
        )
        invoice = self._create_invoice(
            self.customer, 3000.0, DUE, invoice_date=day(-50), post=False
        )
        invoice.write({"invoice_payment_term_id": term.id})
        invoice.action_post()
        action = self._run_for(self.customer, day(3))
        root = self._render(action.letter_type, action)
        rows = self._rows(root, "invoice_line")
        self.assertEqual(len(rows), 2, "one row per instalment")
        # Due on 21 January and 20 February, 43 and 13 days late on 5 March.
        expected = [
            ("Instalment 1/2", "01/21/2026", "1,500.00", " 43"),
            ("Instalment 2/2", "02/20/2026", "1,500.00", " 13"),
        ]
        for row, fragments in zip(rows, expected, strict=True):
            self.assertMentions(row, [invoice.name, *fragments])
        self.assertIn("3,000.00", self._text(root.xpath("//tr[@name='total']")[0]))

    def test_currencies_are_totalled_apart_and_never_added(self):
        usd = self.setup_other_currency("USD", rates=[("2020-01-01", 2.0)])
        dollars = self._create_invoice(self.customer, 1000.0, DUE, post=False)
        dollars.write({"currency_id": usd.id})
        dollars.action_post()
        euros = self._create_invoice(self.customer, 300.0, DUE)
        action = self._run_for(self.customer, day(3))
        self.assertEqual(action.amount_due, 800.0, "500 € for 1 000 $ plus 300 €")

        values = self.env["account.dunning.letter"]._get_values(action)
        self.assertEqual(
            [
                (t["currency"].name, t["open"], t["credits"], t["net"])
                for t in values["currency_totals"]
            ],
            [("EUR", 300.0, 0.0, 300.0), ("USD", 1000.0, 0.0, 1000.0)],
        )
        root = self._render("first", action)
        text = self._text(root)
        self.assertMentions(
            text,
            [dollars.name, euros.name, "$ 1,000.00", "300.00 €"],
            absent=["1,300.00", "1,300.00 €", "$ 1,300.00"],
        )
        totals = self._rows(root, "currency_total")
        self.assertEqual(len(totals), 2, "one total per currency")
        self.assertIn("EUR", totals[0])
        self.assertIn("USD", totals[1])
        self.assertIn("$ 1,000.00", totals[1])
        self.assertIn("800.00 €", self._rows(root, "net_claim")[0])
        self.assertTrue(root.xpath("//p[@name='foreign_currency']"))

    def test_item_covered_by_a_credit_owes_no_penalty(self):
        """The 500 € credit note settles the older invoice as if matched: the
        professional owes penalties and the 40 € on the newer one only."""
        older = self._create_invoice(self.customer, 500.0, day(-10))
        newer = self._create_invoice(self.customer, 1200.0, DUE)
        self._credit_note(self.customer, 500.0)
        self._run_for(self.customer, day(3))
        action = self._run_for(self.customer, day(15))
        self.assertEqual(action.level_id, self.levels["second"])

        values = self.env["account.dunning.letter"]._get_values(action)
        self.assertEqual(
            [
                (line["move"], line["covered"], line["penalty"], line["indemnity"])
                for line in values["lines"]
            ],
            [
                (older, True, 0.0, 0.0),
                # 1 200.00 × 12.15 % × 15 / 365
                (newer, False, 5.99, 40.0),
            ],
        )
        self.assertEqual(values["total_open"], 1200.0)
        self.assertEqual(values["total_claimed"], 1245.99)

        root = self._render("second", action)
        text = self._text(root)
        self.assertMentions(
            text,
            [
                "Settled by the deductions below",
                "Number of invoices concerned: 1",
                "Items left to pay 1,700.00",
                "Deductions: credit notes and payments not yet matched -500.00",
                "Principal: balance left to pay 1,200.00",
                "Total amount due 1,245.99",
            ],
        )

    def test_statement_lists_a_payment_not_yet_matched(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        payment = self._customer_payment(self.customer, 300.0)
        action = self._run_for(self.customer, day(3))
        self.assertEqual(action.amount_due, 700.0)
        root = self._render("statement", action)
        rows = self._rows(root, "statement_line")
        self.assertEqual(len(rows), 2)
        self.assertMentions(rows[0], [invoice.name, "1,000.00", " 3"])
        self.assertMentions(rows[1], [payment.move_id.name, "Payment", "-300.00 €"])
        self.assertMentions(
            self._text(root),
            ["Balance of your account 700.00 €", "Of which overdue 1,000.00 €"],
        )
