"""Propose a payment plan from a customer's overdue invoices: a down payment
then equal instalments every few days, split to the cent."""

from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError


class AccountDunningPaymentPlanCreate(models.TransientModel):
    _name = "account.dunning.payment.plan.create"
    _inherit = "account.dunning.customer.wizard"
    _description = "Create a Dunning Payment Plan"

    date_start = fields.Date(required=True, default=fields.Date.context_today)
    down_payment = fields.Monetary(help="Paid at once, on the start date.")
    instalment_count = fields.Integer(string="Instalments", required=True, default=2)
    interval_days = fields.Integer(string="Every (days)", required=True, default=15)
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(16, 2))
    interest_at_end = fields.Boolean(string="Invoice Interest at the End")
    bills_of_exchange = fields.Boolean()

    def _compute_schedule(self):
        """[(date, amount, is_down_payment)] totalling the open amount exactly."""
        self.ensure_one()
        currency = self.currency_id
        if self.instalment_count < 1 or self.interval_days < 1:
            raise UserError(
                self.env._("Plan at least one instalment, at least a day apart.")
            )
        if (
            self.down_payment < 0
            or currency.compare_amounts(self.down_payment, self.amount_open) >= 0
        ):
            raise UserError(
                self.env._("The down payment must be less than the open amount.")
            )
        schedule = []
        if not currency.is_zero(self.down_payment):
            schedule.append((self.date_start, currency.round(self.down_payment), True))
        rest = currency.round(self.amount_open - self.down_payment)
        # Work in cents so that the instalments add up exactly; the last one
        # takes the remainder.
        factor = 10**currency.decimal_places
        cents = round(rest * factor)
        share = cents // self.instalment_count
        for index in range(1, self.instalment_count + 1):
            amount = (
                share if index < self.instalment_count else cents - share * (index - 1)
            )
            date = self.date_start + timedelta(days=self.interval_days * index)
            schedule.append((date, amount / factor, False))
        return schedule

    def action_create(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Select the invoices the plan covers."))
        plan = self.env["account.dunning.payment.plan"].create(
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "date_start": self.date_start,
                "interest_rate": self.interest_rate,
                "interest_at_end": self.interest_at_end,
                "bills_of_exchange": self.bills_of_exchange,
                "line_ids": [
                    Command.create(
                        {"date": date, "amount": amount, "is_down_payment": down}
                    )
                    for date, amount, down in self._compute_schedule()
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.dunning.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
        }
