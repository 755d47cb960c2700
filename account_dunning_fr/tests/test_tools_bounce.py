"""The reason read off a returned email (tools/bounce.py), without Odoo."""

import email
import email.message

from ..tools.bounce import MAX_LENGTH, bounce_reason, is_auto_reply
from .common_pure import DatabaseFreeCase

DSN = """From: MAILER-DAEMON@mx.example
To: compta@menuiserie.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; {rcpt}
Action: {action}
Status: {status}
{diagnostic}
--b--
"""


def _dsn(action="failed", status="5.1.1", diagnostic="", rcpt="a@b.example"):
    return email.message_from_string(
        DSN.format(action=action, status=status, diagnostic=diagnostic, rcpt=rcpt)
    )


class TestToolsBounce(DatabaseFreeCase):
    def test_reason_of_the_failed_recipient(self):
        cases = [
            ("Diagnostic-Code: smtp; 550 5.1.1 No such user", "550 5.1.1 No such user"),
            ("Diagnostic-Code: smtp;552 Mailbox   full", "5.1.1 — 552 Mailbox full"),
            (
                "Diagnostic-Code: X-Postfix; host said: 554 spam",
                "5.1.1 — host said: 554 spam",
            ),
            ("", "5.1.1"),
        ]
        for diagnostic, expected in cases:
            with self.subTest(diagnostic=diagnostic, expected=expected):
                assert bounce_reason(_dsn(diagnostic=diagnostic)) == expected

    def test_delayed_recipient_is_no_failure_human_text_used(self):
        message = _dsn(action="delayed", status="4.4.1")
        assert bounce_reason(message) == "Your message could not be delivered."

    def test_plain_bounce_without_report(self):
        message = email.message_from_string(
            "From: postmaster@x.example\nSubject: failure\n\n"
            "\n  Mailbox  unknown  \nmore\n"
        )
        assert bounce_reason(message) == "Mailbox unknown"

    def test_nothing_readable(self):
        message = email.message_from_string("Subject: x\nContent-Type: image/png\n\n")
        assert bounce_reason(message) == ""

    def test_long_reason_cut(self):
        reason = bounce_reason(_dsn(diagnostic="Diagnostic-Code: smtp; " + "x" * 1000))
        assert len(reason) == MAX_LENGTH
        assert reason.endswith("…")

    def test_automatic_replies(self):
        cases = [
            ({}, False),  # a person's reply
            ({"Auto-Submitted": "no"}, False),  # RFC 3834: written by a person
            ({"Auto-Submitted": "auto-replied"}, True),
            ({"Auto-Submitted": "Auto-Generated"}, True),
            ({"X-Autoreply": "yes"}, True),
            ({"X-Autorespond": "Absence"}, True),
            ({"X-Auto-Response-Suppress": "All"}, True),
            ({"Precedence": "auto_reply"}, True),
            ({"Precedence": "bulk"}, True),
            ({"Precedence": "first-class"}, False),
        ]
        for headers, automatic in cases:
            with self.subTest(headers=headers):
                message = email.message.EmailMessage()
                message["From"] = "compta@client.example"
                message["Subject"] = "Re: Relance"
                for name, value in headers.items():
                    message[name] = value
                message.set_content("Absent jusqu'au 12.")
                self.assertIs(is_auto_reply(message), automatic)
