from odoo import api, fields, models

from odoo.addons.account_dunning_fr.tools.vocabularies import CHANNELS


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    channel_post = fields.Boolean(string="Sent by Post")

    @api.depends(*CHANNELS, "channel_post")
    def _compute_channels_display(self):
        res = super()._compute_channels_display()
        label = self._fields["channel_post"].get_description(self.env)["string"]
        for action in self.filtered("channel_post"):
            action.channels_display = ", ".join(
                part for part in (action.channels_display, label) if part
            )
        return res
