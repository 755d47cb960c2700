"""Planning: what each customer is reminded of on a date (SPEC §2.5).

A customer gets at most one action per run, and one a day. Each debit item of
its account moves up its own levels, at most one level per run: levels whose minimum
amount the customer's net position does not reach are passed over, the
cadence since the customer's last action and the deadline the previous letter
announced are respected. The most advanced level due among the items sets the
action's level; the action lists every overdue item with its stage and the
open credits as deductions, and claims the net position. A customer who owes
nothing on balance (or no more than the tolerance) is not reminded: its
credits are to be matched. The same rule gives the invoice's displayed next
level and date, so that what the invoice announces is what the run does.
"""

import logging
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)

# Languages in which our accountants call customers (see _phone_language_ok).
PHONE_LANGUAGES = ("fr", "en")


def _due(item):
    """Due date of a receivable item; an entry without one is due at once."""
    return item.date_maturity or item.date


def _overdue_position(debits, credits, date):
    """The overdue debit items and the customer's net overdue position
    (overdue debits minus open credits, company currency)."""
    overdue = debits.filtered(lambda i: _due(i) < date)
    return overdue, sum((overdue | credits).mapped("amount_residual"))


def _rank(level):
    """Order of levels, across policies too: later trigger, then sequence."""
    return (level.delay_days, level.sequence)


class AccountDunningPlanning(models.AbstractModel):
    _name = "account.dunning.planning"
    _description = "Dunning Run Planning"

    @api.model
    def _prepare_proposals(self, date, partners=None, levels=None):
        """Values of the actions due on ``date``: one per customer at most.

        :param date: ``datetime.date`` of the run
        :param partners: ``res.partner`` recordset to restrict to, or None
        :param levels: ``account.dunning.level`` recordset to restrict to
        :return: list of dicts for ``account.dunning.action.create``
        """
        return self._plan(date, partners=partners, levels=levels)["proposals"]

    @api.model
    def _plan(self, date, partners=None, levels=None):
        """Plan the current company's run on ``date``.

        :return: dict with ``proposals`` (list of action values, failed ones
            included with their reason) and ``credits_to_match``
            (``res.partner``: customers with overdue items who owe nothing on
            balance)
        """
        # Only the fields planning reads are loaded (not every column of
        # the company's open items, invoices and customers).
        self = self.with_context(prefetch_fields=False)
        # Nothing is locked while planning: each unit of the run holds its
        # customer's invoices only while it is carried out.
        accounts = self.env["account.dunning.selection"]._get_items(
            date, partners, lock=False
        )
        customers = self.env["res.partner"].browse([c.id for c in accounts])
        result = {"proposals": [], "credits_to_match": customers.browse()}
        if not customers:
            return result
        policies = self.env["account.dunning.policy"]._get_partner_policies(customers)
        last_action = self._last_action_dates(customers)
        busy = self._customers_busy(customers)
        on_their_way = {}
        if self.env.company.dunning_bank_line_mode == "hold":
            on_their_way = self.env[
                "account.dunning.selection"
            ]._get_payments_on_their_way(customers, date)
        for customer, (debits, credits) in accounts.items():
            if not debits or customer.id in busy:
                continue
            # Planning only reads: a failure leaves the transaction usable, and
            # no savepoint per customer is needed to go on with the others.
            try:
                vals = self._plan_customer(
                    customer,
                    debits,
                    credits,
                    policies[customer.id],
                    last_action.get(customer.id),
                    date,
                    levels,
                )
            except Exception as error:  # noqa: BLE001 - one customer never stops the run
                if not isinstance(error, UserError):
                    _logger.exception("Dunning: planning failed for %s", customer.id)
                result["proposals"].append(
                    self._prepare_failure_vals(customer, debits, date, error)
                )
                continue
            if vals == "credits_to_match":
                result["credits_to_match"] |= customer
            elif vals:
                if customer.id in on_their_way:
                    vals["hold_reason"] = self._hold_reason(on_their_way[customer.id])
                result["proposals"].append(vals)
        return result

    @api.model
    def _plan_customer(
        self, customer, debits, credits, policy, last_action, date, levels
    ):
        """The action of one customer, as values, or None, or
        ``"credits_to_match"`` when its credits cover what is overdue."""
        overdue, overdue_net = _overdue_position(debits, credits, date)
        steps = {}
        # Once something is overdue, the letter is about what is overdue:
        # items not yet due wait for their own due date.
        for item in overdue or debits:
            level, due = self._next_step(item, policy, overdue_net, last_action, date)
            if level and due <= date and (not levels or level in levels):
                steps[item] = level
        if not steps:
            return None
        level = max(steps.values(), key=_rank)
        reached = overdue.dunning_level_id
        if reached and policy:
            top = max(reached, key=_rank)
            if _rank(level) < _rank(top) and policy._get_next_level(top):
                # Never a milder letter than the one the customer last got
                # while that one can still be followed up: the new items join
                # the next step of the older ones.
                return None
        listed = overdue or debits.filtered(lambda i: i in steps)
        position = sum((listed | credits).mapped("amount_residual"))
        if (
            self.env.company.currency_id.compare_amounts(
                position, self.env.company.dunning_tolerance
            )
            <= 0
        ):
            return "credits_to_match" if credits else None
        item_levels = {item.id: steps.get(item) for item in listed | credits}
        return self._prepare_action_vals(
            customer, level, listed | credits, item_levels, date
        )

    @api.model
    def _get_next_steps(self, moves, date):
        """Next level and the day it is due, per invoice, as the run sees it:
        the earliest among the invoice's own items.

        :param moves: ``account.move`` recordset (any company)
        :param date: ``datetime.date`` the steps are seen from
        :return: ``{move id: (account.dunning.level, datetime.date)}`` for the
            invoices the run may remind; a promise moves the date to the day
            after its grace period
        """
        result = {}
        for company in moves.company_id:
            planner = self.with_company(company)
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            accounts = planner.env["account.dunning.selection"]._get_items(
                date, company_moves.commercial_partner_id, lock=False, promised=True
            )
            customers = self.env["res.partner"].browse([c.id for c in accounts])
            policies = planner.env["account.dunning.policy"]._get_partner_policies(
                customers
            )
            last_action = planner._last_action_dates(customers)
            Promise = planner.env["account.dunning.promise"]
            for customer, (debits, credits) in accounts.items():
                overdue_net = _overdue_position(debits, credits, date)[1]
                for item in debits & company_moves.line_ids:
                    level, due = planner._next_step(
                        item,
                        policies[customer.id],
                        overdue_net,
                        last_action.get(customer.id),
                        date,
                    )
                    if not level:
                        continue
                    promise = item.move_id.dunning_promise_date
                    if promise:
                        due = max(due, Promise._resume_date(promise))
                    known = result.get(item.move_id.id)
                    if not known or due < known[1]:
                        result[item.move_id.id] = (level, due)
        return result

    @api.model
    def _next_step(self, item, policy, open_amount, last_action_date, date):
        """The level ``item`` goes to next and the day it becomes due.

        :param item: debit ``account.move.line`` of the receivable account
        :param policy: ``account.dunning.policy`` of its customer (may be empty)
        :param open_amount: customer's net overdue position, company currency
        :param last_action_date: ``datetime.date`` of the customer's last
            action, or None
        :param date: ``datetime.date`` of the run
        :return: ``(level, due date)``; an empty level when none applies
        """
        level = self._next_applicable_level(
            policy,
            item.dunning_level_id,
            open_amount,
            overdue=_due(item) < date,
        )
        if not level:
            return level, False
        due = self._level_due_date(item, level)
        if last_action_date:
            # At most one reminder a day, whatever the level's cadence says.
            days = max(level.min_days_since_last, 1)
            due = max(due, last_action_date + timedelta(days=days))
        return level, due

    @api.model
    def _next_applicable_level(self, policy, current, open_amount, overdue=False):
        """Next level of ``policy`` after ``current`` that applies; levels that
        do not are passed over: those whose minimum amount (company currency)
        the customer does not reach, and reminders before the due date once it
        has passed."""
        if not policy:
            return policy
        level = policy._get_next_level(current)
        while level and (
            (level.min_amount and level.min_amount > open_amount)
            or (overdue and level.delay_days < 0)
        ):
            level = policy._get_next_level(level)
        return level

    @api.model
    def _level_due_date(self, item, level):
        """Day on which ``level`` becomes due for the debit ``item``.

        Credibility (SPEC §2.5.9): never before the day after the deadline the
        previous letter announced.
        """
        due = _due(item) + timedelta(days=level.delay_days)
        previous = item.dunning_level_id
        if previous and item.dunning_last_date:
            due = max(
                due,
                item.dunning_last_date
                + timedelta(days=previous.payment_deadline_days + 1),
            )
        return due

    @api.model
    def _last_action_dates(self, customers):
        """Date of the last live action per customer; failed ones count too,
        so a failure does not turn into a daily retry storm."""
        groups = self.env["account.dunning.action"]._read_group(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("done", "failed")),
            ],
            ["partner_id"],
            ["date:max"],
        )
        return {partner.id: last for partner, last in groups}

    @api.model
    def _customers_busy(self, customers):
        """Customers not to remind again yet: an action of theirs waits for
        validation or a fix, or a letter of theirs waits for the post room
        (the next step must not overtake a letter that has not left)."""
        groups = self.env["account.dunning.action"]._read_group(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                "|",
                ("state", "in", ("proposed", "failed")),
                "&",
                ("state", "=", "done"),
                ("print_state", "=", "to_print"),
            ],
            ["partner_id"],
            [],
        )
        return {partner.id for (partner,) in groups}

    @api.model
    def _prepare_action_vals(self, customer, level, items, item_levels, date):
        """Values of the run's action for ``customer`` at ``level``."""
        vals = self.env["account.dunning.action"]._prepare_action_vals(
            customer,
            items.move_id,
            date,
            level=level,
            items=items,
            item_levels=item_levels,
        )
        if vals["channel_call"] and not self._phone_language_ok(customer):
            # Abroad, call only when the language is no obstacle; otherwise
            # the reminder goes in writing (SPEC §2.2).
            vals.update(channel_call=False, channel_email=True)
        return vals

    @api.model
    def _prepare_failure_vals(self, customer, debits, date, error):
        """A failed action records why a customer could not be planned; it
        counts for the cadence and waits for the accountant."""
        return {
            "company_id": self.env.company.id,
            "partner_id": customer.id,
            "date": date,
            "move_ids": [fields.Command.set(debits.move_id.ids)],
            "amount_due": sum(debits.mapped("amount_residual")),
            "state": "failed",
            "failure_reason": self.env._(
                "The reminder could not be prepared: %(reason)s",
                reason=error.args[0] if error.args else repr(error),
            ),
        }

    @api.model
    def _hold_reason(self, statement_line):
        return self.env._(
            "Payment received, to reconcile: bank line “%(label)s” of %(amount)s "
            "on %(date)s.",
            label=statement_line.payment_ref or "",
            amount=format_amount(
                self.env, statement_line.amount, statement_line.currency_id
            ),
            date=format_date(self.env, statement_line.date),
        )

    @api.model
    def _phone_language_ok(self, customer):
        """Whether our accountants can call this customer in their language:
        French, or English, the two languages the letters ship in."""
        lang = (customer.lang or self.env.company.partner_id.lang or "fr_FR")[:2]
        return lang in PHONE_LANGUAGES

    @api.model
    def _create_proposals(self, vals_list):
        """Create the actions; one refused as a duplicate by the database
        (another run created it meanwhile) is skipped, the others are kept."""
        Action = self.env["account.dunning.action"]
        if not vals_list:
            return Action
        try:
            with self.env.cr.savepoint():
                return Action.create(vals_list)
        except IntegrityError:
            _logger.info("Dunning run: concurrent run detected, creating one by one")
        actions = Action
        for vals in vals_list:
            try:
                # The database checks uniqueness when the savepoint flushes:
                # keep the record only once the savepoint is released.
                with self.env.cr.savepoint():
                    action = Action.create(vals)
            except IntegrityError:
                continue
            actions |= action
        return actions
