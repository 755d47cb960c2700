"""What follows a reminder that did not arrive.

A delivery of an action fails (an email bounced, an SMS refused, a letter
returned to sender): the history says so; once the action is carried out,
the level's letter is proposed in place of what nobody received, and a
formal notice that reached nobody no longer dates the invoices. A delivery
sent again after all dates the formal notice from that day. The accountant
settles the failures once dealt with.
"""

from odoo import api, fields, models

from ..tools.vocabularies import CHANNELS


class AccountDunningUndelivered(models.AbstractModel):
    _name = "account.dunning.undelivered"
    _description = "Dunning Reminders That Did Not Arrive"

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
            or action.channel_letter
            or action.channel_registered
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
        vals = action.env["account.dunning.action.builder"]._prepare_action_vals(
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
            "channel_registered"
            if action.level_id.is_formal_notice
            else "channel_letter"
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
