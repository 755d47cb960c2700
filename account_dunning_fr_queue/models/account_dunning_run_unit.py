from odoo import models
from odoo.tools import SQL

from odoo.addons.account_dunning_fr.models.account_dunning_execution import RETRYABLE
from odoo.addons.queue_job.exception import RetryableJobError


class AccountDunningRunUnit(models.Model):
    _inherit = "account.dunning.run.unit"

    def _enqueue(self):
        """One job per unit, on the ``root.dunning`` channel. The identity
        key makes a second enqueue of a unit a no-op while its job exists.

        :return: the jobs created or found (``queue_job`` delayables)
        """
        return [
            unit.with_delay(
                channel="root.dunning",
                identity_key=f"account_dunning_fr_queue.unit.{unit.id}",
                description=self.env._(
                    "Dunning: %(customer)s (%(run)s)",
                    customer=unit.partner_id.display_name,
                    run=unit.run_id.display_name,
                ),
            )._job_execute()
            for unit in self
        ]

    def _job_execute(self):
        """Job: carry out this unit unless another worker has it or did it.

        The unit row is locked without waiting (``SKIP LOCKED``): two jobs of
        the same unit, or a job and the cron, never both carry it out, and
        the database's unique key on the action stops a second action in any
        case. The run's own job closes it (``_job_finish``).

        :return: what happened, for the job's result: "done", "failed",
            "skipped", or "taken" when the unit was not pending any more
        :raises RetryableJobError: when a payment being registered holds the
            customer's invoices; queue_job tries again later
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                claimed = self._claim_for_job()
        except RETRYABLE:
            # Another job carried it out in the meantime (a concurrent update
            # after this transaction began) or holds it.
            return "taken"
        if not claimed:
            return "taken"
        self.invalidate_recordset(["state"])
        if self._carry_out_units():
            raise RetryableJobError(
                "The customer's invoices are being changed: trying again later.",
                seconds=60,
            )
        return self.state

    def _claim_for_job(self):
        """Lock this unit if it is still pending in a running run, without
        waiting for another transaction; True when locked."""
        self.env.cr.execute(
            SQL(
                """
                SELECT u.id
                  FROM account_dunning_run_unit u
                  JOIN account_dunning_run r ON r.id = u.run_id
                 WHERE u.id = %s AND u.state = 'pending' AND r.state = 'running'
                   FOR UPDATE OF u SKIP LOCKED
                """,
                self.id,
            )
        )
        return bool(self.env.cr.fetchone())
