"""A letter on paper: the recipient behind the window of a DL envelope, the
references beside the sender, and page breaks that never split a table row
or the signature."""

from odoo.tests import tagged

from .common_letters import ARTICLE, DUE, PAGES, DunningLettersCommon


@tagged("post_install", "-at_install")
class TestLetterPaper(DunningLettersCommon):
    def _first_reminder(self):
        customer = self._create_customer(
            "Boulangerie Perrin", dunning_policy_id=self.policy.id, ref="C0042"
        )
        self._use_french(customer)
        invoices = self._create_invoice(customer, 1200.0, DUE) | self._create_invoice(
            customer, 310.5, DUE
        )
        action = self._action(customer, "first", invoices)
        root = self._render("first", action)
        pages = root.xpath(PAGES)
        self.assertEqual(len(pages), 1)
        return invoices, action, root, pages[0].xpath(ARTICLE)[0]

    def test_recipient_behind_the_window_references_beside_the_sender(self):
        invoices, action, _root, article = self._first_reminder()
        frame = article.xpath(".//div[@name='window_frame']")[0]
        window = frame.xpath("./div[@name='address']")[0]
        self.assertIn("o_dunning_window", window.get("class"))
        self.assertMentions(self._text(window), ["Boulangerie Perrin"])
        self.assertFalse(
            article.xpath(".//div[contains(@class, 'page')]//div[@name='address']"),
            "the recipient is not in the flow of the letter",
        )
        references = self._text(frame.xpath(".//div[@name='references']")[0])
        self.assertMentions(
            references,
            ["Notre référence", action.name, "C0042", *invoices.mapped("name")],
        )
        # Place and date come after the frame, in French.
        place_date = self._text(article.xpath(".//p[@name='place_date']")[0])
        self.assertIn("Lyon, ", place_date)
        self.assertRegex(place_date, r"\d{1,2} [a-zéû]+ \d{4}")

    def test_page_breaks_keep_rows_and_signature_whole(self):
        _invoices, _action, _root, article = self._first_reminder()
        style = " ".join(article.xpath(".//style/text()"))
        self.assertIn(".o_dunning_letter_article table tr,", style)
        self.assertIn(".o_dunning_keep_together { page-break-inside: avoid; }", style)
        self.assertIn("thead { display: table-header-group; }", style)
        closing = article.xpath(".//div[@name='closing_block']")[0]
        self.assertIn("o_dunning_keep_together", closing.get("class"))
        signature = self._text(closing.xpath(".//div[@name='signature']")[0])
        self.assertMentions(
            signature,
            ["Claire Fontaine", "Directrice administrative et financière"],
        )
        self.assertTrue(closing.xpath(".//p[@name='closing_formula']"))

    def test_amounts_in_french_and_transfer_details(self):
        _invoices, _action, _root, article = self._first_reminder()
        text = self._text(article)
        self.assertMentions(
            text,
            [
                "1 200,00 €",
                "310,50 €",
                "FR76 3000 4000 0312 3456 7890 143",
                "BRHOFRPP",
            ],
            absent=["1,200.00"],
        )
