from odoo import models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        res = super().write(vals)
        # The SMS provider's delivery reports reach the notifications only
        # (the SMS themselves are gone once handed over).
        if vals.get("notification_status") in ("exception", "bounce"):
            self.env["account.dunning.delivery"]._fail_sms_notifications(
                self.filtered(
                    lambda notif: (
                        notif.notification_type == "sms"
                        and notif.mail_message_id.model == "account.dunning.action"
                    )
                )
            )
        return res
