"""Whether each written channel of a dunning action reached the customer.

One record per channel an action sent (email, SMS, letter): pending while
Odoo's queues hold it, sent once handed over, failed with the reason when the
mail server refused it, the recipient's server returned it (bounce), the SMS
provider rejected it, or the post could not take it. A failure after the
action was carried out waits in the accountant's to-do list and, when the
level allows it, a letter is proposed in place of what did not arrive.

The states follow Odoo's own records: ``mail.mail`` (``mail_mail.py``),
``sms.sms`` (``sms_sms.py``), the bounce on the action's thread
(``account.dunning.action._message_receive_bounce``) and the post room.

What follows a failure: the history says so; once the action is carried out,
the level's letter is proposed in place of what nobody received
(``_propose_letter``), and a formal notice that reached nobody no longer
dates the invoices. A delivery sent again after all dates the formal notice
from that day. The accountant settles the failures once dealt with
(``_settle``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.vocabularies import CHANNELS

DELIVERY_STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]

# Failures of Odoo's mail queue on the sender's side (mail.notification
# failure types): the email never left, whatever the customer's address.
SENDER_FAILURES = ("mail_smtp", "mail_from_invalid", "mail_from_missing")


class AccountDunningDelivery(models.Model):
    _name = "account.dunning.delivery"
    _description = "Dunning Delivery"
    _order = "action_id, id"
    _check_company_auto = True

    action_id = fields.Many2one(
        "account.dunning.action", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="action_id.company_id", store=True, index=True, precompute=True
    )
    channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("letter", "Letter")],
        required=True,
    )
    recipient_id = fields.Many2one("res.partner")
    address = fields.Char(
        help="Where it was sent: email address, mobile number or postal address."
    )
    state = fields.Selection(DELIVERY_STATES, default="pending", required=True)
    failure_reason = fields.Text(readonly=True)
    sender_failure = fields.Boolean(
        readonly=True,
        help="The message never left: the company's outgoing mail server or "
        "sender address failed. It is sent again once that is fixed; no "
        "letter is proposed in its place.",
    )
    handled = fields.Boolean(
        help="The accountant dealt with the failure: the letter proposed in "
        "its place was sent or dismissed, or the failure was acknowledged.",
    )
    mail_id = fields.Many2one("mail.mail", string="Email", ondelete="set null")
    message_id = fields.Many2one(
        "mail.message",
        string="SMS Message",
        ondelete="set null",
        help="The message the SMS was posted with.",
    )

    # ------------------------------------------------------------ actions
    def action_send_again(self):
        """Emails that could not leave (the company's mail server or sender
        address failed) go back to Odoo's mail queue, once that is fixed."""
        self.action_id._check_can_run()
        failed = self.filtered(
            lambda d: d.state == "failed" and d.sender_failure and d.mail_id
        )
        if not failed:
            raise UserError(self.env._("No email here waits to be sent again."))
        # Only administrators may write Odoo's mail queue; the accountant may
        # send again the emails of the actions they run (checked above).
        failed.mail_id.sudo().mark_outgoing()
        failed.write({"state": "pending"})
        return True

    # ------------------------------------------------------------ business
    def _in_staff_lang(self):
        """These deliveries in the language of the company's accountants.

        What the module writes about a delivery (failure reason, history,
        the letter proposed in its place) mostly comes from Odoo's mail and
        SMS queues or its mail gateway, which run in no user's language.
        """
        action = self.action_id[:1]
        lang = action.company_id.partner_id.lang or action.user_id.lang or self.env.lang
        return self.with_context(lang=lang)

    def _set_state(self, state, reason=False, sender_failure=False):
        """Move these deliveries to ``state`` (a ``DELIVERY_STATES`` key);
        a new failure is told on the action and handled there.

        :param reason: text shown to the accountant for a failure
        :param sender_failure: the failure is on the company's side (its
            mail server), not the recipient's
        """
        if state == "pending":
            # A queue retrying never takes back what it reported.
            return
        if state != "failed":
            # Sent after all (an email or SMS resent, a letter posted once
            # credits were bought): nothing is left to deal with.
            changed = self.filtered(lambda d: d.state != state)
            # Failed, or handed back to the queue after a sender failure.
            resent = changed.filtered(lambda d: d.state == "failed" or d.sender_failure)
            changed.write({"state": state, "handled": True})
            for action in resent.action_id.filtered(lambda a: a.state == "done"):
                self._on_resent(action)
            return
        newly_failed = self.filtered(lambda d: d.state != "failed")
        if not newly_failed:
            return
        newly_failed.write(
            {
                "state": state,
                "failure_reason": reason,
                "sender_failure": sender_failure,
                "handled": False,
            }
        )
        for action in newly_failed.action_id:
            self._on_failure(
                action, newly_failed.filtered(lambda d, a=action: d.action_id == a)
            )

    @api.model
    def _sync_mails(self, mails, failure_type=None, failure_reason=False):
        """Follow the ``mail.mail`` records ``mails`` once sent or refused
        (``failure_type`` and ``failure_reason`` as Odoo's mail queue gives
        them to ``mail.mail._postprocess_sent_message``)."""
        # The mail queue reports as whoever sent the email (a user, a portal
        # visitor, the queue's own cron), who may not read dunning deliveries.
        deliveries = self.sudo().search([("mail_id", "in", mails.ids)])
        for delivery in deliveries:
            delivery = delivery._in_staff_lang()
            mail = delivery.mail_id
            if mail.state == "exception" or (failure_type and mail.state != "sent"):
                kind = failure_type or mail.failure_type
                delivery._set_state(
                    "failed",
                    delivery._mail_failure_reason(
                        mail, kind, failure_reason or mail.failure_reason
                    ),
                    sender_failure=kind in SENDER_FAILURES,
                )
            elif mail.state == "sent":
                delivery._set_state("sent")

    @api.model
    def _mail_failure_reason(self, mail, failure_type, failure_reason):
        labels = dict(mail._fields["failure_type"]._description_selection(self.env))
        parts = [labels.get(failure_type), failure_reason]
        return " – ".join(p for p in parts if p) or self.env._("Not sent.")

    @api.model
    def _sync_sms(self, messages):
        """Follow the SMS posted with ``messages`` (``mail.message``)."""
        # The SMS queue reports as whoever sent the SMS, who may not read dunning
        # deliveries; only administrators read the SMS queue itself.
        deliveries = self.sudo().search([("message_id", "in", messages.ids)])
        if not deliveries:
            return
        sms_list = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id", "in", deliveries.message_id.ids)])
        )
        for delivery in deliveries:
            delivery = delivery._in_staff_lang()
            labels = dict(
                sms_list._fields["failure_type"]._description_selection(delivery.env)
            )
            # A second SMS to the same number is cancelled as a duplicate by
            # Odoo: it says nothing about the first one.
            sms = sms_list.filtered(
                lambda s, d=delivery: (
                    s.mail_message_id == d.message_id
                    and s.failure_type != "sms_duplicate"
                )
            )
            if not sms:
                continue
            if all(s.state in ("error", "canceled") for s in sms):
                delivery._set_state(
                    "failed",
                    ", ".join(
                        labels.get(s.failure_type) or delivery.env._("Not sent.")
                        for s in sms
                    ),
                )
            elif any(s.state in ("process", "pending", "sent") for s in sms):
                # Handed over to the SMS provider, as a sent email is handed
                # over to the mail server.
                delivery._set_state("sent")

    @api.model
    def _fail_sms_notifications(self, notifications):
        """The SMS of ``notifications`` (``mail.notification``) did not
        arrive, as the provider reported."""
        if not notifications:
            return
        # The SMS provider's reports arrive through a public route, or as
        # whoever updates the notification, without rights on deliveries.
        deliveries = self.sudo().search(
            [
                ("channel", "=", "sms"),
                ("message_id", "in", notifications.mail_message_id.ids),
            ]
        )
        for delivery in deliveries:
            delivery = delivery._in_staff_lang()
            labels = dict(
                notifications._fields["failure_type"]._description_selection(
                    delivery.env
                )
            )
            for notif in notifications.filtered(
                lambda n, d=delivery: n.mail_message_id == d.message_id
            ):
                parts = [labels.get(notif.failure_type), notif.failure_reason]
                delivery._set_state(
                    "failed",
                    " – ".join(p for p in parts if p) or delivery.env._("Not sent."),
                )

    @api.model
    def _on_failure(self, action, deliveries):
        """``deliveries`` (``account.dunning.delivery``) of ``action`` just
        failed: say so, and once the action is carried out, propose the
        letter in their place."""
        labels = dict(deliveries._fields["channel"]._description_selection(self.env))
        for delivery in deliveries:
            values = {
                "channel": labels[delivery.channel],
                "address": delivery.address or delivery.recipient_id.display_name,
                "reason": delivery.failure_reason,
            }
            action._post_history(
                self.env._(
                    "%(channel)s to %(address)s could not leave: %(reason)s. "
                    "Once the outgoing mail server is fixed, send it again.",
                    **values,
                )
                if delivery.sender_failure
                else self.env._(
                    "%(channel)s to %(address)s did not arrive: %(reason)s",
                    **values,
                )
            )
        if action.state != "done":
            return
        written = action.delivery_ids.filtered(lambda d: d.channel != "sms")
        if written and all(d.state == "failed" for d in written):
            self.env["account.dunning.execution"]._withdraw_formal_notice(action)
        self._propose_letter(action)

    @api.model
    def _on_resent(self, action):
        """A delivery of ``action`` that had failed was sent after all: a
        formal notice it carried dates the invoices again, from today
        (C. civ. 1344)."""
        if action.print_state != "to_print":
            self.env["account.dunning.execution"]._record_formal_notice(
                action, fields.Date.context_today(action)
            )

    @api.model
    def _propose_letter(self, action):
        """Propose, for the accountant to validate, the level's letter in
        place of a reminder of ``action`` that did not arrive: the items
        still open, at the stage the action took them to. Nothing when the
        level does not allow it, when a letter already went with the action,
        or when one is already proposed.

        A proposed action rather than an activity: the accountant finds the
        letter itself among the actions to validate, rendered and bound for
        the post room like any other, and the next level waits for it (a
        reminder nobody received is never followed by a harsher one).

        :return: the proposed ``account.dunning.action``, or an empty one
        """
        none = action.browse()
        level = action.level_id
        if (
            not level.undelivered_letter
            or action.send_letter
            or action.send_registered_letter
            or action.replacement_ids.filtered(lambda a: a.state != "cancelled")
            # Our own mail server failing is no reason to write by post.
            or not action.delivery_ids.filtered(
                lambda d: d.state == "failed" and not d.sender_failure
            )
        ):
            return none
        lines = action.line_ids.filtered(
            lambda line: (
                not line.move_line_id.reconciled
                and not action.currency_id.is_zero(line.move_line_id.amount_residual)
            )
        )
        if not lines.filtered(lambda line: not line.is_credit):
            return none
        vals = action.env["account.dunning.planning"]._prepare_action_vals(
            action.partner_id,
            lines.move_id,
            fields.Date.context_today(action),
            level=level,
            items=lines.move_line_id,
            item_levels={
                line.move_line_id.id: line.level_id if line.advanced else None
                for line in lines
            },
            contact_id=action.contact_id.id,
            replaced_action_id=action.id,
            hold_reason=self.env._(
                "Proposed in place of %(action)s, whose reminder did not arrive.",
                action=action.name,
            ),
            **self._get_letter_channels(action),
        )
        letter = action.create(vals)
        letter._post_history(
            self.env._(
                "Letter proposed in place of %(action)s, whose reminder did not "
                "arrive.",
                action=action.name,
            )
        )
        return letter

    @api.model
    def _get_letter_channels(self, action):
        """Channel values of the letter proposed in place of what ``action``
        could not deliver: a formal notice goes registered, any other
        reminder as a printed letter; nothing else is repeated.

        :return: ``{channel field: bool}``
        """
        channels = dict.fromkeys(CHANNELS, False)
        channels[
            "send_registered_letter"
            if action.level_id.is_formal_notice
            else "send_letter"
        ] = True
        return channels

    @api.model
    def _settle(self, actions):
        """The failures of ``actions`` (``account.dunning.action``) were
        dealt with."""
        failed = actions.delivery_ids.filtered(
            lambda d: d.state == "failed" and not d.handled
        )
        failed.handled = True
