"""Reminders that did not arrive: unusable addresses refused before sending,
emails refused by the mail queue or returned by the recipient's server,
SMS in error; the failure waits for the accountant and the letter is
proposed in place."""

from unittest.mock import patch

import lxml.etree
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from .common_engine import DUE, DunningEngineCommon, day

# A delivery status notification as a recipient's mail server returns it
# (RFC 3464): the report, then the headers of the message that bounced.
BOUNCE = """From: MAILER-DAEMON@mx.moreau.example (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-Id: <dsn-4521@mx.moreau.example>
Date: Tue, 10 Mar 2026 09:12:00 +0100
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="dsn-boundary"

--dsn-boundary
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered: the mailbox {email} does not exist.

--dsn-boundary
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.moreau.example

Final-Recipient: rfc822; {email}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

--dsn-boundary
Content-Type: message/rfc822

Message-Id: {message_id}
From: {to}
To: {email}
Subject: Relance

Relance.

--dsn-boundary--
"""


@tagged("post_install", "-at_install")
class TestDelivery(DunningEngineCommon, MockEmail, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_invoice(cls.customer, 1200.0, DUE)
        cls.first = cls.levels[1]  # "Relance 1": email only, at day 3

    def _remind(self):
        """The run of day 3: the first reminder (the courtesy one before the
        due date is passed over)."""
        actions = self._run(day(3))
        self.assertEqual(len(actions), 1, "one reminder for the customer")
        return actions

    def _send_queue(self, action):
        """Odoo's mail queue sends the reminder (SMTP mocked as Odoo's mail
        tests do)."""
        with freeze_time(day(3)), self.mock_mail_gateway():
            action.mail_id.send(raise_exception=False)

    def _return_to_sender(self, action):
        """The customer's mail server returns the reminder on day 4; Odoo's
        mail gateway receives the bounce."""
        bounce = BOUNCE.format(
            to=self.company.email or "compta@company.example",
            email="accueil@moreau.example",
            message_id=action.mail_id.message_id,
        )
        with freeze_time(day(4)):
            self.env["mail.thread"].message_process(False, bounce)

    def _failed_actions(self):
        """What the accountant's "Failed" filter lists."""
        return self.Action.search(
            [
                ("partner_id", "=", self.customer.id),
                "|",
                ("state", "=", "failed"),
                ("delivery_failed", "=", True),
            ]
        )

    def _letter_proposed(self, action):
        return self.Action.search([("replaced_action_id", "=", action.id)])

    # ------------------------------------------------------- before sending
    def test_blacklisted_address_refused_before_sending(self):
        self.env["mail.blacklist"]._add("accueil@moreau.example")
        action = self._remind()
        self.assertRecordValues(action, [{"state": "failed", "mail_id": False}])
        self.assertIn("accueil@moreau.example", action.failure_reason)
        self.assertIn("blacklist", action.failure_reason)
        self.assertFalse(
            self.invoice.dunning_level_id, "a refused reminder moves no level"
        )
        self.assertFalse(action.delivery_ids)

    def test_blacklisted_contact_skipped_for_the_next_one(self):
        contact = self._create_contact(self.customer, "Sophie Compta", ["accounting"])
        self.env["mail.blacklist"]._add(contact.email)
        action = self._remind()
        self.assertEqual(action.state, "done")
        self.assertRecordValues(
            action.delivery_ids,
            [
                {
                    "channel": "email",
                    "recipient_id": self.customer.id,
                    "address": "accueil@moreau.example",
                    "state": "pending",
                }
            ],
        )

    def test_invalid_address_refused_before_sending(self):
        self.customer.email = "n/a"
        action = self._remind()
        self.assertEqual(action.state, "failed")
        self.assertIn("“n/a” is not valid", action.failure_reason)
        self.assertFalse(self.invoice.dunning_level_id)

    def test_invalid_mobile_refused_before_sending(self):
        self.first.write({"send_email": False, "send_sms": True})
        self.customer.mobile = "n/a"
        action = self._remind()
        self.assertEqual(action.state, "failed")
        self.assertIn("“n/a” is not valid", action.failure_reason)

    def test_blacklisted_mobile_refused_before_sending(self):
        self.first.write({"send_email": False, "send_sms": True})
        self.customer.mobile = "+33612345678"
        # Only administrators manage Odoo's phone blacklist.
        self.env["phone.blacklist"].sudo().add("+33612345678")
        action = self._remind()
        self.assertEqual(action.state, "failed")
        self.assertIn("phone blacklist", action.failure_reason)

    # ------------------------------------------------------- after sending
    def test_email_refused_by_the_mail_queue(self):
        action = self._remind()
        self.assertRecordValues(
            action, [{"state": "done", "delivery_state": "pending"}]
        )
        # The address was spoilt before the mail queue ran.
        self.customer.email = "accueil@"
        self._send_queue(action)
        self.assertEqual(action.mail_id.state, "exception")
        delivery = action.delivery_ids
        self.assertRecordValues(
            action,
            [{"state": "done", "delivery_state": "failed", "delivery_failed": True}],
        )
        self.assertEqual(delivery.state, "failed")
        self.assertIn("Invalid email address", delivery.failure_reason)
        self.assertIn(action, self._failed_actions())
        letter = self._letter_proposed(action)
        self.assertRecordValues(
            letter,
            [
                {
                    "state": "proposed",
                    "level_id": self.first.id,
                    "send_letter": True,
                    "send_email": False,
                    "send_registered_letter": False,
                }
            ],
        )
        self.assertIn(action.name, letter.hold_reason)
        # The customer is not reminded again while the letter waits.
        self.assertFalse(self._run(day(4)))

        # The accountant validates the letter: it waits for the post room,
        # and the undelivered email leaves the to-do list.
        with freeze_time(day(5)):
            letter.with_user(self.accountant).action_execute()
        self.assertRecordValues(
            letter, [{"state": "done", "print_state": "to_print", "date": day(5)}]
        )
        self.assertRecordValues(
            letter.delivery_ids, [{"channel": "letter", "state": "pending"}]
        )
        self.assertFalse(action.delivery_failed)
        self.assertNotIn(action, self._failed_actions())
        self.assertEqual(self.invoice.dunning_level_id, self.first)
        with freeze_time(day(6)):
            letter.with_user(self.accountant).action_mark_printed()
        self.assertEqual(letter.delivery_ids.state, "sent")

    def test_own_mail_server_down_is_no_reason_to_write_by_post(self):
        """The company's outgoing server refuses the connection: the email
        never left. It counts among the failures, but the customer's address
        is not at fault: no letter is proposed; once the server is fixed the
        accountant sends it again and the failure is settled."""
        self.first.write({"is_formal_notice": True, "letter_type": "formal_notice"})
        action = self._remind()
        server = type(self.env["ir.mail_server"])
        with (
            freeze_time(day(3)),
            patch.object(
                server,
                "connect",
                side_effect=ConnectionRefusedError(111, "Connection refused"),
            ),
        ):
            action.mail_id.send(raise_exception=False)
        delivery = action.delivery_ids
        self.assertRecordValues(
            delivery, [{"state": "failed", "sender_failure": True, "handled": False}]
        )
        self.assertIn("Connection refused", delivery.failure_reason)
        self.assertTrue(action.delivery_failed)
        self.assertFalse(self._letter_proposed(action))
        self.assertIn("could not leave", " ".join(action.message_ids.mapped("body")))
        # Nothing left: the formal notice dates nothing yet.
        self.assertFalse(self.invoice.dunning_formal_notice_date)
        # A salesperson cannot send it again; the accountant can.
        with self.assertRaises(AccessError):
            delivery.with_user(self.salesperson).action_send_again()
        delivery.with_user(self.accountant).action_send_again()
        self.assertEqual(action.mail_id.state, "outgoing")
        with freeze_time(day(4)), self.mock_mail_gateway():
            action.mail_id.send(raise_exception=False)
        self.assertRecordValues(delivery, [{"state": "sent", "handled": True}])
        self.assertFalse(action.delivery_failed)
        self.assertEqual(self.invoice.dunning_formal_notice_date, day(4))

    def test_failure_written_in_the_accountants_language(self):
        """The mail queue runs in no user's language: what it makes the
        module write is in the company's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr", "mail"], ["fr_FR"], overwrite=True
        )
        self.company.partner_id.lang = "fr_FR"
        action = self._remind()
        self.customer.email = "accueil@"
        self._send_queue(action.with_context(lang="en_US"))
        self.assertIn("Adresse e-mail non valide", action.delivery_ids.failure_reason)
        letter = self._letter_proposed(action)
        self.assertEqual(
            letter.hold_reason,
            f"Proposé en remplacement de {action.name}, dont la relance n'est pas "
            "parvenue au client.",
        )
        self.assertIn("non distribué", " ".join(action.message_ids.mapped("body")))

    def test_bounce_through_the_mail_gateway(self):
        action = self._remind()
        self._send_queue(action)
        self.assertEqual(
            action.delivery_ids.state, "sent", action.delivery_ids.failure_reason
        )
        self.assertEqual(action.delivery_state, "sent")
        self.assertFalse(self._letter_proposed(action))

        self._return_to_sender(action)
        self.assertEqual(self.customer.message_bounce, 1, "Odoo saw the bounce")
        self.assertRecordValues(
            action.delivery_ids,
            [{"state": "failed", "address": "accueil@moreau.example"}],
        )
        self.assertIn("accueil@moreau.example", action.delivery_ids.failure_reason)
        # The server's own reason, read off the delivery status notification.
        self.assertIn("550 5.1.1 No such user", action.delivery_ids.failure_reason)
        self.assertIn(action, self._failed_actions())
        self.assertIn("did not arrive", " ".join(action.message_ids.mapped("body")))
        letter = self._letter_proposed(action)
        self.assertRecordValues(
            letter, [{"state": "proposed", "send_letter": True, "date": day(4)}]
        )

    def test_formal_notice_proposed_as_registered_letter(self):
        self.first.write({"is_formal_notice": True, "letter_type": "formal_notice"})
        action = self._remind()
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "dunning_formal_notice_date": day(3),
                    "dunning_litigation_stage": "formal_notice",
                }
            ],
        )
        self.customer.email = "accueil@"
        self._send_queue(action)
        letter = self._letter_proposed(action)
        self.assertRecordValues(
            letter, [{"send_registered_letter": True, "send_letter": False}]
        )
        # Nobody was put on notice: legal interest does not run from day 3.
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "dunning_formal_notice_date": False,
                    "dunning_litigation_stage": "amicable",
                }
            ],
        )
        self.assertIn(
            "did not reach the customer", " ".join(action.message_ids.mapped("body"))
        )
        # The registered letter dates the formal notice the day it leaves.
        with freeze_time(day(5)):
            letter.with_user(self.accountant).action_execute()
        with freeze_time(day(6)):
            letter.with_user(self.accountant).action_mark_printed()
        self.assertRecordValues(
            self.invoice,
            [
                {
                    "dunning_formal_notice_date": day(6),
                    "dunning_litigation_stage": "formal_notice",
                }
            ],
        )

    def test_formal_notice_bounced_no_longer_dates_the_invoice(self):
        self.first.write({"is_formal_notice": True, "letter_type": "formal_notice"})
        action = self._remind()
        self._send_queue(action)
        self._return_to_sender(action)
        self.assertFalse(self.invoice.dunning_formal_notice_date)
        self.assertTrue(self._letter_proposed(action).send_registered_letter)

    def test_level_without_letter_in_place(self):
        self.first.undelivered_letter = False
        action = self._remind()
        self.customer.email = "accueil@"
        self._send_queue(action)
        self.assertTrue(action.delivery_failed)
        self.assertFalse(self._letter_proposed(action))
        # Dealt with otherwise (a call, another address): acknowledged.
        action.with_user(self.accountant).action_acknowledge_delivery()
        self.assertFalse(action.delivery_failed)
        self.assertEqual(action.delivery_state, "failed", "the evidence stays")
        self.assertNotIn(action, self._failed_actions())

    def test_cancelled_letter_settles_the_failure(self):
        action = self._remind()
        self.customer.email = "accueil@"
        self._send_queue(action)
        self._letter_proposed(action).with_user(self.accountant).action_cancel()
        self.assertFalse(action.delivery_failed)

    def test_sms_in_error(self):
        self.first.write({"send_email": False, "send_sms": True})
        self.customer.mobile = "+33612345678"
        action = self._remind()
        self.assertRecordValues(
            action.delivery_ids,
            [{"channel": "sms", "state": "pending", "address": "+33612345678"}],
        )
        with self.mockSMSGateway(nbr_t_error={"+33612345678": "credit"}):
            # As Odoo's SMS queue runs: a scheduled action, as the superuser.
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(action.delivery_ids.state, "failed")
        self.assertIn("Insufficient Credit", action.delivery_ids.failure_reason)
        self.assertTrue(action.delivery_failed)
        self.assertTrue(self._letter_proposed(action).send_letter)

    def test_sms_sent(self):
        self.first.write({"send_email": False, "send_sms": True})
        self.customer.mobile = "+33612345678"
        action = self._remind()
        with self.mockSMSGateway():
            # As Odoo's SMS queue runs: a scheduled action, as the superuser.
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(action.delivery_ids.state, "sent")
        self.assertFalse(self._letter_proposed(action))

    def test_sms_not_delivered_reported_by_the_provider(self):
        self.first.write({"send_email": False, "send_sms": True})
        self.customer.mobile = "+33612345678"
        action = self._remind()
        with self.mockSMSGateway(sms_allow_unlink=True):
            # As Odoo's SMS queue runs: a scheduled action, as the superuser.
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(action.delivery_ids.state, "sent")
        # Later, the provider's delivery report (what Odoo's SMS webhook
        # hands to the tracker): the number does not exist.
        # The webhook reads the tracker as the superuser.
        tracker = (
            self.env["sms.tracker"]
            .sudo()
            .search(
                [
                    (
                        "mail_notification_id.mail_message_id",
                        "=",
                        action.delivery_ids.message_id.id,
                    )
                ]
            )
        )
        self.assertTrue(tracker)
        tracker._action_update_from_provider_error("invalid_destination")
        self.assertEqual(action.delivery_ids.state, "failed")
        self.assertIn("Invalid Destination", action.delivery_ids.failure_reason)
        self.assertTrue(self._letter_proposed(action))

    def test_salesperson_opens_the_history_as_the_web_client_does(self):
        """The history's list and form, read with the fields their views give
        a salesperson: no invoice tags they may not read (access error)."""
        action = self._remind()
        Action = self.Action.with_user(self.salesperson)
        views = Action.get_views([(False, "list"), (False, "form")])["views"]
        for view_type in ("list", "form"):
            arch = lxml.etree.fromstring(views[view_type]["arch"])
            names = {
                node.get("name")
                for node in arch.iter("field")
                # the view's own fields, not those of its embedded lists
                if not any(p.tag == "field" for p in node.iterancestors())
            }
            spec = {
                name: {"fields": {"display_name": {}}}
                if Action._fields[name].relational
                else {}
                for name in names
            }
            Action.browse(action.ids).web_read(spec)

    def test_salesperson_reads_the_delivery(self):
        action = self._remind()
        self.assertEqual(
            action.with_user(self.salesperson).delivery_ids.read(["state"]),
            [{"id": action.delivery_ids.id, "state": "pending"}],
        )
