"""Claim only what is ours to claim, when it is due: invoices collected by
direct debit wait for the collection and its return period, an early-payment
discount earned in time is not a debt, a pre-due reminder states the
discount still open and fires on the amount coming due, and tiny residuals
are written off rather than claimed. Each through the flows an accountant
uses, the run before and after the day that matters."""

import re
from datetime import timedelta

import lxml.html
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestClaimableItems(DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        # A SEPA direct-debit method as the OCA's add-on installs it (its
        # data file, hence the superuser).
        method = (
            cls.env["account.payment.method"]
            .sudo()
            .create(
                {
                    "name": "Prélèvement SEPA",
                    "code": "sepa_direct_debit",
                    "payment_type": "inbound",
                }
            )
        )
        cls.sdd = cls.env["account.payment.method.line"].create(
            {"payment_method_id": method.id, "journal_id": cls.bank.id}
        )
        cls.write_off = cls.env["account.move.line"]

    # ----------------------------------------------------------------- helpers
    def _customer(self, name, **vals):
        return self._create_customer(name, dunning_policy_id=self.policy.id, **vals)

    def _actions_of(self, customer, on):
        return self._run(on).filtered(lambda a: a.partner_id == customer)

    def _register(self, invoice, on, amount=None, **vals):
        """A payment registered with the accountant's wizard, the difference
        kept open (no write-off)."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": on,
                    **({"amount": amount} if amount else {}),
                    **vals,
                }
            )
        )
        if amount:
            wizard.payment_difference_handling = "open"
        return wizard._create_payments()

    def _to_write_off(self):
        return {
            line: line.dunning_write_off_reason
            for line in self.env["account.move.line"].search(
                [("dunning_write_off_reason", "!=", False)]
            )
        }

    def _receivable(self, invoice):
        return invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    # ------------------------------------------------------------ direct debit
    def test_direct_debit_flag_set_for_sepa_methods(self):
        self.assertTrue(self.sdd.dunning_direct_debit)
        manual = self.bank.inbound_payment_method_line_ids.filtered(
            lambda line: line.code == "manual"
        )
        self.assertFalse(manual.dunning_direct_debit)
        # Any other method an accountant knows to collect by direct debit.
        manual.dunning_direct_debit = True
        self.assertTrue(manual.dunning_direct_debit)

    def _direct_debit_invoice(self, customer, amount=1800.0):
        invoice = self._create_invoice(customer, amount, DUE, post=False)
        invoice.preferred_payment_method_line_id = self.sdd
        invoice.action_post()
        return invoice

    def test_direct_debit_not_reminded_before_collection_and_return(self):
        debtor = self._customer("Debit SARL")
        other = self._customer("Virement SARL")
        self._direct_debit_invoice(debtor)
        self._create_invoice(other, 1800.0, DUE)
        # The pre-due reminder: only the customer who pays by transfer.
        actions = self._run(day(-5))
        self.assertEqual(actions.partner_id, other, actions.mapped("failure_reason"))
        # After the due date, within the return period: still nothing.
        actions = self._run(day(3))
        self.assertEqual(actions.partner_id, other)
        self.assertEqual(actions.level_id, self.levels[1])
        self.assertFalse(self._actions_of(debtor, day(8)))
        # The return period over, the invoice still open: the debit failed.
        self.assertEqual(self._actions_of(debtor, day(9)).level_id, self.levels[1])

    def test_invoice_announces_the_reminder_after_the_return_period(self):
        debtor = self._customer("Annonce SARL")
        invoice = self._direct_debit_invoice(debtor)
        Planning = self.env["account.dunning.planning"]
        for on in (day(-10), day(4)):
            with freeze_time(on):
                level, due = Planning._get_next_steps(invoice, on)[invoice.id]
            self.assertEqual((level, due), (self.levels[1], day(9)))
        self.assertEqual(self._actions_of(debtor, day(9)).level_id, self.levels[1])

    def test_partner_preferred_method_makes_invoices_direct_debit(self):
        debtor = self._customer("Mandat SAS")
        debtor.with_company(
            self.company
        ).property_inbound_payment_method_line_id = self.sdd
        invoice = self._create_invoice(debtor, 1800.0, DUE)
        self.assertEqual(invoice.preferred_payment_method_line_id, self.sdd)
        self.assertFalse(self._actions_of(debtor, day(5)))

    def test_returned_debit_starts_the_sequence_after_return_period(self):
        debtor = self._customer("Rejet SARL")
        invoice = self._direct_debit_invoice(debtor)
        # Collected on the due date, then sent back by the debtor's bank.
        payment = self._register(invoice, DUE, payment_method_line_id=self.sdd.id)
        self.assertEqual(invoice.payment_state, "paid")
        with freeze_time(day(4)):
            self._receivable(invoice).remove_move_reconcile()
            payment.move_id._reverse_moves(
                [{"date": day(4), "ref": "Rejet de prélèvement"}], cancel=True
            )
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(self._actions_of(debtor, day(8)))
        action = self._actions_of(debtor, day(9))
        self.assertEqual(action.level_id, self.levels[1], "the first reminder")
        self.assertEqual(action.move_ids, invoice)
        self.assertEqual(action.amount_due, 1800.0)

    def test_return_period_is_a_company_setting(self):
        self.company.dunning_direct_debit_return_days = 2
        debtor = self._customer("Court SARL")
        self._direct_debit_invoice(debtor)
        self.assertFalse(self._actions_of(debtor, day(2)))
        self.assertEqual(self._actions_of(debtor, day(3)).level_id, self.levels[1])

    def test_collected_debit_is_never_reminded(self):
        debtor = self._customer("Payé SARL")
        invoice = self._direct_debit_invoice(debtor)
        self._register(invoice, DUE, payment_method_line_id=self.sdd.id)
        self.assertFalse(self._actions_of(debtor, day(9)))
        self.assertFalse(self._actions_of(debtor, day(20)))

    # ------------------------------------------------- early-payment discount
    def _discount_term(self, days):
        return self.env["account.payment.term"].create(
            {
                "name": f"30 jours, escompte 2 % à {days} jours",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": days,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )

    def _discount_invoice(self, customer, days, amount=1500.0):
        invoice = self._create_invoice(
            customer, amount, DUE, invoice_date=day(-30), post=False
        )
        invoice.invoice_payment_term_id = self._discount_term(days)
        invoice.action_post()
        item = self._receivable(invoice)
        self.assertEqual(item.date_maturity, DUE)
        self.assertEqual(item.discount_date, day(-30 + days))
        self.assertEqual(item.discount_balance, amount * 0.98)
        return invoice

    def test_discount_paid_in_time_is_not_a_debt(self):
        customer = self._customer("Escompte SARL")
        invoice = self._discount_invoice(customer, 10)
        self._register(invoice, day(-22), amount=1470.0)
        item = self._receivable(invoice)
        self.assertEqual(item.amount_residual, 30.0, "the discount, not written off")
        self.assertFalse(self._actions_of(customer, day(-5)))
        self.assertFalse(self._actions_of(customer, day(3)))
        self.assertFalse(self._actions_of(customer, day(20)))
        self.assertEqual(self._to_write_off().get(item), "discount")
        with freeze_time(day(20)):
            plan = self.env["account.dunning.planning"]._get_next_steps(
                invoice, day(20)
            )
        self.assertFalse(plan, "the invoice announces no reminder")

    def test_discount_paid_late_leaves_a_debt(self):
        customer = self._customer("Retard SARL")
        invoice = self._discount_invoice(customer, 10)
        self._register(invoice, day(-15), amount=1470.0)
        self.assertNotIn(self._receivable(invoice), self._to_write_off())
        action = self._actions_of(customer, day(3))
        self.assertEqual(action.amount_due, 30.0, "the discount was not earned")

    def test_pre_due_reminder_states_the_discount_until_its_date(self):
        open_discount = self._discount_invoice(self.customer, 28)
        action = self._run(day(-5))
        self.assertEqual(action.level_id, self.levels[0])
        letter = self.env["account.dunning.letter"]._get_values(action)
        discount = letter["lines"][0]["discount"]
        self.assertEqual(discount["amount"], 1470.0)
        self.assertEqual(discount["date"], day(-2))
        template = self.env.ref("account_dunning_fr.mail_template_dunning_pre_due")
        body = template._render_field("body_html", action.ids)[action.id]
        self.assertIn("1,470.00", body)
        self.assertIn("02/28/2026", body)
        self.assertTrue(open_discount)

    def test_pre_due_letter_states_the_discount_in_french(self):
        self._use_french(self.customer)
        self._discount_invoice(self.customer, 28)
        action = self._run(day(-5))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_dunning_fr.report_dunning_letter_pre_due", action.ids
        )[0]
        text = re.sub(
            r"[\s\u00a0\u202f]+", " ", lxml.html.fromstring(html).text_content()
        )
        self.assertIn("1 470,00 € si réglé au plus tard le 28/02/2026", text)
        self.assertIn("(escompte pour paiement anticipé)", text)

    def test_pre_due_reminder_after_discount_date_states_the_full_amount(self):
        self._discount_invoice(self.customer, 20)
        action = self._run(day(-5))
        self.assertEqual(action.level_id, self.levels[0])
        letter = self.env["account.dunning.letter"]._get_values(action)
        self.assertFalse(letter["lines"][0]["discount"])
        self.assertEqual(letter["total_open"], 1500.0)

    # ---------------------------------------------- pre-due minimum amount
    def test_pre_due_level_minimum_compares_the_amount_coming_due(self):
        self.levels[0].min_amount = 1000.0
        large = self._customer("Gros SARL")
        small = self._customer("Petit SARL")
        self._create_invoice(large, 1800.0, DUE)
        self._create_invoice(small, 800.0, DUE)
        self.assertFalse(self._actions_of(large, day(-6)), "not yet its day")
        self.assertEqual(self._actions_of(large, day(-5)).level_id, self.levels[0])
        self.assertFalse(self._actions_of(small, day(-5)), "below the minimum")
        self.assertEqual(self._actions_of(small, day(3)).level_id, self.levels[1])

    # ------------------------------------------------------ tiny residuals
    def test_tiny_residual_left_out_of_reminders_and_letters(self):
        rounded = self._create_invoice(self.customer, 1000.0, day(-20))
        late = self._create_invoice(self.customer, 600.0, DUE)
        self._register(rounded, day(-20), amount=999.97)
        tiny = self._receivable(rounded)
        self.assertAlmostEqual(tiny.amount_residual, 0.03)
        # Before the due date of the real debt: the residual alone is late,
        # yet nothing is claimed.
        self.assertFalse(self._run(day(-6)))
        action = self._run(day(20))
        self.assertEqual(action.move_ids, late)
        self.assertEqual(action.amount_due, 600.0)
        self.assertNotIn(tiny, action.line_ids.move_line_id)
        letter = self.env["account.dunning.letter"]._get_values(action)
        self.assertEqual([line["move"] for line in letter["lines"]], [late])
        self.assertEqual(letter["indemnity_count"], 1, "one 40 € indemnity")
        self.assertEqual(self._to_write_off().get(tiny), "residual")

    def test_item_tolerance_is_a_company_setting(self):
        self.company.write({"dunning_item_tolerance": 50.0, "dunning_tolerance": 0.0})
        customer = self._customer("Reliquat SARL")
        invoice = self._create_invoice(customer, 1000.0, DUE)
        self._register(invoice, DUE, amount=960.0)
        self.assertFalse(self._actions_of(customer, day(3)))
        self.company.dunning_item_tolerance = 0.0
        self.assertEqual(self._actions_of(customer, day(4)).amount_due, 40.0)

    def test_customer_tolerance_stays(self):
        """Items above the per-item tolerance still add up to the customer's
        position, compared with the customer-level tolerance."""
        self.company.dunning_tolerance = 5.0
        customer = self._customer("Deux Euros SARL")
        for _index in range(2):
            invoice = self._create_invoice(customer, 100.0, DUE)
            self._register(invoice, DUE, amount=98.0)
        self.assertFalse(self._actions_of(customer, day(3)), "4 € owed in all")
        invoice = self._create_invoice(customer, 100.0, DUE)
        self._register(invoice, DUE, amount=98.0)
        self.assertEqual(self._actions_of(customer, day(4)).amount_due, 6.0)
        self.assertEqual(
            self._run(day(4) + timedelta(days=1)).filtered(
                lambda a: a.partner_id == customer
            ),
            self.Action,
        )

    def test_actions_recorded_by_hand_leave_out_what_is_to_write_off(self):
        """A call or a formal notice about the customer's invoices claims
        what the run would: not the residual to write off."""
        rounded = self._create_invoice(self.customer, 1000.0, DUE)
        late = self._create_invoice(self.customer, 600.0, DUE)
        self._register(rounded, DUE, amount=999.5)
        with freeze_time(day(20)):
            vals = self.env["account.dunning.planning"]._prepare_action_vals(
                self.customer, rounded | late, day(20), level=self.levels[1]
            )
            action = self.Action.create(vals)
        self.assertEqual(action.line_ids.move_id, late)
        self.assertEqual(action.amount_due, 600.0)

    def test_write_off_list_opens_for_the_accountant(self):
        invoice = self._create_invoice(self.customer, 100.0, DUE)
        self._register(invoice, DUE, amount=99.2)
        action = self.env.ref(
            "account_dunning_fr.account_move_line_action_dunning_write_off"
        )
        Line = self.env["account.move.line"].with_user(self.accountant)
        Line.get_views([(action.view_id.id, "list"), (False, "search")])
        found = Line.web_search_read(
            [("dunning_write_off_reason", "=", "residual")],
            {"move_id": {}, "amount_residual": {}, "dunning_write_off_reason": {}},
        )
        self.assertEqual(found["length"], 1)
        self.assertEqual(found["records"][0]["dunning_write_off_reason"], "residual")
        self.assertAlmostEqual(found["records"][0]["amount_residual"], 0.8)
