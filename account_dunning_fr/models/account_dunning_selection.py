"""Selection: the customer's account the run works on, for a date.

The items are the open receivable journal items of the company, in company
currency (``amount_residual``), one per due date:

- debit items (invoice instalments, entries on the receivable account) may be
  reminded, unless their invoice is blocked by a dispute, covered by a running
  payment plan or an unexpired promise, or the claim is time-barred;
- credit items (credit notes, payments not yet matched, credit entries) are
  always deducted: the claim is the customer's net position.

Customers excluded from dunning, archived, or under a collective insolvency
procedure are left out entirely.
"""

import re
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..tools import dunning_steps, prescription

# Invoice numbers (FAC/2026/00012) stand between spaces or punctuation in a
# bank label; the slash belongs to the number.
SEPARATORS = re.compile(r"[^\w/-]+")


class AccountDunningSelection(models.AbstractModel):
    _name = "account.dunning.selection"
    _description = "Dunning Run Selection"

    @api.model
    def _get_item_domain(self):
        """Domain of the open receivable items of the current company."""
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
        ]

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
        :param promised: keep the items of an unexpired promise (to show when
            the run will remind them)
        :return: ``{commercial partner id: (debits, credits)}``, lists of
            ``tools.dunning_steps.Item``, oldest due first; the debits are
            those that may be reminded; every customer with an open item is
            listed, even with nothing to remind
        """
        Line = self.env["account.move.line"]
        domain = self._get_item_domain()
        if partners:
            domain.append(
                ("partner_id", "child_of", partners.commercial_partner_id.ids)
            )
        query = Line._search(domain, order="date_maturity, id")
        move = query.join("account_move_line", "move_id", "account_move", "id", "move")
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
            SQL("COALESCE(%s, %s)", item_field("date_maturity"), item_field("date")),
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
            move_field("dunning_prescription_restart_date"),
        ]
        rows = self.env.execute_query(query.select(*columns))
        # Plans the run settles on ``date`` are read as settled: the preview
        # must propose what the run will, without writing anything first.
        resumed = self._get_plan_resume_levels(date)
        levels = self.env["account.dunning.level"]._get_step_levels(
            {row[6] for row in rows if row[6]} | set(resumed.values())
        )
        planned = self._get_moves_under_plan({row[1] for row in rows}, date)
        cutoff = self.env["account.dunning.promise"]._cutoff(date)
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
            restart,
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
            if promise and promise >= cutoff and not promised:
                continue
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
        """The customers' open accounts in figures, on ``date``.

        :return: ``{commercial partner id: {"overdue": amount of the overdue
            debit items, "overdue_count", "credits": open credits (positive),
            "moves": account.move of the open items}}``, company currency
        """
        items = self.env["account.move.line"].search(
            self._get_item_domain() + [("partner_id", "child_of", customers.ids)]
        )
        summary = defaultdict(
            lambda: {
                "overdue": 0.0,
                "overdue_count": 0,
                "credits": 0.0,
                "moves": items.move_id.browse(),
            }
        )
        for item in items:
            figures = summary[item.partner_id.commercial_partner_id.id]
            figures["moves"] |= item.move_id
            if item.amount_residual < 0:
                figures["credits"] -= item.amount_residual
            elif (item.date_maturity or item.date) < date:
                figures["overdue"] += item.amount_residual
                figures["overdue_count"] += 1
        return summary

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
