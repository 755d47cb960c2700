"""Selection: the customer's account the run works on, for a date (SPEC §2.5.1).

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

# Invoice numbers (FAC/2026/00012) stand between spaces or punctuation in a
# bank label; the slash belongs to the number.
SEPARATORS = re.compile(r"[^\w/-]+")


# Fields of the open items, their entries and their customers that planning
# reads (``account.dunning.planning``).
ITEM_FIELDS = [
    "partner_id",
    "move_id",
    "company_id",
    "account_id",
    "amount_residual",
    "amount_residual_currency",
    "balance",
    "currency_id",
    "date",
    "date_maturity",
    "dunning_level_id",
    "dunning_last_date",
]
MOVE_FIELDS = [
    "name",
    "company_id",
    "move_type",
    "currency_id",
    "invoice_date_due",
    "dunning_blocked",
    "dunning_payment_plan_ids",
    "dunning_promise_date",
    "dunning_prescription_restart_date",
    "origin_payment_id",
    "statement_line_id",
]
CUSTOMER_FIELDS = [
    "name",
    "active",
    "type",
    "is_company",
    "lang",
    "child_ids",
    "dunning_excluded",
    "dunning_insolvency_date",
    "dunning_policy_id",
    "dunning_contact_id",
    "dunning_company_size",
    "dunning_debtor_type",
    "payer_profile",
]


class AccountDunningSelection(models.AbstractModel):
    _name = "account.dunning.selection"
    _description = "Dunning Run Selection"

    @api.model
    def _get_item_domain(self):
        """Domain of the open receivable items of the current company."""
        return [
            ("company_id", "=", self.env.company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0.0),
            ("partner_id", "!=", False),
        ]

    @api.model
    def _get_items(self, date, partners=None, lock=True, promised=False):
        """The customers' open items, grouped per commercial partner.

        :param date: ``datetime.date`` of the run
        :param partners: ``res.partner`` recordset to restrict to, or None
        :param lock: lock the invoices of the debit items for this run; rows
            another run is working on are skipped (SKIP LOCKED), so two runs
            at once never handle the same invoice
        :param promised: keep the items of an unexpired promise (to show when
            the run will remind them)
        :return: ``{commercial partner: (debit items, credit items)}``, each
            an ``account.move.line`` recordset, debits oldest due first
        """
        domain = self._get_item_domain()
        if partners:
            domain.append(
                ("partner_id", "child_of", partners.commercial_partner_id.ids)
            )
        # What planning reads, fetched for every item at once: each
        # customer's items are browsed apart afterwards, and a field missing
        # from the cache would then cost a query per customer.
        items = self.env["account.move.line"].search_fetch(
            domain, ITEM_FIELDS, order="date_maturity, id"
        )
        items.move_id.fetch(MOVE_FIELDS)
        items.partner_id.fetch(["commercial_partner_id"])
        customers = items.partner_id.commercial_partner_id
        customers.fetch(CUSTOMER_FIELDS)
        customers = customers.filtered(self._is_customer_reminded)
        # Sets of ids, not recordsets: "record in recordset" scans it, which
        # made this loop quadratic at a hundred thousand items.
        customer_ids = set(customers.ids)
        debits = items.filtered(
            lambda i: (
                i.amount_residual > 0
                and i.partner_id.commercial_partner_id.id in customer_ids
                and self._is_item_remindable(i, date, promised=promised)
            )
        )
        if lock and debits:
            debits = self._lock(debits)
        debit_ids = set(debits.ids)
        grouped = defaultdict(lambda: ([], []))
        for item in items:
            customer = item.partner_id.commercial_partner_id
            if customer.id not in customer_ids:
                continue
            # Every customer with an open item is listed, even with nothing
            # to remind today.
            customer_debits, customer_credits = grouped[customer]
            if item.id in debit_ids:
                customer_debits.append(item.id)
            elif item.amount_residual < 0:
                customer_credits.append(item.id)
        return {
            customer: (items.browse(debit_list), items.browse(credit_list))
            for customer, (debit_list, credit_list) in grouped.items()
        }

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
    def _is_customer_reminded(self, customer):
        return (
            customer.active
            and not customer.dunning_excluded
            and not customer.dunning_insolvency_date
        )

    @api.model
    def _is_item_remindable(self, item, date, promised=False):
        """Whether the debit ``item`` may be reminded on ``date``."""
        move = item.move_id
        if move.dunning_blocked:
            return False
        if any(plan.state == "running" for plan in move.dunning_payment_plan_ids):
            return False  # a running payment plan has its own check
        promise = move.dunning_promise_date
        cutoff = self.env["account.dunning.promise"]._cutoff(date)
        if promise and promise >= cutoff and not promised:
            return False
        return not item._dunning_is_prescribed(date)

    @api.model
    def _lock(self, items):
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                items.move_id.ids,
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return items.filtered(lambda i: i.move_id.id in locked)

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
