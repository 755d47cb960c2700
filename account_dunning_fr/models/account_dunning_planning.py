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

The account the run works on (``_get_items``) is the company's open
receivable journal items but those of invoices sold to a factor
(``_get_item_domain``), in company currency (``amount_residual``), one per
due date: debit items (invoice instalments, entries on the receivable
account) may be reminded, unless their invoice is blocked by a dispute,
covered by a running payment plan, held by what the customer answered (an
unexpired promise, a reply, a payment under way), or the claim is
time-barred, or they are not ours to claim yet or at all (``tools.claimable``:
an invoice collected by direct debit until its return period is over, an
early-payment discount earned in time, a residual at or below the per-item
tolerance — the last two listed to write off, ``_get_write_off_items``);
credit items (credit notes, payments not yet matched, credit
entries) are always deducted. Customers excluded from dunning, archived, or
under a collective insolvency procedure are left out entirely.

The rules are plain functions of ``tools.dunning_steps``; this model reads
the company's accounts for them and turns their steps into actions' values.
It is also the one builder of actions' values: the run and every workflow
that records an action (calls, visits, promises, payment plans, formal
notices, the portal, letters sent in place of an undelivered reminder) take
them from ``_prepare_action_vals`` (records) or ``_compose_action_vals``
(plain data), so that an action always lists the items of the customer's
account it is about, each at its stage, and claims their net open amount in
company currency; a level's share of the values is ``_prepare_level_vals``.
"""

import gc
import logging
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from uuid import uuid4

from psycopg2 import IntegrityError

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..tools import claimable, dunning_steps, prescription
from ..tools.expected_refusals import expected_refusals
from ..tools.id_array import int_array_literal

# Invoice numbers (FAC/2026/00012) stand between spaces or punctuation in a
# bank label; the slash belongs to the number.
SEPARATORS = re.compile(r"[^\w/-]+")


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
        accounts = self._get_items(date, partners)
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
                "account.dunning.planning"
            ]._get_payments_on_their_way(customers, date)
        Builder = self
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
                if vals["create_call"] and not self._phone_language_ok(
                    record(customer_id)
                ):
                    # Abroad, call only when the language is no obstacle;
                    # otherwise the reminder goes in writing.
                    vals.update(create_call=False, send_email=True)
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
            invoices the run may remind; what the customer answered (a
            promise, a reply, a payment under way) moves the date to the day
            after its hold, a direct debit to the day after its
            return period
        """
        result = {}
        Level = self.env["account.dunning.level"]
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            move_ids = set(company_moves.ids)
            steps = self.with_company(company)._iter_next_steps(
                company_moves.commercial_partner_id, date
            )
            for _customer_id, item, level, due in steps:
                if item.move_id not in move_ids:
                    continue
                known = result.get(item.move_id)
                if not known or due < known[1]:
                    result[item.move_id] = (Level.browse(level.id), due)
        return result

    @api.model
    def _get_customer_next_steps(self, customers, date):
        """Next level and the day it is due, per customer of the current
        company: the earliest step among its items, as
        ``_get_next_steps`` sees each invoice. A fixed number of queries
        for any number of customers.

        :param customers: ``res.partner`` recordset of commercial entities
        :return: ``{customer id: (account.dunning.level, datetime.date)}``
        """
        result = {}
        Level = self.env["account.dunning.level"]
        for customer_id, _item, level, due in self._iter_next_steps(customers, date):
            known = result.get(customer_id)
            if not known or due < known[1]:
                result[customer_id] = (Level.browse(level.id), due)
        return result

    @api.model
    def _iter_next_steps(self, customers, date):
        """The next step of every open debit item of ``customers`` in the
        current company, by the run's own rule (``tools.dunning_steps``).

        :param customers: ``res.partner`` recordset of commercial entities
        :param date: ``datetime.date`` the steps are seen from
        :return: iterator of ``(customer id, tools.dunning_steps.Item, step
            level, datetime.date)`` for the items the run may remind
        """
        if not customers:
            return
        accounts = self._get_items(date, customers, promised=True)
        customers = self.env["res.partner"].browse(list(accounts))
        policies = self._get_step_policies(customers)
        last_action = self._last_action_dates(customers)
        for customer_id, (debits, credits) in accounts.items():
            overdue_net = dunning_steps.overdue_position(debits, credits, date)[1]
            coming_net = dunning_steps.coming_position(debits, credits, date)
            for item in debits:
                # A direct debit is seen from the first day it may be
                # reminded: by then its due date has passed.
                level, due = dunning_steps.next_step(
                    item,
                    policies[customer_id],
                    overdue_net,
                    last_action.get(customer_id),
                    max(date, item.not_before or date),
                    coming_net,
                )
                if not level:
                    continue
                if item.not_before:
                    due = max(due, item.not_before)
                if item.held_until:
                    due = max(due, item.held_until + timedelta(days=1))
                yield customer_id, item, level, due

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
        (the next step must not overtake a letter that has not left). A
        waiting letter whose invoices were all settled since holds nothing
        back: the post room withdraws it, and the customer's new overdue
        items are reminded meanwhile. Asked in the same single query."""
        Action = self.env["account.dunning.action"]
        query = Action._search(
            [
                ("company_id", "=", self.env.company.id),
                "|",
                ("state", "in", ("proposed", "failed")),
                "&",
                "&",
                ("state", "=", "done"),
                ("print_state", "=", "to_print"),
                # The settled test of account.dunning.execution._drop_paid_moves:
                # reconciled, or nothing left to pay.
                (
                    "line_ids",
                    "any",
                    [
                        ("is_credit", "=", False),
                        ("move_line_id.reconciled", "=", False),
                        ("move_line_id.amount_residual", "!=", 0.0),
                    ],
                ),
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
    def _next_action_names(self, count):
        """``count`` references of new actions, drawn at once from their
        sequence (one query instead of two per action).

        :return: list of str, or None when the sequence cannot be drawn in
            one query (gapless or by date range): ``create`` names them
        """
        if not count:
            return None
        # As ir.sequence.next_by_code does: drawing a reference needs no right on
        # the sequence record, whichever company the user works in.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "account.dunning.action"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if (
            not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            return None
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    @api.model
    def _create_proposals(self, vals_list):
        """Create the planned actions at once, their references drawn in
        one query, without a "created" message each (the history they post
        when carried out or failed is their record). One refused as a
        duplicate by the database (another run created it meanwhile) is
        skipped, the others are kept.

        :param vals_list: list of dicts for ``account.dunning.action.create``
        :return: the ``account.dunning.action`` records created
        """
        Action = self.env["account.dunning.action"].with_context(mail_create_nolog=True)
        if not vals_list:
            return Action
        names = self._next_action_names(
            sum(1 for vals in vals_list if vals.get("name", "/") == "/")
        )
        if names:
            names = iter(names)
            vals_list = [
                vals if vals.get("name", "/") != "/" else dict(vals, name=next(names))
                for vals in vals_list
            ]
        # The signed link of the answer page, which every reminder carries,
        # given at once (as portal.mixin._portal_ensure_token makes it)
        # instead of written on each action while its email is rendered.
        vals_list = [
            vals if vals.get("access_token") else dict(vals, access_token=str(uuid4()))
            for vals in vals_list
        ]
        try:
            with expected_refusals(), self.env.cr.savepoint():
                return Action.create(vals_list)
        except IntegrityError:
            _logger.info("Dunning run: concurrent run detected, creating one by one")
        actions = Action
        for vals in vals_list:
            try:
                # The database checks uniqueness when the savepoint flushes:
                # keep the record only once the savepoint is released.
                with expected_refusals(), self.env.cr.savepoint():
                    action = Action.create(vals)
            except IntegrityError:
                continue
            actions |= action
        return actions

    @api.model
    def _get_item_domain(self):
        """Domain of the open receivable items of the current company that
        are ours: an invoice to be paid into a factor's account belongs to
        the factor once its customer is notified (C. civ. 1346-5), and is
        neither reminded, nor counted, nor deducted
        (``account.move.dunning_factor_id``)."""
        return [
            ("company_id", "=", self.env.company.id),
            ("parent_state", "=", "posted"),
            # The receivable accounts by id: the database then knows how many
            # items they hold (it took a hundred for fifty thousand, and went
            # through each one's invoice and customer one by one).
            ("account_id", "in", self._get_receivable_account_ids()),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0.0),
            ("partner_id", "!=", False),
            # move_id joins (auto_join): the condition reads the invoice's
            # stored column in the same query.
            ("move_id.dunning_factor_id", "=", False),
        ]

    @api.model
    def _join_move(self, query):
        """The alias of the items' entry in ``query`` (a search of
        ``_get_item_domain``), joined once: the domain's condition on the
        entry (``move_id.dunning_factor_id``) already joins it, and a second
        join of the same table made the database look each entry up twice
        per item.

        :param query: ``odoo.tools.query.Query`` on ``account_move_line``
        :return: the alias (str) of ``account_move``
        """
        # move_id is required: the LEFT JOIN the domain made is a join.
        return query.left_join(
            "account_move_line", "move_id", "account_move", "id", "move_id"
        )

    @api.model
    def _get_receivable_account_ids(self):
        """Ids of the receivable accounts of the current company."""
        return (
            self.env["account.account"]
            .with_context(active_test=False)
            ._search(
                [
                    ("company_ids", "in", self.env.company.id),
                    ("account_type", "=", "asset_receivable"),
                ]
            )
            .get_result_ids()
        )

    @api.model
    def _get_items(self, date, partners=None, promised=False):
        """The customers' open accounts on ``date``, as plain data.

        Read in one query for the whole company, without loading records:
        planning works on every open item at once.

        :param date: ``datetime.date`` of the run
        :param partners: ``res.partner`` recordset to restrict to, or None
        :param promised: keep the items held by what the customer answered
            (a promise, a reply, a payment under way: ``Item.held_until``) and the
            direct debits within their return period (``Item.not_before``), to
            show when the run will remind them
        :return: ``{commercial partner id: (debits, credits)}``, lists of
            ``tools.dunning_steps.Item``, oldest due first; the debits are
            those that may be reminded; every customer with an open item is
            listed, even with nothing to remind

        A direct debit is known returned by the books alone: collected, it
        settles the item; an item of an invoice whose payment method
        collects by direct debit still open once the return period after its
        due date is over is a debit that failed or came back (its payment
        reversed, its reconciliation undone), and is reminded as any other.
        """
        Line = self.env["account.move.line"]
        domain = self._get_item_domain()
        if partners:
            domain.append(
                ("partner_id", "child_of", partners.commercial_partner_id.ids)
            )
        query = Line._search(domain, order="date_maturity, id")
        move = self._join_move(query)
        partner = query.join(
            "account_move_line", "partner_id", "res_partner", "id", "partner"
        )
        customer = query.join(
            partner, "commercial_partner_id", "res_partner", "id", "customer"
        )
        Partner = self.env["res.partner"]
        Move = self.env["account.move"]
        # The joins' own conditions carry nothing to flush.
        Partner.flush_model(["commercial_partner_id"])
        query.add_where(
            SQL(
                "%s AND %s IS NOT TRUE AND %s IS NULL",
                Partner._field_to_sql(customer, "active", query),
                Partner._field_to_sql(customer, "dunning_excluded", query),
                Partner._field_to_sql(customer, "dunning_insolvency_date", query),
            )
        )

        # The invoice's payment method says whether it is collected by
        # direct debit.
        method = query.left_join(
            move,
            "preferred_payment_method_line_id",
            "account_payment_method_line",
            "id",
            "method",
        )
        Method = self.env["account.payment.method.line"]
        Method.flush_model(["dunning_direct_debit"])
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "amount"]
        )

        def item_field(fname):
            return Line._field_to_sql("account_move_line", fname, query)

        def move_field(fname):
            return Move._field_to_sql(move, fname, query)

        # Amounts as floats from the database, one due date, one flag for a
        # payment: converting a hundred thousand decimals and dates in Python
        # costs more than the query.
        columns = [
            item_field("id"),
            item_field("move_id"),
            SQL("%s::float8", item_field("amount_residual")),
            SQL("%s::float8", item_field("amount_residual_currency")),
            item_field("currency_id"),
            # The item's due date as ``account.move.line._dunning_due_date``.
            SQL(
                "COALESCE(%s, %s, %s)",
                item_field("date_maturity"),
                move_field("invoice_date_due"),
                item_field("date"),
            ),
            item_field("dunning_level_id"),
            item_field("dunning_last_date"),
            Partner._field_to_sql(customer, "id", query),
            Partner._field_to_sql(customer, "dunning_debtor_type", query),
            move_field("move_type"),
            SQL(
                "(%s IS NOT NULL OR %s IS NOT NULL)",
                move_field("origin_payment_id"),
                move_field("statement_line_id"),
            ),
            move_field("dunning_blocked"),
            move_field("dunning_promise_date"),
            # The one hold of what the customer answered: a promise until its
            # date plus the grace period, a reply or a payment under way
            # until the day their answers say (GREATEST skips what is NULL).
            SQL(
                "GREATEST(%s + %s, %s)",
                move_field("dunning_promise_date"),
                self.env.company.dunning_promise_grace_days,
                move_field("dunning_hold_date"),
            ),
            move_field("dunning_prescription_restart_date"),
            SQL(
                "%s IS TRUE",
                Method._field_to_sql(method, "dunning_direct_debit", query),
            ),
            # An early-payment discount: the amount to pay to earn it, and
            # what was matched to the item up to its discount date (the
            # payment's or credit's own date), company currency.
            SQL(
                "CASE WHEN %(ddate)s IS NOT NULL THEN %(dbal)s::float8 END",
                ddate=item_field("discount_date"),
                dbal=item_field("discount_balance"),
            ),
            self._paid_by_discount_date_sql(item_field),
            # An invoice approved in part only: what may be claimed of its
            # items is read apart (``account.move.line
            # ._dunning_claimable_amounts``).
            SQL("%s > 0", move_field("dunning_einvoice_approved_amount")),
        ]
        rows = self._claim_in_part(self.env.execute_query(query.select(*columns)))
        company = self.env.company
        rules = claimable.Rules(
            company.dunning_direct_debit_return_days,
            company.dunning_item_tolerance,
            company.currency_id.rounding,
        )
        # Plans the run settles on ``date`` are read as settled: the preview
        # must propose what the run will, without writing anything first.
        resumed = self._get_plan_resume_levels(date)
        levels = self.env["account.dunning.level"]._get_step_levels(
            {row[6] for row in rows if row[6]} | set(resumed.values())
        )
        planned = self._get_moves_under_plan({row[1] for row in rows}, date)
        barred_before = {}
        accounts = defaultdict(lambda: ([], []))
        Item = dunning_steps.Item
        # What each kind of row is, decided once (a few dozen combinations)
        # rather than for every item.
        kinds = {
            (move_type, debit, is_payment): dunning_steps.item_kind(
                move_type, debit, is_payment
            )
            for move_type in Move._fields["move_type"].get_values(self.env)
            for debit in (True, False)
            for is_payment in (True, False)
        }
        for (
            item_id,
            move_id,
            amount,
            amount_currency,
            currency_id,
            due,
            level_id,
            last_date,
            customer_id,
            debtor_type,
            move_type,
            is_payment,
            blocked,
            promise,
            held,
            restart,
            direct_debit,
            discounted,
            paid_in_time,
            _approved_in_part,
        ) in rows:
            debit = amount > 0
            if resumed and item_id in resumed:
                level_id = resumed[item_id]
            # positional: a hundred thousand of them
            item = Item(
                item_id,
                move_id,
                amount,
                due,
                levels.get(level_id),
                last_date,
                kinds[move_type, debit, is_payment],
                currency_id,
                amount_currency,
                promise,
            )
            debits, credits = accounts[customer_id]
            if not debit:
                credits.append(item)
                continue
            if blocked or move_id in planned:
                continue  # a dispute holds it; a running plan has its own check
            left_out = claimable.left_out(
                date, item, direct_debit, discounted, paid_in_time, rules
            )
            if left_out:
                # A direct debit is shown waiting for its return period; what
                # is to write off is never claimed.
                if left_out != claimable.DIRECT_DEBIT or not promised:
                    continue
                item.not_before = claimable.direct_debit_first_day(
                    due, rules.return_days
                )
            if held and held >= date:
                if not promised:
                    continue
                item.held_until = held
            if restart:
                if prescription.is_time_barred(item.due, debtor_type, date, restart):
                    continue
            else:
                if debtor_type not in barred_before:
                    barred_before[debtor_type] = (
                        prescription.earliest_claimable_due_date(
                            date, prescription.prescription_years(debtor_type)
                        )
                    )
                if item.due < barred_before[debtor_type]:
                    continue
            debits.append(item)
        return dict(accounts)

    @api.model
    def _claim_in_part(self, rows):
        """The rows of ``_get_items`` with the amounts of the debit items
        claimed in part (an invoice its buyer approved in part only: see
        ``account.move.line._dunning_claimable_amounts``); those with
        nothing to claim wait for their dispute and are left out.

        :param rows: tuples of ``_get_items``' query: item id first, open
            amount and amount in currency third and fourth, whether its
            invoice is approved in part last
        :return: list of tuples
        """
        claimed = (
            self.env["account.move.line"]
            .browse([row[0] for row in rows if row[-1] and row[2] > 0])
            ._dunning_claimable_amounts()
        )
        if not claimed:
            return rows
        result = []
        for row in rows:
            if row[0] in claimed:
                amount, amount_currency = claimed[row[0]]
                if amount <= 0:
                    continue
                row = (row[0], row[1], amount, amount_currency, *row[4:])
            result.append(row)
        return result

    @api.model
    def _paid_by_discount_date_sql(self, item_field):
        """SQL of what was matched to a receivable item up to its
        early-payment discount date (the payment's or credit's own date), in
        company currency, as a float; NULL for an item without a discount.

        :param item_field: function giving the SQL of an
            ``account.move.line`` field of the query's item
        :return: ``odoo.tools.SQL``
        """
        return SQL(
            "CASE WHEN %(ddate)s IS NOT NULL THEN ("
            " SELECT COALESCE(SUM(partial.amount), 0)::float8"
            " FROM account_partial_reconcile partial"
            " JOIN account_move_line counterpart"
            " ON counterpart.id = partial.credit_move_id"
            " WHERE partial.debit_move_id = %(item)s"
            " AND counterpart.date <= %(ddate)s) END",
            ddate=item_field("discount_date"),
            item=item_field("id"),
        )

    @api.model
    def _get_write_off_items(self):
        """Open receivable debit items of the current company the run leaves
        out because they are not a debt to claim: an early-payment discount
        earned but not written off, or a residual at or below the per-item
        tolerance (``tools.claimable``). One query.

        :return: ``{account.move.line id: "discount" or "residual"}``
        """
        Line = self.env["account.move.line"]
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "amount"]
        )
        query = Line._search(self._get_item_domain() + [("amount_residual", ">", 0)])

        def item_field(fname):
            return Line._field_to_sql("account_move_line", fname, query)

        rows = self.env.execute_query(
            query.select(
                item_field("id"),
                SQL("%s::float8", item_field("amount_residual")),
                SQL("COALESCE(%s, 0)::float8", item_field("discount_balance")),
                self._paid_by_discount_date_sql(item_field),
            )
        )
        company = self.env.company
        tolerance = company.dunning_item_tolerance
        rounding = company.currency_id.rounding
        result = {}
        for item_id, amount, discounted, paid_in_time in rows:
            if paid_in_time is not None and claimable.discount_taken(
                discounted, paid_in_time, rounding
            ):
                result[item_id] = claimable.DISCOUNT
            elif claimable.is_tiny(amount, tolerance, rounding):
                result[item_id] = claimable.RESIDUAL
        return result

    @api.model
    def _get_moves_under_plan(self, move_ids, date=None):
        """Ids of ``move_ids`` covered by a running payment plan.

        :param move_ids: set of ``account.move`` ids
        :param date: ``datetime.date`` of the run, or None; a plan the run
            settles that day (completed, or broken by a late instalment)
            covers nothing any more, settled in the database or not
        :return: set of ``account.move`` ids
        """
        Plan = self.env["account.dunning.payment.plan"]
        plans = Plan.search(
            [("state", "=", "running"), ("company_id", "=", self.env.company.id)]
        )
        if date:
            # Whether a plan ends is a fact of the company's books, whoever
            # reads the invoices (a salesperson's invoice shows its next step).
            plans -= Plan.concat(*Plan.sudo()._get_due_settlements(date))
        return set(plans.move_ids.ids) & move_ids

    @api.model
    def _get_plan_resume_levels(self, date):
        """Levels the open items of the plans breaking on ``date`` are taken
        up to when the run settles them (see
        ``account.dunning.payment.plan._break``), read without writing.

        :param date: ``datetime.date`` of the run
        :return: ``{account.move.line id: account.dunning.level id}``
        """
        # Read as a fact of the books, whoever plans (see above).
        Plan = self.env["account.dunning.payment.plan"].sudo()
        ActionLine = self.env["account.dunning.action.line"].sudo()
        result = {}
        for plan, late in Plan._get_due_settlements(date).items():
            level = late and plan._get_resume_level()
            if not level:
                continue
            items = ActionLine._get_open_items(plan.move_ids)
            result.update(
                dict.fromkeys(plan._get_resume_items(items, level).ids, level.id)
            )
        return result

    @api.model
    def _get_account_summary(self, customers, date):
        """The customers' open accounts in figures, on ``date``, read in one
        grouped query whatever the number of customers and items.

        :param customers: ``res.partner`` recordset; its commercial entities
            are the keys
        :return: ``{commercial partner id: {"overdue": amount of the overdue
            debit items, "overdue_count", "credits": open credits (positive),
            "level_ids": ids of the levels the invoices of the open items
            reached}}``, company currency; a customer without open item gets
            zeros
        """
        summary = defaultdict(
            lambda: {
                "overdue": 0.0,
                "overdue_count": 0,
                "credits": 0.0,
                "level_ids": [],
            }
        )
        if not customers:
            return summary
        Line = self.env["account.move.line"]
        Move = self.env["account.move"]
        Partner = self.env["res.partner"]
        Line.flush_model(["amount_residual", "date_maturity", "date", "partner_id"])
        Move.flush_model(["invoice_date_due", "dunning_level_id"])
        Partner.flush_model(["commercial_partner_id"])
        query = Line._search(self._get_item_domain())
        move = self._join_move(query)
        partner = query.join(
            "account_move_line", "partner_id", "res_partner", "id", "partner"
        )
        customer = Partner._field_to_sql(partner, "commercial_partner_id", query)
        query.add_where(
            SQL(
                "%s = ANY(%s::int[])",
                customer,
                int_array_literal(customers.commercial_partner_id.ids),
            )
        )
        query.groupby = customer
        amount = Line._field_to_sql("account_move_line", "amount_residual", query)
        level = Move._field_to_sql(move, "dunning_level_id", query)
        overdue = self._overdue_sql(query, move, date)
        rows = self.env.execute_query(
            query.select(
                customer,
                SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)::float8", amount, overdue),
                SQL("COUNT(*) FILTER (WHERE %s)", overdue),
                SQL(
                    "COALESCE(-SUM(%s) FILTER (WHERE %s < 0), 0)::float8",
                    amount,
                    amount,
                ),
                SQL(
                    "ARRAY_AGG(DISTINCT %s) FILTER (WHERE %s IS NOT NULL)", level, level
                ),
            )
        )
        for customer_id, overdue_amount, overdue_count, credits, level_ids in rows:
            summary[customer_id] = {
                "overdue": overdue_amount,
                "overdue_count": overdue_count,
                "credits": credits,
                "level_ids": level_ids or [],
            }
        # The approved part only of an invoice its buyer approved in part: a
        # stored amount marks the few such invoices, read in one more query.
        partial = Line.search(
            self._get_item_domain()
            + [
                ("partner_id", "child_of", customers.commercial_partner_id.ids),
                ("move_id.dunning_einvoice_approved_amount", ">", 0),
            ]
        )
        claimed = partial._dunning_claimable_amounts()
        for item in partial.filtered(lambda i: i.id in claimed):
            if item.amount_residual <= 0 or not item._dunning_due_date() < date:
                continue
            figures = summary[item.partner_id.commercial_partner_id.id]
            amount = claimed[item.id][0]
            figures["overdue"] -= item.amount_residual - max(amount, 0.0)
            if amount <= 0:
                figures["overdue_count"] -= 1
        return summary

    @api.model
    def _overdue_sql(self, query, move, date):
        """SQL condition: the item of ``query`` (``account.move.line``) is a
        debit overdue on ``date``, its due date as
        ``account.move.line._dunning_due_date`` says.

        :param query: ``Query`` of ``account.move.line``
        :param move: alias of the item's ``account_move`` joined in ``query``
        :param date: ``datetime.date``
        :return: ``odoo.tools.SQL``
        """
        Line = self.env["account.move.line"]
        Line.flush_model(["amount_residual", "date_maturity", "date"])
        self.env["account.move"].flush_model(["invoice_date_due"])
        return SQL(
            "%s > 0 AND COALESCE(%s, %s, %s) < %s",
            Line._field_to_sql("account_move_line", "amount_residual", query),
            Line._field_to_sql("account_move_line", "date_maturity", query),
            self.env["account.move"]._field_to_sql(move, "invoice_date_due", query),
            Line._field_to_sql("account_move_line", "date", query),
            date,
        )

    @api.model
    def _get_payments_on_their_way(self, customers, date):
        """Customers with an incoming bank statement line not reconciled yet:
        theirs (partner set), or whose label carries one of their open
        invoice numbers — their payment may already be in the bank.

        :return: ``{commercial partner id: bank statement line}``
        """
        lines = self.env["account.bank.statement.line"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("is_reconciled", "=", False),
                ("amount", ">", 0),
                ("date", "<=", date),
            ]
        )
        if not lines:
            return {}
        numbers = {
            move.name: move.commercial_partner_id.id
            for move in self.env["account.move"].search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("move_type", "in", ("out_invoice", "out_receipt")),
                ]
            )
        }
        found = {}
        for line in lines:
            customer = line.partner_id.commercial_partner_id
            if customer in customers:
                found.setdefault(customer.id, line)
                continue
            for token in SEPARATORS.split(line.payment_ref or ""):
                if token in numbers:
                    found.setdefault(numbers[token], line)
        return found

    @api.model
    def _prepare_action_vals(
        self, partner, moves, date, level=None, items=None, item_levels=None, **values
    ):
        """Values of an action about ``moves`` of ``partner`` on ``date``.

        The one builder of actions: the run and every wizard go through it,
        so that the claim is always the net open amount in company currency
        of the items the action lists.

        :param partner: ``res.partner``; its commercial entity is reminded
        :param moves: ``account.move`` recordset the action is about; its
            open debit items are listed when ``items`` is not given, but
            those to write off (``account.move.line.dunning_write_off_reason``)
        :param date: ``datetime.date`` of the action
        :param level: ``account.dunning.level`` or None for an action recorded
            by hand; a level brings its channels and payment deadline
        :param items: ``account.move.line`` receivable items to list (debits
            and credits), or None
        :param item_levels: ``{item id: level or None}``: the level each item
            moves up to with this action (None: listed at its stage); by
            default every debit item moves up to ``level``
        :param values: further field values, which win over the defaults
        :return: dict of values for ``create``
        """
        customer = partner.commercial_partner_id
        recipient = self.env["account.dunning.recipient"]._get_recipient(customer)
        Line = self.env["account.dunning.action.line"]
        if items is None:
            # What is not ours to claim (a discount earned, a residual below
            # the per-item tolerance) is no more claimed by hand than by the
            # run: it is to write off.
            items = Line._get_open_items(moves).filtered(
                lambda item: not item.dunning_write_off_reason
            )
        if item_levels is None:
            item_levels = dict.fromkeys(items.ids, level)
        debits = items.filtered(lambda i: i.amount_residual > 0)
        return self._compose_action_vals(
            (moves.company_id[:1] or self.env.company).id,
            customer.id,
            recipient.id,
            (debits.move_id or moves).ids,
            # Nothing to claim of an item whose approved part was paid (an
            # invoice approved in part only): the rest waits for its dispute.
            [item for item in items._dunning_items() if item.amount],
            {item_id: lvl.id if lvl else None for item_id, lvl in item_levels.items()},
            date,
            self._prepare_level_vals(level, date) if level else {"level_id": False},
            values,
        )

    @api.model
    def _compose_action_vals(
        self,
        company_id,
        customer_id,
        contact_id,
        move_ids,
        items,
        item_levels,
        date,
        level_vals,
        values=None,
    ):
        """Values of an action from plain data (``_prepare_action_vals``
        reads them from records; planning has them for a whole company).

        :param move_ids: ids of the ``account.move`` the action is about
        :param items: list of ``tools.dunning_steps.Item`` it lists
        :param item_levels: ``{item id: level id or None}`` (see
            ``account.dunning.action.line._prepare_vals``)
        :param level_vals: ``_prepare_level_vals`` of its level
        :param values: dict of further field values, which win over the
            defaults
        :return: dict of values for ``create``
        """
        vals = {
            "company_id": company_id,
            "partner_id": customer_id,
            "contact_id": contact_id,
            "move_ids": [Command.set(move_ids)],
            "date": date,
            **self._prepare_claim_vals(items, item_levels),
            **level_vals,
        }
        vals.update(values or {})
        return vals

    @api.model
    def _prepare_claim_vals(self, items, item_levels):
        """The lines an action lists and what it claims: the net open amount
        of those items, company currency (also used when a run's unit makes
        its lines from the items as they are when it is carried out).

        :param items: list of ``tools.dunning_steps.Item``
        :param item_levels: ``{item id: level id or None}`` (see
            ``account.dunning.action.line._prepare_vals``)
        :return: dict with ``line_ids`` (create commands) and ``amount_due``
        """
        return {
            "line_ids": self.env["account.dunning.action.line"]._prepare_commands(
                items, item_levels
            ),
            "amount_due": sum([item.amount for item in items]),
        }

    @api.model
    def _prepare_level_vals(self, level, date):
        """Values an action at ``level`` on ``date`` takes from its level: the
        level, its channels and the payment deadline it announces (none when
        the level gives no deadline)."""
        return {
            "level_id": level.id,
            "deadline_date": level._get_deadline_date(date),
            **level._get_channel_vals(),
        }
