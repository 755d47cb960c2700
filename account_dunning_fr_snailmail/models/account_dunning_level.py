from odoo import api, fields, models

from odoo.addons.account_dunning_fr.tools.vocabularies import CHANNELS


class AccountDunningLevel(models.Model):
    _inherit = "account.dunning.level"

    send_post = fields.Boolean(
        string="Send by Post",
        help="Odoo's snailmail service prints the letter, puts it in an "
        "envelope and posts it (paid with IAP credits); it does not wait in "
        "the post room.",
    )

    @api.constrains(*CHANNELS, "send_post")
    def _check_does_something(self):
        # A level that only posts its letter does something.
        return super(
            AccountDunningLevel, self.filtered(lambda level: not level.send_post)
        )._check_does_something()
