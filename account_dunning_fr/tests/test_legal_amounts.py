"""Worked examples of the French legal amounts, to the cent.

Rates used below come from the shipped table (data/account_dunning_rate_data.xml):
    semester   ECB   ECB+10  ECB+8  legal rate "other cases"
    2025-S1    3.15  13.15   11.15  3.71
    2025-S2    2.15  12.15   10.15  2.76
    2026-S1    2.15  12.15   10.15  2.62 (3 × = 7.86, contractual floor)
Every amount is open amount × rate × days / 365, summed per period and
rounded once per invoice.
"""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_legal import LegalAmountsCommon


@tagged("post_install", "-at_install")
class TestLatePenalties(LegalAmountsCommon):
    def test_penalty_each_semester_at_its_own_rate(self):
        # 10 000 € due 2025-06-01, still open on 2025-07-31:
        #   02/06 → 30/06: 29 days at 13.15 %: 10000 × 0.1315 × 29 / 365 = 104.479…
        #   01/07 → 31/07: 31 days at 12.15 %: 10000 × 0.1215 × 31 / 365 = 103.191…
        #   total 207.671… → 207.67 (rounded once, not per semester)
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "Two semesters, each at its own ECB + 10 rate",
            days_late=60,
            penalty=207.67,
            indemnity=40.0,
            legal_interest=0.0,
        )
        self.assertDunningAmounts(
            invoice,
            "2025-06-01",
            "Nothing is owed on the due date itself",
            days_late=0,
            penalty=0.0,
            indemnity=0.0,
        )
        self.assertDunningAmounts(
            invoice,
            "2025-06-02",
            "The first day late is the day after the due date",
            days_late=1,
            penalty=3.60,  # 10000 × 0.1315 / 365 = 3.602…
            indemnity=40.0,
        )

    def test_computed_fields_follow_today(self):
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        with freeze_time("2025-07-31"):
            invoice.invalidate_recordset()
            self.assertRecordValues(
                invoice,
                [
                    {
                        "dunning_days_late": 60,
                        "dunning_penalty_amount": 207.67,
                        "dunning_indemnity_amount": 40.0,
                        "dunning_legal_interest_amount": 0.0,
                        "dunning_prescription_date": date(2030, 6, 1),
                        "dunning_prescribed": False,
                    }
                ],
            )

    def test_partial_payment_reduces_the_base_from_the_next_day(self):
        # 10 000 € due 2025-03-01; 4 000 € paid on 2025-03-11, the rest on
        # 2025-04-10. Rate 13.15 % all along (2025-S1).
        #   02/03 → 11/03: 10 days on 10 000: 36.027…
        #   12/03 → 31/03: 20 days on  6 000: 43.232… → 79.26 on 2025-03-31
        #   12/03 → 10/04: 30 days on  6 000: 64.849… → 100.88 once paid
        invoice = self._invoice(self.professional, 10000.0, "2025-03-01")
        self._pay(invoice, 4000.0, "2025-03-11")
        self.assertDunningAmounts(
            invoice,
            "2025-03-31",
            "The day of the payment is still late on the full amount",
            days_late=30,
            penalty=79.26,
            indemnity=40.0,
        )
        self._pay(invoice, 6000.0, "2025-04-10")
        self.assertEqual(invoice.payment_state, "paid", "Setup: invoice fully paid")
        self.assertDunningAmounts(
            invoice,
            "2025-05-31",
            "Penalties stop on the day the invoice is settled",
            days_late=40,
            penalty=100.88,
            indemnity=40.0,
        )

    def test_payment_on_the_first_day_of_a_semester(self):
        # 10 000 € due 2025-06-01, 4 000 € paid on 2025-07-01:
        #   02/06 → 30/06: 29 days at 13.15 % on 10 000: 104.479…
        #   01/07        :  1 day  at 12.15 % on 10 000:   3.328…
        #   02/07 → 31/07: 30 days at 12.15 % on  6 000:  59.917…
        #   total 167.726… → 167.73
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        self._pay(invoice, 4000.0, "2025-07-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "A payment made on 1 July still leaves that day late on the full amount",
            days_late=60,
            penalty=167.73,
        )

    def test_paid_on_time_owes_nothing(self):
        invoice = self._invoice(self.professional, 10000.0, "2025-03-01")
        self._pay(invoice, 10000.0, "2025-03-01")
        self.assertDunningAmounts(
            invoice,
            "2025-05-31",
            "An invoice paid on its due date is not late",
            days_late=0,
            penalty=0.0,
            indemnity=0.0,
        )

    def test_each_instalment_is_late_on_its_own(self):
        # 10 000 € invoiced 2025-05-01: 5 000 due 2025-05-31, 5 000 due 2025-06-30.
        #   1st: 30 days (June) at 13.15 % + 31 days (July) at 12.15 % on 5 000
        #        = 54.041… + 51.595…
        #   2nd: 31 days (July) at 12.15 % on 5 000 = 51.595…
        #   total 157.232… → 157.23; one 40 € per late instalment
        invoice = self._invoice(
            self.professional,
            10000.0,
            None,
            invoice_date="2025-05-01",
            payment_term=self.two_instalments,
        )
        self.assertEqual(
            sorted(
                invoice.line_ids.filtered(
                    lambda line: line.display_type == "payment_term"
                ).mapped("date_maturity")
            ),
            [date(2025, 5, 31), date(2025, 6, 30)],
            "Setup: two instalments",
        )
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "Penalties and indemnity are counted per instalment",
            days_late=61,
            penalty=157.23,
            indemnity=80.0,
        )
        self.assertDunningAmounts(
            invoice,
            "2025-06-30",
            "Only the first instalment is late before the second one is due",
            days_late=30,
            penalty=54.04,
            indemnity=40.0,
        )

    def test_indemnity_can_be_disabled_by_the_company(self):
        self.company.dunning_indemnity_enabled = False
        invoice = self._invoice(self.professional, 10000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "A company may choose not to claim the 40 €",
            penalty=207.67,
            indemnity=0.0,
        )

    def test_batch_uses_a_constant_number_of_queries(self):
        invoices = [
            self._invoice(self.professional, 1000.0 * (i + 1), "2025-06-01")
            for i in range(6)
        ]
        for invoice in invoices[:3]:
            self._pay(invoice, 500.0, "2025-06-15")
        Move = self.env["account.move"]
        # Warm up the registry caches that do not depend on the batch size.
        self._count_queries(Move.browse(invoices[0].id))
        one_count = self._count_queries(Move.browse(invoices[0].id))
        six_count = self._count_queries(Move.browse([inv.id for inv in invoices]))
        self.assertEqual(
            six_count, one_count, "Six invoices must cost as many queries as one"
        )

    def _count_queries(self, moves):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        moves._dunning_amounts_batch(date(2025, 7, 31))
        return self.env.cr.sql_log_count - before


@tagged("post_install", "-at_install")
class TestDebtorTypes(LegalAmountsCommon):
    def test_default_debtor_type(self):
        contact = self._create_debtor("Marc Lambert", parent_id=self.professional.id)
        self.assertRecordValues(
            self.professional | self.consumer | self.public_buyer | contact,
            [
                {"dunning_debtor_type": "professional"},
                {"dunning_debtor_type": "consumer"},
                {"dunning_debtor_type": "public"},
                {"dunning_debtor_type": "professional"},
            ],
        )

    def test_consumer_owes_neither_penalty_nor_indemnity(self):
        invoice = self._invoice(self.consumer, 10000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "A consumer owes no L441-10 penalty and no 40 €",
            days_late=60,
            penalty=0.0,
            indemnity=0.0,
            legal_interest=0.0,
        )
        self.assertEqual(
            invoice.dunning_prescription_date,
            date(2027, 6, 1),
            "A consumer claim is time-barred after two years",
        )

    def test_legal_interest_runs_from_the_formal_notice(self):
        # 12 000 € due 2025-06-01, formal notice on 2025-07-10, legal rate of
        # a company creditor ("other cases"):
        #   11/07 → 31/07: 21 days at 2.76 %: 19.055… → 19.06
        #   11/07 → 31/12: 174 days at 2.76 % = 157.895…
        #   01/01 → 31/01: 31 days at 2.62 % = 26.703… → 184.59 on 2026-01-31
        invoice = self._invoice(self.consumer, 12000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "No legal interest before a formal notice",
            legal_interest=0.0,
        )
        invoice.dunning_formal_notice_date = date(2025, 7, 10)
        self.assertDunningAmounts(
            invoice,
            "2025-07-10",
            "No legal interest on the day of the formal notice",
            legal_interest=0.0,
        )
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "Legal interest accrues after the formal notice",
            legal_interest=19.06,
            penalty=0.0,
        )
        self.assertDunningAmounts(
            invoice,
            "2026-01-31",
            "Legal interest changes rate with each semester",
            legal_interest=184.59,
        )

    def test_public_buyer_one_rate_for_the_whole_delay(self):
        # 10 000 € due 2025-06-01, open on 2025-07-31: the delay started in
        # 2025-S1, so ECB 3.15 + 8 = 11.15 % for all 60 days, July included:
        #   10000 × 0.1115 × 60 / 365 = 183.287… → 183.29
        # (semester by semester it would be 174.79)
        invoice = self._invoice(self.public_buyer, 10000.0, "2025-06-01")
        self.assertDunningAmounts(
            invoice,
            "2025-07-31",
            "Public buyers owe moratorium interest at one ECB + 8 rate, and 40 €",
            days_late=60,
            penalty=183.29,
            indemnity=40.0,
            legal_interest=0.0,
        )

    def test_insolvency_judgment_stops_penalties_and_indemnity(self):
        # Judgment on 2025-07-01.
        #   Invoice due 2025-06-01: penalties until 30/06 only, 29 days at
        #   13.15 % = 104.48; its 40 € was owed before the judgment.
        #   Invoice due 2025-07-15: falls due after the judgment: nothing.
        before = self._invoice(self.professional, 10000.0, "2025-06-01")
        after = self._invoice(self.professional, 5000.0, "2025-07-15")
        self.professional.dunning_insolvency_date = date(2025, 7, 1)
        self.assertDunningAmounts(
            before,
            "2025-07-31",
            "Penalties stop accruing at the judgment",
            penalty=104.48,
            indemnity=40.0,
        )
        self.assertDunningAmounts(
            after,
            "2025-07-31",
            "No penalty and no indemnity on a sum falling due after the judgment",
            penalty=0.0,
            indemnity=0.0,
        )

    def test_prescribed_invoices_are_flagged_and_searchable(self):
        old_pro = self._invoice(self.professional, 100.0, "2020-03-01")
        recent_pro = self._invoice(self.professional, 100.0, "2020-03-02")
        old_private = self._invoice(self.consumer, 100.0, "2023-03-01")
        recent_private = self._invoice(self.consumer, 100.0, "2023-03-02")
        invoices = old_pro | recent_pro | old_private | recent_private
        with freeze_time("2025-03-02"):
            invoices.invalidate_recordset()
            self.assertRecordValues(
                invoices,
                [
                    {
                        "dunning_prescription_date": date(2025, 3, 1),
                        "dunning_prescribed": True,
                    },
                    {
                        "dunning_prescription_date": date(2025, 3, 2),
                        "dunning_prescribed": False,
                    },
                    {
                        "dunning_prescription_date": date(2025, 3, 1),
                        "dunning_prescribed": True,
                    },
                    {
                        "dunning_prescription_date": date(2025, 3, 2),
                        "dunning_prescribed": False,
                    },
                ],
            )
            Move = self.env["account.move"]
            self.assertEqual(
                Move.search(
                    [("id", "in", invoices.ids), ("dunning_prescribed", "=", True)]
                ),
                old_pro | old_private,
                "The engine finds time-barred invoices by search",
            )
            self.assertEqual(
                Move.search(
                    [("id", "in", invoices.ids), ("dunning_prescribed", "=", False)]
                ),
                recent_pro | recent_private,
                "Invoices still within the time limit are not time-barred",
            )
