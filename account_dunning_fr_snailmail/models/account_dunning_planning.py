from odoo import api, models


class AccountDunningPlanning(models.AbstractModel):
    _inherit = "account.dunning.planning"

    @api.model
    def _prepare_level_vals(self, level, date):
        # The one place both the run's planning and the wizards take a
        # level's channels from.
        vals = super()._prepare_level_vals(level, date)
        vals["channel_post"] = level.send_post
        return vals
