from odoo import api, models

from ..tools.bounce import bounce_reason, is_auto_reply


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

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        # Whether a person wrote the email is in its headers, which the
        # threads it reaches do not see: it travels in the context, so that an
        # out-of-office threaded on a reminder is not taken for the customer's
        # answer.
        return super(
            MailThread,
            self.with_context(dunning_auto_reply=is_auto_reply(message)),
        )._message_route_process(message, message_dict, routes)

    def _dunning_message_post(self, **kwargs):
        """``message_post`` that never fails because of the user at work:
        Odoo refuses to post for an author without an email address, and a
        dunning run, a payment plan or a claim must not roll back because
        the accountant who started it has none. Such a message is then
        posted by OdooBot; the user's own address is used otherwise.

        :param kwargs: those of ``message_post``
        :return: the ``mail.message`` posted
        """
        if "author_id" not in kwargs and not self.env.user.partner_id.email:
            kwargs["author_id"] = self.env.ref("base.partner_root").id
        return self.message_post(**kwargs)
