from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # Before super: an auto-deleted email is gone afterwards. Reminders
        # keep theirs (their templates do not auto-delete).
        self.env["account.dunning.delivery"]._sync_mails(
            self.filtered(lambda mail: mail.model == "account.dunning.action"),
            failure_type=failure_type,
            failure_reason=failure_reason,
        )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
