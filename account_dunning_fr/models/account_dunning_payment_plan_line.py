"""One instalment of a payment plan; payments settle them in date order."""

from odoo import api, fields, models


class AccountDunningPaymentPlanLine(models.Model):
    _name = "account.dunning.payment.plan.line"
    _description = "Dunning Payment Plan Instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one(
        "account.dunning.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    is_down_payment = fields.Boolean(string="Down Payment")
    amount_paid = fields.Monetary(compute="_compute_paid")
    paid = fields.Boolean(compute="_compute_paid")
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("late", "Late")],
        compute="_compute_paid",
    )

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "An instalment must be a positive amount.",
        ),
    ]

    @api.depends("amount", "date", "plan_id.amount_paid")
    @api.depends_context("date")
    def _compute_paid(self):
        today = self.env.context.get("date") or fields.Date.context_today(self)
        for plan in self.plan_id:
            # Payments settle the instalments in date order.
            left = plan.amount_paid
            for line in plan.line_ids.sorted(lambda ln: (ln.date, ln.id)):
                share = min(left, line.amount)
                left -= share
                # Only the lines being computed are assigned: assigning the
                # others would write them (their write date), which a
                # read-only request refuses.
                if line not in self:
                    continue
                line.amount_paid = share
                line.paid = plan.currency_id.compare_amounts(share, line.amount) >= 0
                if line.paid:
                    line.state = "paid"
                else:
                    line.state = (
                        "late" if line.date < fields.Date.to_date(today) else "pending"
                    )
        for line in self - self.plan_id.line_ids:
            line.amount_paid, line.paid, line.state = 0.0, False, "pending"
