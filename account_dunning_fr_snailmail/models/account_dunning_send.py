"""Send by post: the rendered letter handed to Odoo's snailmail service."""

from odoo import api, models

from odoo.addons.account_dunning_fr.models.account_dunning_send import (
    DunningFailure,
)


class AccountDunningSend(models.AbstractModel):
    _inherit = "account.dunning.send"

    @api.model
    def _get_handlers(self):
        handlers = super()._get_handlers()
        # After the printed letters: the same letter, posted by snailmail.
        ordered = {}
        for fname, handler in handlers.items():
            ordered[fname] = handler
            if fname == "send_registered_letter":
                ordered["channel_post"] = self._send_post
        ordered.setdefault("channel_post", self._send_post)
        return ordered

    @api.model
    def _get_letter_carriers(self):
        return (*super()._get_letter_carriers(), "channel_post")

    @api.model
    def _written_channels(self, action):
        channels = super()._written_channels(action)
        if action.channel_post and "letter" not in channels:
            channels.append("letter")
        return channels

    @api.model
    def _send_post(self, actions):
        """Hand the letters of ``actions`` to snailmail's queue, which posts
        them (its scheduled action runs every hour); an incomplete address
        is refused at once. Either way the state shows on each action's
        delivery. A letter still to render is posted once it exists
        (``_attach``).

        :raise DunningFailure: a letter is not a PDF (no wkhtmltopdf)
        """
        for action in actions.filtered(lambda a: a.letter_render_state != "pending"):
            attachment = action.letter_attachment_id
            if not attachment or attachment.mimetype != "application/pdf":
                raise DunningFailure(
                    self.env._(
                        "The letter could not be produced as PDF (is wkhtmltopdf "
                        "installed?): it cannot be sent by post."
                    )
                )
            recipient = action._get_recipient("letter")
            address = (
                self.env["account.dunning.recipient"]._get_channel_recipient(
                    action.partner_id, "letter", preferred=recipient
                )[1]
                or action.partner_id.commercial_partner_id
            )
            letter = self.env["snailmail.letter"].create(
                {
                    "model": action._name,
                    "res_id": action.id,
                    "partner_id": address.id,
                    "company_id": action.company_id.id,
                    "user_id": self.env.uid,
                }
            )
            letter.attachment_id = self._prepare_post_attachment(letter, attachment)
            self.env["account.dunning.delivery"].create(
                {
                    "action_id": action.id,
                    "channel": "post",
                    "recipient_id": recipient.id,
                    "address": ", ".join(
                        part
                        for part in (address.street, address.zip, address.city)
                        if part
                    ),
                    "snailmail_letter_id": letter.id,
                }
            )
            letter._snailmail_print(immediate=False)

    @api.model
    def _prepare_post_attachment(self, letter, attachment):
        """The letter as snailmail posts it: rendered in the customer's
        language (snailmail would render it again in English), its margins
        blanked and its cover page added the way snailmail prepares its own
        documents."""
        pdf = letter._overwrite_margins(attachment.raw)
        if letter.cover:
            pdf = letter._append_cover_page(pdf)
        return self.env["ir.attachment"].create(
            {
                "name": attachment.name,
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": letter._name,
                "res_id": letter.id,
            }
        )

    @api.model
    def _attach(self, actions, files, fmt):
        """Once their letters exist, the actions sent by post hand them to
        snailmail: the execution only marked the letters to render."""
        result = super()._attach(actions, files, fmt)
        self._send_post(
            actions.filtered(
                lambda a: (
                    a.channel_post
                    and not a.delivery_ids.filtered("snailmail_letter_id")
                )
            )
        )
        return result
