from odoo import api, models

from ..tools.bounce import bounce_reason


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        # Odoo hands _message_receive_bounce the address only: the server's
        # reason, read here from the bounce itself, travels in the context so
        # that a returned reminder says why it did not arrive.
        reason = bounce_reason(email_message)
        return super(
            MailThread, self.with_context(dunning_bounce_reason=reason)
        )._routing_handle_bounce(email_message, message_dict)
