from odoo import api, models


class AccountDunningLetterRendering(models.AbstractModel):
    _inherit = "account.dunning.letter.rendering"

    @api.model
    def _attach(self, action, content, fmt):
        """Once its letter exists, an action sent by post hands it to
        snailmail: the execution only marked the letter to render."""
        result = super()._attach(action, content, fmt)
        if action.channel_post and not action.delivery_ids.filtered(
            "snailmail_letter_id"
        ):
            self.env["account.dunning.channel"]._send_post(action)
        return result
