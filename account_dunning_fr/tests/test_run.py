"""The persistent run: failures listed on it, the run wizard in the
background above its threshold, the user notified when it is finished."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..wizards import account_dunning_run_wizard as wizard_module
from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestDunningRun(DunningEngineCommon):
    def _due_customers(self, count, prefix="Client", **vals):
        customers = self.env["res.partner"]
        for i in range(count):
            customer = self._create_customer(
                f"{prefix} {i}", dunning_policy_id=self.policy.id, **vals
            )
            self._create_invoice(customer, 100.0 + i, DUE)
            customers |= customer
        return customers

    # The broken template's letter is logged with its traceback, as in
    # production.
    @mute_logger("odoo.addons.account_dunning_fr.models.account_dunning_send")
    def test_failures_are_listed_and_the_others_done(self):
        """10 % of the customers without an email address and one broken
        template: every other customer is reminded, the failures are listed
        on the run with their reason."""
        reachable = self._due_customers(17)
        no_email = self._due_customers(2, "Sans courriel", email=False)
        broken_template = self.env["mail.template"].create(
            {
                "name": "Relance cassée",
                "model_id": self.env.ref(
                    "account_dunning_fr.model_account_dunning_action"
                ).id,
                "subject": "Relance",
                "body_html": "<p><t t-out='object.no_such_field.name'/></p>",
            }
        )
        broken_policy = self._create_policy(
            "Politique cassée",
            [
                self._level_vals(
                    10, 3, name="Relance cassée", mail_template_id=broken_template.id
                )
            ],
        )
        broken = self._create_customer(
            "Gabarit Cassé", dunning_policy_id=broken_policy.id
        )
        self._create_invoice(broken, 500.0, DUE)

        actions = self._run(day(3))
        run = actions.run_id
        self.assertEqual(len(run), 1)
        # The broken template fails when its email leaves, with the letter
        # rendered apart, after its customer's unit: listed on the run too.
        self.assertRecordValues(
            run,
            [
                {
                    "state": "done",
                    "unit_count": 20,
                    "done_count": 18,
                    "failed_count": 2,
                    "letter_failed_count": 1,
                }
            ],
        )
        self.assertEqual(set(run.failed_unit_ids.partner_id), set(no_email))
        self.assertTrue(all(run.failed_unit_ids.mapped("failure_reason")))
        broken_action = actions.filtered(lambda a: a.partner_id == broken)
        self.assertEqual(broken_action.letter_render_state, "failed")
        self.assertTrue(broken_action.letter_render_error)
        done = actions.filtered(
            lambda a: a.state == "done" and a.letter_render_state != "failed"
        )
        self.assertEqual(set(done.partner_id), set(reachable))
        self.assertIn("18", run.channel_summary)

    def test_unit_claims_what_is_open_when_carried_out(self):
        """A unit keeps which items its action lists and at which level; the
        amounts are those of the day it is carried out: a part-payment
        registered after the planning lowers the claim, and an invoice paid
        in full leaves the letter."""
        part, full = (
            self._create_invoice(self.customer, amount, DUE)
            for amount in (800.0, 300.0)
        )
        Run = self.env["account.dunning.run"]
        with freeze_time(day(3)):
            run = Run._start(self.company, day(3), "scheduled")
            self.assertEqual(run.unit_ids.action_vals["amount_due"], 1100.0)
            self._pay(part, day(3), amount=200.0)
            self._pay(full, day(3))
            Run._carry_out_pending(runs=run)
        action = run.action_ids
        self.assertEqual(action.state, "done")
        self.assertEqual(action.level_id, run.unit_ids.level_id)
        self.assertEqual(action.amount_due, 600.0)
        self.assertRecordValues(
            action.line_ids,
            [
                {
                    "move_id": part.id,
                    "amount_residual": 600.0,
                    "level_id": action.level_id.id,
                    "advanced": True,
                }
            ],
        )
        self.assertEqual(part.dunning_level_id, action.level_id)
        self.assertFalse(full.dunning_level_id)

    def test_wizard_runs_in_background_above_threshold(self):
        customers = self._due_customers(wizard_module.BACKGROUND_THRESHOLD + 1)
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_run_units")
        with freeze_time(day(3)):
            wizard = self._preview(day(3))
            self.assertEqual(len(wizard.unit_ids), len(customers))
            self.assertEqual(wizard.run_id.state, "proposed")
            result = wizard.action_execute()
        run = wizard.run_id
        self.assertEqual(
            (result["res_model"], result["res_id"]), ("account.dunning.run", run.id)
        )
        self.assertRecordValues(
            run,
            [{"state": "running", "pending_count": 21, "origin": "manual"}],
        )
        self.assertEqual(run.user_id, self.accountant)
        self.assertFalse(run.action_ids, "nothing sent yet")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the scheduled action is called at once",
        )

        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        with freeze_time(day(3)):
            # As the scheduled action runs: the superuser, over every company.
            self.env["account.dunning.run"].sudo().with_context(
                ir_cron_progress_id=progress.id
            )._cron_carry_out_runs()
        self.assertEqual((progress.done, progress.remaining), (21, 0))
        run.invalidate_recordset()
        self.assertRecordValues(run, [{"state": "done", "done_count": 21}])
        self.assertEqual(set(run.action_ids.mapped("state")), {"done"})
        self.assertEqual(len(run.action_ids), 21)
        self.assertEqual(
            run.action_ids.user_id, self.accountant, "carried out with their rights"
        )
        notified = run.message_ids.filtered(
            lambda m: self.accountant.partner_id in m.partner_ids
        )
        self.assertTrue(notified, "the accountant is told the run is finished")

    def test_wizard_below_threshold_runs_inline(self):
        self._due_customers(2)
        with freeze_time(day(3)):
            wizard = self._preview(day(3))
            wizard.action_execute()
        self.assertEqual(wizard.state, "done")
        self.assertRecordValues(
            wizard.run_id, [{"state": "done", "done_count": 2, "origin": "manual"}]
        )

    def test_preview_waits_for_the_accountant_then_expires(self):
        self._due_customers(2)
        with freeze_time(day(3)):
            wizard = self._preview(day(3))
            again = self._preview(day(3))
        run = wizard.run_id
        self.assertEqual(run.state, "proposed")
        # The scheduled action leaves it alone.
        self.env["account.dunning.run"].sudo()._cron_carry_out_runs()
        self.assertFalse(run.action_ids)
        self.assertEqual(set(run.unit_ids.mapped("state")), {"pending"})
        # A day later, nobody carried it out: the clean-up removes it.
        self.env.cr.execute(
            "UPDATE account_dunning_run SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=25), run.id),
        )
        self.env["account.dunning.run"]._gc_proposed_runs()
        self.assertFalse(run.exists())
        self.assertTrue(again.run_id.exists(), "a recent preview is kept")
        with self.assertRaisesRegex(UserError, "preview the run again"):
            wizard.action_execute()
        with freeze_time(day(3)):
            again.action_execute()
        self.assertEqual(again.run_id.state, "done")
        with self.assertRaisesRegex(UserError, "preview the run again"):
            again.run_id._validate()

    def test_an_answer_during_the_preview_leaves_the_customer_out(self):
        promising, silent = self._due_customers(2)
        with freeze_time(day(3)):
            wizard = self._preview(day(3))
            self.env["account.dunning.call"].with_user(self.accountant).create(
                {
                    "partner_id": promising.id,
                    "outcome": "reached",
                    "delay_reason": "cash",
                    "promise_date": day(10),
                    "next_call_date": day(12),
                }
            ).action_confirm()
            promised = wizard.unit_ids.filtered(lambda u: u.partner_id == promising)
            self.assertEqual(promised.state, "skipped")
            self.assertIn("the customer answered", promised.failure_reason)
            wizard.action_execute()
        self.assertEqual(wizard.action_ids.partner_id, silent)

    def test_runs_kept_per_company(self):
        other = self.setup_other_company()["company"]
        self._due_customers(1)
        self._run(day(3))
        self.accountant.company_ids = self.company
        runs = self.env["account.dunning.run"].with_user(self.accountant).search([])
        self.assertEqual(runs.company_id, self.company)
        self.assertNotIn(other, runs.company_id)

    def test_salesperson_sees_no_run(self):
        self._due_customers(1)
        self._run(day(3))
        with self.assertRaises(AccessError):
            self.env["account.dunning.run"].with_user(self.salesperson).search([])
