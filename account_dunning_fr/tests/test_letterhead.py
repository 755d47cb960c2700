"""The sender's identity on the letters (C. com. R123-237 and R123-238).

The letters print their letterhead in the body of the page, never in a header
or footer that an unpatched wkhtmltopdf drops; the legal mentions and the page
number are stamped at the foot of every page of the rendered PDF. Each mention
must be there once per page, whatever the engine.
"""

import copy
import io
import re

import lxml.html

from odoo.tests import tagged

from ..tools.page_footer import PdfReader
from .common_letters import ARTICLE, DUE, PAGES, DunningLettersCommon

# The legal mentions, as the French footer prints them.
LEGAL_MENTIONS = (
    "SARL au capital de 50 000,00 €",
    "SIREN 812 345 676 RCS Lyon",
    "N° TVA FR19812345676",
)

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
        """The body holds the letterhead once and no legal mention: those
        are stamped on the PDF, and a body copy would print them twice."""
        self.assertFalse(
            root.xpath(HEADER_OR_FOOTER),
            "no header or footer: an unpatched wkhtmltopdf would drop it",
        )
        document = self._text(root)
        for mention in ("SARL", "812 345 676", "RCS Lyon", "FR19812345676"):
            self.assertNotIn(mention, document, "stamped on the PDF instead")
        identity = self._identity_text(article)
        for mention in ("Ateliers du Rhône", "8 quai Saint-Vincent", "69001 Lyon"):
            self.assertEqual(
                identity.count(mention),
                1,
                f"{mention!r} in the letterhead, exactly once",
            )

    def _pdf_pages(self, report, res_ids, lang=None):
        """Text of each page of the PDF really rendered by wkhtmltopdf."""
        content = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, lang=lang or self.env.lang)
            ._render_qweb_pdf(report, res_ids)[0]
        )
        self.assertTrue(content.startswith(b"%PDF"))
        pages = PdfReader(io.BytesIO(content)).pages
        return [re.sub(r"\s+", " ", page.extract_text()) for page in pages]

    def assertFooterOnEveryPage(self, pages, mentions):
        for number, text in enumerate(pages, start=1):
            for mention in (*mentions, f"Page {number} sur {len(pages)}"):
                self.assertEqual(
                    text.count(mention), 1, f"{mention!r} once on page {number}"
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

    def test_every_page_of_a_long_letter_names_the_sender(self):
        """A formal notice of forty invoices runs over several pages: each
        one carries the legal mentions and its number, once."""
        self._use_french(self.baker)
        invoices = self.env["account.move"]
        for amount in range(100, 4100, 100):
            invoices |= self._create_invoice(self.baker, float(amount), DUE)
        action = self._action(self.baker, "formal_notice", invoices)
        pages = self._pdf_pages(
            "account_dunning_fr.report_dunning_letter_formal_notice", action.ids
        )
        self.assertGreater(len(pages), 1)
        self.assertFooterOnEveryPage(pages, ("Ateliers du Rhône · ", *LEGAL_MENTIONS))

    def test_english_letter_footer_in_english(self):
        self.baker.lang = "en_US"
        invoices = self._create_invoice(self.baker, 1200.0, DUE)
        action = self._action(self.baker, "first", invoices)
        [page] = self._pdf_pages(
            "account_dunning_fr.report_dunning_letter_first", action.ids
        )
        for mention in (
            # Odoo's English amount in euros: the symbol after the figures.
            "SARL with a share capital of 50,000.00 €",
            "SIREN 812 345 676 RCS Lyon",
            "VAT number FR19812345676",
            "Page 1 of 1",
        ):
            self.assertEqual(page.count(mention), 1, mention)

    def test_injunction_file_carries_the_creditor_identity_once(self):
        self._create_invoice(self.baker, 1200.0, DUE)
        report = "account_dunning_fr.report_dunning_injunction_file"
        html = self.env["ir.actions.report"]._render_qweb_html(report, self.baker.ids)[
            0
        ]
        text = self._text(lxml.html.fromstring(html))
        self.assertEqual(text.count("Ateliers du Rhône"), 1, "in the letterhead")
        self.assertNotIn("RCS Lyon", text, "stamped on the PDF instead")
        self._use_french(self.baker)
        pages = self._pdf_pages(report, self.baker.ids, lang="fr_FR")
        self.assertFooterOnEveryPage(pages, LEGAL_MENTIONS)

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
