"""Rules of the daily dunning run: levels, cadence, blocks and promises,
grouping, failures, activities, companies and rights."""

from datetime import date

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools.vocabularies import CHANNELS
from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestDunningEngine(DunningEngineCommon):
    def test_policy_walked_day_by_day(self):
        """60 days of daily runs, as a table: date -> level and channels."""
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        journal = {}
        for offset in range(-10, 51):
            for action in self._run_and_post(day(offset)):
                journal[offset] = (
                    action.level_id.name,
                    action.channels_display,
                    action.state,
                )
        self.assertEqual(
            journal,
            {
                -5: ("Rappel", "Email", "done"),
                3: ("Relance 1", "Email", "done"),
                # 3 + 8-day deadline + 1: never before the announced deadline
                12: ("Appel", "Phone Call", "done"),
                15: ("Relance 2", "Email, Letter", "done"),
                30: ("Mise en demeure", "Email, Registered Letter", "done"),
            },
        )
        self.assertEqual(invoice.dunning_level_id, self.levels[-1])
        self.assertEqual(invoice.dunning_last_date, day(30))
        self.assertEqual(invoice.dunning_formal_notice_date, day(30))
        actions = self.Action.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(actions), 5)
        notice = actions.filtered("send_registered_letter")
        self.assertRecordValues(
            notice, [{"print_state": "printed", "letter_sent_date": day(30)}]
        )
        for action in actions.filtered(lambda a: a.send_email):
            self.assertTrue(
                action.mail_id, f"{action.level_id.name}: an email is queued"
            )
            self.assertIn(action.letter_attachment_id, action.mail_id.attachment_ids)
            self.assertEqual(action.mail_id.recipient_ids, self.customer)
        self.assertEqual(
            invoice.dunning_action_line_ids.action_id,
            actions,
            "every action shows in the invoice's dunning tab",
        )
        self.assertNotIn(
            "Mise en demeure",
            " ".join(invoice.message_ids.mapped("body")),
            "nothing of it in the invoice's chatter",
        )

    def test_action_channels_bear_the_level_names(self):
        """A level's channels and the action's record of them are the same
        fields: the run copies each one under its own name, every channel
        on at once as much as one alone."""
        Level = self.env["account.dunning.level"]
        for fname in CHANNELS:
            self.assertEqual(Level._fields[fname].type, "boolean", fname)
            self.assertEqual(self.Action._fields[fname].type, "boolean", fname)
            self.assertTrue(self.Action._fields[fname].store, fname)
        self.customer.mobile = "+33 6 12 34 56 78"
        self.levels[1].write(dict.fromkeys(CHANNELS, True))
        self._create_invoice(self.customer, 700.0, DUE)
        actions = self.Action
        for offset in (-5, 3, 12):
            actions |= self._run_and_post(day(offset))
        self.assertEqual(actions.level_id, self.levels[:3])
        for action in actions:
            self.assertEqual(
                {fname: action[fname] for fname in CHANNELS},
                {fname: action.level_id[fname] for fname in CHANNELS},
                action.level_id.name,
            )
        everything = actions.filtered(lambda a: a.level_id == self.levels[1])
        self.assertTrue(all(everything[fname] for fname in CHANNELS))

    def test_run_twice_same_day_creates_nothing(self):
        self._create_invoice(self.customer, 500.0, DUE)
        first = self._run(day(3))
        self.assertEqual(len(first), 1)
        self.assertFalse(self._run(day(3)), "a second run the same day creates nothing")

    def test_one_reminder_a_day_whatever_the_cadence(self):
        """An invoice posted after the day's run, due for a level without
        cadence (the courtesy reminder): the customer already heard from us
        today, so it waits for tomorrow."""
        self._create_invoice(self.customer, 500.0, DUE)
        first = self._run(day(-5))
        self.assertEqual(first.level_id, self.levels[0])
        later = self._create_invoice(self.customer, 300.0, DUE)
        self.assertFalse(self._run(day(-5)), "no second letter the same day")
        tomorrow = self._run(day(-4))
        self.assertEqual(tomorrow.move_ids, later)
        self.assertEqual(tomorrow.level_id, self.levels[0])

    def test_to_validate_level_waits_and_is_not_duplicated(self):
        self.levels[1].auto_execute = False
        invoice = self._create_invoice(self.customer, 500.0, DUE)
        proposed = self._run(day(3))
        self.assertEqual(proposed.state, "proposed")
        self.assertFalse(invoice.dunning_level_id, "nothing happens before validation")
        self.assertFalse(self._run(day(4)), "a waiting proposal is not proposed again")
        with freeze_time(day(4)):
            proposed.with_user(self.accountant).action_execute()
        self.assertEqual(proposed.state, "done")
        self.assertEqual(invoice.dunning_level_id, self.levels[1])

    def test_paid_between_preview_and_execution(self):
        self.levels[1].auto_execute = False
        paid = self._create_invoice(self.customer, 500.0, DUE)
        unpaid = self._create_invoice(self.customer, 300.0, DUE)
        action = self._run(day(3))
        self.assertEqual(action.move_ids, paid | unpaid)
        self._pay(paid, day(4))
        with freeze_time(day(4)):
            action.action_execute()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.move_ids, unpaid, "the paid invoice is dropped")
        self.assertEqual(action.amount_due, 300.0)
        self.assertFalse(paid.dunning_level_id)

        self._pay(unpaid, day(5))
        # Nothing left: the next proposal is cancelled, never sent.
        late = self._create_invoice(self.customer, 100.0, day(-20))
        proposal = self._run(day(7))  # cadence: 3 days after the action of day 3
        self._pay(late, day(7))
        with freeze_time(day(7)):
            proposal.action_execute()
        self.assertEqual(proposal.state, "cancelled")
        self.assertFalse(proposal.mail_id)
        self.assertFalse(proposal.activity_ids)

    def test_blocked_invoice_and_promise(self):
        blocked = self._create_invoice(self.customer, 500.0, DUE)
        blocked.write(
            {"dunning_blocked": True, "dunning_block_reason": "Litige sur la livraison"}
        )
        promised = self._create_invoice(self.customer, 700.0, DUE)
        promised.dunning_promise_date = day(6)
        self.assertFalse(self._run(day(3)), "blocked and promised invoices wait")
        grace = self.company.dunning_promise_grace_days
        self.assertEqual(grace, 3, "default grace period after a promised date")
        self.assertFalse(
            self._run(day(6 + grace)), "the promise and its grace cover their days"
        )
        action = self._run(day(7 + grace))
        self.assertEqual(
            action.move_ids, promised, "the promise expired, the block holds"
        )

    def test_invoices_grouped_per_customer_and_level(self):
        invoices = self._create_invoice(
            self.customer, 100.0, DUE
        ) | self._create_invoice(self.customer, 200.0, day(-2))
        other = self._create_customer("Garage Leroy", dunning_policy_id=self.policy.id)
        other_invoice = self._create_invoice(other, 300.0, DUE)
        actions = self._run(day(3))
        self.assertEqual(len(actions), 2)
        mine = actions.filtered(lambda a: a.partner_id == self.customer)
        self.assertEqual(mine.move_ids, invoices, "one letter lists all the invoices")
        self.assertEqual(mine.amount_due, 300.0)
        self.assertEqual(
            actions.filtered(lambda a: a.partner_id == other).move_ids, other_invoice
        )

    def test_cadence_respected(self):
        first = self._create_invoice(self.customer, 100.0, DUE)
        self._run(day(3))  # Relance 1 for the first invoice
        second = self._create_invoice(self.customer, 200.0, day(-2))
        # The second invoice reaches "Relance 1" (3 days of cadence) only on day 4+...
        self.assertFalse(self._run(day(5)), "cadence: 3 days since the last action")
        action = self._run(day(6))
        self.assertEqual(action.line_ids.filtered("advanced").move_id, second)
        self.assertEqual(
            action.move_ids, first | second, "the reminder lists the whole account"
        )
        self.assertEqual(action.amount_due, 300.0)

    def test_failure_does_not_stop_the_run(self):
        no_email = self._create_customer(
            "Imprimerie Dubois", email=False, dunning_policy_id=self.policy.id
        )
        self._create_invoice(no_email, 400.0, DUE)
        self._create_invoice(self.customer, 500.0, DUE)
        actions = self._run(day(3))
        failed = actions.filtered(lambda a: a.partner_id == no_email)
        self.assertEqual(failed.state, "failed")
        self.assertIn("No email address", failed.failure_reason)
        self.assertFalse(failed.mail_id)
        self.assertEqual((actions - failed).state, "done")
        self.assertFalse(self._run(day(4)), "a failure counts for the cadence")

    def test_activities_on_the_right_users(self):
        self._create_invoice(self.customer, 8000.0, DUE)
        self.levels[2].notify_salesperson = True
        for offset in (-5, 3, 12):
            self._run(day(offset))
        call = self.Action.search(
            [
                ("partner_id", "=", self.customer.id),
                ("level_id", "=", self.levels[2].id),
            ]
        )
        activities = call.activity_ids
        call_type = self.env.ref("account_dunning_fr.mail_activity_type_dunning_call")
        info_type = self.env.ref(
            "account_dunning_fr.mail_activity_type_dunning_salesperson"
        )
        self.assertEqual(
            activities.filtered(lambda a: a.activity_type_id == call_type).user_id,
            self.followup_user,
        )
        self.assertEqual(
            activities.filtered(lambda a: a.activity_type_id == info_type).user_id,
            self.salesperson,
        )
        self.assertEqual(activities.mapped("date_deadline"), [day(13), day(13)])

    def test_tasks_of_a_customer_nobody_follows_go_to_the_company_default(self):
        """No dunning responsible, no salesperson, and the scheduled run
        works as OdooBot: the call goes to the company's default
        responsible, never to OdooBot."""
        self.customer.write({"dunning_followup_user_id": False, "user_id": False})
        self.company.dunning_followup_user_id = self.accountant
        self._create_invoice(self.customer, 8000.0, DUE)
        # As the scheduled action runs it.
        bot = self.Action.with_user(SUPERUSER_ID)
        for offset in (-5, 3, 12):
            with freeze_time(day(offset)):
                bot._run_dunning(date=day(offset), companies=self.company)
        call = self.Action.search(
            [
                ("partner_id", "=", self.customer.id),
                ("level_id", "=", self.levels[2].id),
            ]
        )
        self.assertEqual(call.activity_ids.user_id, self.accountant)

    def test_credit_hold(self):
        self.levels[-1].credit_hold = True
        self._create_invoice(self.customer, 900.0, day(-40))
        for offset in (-5, 3, 12, 15, 30):
            self._run_and_post(day(offset))
        # The formal notice gives 15 days: deliveries stop the day after.
        self.assertFalse(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_date, day(46))
        self._run(day(45))
        self.assertFalse(self.customer.dunning_credit_hold)
        self._run(day(46))
        self.assertTrue(self.customer.dunning_credit_hold)

    def test_credit_hold_spared_when_paid(self):
        self.levels[-1].credit_hold = True
        invoice = self._create_invoice(self.customer, 900.0, day(-40))
        for offset in (-5, 3, 12, 15, 30):
            self._run_and_post(day(offset))
        self._pay(invoice, day(40))
        self._run(day(46))
        self.assertFalse(self.customer.dunning_credit_hold)
        self.assertFalse(self.customer.dunning_credit_hold_date)

    def test_two_companies_kept_apart(self):
        other_company = self.setup_other_company()["company"]
        self._create_invoice(self.customer, 500.0, DUE)
        actions = self._run(day(3))
        self.assertEqual(actions.company_id, self.company)
        with freeze_time(day(3)):
            other_actions = self.Action._run_dunning(
                date=day(3), companies=other_company
            )
        self.assertFalse(other_actions)
        self.accountant.company_ids = self.company
        self.assertEqual(self.Action.with_user(self.accountant).search([]), actions)

    def test_salesperson_cannot_run(self):
        with self.assertRaises(AccessError):
            self.env["account.dunning.run.wizard"].with_user(self.salesperson).create(
                {}
            )
        self.levels[1].auto_execute = False
        self._create_invoice(self.customer, 500.0, DUE)
        proposal = self._run(day(3))
        with self.assertRaises(AccessError):
            proposal.with_user(self.salesperson).action_execute()
        self.assertEqual(proposal.state, "proposed")
        self.assertTrue(proposal.with_user(self.salesperson).read(["state"]))

    def test_prescribed_invoice_never_reminded(self):
        self._create_invoice(
            self.customer, 500.0, date(2020, 1, 10), invoice_date=date(2019, 12, 10)
        )
        self.assertFalse(self._run(date(2026, 1, 12)))

    def test_foreign_customer_reminded_in_writing(self):
        """A customer whose language we do not speak gets an email instead of
        a phone call."""
        self.env["res.lang"]._activate_lang("de_DE")
        german = self._create_customer(
            "Schreinerei Bauer GmbH", lang="de_DE", dunning_policy_id=self.policy.id
        )
        self._create_invoice(german, 800.0, day(-20))
        self._run(day(-17))  # Relance 1
        call_level = self._run(day(3))
        self.assertEqual(call_level.level_id, self.levels[2])
        self.assertFalse(call_level.create_call)
        self.assertTrue(call_level.send_email)
        self.assertTrue(call_level.mail_id, "the reminder went out in writing")
        self.assertFalse(call_level.activity_ids)

    def test_next_action_date_shown_on_the_invoice(self):
        """The invoice and its customer show when the run will act next."""
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        with freeze_time(day(-10)):
            self.assertEqual(invoice.dunning_next_date, day(-5), "courtesy reminder")
        self._run(day(-5))
        self._run(day(3))
        self.env.invalidate_all()
        with freeze_time(day(4)):
            # Relance 1 announced 8 days: the call comes the day after, on day 12.
            self.assertEqual(invoice.dunning_next_date, day(12))
            self.assertEqual(self.customer.dunning_next_date, day(12))
            invoice.dunning_promise_date = day(20)
            grace = self.company.dunning_promise_grace_days
            self.assertEqual(invoice.dunning_next_date, day(21 + grace))

    def test_displayed_next_level_is_what_the_run_does(self):
        """The invoice announces the level the run will carry out, including
        when the run passes levels over (due date gone, amount too small)."""
        self.levels[2].min_amount = 5000.0  # the call: large amounts only
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        steps = []
        for on in (day(2), day(13), day(20)):
            self.env.invalidate_all()
            with freeze_time(on):
                shown = (invoice.dunning_next_level_id, invoice.dunning_next_date)
            steps.append(shown[0])
            action = self._run_and_post(shown[1])
            self.assertEqual(action.level_id, shown[0], f"on {on}")
        self.assertEqual(
            steps,
            [self.levels[1], self.levels[3], self.levels[4]],
            "the courtesy reminder (due date gone) and the call (under its "
            "minimum) are passed over",
        )

    def test_next_level_waits_for_the_letter_to_leave(self):
        """No level overtakes a letter still waiting in the post room, and
        the formal notice is dated the day its registered letter leaves."""
        invoice = self._create_invoice(self.customer, 1200.0, DUE)
        for offset in (-5, 3, 12, 15):
            self._run_and_post(day(offset))
        notice = self._run(day(30))
        self.assertEqual(notice.level_id, self.levels[-1])
        self.assertEqual(notice.print_state, "to_print")
        self.assertFalse(
            invoice.dunning_formal_notice_date, "the registered letter has not left"
        )
        self.assertFalse(self._run(day(40)), "nothing overtakes a letter not sent")
        with freeze_time(day(32)):
            notice.action_mark_printed()
        notice.registered_ack_date = day(34)
        self.assertRecordValues(
            invoice,
            [
                {
                    "dunning_formal_notice_date": day(32),
                    "dunning_formal_notice_ack_date": day(34),
                }
            ],
        )
