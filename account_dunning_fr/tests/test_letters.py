"""Dunning letters: the reminders and formal notices each kind of
debtor receives, in English and in French, and how the daily run prints
and mails them."""

import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..tools.page_footer import PdfReader
from .common_letters import (
    DUE,
    NBSP,
    PAGES,
    PENALTY_1200,
    DunningLettersCommon,
    day,
)


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningLettersCommon):
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
        self.assertTrue(action.send_registered_letter)
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

    def test_letters_printed_through_their_report_model(self):
        """A letter report takes its values from its report model,
        account.dunning.letter: each action's own, in its reader's language,
        also when actions in two languages are printed at once."""
        self._use_french(self.customer)
        sawmill = self._create_customer(
            "Scierie Martin SAS", dunning_policy_id=self.policy.id
        )
        french = self._action(
            self.customer,
            "formal_notice",
            self._create_invoice(self.customer, 1200.0, DUE),
        )
        english = self._action(
            sawmill, "formal_notice", self._create_invoice(sawmill, 1200.0, DUE)
        )
        actions = french | english
        report = self.env.ref("account_dunning_fr.report_dunning_letter_formal_notice")
        Report = self.env["ir.actions.report"]
        values = Report._get_rendering_context(report, actions.ids, {})
        self.assertEqual(values["docs"], actions)
        self.assertEqual(values["langs"], {french.id: "fr_FR", english.id: "en_US"})
        letters = values["letters"]
        self.assertEqual(letters[french.id]["customer"], self.customer)
        self.assertEqual(letters[english.id]["customer"], sawmill)
        self.assertEqual(letters[french.id]["penalty_rate_label"], "12,15\xa0%")
        self.assertEqual(letters[english.id]["penalty_rate_label"], "12.15\xa0%")
        # A copy of the report, as a user makes one to change its paper,
        # renders the same template with the same values.
        copied = Report._get_rendering_context(report.copy(), english.ids, {})
        self.assertEqual(copied["langs"], {english.id: "en_US"})
        # Printed together, each letter in its own language.
        pages = self._render("formal_notice", actions).xpath(PAGES)
        self.assertEqual(len(pages), 2)
        self.assertMentions(
            self._letter_text(pages[0]),
            ["Menuiserie Bastide SARL", "mettons en demeure", "1 251,98"],
            absent=["Scierie Martin SAS", "give you formal notice"],
        )
        self.assertMentions(
            self._letter_text(pages[1]),
            ["Scierie Martin SAS", "we hereby give you formal notice to pay"],
            absent=["mettons en demeure"],
        )
        # The PDF the post room and the emails carry comes the same way.
        Letter = type(self.env["account.dunning.letter"])
        with patch.object(
            Letter,
            "_get_report_values",
            autospec=True,
            side_effect=Letter._get_report_values,
        ) as report_values:
            content = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report, french.ids
            )[0]
        self.assertEqual(report_values.call_count, 1)
        self.assertEqual(report_values.call_args.args[1], french.ids)
        text = NBSP.sub(
            " ",
            " ".join(
                page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
            ),
        )
        self.assertMentions(
            text,
            ["Menuiserie Bastide SARL", "mettons en demeure", "1 251,98"],
            absent=["give you formal notice"],
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
            self.env["account.dunning.letter"]._get_mail_template(action),
            self.env.ref("account_dunning_fr.mail_template_dunning_action"),
        )
        action.letter_type_override = "call_confirmation"
        self.assertEqual(
            self.env["account.dunning.letter"]._get_mail_template(action),
            self.env.ref("account_dunning_fr.mail_template_dunning_call_confirmation"),
        )
        # The shipped level as installed, whoever runs the test.
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
        """A French customer's formal notice is in French, French figures included."""
        self._use_french(self.customer)
        _invoices, _action, text = self._letter("formal_notice", self.customer)
        self.assertIn("1 251,98", text)
        self.assertIn("mettons en demeure", text)
