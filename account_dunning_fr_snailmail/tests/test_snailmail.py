"""Letters sent by post through Odoo's snailmail: the letter handed to its
queue, then sent or in error (credit, format, missing address fields), as
the action's delivery shows. The IAP service is mocked at
``iap_tools.iap_jsonrpc``, the call snailmail makes, as Odoo's own tests
mock IAP services."""

import base64
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.account_dunning_fr.tests.common_engine import (
    DUE,
    DunningEngineCommon,
    day,
)

IAP_JSONRPC = "odoo.addons.iap.tools.iap_tools.iap_jsonrpc"


@tagged("post_install", "-at_install")
class TestSnailmail(DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_invoice(cls.customer, 1200.0, DUE)
        cls.first = cls.levels[1]  # "Relance 1", due at day 3
        cls.first.write({"send_email": False, "send_post": True})
        cls.Letter = cls.env["snailmail.letter"]

    def _remind(self):
        """The run of day 3, rendering real PDF letters."""
        actions = self.Action.with_context(force_report_rendering=True)._run_dunning(
            date=day(3), companies=self.company
        )
        self.assertEqual(len(actions), 1)
        return actions

    def _post(self, answer):
        """Snailmail's queue sent, the IAP service answering
        ``answer(document)`` for each letter; returns the requests sent."""
        requests = []

        def iap_jsonrpc(url, params=None, **kwargs):
            requests.append((url, params))
            return {
                "request_code": 200,
                "request": {
                    "documents": [
                        {"letter_id": doc["letter_id"], **answer(doc)}
                        for doc in params["documents"]
                    ]
                },
            }

        # What snailmail's scheduled action does for each letter of its
        # queue, without the commit it makes after each one.
        queue = self.Letter.search(
            [
                "|",
                ("state", "=", "pending"),
                "&",
                ("state", "=", "error"),
                ("error_code", "in", ["CREDIT_ERROR", "TRIAL_ERROR"]),
            ]
        )
        with patch(IAP_JSONRPC, side_effect=iap_jsonrpc):
            for letter in queue:
                letter._snailmail_print_valid_address()
        return requests

    def _proposed_letter(self, action):
        return self.Action.search([("replaced_action_id", "=", action.id)])

    def test_letter_posted(self):
        action = self._remind()
        self.assertRecordValues(
            action, [{"state": "done", "channel_post": True, "print_state": "none"}]
        )
        self.assertIn("Sent by Post", action.channels_display)
        letter = action.delivery_ids.snailmail_letter_id
        self.assertRecordValues(
            letter,
            [
                {
                    "model": "account.dunning.action",
                    "res_id": action.id,
                    "partner_id": self.customer.id,
                    "state": "pending",
                }
            ],
        )
        self.assertTrue(
            base64.b64decode(letter.attachment_id.datas).startswith(b"%PDF"),
            "the letter rendered in the customer's language is what is posted",
        )
        self.assertRecordValues(
            action.delivery_ids,
            [{"channel": "post", "state": "pending", "recipient_id": self.customer.id}],
        )

        requests = self._post(lambda doc: {"sent": True, "send_id": "LP-2026-1"})
        self.assertEqual(len(requests), 1, "one call to the snailmail service")
        (document,) = requests[0][1]["documents"]
        self.assertEqual(document["address"]["city"], "Meyzieu")
        self.assertTrue(document["pdf_bin"])
        self.assertEqual(letter.state, "sent")
        self.assertRecordValues(
            action, [{"delivery_state": "sent", "delivery_failed": False}]
        )
        self.assertFalse(self._proposed_letter(action))

    def test_no_credit_then_credit_bought(self):
        action = self._remind()
        self._post(lambda doc: {"sent": False, "error": "CREDIT_ERROR"})
        delivery = action.delivery_ids
        self.assertEqual(delivery.state, "failed")
        self.assertIn("Not enough snailmail credits", delivery.failure_reason)
        self.assertTrue(action.delivery_failed)
        proposed = self._proposed_letter(action)
        self.assertRecordValues(
            proposed,
            [{"state": "proposed", "send_letter": True, "channel_post": False}],
        )
        # Credits bought: snailmail's queue retries and posts it.
        self._post(lambda doc: {"sent": True, "send_id": "LP-2026-2"})
        self.assertEqual(delivery.state, "sent")
        self.assertFalse(action.delivery_failed)

    def test_format_refused(self):
        action = self._remind()
        self._post(lambda doc: {"sent": False, "error": "FORMAT_ERROR"})
        self.assertEqual(action.delivery_ids.state, "failed")
        self.assertIn("Letter format refused", action.delivery_ids.failure_reason)
        self.assertTrue(self._proposed_letter(action).send_letter)

    def test_missing_address_fields(self):
        # A French address without its country: the post room can send it,
        # snailmail cannot.
        self.customer.country_id = False
        action = self._remind()
        self.assertEqual(action.state, "done")
        letter = action.delivery_ids.snailmail_letter_id
        self.assertRecordValues(
            letter, [{"state": "error", "error_code": "MISSING_REQUIRED_FIELDS"}]
        )
        self.assertEqual(action.delivery_ids.state, "failed")
        self.assertIn("Address incomplete", action.delivery_ids.failure_reason)
        proposed = self._proposed_letter(action)
        self.assertRecordValues(proposed, [{"state": "proposed", "send_letter": True}])

    def test_level_posting_only_is_valid(self):
        self.assertEqual(
            [self.first[f] for f in ("send_email", "send_letter", "send_post")],
            [False, False, True],
            "a level that only posts its letter does something",
        )
        proposal = self.env["account.dunning.planning"]._prepare_action_vals(
            self.customer, self.invoice, day(3), level=self.first
        )
        self.assertTrue(proposal["channel_post"])
