"""The run under real concurrency, on database connections of its own: two
runs at once, a callback killed in the middle, a payment registered while a
run goes on.

The data must be committed for other connections to see it, so these tests
work outside the test transaction and archive their company at the end.
"""

import threading
from contextlib import closing
from unittest.mock import patch

from odoo.tests import tagged

from ..models import account_dunning_run as run_model
from ..models.account_dunning_run_unit import AccountDunningRunUnit
from .common_committed import RUN_DATE, DunningCommittedCase


@tagged("post_install", "-at_install", "dunning_reliability")
class TestRunReliability(DunningCommittedCase):
    def _progress_id(self):
        with closing(self._cursor()) as cr:
            env = self._env(cr)
            cron = env.ref("account_dunning_fr.ir_cron_account_dunning_run_units")
            progress = env["ir.cron.progress"].create({"cron_id": cron.id})
            cr.commit()  # pylint: disable=invalid-commit
            return progress.id

    # What one run finds locked by the other is refused by the database: a
    # race the run expects, which it does not log as a failed query.
    def test_two_runs_at_once_one_action_per_customer(self):
        """Two runs of the same 40 customers, each committing sets of 10
        (four sets each, as 200 customers in sets of 50): every customer
        reminded once."""
        company_id, partner_ids, __ = self._setup_committed_data(40, "Deux Runs")
        run_ids = [self._start_run(company_id), self._start_run(company_id)]
        barrier = threading.Barrier(2)
        errors = []

        def work(run_id):
            threading.current_thread().dbname = self.registry.db_name
            try:
                with closing(self._cursor()) as cr:
                    env = self._env(cr, company_id)
                    Run = env["account.dunning.run"].with_context(
                        ir_cron_progress_id=self._progress_id()
                    )
                    barrier.wait(timeout=120)
                    Run._carry_out_pending(runs=Run.browse(run_id))
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        threads = [threading.Thread(target=work, args=(rid,)) for rid in run_ids]
        with (
            patch.object(run_model, "COMMIT_SET_SIZE", 10),
            self._registry_open_to_threads(),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
        self.assertFalse(errors)
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            runs = env["account.dunning.run"].browse(run_ids)
            # What a worker found held by the other waits for a later claim.
            env["account.dunning.run"]._carry_out_pending(runs=runs)
            actions = self._live_actions(env, partner_ids)
            self.assertEqual(len(actions), 40)
            self.assertEqual(set(actions.partner_id.ids), set(partner_ids))
            self.assertEqual(set(runs.mapped("state")), {"done"})
            self.assertEqual(sum(runs.mapped("done_count")), 40)
            self.assertEqual(sum(runs.mapped("skipped_count")), 40)
            cr.commit()  # pylint: disable=invalid-commit

    def test_killed_callback_resumed_by_the_next(self):
        """The second set of units (5 to 8 of 12) dies with its worker: the
        runner calls again, the next callback finishes the rest; none is
        missed or done twice, and the scheduled action is not counted as
        failed."""
        company_id, partner_ids, __ = self._setup_committed_data(12, "Run Tué")
        run_id = self._start_run(company_id)
        calls = []
        execute_units = AccountDunningRunUnit._carry_out_units

        def dying(units):
            calls.append(len(units))
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return execute_units(units)

        IrCron = self.registry["ir.cron"]
        with closing(self._cursor()) as cron_cr:
            cron = self._env(cron_cr).ref(
                "account_dunning_fr.ir_cron_account_dunning_run_units"
            )
            cron_cr.execute(
                "UPDATE ir_cron SET nextcall = (now() at time zone 'UTC') - "
                "interval '1 minute', failure_count = 0 WHERE id = %s",
                [cron.id],
            )
            cron_cr.commit()  # pylint: disable=invalid-commit
            job = IrCron._acquire_one_job(cron_cr, cron.id)
            self.assertTrue(job)
            with (
                patch.object(AccountDunningRunUnit, "_carry_out_units", dying),
                patch.object(run_model, "COMMIT_SET_SIZE", 4),
                patch.object(run_model, "_commit_allowed", lambda: True),
                self.assertLogs("odoo.addons.base.models.ir_cron", "ERROR"),
            ):
                IrCron._process_job(self.registry.db_name, cron_cr, job)
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            run = env["account.dunning.run"].browse(run_id)
            self.assertRecordValues(
                run, [{"state": "done", "done_count": 12, "pending_count": 0}]
            )
            actions = self._live_actions(env, partner_ids)
            self.assertEqual(len(actions), 12)
            self.assertEqual(set(actions.partner_id.ids), set(partner_ids))
            self.assertEqual(sum(calls), 16, "the killed set was taken up again")
            units_cron = env.ref("account_dunning_fr.ir_cron_account_dunning_run_units")
            self.assertEqual(units_cron.failure_count, 0)

    def test_payment_during_run_not_blocked_and_not_reminded(self):
        """While the unit of the second customer runs, payments on the first
        (done) and the fourth (pending) customers go through at once, and the
        fourth is not reminded. With sets of one customer: a payment waits
        for the set that holds its invoice, never longer."""
        company_id, partner_ids, invoice_ids = self._setup_committed_data(
            5, "Paiement Concurrent"
        )
        run_id = self._start_run(company_id)
        in_unit, go_on = threading.Event(), threading.Event()
        errors = []
        carry_out = AccountDunningRunUnit._carry_out_set

        def slow(units):
            if partner_ids[1] in units.partner_id.ids:
                in_unit.set()
                go_on.wait(timeout=120)
            return carry_out(units)

        def work():
            threading.current_thread().dbname = self.registry.db_name
            try:
                with closing(self._cursor()) as cr:
                    Run = self._env(cr, company_id)["account.dunning.run"]
                    Run = Run.with_context(ir_cron_progress_id=self._progress_id())
                    Run._carry_out_pending(runs=Run.browse(run_id))
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        with (
            patch.object(AccountDunningRunUnit, "_carry_out_set", slow),
            patch.object(run_model, "COMMIT_SET_SIZE", 1),
            self._registry_open_to_threads(),
        ):
            thread = threading.Thread(target=work)
            thread.start()
            try:
                self.assertTrue(in_unit.wait(timeout=120))
                with closing(self._cursor()) as cr:
                    # Blocked by anything longer than the unit in progress,
                    # the payment fails instead of waiting.
                    cr.execute("SET lock_timeout = '5s'")
                    env = self._env(cr, company_id)
                    for invoice_id in (invoice_ids[0], invoice_ids[3]):
                        env["account.payment.register"].with_context(
                            active_model="account.move", active_ids=[invoice_id]
                        ).create({"payment_date": RUN_DATE})._create_payments()
                    cr.commit()  # pylint: disable=invalid-commit
            finally:
                go_on.set()
                thread.join(timeout=600)
        self.assertFalse(errors)
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            run = env["account.dunning.run"].browse(run_id)
            self.assertEqual(run.state, "done")
            reminded = self._live_actions(env, partner_ids).partner_id.ids
            self.assertNotIn(partner_ids[3], reminded, "paid meanwhile: not reminded")
            self.assertIn(partner_ids[0], reminded, "reminded before its payment")
            self.assertEqual(len(reminded), 4)
            self.assertFalse(
                env["account.move"].browse(invoice_ids[3]).dunning_level_id
            )
