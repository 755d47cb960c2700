"""Dunning letters (SPEC §5): what each letter type prints, for each kind of
debtor, in English and in French."""

import re
from datetime import date, timedelta

import lxml.html
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DunningCommon

DUE = date(2026, 3, 2)
# 30 days late: penalties 1,200.00 × 12.15 % (ECB 2.15 + 10) × 30 / 365
LETTER_DATE = date(2026, 4, 1)
PENALTY_1200 = "11.98"
NBSP = re.compile(r"[\s\u00a0\u202f]+")
PAGES = "//div[contains(concat(' ', normalize-space(@class), ' '), ' page ')]"
# The recipient block is printed by the layout, beside the page, in the same
# article as the page.
ARTICLE = (
    "ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
)


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["account.dunning.action"]
        cls.company.write(
            {
                "dunning_signatory_name": "Claire Fontaine",
                "dunning_signatory_title": "Directrice administrative et financière",
                "dunning_signature_place": "Lyon",
                "dunning_penalty_rate_mode": "ecb10",
                "dunning_indemnity_enabled": True,
            }
        )
        bank = cls.env["res.bank"].create({"name": "Banque Rhône", "bic": "BRHOFRPP"})
        cls.company.dunning_bank_account_id = cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR76 3000 4000 0312 3456 7890 143",
                "partner_id": cls.company.partner_id.id,
                "bank_id": bank.id,
            }
        )
        letter_types = [
            ("pre_due", -5, {}),
            ("first", 3, {}),
            ("second", 15, {"mention_penalties": True}),
            (
                "formal_notice",
                30,
                {
                    "mention_penalties": True,
                    "is_formal_notice": True,
                    "send_registered_letter": True,
                    "payment_deadline_days": 15,
                },
            ),
            ("delivery_suspension", 40, {"send_registered_letter": True}),
            ("call_confirmation", 41, {}),
            ("payment_plan", 42, {}),
            ("statement", 43, {}),
            ("public_moratorium", 44, {}),
        ]
        cls.policy = cls._create_policy(
            "Lettres",
            [
                cls._level_vals(
                    (index + 1) * 10,
                    delay,
                    name=letter_type,
                    letter_type=letter_type,
                    min_days_since_last=0,
                    **{"payment_deadline_days": 8, **vals},
                )
                for index, (letter_type, delay, vals) in enumerate(letter_types)
            ],
        )
        cls.levels = {level.letter_type: level for level in cls.policy.level_ids}
        cls.customer = cls._create_customer(
            "Menuiserie Bastide SARL", ref="C00042", dunning_policy_id=cls.policy.id
        )
        cls.consumer = cls._create_customer(
            "Jeanne Roux", is_company=False, dunning_policy_id=cls.policy.id
        )
        cls.public = cls._create_customer(
            "Commune de Villeurbanne",
            dunning_debtor_type="public",
            dunning_policy_id=cls.policy.id,
        )

    # ------------------------------------------------------------ helpers
    def _action(self, partner, letter_type, invoices, on=LETTER_DATE, **vals):
        level = self.levels[letter_type]
        deadline = level.payment_deadline_days
        return self.Action.create(
            {
                "company_id": self.company.id,
                "partner_id": partner.id,
                "level_id": level.id,
                "move_ids": [Command.set(invoices.ids)],
                "date": on,
                "deadline_date": deadline and on + timedelta(days=deadline),
                "channel_letter": not level.send_registered_letter,
                "channel_registered": level.send_registered_letter,
                "amount_due": sum(invoices.mapped("amount_residual")),
                **vals,
            }
        )

    def _render(self, letter_type, actions):
        html = self.env["ir.actions.report"]._render_qweb_html(
            f"account_dunning_fr.report_dunning_letter_{letter_type}", actions.ids
        )[0]
        return lxml.html.fromstring(html)

    def _text(self, node):
        """Visible text, with every kind of space made a plain space."""
        return NBSP.sub(" ", node.text_content())

    def _letter(self, letter_type, partner, amounts=(1200.0,), **vals):
        invoices = self.env["account.move"]
        for amount in amounts:
            invoices |= self._create_invoice(partner, amount, DUE)
        action = self._action(partner, letter_type, invoices, **vals)
        root = self._render(letter_type, action)
        pages = root.xpath(PAGES)
        self.assertEqual(len(pages), 1, "one page per letter")
        return invoices, action, self._letter_text(pages[0])

    def _letter_text(self, page):
        """Text of one letter: its page and the recipient block beside it."""
        return self._text(page.xpath(ARTICLE)[0])

    def assertMentions(self, text, expected, absent=()):
        for fragment in expected:
            self.assertIn(fragment, text)
        for fragment in absent:
            self.assertNotIn(fragment, text)

    def _use_french(self, partner):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        partner.lang = "fr_FR"

    # -------------------------------------------------------------- letters
    def test_pre_due_checks_receipt_and_approval(self):
        invoices, _action, text = self._letter(
            "pre_due", self.customer, on=day(-5), deadline_date=False
        )
        self.assertMentions(
            text,
            [
                "Menuiserie Bastide SARL",
                invoices.name,
                "1,200.00",
                "approved them for payment",
                "already been arranged",
                "Lyon, 25 February 2026",
                "FR76 3000 4000 0312 3456 7890 143",
                "BRHOFRPP",
                "Claire Fontaine",
            ],
            absent=["Days late", "L441-10"],
        )

    def test_first_reminder_is_courteous_with_a_dated_deadline(self):
        invoices, _action, text = self._letter(
            "first", self.customer, amounts=(1200.0, 350.5)
        )
        self.assertMentions(
            text,
            [
                "Menuiserie Bastide SARL",
                *invoices.mapped("name"),
                "1,200.00",
                "350.50",
                "1,550.50",
                "9 April 2026",  # letter date + the level's 8 days
                "please disregard this reminder",
                "Subject: Reminder of unpaid invoices",
                "Your customer account: C00042",
            ],
            absent=["L441-10", "formal notice"],
        )

    def test_second_reminder_claims_penalties_from_a_professional(self):
        invoices, _action, text = self._letter(
            "second", self.customer, amounts=(1200.0, 1200.0)
        )
        self.assertMentions(
            text,
            [
                *invoices.mapped("name"),
                "article L441-10",
                "annual rate of 12.15 %",
                "article D441-5",
                "40 € per invoice",
                "Number of invoices concerned: 2",
                PENALTY_1200,
                "80.00",  # 2 × 40 €
                "2,503.96",  # 2 400.00 + 2 × 11.98 + 80.00
                "9 April 2026",
            ],
        )

    def test_second_reminder_spares_a_consumer(self):
        invoices, _action, text = self._letter("second", self.consumer)
        self.assertMentions(
            text,
            ["Jeanne Roux", invoices.name, "1,200.00", "9 April 2026"],
            absent=["L441-10", "D441-5", "40 €", "penalt", "indemnity"],
        )

    def test_formal_notice_itemises_the_claim_of_a_professional(self):
        invoices, action, text = self._letter("formal_notice", self.customer)
        self.assertTrue(action.channel_registered)
        self.assertMentions(
            text,
            [
                invoices.name,
                "Registered letter with acknowledgment of receipt",
                "Subject: Formal notice to pay",
                "we hereby give you formal notice to pay",
                "16 April 2026",  # 15 days
                "Principal: invoices left to pay 1,200.00",
                "article L441-10",
                "12.15 %",
                PENALTY_1200,
                "article D441-5",
                "Total amount due 1,251.98",  # 1 200.00 + 11.98 + 40.00
                "interest at the legal rate",
                "competent court",
                "suspend our deliveries",
                "article 1344 of the French Civil Code",
            ],
        )

    def test_formal_notice_to_a_consumer_claims_the_principal_only(self):
        invoices, _action, text = self._letter("formal_notice", self.consumer)
        self.assertMentions(
            text,
            [
                invoices.name,
                "we hereby give you formal notice to pay",
                "Total amount due 1,200.00",
                "16 April 2026",
                "interest at the legal rate",
                "competent court",
                "personal data",
            ],
            absent=[
                "L441-10",
                "D441-5",
                "40 €",
                "penalt",
                "suspend",
                "without further",
            ],
        )

    def test_formal_notice_to_a_public_buyer_claims_moratorium_interest(self):
        _invoices, _action, text = self._letter("formal_notice", self.public)
        self.assertMentions(
            text,
            ["L2192-13", "D2192-35", "10.15 %", "moratorium interest"],
            absent=["L441-10", "Late penalties"],
        )

    def test_one_page_per_letter(self):
        actions = self._action(
            self.customer, "first", self._create_invoice(self.customer, 1200.0, DUE)
        ) | self._action(
            self.consumer, "first", self._create_invoice(self.consumer, 99.0, DUE)
        )
        pages = self._render("first", actions).xpath(PAGES)
        self.assertEqual(len(pages), 2)
        self.assertIn("Menuiserie Bastide SARL", self._letter_text(pages[0]))
        self.assertNotIn("Jeanne Roux", self._letter_text(pages[0]))
        self.assertIn("Jeanne Roux", self._letter_text(pages[1]))

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
        vals = {}
        if "payment_plan_id" in self.Action._fields:
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
            vals["payment_plan_id"] = plan.id
        action = self._action(self.customer, "payment_plan", invoice, **vals)
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
        if vals:
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

    def test_letter_of_an_engine_action(self):
        """A letter printed from the action the daily run created."""
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        with freeze_time(day(3)):
            actions = self.Action._run_dunning(date=day(3), companies=self.company)
        action = actions.filtered(lambda a: a.partner_id == self.customer)
        self.assertEqual(len(action), 1)
        text = self._text(self._render(action.letter_type, action))
        self.assertMentions(text, [invoice.name, "1,200.00", "Lyon, 5 March 2026"])

    def test_mail_template_follows_the_letter_type(self):
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        action = self._action(self.customer, "first", invoice)
        self.assertEqual(
            action._get_mail_template(),
            self.env.ref("account_dunning_fr.mail_template_dunning_action"),
        )
        if "letter_type_override" in self.Action._fields:
            action.letter_type_override = "call_confirmation"
            self.assertEqual(
                action._get_mail_template(),
                self.env.ref(
                    "account_dunning_fr.mail_template_dunning_call_confirmation"
                ),
            )
        shipped = self.env.ref(
            "account_dunning_fr.account_dunning_policy_standard_level_6"
        ).sudo()
        self.assertEqual(
            shipped.mail_template_id,
            self.env.ref("account_dunning_fr.mail_template_dunning_formal_notice"),
        )

    # --------------------------------------------------------------- French
    def test_letter_in_french_formats_amounts_and_dates(self):
        self._use_french(self.customer)
        invoices, _action, text = self._letter(
            "second", self.customer, amounts=(1200.0,)
        )
        self.assertMentions(
            text,
            [
                invoices.name,
                "1 200,00",
                "9 avril 2026",
                "12,15 %",
                "Lyon, 1 avril 2026",
            ],
            absent=["1,200.00", "April"],
        )

    def test_formal_notice_french_wording(self):
        """Passes once i18n/fr.po translates the formal notice (lead's task)."""
        self._use_french(self.customer)
        _invoices, _action, text = self._letter("formal_notice", self.customer)
        self.assertIn("1 251,98", text)
        self.assertIn("mettons en demeure", text)
