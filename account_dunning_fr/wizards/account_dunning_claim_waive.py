"""Waive late payment claims: the accountant says why, and it is kept."""

from odoo import api, fields, models


class AccountDunningClaimWaive(models.TransientModel):
    _name = "account.dunning.claim.waive"
    _description = "Waive Late Payment Penalties"

    claim_ids = fields.Many2many(
        "account.dunning.claim",
        string="Claims",
        required=True,
        domain="[('state', '=', 'proposed'), ('debtor_type', '!=', 'public')]",
    )
    reason = fields.Text(
        required=True,
        help="Why these penalties are not claimed (e.g. a loyal customer's "
        "first delay, a delay caused by us). Kept on each claim and posted "
        "on the customer and the invoice.",
    )
    amount_total = fields.Monetary(
        string="Amount Waived", compute="_compute_amount_total"
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_amount_total")

    @api.depends("claim_ids.amount_total")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.claim_ids.mapped("amount_total"))
            wizard.currency_id = (
                wizard.claim_ids.currency_id[:1] or self.env.company.currency_id
            )

    def action_confirm(self):
        self.ensure_one()
        self.claim_ids._waive(self.reason)
        return {"type": "ir.actions.act_window_close"}
