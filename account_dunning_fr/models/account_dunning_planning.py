"""Planning: which level is due for which customer on a date (SPEC §2.5).

Each invoice advances at most one level per run, levels whose amount
condition the customer does not meet are passed over, the cadence since the
customer's last action and the deadline the previous letter announced are
respected. The same rule gives the invoice's displayed next level and date,
so that what the invoice announces is what the run does.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import api, models

_logger = logging.getLogger(__name__)

# Languages in which our accountants call customers (see _phone_language_ok).
PHONE_LANGUAGES = ("fr", "en")


class AccountDunningPlanning(models.AbstractModel):
    _name = "account.dunning.planning"
    _description = "Dunning Run Planning"

    @api.model
    def _prepare_proposals(self, date, partners=None, levels=None):
        """Values of the actions due on ``date``: one per customer and level.

        :param date: ``datetime.date`` of the run
        :param partners: ``res.partner`` recordset to restrict to, or None
        :param levels: ``account.dunning.level`` recordset to restrict to
        :return: list of dicts for ``account.dunning.action.create``
        """
        moves = self.env["account.dunning.selection"]._get_candidates(date, partners)
        if not moves:
            return []
        customers = moves.commercial_partner_id
        policies = self.env["account.dunning.policy"]._get_partner_policies(customers)
        last_action = self._last_action_dates(customers)
        pending = self._moves_in_live_proposals(customers)
        open_total = self._open_totals(moves)
        groups = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            if move.id in pending:
                continue
            customer = move.commercial_partner_id
            level, due = self._next_step(
                move,
                policies[customer.id],
                open_total[customer.id],
                last_action.get(customer.id),
                date,
            )
            if not level or due > date or (levels and level not in levels):
                continue
            groups[customer, level] |= move
        return [
            self._prepare_action_vals(customer, level, grouped, date)
            for (customer, level), grouped in groups.items()
        ]

    @api.model
    def _get_next_steps(self, moves, date):
        """Next level and the day it is due, per invoice, as the run sees it.

        :param moves: ``account.move`` recordset (any company)
        :param date: ``datetime.date`` the steps are seen from
        :return: ``{move id: (account.dunning.level, datetime.date)}`` for the
            invoices the run may remind; a promise moves the date to the day
            after its grace period
        """
        result = {}
        for company in moves.company_id:
            planner = self.with_company(company)
            selection = planner.env["account.dunning.selection"]
            customers = moves.filtered(
                lambda m, c=company: m.company_id == c
            ).commercial_partner_id
            open_moves = planner.env["account.move"].search(
                selection._get_open_domain()
                + [("commercial_partner_id", "in", customers.ids)]
            )
            policies = planner.env["account.dunning.policy"]._get_partner_policies(
                customers
            )
            last_action = planner._last_action_dates(customers)
            open_total = planner._open_totals(open_moves)
            cutoff_days = company.dunning_promise_grace_days + 1
            for move in open_moves & moves:
                if move._dunning_is_prescribed(date):
                    continue
                customer = move.commercial_partner_id
                level, due = planner._next_step(
                    move,
                    policies[customer.id],
                    open_total[customer.id],
                    last_action.get(customer.id),
                    date,
                )
                if not level:
                    continue
                if move.dunning_promise_date:
                    promise_end = move.dunning_promise_date + timedelta(
                        days=cutoff_days
                    )
                    due = max(due, promise_end)
                result[move.id] = (level, due)
        return result

    @api.model
    def _next_step(self, move, policy, open_amount, last_action_date, date):
        """The level ``move`` goes to next and the day it becomes due.

        :param move: ``account.move``
        :param policy: ``account.dunning.policy`` of its customer (may be empty)
        :param open_amount: customer's open amount, company currency
        :param last_action_date: ``datetime.date`` of the customer's last
            action, or None
        :param date: ``datetime.date`` of the run
        :return: ``(level, due date)``; an empty level when none applies
        """
        level = self._next_applicable_level(
            policy,
            move.dunning_level_id,
            open_amount,
            overdue=move.invoice_date_due < date,
        )
        if not level:
            return level, False
        due = self._level_due_date(move, level)
        if last_action_date:
            due = max(due, last_action_date + timedelta(days=level.min_days_since_last))
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
            level.min_amount > open_amount or (overdue and level.delay_days < 0)
        ):
            level = policy._get_next_level(level)
        return level

    @api.model
    def _level_due_date(self, move, level):
        """Day on which ``level`` becomes due for ``move``.

        Credibility (SPEC §2.5.9): never before the day after the deadline the
        previous letter announced.
        """
        due = move.invoice_date_due + timedelta(days=level.delay_days)
        previous = move.dunning_level_id
        if previous and move.dunning_last_date:
            due = max(
                due,
                move.dunning_last_date
                + timedelta(days=previous.payment_deadline_days + 1),
            )
        return due

    @api.model
    def _open_totals(self, moves):
        """Open amount per commercial partner id, in company currency."""
        totals = defaultdict(float)
        for move in moves:
            totals[move.commercial_partner_id.id] += move._dunning_open_amount()
        return totals

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
    def _moves_in_live_proposals(self, customers):
        proposals = self.env["account.dunning.action"].search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("proposed", "failed")),
            ]
        )
        return set(proposals.move_ids.ids)

    @api.model
    def _prepare_action_vals(self, customer, level, moves, date):
        """Values of the run's action for ``customer`` at ``level``."""
        vals = self.env["account.dunning.action"]._prepare_action_vals(
            customer, moves, date, level=level
        )
        if vals["channel_call"] and not self._phone_language_ok(customer):
            # Abroad, call only when the language is no obstacle; otherwise
            # the reminder goes in writing (SPEC §2.2).
            vals.update(channel_call=False, channel_email=True)
        return vals

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
