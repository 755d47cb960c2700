"""The post room: one PDF per batch, opening with its cover list, registered
letters apart, each letter on the front of a sheet; then the registered
letter numbers and acknowledgment dates typed in one list."""

import shutil
import subprocess
import unittest

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..tools import post_room
from .common_engine import DUE, DunningEngineCommon, day
from .test_tools_post_room import _pdf


def _page_texts(document):
    """Text of each page, as pdftotext reads it (a form feed ends a page)."""
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=document,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@tagged("post_install", "-at_install")
class TestPostRoom(DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels[1].send_letter = True

    def _batch(self):
        """Two formal notices by registered letter (3 and 1 pages) and a
        first reminder by ordinary letter (2 pages), waiting for the post."""
        moreau = self.customer
        zola = self._create_customer(
            "Quincaillerie Zola", dunning_policy_id=self.policy.id
        )
        invoices = self._create_invoice(moreau, 1200.0, DUE) | self._create_invoice(
            zola, 800.0, DUE
        )
        for offset in (-5, 3, 12, 15):
            self._run_and_post(day(offset))
        blanc = self._create_customer("Atelier Blanc", dunning_policy_id=self.policy.id)
        self._create_invoice(blanc, 300.0, day(27))
        actions = self._run(day(30))
        self.assertEqual(len(actions), 3)
        self.assertEqual(set(actions.mapped("print_state")), {"to_print"})
        notices = actions.filtered("send_registered_letter")
        self.assertEqual(notices.partner_id, moreau | zola)
        # Tests render letters as HTML: give them real PDFs of known lengths.
        pages = {moreau: 3, zola: 1, blanc: 2}
        for action in actions:
            action.letter_attachment_id.write(
                {
                    "raw": _pdf(action.partner_id.name, pages[action.partner_id]),
                    "mimetype": "application/pdf",
                }
            )
        return actions, notices, invoices

    def _print(self, actions):
        result = actions.with_user(self.accountant).action_print_batch()
        return self.env["ir.attachment"].browse(
            int(result["url"].split("/web/content/")[1].split("?")[0])
        )

    @unittest.skipUnless(
        shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
        "needs poppler-utils and wkhtmltopdf",
    )
    def test_batch_opens_with_cover_list_and_prints_duplex(self):
        actions, notices, _invoices = self._batch()
        with freeze_time(day(31)):
            attachment = self._print(actions.with_context(force_report_rendering=True))
        pages = _page_texts(attachment.raw)
        self.assertEqual(post_room.page_count(attachment.raw), len(pages))
        cover = pages[0]
        for mention in (
            "Post room: letters to send",
            "Letters: 3",
            "Registered letters with acknowledgment of receipt: 2",
            "Registered letter number",
            "Relance 1",
            "Mise en demeure",
        ):
            self.assertIn(mention, cover)
        registered_part, ordinary_part = cover.split("Ordinary letters")
        for name in ("Quincaillerie Zola", "Transports Moreau SAS"):
            self.assertIn(name, registered_part)
        self.assertNotIn("Atelier Blanc", registered_part)
        self.assertIn("Atelier Blanc", ordinary_part)
        # Registered letters first, each group by customer; every letter on
        # an odd page, a blank back after the cover and after odd letters.
        self.assertEqual(
            pages[1:],
            [
                "",
                "Quincaillerie Zola p1",
                "",
                "Transports Moreau SAS p1",
                "Transports Moreau SAS p2",
                "Transports Moreau SAS p3",
                "",
                "Atelier Blanc p1",
                "Atelier Blanc p2",
            ],
        )
        self.assertEqual(set(actions.mapped("print_state")), {"printed"})
        self.assertEqual(set(notices.mapped("letter_sent_date")), {day(31)})
        with self.assertRaisesRegex(UserError, "no letter waiting"):
            actions.action_print_batch()

    def test_cover_list_refused_without_pdf_engine(self):
        """Tests render reports as HTML, as Odoo does without wkhtmltopdf:
        the batch is refused and its letters stay to print."""
        actions, _notices, _invoices = self._batch()
        with self.assertRaisesRegex(UserError, "wkhtmltopdf"):
            self._print(actions)
        self.assertEqual(set(actions.mapped("print_state")), {"to_print"})

    def test_registered_numbers_and_receipts_in_one_list(self):
        """The post room list edits the numbers row by row and the
        acknowledgment date of several letters at once."""
        actions, notices, invoices = self._batch()
        action = self.env.ref(
            "account_dunning_fr.account_dunning_action_action_registered"
        )
        view = (
            self.env["account.dunning.action"]
            .with_user(self.accountant)
            .get_views([(action.view_id.id, "list")])["views"]["list"]
        )
        arch = etree.fromstring(view["arch"])
        self.assertEqual(arch.get("multi_edit"), "1")
        self.assertTrue(arch.get("editable"))
        for fname in ("registered_number", "registered_ack_date"):
            self.assertEqual(
                arch.xpath(f"//field[@name='{fname}']")[0].get("readonly"),
                "not send_registered_letter",
            )
        self.assertEqual(
            self.env["account.dunning.action"].search(safe_eval(action.domain)),
            notices,
        )
        with freeze_time(day(31)):
            actions.with_user(self.accountant).action_mark_printed()
        for number, notice in enumerate(notices.with_user(self.accountant), 1):
            notice.registered_number = f"1A 123 456 789{number}"
        notices.with_user(self.accountant).registered_ack_date = day(34)
        self.assertEqual(
            set(invoices.mapped("dunning_formal_notice_ack_date")), {day(34)}
        )
        self.assertEqual(len(set(notices.mapped("registered_number"))), 2)
