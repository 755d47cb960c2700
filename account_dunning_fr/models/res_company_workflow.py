from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_promise_grace_days = fields.Integer(
        string="Promise Grace Period (days)",
        default=3,
        help="Days allowed after a promised payment date, or after a payment "
        "plan instalment, before the promise or the plan counts as broken: "
        "a transfer takes a few days to reach the bank account.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_promise_grace_days = fields.Integer(
        related="company_id.dunning_promise_grace_days", readonly=False
    )
