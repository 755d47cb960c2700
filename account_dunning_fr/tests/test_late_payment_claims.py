"""Late payment claims: penalties still owed once a late invoice is paid.

Every invoice below is of 2 000 € (no VAT: the base of the penalties is the
amount incl. VAT anyway), due on 15 January 2025, and the claims are looked
for on 1 April 2025. Rates of 2025-S1 (data/account_dunning_rate_data.xml):
ECB 3.15 %, so late penalties at 13.15 % (L441-10) and a public buyer's
moratorium interest at 11.15 % (R2192-31).
"""

from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DunningCommon

DUE = date(2025, 1, 15)
LATE_PAYMENT = date(2025, 3, 16)  # 60 days after the due date
TODAY = date(2025, 4, 1)
# What a proposal is checked on.
CLAIM_FIELDS = (
    "partner_id",
    "debtor_type",
    "date",
    "days_late",
    "penalty_amount",
    "indemnity_amount",
    "amount_total",
    "state",
)


@tagged("post_install", "-at_install")
class TestLatePaymentClaims(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Claim = cls.env["account.dunning.claim"]
        cls.Proposal = cls.env["account.dunning.claim.proposal"]
        cls.professional = cls._create_customer("Transports Moreau SAS")
        cls.consumer = cls._create_customer(
            "Claire Fontaine",
            is_company=False,
            street="4 allée des Tilleuls",
            zip="44000",
            city="Nantes",
        )
        cls.public_buyer = cls._create_customer(
            "Commune de Villefranche-sur-Saône",
            dunning_debtor_type="public",
            street="Place de l'Hôtel de Ville",
            zip="69400",
            city="Villefranche-sur-Saône",
        )
        Account = cls.env["account.account"]
        cls.penalty_account = Account.search(
            [*Account._check_company_domain(cls.company), ("code", "=", "763100")]
        )
        cls.sale_journal = cls.company_data["default_journal_sale"]

    @classmethod
    def _late_paid_invoice(cls, customer, payments=((LATE_PAYMENT, None),), **kw):
        """A 2 000 € invoice due on DUE, paid as ``payments`` says
        (``(date, amount)``, amount None for the rest)."""
        invoice = cls._create_invoice(customer, 2000.0, DUE, **kw)
        for day, amount in payments:
            cls._pay(invoice, day, amount)
        return invoice

    def _propose(self, on=TODAY, user=None):
        return self.Proposal.with_user(user or self.accountant)._propose(on)

    def _messages_with(self, record, text):
        return record.message_ids.filtered(lambda m: text in m.body)

    def assertClaimsOf(self, claims, invoice, expected, msg):
        """``claims`` hold ``expected`` for ``invoice``: a list with the
        values of CLAIM_FIELDS of its claim, empty for no claim."""
        with self.subTest(msg):
            self.assertRecordValues(
                claims.filtered(lambda c: c.move_id == invoice),
                expected,
                field_names=CLAIM_FIELDS,
            )

    # ------------------------------------------------------------------
    # Proposal
    # ------------------------------------------------------------------

    def test_proposals(self):
        cases = [
            (
                "Paid in full 60 days late by a professional: "
                "2000 × 13.15 % × 60 / 365 = 43.23, plus 40",
                self.professional,
                [(LATE_PAYMENT, None)],
                [
                    {
                        "partner_id": self.professional.id,
                        "debtor_type": "professional",
                        "date": TODAY,
                        "days_late": 60,
                        "penalty_amount": 43.23,
                        "indemnity_amount": 40.0,
                        "amount_total": 83.23,
                        "state": "proposed",
                    }
                ],
            ),
            (
                "Paid on its due date: nothing is owed",
                self.professional,
                [(DUE, None)],
                [],
            ),
            (
                "A consumer owes neither penalties nor the indemnity",
                self.consumer,
                [(LATE_PAYMENT, None)],
                [],
            ),
            (
                "A public buyer owes moratorium interest "
                "2000 × 11.15 % × 60 / 365 = 36.66, plus 40",
                self.public_buyer,
                [(LATE_PAYMENT, None)],
                [
                    {
                        "partner_id": self.public_buyer.id,
                        "debtor_type": "public",
                        "date": TODAY,
                        "days_late": 60,
                        "penalty_amount": 36.66,
                        "indemnity_amount": 40.0,
                        "amount_total": 76.66,
                        "state": "proposed",
                    }
                ],
            ),
            (
                "Half paid before the due date, half 60 days late: "
                "1000 × 13.15 % × 60 / 365 = 21.62, plus 40",
                self.professional,
                [(date(2025, 1, 10), 1000.0), (LATE_PAYMENT, None)],
                [
                    {
                        "partner_id": self.professional.id,
                        "debtor_type": "professional",
                        "date": TODAY,
                        "days_late": 60,
                        "penalty_amount": 21.62,
                        "indemnity_amount": 40.0,
                        "amount_total": 61.62,
                        "state": "proposed",
                    }
                ],
            ),
            (
                "Half paid 20 days late and not the rest: the invoice is not "
                "settled, the reminders go on",
                self.professional,
                [(date(2025, 2, 4), 1000.0)],
                [],
            ),
        ]
        invoices = [
            self._late_paid_invoice(customer, payments)
            for _label, customer, payments, _expected in cases
        ]
        claims = self._propose()
        for (label, _customer, _payments, expected), invoice in zip(
            cases, invoices, strict=True
        ):
            self.assertClaimsOf(claims, invoice, expected, label)

    def test_invoices_paid_on_time_not_even_computed(self):
        late = self._late_paid_invoice(self.professional)
        on_time = self._late_paid_invoice(self.professional, [(DUE, None)])
        unpaid = self._create_invoice(self.professional, 2000.0, DUE)
        self.assertEqual(
            self.Proposal._get_late_paid_move_ids(TODAY),
            late.ids,
            f"only the invoice paid late is a candidate, not {on_time} nor {unpaid}",
        )

    def test_customers_and_invoices_left_out(self):
        excluded = self._create_customer("Garage Petit SARL", dunning_excluded=True)
        insolvent = self._create_customer(
            "Imprimerie Roux SAS", dunning_insolvency_date=date(2025, 2, 1)
        )
        cases = [
            ("A customer excluded from dunning", self._late_paid_invoice(excluded)),
            (
                "A customer under a collective insolvency procedure",
                self._late_paid_invoice(insolvent),
            ),
            (
                "An invoice time-barred 5 years after its due date",
                self._create_invoice(self.professional, 2000.0, date(2019, 6, 3)),
            ),
        ]
        self._pay(cases[-1][1], date(2019, 8, 2))
        claims = self._propose()
        for label, invoice in cases:
            self.assertClaimsOf(claims, invoice, [], label)

    def test_threshold(self):
        invoice = self._late_paid_invoice(self.professional)
        self.company.dunning_claim_threshold = 83.24
        self.assertFalse(self._propose(), "83.23 € is under a threshold of 83.24 €")
        self.company.dunning_claim_threshold = 83.23
        self.assertRecordValues(
            self._propose(),
            [{"move_id": invoice.id, "amount_total": 83.23}],
        )

    def test_cents_are_not_claimed(self):
        # Without the indemnity, one day late on 2 000 € is 0.72 €.
        self.company.dunning_indemnity_enabled = False
        self._late_paid_invoice(self.professional, [(date(2025, 1, 16), None)])
        self.assertEqual(self.company.dunning_claim_threshold, 15.0)
        self.assertFalse(self._propose(), "0.72 € is under the default 15 €")

    def test_proposed_once(self):
        invoice = self._late_paid_invoice(self.professional)
        self.assertEqual(len(self._propose()), 1)
        self.assertFalse(self._propose(), "the next run finds nothing new")
        self.assertFalse(self._propose(date(2025, 6, 1)), "nor later runs")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.Claim.create(
                {
                    "partner_id": self.professional.id,
                    "move_id": invoice.id,
                    "date": TODAY,
                }
            )

    @freeze_time(TODAY)
    def test_look_for_late_payments_button(self):
        invoice = self._late_paid_invoice(self.professional)
        action = self.Claim.with_user(self.accountant).action_propose_today()
        self.assertEqual(action["params"]["type"], "success")
        self.assertRecordValues(
            self.Claim.search([]), [{"move_id": invoice.id, "date": TODAY}]
        )

    # ------------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_claim_by_invoice(self):
        # Even on an account with a default sales tax, no VAT is charged.
        self.penalty_account.tax_ids = self.tax_sale_a
        self.company.dunning_claim_account_id = self.penalty_account
        invoice = self._late_paid_invoice(self.professional)
        claim = self._propose()
        claim.with_user(self.accountant).action_claim()
        penalties = claim.claim_move_id
        self.assertRecordValues(claim, [{"state": "claimed"}])
        self.assertRecordValues(
            penalties,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "partner_id": self.professional.id,
                    "journal_id": self.sale_journal.id,
                    "invoice_date": TODAY,
                    "invoice_date_due": TODAY,
                    "invoice_origin": invoice.name,
                    "amount_untaxed": 83.23,
                    "amount_tax": 0.0,
                    "amount_total": 83.23,
                }
            ],
        )
        self.assertRecordValues(
            penalties.invoice_line_ids,
            [
                {
                    "name": "Late payment penalties (C. com. L441-10), "
                    f"invoice {invoice.name}, 60 days",
                    "price_unit": 43.23,
                    "account_id": self.penalty_account.id,
                    "tax_ids": [],
                },
                {
                    "name": "Fixed recovery indemnity (C. com. D441-5), "
                    f"invoice {invoice.name}",
                    "price_unit": 40.0,
                    "account_id": self.penalty_account.id,
                    "tax_ids": [],
                },
            ],
        )
        self.assertFalse(
            penalties.line_ids.filtered(lambda line: line.display_type == "tax"),
            "penalties and the indemnity are outside the scope of VAT",
        )
        for record in (claim, self.professional, invoice):
            with self.subTest(record=record._name):
                self.assertTrue(
                    self._messages_with(record, penalties.name),
                    "the claim is told on the claim, the customer and the invoice",
                )
        with self.assertRaises(UserError):
            claim.with_user(self.accountant).action_claim()
        self._pay(penalties, date(2025, 5, 15))
        self.assertFalse(
            self._propose(date(2025, 6, 1)),
            "penalties paid late bear no penalties (no compounding)",
        )

    @freeze_time(TODAY)
    def test_claim_falls_back_on_the_journal_account(self):
        self._late_paid_invoice(self.professional)
        claim = self._propose()
        claim.with_user(self.accountant).action_claim()
        self.assertRecordValues(
            claim.claim_move_id,
            [{"amount_untaxed": 83.23, "amount_tax": 0.0, "amount_total": 83.23}],
        )
        self.assertEqual(
            claim.claim_move_id.invoice_line_ids.account_id,
            self.sale_journal.default_account_id,
        )

    @freeze_time(TODAY)
    def test_public_buyer_claimed_never_waived(self):
        invoice = self._late_paid_invoice(self.public_buyer)
        claim = self._propose()
        with self.assertRaises(UserError):
            claim.with_user(self.accountant).action_waive()
        with self.assertRaises(UserError):
            claim.with_user(self.accountant)._waive("Good relations with the town")
        with self.assertRaises(ValidationError):
            claim.write({"state": "waived", "waive_reason": "Bypassing the button"})
        claim.with_user(self.accountant).action_claim()
        self.assertEqual(
            claim.claim_move_id.invoice_line_ids.mapped("name"),
            [
                "Moratorium interest (CCP L2192-13, R2192-31), "
                f"invoice {invoice.name}, 60 days",
                f"Fixed recovery indemnity (CCP D2192-35), invoice {invoice.name}",
            ],
        )
        self.assertEqual(claim.claim_move_id.amount_total, 76.66)

    @freeze_time(TODAY)
    def test_claim_by_letter(self):
        self.company.dunning_claim_mode = "letter"
        invoice = self._late_paid_invoice(self.professional)
        claim = self._propose()
        claim.with_user(self.accountant).action_claim()
        self.assertRecordValues(claim, [{"state": "claimed", "claim_move_id": False}])
        for record in (claim, self.professional, invoice):
            with self.subTest(record=record._name):
                self.assertTrue(self._messages_with(record, "claimed by letter"))

    # ------------------------------------------------------------------
    # Waiver
    # ------------------------------------------------------------------

    @freeze_time(TODAY)
    def test_waive_records_who_and_why(self):
        invoice = self._late_paid_invoice(self.professional)
        claim = self._propose()
        reason = "Loyal customer: first delay in ten years, the bank lost the order"
        action = claim.with_user(self.accountant).action_waive()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.amount_total, 83.23)
        wizard.reason = reason
        wizard.save().action_confirm()
        self.assertRecordValues(
            claim,
            [
                {
                    "state": "waived",
                    "waived_by_id": self.accountant.id,
                    "waive_reason": reason,
                    "waive_date": TODAY,
                    "claim_move_id": False,
                }
            ],
        )
        for record in (claim, self.professional, invoice):
            with self.subTest(record=record._name):
                self.assertTrue(self._messages_with(record, reason))
        self.assertFalse(self._propose(), "a waived claim is not proposed again")
        with self.assertRaises(UserError):
            claim.with_user(self.admin).unlink()

    def test_waive_needs_a_reason(self):
        self._late_paid_invoice(self.professional)
        claim = self._propose()
        with self.assertRaises(UserError):
            claim.with_user(self.accountant)._waive("  ")
        self.assertEqual(claim.state, "proposed")

    # ------------------------------------------------------------------
    # Rights and companies
    # ------------------------------------------------------------------

    def test_salesperson_neither_reads_nor_claims(self):
        self._late_paid_invoice(self.professional)
        claim = self._propose()
        as_salesperson = claim.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_salesperson.read(["amount_total"])
        with self.assertRaises(AccessError):
            as_salesperson.action_claim()
        with self.assertRaises(AccessError):
            as_salesperson.action_waive()
        self.assertEqual(claim.state, "proposed")

    def test_only_managers_delete_proposals(self):
        self._late_paid_invoice(self.professional)
        claim = self._propose()
        with self.assertRaises(AccessError):
            claim.with_user(self.accountant).unlink()
        claim.with_user(self.admin).unlink()
        self.assertEqual(len(self._propose()), 1, "deleted, it may come back")

    def test_two_companies_kept_apart(self):
        other = self.setup_other_company()["company"]
        ours = self._late_paid_invoice(self.professional)
        theirs = self._late_paid_invoice(self.professional, company=other)
        self.assertRecordValues(
            self._propose(), [{"move_id": ours.id, "company_id": self.company.id}]
        )
        self.assertRecordValues(
            self.Proposal.with_company(other)._propose(TODAY),
            [{"move_id": theirs.id, "company_id": other.id}],
        )
        self.accountant.company_ids = self.company
        self.assertEqual(
            self.Claim.with_user(self.accountant).search([]).move_id,
            ours,
            "an accountant sees the claims of their companies only",
        )
