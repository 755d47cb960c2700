from odoo import Command, api, fields, models


class AccountDunningCustomerWizard(models.AbstractModel):
    """What the call, formal notice and payment plan wizards share: a customer
    of a company and the overdue invoices the wizard is about."""

    _name = "account.dunning.customer.wizard"
    _description = "Dunning Wizard About a Customer"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount_open = fields.Monetary(compute="_compute_amount_open")

    @api.depends("partner_id")
    def _compute_move_ids(self):
        for wizard in self:
            wizard.move_ids = [Command.set(wizard._get_overdue_moves().ids)]

    @api.depends("move_ids")
    def _compute_amount_open(self):
        for wizard in self:
            wizard.amount_open = wizard.move_ids._dunning_open_amount()

    def _get_overdue_moves(self):
        """Posted invoices of the wizard's customer in its company, open and
        past due today."""
        self.ensure_one()
        if not self.partner_id:
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                (
                    "commercial_partner_id",
                    "=",
                    self.partner_id.commercial_partner_id.id,
                ),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        )
