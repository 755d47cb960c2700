"""Promises and payment plans pause the dunning run; the daily run checks them.

The engine's candidate domain is adapted here: invoices covered by a running
payment plan are left alone. (The promise's grace period is part of the engine
itself, see account.move._dunning_promise_cutoff.)
"""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "in_payment", "reversed")


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    @api.model
    def _get_candidate_domain(self, date):
        # Invoices of a running payment plan wait for the plan's own check.
        return expression.AND(
            [
                super()._get_candidate_domain(date),
                [("dunning_payment_plan_ids", "not any", [("state", "=", "running")])],
            ]
        )

    @api.model
    def _run_dunning(
        self, date=None, companies=None, partners=None, execute=True, levels=None
    ):
        self._run_dunning_checks(
            date or fields.Date.context_today(self), companies or None
        )
        return super()._run_dunning(
            date=date,
            companies=companies,
            partners=partners,
            execute=execute,
            levels=levels,
        )

    @api.model
    def _cron_run_dunning(self):
        self._run_dunning_checks(fields.Date.context_today(self))
        return super()._cron_run_dunning()

    @api.model
    def _run_dunning_checks(self, date, companies=None):
        """Settle expired promises and payment plans before reminding."""
        companies = companies or self.env["res.company"].search([])
        for company in companies:
            self.env["account.move"].with_company(company)._check_dunning_promises(date)
            self.env["account.dunning.payment.plan"].with_company(
                company
            )._check_payment_plans(date)


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_promise_action_id = fields.Many2one(
        "account.dunning.action",
        string="Promise Recorded By",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    dunning_promise_base_residual = fields.Monetary(
        string="Open Amount When Promised",
        copy=False,
        readonly=True,
        currency_field="currency_id",
    )
    dunning_prescription_restart_date = fields.Date(
        string="Prescription Restarted On",
        copy=False,
        tracking=True,
        help="Date of an acknowledgment of the debt (signed payment plan, "
        "part payment): the prescription period runs again from it.",
    )

    def _get_dunning_next_date(self, policy):
        next_date = super()._get_dunning_next_date(policy)
        if next_date and any(
            plan.state == "running" for plan in self.dunning_payment_plan_ids
        ):
            return False
        return next_date

    def _dunning_is_prescribed(self, date):
        self.ensure_one()
        prescribed = super()._dunning_is_prescribed(date)
        if not prescribed or not self.dunning_prescription_restart_date:
            return prescribed
        years = self._dunning_prescription_years(
            self.commercial_partner_id.dunning_debtor_type
        )
        return (
            self.dunning_prescription_restart_date + relativedelta(years=years) <= date
        )

    def _dunning_record_promise(self, promise_date, amount, action):
        """Spread a promised amount over these invoices, oldest due first."""
        left = amount
        for move in self.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
            share = min(left, move.amount_residual) if left > 0 else 0.0
            left -= share
            move.sudo().write(
                {
                    "dunning_promise_date": promise_date,
                    "dunning_promise_amount": share,
                    "dunning_promise_action_id": action.id,
                    "dunning_promise_base_residual": move.amount_residual,
                }
            )

    def _dunning_promise_is_kept(self):
        self.ensure_one()
        if self.payment_state in PAID_STATES:
            return True
        paid = self.dunning_promise_base_residual - self.amount_residual
        return self.currency_id.compare_amounts(paid, self.dunning_promise_amount) >= 0

    @api.model
    def _check_dunning_promises(self, date):
        """Promises whose date plus grace has passed: kept or broken.

        A kept promise is simply cleared. A broken one is cleared too (the
        dunning resumes), counted on the customer and logged.
        """
        moves = self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("dunning_promise_date", "!=", False),
                ("dunning_promise_date", "<", self._dunning_promise_cutoff(date)),
            ]
        )
        if not moves:
            return
        broken = moves.filtered(lambda m: not m._dunning_promise_is_kept())
        kept = moves - broken
        for action in moves.dunning_promise_action_id:
            action_moves = moves.filtered(
                lambda m, a=action: m.dunning_promise_action_id == a
            )
            action.sudo().promise_state = "broken" if action_moves & broken else "kept"
        for customer in broken.commercial_partner_id:
            customer_moves = broken.filtered(
                lambda m, c=customer: m.commercial_partner_id == c
            )
            customer.sudo().dunning_promise_broken_count += 1
            customer._message_log(
                body=self.env._(
                    "Payment promise of %(date)s not kept (%(invoices)s): the "
                    "reminders resume.",
                    date=fields.Date.to_string(customer_moves[0].dunning_promise_date),
                    invoices=", ".join(customer_moves.mapped("name")),
                )
            )
            _logger.info("Dunning: broken promise for partner %s", customer.id)
        if kept:
            kept._message_log_batch(
                bodies=dict.fromkeys(kept.ids, self.env._("Payment promise kept."))
            )
        moves.sudo().write(
            {
                "dunning_promise_date": False,
                "dunning_promise_amount": 0.0,
                "dunning_promise_action_id": False,
                "dunning_promise_base_residual": 0.0,
            }
        )
