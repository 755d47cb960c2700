"""Runs carried out by queue jobs: each unit enqueued once on the dunning
channel, two job runners sharing a run without a duplicate, the run closed by
its own job once its last unit is done."""

import threading
from collections import Counter
from contextlib import closing
from unittest.mock import patch

from psycopg2 import OperationalError

from odoo.tests import tagged

from odoo.addons.account_dunning_fr.models.account_dunning_run_unit import (
    AccountDunningRunUnit,
)
from odoo.addons.account_dunning_fr.tests.common_committed import DunningCommittedCase
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job


@tagged("post_install", "-at_install")
class TestQueueDispatch(DunningCommittedCase):
    def _dispatch(self, company_id, times=1):
        """What the scheduled action's callback does, ``times`` times:
        enqueue the units; return the jobs of units and of closing."""
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr, company_id)
            for __ in range(times):
                env["account.dunning.run"]._cron_carry_out_runs()
            cr.commit()  # pylint: disable=invalid-commit
            runs = env["account.dunning.run"].search([("company_id", "=", company_id)])
            keys = [f"account_dunning_fr_queue.unit.{i}" for i in runs.unit_ids.ids]
            keys += [f"account_dunning_fr_queue.run.{i}.finish" for i in runs.ids]
            jobs = env["queue.job"].search([("identity_key", "in", keys)], order="id")
            units = jobs.filtered(lambda j: j.method_name == "_job_execute")
            finish = jobs.filtered(lambda j: j.method_name == "_job_finish")
            return (
                units.mapped("uuid"),
                finish.mapped("uuid"),
                set(jobs.mapped("channel")),
            )

    def _perform(self, company_id, uuid):
        """One job, as a runner performs it: in its own transaction,
        committed when it ends, rolled back when it must be tried again.

        :return: the job's result, or "retry"
        """
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr, company_id)
            try:
                result = Job.load(env, uuid).perform()
            except (RetryableJobError, OperationalError):
                cr.rollback()
                return "retry"
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def test_units_enqueued_once_on_the_dunning_channel(self):
        company_id, __, __ = self._setup_committed_data(6, "File Unique")
        self._start_run(company_id)
        unit_jobs, finish_jobs, channels = self._dispatch(company_id, times=3)
        self.assertEqual(len(unit_jobs), 6, "one job per unit, whatever the callbacks")
        self.assertEqual(len(finish_jobs), 1, "one closing job per run")
        self.assertEqual(channels, {"root.dunning"})

    def test_two_job_runners_share_a_run_without_duplicate(self):
        company_id, partner_ids, __ = self._setup_committed_data(30, "Deux Runners")
        run_id = self._start_run(company_id)
        unit_jobs, finish_jobs, __ = self._dispatch(company_id)
        self.assertEqual(self._perform(company_id, finish_jobs[0]), "retry")
        barrier = threading.Barrier(2)
        results, errors = [], []

        def runner(uuids):
            threading.current_thread().dbname = self.registry.db_name
            try:
                barrier.wait(timeout=120)
                for uuid in uuids:
                    # One append at a time: both threads add to the list.
                    results.append((uuid, self._perform(company_id, uuid)))
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        # Both runners take every job, in opposite orders: they meet on each
        # unit once, and race on the ones in the middle.
        threads = [
            threading.Thread(target=runner, args=(order,))
            for order in (unit_jobs, unit_jobs[::-1])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        self.assertFalse(errors)
        # A third runner comes after them: what had to wait is carried out,
        # the rest is found taken.
        results.extend((uuid, self._perform(company_id, uuid)) for uuid in unit_jobs)
        self.assertEqual(self._perform(company_id, finish_jobs[0]), "done")
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr, company_id)
            actions = self._live_actions(env, partner_ids)
            self.assertEqual(len(actions), 30)
            self.assertEqual(set(actions.partner_id.ids), set(partner_ids))
            run = env["account.dunning.run"].browse(run_id)
            self.assertRecordValues(
                run, [{"state": "done", "done_count": 30, "pending_count": 0}]
            )
        # No unit reported carried out twice; every job ended.
        for uuid in unit_jobs:
            outcomes = Counter(result for job, result in results if job == uuid)
            self.assertLessEqual(outcomes["done"], 1, outcomes)
            self.assertEqual(outcomes.total(), 3, outcomes)

    def test_unit_waiting_for_a_payment_is_retried(self):
        company_id, partner_ids, __ = self._setup_committed_data(1, "Paiement")
        self._start_run(company_id)
        unit_jobs, __, __ = self._dispatch(company_id)
        # The customer's invoices held by a payment being registered.
        with patch.object(AccountDunningRunUnit, "_carry_out_units", lambda unit: unit):
            self.assertEqual(self._perform(company_id, unit_jobs[0]), "retry")
        self.assertEqual(self._perform(company_id, unit_jobs[0]), "done")
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr, company_id)
            self.assertEqual(len(self._live_actions(env, partner_ids)), 1)
