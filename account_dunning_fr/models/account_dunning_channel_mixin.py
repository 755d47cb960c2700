"""The channels of a reminder, one vocabulary: the level says what it does,
the action records what was done, with the same fields (copied from the one
to the other by the run, listed in ``tools.vocabularies.CHANNELS``)."""

from odoo import api, fields, models

from ..tools.vocabularies import CHANNELS


class AccountDunningChannelMixin(models.AbstractModel):
    _name = "account.dunning.channel.mixin"
    _description = "Dunning Channels"

    send_email = fields.Boolean(string="Email")
    send_letter = fields.Boolean(string="Letter")
    send_registered_letter = fields.Boolean(string="Registered Letter")
    send_sms = fields.Boolean(string="SMS")
    create_call = fields.Boolean(string="Phone Call")
    create_visit = fields.Boolean(string="Visit")
    notify_salesperson = fields.Boolean(string="Inform the Salesperson")
    credit_hold = fields.Boolean(
        help="Stop deliveries and services to the customer. Warn them first "
        "by registered letter.",
    )
    channels_display = fields.Char(
        string="Channels", compute="_compute_channels_display"
    )

    def _get_channel_vals(self):
        """The channels of this record as values, as another record of the
        mixin takes them (a level's for its action, an action's for its
        run's unit).

        :return: ``{channel field name: bool}``
        """
        self.ensure_one()
        return {fname: self[fname] for fname in CHANNELS}

    @api.depends(*CHANNELS)
    def _compute_channels_display(self):
        labels = {
            fname: self._fields[fname].get_description(self.env)["string"]
            for fname in CHANNELS
        }
        for record in self:
            record.channels_display = ", ".join(
                labels[fname] for fname in CHANNELS if record[fname]
            )
