from odoo import models


class SnailmailLetter(models.Model):
    _inherit = "snailmail.letter"

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self.env["account.dunning.delivery"]._sync_snailmail(
                self.filtered(lambda letter: letter.model == "account.dunning.action")
            )
        return res
