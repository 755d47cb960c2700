"""Planning: what each customer is reminded of on a date.

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

The rules are plain functions of ``tools.dunning_steps``; this model reads
the company's accounts for them and turns their steps into actions' values.
"""

import gc
import logging
from contextlib import contextmanager

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..tools import dunning_steps
from ..tools.id_array import int_array_literal

_logger = logging.getLogger(__name__)

# Languages in which our accountants call customers (see _phone_language_ok).
PHONE_LANGUAGES = ("fr", "en")


@contextmanager
def _cycle_collection_paused():
    """Planning allocates a few objects per open item of the company, none
    of them in a reference cycle: Python's cycle collector, triggered by the
    count of allocations, would scan the whole heap again and again (a third
    of the planning's time at a hundred thousand items). It runs once after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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

        The open items of the whole company are read as plain data in one
        query and stepped by ``tools.dunning_steps``; records are read only
        for the customers reminded (their recipient) and the few policies and
        levels.

        :return: dict with ``proposals`` (list of action values, failed ones
            included with their reason) and ``credits_to_match``
            (``res.partner``: customers with overdue items who owe nothing on
            balance)
        """
        with _cycle_collection_paused():
            return self._plan_accounts(date, partners, levels)

    @api.model
    def _plan_accounts(self, date, partners, levels):
        # Nothing is locked while planning: each unit of the run holds its
        # customer's invoices only while it is carried out.
        accounts = self.env["account.dunning.selection"]._get_items(date, partners)
        Partner = self.env["res.partner"]
        result = {"proposals": [], "credits_to_match": Partner}
        if not accounts:
            return result
        customers = Partner.browse(list(accounts))
        policies = self._get_step_policies(customers)
        last_action = self._last_action_dates(customers)
        busy = self._customers_busy(customers)
        currency = self.env.company.currency_id
        tolerance = self.env.company.dunning_tolerance

        rounding = currency.rounding

        def owes(amount):
            # compare_amounts, called only where rounding can decide
            excess = amount - tolerance
            if excess <= 0 or excess > rounding:
                return excess > 0
            return currency.compare_amounts(amount, tolerance) > 0

        level_ids = set(levels.ids) if levels else None
        planned, credit_ids, failed = [], [], []
        for customer_id, (debits, credits) in accounts.items():
            if not debits or customer_id in busy:
                continue
            # Planning only reads: a failure leaves the transaction usable,
            # and no savepoint per customer is needed to go on.
            try:
                step = dunning_steps.plan_account(
                    debits,
                    credits,
                    policies[customer_id],
                    last_action.get(customer_id),
                    date,
                    owes,
                    level_ids=level_ids,
                )
            except Exception as error:  # noqa: BLE001 - one customer never stops the run
                _logger.exception("Dunning: planning failed for %s", customer_id)
                failed.append((customer_id, debits, error))
                continue
            if step == dunning_steps.CREDITS_TO_MATCH:
                credit_ids.append(customer_id)
            elif step:
                planned.append((customer_id, step))
        result["credits_to_match"] = Partner.browse(credit_ids)
        result["proposals"] = self._prepare_proposal_vals(planned, date)
        result["proposals"] += [
            self._prepare_failure_vals(Partner.browse(customer_id), debits, date, error)
            for customer_id, debits, error in failed
        ]
        return result

    @api.model
    def _prepare_proposal_vals(self, planned, date):
        """Values of the actions planned on ``date``.

        :param planned: list of ``(customer id, tools.dunning_steps.Step)``
        :return: list of dicts for ``account.dunning.action.create``; a
            customer whose values cannot be prepared gets a failed action
        """
        Partner = self.env["res.partner"]
        customer_ids = [customer_id for customer_id, _step in planned]
        customers = Partner.browse(customer_ids)
        Recipient = self.env["account.dunning.recipient"]
        own_recipients = Recipient._get_own_recipients(customers)
        # The chains walked read their contacts' roles together, not one
        # customer after the other.
        Partner.browse(
            [cid for cid in customer_ids if cid not in own_recipients]
        ).child_ids.dunning_role_ids.mapped("code")
        on_their_way = {}
        if self.env.company.dunning_bank_line_mode == "hold":
            on_their_way = self.env[
                "account.dunning.selection"
            ]._get_payments_on_their_way(customers, date)
        Builder = self.env["account.dunning.action.builder"]
        Level = self.env["account.dunning.level"]
        level_vals = {}
        company_id = self.env.company.id
        proposals = []
        prefetch = customers._prefetch_ids

        def record(customer_id):
            # Only the customers that need a record (a chain to walk, a call,
            # a failure) get one; they read their fields all at once.
            return Partner.browse(customer_id).with_prefetch(prefetch)

        for customer_id, step in planned:
            try:
                if step.level.id not in level_vals:
                    level_vals[step.level.id] = Builder._prepare_level_vals(
                        Level.browse(step.level.id), date
                    )
                vals = Builder._compose_action_vals(
                    company_id,
                    customer_id,
                    (
                        customer_id
                        if customer_id in own_recipients
                        else Recipient._get_recipient(record(customer_id)).id
                    ),
                    dunning_steps.debit_move_ids(step.items),
                    step.items,
                    {
                        item_id: level.id if level else None
                        for item_id, level in step.item_levels.items()
                    },
                    date,
                    level_vals[step.level.id],
                )
                if vals["channel_call"] and not self._phone_language_ok(
                    record(customer_id)
                ):
                    # Abroad, call only when the language is no obstacle;
                    # otherwise the reminder goes in writing.
                    vals.update(channel_call=False, channel_email=True)
                if customer_id in on_their_way:
                    vals["hold_reason"] = self._hold_reason(on_their_way[customer_id])
            except Exception as error:  # noqa: BLE001 - one customer never stops the run
                if not isinstance(error, UserError):
                    _logger.exception("Dunning: planning failed for %s", customer_id)
                debits = [item for item in step.items if item.amount > 0]
                vals = self._prepare_failure_vals(
                    record(customer_id), debits, date, error
                )
            proposals.append(vals)
        return proposals

    @api.model
    def _get_step_policies(self, customers):
        """Effective policy of each customer in the current company, as
        ``tools.dunning_steps.Policy`` (None: no policy), read in one query
        (``account.dunning.policy._get_policy_resolver`` decides).

        :param customers: ``res.partner`` recordset of commercial entities
        :return: ``{customer id: Policy or None}``
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        query = Partner._search([])
        self._where_ids_in(query, Partner, "id", customers)
        rows = self.env.execute_query(
            query.select(
                Partner._field_to_sql("res_partner", "id", query),
                Partner._field_to_sql("res_partner", "dunning_policy_id", query),
                Partner._field_to_sql("res_partner", "payer_profile", query),
            )
        )
        resolve = self.env["account.dunning.policy"]._get_policy_resolver()
        # Few customers have a policy of their own: the rule runs once per
        # (own policy, payer profile) and once per policy converted.
        steps, resolved = {}, {}
        result = {}
        for customer_id, own_policy_id, payer_profile in rows:
            key = (own_policy_id, payer_profile)
            if key not in resolved:
                policy = resolve(own_policy_id, payer_profile)
                if policy.id not in steps:
                    steps[policy.id] = policy._get_step_policy()
                resolved[key] = steps[policy.id]
            result[customer_id] = resolved[key]
        return result

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
        Level = self.env["account.dunning.level"]
        for company in moves.company_id:
            planner = self.with_company(company)
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            move_ids = set(company_moves.ids)
            accounts = planner.env["account.dunning.selection"]._get_items(
                date, company_moves.commercial_partner_id, promised=True
            )
            customers = self.env["res.partner"].browse(list(accounts))
            policies = planner._get_step_policies(customers)
            last_action = planner._last_action_dates(customers)
            Promise = planner.env["account.dunning.promise"]
            for customer_id, (debits, credits) in accounts.items():
                overdue_net = dunning_steps.overdue_position(debits, credits, date)[1]
                for item in debits:
                    if item.move_id not in move_ids:
                        continue
                    level, due = dunning_steps.next_step(
                        item,
                        policies[customer_id],
                        overdue_net,
                        last_action.get(customer_id),
                        date,
                    )
                    if not level:
                        continue
                    if item.promise_date:
                        due = max(due, Promise._resume_date(item.promise_date))
                    known = result.get(item.move_id)
                    if not known or due < known[1]:
                        result[item.move_id] = (Level.browse(level.id), due)
        return result

    @api.model
    def _last_action_dates(self, customers):
        """Date of the last live action per customer; failed ones count too,
        so a failure does not turn into a daily retry storm."""
        Action = self.env["account.dunning.action"]
        query = Action._search(
            [
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("done", "failed")),
            ]
        )
        partner = self._where_ids_in(query, Action, "partner_id", customers)
        query.groupby = partner
        date = Action._field_to_sql(Action._table, "date", query)
        return dict(self.env.execute_query(query.select(partner, SQL("MAX(%s)", date))))

    @api.model
    def _customers_busy(self, customers):
        """Customers not to remind again yet: an action of theirs waits for
        validation or a fix, or a letter of theirs waits for the post room
        (the next step must not overtake a letter that has not left)."""
        Action = self.env["account.dunning.action"]
        query = Action._search(
            [
                ("company_id", "=", self.env.company.id),
                "|",
                ("state", "in", ("proposed", "failed")),
                "&",
                ("state", "=", "done"),
                ("print_state", "=", "to_print"),
            ]
        )
        partner = self._where_ids_in(query, Action, "partner_id", customers)
        query.groupby = partner
        return {row[0] for row in self.env.execute_query(query.select(partner))}

    @api.model
    def _where_ids_in(self, query, model, fname, records):
        """Restrict ``query`` (of ``model``) to rows whose ``fname`` is one
        of ``records``, sent as one array: planning asks about every
        customer of the company at once (``tools.id_array``).

        :return: the ``SQL`` of the field, for the caller's select
        """
        column = model._field_to_sql(model._table, fname, query)
        query.add_where(
            SQL("%s = ANY(%s::int[])", column, int_array_literal(records.ids))
        )
        return column

    @api.model
    def _prepare_failure_vals(self, customer, debits, date, error):
        """A failed action records why a customer could not be planned; it
        counts for the cadence and waits for the accountant."""
        return {
            "company_id": self.env.company.id,
            "partner_id": customer.id,
            "date": date,
            "move_ids": [fields.Command.set(dunning_steps.debit_move_ids(debits))],
            "amount_due": sum(item.amount for item in debits),
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
