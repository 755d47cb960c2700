from collections import Counter, defaultdict

from odoo import models
from odoo.tools import split_every

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import ENQUEUED, PENDING, STARTED, WAIT_DEPENDENCIES

# Units of one run carried out by one job, together, as the core's scheduled
# action carries out a set: their invoices locked in one query, their actions
# created together, and the job's own cost (its start, its commit) shared.
JOB_SET_SIZE = 25
# Seconds before a job finds out what another worker did with its units.
RECHECK_SECONDS = 10
# Seconds before a job whose customers' invoices were held tries again.
HELD_RETRY_SECONDS = 60
# The identity key of a set's job: the run and its first and last unit.
SET_KEY = "account_dunning_fr_queue.units."
# Jobs that will still run: a set in one of them is not enqueued again.
LIVE_JOB_STATES = (WAIT_DEPENDENCIES, PENDING, ENQUEUED, STARTED)
# The units' states a job reports, in this order.
CARRIED_STATES = ("done", "failed", "skipped")


class AccountDunningRunUnit(models.Model):
    _inherit = "account.dunning.run.unit"

    def _job_sets(self):
        """These units in the sets their jobs carry out: each run's units,
        whatever their state, cut in ``JOB_SET_SIZE`` by id, so that a unit
        belongs to the same set at every callback; each set keeps only its
        units among ``self``.

        :return: list of ``(identity key, units)``, the units of one run
        """
        by_run = defaultdict(list)
        for unit in self.search_fetch(
            [("run_id", "in", self.run_id.ids)], ["run_id"], order="run_id, id"
        ):
            by_run[unit.run_id.id].append(unit.id)
        mine = set(self.ids)
        sets = []
        for run_id, ids in by_run.items():
            for chunk in split_every(JOB_SET_SIZE, ids, list):
                units = self.browse(i for i in chunk if i in mine)
                if units:
                    sets.append((f"{SET_KEY}{run_id}.{chunk[0]}-{chunk[-1]}", units))
        return sets

    def _enqueue(self):
        """One job per set of these units (``_job_sets``) on the
        ``root.dunning`` channel, unless a job of that set will still run:
        repeated callbacks enqueue each set once, while a job whose set is
        at work is left alone. A set whose job failed is enqueued again.

        :return: the jobs created (``queue_job`` delayables)
        """
        sets = self._job_sets()
        # Who runs the scheduled action may not read the jobs: looked up as
        # queue_job itself does to find a job with the same identity key.
        live = set(
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("identity_key", "in", [key for key, __ in sets]),
                    ("state", "in", LIVE_JOB_STATES),
                ]
            )
            .mapped("identity_key")
        )
        return [
            units.with_delay(
                channel="root.dunning",
                identity_key=key,
                description=self.env._(
                    "Dunning: %(count)s customers (%(run)s)",
                    count=len(units),
                    run=units.run_id.display_name,
                ),
            )._job_execute()
            for key, units in sets
            if key not in live
        ]

    def _job_execute(self):
        """Job: carry out these units (a set of one run) together, those
        another worker has not carried out.

        The units are locked without waiting (``SKIP LOCKED``): two jobs of
        the same unit, or a job and the cron, never both carry it out, and
        the database's unique key on the action stops a second action in any
        case. The claimed units are carried out as the core carries out a
        set (``_carry_out_units``). The run's own job closes it
        (``_job_finish``).

        A set is carried out whole or not at all: queue_job rolls a job back
        when it is to be tried again, so when one of the units is still
        pending but held by another transaction, nothing is carried out and
        the whole set is tried again later (it then finds that unit taken,
        or claims it). The same holds when a payment being registered holds
        the invoices of one of the customers: what the set did is rolled
        back and it is tried again.

        :return: what happened to each of its units, for the job's result
            (``_job_result``), e.g. ``"done 23, taken 2 (done)"``
        :raises RetryableJobError: when another transaction holds one of the
            units or changed it since this job began, or when a payment
            being registered holds a customer's invoices; queue_job tries
            again later
        """
        units = self.exists()
        # What another worker holds, or changed since this job began, is not
        # claimed: found still pending below, the set is tried again.
        claimed = units._claim(len(units), among=units)
        others = units - claimed
        others.invalidate_recordset(["state"])
        others.run_id.invalidate_recordset(["state"])
        if others.filtered(
            lambda u: u.state == "pending" and u.run_id.state == "running"
        ):
            raise RetryableJobError(
                "Another worker is carrying out units of this set, or changed "
                "them meanwhile: checking again later.",
                seconds=RECHECK_SECONDS,
                ignore_retry=True,
            )
        claimed.invalidate_recordset(["state"])
        if claimed._carry_out_units():
            raise RetryableJobError(
                "The invoices of a customer of this set are being changed: "
                "trying again later.",
                seconds=HELD_RETRY_SECONDS,
            )
        return self._job_result(claimed, others, len(self) - len(units))

    def _job_result(self, carried, others, gone=0):
        """The result of a set's job, one part per outcome, each counting
        units: ``"<state> <n>"`` for the units this job carried out (done,
        failed, skipped); ``"taken <n> (<state>)"`` for units another worker
        had carried out; ``"run <n> (<run state>)"`` for units left because
        their run stopped; ``"gone <n>"`` for units deleted meanwhile.

        :param carried: the units this job carried out
        :param others: its units it did not claim, none of them pending in
            a running run
        :param gone: how many of its units no longer exist
        """
        by_state = Counter(carried.mapped("state"))
        parts = [f"{s} {by_state[s]}" for s in CARRIED_STATES if by_state[s]]
        taken = Counter(u.state for u in others if u.state != "pending")
        parts += [f"taken {taken[s]} ({s})" for s in CARRIED_STATES if taken[s]]
        stopped = Counter(u.run_id.state for u in others if u.state == "pending")
        parts += [f"run {n} ({state})" for state, n in sorted(stopped.items())]
        if gone:
            parts.append(f"gone {gone}")
        return ", ".join(parts)
