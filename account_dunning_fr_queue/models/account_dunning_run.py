from odoo import api, models

from odoo.addons.queue_job.exception import RetryableJobError

# How long the closing job waits before looking again at a run's units.
FINISH_RETRY_SECONDS = 30


class AccountDunningRun(models.Model):
    _inherit = "account.dunning.run"

    def _enqueue_finish(self):
        """One job per run that closes it when its last unit is carried out.

        The jobs of its units cannot close it themselves: two of them ending
        together each still see the other's units pending in their own
        transaction.
        """
        for run in self:
            run.with_delay(
                channel="root.dunning",
                identity_key=f"account_dunning_fr_queue.run.{run.id}.finish",
                eta=FINISH_RETRY_SECONDS,
                description=self.env._("Dunning: close %(run)s", run=run.display_name),
            )._job_finish()

    def _job_finish(self):
        """Job: close the run (chatter message, the user notified) once none
        of its units is pending.

        :return: the run's state
        :raises RetryableJobError: while units are pending; queue_job calls
            again later without counting it as a failed try
        """
        self.ensure_one()
        if self.state == "running" and self.pending_count:
            raise RetryableJobError(
                "Units of the run are still pending.",
                seconds=FINISH_RETRY_SECONDS,
                ignore_retry=True,
            )
        self._finish(self)
        return self.state

    @api.model
    def _cron_carry_out_runs(self):
        """Hand the pending units of the running runs to queue_job instead of
        carrying them out in the cron callback: one job per set of up to
        ``JOB_SET_SIZE`` units of a run on the ``root.dunning`` channel, so
        that every worker of the deployment takes a share and a job carries
        its set out together, and one job per run that closes it once no unit
        is left. A set is enqueued once while its job will still run (its
        identity key), whatever the number of callbacks; what a job finds
        already done it leaves."""
        units = self.env["account.dunning.run.unit"].search(
            [("state", "=", "pending"), ("run_id.state", "=", "running")]
        )
        units._enqueue()
        units.run_id._enqueue_finish()
        self.env["ir.cron"]._notify_progress(done=len(units), remaining=0)
