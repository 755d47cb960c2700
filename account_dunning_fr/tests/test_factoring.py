"""Invoices sold to a factor (affacturage with notification): an invoice to
be paid into a factor's account is the factor's to claim. The run never
reminds it, the customer's figures, statements, late-payment claims and the
portal leave it out, and a letter that still lists it prints the factor's
account for it, never ours."""

import re
import shutil
import subprocess
import unittest

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_engine import DUE, DunningEngineCommon, day
from .common_letters import DunningLettersCommon

OUR_IBAN = "FR76 3000 4000 0312 3456 7890 143"
FACTOR_IBAN = "FR22 1286 9000 0100 1234 5678 902"
FACTOR_BIC = "AFFAFRPP"
SPACES = re.compile(r"[\s\u00a0\u202f]+")


class FactoringSetup:
    """The company's own account, shown in letters, and a second account of
    the company, the collection account of its factor, not marked yet."""

    @classmethod
    def _set_up_accounts(cls):
        Bank = cls.env["res.partner.bank"]
        if not cls.company.dunning_bank_account_id:
            ours = cls.env["res.bank"].create(
                {"name": "Banque Rhône", "bic": "BRHOFRPP"}
            )
            cls.company.dunning_bank_account_id = Bank.create(
                {
                    "acc_number": OUR_IBAN,
                    "partner_id": cls.company.partner_id.id,
                    "bank_id": ours.id,
                }
            )
        cls.our_account = cls.company.dunning_bank_account_id
        cls.factor = cls.env["res.partner"].create(
            {
                "name": "Affacturage Lyonnais SA",
                "is_company": True,
                "street": "12 quai Saint-Antoine",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        factor_bank = cls.env["res.bank"].create(
            {"name": "Banque de l'Affacturage", "bic": FACTOR_BIC}
        )
        cls.factor_account = Bank.create(
            {
                "acc_number": FACTOR_IBAN,
                "partner_id": cls.company.partner_id.id,
                "bank_id": factor_bank.id,
            }
        )

    def _mark_factor_account(self):
        """The accountant marks the collection account with its factor."""
        self.factor_account.with_user(self.accountant).dunning_factor_id = self.factor

    def _invoice_paid_into(self, account, amount, due=DUE):
        """A posted invoice of the customer to be paid into ``account``."""
        invoice = self._create_invoice(self.customer, amount, due, post=False)
        invoice.partner_bank_id = account
        invoice.action_post()
        self.assertEqual(invoice.partner_bank_id, account)
        return invoice

    def _letter_html(self, letter_type, action):
        html = self.env["ir.actions.report"]._render_qweb_html(
            f"account_dunning_fr.report_dunning_letter_{letter_type}", action.ids
        )[0]
        return lxml.html.fromstring(html)

    def _payment_rows(self, root, name):
        return [
            SPACES.sub(" ", row.text_content())
            for row in root.xpath(f"//tr[@name='{name}']")
        ]


@tagged("post_install", "-at_install")
class TestFactoring(FactoringSetup, DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_accounts()

    def test_only_company_accounts_are_marked(self):
        """A customer's account cannot be a factor's, and the form offers the
        field on the company's own accounts only."""
        self.assertTrue(self.factor_account.dunning_is_company_account)
        theirs = self.env["res.partner.bank"].create(
            {
                "acc_number": "FR0630027175330002052880176",
                "partner_id": self.customer.id,
            }
        )
        self.assertFalse(theirs.dunning_is_company_account)
        with self.assertRaisesRegex(ValidationError, "Only a bank account of your"):
            theirs.dunning_factor_id = self.factor
        # Taking invoices out of the reminders is the accountant's decision.
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.factor_account.with_user(self.salesperson).write(
                {"dunning_factor_id": self.factor.id}
            )
        self.assertFalse(self.factor_account.dunning_factor_id)

    def test_factored_invoice_not_reminded_the_other_is(self):
        """The 7 200 € invoice paid into the factor's account is never
        reminded nor counted; the one paid to us is."""
        self._mark_factor_account()
        factored = self._invoice_paid_into(self.factor_account, 7200.0)
        ours = self._invoice_paid_into(self.our_account, 1200.0)
        self.assertEqual(factored.dunning_factor_id, self.factor)
        self.assertFalse(ours.dunning_factor_id)
        with freeze_time(day(3)):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_overdue_amount, 1200.0)
            self.assertEqual(self.customer.dunning_overdue_count, 1)
            (factored | ours).invalidate_recordset()
            self.assertFalse(factored.dunning_next_level_id)
            self.assertEqual(ours.dunning_next_level_id, self.levels[1])
        action = self._run(day(3))
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.line_ids.move_id, ours)
        self.assertEqual(action.amount_due, 1200.0)
        self.assertEqual(factored.dunning_level_id, self.env["account.dunning.level"])
        self.assertEqual(ours.dunning_level_id, self.levels[1])
        # The statement and the portal's invoices to pay are ours only.
        statement = self.env["account.dunning.statement"]._get_values(action)
        self.assertEqual([line["move"] for line in statement["lines"]], [ours])
        self.assertEqual(
            self.env["account.dunning.portal"]._get_open_invoices(action), ours
        )
        # Once our invoice is paid, nothing is left to remind.
        self._pay(ours, day(4))
        self.assertFalse(self._run(day(20)).filtered(lambda a: a.move_ids & factored))

    def test_no_late_payment_claim_on_a_factored_invoice(self):
        """Penalties and the 40 € indemnity of an invoice sold to the factor
        are the factor's: only ours gets a claim."""
        self._mark_factor_account()
        factored = self._invoice_paid_into(self.factor_account, 7200.0)
        ours = self._invoice_paid_into(self.our_account, 7200.0)
        self._pay(factored, day(60))
        self._pay(ours, day(60))
        claims = (
            self.env["account.dunning.claim.proposal"]
            .with_user(self.accountant)
            ._propose(day(70))
        )
        self.assertEqual(claims.move_id, ours)

    def test_reminder_prepared_before_marking(self):
        """A reminder prepared while the account was not marked yet prints
        the factor's account for that invoice only, then leaves the invoice
        out when it is sent."""
        self.levels[1].auto_execute = False
        factored = self._invoice_paid_into(self.factor_account, 7200.0)
        ours = self._invoice_paid_into(self.our_account, 1200.0)
        proposal = self._run(day(3))
        self.assertEqual(proposal.line_ids.move_id, factored | ours)
        self._mark_factor_account()

        root = self._letter_html("first", proposal)
        [factor_row] = self._payment_rows(root, "payment_factor")
        for fragment in (factored.name, self.factor.name, FACTOR_IBAN, FACTOR_BIC):
            self.assertIn(fragment, factor_row)
        self.assertNotIn(ours.name, factor_row)
        self.assertNotIn(OUR_IBAN, factor_row)
        [our_row] = self._payment_rows(root, "payment_transfer")
        self.assertIn(OUR_IBAN, our_row)
        self.assertNotIn(FACTOR_IBAN, our_row)
        self.assertTrue(self._payment_rows(root, "payment_cheque"))

        with freeze_time(day(4)):
            proposal.with_user(self.accountant).action_execute()
        self.assertEqual(proposal.state, "done")
        self.assertEqual(proposal.line_ids.move_id, ours)
        self.assertEqual(proposal.amount_due, 1200.0)
        self.assertEqual(proposal.move_ids, ours)
        self.assertIn(
            f"To be paid to a factor, left out of this reminder: {factored.name}",
            " ".join(proposal.message_ids.mapped("body")),
        )
        self.assertFalse(factored.dunning_level_id)

    def test_reminder_of_factored_invoices_only_is_cancelled(self):
        """Nothing of ours is left: the reminder is not sent."""
        self.levels[1].auto_execute = False
        self._invoice_paid_into(self.factor_account, 7200.0)
        proposal = self._run(day(3))
        self._mark_factor_account()
        with freeze_time(day(4)):
            proposal.with_user(self.accountant).action_execute()
        self.assertEqual(proposal.state, "cancelled")
        self.assertFalse(proposal.line_ids)
        self.assertFalse(proposal.mail_id)

    def test_letter_of_a_factored_invoice_never_prints_ours(self):
        """A letter listing only factored invoices prints the factor's account
        and neither our account nor our cheque address."""
        factored = self._invoice_paid_into(self.factor_account, 7200.0)
        proposal = self.env["account.dunning.planning"]._prepare_action_vals(
            self.customer, factored, day(3), level=self.levels[1]
        )
        action = self.Action.create(proposal)
        self._mark_factor_account()
        root = self._letter_html("first", action)
        [factor_row] = self._payment_rows(root, "payment_factor")
        self.assertIn(FACTOR_IBAN, factor_row)
        self.assertIn(factored.name, factor_row)
        self.assertFalse(self._payment_rows(root, "payment_transfer"))
        self.assertFalse(self._payment_rows(root, "payment_cheque"))
        self.assertNotIn(OUR_IBAN, SPACES.sub(" ", root.text_content()))

    def test_factor_account_never_offered_as_ours(self):
        """The company's first account being the factor's, a letter of our
        own invoice prints our other account."""
        self._mark_factor_account()
        self.company.dunning_bank_account_id = False
        self.factor_account.sequence = 1
        self.our_account.sequence = 50
        self.assertEqual(self.company.partner_id.bank_ids[:1], self.factor_account)
        ours = self._invoice_paid_into(self.our_account, 1200.0)
        action = self._run(day(3))
        self.assertEqual(action.line_ids.move_id, ours)
        root = self._letter_html("first", action)
        self.assertFalse(self._payment_rows(root, "payment_factor"))
        [our_row] = self._payment_rows(root, "payment_transfer")
        self.assertIn(OUR_IBAN, our_row)
        self.assertNotIn(FACTOR_IBAN, SPACES.sub(" ", root.text_content()))


@unittest.skipUnless(
    shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
    "needs poppler-utils and wkhtmltopdf",
)
@tagged("post_install", "-at_install")
class TestFactoringLetterPdf(FactoringSetup, DunningLettersCommon, HttpCase):
    """The printed letter, as the customer reads it: the server serves the
    report's stylesheets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_accounts()
        for bundle in ("web.report_assets_common", "web.report_assets_pdf"):
            cls.env["ir.qweb"]._get_asset_bundle(bundle, js=False).css()

    def test_pdf_prints_factor_account_for_factored_invoice(self):
        """A second reminder listing a factored invoice and one of ours,
        prepared before the account was marked: the PDF names the factor
        with its IBAN for the first, our IBAN for the second."""
        factored = self._invoice_paid_into(self.factor_account, 7200.0)
        ours = self._invoice_paid_into(self.our_account, 1200.0)
        action = self._action(self.customer, "second", factored | ours)
        self.assertEqual(action.line_ids.move_id, factored | ours)
        self._mark_factor_account()
        content = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "account_dunning_fr.report_dunning_letter_second", action.ids
            )[0]
        )
        self.assertTrue(content.startswith(b"%PDF"))
        text = SPACES.sub(
            " ",
            subprocess.run(
                ["pdftotext", "-layout", "-", "-"],
                input=content,
                capture_output=True,
                check=True,
            ).stdout.decode(),
        )
        to_factor = text.index("To the factor")
        by_transfer = text.index("By bank transfer")
        self.assertLess(to_factor, by_transfer)
        factor_part = text[to_factor:by_transfer]
        for fragment in (factored.name, self.factor.name, FACTOR_IBAN, FACTOR_BIC):
            self.assertIn(fragment, factor_part)
        self.assertNotIn(OUR_IBAN, factor_part)
        self.assertNotIn(ours.name, factor_part)
        self.assertIn(OUR_IBAN, text[by_transfer:])
        self.assertEqual(text.count(FACTOR_IBAN), 1)
