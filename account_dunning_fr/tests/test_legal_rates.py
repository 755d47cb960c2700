"""The penalty rate modes, the late payment mention on invoices and the table
of legal rates; the rates quoted are those of the table in
test_legal_amounts.py (data/account_dunning_rate_data.xml)."""

from datetime import date

from freezegun import freeze_time
from lxml import html

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_legal import LegalAmountsCommon


@tagged("post_install", "-at_install")
class TestRateModes(LegalAmountsCommon):
    @freeze_time("2026-03-15")
    def test_contractual_rate_floor(self):
        # 2026-S1: legal rate "other cases" 2.62 %, floor 3 × 2.62 = 7.86 %.
        for mode in ("contractual", "max"):
            with self.assertRaises(
                ValidationError, msg=f"{mode}: 7.85 % is under 7.86 %"
            ):
                self.company.write(
                    {
                        "dunning_penalty_rate_mode": mode,
                        "dunning_contractual_rate": 7.85,
                    }
                )
        self.company.write(
            {
                "dunning_penalty_rate_mode": "contractual",
                "dunning_contractual_rate": 7.86,
            }
        )
        self.assertEqual(
            self.company.dunning_contractual_rate, 7.86, "The floor itself is allowed"
        )

    @freeze_time("2026-03-15")
    def test_low_rate_allowed_with_the_ecb_mode(self):
        self.company.write(
            {"dunning_penalty_rate_mode": "ecb10", "dunning_contractual_rate": 1.0}
        )
        self.assertEqual(
            self.company.dunning_contractual_rate,
            1.0,
            "An unused contractual rate is not checked",
        )

    def test_contractual_rate_is_used(self):
        # 10 000 € due 2026-01-31, open on 2026-03-01: 29 days at 9 %
        #   10000 × 0.09 × 29 / 365 = 71.506… → 71.51
        with freeze_time("2026-03-15"):
            self.company.write(
                {
                    "dunning_penalty_rate_mode": "contractual",
                    "dunning_contractual_rate": 9.0,
                }
            )
        invoice = self._invoice(self.professional, 10000.0, "2026-01-31")
        self.assertDunningAmounts(
            invoice,
            "2026-03-01",
            "The contractual rate replaces ECB + 10",
            days_late=29,
            penalty=71.51,
        )

    def test_max_mode_takes_the_higher_rate_each_semester(self):
        # Contractual 12.50 %; 10 000 € due 2025-06-01, open on 2025-07-31:
        #   2025-S1: max(13.15, 12.50) = 13.15 for 29 days: 104.479…
        #   2025-S2: max(12.15, 12.50) = 12.50 for 31 days: 106.164…
        #   total 210.643… → 210.64
        with freeze_time("2026-03-15"):
            self.company.write(
                {"dunning_penalty_rate_mode": "max", "dunning_contractual_rate": 12.5}
            )
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "Max mode compares the two rates semester by semester",
            penalty=210.64,
        )

    def test_invoice_mention(self):
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        private_invoice = self._invoice(self.consumer, 100.0, "2025-06-01")
        self.assertAlmostEqual(
            invoice._dunning_invoice_mention_rate(),
            13.15,
            places=4,
            msg="The mention gives the rate of the semester penalties start in",
        )
        self.assertEqual(
            self._mention_text(private_invoice),
            "",
            "No late payment mention for a consumer",
        )
        text = self._mention_text(invoice)
        self.assertIn("13.15", text, "The mention states the penalty rate")
        self.assertIn("40", text, "The mention states the 40 € indemnity")
        self.assertIn("L441-10", text, "The mention cites the law")
        self.company.dunning_invoice_mention = False
        self.assertEqual(
            self._mention_text(invoice),
            "",
            "No mention when the company turned it off",
        )

    def _mention_text(self, invoice):
        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        blocks = html.fromstring(content).xpath(
            "//div[@name='dunning_late_payment_mention']"
        )
        return " ".join(" ".join(block.text_content().split()) for block in blocks)


@tagged("post_install", "-at_install")
class TestRateTable(LegalAmountsCommon):
    def test_missing_semester_falls_back_to_the_last_known(self):
        # 2026-S2 is not in the table: its days use the 2026-S1 rates.
        #   10 000 € due 2026-06-15, open on 2026-07-15: 30 days at 12.15 %
        #   10000 × 0.1215 × 30 / 365 = 99.863… → 99.86
        rate_2026_01 = self.env.ref("account_dunning_fr.account_dunning_rate_2026_01")
        with self.assertLogs("odoo.addons.account_dunning_fr", level="WARNING"):
            self.assertEqual(
                self.Rate._get_rate_for_date(date(2026, 9, 15)),
                rate_2026_01,
                "A missing semester uses the last known one",
            )
        self.assertTrue(
            self.Rate._is_current_semester_missing(date(2026, 9, 15)),
            "The administrator is told that 2026-S2 is missing",
        )
        self.assertFalse(
            self.Rate._is_current_semester_missing(date(2026, 3, 1)),
            "2026-S1 is known",
        )
        invoice = self._invoice(self.professional, 10000.0, "2026-06-15")
        self.assertDunningAmounts(
            invoice,
            "2026-07-15",
            "Days of a missing semester are charged at the last known rate",
            penalty=99.86,
        )

    def test_no_rate_at_all_is_an_error(self):
        with self.assertRaises(UserError, msg="Before the first semester known"):
            self.Rate._get_rate_for_date(date(2014, 6, 1))

    def test_semester_start_must_open_a_half_year(self):
        with self.assertRaises(ValidationError, msg="2027-02-01 opens no half-year"):
            self.Rate.create({"semester_start": "2027-02-01", "ecb_rate": 2.0})
        rate = self.Rate.create({"semester_start": "2027-07-01", "ecb_rate": 2.0})
        self.assertEqual(
            rate.display_name, "2027-S2", "Semesters are named by half-year"
        )
        self.assertAlmostEqual(rate.penalty_rate, 12.0, msg="ECB + 10 points")
        self.assertAlmostEqual(rate.public_rate, 10.0, msg="ECB + 8 points")

    def test_everyone_reads_rates_only_managers_change_them(self):
        user = self.env["res.users"].create(
            {
                "name": "Paul Commercial",
                "login": "legal_rates_salesperson",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        rate = self.env.ref("account_dunning_fr.account_dunning_rate_2026_01")
        self.assertEqual(
            rate.with_user(user).ecb_rate, 2.15, "Internal users read rates"
        )
        self.assertFalse(
            self.Rate.with_user(user).has_access("write"),
            "Only accounting managers change legal rates",
        )
