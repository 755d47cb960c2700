"""Payment promises: they pause the reminders of the promised invoices until
the promised date plus the company's grace period; the run then checks them
again. The promise itself is kept on the invoices and on the action
that recorded it."""

import logging
from datetime import timedelta

from odoo import api, models
from odoo.tools import format_date

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "in_payment", "reversed")


class AccountDunningPromise(models.AbstractModel):
    _name = "account.dunning.promise"
    _description = "Dunning Payment Promise"

    @api.model
    def _cutoff(self, date):
        """Promises dated before this day have run out on ``date``: the run
        waits for the promised date plus the current company's grace period.

        :param date: ``datetime.date`` of the run
        :return: ``datetime.date``
        """
        return date - timedelta(days=self.env.company.dunning_promise_grace_days)

    @api.model
    def _record(self, moves, promise_date, amount, action):
        """Spread a promised amount over ``moves``, oldest due first.

        :param moves: ``account.move`` recordset promised
        :param promise_date: ``datetime.date`` promised
        :param amount: promised amount, in company currency, as the run
            claims and the call form and the portal show what is owed
        :param action: ``account.dunning.action`` that recorded the promise
        """
        left = amount
        for move in moves.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
            open_amount = move._dunning_open_amount()
            share = min(left, open_amount) if left > 0 else 0.0
            left -= share
            # The customer's salesperson may record what the customer promised
            # on a call they logged; only accountants write invoices directly.
            move.sudo().write(
                {
                    "dunning_promise_date": promise_date,
                    "dunning_promise_amount": share,
                    "dunning_promise_action_id": action.id,
                    "dunning_promise_base_residual": open_amount,
                }
            )
        action.sudo().promise_state = "pending"  # same reason

    @api.model
    def _is_kept(self, move):
        """Whether what was promised on ``move`` has been paid: what its open
        amount fell by since the promise, all in company currency."""
        if move.payment_state in PAID_STATES:
            return True
        paid = move.dunning_promise_base_residual - move._dunning_open_amount()
        return (
            move.company_currency_id.compare_amounts(paid, move.dunning_promise_amount)
            >= 0
        )

    @api.model
    def _settle_expired(self, date):
        """Promises of the current company whose date plus grace has passed
        on ``date`` (a ``datetime.date``): kept or broken, then cleared.

        A kept promise is simply cleared. A broken one is cleared too (the
        reminders resume), counted on the customer and logged.
        """
        Move = self.env["account.move"]
        moves = Move.search(
            [
                ("company_id", "=", self.env.company.id),
                ("dunning_promise_date", "!=", False),
                ("dunning_promise_date", "<", self._cutoff(date)),
            ]
        )
        if not moves:
            return
        broken = moves.filtered(lambda m: not self._is_kept(m))
        kept = moves - broken
        for action in moves.dunning_promise_action_id:
            action_moves = moves.filtered(
                lambda m, a=action: m.dunning_promise_action_id == a
            )
            action.promise_state = "broken" if action_moves & broken else "kept"
        for customer in broken.commercial_partner_id:
            customer_moves = broken.filtered(
                lambda m, c=customer: m.commercial_partner_id == c
            )
            # A statistic kept by the run: whoever runs it (an accountant who
            # may not edit customers, or OdooBot) must be able to count it.
            customer.sudo().dunning_promise_broken_count += 1
            customer._message_log(
                body=self.env._(
                    "Payment promise of %(date)s not kept (%(invoices)s): the "
                    "reminders resume.",
                    date=format_date(self.env, customer_moves[0].dunning_promise_date),
                    invoices=", ".join(customer_moves.mapped("name")),
                )
            )
            _logger.info("Dunning: broken promise for partner %s", customer.id)
        if kept:
            kept._message_log_batch(
                bodies=dict.fromkeys(kept.ids, self.env._("Payment promise kept."))
            )
        moves.write(
            {
                "dunning_promise_date": False,
                "dunning_promise_amount": 0.0,
                "dunning_promise_action_id": False,
                "dunning_promise_base_residual": 0.0,
            }
        )
