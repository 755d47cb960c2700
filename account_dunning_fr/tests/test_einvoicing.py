"""The French e-invoicing lifecycle drives the dunning: each status the
buyer's platform reports, recorded by hand, imported from its message or
sent by the platform, and the run before and after it."""

import base64
from email.message import EmailMessage

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
    def _planned(self, invoice, on):
        """What the run would claim of ``invoice`` on ``on`` (planning)."""
        with freeze_time(on):
            debits, _credits = self.env["account.dunning.planning"]._get_items(
                on, self.customer
            )[self.customer.id]
        return sum(item.amount for item in debits if item.move_id == invoice.id)

    def _overdue(self, on):
        with freeze_time(on):
            self.customer.invalidate_recordset(["dunning_overdue_amount"])
            return self.customer.with_user(self.salesperson).dunning_overdue_amount

    def test_partially_approved_claims_the_approved_amount(self):
        invoice = self._invoice()
        self.assertEqual(
            self._claimed(self._run(day(4)), invoice), 1000.0, "before the 206"
        )
        self._receive(invoice, "206", day(6), reason_code="PU_ERR", amount=600.0)
        self.assertEqual(invoice.dunning_einvoice_approved_amount, 600.0)
        dispute = self._open_dispute(invoice)
        self.assertRecordValues(
            dispute,
            [{"reason_type": "price", "approved_part_claimed": True}],
        )
        self.assertIn("400", dispute.reason)
        self.assertEqual(dispute.amount_disputed, 400.0)
        # The approved part is claimed at once: the invoice is not blocked.
        self.assertFalse(invoice.dunning_blocked)
        self.assertEqual(self._overdue(day(7)), 600.0)
        self.assertEqual(self._claimed(self._run(day(13)), invoice), 600.0)
        # A reminder prepared now and carried out after a payment.
        with freeze_time(day(13)):
            action = self.Action.with_user(self.accountant).create(
                self.env["account.dunning.planning"]
                .with_user(self.accountant)
                ._prepare_action_vals(self.customer, invoice, day(13))
            )
        self.assertEqual(action.amount_due, 600.0)
        # A payment settles the approved part first.
        self._pay(invoice, day(14), amount=250.0)
        self.assertEqual(invoice.amount_residual, 750.0)
        self.env["account.dunning.execution"]._drop_paid_moves(action)
        self.assertEqual(action.amount_due, 350.0)
        self.assertEqual(action.line_ids.amount_residual, 350.0)
        # The statement of account asks for the approved part left too.
        statement = self.env["account.dunning.statement"]._get_values(action)
        self.assertEqual(statement["lines"][0]["open_company"], 350.0)
        self.assertEqual(statement["balance"], 350.0)
        self.assertEqual(self._overdue(day(15)), 350.0)
        self.assertEqual(self._planned(invoice, day(17)), 350.0)
        self.assertEqual(self._open_dispute(invoice), dispute)
        # No penalty runs on the part in dispute: the same as an invoice of
        # the approved amount paid the same way.
        twin_customer = self._create_customer("Menuiserie Garnier SARL")
        twin = self._create_invoice(twin_customer, 600.0, DUE)
        self._pay(twin, day(14), amount=250.0)
        self.assertEqual(
            invoice._dunning_amounts(day(17)), twin._dunning_amounts(day(17))
        )
        # The credit note for the part not approved settles the dispute: the
        # claim is what is left.
        refund = self._credit_note(self.customer, 400.0, on=day(20))
        self._match(refund, invoice)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(invoice.amount_residual, 350.0)
        self.assertEqual(self._planned(invoice, day(21)), 350.0)
        self.assertEqual(self._overdue(day(21)), 350.0)

    def test_partially_approved_dispute_rejected_claims_everything(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), amount=600.0)
        self.assertEqual(self._planned(invoice, day(5)), 600.0)
        dispute = self._open_dispute(invoice)
        dispute.with_user(self.accountant).write(
            {"resolution": "Prix contractuel confirmé : la facture est due."}
        )
        dispute.with_user(self.accountant).action_resolve()
        self.assertEqual(self._planned(invoice, day(5)), 1000.0)
        self.assertEqual(self._claimed(self._run(day(5)), invoice), 1000.0)

    def test_partial_credit_note_not_enough(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), amount=600.0)
        refund = self._credit_note(self.customer, 100.0, on=day(7))
        self._match(refund, invoice)
        self.assertEqual(self._open_dispute(invoice).state, "open")
        self.assertEqual(self._open_dispute(invoice).amount_disputed, 300.0)
        self.assertEqual(self._claimed(self._run(day(10)), invoice), 600.0)

    def test_partially_approved_without_amount_holds_the_invoice(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), reason_code="QTE_ERR")
        self.assertFalse(self._open_dispute(invoice).approved_part_claimed)
        self.assertTrue(invoice.dunning_blocked)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)

    def test_dispute_of_the_whole_invoice_joins_a_partial_approval(self):
        invoice = self._invoice()
        self._receive(invoice, "206", day(1), amount=600.0)
        self._receive(invoice, "207", day(2), reason_code="LIVR_INCOMP")
        self.assertFalse(self._open_dispute(invoice).approved_part_claimed)
        self.assertTrue(invoice.dunning_blocked)
        self.assertNotIn(invoice, self._run(day(5)).move_ids)

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

    # -------------------------------------------------------------- email
    def _set_address(self, name):
        """The administrator names the company's lifecycle address in
        Settings, the company's mail domain set."""
        if not self.company.alias_domain_id:
            self.company.alias_domain_id = self.env["mail.alias.domain"].create(
                {"name": "menuiserie-lefevre.example.fr"}
            )
        settings = self.env["res.config.settings"].create({})
        settings.dunning_einvoice_alias_name = name
        settings.execute()

    def _email(self, to, files, message_id="<cdv-42@pa.example.fr>"):
        """A platform's email carrying ``files`` (name, bytes), as raw text."""
        email = EmailMessage()
        email["From"] = "Plateforme agréée <statuts@pa.example.fr>"
        email["To"] = to
        email["Subject"] = "Statuts de cycle de vie du 3 mars"
        email["Message-Id"] = message_id
        email.set_content("Veuillez trouver ci-joint les statuts de vos factures.")
        for name, data in files:
            maintype, subtype = (
                ("application", "xml") if name.endswith(".xml") else ("image", "png")
            )
            email.add_attachment(
                data, maintype=maintype, subtype=subtype, filename=name
            )
        return email.as_string()

    def test_lifecycle_messages_by_email(self):
        self.company.dunning_followup_user_id = self.accountant
        self._set_address("cycle-de-vie")
        alias = self.company.dunning_einvoice_alias_id
        self.assertEqual(
            alias.alias_full_name, "cycle-de-vie@menuiserie-lefevre.example.fr"
        )
        invoice = self._invoice()
        dated = invoice.invoice_date.strftime("%Y%m%d")
        valid = message(
            reference(
                invoice.name,
                "207",
                invoice_date=dated,
                status=status_block("LIVR_INCOMP", "Il manque deux fenêtres"),
            ),
            reference("FAC/1999/0001", "205"),
            message_id="CDV-77",
        )
        with freeze_time(day(3)):
            self.env["mail.thread"].message_process(
                False,
                self._email(
                    alias.alias_full_name,
                    [
                        ("litige.xml", valid),
                        ("casse.xml", b"<rsm:CrossDomain pas fini"),
                        ("logo.png", b"\x89PNG\r\n\x1a\n"),
                    ],
                ),
            )
        reception = self.env["account.dunning.einvoice.reception"].search([])
        self.assertRecordValues(
            reception,
            [
                {
                    "company_id": self.company.id,
                    "name": "Statuts de cycle de vie du 3 mars",
                    "state": "to_check",
                    "matched_count": 1,
                    "unmatched_count": 1,
                    "error_count": 1,
                }
            ],
        )
        self.assertRecordValues(
            invoice.dunning_einvoice_status_ids,
            [
                {
                    "code": "207",
                    "source": "email",
                    "reason_code": "LIVR_INCOMP",
                    "message_ref": "CDV-77",
                }
            ],
        )
        self.assertEqual(reception.status_ids, invoice.dunning_einvoice_status_ids)
        self.assertIn(b"LIVR_INCOMP", reception.status_ids.attachment_id.raw)
        self.assertTrue(self._open_dispute(invoice), "the 207 applied")
        self.assertIn("no posted customer invoice has this number", reception.report)
        self.assertIn("casse.xml", reception.report)
        self.assertIn("not valid XML", reception.report)
        self.assertIn("logo.png", reception.report)
        # The report in the chatter, beside the email and its files.
        self.assertIn("not valid XML", "".join(reception.message_ids.mapped("body")))
        self.assertIn("litige.xml", reception.message_ids.attachment_ids.mapped("name"))
        # Something did not match: the accountant has it to check.
        self.assertEqual(reception.activity_ids.user_id, self.accountant)
        self.assertIn(reception, reception.with_user(self.accountant).search([]))

    def test_lifecycle_email_all_matched_needs_no_check(self):
        self._set_address("cycle-de-vie")
        invoice = self._invoice()
        dated = invoice.invoice_date.strftime("%Y%m%d")
        approval = message(reference(invoice.name, "205", invoice_date=dated))
        with freeze_time(day(3)):
            self.env["mail.thread"].message_process(
                False,
                self._email(
                    self.company.dunning_einvoice_alias_id.alias_full_name,
                    [("approbation.xml", approval)],
                ),
            )
        reception = self.env["account.dunning.einvoice.reception"].search([])
        self.assertEqual(reception.state, "done")
        self.assertFalse(reception.activity_ids)
        self.assertEqual(invoice.dunning_einvoice_approved_date, day(3))
        # The address removed in Settings, its alias goes.
        alias = self.company.dunning_einvoice_alias_id
        self._set_address(False)
        self.assertFalse(self.company.dunning_einvoice_alias_id)
        self.assertFalse(alias.exists())
