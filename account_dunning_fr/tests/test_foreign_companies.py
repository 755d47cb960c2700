"""A French company and a Belgian one in the same database: French law (late
penalties, the 40 € indemnity, legal interest, the articles cited) is the
French company's only, the shipped French policies too, and the daily run
leaves out a company without any policy."""

import shutil
import subprocess
import unittest
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..hooks import post_init_hook
from .common_letters import DUE, LETTER_DATE, DunningLettersCommon, day

# What French law adds to a letter: its articles, its indemnity, its interest.
FRENCH_LAW_MENTIONS = ("L441", "D441", "40 €", "1231-6", "1344", "French")


@tagged("post_install", "-at_install")
class TestForeignCompanies(DunningLettersCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.belgian = cls.env["res.company"].create(
            {
                "name": "Menuiserie Dupont SRL",
                "street": "Rue Saint-Gilles 12",
                "zip": "4000",
                "city": "Liège",
                "country_id": cls.env.ref("base.be").id,
                "currency_id": cls.env.ref("base.EUR").id,
                "vat": "BE0477472701",
                "dunning_signature_place": "Liège",
            }
        )
        cls.env.user.company_ids = [Command.link(cls.belgian.id)]
        cls.accountant.company_ids = [Command.link(cls.belgian.id)]
        # Belgium's own chart is not installed here: Odoo's generic one
        # gives the company its journals and accounts.
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.belgian, install_demo=False
        )
        cls.belgian_customer = cls._create_customer(
            "Boulangerie Lambert SPRL",
            street="Chaussée de Louvain 80",
            zip="1030",
            city="Schaerbeek",
            country_id=cls.env.ref("base.be").id,
            email="compta@lambert.example",
            company_id=cls.belgian.id,
        )

    def _belgian_policy(self):
        """The policy an administrator writes for the Belgian company: a
        second reminder mentioning penalties, then a formal notice."""
        policy = (
            self.env["account.dunning.policy"]
            .with_company(self.belgian)
            .create(
                {
                    "name": "Rappels Belgique",
                    "company_id": self.belgian.id,
                    "level_ids": [
                        Command.create(
                            self._level_vals(
                                10,
                                15,
                                name="Deuxième rappel",
                                letter_type="second",
                                mention_penalties=True,
                                min_days_since_last=0,
                                payment_deadline_days=8,
                            )
                        ),
                        Command.create(
                            self._level_vals(
                                20,
                                30,
                                name="Mise en demeure",
                                letter_type="formal_notice",
                                is_formal_notice=True,
                                mention_penalties=True,
                                send_registered_letter=True,
                                min_days_since_last=0,
                                payment_deadline_days=15,
                            )
                        ),
                    ],
                }
            )
        )
        policy.action_set_company_default()
        return policy

    def _run_company(self, company, on):
        """The day's run of ``company`` as its accountant starts it."""
        with freeze_time(on):
            return (
                self.env["account.dunning.action"]
                .with_user(self.accountant)
                .with_company(company)
                ._run_dunning(date=on, companies=company)
            )

    def _cron(self, on):
        """The scheduled action (superuser, every company) until nothing is
        left to plan or carry out."""
        Run = self.env["account.dunning.run"].sudo()
        with freeze_time(on):
            for _callback in range(10):
                Run._cron_run()
                if not self.env["account.dunning.run.unit"]._count_pending():
                    break
        return Run.search([("origin", "=", "scheduled"), ("date", "=", on)])

    def assertNoFrenchLaw(self, text):
        for mention in FRENCH_LAW_MENTIONS:
            self.assertNotIn(mention, text, "French law cited by a Belgian company")

    # ------------------------------------------------------------ policies
    def test_only_french_companies_get_the_french_policies(self):
        self.assertTrue(self.company._dunning_french_law_applies())
        self.assertFalse(self.belgian._dunning_french_law_applies())
        self.assertFalse(
            self.Policy.search_count([("company_id", "=", self.belgian.id)]),
            "no shipped French policy for a company established in Belgium",
        )
        self.assertFalse(self.belgian.dunning_default_policy_id)
        self.assertTrue(self.company.dunning_default_policy_id.template_id)
        # A company of Réunion is under French commercial law; one created
        # before its country was filled in gets the policies once it is.
        reunion = self.env["res.company"].create(
            {"name": "Scierie Payet SARL", "country_id": self.env.ref("base.re").id}
        )
        self.assertTrue(reunion.dunning_default_policy_id)
        later = self.env["res.company"].create({"name": "Charpente Morel SAS"})
        self.assertFalse(later.dunning_default_policy_id, "country unknown yet")
        later.country_id = self.env.ref("base.fr")
        self.assertEqual(later.dunning_default_policy_id.name, "Standard")
        monaco = self.env["res.company"].create(
            {"name": "Yachting Services SAM", "country_id": self.env.ref("base.mc").id}
        )
        self.assertFalse(monaco.dunning_default_policy_id, "Monaco has its own law")

    def test_install_hook_archives_the_originals_of_a_foreign_main_company(self):
        main = self.env.ref("base.main_company")
        main.country_id = self.env.ref("base.be")
        post_init_hook(self.env(su=True))  # as the installer runs it
        shipped = self.Policy._dunning_shipped_policies()
        self.assertEqual(shipped.company_id, main)
        self.assertFalse(any(shipped.mapped("active")), "no French policy runs there")
        self.assertFalse(main.dunning_default_policy_id)
        self.assertFalse(main._dunning_french_law_applies())
        self.assertNotIn(main, self.env["account.dunning.run"]._get_dunning_companies())
        self.assertFalse(self.Policy.search([("company_id", "=", self.belgian.id)]))
        # French companies created afterwards still copy them, live.
        french = self.env["res.company"].create(
            {"name": "Vitrerie Blanc SAS", "country_id": self.env.ref("base.fr").id}
        )
        self.assertEqual(french.dunning_default_policy_id.name, "Standard")
        copies = self.Policy.search([("company_id", "=", french.id)])
        self.assertEqual(copies.template_id, shipped)

    def test_daily_run_leaves_out_a_company_without_policy(self):
        french_invoice = self._create_invoice(self.customer, 800.0, DUE)
        belgian_invoice = self._create_invoice(
            self.belgian_customer, 900.0, DUE, company=self.belgian
        )
        # Even the French company's policy written as the Belgian customer's
        # own in the Belgian company is not applied there.
        self.belgian_customer.with_company(self.belgian).dunning_policy_id = self.policy
        runs = self._cron(day(16))
        self.assertEqual(runs.company_id, self.company, "no run of the Belgian company")
        self.assertEqual(runs.state, "done")
        self.assertEqual(french_invoice.dunning_level_id, self.levels["first"])
        self.assertFalse(belgian_invoice.dunning_level_id)
        self.assertFalse(
            self.Action.search([("partner_id", "=", self.belgian_customer.id)]),
            "a customer of a company without a policy is not reminded",
        )
        # Started by hand, the run of that company does nothing either.
        self.assertFalse(self._run_company(self.belgian, day(16)))

    def test_one_failing_company_does_not_stop_the_others(self):
        self._belgian_policy()
        french_invoice = self._create_invoice(self.customer, 800.0, DUE)
        belgian_invoice = self._create_invoice(
            self.belgian_customer, 900.0, DUE, company=self.belgian
        )
        Promise = type(self.env["account.dunning.promise"])
        settle = Promise._settle_expired
        belgian = self.belgian

        def settle_or_fail(promises, date):
            if promises.env.company == belgian:
                raise RuntimeError("lost connection to the bank feed")
            return settle(promises, date)

        with (
            patch.object(Promise, "_settle_expired", settle_or_fail),
            mute_logger("odoo.addons.account_dunning_fr.models.account_dunning_run"),
        ):
            runs = self._cron(day(16))
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertEqual(runs.company_id, self.company | self.belgian)
        self.assertEqual(french_invoice.dunning_level_id, self.levels["first"])
        self.assertEqual(belgian_invoice.dunning_level_id.name, "Deuxième rappel")

    def test_moratorium_letter_refused_outside_france(self):
        policy = self._belgian_policy()
        with self.assertRaisesRegex(ValidationError, "only a company established"):
            policy.level_ids[0].letter_type = "public_moratorium"
        # A French company's level may send it.
        self.levels["first"].letter_type = "public_moratorium"
        self.assertEqual(self.levels["first"].letter_type, "public_moratorium")

    # ------------------------------------------------------------ amounts
    def test_no_french_legal_amounts_for_a_belgian_company(self):
        belgian_invoice = self._create_invoice(
            self.belgian_customer, 1200.0, DUE, company=self.belgian
        )
        french_invoice = self._create_invoice(self.customer, 1200.0, DUE)
        self.assertEqual(
            belgian_invoice._dunning_amounts(LETTER_DATE),
            {"days_late": 30, "penalty": 0.0, "indemnity": 0.0, "legal_interest": 0.0},
        )
        french = french_invoice._dunning_amounts(LETTER_DATE)
        self.assertEqual((french["penalty"], french["indemnity"]), (11.98, 40.0))
        self.assertFalse(belgian_invoice._dunning_has_invoice_mention())
        self.assertTrue(french_invoice._dunning_has_invoice_mention())

    def test_no_claim_of_penalties_for_a_belgian_company(self):
        belgian_invoice = self._create_invoice(
            self.belgian_customer, 1200.0, DUE, company=self.belgian
        )
        french_invoice = self._create_invoice(self.customer, 1200.0, DUE)
        for invoice in (belgian_invoice, french_invoice):
            self.env["account.payment.register"].with_company(
                invoice.company_id
            ).with_context(active_model="account.move", active_ids=invoice.ids).create(
                {"payment_date": LETTER_DATE}
            )._create_payments()
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        Proposal = self.env["account.dunning.claim.proposal"]
        with freeze_time(LETTER_DATE):
            self.assertFalse(Proposal.with_company(self.belgian)._propose(LETTER_DATE))
            claims = Proposal.with_company(self.company)._propose(LETTER_DATE)
        self.assertEqual(claims.move_id, french_invoice)

    # ------------------------------------------------------------ letters
    def test_belgian_letters_state_the_amounts_without_french_law(self):
        self._belgian_policy()
        belgian_invoice = self._create_invoice(
            self.belgian_customer, 1200.0, DUE, company=self.belgian
        )
        second = self._run_company(self.belgian, day(16))
        self.assertRecordValues(
            second, [{"partner_id": self.belgian_customer.id, "state": "done"}]
        )
        self.assertEqual(belgian_invoice.dunning_level_id.name, "Deuxième rappel")
        text = self._text(self._render("second", second))
        self.assertIn("1,200.00", text)
        self.assertIn(belgian_invoice.name, text)
        self.assertNoFrenchLaw(text)
        self.assertNotIn("penalties", text)
        self.assertTrue(second.mail_id, "the reminder is emailed")
        self.assertNoFrenchLaw(str(second.mail_id.body_html))

        notice = self._run_company(self.belgian, LETTER_DATE)
        self.assertEqual(notice.level_id.name, "Mise en demeure")
        text = self._text(self._render("formal_notice", notice))
        self.assertIn("This letter is a formal notice to pay.", text)
        self.assertIn("refer the matter to the competent court", text)
        self.assertNoFrenchLaw(text)
        self.assertNotIn("penalties", text)
        self.assertNotIn("interest", text)
        # Expired unpaid, it opens no French court procedure.
        self.assertEqual(notice.state, "done")
        Litigation = self.env["account.dunning.litigation"]
        self.assertEqual(
            Litigation._get_next_steps(
                notice, date=notice.deadline_date + timedelta(1)
            ),
            ["agency"],
        )

    def test_french_letters_still_cite_french_law(self):
        _invoices, _action, text = self._letter("formal_notice", self.customer)
        self.assertMentions(
            text,
            [
                "article L441-10 of the French Commercial Code",
                "article D441-5",
                "40 €",
                "articles 1231-6 and 1344-1 of the French Civil Code",
                "article 1344 of the French Civil Code",
            ],
        )

    @unittest.skipUnless(
        shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
        "needs wkhtmltopdf and pdftotext",
    )
    def test_printed_formal_notices(self):
        """The PDF each customer receives: French law in the French
        company's formal notice, none in the Belgian company's."""
        self._belgian_policy()
        self._create_invoice(self.belgian_customer, 1200.0, DUE, company=self.belgian)
        belgian = self._run_company(self.belgian, LETTER_DATE)
        _invoices, french, _text = self._letter("formal_notice", self.customer)
        texts = {}
        for action in (french, belgian):
            content = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(
                    "account_dunning_fr.report_dunning_letter_formal_notice",
                    action.ids,
                )[0]
            )
            texts[action] = " ".join(
                subprocess.run(
                    ["pdftotext", "-", "-"],
                    input=content,
                    capture_output=True,
                    check=True,
                )
                .stdout.decode()
                .split()
            )
        self.assertIn("L441-10", texts[french])
        self.assertIn("40 €", texts[french])
        self.assertIn("Menuiserie Dupont SRL", texts[belgian])
        self.assertNoFrenchLaw(texts[belgian])
