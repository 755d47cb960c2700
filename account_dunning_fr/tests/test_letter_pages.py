"""Long letters on paper, as the Debian wkhtmltopdf really prints them: a
table of invoices running onto several pages repeats its header row on each
of them, the total due never leaves its breakdown, and nothing runs into the
footer stamped at the foot of every page."""

import re
import shutil
import subprocess
import unittest

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common_letters import DunningLettersCommon

# A row of a table of items: its number, then a date.
ROW = re.compile(r"^\s*(\S+/\d+)\s+\d{2}/\d{2}/\d{4}\s", re.MULTILINE)
# What each table's header row prints, in words that never wrap.
HEADERS = {"public_moratorium": ("Invoice", "Amount")}
HEADER = ("Document", "Amount")
# The total rows under the last invoices, in letters that claim no more.
TOTALS = {
    "statement": ("Balance of your account",),
    "public_moratorium": ("Total claimed",),
}
TOTAL = ("Total",)
# The labels of the claim, printed together with the total due.
CLAIM = ("Amounts calculated as of", "Principal:", "Late penalties", "Total amount due")
# The body of the page ends 15 mm above the bottom of the sheet (842 pt);
# the stamped footer lies below.
BODY_BOTTOM = 842 - 15 * 72 / 25.4


@unittest.skipUnless(
    shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
    "needs poppler-utils and wkhtmltopdf",
)
@tagged("post_install", "-at_install")
class TestLetterPages(DunningLettersCommon, HttpCase):
    """Real PDFs: the server serves the report's stylesheets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.long_customer = cls._create_customer(
            "Charpentes Vidal SARL", ref="C00065", dunning_policy_id=cls.policy.id
        )
        # The report's stylesheets are made once for the class. Made by the
        # first request of each test instead (a test's work is rolled back),
        # on a busy machine they can come after wkhtmltopdf stopped waiting
        # for them, and that letter prints unstyled.
        for bundle in ("web.report_assets_common", "web.report_assets_pdf"):
            cls.env["ir.qweb"]._get_asset_bundle(bundle, js=False).css()

    def _pdf(self, letter_type, partner, invoices):
        action = self._action(partner, letter_type, invoices)
        content = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                f"account_dunning_fr.report_dunning_letter_{letter_type}", action.ids
            )[0]
        )
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def _pages(self, content):
        """Text of each page, as ``pdftotext -layout`` reads it page by page."""
        count = int(
            re.search(
                rb"Pages:\s+(\d+)",
                subprocess.run(
                    ["pdfinfo", "-"], input=content, capture_output=True, check=True
                ).stdout,
            ).group(1)
        )
        return [
            subprocess.run(
                ["pdftotext", "-f", str(page), "-l", str(page), "-layout", "-", "-"],
                input=content,
                capture_output=True,
                check=True,
            ).stdout.decode()
            for page in range(1, count + 1)
        ]

    def _words_below_body(self, content):
        """Per page, the words printed below the body of the page (the
        stamped footer's), as ``pdftotext -bbox`` places them."""
        xml = subprocess.run(
            ["pdftotext", "-bbox", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout
        # pdftotext writes UTF-8; lxml's HTML parser would read Latin-1 and
        # garble an accented company name in the footer.
        root = etree.fromstring(xml, etree.HTMLParser(encoding="utf-8"))
        return [
            [
                word.text
                for word in page.iter("word")
                if float(word.get("ymax")) > BODY_BOTTOM + 1
            ]
            for page in root.iter("page")
        ]

    def assertPrintsWell(self, letter_type, partner, invoices, claim=False):
        content = self._pdf(letter_type, partner, invoices)
        pages = self._pages(content)
        header = HEADERS.get(letter_type, HEADER)
        listed = []
        for number, text in enumerate(pages, start=1):
            rows = ROW.findall(text)
            listed += rows
            if rows:
                for label in header:
                    self.assertIn(
                        label, text, f"page {number} lists invoices: its header"
                    )
        self.assertEqual(
            sorted(set(listed) & set(invoices.mapped("name"))),
            sorted(invoices.mapped("name")),
            "every invoice listed",
        )
        # The total due and its breakdown on one page; a letter without a
        # claim prints its total under the last invoices, under a header.
        labels = CLAIM if claim else TOTALS.get(letter_type, TOTAL)
        pages_with_total = [
            text
            for text in pages
            if (labels[-1] in text if claim else ROW.search(text))
        ]
        self.assertTrue(pages_with_total)
        total_page = pages_with_total[-1]
        for label in labels:
            self.assertIn(label, total_page, f"{label!r} with the total due")
        # Nothing of the letter runs into the footer: below the body are
        # only the footer's words, the page number last.
        footer, label = self.env["account.dunning.letter"]._get_page_footer(
            self.company, "en_US"
        )
        allowed = set(footer.split()) | set(label.split()) | {"…"}
        for number, words in enumerate(self._words_below_body(content), start=1):
            label_words = label.format(page=number, pages=len(pages)).split()
            self.assertEqual(words[-len(label_words) :], label_words)
            for word in words:
                self.assertTrue(
                    word in allowed or word.isdigit() or word.endswith("…"),
                    f"{word!r} below the body of page {number}",
                )
        return pages

    def test_long_letters_of_every_type(self):
        invoices = self._create_invoices(self.long_customer, 65)
        public_invoices = self._create_invoices(self.public, 65)
        for letter_type, claim in (
            ("pre_due", False),
            ("first", False),
            ("second", True),
            ("formal_notice", True),
            ("delivery_suspension", False),
            ("call_confirmation", False),
            ("payment_plan", False),
            ("statement", False),
        ):
            with self.subTest(letter_type=letter_type):
                pages = self.assertPrintsWell(
                    letter_type, self.long_customer, invoices, claim=claim
                )
                self.assertGreater(len(pages), 2)
        with self.subTest(letter_type="public_moratorium"):
            self.assertPrintsWell("public_moratorium", self.public, public_invoices)

    def test_letters_of_twenty_five_and_one_invoice(self):
        invoices = self._create_invoices(self.long_customer, 25)
        for letter_type, claim in (
            ("first", False),
            ("second", True),
            ("formal_notice", True),
        ):
            for count in (25, 1):
                with self.subTest(letter_type=letter_type, count=count):
                    pages = self.assertPrintsWell(
                        letter_type, self.long_customer, invoices[:count], claim=claim
                    )
                    if letter_type == "first" and count == 1:
                        self.assertEqual(len(pages), 1)
