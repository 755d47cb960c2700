"""Shared setup of the letter tests: a policy with one level per letter
type, a professional, a consumer and a public buyer, and helpers that
render a letter and read its text."""

import re
from datetime import date, timedelta

import lxml.html

from odoo import Command

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


class DunningLettersCommon(DunningCommon):
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
                "send_letter": not level.send_registered_letter,
                "send_registered_letter": level.send_registered_letter,
                "amount_due": sum(invoices.mapped("amount_residual")),
                **vals,
            }
        )

    def _create_invoices(self, partner, count, due=DUE):
        """``count`` customer invoices without tax, due on ``due``, created
        and posted together (a long letter needs many)."""
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Pose de menuiseries",
                                "quantity": 1,
                                "price_unit": 100.0 + number,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for number in range(count)
            ]
        )
        invoices.action_post()
        return invoices

    def _render(self, letter_type, actions):
        html = self.env["ir.actions.report"]._render_qweb_html(
            f"account_dunning_fr.report_dunning_letter_{letter_type}", actions.ids
        )[0]
        return lxml.html.fromstring(html)

    def _text(self, node):
        """Visible text, with every kind of space made a plain space and
        without the zero-width no-break space Odoo puts after a minus sign."""
        return NBSP.sub(" ", node.text_content().replace("\ufeff", ""))

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
