"""The formal notice wizard and its legal next steps, the customer cockpit
(suggested profiles) and the dunning analysis (age buckets, DSO)."""

from datetime import date

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DunningCommon
from .common_workflows import DUE, DunningWorkflowCommon, day


@tagged("post_install", "-at_install")
class TestDunningFormalNotice(DunningWorkflowCommon):
    # ------------------------------------------------------------ formal notice
    def test_formal_notice_refused_when_checklist_incomplete(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.formal_notice_delivery_proof = False
            wizard = form.save()
            with self.assertRaisesRegex(UserError, "Proof of delivery"):
                wizard.action_confirm()

    def test_formal_notice_refused_over_15_days(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.deadline_days = 20
            with self.assertRaisesRegex(UserError, "15"):
                form.save().action_confirm()

    def test_formal_notice_sent_then_next_steps(self):
        invoice = self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)):
            form = self._notice_form()
            self._tick_all(form)
            form.deadline_days = 10
            form.tracking_number = "1A 123 456 7890 1"
            result = form.save().action_confirm()
        notice = self.Action.browse(result["res_id"])
        self.assertRecordValues(
            notice,
            [
                {
                    "state": "done",
                    "send_registered_letter": True,
                    "registered_number": "1A 123 456 7890 1",
                    "formal_notice_delivery_proof": True,
                    "deadline_date": day(50),
                    "level_id": self.levels[4].id,
                }
            ],
        )
        self.assertFalse(
            invoice.dunning_formal_notice_date, "dated when the letter leaves"
        )
        with freeze_time(day(40)):
            notice.action_mark_printed()
        self.assertEqual(invoice.dunning_formal_notice_date, day(40))
        self.assertEqual(
            self.env["account.dunning.litigation"]._get_next_steps(notice, day(50)),
            [],
            "deadline running",
        )
        self.assertEqual(
            self.env["account.dunning.litigation"]._get_next_steps(notice, day(51)),
            ["injunction", "mediation", "simplified", "agency"],
        )
        self.customer.dunning_debtor_type = "public"
        self.assertEqual(
            self.env["account.dunning.litigation"]._get_next_steps(notice, day(51)),
            ["mediation", "agency"],
            "no payment order nor simplified procedure against a public buyer",
        )
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_dunning_fr.report_dunning_injunction_file", self.customer.ids
        )[0]
        root = lxml.html.fromstring(html)
        text = root.text_content()
        self.assertIn(invoice.name, text)
        self.assertIn(notice.name, text, "the file lists every action sent")
        self.assertIn("1A 123 456 7890 1", text)

    def test_salesperson_refused_formal_notice(self):
        self._create_invoice(self.customer, 1000.0, DUE)
        with freeze_time(day(40)), self.assertRaises(AccessError):
            form = self._notice_form(user=self.salesperson)
            self._tick_all(form)
            form.save().action_confirm()


@tagged("post_install", "-at_install")
class TestDunningCockpit(DunningCommon):
    TODAY = date(2026, 6, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = cls._create_customer("Boulangerie Dupuis")
        cls.negligent = cls._create_customer("Garage Lefèvre")
        cls.bad = cls._create_customer("Menuiserie Roux")
        cls.insolvent = cls._create_customer("Imprimerie Faure")
        cls.unknown = cls._create_customer("Nouveau Client SARL")
        history = [
            # customer, amount, due, paid on (None: still open)
            (cls.good, 1000.0, date(2026, 2, 10), date(2026, 2, 9)),
            (cls.good, 1000.0, date(2026, 4, 10), date(2026, 4, 10)),
            (cls.negligent, 1000.0, date(2026, 2, 10), date(2026, 2, 20)),
            (cls.negligent, 1000.0, date(2026, 4, 10), date(2026, 4, 10)),
            (cls.bad, 1000.0, date(2026, 2, 10), date(2026, 3, 27)),
            (cls.insolvent, 1000.0, date(2026, 2, 10), None),
            # Due more than 12 months ago: out of the statistics.
            (cls.good, 1000.0, date(2025, 3, 1), date(2025, 9, 1)),
        ]
        for customer, amount, due, paid_on in history:
            invoice = cls._create_invoice(customer, amount, due)
            if paid_on:
                cls._pay(invoice, paid_on)

    def test_suggested_profiles(self):
        partners = self.good | self.negligent | self.bad | self.insolvent | self.unknown
        with freeze_time(self.TODAY):
            partners.invalidate_recordset()
            self.assertEqual(
                partners.mapped("dunning_suggested_profile"),
                ["good", "negligent", "bad", "insolvent", False],
            )
            self.assertRecordValues(
                self.negligent,
                [
                    {
                        "dunning_stat_invoice_count": 2,
                        "dunning_stat_avg_days_late": 5.0,
                        "dunning_stat_late_share": 50.0,
                    }
                ],
            )
            self.assertEqual(self.bad.dunning_stat_avg_days_late, 45.0)
            self.assertEqual(self.insolvent.dunning_stat_avg_days_late, 140.0)

    def test_salesperson_sees_the_cockpit(self):
        self.bad.user_id = self.salesperson
        with freeze_time(self.TODAY):
            partner = self.bad.with_user(self.salesperson)
            self.assertEqual(partner.dunning_suggested_profile, "bad")
            self.assertTrue(partner.dunning_can_log_call)
            self.assertFalse(self.good.with_user(self.salesperson).dunning_can_log_call)


@tagged("post_install", "-at_install")
class TestDunningAnalysis(DunningCommon):
    TODAY = date(2026, 6, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Électricité Bernard")
        cls.other = cls._create_customer("Plomberie Girard")
        cls.recent = cls._create_invoice(cls.customer, 1000.0, date(2026, 6, 20))
        cls.older = cls._create_invoice(cls.customer, 2000.0, date(2026, 5, 16))
        cls.not_due = cls._create_invoice(
            cls.customer, 500.0, date(2026, 7, 20), invoice_date=date(2026, 6, 20)
        )
        cls.ancient = cls._create_invoice(cls.other, 700.0, date(2026, 1, 10))

    def _by_bucket(self, partner):
        groups = self.env["account.dunning.analysis"]._read_group(
            [("partner_id", "=", partner.id)],
            ["age_bucket"],
            ["amount_residual:sum", "amount_overdue:sum", "invoice_count:sum"],
        )
        return {
            bucket: (residual, overdue, count)
            for bucket, residual, overdue, count in groups
        }

    def test_age_buckets(self):
        with freeze_time(self.TODAY):
            self.assertEqual(
                self._by_bucket(self.customer),
                {
                    "0_not_due": (500.0, 0.0, 1),
                    "1_30": (1000.0, 1000.0, 1),
                    "2_60": (2000.0, 2000.0, 1),
                },
            )
            self.assertEqual(
                self._by_bucket(self.other), {"4_over_90": (700.0, 700.0, 1)}
            )
        self._pay(self.older, date(2026, 6, 25))
        with freeze_time(self.TODAY):
            self.assertNotIn("2_60", self._by_bucket(self.customer), "paid: not open")

    def test_dso(self):
        self._pay(self.older, date(2026, 6, 25))
        dso = self.env["account.dunning.analysis"]._get_dso(
            self.TODAY, partners=self.customer | self.other
        )
        # Open 1500 of 3500 invoiced in the last 365 days.
        self.assertAlmostEqual(dso[self.customer.id], 1500 / 3500 * 365, places=2)
        self.assertAlmostEqual(dso[self.other.id], 365.0, places=2)
        self.assertAlmostEqual(dso[False], 2200 / 4200 * 365, places=2)
        with freeze_time(self.TODAY):
            self.assertAlmostEqual(
                self.customer.dunning_dso, 1500 / 3500 * 365, places=1
            )

    def test_dso_of_a_past_day_counts_what_was_owed_then(self):
        """The day before its payment, the older invoice was still owed;
        an unmatched credit note reduces what is owed from its date."""
        self._pay(self.older, date(2026, 6, 25))
        Analysis = self.env["account.dunning.analysis"]
        before = Analysis._get_dso(date(2026, 6, 24), partners=self.customer)
        self.assertAlmostEqual(before[self.customer.id], 365.0, places=2)
        self._credit_note(self.customer, 500.0, on=date(2026, 6, 28))
        after = Analysis._get_dso(self.TODAY, partners=self.customer)
        # Owed 1500 - 500 of 3500 - 500 sold.
        self.assertAlmostEqual(after[self.customer.id], 1000 / 3000 * 365, places=2)
        self.assertAlmostEqual(
            Analysis._get_dso(date(2026, 6, 24), partners=self.customer)[
                self.customer.id
            ],
            365.0,
            places=2,
        )
