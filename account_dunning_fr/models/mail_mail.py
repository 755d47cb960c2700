from odoo import Command, api, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model_create_multi
    def create(self, vals_list):
        # Reminders queued together (``account.dunning.channel._send_emails``)
        # come from one template call: each goes to its own recipient, with
        # its own letter attached.
        queued = {
            action_id: (partner_id, attachment_id)
            for action_id, partner_id, attachment_id in (
                self.env.context.get("dunning_mail_recipients") or ()
            )
        }
        for vals in vals_list:
            if vals.get("model") != "account.dunning.action":
                continue
            partner_id, attachment_id = queued.get(vals.get("res_id"), (None, None))
            if partner_id:
                vals["recipient_ids"] = [Command.set([partner_id])]
            if attachment_id:
                vals["attachment_ids"] = [
                    *vals.get("attachment_ids", []),
                    Command.link(attachment_id),
                ]
        return super().create(vals_list)

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
