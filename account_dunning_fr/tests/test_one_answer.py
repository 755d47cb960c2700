"""One question, one answer: what the invoice, the letter and the action show
is what the run does (due date, prescription, announced deadline, whether a
level runs by itself, who receives each channel, what an invoice still owes
and what may be claimed of an item, in company currency whatever the
invoice's currency)."""

import importlib.util
from datetime import date

import lxml.html
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import file_path, format_amount

from .common_engine import DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestOneAnswer(DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two dollars for a euro: an invoice of 1 000 $ owes 500 €.
        cls.usd = cls.setup_other_currency("USD", rates=[("2020-01-01", 2.0)])

    def _dollar_invoice(self, amount):
        invoice = self._create_invoice(self.customer, amount, day(0), post=False)
        invoice.write({"currency_id": self.usd.id})
        invoice.action_post()
        return invoice

    def _invoice_in_instalments(self, invoice_date, first_days, second_days, amount):
        term = self.env["account.payment.term"].create(
            {
                "name": "Moitié à l'échéance, moitié plus tard",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 50.0,
                            "nb_days": first_days,
                        }
                    ),
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 50.0,
                            "nb_days": second_days,
                        }
                    ),
                ],
            }
        )
        invoice = self._create_invoice(
            self.customer, amount, invoice_date, invoice_date=invoice_date, post=False
        )
        invoice.write({"invoice_payment_term_id": term.id})
        invoice.action_post()
        return invoice

    def test_due_date_of_each_item_is_the_runs(self):
        """Each instalment falls due on its own date, for the run's plain
        items, the letters and the action lines alike."""
        invoice = self._invoice_in_instalments(day(-40), 0, 60, 2000.0)
        items = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(
            [item._dunning_due_date() for item in items], [day(-40), day(20)]
        )
        plain = self.env["account.dunning.planning"]._get_items(day(3))
        debits, _credits = plain[self.customer.id]
        self.assertEqual(
            {item.id: item.due for item in debits},
            {item.id: item._dunning_due_date() for item in items},
        )
        action = self._run(day(3))
        self.assertEqual(action.line_ids.move_line_id, items[0])

    def test_prescription_per_instalment_shown_on_the_invoice(self):
        """An instalment barred by the five years of C. com. L110-4 is never
        reminded, and its invoice says so, although its last instalment is
        still within the period."""
        run_date = date(2026, 3, 5)
        invoice = self._invoice_in_instalments(date(2021, 1, 4), 0, 365 * 2, 1000.0)
        first, last = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertLess(first._dunning_prescription_date(), run_date)
        self.assertGreater(last._dunning_prescription_date(), run_date)
        with freeze_time(run_date):
            invoice.invalidate_recordset()
            self.assertTrue(invoice.dunning_prescribed)
            self.assertEqual(
                invoice.dunning_prescription_date, first._dunning_prescription_date()
            )
            self.assertIn(
                invoice,
                self.env["account.move"].search([("dunning_prescribed", "=", True)]),
            )
        action = self._run(run_date)
        self.assertNotIn(first, action.line_ids.move_line_id, "barred: never claimed")
        self.assertIn(last, action.line_ids.move_line_id)

    def test_highest_level_of_invoice_and_customer_is_the_runs(self):
        """An invoice shows the highest level its items reached, and the
        customer the highest of all: the rule the run plans with (latest
        trigger, then sequence, then the level created first), whatever
        the order the levels are read in."""
        invoice = self._invoice_in_instalments(day(-40), 0, 60, 2000.0)
        other = self._create_invoice(self.customer, 300.0, day(-1))
        items = (invoice | other).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # The instalment not yet due keeps the courtesy reminder it got: the
        # run leaves it, and the invoice then has items at two levels.
        later = items.filtered(lambda i: i.date_maturity == day(20))
        later.dunning_level_id = self.levels[0]
        self._run(day(3))

        def by_hand(levels):
            return max(levels, key=lambda lvl: (lvl.delay_days, lvl.sequence, -lvl.id))

        self.assertEqual(len(invoice.line_ids.dunning_level_id), 2)
        for move in invoice | other:
            reached = items.filtered(lambda i, m=move: i.move_id == m).dunning_level_id
            self.assertEqual(move.dunning_level_id, by_hand(reached))
            self.assertEqual(move.dunning_level_id, reached._get_highest())
        self.assertNotEqual(invoice.dunning_level_id, self.levels[0])
        self.customer.invalidate_recordset()
        self.assertEqual(
            self.customer.dunning_level_id, by_hand(items.dunning_level_id)
        )
        # A level of another policy ranked alike (same trigger, same
        # sequence), created later: the first one stays the highest.
        first = self.levels[1]
        alike = self._create_policy(
            "Autre politique",
            [self._level_vals(first.sequence, first.delay_days, name="Relance")],
        ).level_ids
        self.assertEqual((first | alike)._get_highest(), first)
        self.assertEqual((alike | first)._get_highest(), first)
        self.assertFalse(self.env["account.dunning.level"]._get_highest())
        invoice.dunning_level_id = alike
        other.dunning_level_id = first
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dunning_level_id, first)

    def test_announced_deadline_is_the_levels(self):
        """The deadline the action records, the one a validation later
        moves, and the one the letter prints come from the level."""
        level = self.levels[1]
        level.auto_execute = False
        self._create_invoice(self.customer, 800.0, day(0))
        proposal = self._run(day(3))
        self.assertEqual(proposal.deadline_date, level._get_deadline_date(day(3)))
        self.assertEqual(proposal.deadline_date, day(11))
        Letter = self.env["account.dunning.letter"]
        self.assertEqual(Letter._get_deadline(proposal, day(3)), day(11))
        with freeze_time(day(5)):
            proposal.with_user(self.accountant).action_execute()
        self.assertEqual(proposal.date, day(5))
        self.assertEqual(proposal.deadline_date, level._get_deadline_date(day(5)))

    def test_whether_a_level_runs_by_itself(self):
        """A level that runs by itself is carried out by the run; one that
        waits for the accountant stays proposed."""
        self._create_invoice(self.customer, 800.0, day(0))
        self.levels[1].auto_execute = False
        proposal = self._run(day(3))
        self.assertFalse(proposal._runs_by_itself())
        self.assertEqual(proposal.state, "proposed")
        self.levels[1].auto_execute = True
        self.assertTrue(proposal._runs_by_itself())

    def test_recipient_chosen_once_for_every_channel(self):
        """The email, its delivery and the action name the same recipient:
        the one chosen along the recipient chain when the action left."""
        contact = self._create_contact(
            self.customer, "Comptabilité Moreau", roles=("accounting",)
        )
        self.customer.dunning_company_size = "sme"
        self._create_invoice(self.customer, 800.0, day(0))
        action = self._run(day(3))
        self.assertEqual(action.email_partner_id, contact)
        self.assertEqual(action._get_recipient("email"), contact)
        self.assertEqual(action.mail_id.recipient_ids, contact)
        email = action.delivery_ids.filtered(lambda d: d.channel == "email")
        self.assertEqual(email.recipient_id, contact)
        self.assertIn(contact.display_name, action.recipient_note)

    def test_what_a_foreign_invoice_owes_is_what_the_run_claims(self):
        """An invoice of 1 000 $ owes 500 €: the run claims it, the invoice,
        the task of the call level, the call form (its voicemail too), the
        promise taken on the phone and on the portal, and the dispute say
        the same, in company currency; whether the promise was kept is
        weighed in it too."""
        euro = self.company.currency_id
        invoice = self._dollar_invoice(1000.0)
        for offset in (-5, 3):
            self._run(day(offset))
        call_level = self._run(day(12))
        self.assertEqual(call_level.level_id, self.levels[2])
        self.assertEqual(call_level.amount_due, 500.0)
        self.assertEqual(sum(call_level.line_ids.mapped("amount_residual")), 500.0)
        self.assertEqual(invoice._dunning_open_amount(), call_level.amount_due)
        task = call_level.activity_ids
        shown = format_amount(
            self.env(context={"lang": task.user_id.lang}), 500.0, euro
        )
        note = lxml.html.fromstring(task.note).text_content()
        self.assertIn(shown, note, "the task's note: what is claimed")
        self.assertNotIn("$", note)

        with freeze_time(day(13)):
            context = call_level.with_user(self.accountant).action_dunning_log_call()[
                "context"
            ]
            Call = self.env["account.dunning.call"].with_user(self.accountant)
            form = Form(Call.with_context(**context))
            self.assertEqual(form.amount_open, call_level.amount_due)
            form.outcome = "not_reached"
            lang = self.customer.lang or "en_US"
            self.assertIn(
                format_amount(self.env(context={"lang": lang}), 500.0, euro),
                form.voicemail_text,
                "the voicemail gives the figure the caller reads",
            )
            form.outcome = "reached"
            form.delay_reason = "cash"
            form.next_call_date = day(20)
            form.promise_date = day(20)
            form.save().action_confirm()
        self.assertRecordValues(
            invoice,
            [
                {
                    "dunning_promise_amount": call_level.amount_due,
                    "dunning_promise_base_residual": call_level.amount_due,
                }
            ],
        )

        # 400 € promised; 500 $ paid are 250 €: the promise is broken.
        Promise = self.env["account.dunning.promise"]
        call = invoice.dunning_promise_action_id
        Promise._record(invoice, day(20), 400.0, call)
        self._pay(invoice, day(15), amount=500.0)
        self.assertEqual(invoice._dunning_open_amount(), 250.0)
        self.assertFalse(Promise._is_kept(invoice), "250 € paid of 400 € promised")
        Promise._record(invoice, day(20), 200.0, call)
        self._pay(invoice, day(16), amount=400.0)
        self.assertTrue(Promise._is_kept(invoice), "200 € paid of 200 € promised")

        # The portal weighs a promise against the same figure.
        other = self._dollar_invoice(600.0)
        Portal = self.env["account.dunning.portal"]
        self.assertEqual(Portal._check_promise_amount(other, ""), 300.0)
        self.assertEqual(Portal._check_promise_amount(other, "300"), 300.0)
        with self.assertRaises(UserError, msg="above the 300 € it owes"):
            Portal._check_promise_amount(other, "301")

        dispute = (
            self.env["account.dunning.dispute"]
            .with_user(self.accountant)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(other.ids)],
                    "reason": "Quantité livrée contestée",
                }
            )
        )
        self.assertEqual(dispute.amount_disputed, other._dunning_open_amount())
        self.assertEqual(dispute.amount_disputed, 300.0)

    def test_what_may_be_claimed_of_a_foreign_item_is_what_the_run_claims(self):
        """The buyer's platform approves 600 $ of an invoice of 1 000 $ (status
        206): 300 € are claimed, 200 € are disputed. The run's lines, the
        item's claimable amount, the dispute and the status's text agree,
        in company currency."""
        euro = self.company.currency_id
        invoice = self._dollar_invoice(1000.0)
        with freeze_time(day(1)):
            invoice.with_user(self.accountant)._dunning_receive_einvoice_status(
                "206", day(1), reason_code="PU_ERR", amount=600.0
            )
        item = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(item._dunning_claimable_amounts(), {item.id: (300.0, 600.0)})
        action = self._run(day(3))
        self.assertRecordValues(
            action.line_ids,
            [{"move_line_id": item.id, "amount_residual": 300.0}],
        )
        self.assertEqual(action.amount_due, 300.0)
        dispute = self.env["account.dunning.dispute"].search(
            [("move_ids", "in", invoice.ids), ("state", "=", "open")]
        )
        self.assertEqual(dispute.amount_disputed, 200.0)
        self.assertEqual(
            dispute.amount_disputed + action.amount_due, invoice._dunning_open_amount()
        )
        self.assertIn(format_amount(self.env, 300.0, euro), dispute.reason)
        self.assertIn(format_amount(self.env, 200.0, euro), dispute.reason)

    def test_pending_promise_brought_to_company_currency(self):
        """A promise pending on an invoice in another currency was kept in
        that currency: the migration of 18.0.1.0.3 brings it to company
        currency at the invoice's rate; a promise in euros stays."""
        dollars = self._dollar_invoice(1000.0)
        euros = self._create_invoice(self.customer, 300.0, day(0))
        for move, promised, base in ((dollars, 800.0, 1000.0), (euros, 200.0, 300.0)):
            self.env.cr.execute(
                """
                UPDATE account_move
                   SET dunning_promise_date = %s,
                       dunning_promise_amount = %s,
                       dunning_promise_base_residual = %s
                 WHERE id = %s
                """,
                (day(20), promised, base, move.id),
            )
        path = file_path("account_dunning_fr/migrations/18.0.1.0.3/post-migrate.py")
        spec = importlib.util.spec_from_file_location("post_migrate_18_0_1_0_3", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.0.1")
        (dollars | euros).invalidate_recordset()
        self.assertRecordValues(
            dollars | euros,
            [
                {
                    "dunning_promise_amount": 400.0,
                    "dunning_promise_base_residual": dollars._dunning_open_amount(),
                },
                {
                    "dunning_promise_amount": 200.0,
                    "dunning_promise_base_residual": 300.0,
                },
            ],
        )
