from odoo import api, models


class AccountDunningEngine(models.AbstractModel):
    _inherit = "account.dunning.engine"

    @api.model
    def _cron_execute_runs(self):
        """Hand the pending units of the running runs to queue_job instead of
        carrying them out in the cron callback: one job per unit on the
        ``root.dunning`` channel, so that every worker of the deployment takes
        a share, and one job per run that closes it once no unit is left. A
        job is enqueued once (its identity key), whatever the number of
        callbacks; what a job finds already done it leaves."""
        units = self.env["account.dunning.run.unit"].search(
            [("state", "=", "pending"), ("run_id.state", "=", "running")]
        )
        units._enqueue()
        units.run_id._enqueue_finish()
        self.env["ir.cron"]._notify_progress(done=len(units), remaining=0)
