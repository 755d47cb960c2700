from odoo import api, models


class AccountDunningUndelivered(models.AbstractModel):
    _inherit = "account.dunning.undelivered"

    @api.model
    def _propose_letter(self, action):
        # Posted by snailmail, the letter is already on its way: its own
        # failure proposes the printed one.
        if action.channel_post and not action.delivery_ids.filtered(
            lambda d: d.channel == "post" and d.state == "failed"
        ):
            return action.browse()
        return super()._propose_letter(action)

    @api.model
    def _get_letter_channels(self, action):
        # The letter proposed in place goes through the post room.
        return {**super()._get_letter_channels(action), "channel_post": False}
