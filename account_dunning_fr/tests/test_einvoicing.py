"""The French e-invoicing lifecycle drives the dunning: each status the
buyer's platform reports, recorded by hand, imported from its message or
sent by the platform, and the run before and after it."""

import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .cdar_messages import BUYER_SIREN, SELLER_SIREN, message, reference, status_block
from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestDunningEinvoicing(DunningWorkflowCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.company_registry = SELLER_SIREN
        cls.customer.company_registry = BUYER_SIREN
        cls.Status = cls.env["account.dunning.einvoice.status"]
        cls.Dispute = cls.env["account.dunning.dispute"]

    # ----------------------------------------------------------------- helpers
    def _invoice(self, amount=1000.0):
        """A posted invoice due on DUE, reminded before its due date."""
        invoice = self._create_invoice(self.customer, amount, DUE)
        self.assertIn(invoice, self._run(day(-5)).move_ids, "reminded before")
        return invoice

    def _receive(self, invoice, code, on, user=None, **kwargs):
        with freeze_time(on):
            return (
                invoice.with_user(user or self.accountant)
                ._dunning_receive_einvoice_status(code, on, **kwargs)
                .sudo()  # read back as the test, whoever recorded it
            )

    def _open_dispute(self, invoice):
        return self.Dispute.search(
            [("state", "=", "open"), ("move_ids", "in", invoice.ids)]
        )

    def _match(self, refund, invoice):
        """The accountant matches a credit note with the invoice."""
        (refund.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).with_user(self.accountant).reconcile()

    def _claimed(self, actions, invoice):
        lines = actions.line_ids.filtered(lambda line: line.move_id == invoice)
        return sum(lines.mapped("amount_residual"))

    def _todo(self, record):
        return record.activity_ids.filtered(lambda a: a.user_id == self.accountant)

    # ----------------------------------------------------------------- 213
    def test_rejected_never_reminded(self):
        invoice = self._invoice()
        status = self._receive(
            invoice, "213", day(-2), reason_code="NON_CONFORME", reason="SIREN faux"
        )
        self.assertEqual(invoice.dunning_einvoice_status, "213")
        self.assertEqual(status.source, "manual")
        self.assertTrue(invoice.dunning_blocked)
        self.assertIn("Rejected", invoice.dunning_block_reason)
        self.assertIn("SIREN faux", self._todo(invoice).note)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        # Completing it changes nothing: a rejected invoice never reached
        # the buyer.
        self._receive(invoice, "209", day(6))
        self.assertTrue(invoice.dunning_blocked)
        self.assertNotIn(invoice, self._run(day(20)).move_ids)
        self.assertEqual(self.customer.dunning_einvoice_blocked_count, 0, "209 last")

    # ----------------------------------------------------------------- 210
    def test_refused_opens_a_dispute_a_person_settles(self):
        invoice = self._invoice()
        self._receive(
            invoice,
            "210",
            day(1),
            reason_code="QTE_ERR",
            reason="Deux palettes manquent",
            action_code="NIN",
        )
        dispute = self._open_dispute(invoice)
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.reason_type, "quantity")
        self.assertIn("Deux palettes manquent", dispute.reason)
        self.assertIn("quantity wrong", dispute.reason)
        self.assertEqual(dispute.user_id, self.accountant)
        self.assertTrue(self._todo(dispute), "a person decides")
        self.assertTrue(invoice.dunning_blocked)
        self.assertEqual(self.customer.dunning_einvoice_blocked_count, 1)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        # An approval does not undo a refusal: the dispute stays open.
        self._receive(invoice, "205", day(6))
        self.assertEqual(dispute.state, "open")
        self.assertNotIn(invoice, self._run(day(8)).move_ids)
        with freeze_time(day(9)):
            dispute.resolution = "Refus contesté : livraison complète signée"
            dispute.with_user(self.accountant).action_resolve()
        self.assertFalse(invoice.dunning_blocked)
        self.assertIn(invoice, self._run(day(10)).move_ids)

    def test_refused_reminded_when_the_company_says_so(self):
        self.company.dunning_einvoice_refused_mode = "remind"
        invoice = self._invoice()
        self._receive(invoice, "210", day(1), reason_code="PU_ERR")
        self.assertFalse(self._open_dispute(invoice))
        self.assertFalse(invoice.dunning_blocked)
        self.assertIn("unit price wrong", self._todo(invoice).note)
        self.assertIn(invoice, self._run(day(5)).move_ids)

    # ----------------------------------------------------------------- 207
    def test_disputed_resumed_on_approval(self):
        invoice = self._invoice()
        self._receive(invoice, "207", day(1), reason_code="LIVR_INCOMP")
        dispute = self._open_dispute(invoice)
        self.assertEqual(dispute.reason_type, "delivery")
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        approval = self._receive(invoice, "205", day(8))
        self.assertEqual(dispute.state, "resolved")
        self.assertIn("Approved", dispute.resolution)
        self.assertFalse(invoice.dunning_blocked)
        self.assertEqual(invoice.dunning_einvoice_approved_date, approval.date)
        self.assertIn(invoice, self._run(day(10)).move_ids)

    def test_disputed_resumed_on_completion(self):
        invoice = self._invoice()
        self._receive(invoice, "207", day(1), reason="Prix unitaire contesté")
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        self._receive(invoice, "209", day(8))
        self.assertEqual(self._open_dispute(invoice), self.Dispute)
        self.assertIn(invoice, self._run(day(10)).move_ids)

    def test_disputed_settled_by_a_credit_note(self):
        invoice = self._invoice()
        self._receive(invoice, "207", day(1), reason_code="QTE_ERR")
        dispute = self._open_dispute(invoice)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        refund = self._credit_note(self.customer, 200.0, on=day(7))
        self._match(refund, invoice)
        self.assertEqual(dispute.state, "resolved")
        self.assertIn("credit note", dispute.resolution)
        actions = self._run(day(10))
        self.assertIn(invoice, actions.move_ids)
        self.assertEqual(self._claimed(actions, invoice), 800.0)

    def test_dispute_already_open_is_reused(self):
        invoice = self._invoice()
        dispute = self.Dispute.with_user(self.accountant).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "reason": "Contestation au téléphone",
            }
        )
        status = self._receive(invoice, "207", day(1), reason_code="QTE_ERR")
        self.assertEqual(status.dispute_id, dispute)
        self.assertEqual(self._open_dispute(invoice), dispute, "no second dispute")

    # ----------------------------------------------------------------- 208
    def test_suspended_held_until_completed(self):
        invoice = self._invoice()
        self._receive(invoice, "208", day(1), reason_code="CMD_ERR")
        self.assertTrue(invoice.dunning_blocked)
        self.assertIn("purchase order", self._todo(invoice).note)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        self._receive(invoice, "209", day(8))
        self.assertFalse(invoice.dunning_blocked)
        self.assertFalse(invoice.dunning_einvoice_hold_reason)
        self.assertIn(invoice, self._run(day(10)).move_ids)

    def test_suspension_kept_when_a_dispute_ends(self):
        invoice = self._invoice()
        self._receive(invoice, "207", day(1), reason_code="QTE_ERR")
        self._receive(invoice, "208", day(2), reason_code="COORD_BANC_ERR")
        dispute = self._open_dispute(invoice)
        dispute.resolution = "Quantités confirmées"
        dispute.with_user(self.accountant).action_resolve()
        self.assertTrue(invoice.dunning_blocked, "still suspended")
        self.assertIn("Suspended", invoice.dunning_block_reason)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)

    # ----------------------------------------------------------------- 206
    def test_partially_approved_claims_the_approved_amount(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), reason_code="PU_ERR", amount=600.0)
        self.assertEqual(invoice.dunning_einvoice_approved_amount, 600.0)
        dispute = self._open_dispute(invoice)
        self.assertEqual(dispute.reason_type, "price")
        self.assertIn("400", dispute.reason)
        # The part not approved holds the invoice until it is settled.
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        refund = self._credit_note(self.customer, 400.0, on=day(7))
        self._match(refund, invoice)
        self.assertEqual(dispute.state, "resolved")
        actions = self._run(day(10))
        self.assertIn(invoice, actions.move_ids)
        self.assertEqual(self._claimed(actions, invoice), 600.0)

    def test_partial_credit_note_not_enough(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), amount=600.0)
        refund = self._credit_note(self.customer, 100.0, on=day(7))
        self._match(refund, invoice)
        self.assertEqual(self._open_dispute(invoice).state, "open")
        self.assertNotIn(invoice, self._run(day(10)).move_ids)

    # ----------------------------------------------------------------- 211
    def test_payment_sent_held_then_reminded(self):
        invoice = self._invoice()
        self._receive(invoice, "211", day(2))
        self.assertTrue(invoice.dunning_promise_date)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        self.assertNotIn(invoice, self._run(day(12)).move_ids, "ten days held")
        self.assertIn(invoice, self._run(day(13)).move_ids, "nothing arrived")
        self.assertFalse(invoice.dunning_promise_date)

    def test_payment_sent_days_setting(self):
        self.company.dunning_einvoice_payment_sent_days = 20
        invoice = self._invoice()
        self._receive(invoice, "211", day(2))
        self.assertNotIn(invoice, self._run(day(20)).move_ids)
        self.assertIn(invoice, self._run(day(23)).move_ids)

    # ------------------------------------------------------------ 203 to 205
    def test_receipt_and_approval_dates_for_the_formal_notice(self):
        invoice = self._invoice()
        self._receive(invoice, "200", day(-29))
        self._receive(invoice, "203", day(-28))
        self._receive(invoice, "204", day(-27))
        self._receive(invoice, "205", day(-20))
        self.assertEqual(invoice.dunning_einvoice_available_date, day(-28))
        self.assertEqual(invoice.dunning_einvoice_approved_date, day(-20))
        self.assertEqual(invoice.dunning_einvoice_status, "205")
        self.assertFalse(invoice.dunning_blocked)
        self.assertIn(invoice, self._run(day(5)).move_ids, "nothing held")
        with freeze_time(day(40)):
            notice = self._send_formal_notice()
        values = self.env["account.dunning.letter"]._get_values(notice)
        self.assertEqual(
            values["einvoice_evidence"],
            [{"move": invoice, "available": day(-28), "approved": day(-20)}],
        )
        Report = self.env["ir.actions.report"]
        letter = Report._render_qweb_html(
            "account_dunning_fr.report_dunning_letter_formal_notice", notice.ids
        )[0].decode()
        self.assertIn("was made available to you by your e-invoicing platform", letter)
        self.assertIn("and approved by you on", letter)
        file = self.env["account.dunning.litigation"]._get_injunction_values(
            self.customer
        )
        self.assertEqual(
            file["einvoice_statuses"].mapped("code"), ["200", "203", "204", "205"]
        )
        html = Report._render_qweb_html(
            "account_dunning_fr.report_dunning_injunction_file", self.customer.ids
        )[0].decode()
        self.assertIn("E-invoicing lifecycle", html)
        self.assertIn("Made available", html)

    # ---------------------------------------------------------- frameworks
    def test_already_paid_framework_never_reminded(self):
        invoice = self._invoice()
        invoice.with_user(self.accountant).dunning_einvoice_framework = "S2"
        self.assertTrue(invoice.dunning_blocked)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        invoice.with_user(self.accountant).dunning_einvoice_framework = "S1"
        self.assertFalse(invoice.dunning_blocked)
        self.assertIn(invoice, self._run(day(6)).move_ids)
        with self.assertRaises(AccessError):
            invoice.with_user(self.salesperson).dunning_einvoice_framework = "S2"

    # ------------------------------------------------------------- errors
    def test_unknown_code_and_other_documents_refused(self):
        invoice = self._create_invoice(self.customer, 100.0, DUE)
        with self.assertRaisesRegex(UserError, "Unknown e-invoicing status 214"):
            invoice._dunning_receive_einvoice_status("214", DUE)
        refund = self._credit_note(self.customer, 50.0)
        with self.assertRaisesRegex(UserError, "posted customer invoices only"):
            refund._dunning_receive_einvoice_status("210", DUE)
        self.assertFalse(self.Status.search([]))

    def test_error_in_french(self):
        self._use_french(self.accountant.partner_id)
        invoice = self._create_invoice(self.customer, 100.0, DUE)
        with self.assertRaisesRegex(UserError, "Statut de facture électronique"):
            invoice.with_user(self.accountant).with_context(
                lang="fr_FR"
            )._dunning_receive_einvoice_status("999", DUE)

    # ------------------------------------------------------------- access
    def test_salesperson_cannot_record_a_status(self):
        invoice = self._create_invoice(self.customer, 100.0, DUE)
        with self.assertRaises(AccessError):
            self._receive(invoice, "210", day(1), user=self.salesperson)
        self._receive(invoice, "203", day(1))
        # The salesperson sees the statuses and the count on the customer.
        statuses = self.Status.with_user(self.salesperson).search(
            [("move_id", "=", invoice.id)]
        )
        self.assertEqual(statuses.code, "203")
        with self.assertRaises(AccessError):
            statuses.write({"code": "205"})
        self.assertEqual(
            self.customer.with_user(self.salesperson).dunning_einvoice_blocked_count, 0
        )

    # ------------------------------------------------------------- manual
    def test_manual_entry(self):
        invoice = self._invoice()
        with freeze_time(day(1)):
            action = invoice.with_user(self.accountant).action_dunning_einvoice_entry()
            form = Form(
                self.env[action["res_model"]]
                .with_user(self.accountant)
                .with_context(**action["context"])
            )
            form.code = "206"
            form.reason_code = "QTE_ERR"
            form.amount = 750.0
            form.save().action_confirm()
        status = invoice.dunning_einvoice_status_ids
        self.assertRecordValues(
            status,
            [
                {
                    "code": "206",
                    "date": day(1),
                    "amount": 750.0,
                    "source": "manual",
                    "reason_code": "QTE_ERR",
                }
            ],
        )
        self.assertTrue(self._open_dispute(invoice))

    # ------------------------------------------------------------- import
    def _import(self, files, user=None):
        Wizard = self.env["account.dunning.einvoice.import"].with_user(
            user or self.accountant
        )
        attachments = (
            self.env["ir.attachment"]
            .with_user(user or self.accountant)
            .create(
                [
                    {"name": name, "datas": base64.b64encode(data)}
                    for name, data in files
                ]
            )
        )
        wizard = Wizard.create({"attachment_ids": [Command.set(attachments.ids)]})
        with freeze_time(day(3)):
            wizard.action_import()
        return wizard

    def test_import_valid_and_malformed_messages(self):
        invoice = self._invoice()
        other = self._create_invoice(self.customer, 300.0, DUE)
        dated = invoice.invoice_date.strftime("%Y%m%d")
        refusal = message(
            reference(
                invoice.name,
                "210",
                invoice_date=dated,
                status=status_block("QTE_ERR", "Deux palettes manquent", "NIN"),
            ),
            reference(other.name, "203", invoice_date=dated),
            issued="20260303101500",
            message_id="CDV-42",
        )
        unknown = message(reference("FAC/1999/0001", "207"), message_id="CDV-43")
        wrong_date = message(
            reference(other.name, "205", invoice_date="20250101"), message_id="CDV-44"
        )
        not_ours = message(
            reference(other.name, "205", invoice_date=dated, seller_siren="123456789"),
            message_id="CDV-45",
        )
        broken = message(reference(other.name, "299"), message_id="CDV-46")
        wizard = self._import(
            [
                ("refus.xml", refusal),
                ("inconnu.xml", unknown),
                ("date.xml", wrong_date),
                ("autre.xml", not_ours),
                ("casse.xml", broken),
                ("vide.xml", b"pas du XML"),
            ]
        )
        self.assertEqual(
            (wizard.matched_count, wizard.unmatched_count, wizard.error_count),
            (2, 3, 2),
        )
        self.assertIn("no posted customer invoice has this number", wizard.report)
        self.assertIn("123456789", wizard.report)
        self.assertIn("Unknown status code 299", wizard.report)
        self.assertIn("not valid XML", wizard.report)
        refused = invoice.dunning_einvoice_status_ids
        self.assertRecordValues(
            refused,
            [
                {
                    "code": "210",
                    "date": day(1),
                    "source": "import",
                    "reason_code": "QTE_ERR",
                    "action_code": "NIN",
                    "message_ref": "CDV-42",
                }
            ],
        )
        self.assertEqual(refused.attachment_id.res_id, invoice.id)
        self.assertIn(b"QTE_ERR", refused.attachment_id.raw)
        self.assertEqual(other.dunning_einvoice_available_date, day(1))
        self.assertTrue(self._open_dispute(invoice))
        self.assertNotIn(invoice, self._run(day(5)).move_ids)
        # The same message again records nothing twice.
        again = self._import([("refus.xml", refusal)])
        self.assertEqual((again.matched_count, again.unmatched_count), (0, 2))
        self.assertIn("already recorded", again.report)
        self.assertEqual(len(invoice.dunning_einvoice_status_ids), 1)

    def test_salesperson_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["account.dunning.einvoice.import"].with_user(
                self.salesperson
            ).create({})
