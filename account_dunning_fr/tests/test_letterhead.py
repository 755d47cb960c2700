"""The sender's identity on the letters (C. com. R123-237 and R123-238).

The letters print their letterhead and legal mentions in the body of the page,
never in a header or footer that an unpatched wkhtmltopdf drops: each mention
must be there once, whatever the engine.
"""

import copy

import lxml.html

from odoo.tests import tagged

from .common_letters import ARTICLE, DUE, PAGES, DunningLettersCommon

# Blocks that name the company for another purpose than identifying the
# sender: the signature, and the payee and postal address of a cheque.
OTHER_MENTIONS = "//*[@name='signature' or @name='payment_means']"
HEADER_OR_FOOTER = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' header ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' footer ')]"
)


@tagged("post_install", "-at_install")
class TestLetterhead(DunningLettersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A fictitious SIREN passing the Luhn check, and the VAT number built
        # from it: key (12 + 3 × (812345676 mod 97)) mod 97 = 19.
        cls.company.write(
            {
                "name": "Ateliers du Rhône",
                "street": "8 quai Saint-Vincent",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33 4 72 00 45 45",
                "email": "relances@ateliers-rhone.example",
                "company_registry": "812345676",
                "vat": "FR19812345676",
                "dunning_legal_form": "SARL",
                "dunning_share_capital": 50000.0,
                "dunning_rcs_city": "Lyon",
            }
        )
        # Neither the sender's nor the customer's name holds "SARL": the
        # legal form is then counted alone.
        cls.baker = cls._create_customer(
            "Boulangerie Perrin", dunning_policy_id=cls.policy.id
        )

    def _french_letter(self, letter_type):
        """The rendered document and the article of its one letter, in
        French."""
        self._use_french(self.baker)
        invoices = self._create_invoice(self.baker, 1200.0, DUE)
        action = self._action(self.baker, letter_type, invoices)
        root = self._render(letter_type, action)
        pages = root.xpath(PAGES)
        self.assertEqual(len(pages), 1, "one page per letter")
        return root, pages[0].xpath(ARTICLE)[0]

    def _identity_text(self, article):
        """Text of the letter without the blocks that name the company as
        signatory or payee."""
        article = copy.deepcopy(article)
        for node in article.xpath(OTHER_MENTIONS):
            node.getparent().remove(node)
        return self._text(article)

    def assertIdentityOnce(self, root, article):
        self.assertFalse(
            root.xpath(HEADER_OR_FOOTER),
            "no header or footer: an unpatched wkhtmltopdf would drop it",
        )
        document = self._text(root)
        for mention in (
            "SARL",
            "50 000,00 €",
            "812 345 676",
            "RCS Lyon",
            "FR19812345676",
        ):
            self.assertEqual(
                document.count(mention), 1, f"{mention!r} printed exactly once"
            )
        identity = self._identity_text(article)
        for mention in ("Ateliers du Rhône", "8 quai Saint-Vincent", "69001 Lyon"):
            self.assertEqual(
                identity.count(mention),
                1,
                f"{mention!r} in the letterhead, exactly once",
            )

    def test_first_reminder_carries_the_sender_identity_once(self):
        root, article = self._french_letter("first")
        self.assertIdentityOnce(root, article)
        letterhead = self._text(article.xpath(".//div[@name='letterhead']")[0])
        self.assertMentions(
            letterhead,
            [
                "Ateliers du Rhône",
                "8 quai Saint-Vincent",
                "69001 Lyon",
                "+33 4 72 00 45 45",
                "relances@ateliers-rhone.example",
            ],
        )
        recipient = article.xpath(".//div[@name='address']")[0]
        self.assertIn(
            "o_dunning_window",
            recipient.get("class"),
            "recipient behind the envelope's window, on the right",
        )
        self.assertIn("Boulangerie Perrin", self._text(recipient))

    def test_formal_notice_carries_the_sender_identity_once(self):
        root, article = self._french_letter("formal_notice")
        self.assertIdentityOnce(root, article)
        legal = self._text(article.xpath(".//div[@name='legal_identity']")[0])
        self.assertIn("812 345 676 RCS Lyon", legal)

    def test_injunction_file_carries_the_creditor_identity_once(self):
        self._create_invoice(self.baker, 1200.0, DUE)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_dunning_fr.report_dunning_injunction_file", self.baker.ids
        )[0]
        text = self._text(lxml.html.fromstring(html))
        for mention in ("Ateliers du Rhône", "812 345 676", "RCS Lyon"):
            self.assertEqual(text.count(mention), 1, f"{mention!r} exactly once")

    def test_settings_list_what_letters_miss(self):
        bare = self.env["res.company"].create({"name": "Société sans fiche"})
        self.assertEqual(
            bare.dunning_letter_identity_missing,
            "legal form, share capital, SIREN, RCS city, VAT number, address",
        )
        self.company.write({"dunning_share_capital": 0.0, "dunning_rcs_city": False})
        self.assertEqual(
            self.company.dunning_letter_identity_missing, "share capital, RCS city"
        )

    def test_settings_warn_nothing_for_a_complete_company(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.company_id, self.company)
        self.assertFalse(settings.dunning_letter_identity_missing)
