"""Runs carried out by queue jobs, one job per set of units: each set
enqueued once on the dunning channel, two job runners sharing a run without a
duplicate, a set held by another worker carried out whole later, the run
closed by its own job once its last unit is done."""

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

from ..models import account_dunning_run_unit

SET_SIZE = (
    "odoo.addons.account_dunning_fr_queue.models.account_dunning_run_unit.JOB_SET_SIZE"
)


@tagged("post_install", "-at_install")
class TestQueueDispatch(DunningCommittedCase):
    def _dispatch(self, company_id, times=1, set_size=10):
        """What the scheduled action's callback does, ``times`` times:
        enqueue the sets of units; return the jobs of the sets (oldest
        first) and of closing, and their channels."""
        with closing(self._cursor()) as cr, patch(SET_SIZE, set_size):
            env = self._env(cr, company_id)
            for __ in range(times):
                env["account.dunning.run"]._cron_carry_out_runs()
            cr.commit()  # pylint: disable=invalid-commit
            return self._jobs(env, company_id)

    def _jobs(self, env, company_id):
        runs = env["account.dunning.run"].search([("company_id", "=", company_id)])
        jobs = env["queue.job"].search(
            [
                "|",
                (
                    "identity_key",
                    "in",
                    [f"account_dunning_fr_queue.run.{i}.finish" for i in runs.ids],
                ),
                (
                    "identity_key",
                    "=like",
                    f"{account_dunning_run_unit.SET_KEY}{runs.id}.%",
                ),
            ],
            order="id",
        )
        units = jobs.filtered(lambda j: j.method_name == "_job_execute")
        finish = jobs.filtered(lambda j: j.method_name == "_job_finish")
        return (
            units.mapped("uuid"),
            finish.mapped("uuid"),
            set(jobs.mapped("channel")),
        )

    def _job_units(self, company_id, uuid):
        """The unit ids a job carries out."""
        with closing(self._cursor()) as cr:
            return Job.load(self._env(cr, company_id), uuid).recordset.ids

    def _perform(self, company_id, uuid):
        """One job, as a runner performs it: in its own transaction,
        committed when it ends, rolled back when it must be tried again.

        :return: the job's result, or "retry"
        """
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            try:
                result = Job.load(env, uuid).perform()
            except (RetryableJobError, OperationalError):
                cr.rollback()
                return "retry"
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def test_sets_enqueued_once_on_the_dunning_channel(self):
        company_id, __, __ = self._setup_committed_data(6, "File Unique")
        run_id = self._start_run(company_id)
        set_jobs, finish_jobs, channels = self._dispatch(
            company_id, times=3, set_size=4
        )
        self.assertEqual(len(set_jobs), 2, "one job per set, whatever the callbacks")
        self.assertEqual(len(finish_jobs), 1, "one closing job per run")
        self.assertEqual(channels, {"root.dunning"})
        sets = [self._job_units(company_id, uuid) for uuid in set_jobs]
        self.assertEqual([len(ids) for ids in sets], [4, 2])
        with closing(self._cursor()) as cr:
            run = self._env(cr, company_id)["account.dunning.run"].browse(run_id)
            self.assertEqual(sorted(sets[0] + sets[1]), sorted(run.unit_ids.ids))
        # A set done, the other still waiting: a new callback enqueues
        # neither again.
        self.assertEqual(self._perform(company_id, set_jobs[0]), "done 4")
        self._store_state(company_id, set_jobs[0], "done")
        again, __, __ = self._dispatch(company_id, set_size=4)
        self.assertEqual(again, set_jobs)
        # The waiting set's job failed (its tries spent): enqueued again.
        self._store_state(company_id, set_jobs[1], "failed")
        again, __, __ = self._dispatch(company_id, set_size=4)
        self.assertEqual(len(again), 3)
        self.assertEqual(self._job_units(company_id, again[2]), sets[1])
        self.assertEqual(self._perform(company_id, again[2]), "done 2")

    def _store_state(self, company_id, uuid, state):
        """The job's state as its runner records it, committed."""
        with closing(self._cursor()) as cr:
            job = Job.load(self._env(cr, company_id), uuid)
            job.set_started()
            if state == "done":
                job.set_done()
            else:
                job.set_failed()
            job.store()
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_job_runners_share_a_run_without_duplicate(self):
        company_id, partner_ids, __ = self._setup_committed_data(30, "Deux Runners")
        run_id = self._start_run(company_id)
        set_jobs, finish_jobs, __ = self._dispatch(company_id)
        self.assertEqual(len(set_jobs), 3)
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
        # set once, and race on the one in the middle.
        threads = [
            threading.Thread(target=runner, args=(order,))
            for order in (set_jobs, set_jobs[::-1])
        ]
        # A race between the runners is expected, not a failed query.
        with self._registry_open_to_threads(), self.assertNoLogs("odoo", "ERROR"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
        self.assertFalse(errors)
        # A third runner comes after them: what had to wait is carried out,
        # the rest is found taken.
        results.extend((uuid, self._perform(company_id, uuid)) for uuid in set_jobs)
        self.assertEqual(self._perform(company_id, finish_jobs[0]), "done")
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            actions = self._live_actions(env, partner_ids)
            self.assertEqual(len(actions), 30)
            self.assertEqual(set(actions.partner_id.ids), set(partner_ids))
            run = env["account.dunning.run"].browse(run_id)
            self.assertRecordValues(
                run, [{"state": "done", "done_count": 30, "pending_count": 0}]
            )
        # Each set reported carried out by exactly one job try; the others
        # say "taken" only once that one is done, and wait while it is at
        # work: a set is carried out whole or not at all.
        for uuid in set_jobs:
            outcomes = Counter(result for job, result in results if job == uuid)
            self.assertEqual(outcomes["done 10"], 1, outcomes)
            self.assertEqual(outcomes.total(), 3, outcomes)
            self.assertLessEqual(set(outcomes), {"done 10", "taken 10 (done)", "retry"})

    def test_set_waits_for_a_unit_held_by_another_worker(self):
        company_id, partner_ids, __ = self._setup_committed_data(3, "Tenu")
        self._start_run(company_id)
        set_jobs, __, __ = self._dispatch(company_id)
        first, *rest = self._job_units(company_id, set_jobs[0])
        with closing(self._cursor()) as other:
            # Another worker (the cron, or a job enqueued again) at work on
            # the first unit: the set waits, nothing of it carried out.
            other.execute(
                "SELECT id FROM account_dunning_run_unit WHERE id = %s FOR UPDATE",
                (first,),
            )
            self.assertEqual(self._perform(company_id, set_jobs[0]), "retry")
            with closing(self._cursor()) as cr:
                env = self._env(cr, company_id)
                self.assertFalse(self._live_actions(env, partner_ids))
            # It carries that unit out and commits.
            env = self._env(other, company_id)
            unit = env["account.dunning.run.unit"].browse(first)
            self.assertFalse(unit._carry_out_units())
            other.commit()  # pylint: disable=invalid-commit
        # The set's job says what it did and what it found done.
        self.assertEqual(
            self._perform(company_id, set_jobs[0]), "done 2, taken 1 (done)"
        )
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            self.assertEqual(len(self._live_actions(env, partner_ids)), 3)
            self.assertEqual(
                set(env["account.dunning.run.unit"].browse(rest).mapped("state")),
                {"done"},
            )

    def test_unit_waiting_for_a_payment_is_retried(self):
        company_id, partner_ids, __ = self._setup_committed_data(2, "Paiement")
        self._start_run(company_id)
        set_jobs, __, __ = self._dispatch(company_id)
        carry_out = AccountDunningRunUnit._carry_out_units

        def one_held(units):
            # The invoices of the first customer held by a payment being
            # registered: the others are carried out, then rolled back.
            carry_out(units[1:])
            return units[:1]

        with patch.object(AccountDunningRunUnit, "_carry_out_units", one_held):
            self.assertEqual(self._perform(company_id, set_jobs[0]), "retry")
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            self.assertFalse(self._live_actions(env, partner_ids))
        self.assertEqual(self._perform(company_id, set_jobs[0]), "done 2")
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            self.assertEqual(len(self._live_actions(env, partner_ids)), 2)
