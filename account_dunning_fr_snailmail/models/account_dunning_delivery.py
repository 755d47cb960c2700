from odoo import api, fields, models
from odoo.tools import html2plaintext


class AccountDunningDelivery(models.Model):
    _inherit = "account.dunning.delivery"

    channel = fields.Selection(
        selection_add=[("post", "Post (Snailmail)")],
        ondelete={"post": "cascade"},
    )
    snailmail_letter_id = fields.Many2one(
        "snailmail.letter", string="Posted Letter", ondelete="set null"
    )

    @api.model
    def _sync_snailmail(self, letters):
        """Follow the ``snailmail.letter`` records ``letters``: sent, or in
        error with the reason snailmail gives (credit, format, missing
        address fields...)."""
        # The post's report comes as whoever updates the letter (the snailmail
        # cron or the sender), who may not read dunning deliveries.
        deliveries = self.sudo().search([("snailmail_letter_id", "in", letters.ids)])
        for delivery in deliveries:
            letter = delivery.snailmail_letter_id
            if letter.state == "sent":
                delivery._set_state("sent")
            elif letter.state in ("error", "canceled"):
                delivery._set_state("failed", self._snailmail_failure_reason(letter))

    @api.model
    def _snailmail_failure_reason(self, letter):
        if letter.state == "canceled":
            return self.env._("The posting was cancelled.")
        labels = {
            "CREDIT_ERROR": self.env._("Not enough snailmail credits"),
            "TRIAL_ERROR": self.env._("No snailmail account"),
            "NO_PRICE_AVAILABLE": self.env._("Country not covered by snailmail"),
            "FORMAT_ERROR": self.env._("Letter format refused"),
            "MISSING_REQUIRED_FIELDS": self.env._("Address incomplete"),
            "ATTACHMENT_ERROR": self.env._("Letter file missing"),
        }
        label = labels.get(letter.error_code) or self.env._("Not posted")
        detail = html2plaintext(letter.info_msg or "").strip()
        return f"{label}: {detail}" if detail else label

    @api.model
    def _propose_letter(self, action):
        # Posted by snailmail, the letter is already on its way: its own
        # failure proposes the printed one.
        if action.channel_post and not action.delivery_ids.filtered(
            lambda d: d.channel == "post" and d.state == "failed"
        ):
            return action.browse()
        return super()._propose_letter(action)

    @api.model
    def _get_letter_channels(self, action):
        # The letter proposed in place goes through the post room.
        return {**super()._get_letter_channels(action), "channel_post": False}
