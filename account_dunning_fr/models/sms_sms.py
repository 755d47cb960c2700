from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self.env["account.dunning.delivery"]._sync_sms(
                self.mail_message_id.filtered(
                    lambda msg: msg.model == "account.dunning.action"
                )
            )
        return res
