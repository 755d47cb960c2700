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
    dunning_dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_dunning_dso",
        help="Days sales outstanding of the company: open receivables / credit "
        "sales of the last 365 days × 365.",
    )

    def _compute_dunning_dso(self):
        today = fields.Date.context_today(self)
        for company in self:
            company.dunning_dso = (
                self.env["account.dunning.analysis"]
                .with_company(company)
                ._get_dso(today)[False]
            )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_promise_grace_days = fields.Integer(
        related="company_id.dunning_promise_grace_days", readonly=False
    )
    dunning_dso = fields.Float(related="company_id.dunning_dso")
