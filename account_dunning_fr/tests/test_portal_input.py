"""What the customer types on the answer page: amounts, dates, comments and
files that make no sense are refused with a sentence, never recorded and
never an error page; an invoice is under one open dispute at a time."""

import io
import re
import zipfile
from decimal import Decimal
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.account_dunning_portal import MAX_ATTACHMENT_BYTES, MAX_COMMENT_LENGTH
from .common_portal import DunningPortalCommon
from .common_workflows import day

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 256
HTML_COMMENT = (
    "<b>Gras</b> <img src=x onerror=alert(1)> "
    '<a href="https://example.com/piege">lien</a>'
)


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPortalInput(DunningPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Portal = cls.env["account.dunning.portal"]
        cls.Dispute = cls.env["account.dunning.dispute"]

    def _disputes(self, moves=None):
        moves = moves or (self.invoice | self.invoice_b)
        return self.Dispute.search([("move_ids", "in", moves.ids)])

    def _dispute(self, moves=None, comment="La livraison était incomplète.", **kw):
        return self.Portal._dispute(
            self.reminder, moves or self.invoice, "quantity", comment, **kw
        )

    # ---------------------------------------------------------------- amounts
    def test_promise_amount_at_most_what_is_owed(self):
        with freeze_time(day(10)):
            for amount in (1_000_000.0, Decimal("1200.01"), "1 000 000", 1e300):
                with self.assertRaisesRegex(UserError, "still owe: .*1,200.00"):
                    self.Portal._promise(self.reminder, self.invoice, day(15), amount)
            self.assertFalse(self.invoice.dunning_promise_date)
            # Exactly what is owed is fine, up to the cent.
            self.Portal._promise(self.reminder, self.invoice, day(15), "1 200,00")
        self.assertEqual(self.invoice.dunning_promise_amount, 1200.0)

    def test_promise_amount_not_a_number(self):
        refused = [
            float("inf"),
            float("-inf"),
            float("nan"),
            Decimal("Infinity"),
            Decimal("NaN"),
            True,
            [100],
            "Infinity",
            "NaN",
            "inf",
            "1e400",
            "9" * 100_000,
            "0x10",
            "12,345",
            "1,5,0",
            "-5",
            "0",
            "0,00",
            -5.0,
        ]
        with freeze_time(day(10)):
            for amount in refused:
                with self.subTest(amount=str(amount)[:20]):
                    with self.assertRaises(UserError) as caught:
                        self.Portal._promise(
                            self.reminder, self.invoice, day(15), amount
                        )
                    message = caught.exception.args[0]
                    self.assertNotIn("Traceback", message)
                    self.assertNotIn("could not convert", message)
        self.assertFalse(self.invoice.dunning_promise_date)
        self.assertFalse(self._portal_answers())

    def test_promise_amount_typed_the_french_way(self):
        with freeze_time(day(10)):
            self.Portal._promise(self.reminder, self.invoice, day(15), "1 000,50")
            self.Portal._promise(
                self.reminder, self.invoice_b, day(15), "200,5 \N{EURO SIGN}"
            )
        self.assertEqual(self.invoice.dunning_promise_amount, 1000.5)
        self.assertEqual(self.invoice_b.dunning_promise_amount, 200.5)

    def test_promise_amount_with_thousands_spaces(self):
        invoice = self._create_invoice(self.customer, 3480.0, day(-20))
        with freeze_time(day(10)):
            for typed in ("1 000,50", "1\u202f000,50", "1\xa0000,5", "1 000,50 €"):
                with self.subTest(typed=typed):
                    answer = self.Portal._promise(
                        self.reminder, invoice, day(15), typed
                    )
                    self.assertEqual(answer.promise_amount, 1000.5)
                    invoice.dunning_promise_date = False

    # ------------------------------------------------------------------ dates
    def test_promise_date_within_the_horizon(self):
        with freeze_time(day(10)):
            for promised in (day(9), day(41), "2026-13-45", "x" * 10_000, "demain"):
                with self.subTest(promised=str(promised)[:20]):
                    with self.assertRaises(UserError):
                        self.Portal._promise(self.reminder, self.invoice, promised)
            with self.assertRaisesRegex(UserError, "between today and"):
                self.Portal._promise(self.reminder, self.invoice, day(41))
            # A date typed as in France, where the browser has no date picker.
            self.Portal._promise(
                self.reminder, self.invoice, day(40).strftime("%d/%m/%Y")
            )
        self.assertEqual(self.invoice.dunning_promise_date, day(40))

    def test_promise_horizon_setting_is_bounded(self):
        for days in (0, -5, 366, 100_000):
            with self.subTest(days=days), self.assertRaises(ValidationError):
                self.company.dunning_portal_promise_days = days
        self.company.dunning_portal_promise_days = 365

    # --------------------------------------------------------------- disputes
    def test_one_open_dispute_per_invoice(self):
        with freeze_time(day(10)):
            first = self._dispute()
            with self.assertRaisesRegex(UserError, "already under an open dispute"):
                self._dispute()
            # Together with another invoice: refused too, nothing opened on it.
            with self.assertRaisesRegex(UserError, self.invoice.name):
                self._dispute(self.invoice | self.invoice_b)
            self.assertEqual(self._disputes(), first)
            self.assertFalse(self.invoice_b.dunning_blocked)
            # The accountant's own form is held to the same rule.
            with self.assertRaisesRegex(UserError, "already under an open dispute"):
                self.Dispute.with_user(self.accountant).create(
                    {
                        "partner_id": self.customer.id,
                        "move_ids": [Command.set(self.invoice.ids)],
                        "reason": "Second",
                    }
                )
            second = self._dispute(self.invoice_b)
            with self.assertRaisesRegex(UserError, "already under an open dispute"):
                second.move_ids = [Command.link(self.invoice.id)]
            # Once settled, the invoice may be disputed again; reopening the
            # old dispute then clashes with the new one.
            first.resolution = "Avoir accordé"
            first.action_resolve()
            third = self._dispute()
            with self.assertRaisesRegex(UserError, "already under an open dispute"):
                first.action_reopen()
        self.assertEqual(third.state, "open")
        self.assertEqual(first.state, "resolved")

    @mute_logger("odoo.sql_db")
    def test_the_database_refuses_a_second_open_dispute(self):
        """Two requests at once both pass the check made beforehand: the
        unique index on the invoice refuses the second, and nothing of it is
        kept."""
        with freeze_time(day(10)):
            first = self._dispute()
            Dispute = type(self.Dispute)
            with (
                patch.object(
                    Dispute,
                    "_get_disputed_moves",
                    lambda self, moves, exclude=None: moves.browse(),
                ),
                self.assertRaisesRegex(UserError, "already under an open dispute"),
            ):
                self._dispute(self.invoice | self.invoice_b)
        self.assertEqual(self._disputes(), first)
        self.assertFalse(self.invoice_b.dunning_blocked)
        self.assertEqual(len(self._portal_answers()), 1)
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO account_dunning_dispute_open_move (dispute_id, move_id)"
                " VALUES (%s, %s)",
                (first.id, self.invoice.id),
            )

    def test_comment_is_plain_text(self):
        with freeze_time(day(10)):
            dispute = self._dispute(comment=HTML_COMMENT + "\x00\nDeux lignes")
        note = str(dispute.activity_ids.note)
        self.assertIn("&lt;b&gt;Gras&lt;/b&gt;", note)
        self.assertIn("<br>Deux lignes", note)
        # The invoice's log of the block quotes the comment too.
        blocked = self.invoice.message_ids.filtered(lambda m: "Gras" in str(m.body))
        self.assertTrue(blocked)
        for tag in ("<b>", "<img", "<a "):
            self.assertNotIn(tag, note)
            self.assertNotIn(tag, str(dispute.message_ids[0].body))
            self.assertNotIn(tag, str(blocked.mapped("body")))
        self.assertIn("&lt;img", str(dispute.message_ids[0].body))
        self.assertNotIn("\x00", dispute.reason)

    def test_comment_length_is_bounded(self):
        with freeze_time(day(10)):
            for comment in ("a" * (MAX_COMMENT_LENGTH + 1), "a" * 100_000):
                with self.assertRaisesRegex(UserError, "too long"):
                    self._dispute(comment=comment)
            self.assertFalse(self._disputes())
            dispute = self._dispute(comment="a" * MAX_COMMENT_LENGTH)
        self.assertTrue(dispute)

    def test_attachment_type_and_size(self):
        refused = [
            ("setup.exe", EXE),
            ("facture.pdf", EXE),
            ("setup.exe", PDF),
            ("page.html", b"<html><script>alert(1)</script></html>"),
            ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            ("notes.txt", b"du texte"),
            ("sans extension", PDF),
            ("gros.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES),
        ]
        with freeze_time(day(10)):
            for name, data in refused:
                with self.subTest(name=name):
                    with self.assertRaisesRegex(UserError, re.escape(name)):
                        self._dispute(attachment=(name, data))
            self.assertFalse(self._disputes())
            self.assertFalse(
                self.env["ir.attachment"].search(
                    [("res_model", "=", "account.dunning.dispute")]
                )
            )
            accepted = [
                ("../../bon de livraison.PDF", PDF, "bon de livraison.PDF"),
                ("photo.png", PNG, "photo.png"),
                ("courrier.docx", _docx(), "courrier.docx"),
            ]
            for (name, data, stored), move in zip(
                accepted,
                (self.invoice, self.invoice_b, self.other_invoice),
                strict=True,
            ):
                action = (
                    self.other_reminder if move == self.other_invoice else self.reminder
                )
                dispute = self.Portal._dispute(
                    action, move, "other", "Voir la pièce jointe.", (name, data)
                )
                attachment = self.env["ir.attachment"].search(
                    [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
                )
                self.assertEqual(attachment.name, stored)
                self.assertEqual(attachment.raw, data)

    def test_forms_tick_only_invoices_still_to_answer(self):
        with freeze_time(day(10)):
            self._dispute(self.invoice_b)
            values = self.Portal._get_page_values(self.reminder)
            self.assertEqual(values["answerable"], self.invoice)
            self.Portal._promise(self.reminder, self.invoice, day(15))
            values = self.Portal._get_page_values(self.reminder)
            self.assertFalse(values["answerable"])
            self.authenticate(None, None)
            page = self.url_open(self._url()).text
        for form in ("promise", "dispute"):
            for invoice in (self.invoice, self.invoice_b):
                tag = re.search(rf'<input[^>]* id="{form}_{invoice.id}"[^>]*>', page)
                self.assertNotIn("checked", tag.group(0), f"{form} {invoice.name}")
        tag = re.search(rf'<input[^>]* id="pay_{self.invoice.id}"[^>]*>', page)
        self.assertIn("checked", tag.group(0), "still to be paid")

    # ------------------------------------------------------------------- HTTP
    def test_http_amounts(self):
        self.authenticate(None, None)
        with freeze_time(day(10)):
            for typed in ("Infinity", "NaN", "9" * 100_000, "1e400", "-Infinity"):
                with self.subTest(typed=typed[:20]):
                    response = self._promise(day(15), amount=typed)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn("o_dunning_error", response.text)
                    self.assertNotIn("could not convert", response.text)
            too_much = self._promise(day(15), amount="1 000 000")
            self.assertEqual(too_much.status_code, 200)
            self.assertIn("cannot be more than what these invoices", too_much.text)
            self.assertFalse(self.invoice.dunning_promise_date)
            self.assertFalse(self._portal_answers())
            accepted = self._promise(day(15), amount="1\u202f000,50")
        self.assertEqual(accepted.status_code, 303)
        self.assertEqual(self.invoice.dunning_promise_amount, 1000.5)

    def test_http_messages_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["portal", "account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        self.reminder.contact_id.lang = "fr_FR"
        self.authenticate(None, None)
        with freeze_time(day(10)):
            infinity = self._promise(day(15), amount="Infinity")
            self.assertEqual(infinity.status_code, 200)
            self.assertIn("Saisissez le montant en chiffres", infinity.text)
            too_far = self._promise(day(60), amount="")
            self.assertIn("Choisissez une date de paiement", too_far.text)
            exe = self._post(
                "/dispute",
                {
                    "move_ids": self.invoice.ids,
                    "reason_type": "price",
                    "comment": "Prix faux",
                },
                files={"attachment": ("virus.exe", EXE, "application/octet-stream")},
            )
            self.assertIn("ne peut pas être envoyé", exe.text)
            self.assertEqual(self._promise(day(15), amount="1 000,50").status_code, 303)
        self.assertEqual(self.invoice.dunning_promise_amount, 1000.5)

    def test_http_disputes(self):
        self.authenticate(None, None)
        values = {
            "move_ids": self.invoice.ids,
            "reason_type": "price",
            "comment": HTML_COMMENT,
        }
        with freeze_time(day(10)):
            big = self._post(
                "/dispute",
                values,
                files={
                    "attachment": (
                        "<i>setup</i>.exe",
                        EXE + b"\x00" * (15 * 1024 * 1024),
                        "application/octet-stream",
                    )
                },
            )
            self.assertEqual(big.status_code, 200)
            self.assertIn("too large", big.text)
            small = self._post(
                "/dispute",
                values,
                files={"attachment": ("setup.exe", EXE, "application/octet-stream")},
            )
            self.assertEqual(small.status_code, 200)
            self.assertIn("setup.exe cannot be sent", small.text)
            # What the customer typed comes back, as text.
            for page in (big, small):
                self.assertNotIn("<b>Gras</b>", page.text)
                self.assertNotIn("<i>setup</i>", page.text)
                self.assertNotIn("<img src=x", page.text)
            self.assertIn("&lt;b&gt;Gras&lt;/b&gt;", small.text)
            self.assertFalse(self._disputes())
            self.assertFalse(self.invoice.dunning_blocked)
            first = self._post("/dispute", values)
            self.assertEqual(first.status_code, 303)
            again = self._post("/dispute", values)
            self.assertEqual(again.status_code, 200)
            self.assertIn("already under an open dispute", again.text)
            both = self._post(
                "/dispute", dict(values, move_ids=(self.invoice | self.invoice_b).ids)
            )
            self.assertEqual(both.status_code, 200)
        dispute = self._disputes()
        self.assertEqual(len(dispute), 1)
        self.assertFalse(self.invoice_b.dunning_blocked)
        self.assertNotIn("<b>", str(dispute.activity_ids.note))
        self.assertIn("&lt;b&gt;Gras", str(dispute.activity_ids.note))
        self.assertEqual(len(self._portal_answers()), 1)
