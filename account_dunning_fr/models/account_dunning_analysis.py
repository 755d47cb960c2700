"""Dunning analysis: open customer invoices by level, profile, salesperson
and age, as a database view.

Ages are measured against the user's today, written into the query, not the
database clock, so that the figures agree with the rest of Odoo (and with
frozen dates in tests). The payment statistics behind the suggested payer
profile are computed here too, in two queries for any number of customers.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.vocabularies import PAYER_PROFILES

# Payment statistics cover the invoices due in these last months.
STATS_MONTHS = 12

AGE_BUCKETS = [
    ("0_not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("2_60", "31-60 days"),
    ("3_90", "61-90 days"),
    ("4_over_90", "Over 90 days"),
]


class AccountDunningAnalysis(models.Model):
    _name = "account.dunning.analysis"
    _description = "Dunning Analysis"
    _auto = False
    _order = "days_overdue desc"
    _rec_name = "move_id"
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "amount_residual_signed",
            "invoice_date_due",
            "company_id",
            "commercial_partner_id",
            "dunning_level_id",
            "dunning_blocked",
            "dunning_factor_id",
        ],
        "res.partner": ["payer_profile", "user_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("account.dunning.level", readonly=True)
    payer_profile = fields.Selection(PAYER_PROFILES, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    invoice_date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue Amount", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    dunning_blocked = fields.Boolean(string="Blocked", readonly=True)

    @property
    def _table_query(self):
        # The age is measured against the user's today (frozen in tests), not
        # the database clock, so that the figures agree with the rest of Odoo.
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT m.id,
                   m.id AS move_id,
                   m.company_id,
                   c.currency_id,
                   m.commercial_partner_id AS partner_id,
                   m.dunning_level_id AS level_id,
                   p.payer_profile,
                   p.user_id,
                   m.invoice_date_due,
                   GREATEST(%(today)s::date - m.invoice_date_due, 0) AS days_overdue,
                   CASE WHEN %(today)s::date - m.invoice_date_due <= 0 THEN '0_not_due'
                        WHEN %(today)s::date - m.invoice_date_due <= 30 THEN '1_30'
                        WHEN %(today)s::date - m.invoice_date_due <= 60 THEN '2_60'
                        WHEN %(today)s::date - m.invoice_date_due <= 90 THEN '3_90'
                        ELSE '4_over_90' END AS age_bucket,
                   m.amount_residual_signed AS amount_residual,
                   CASE WHEN m.invoice_date_due < %(today)s::date
                        THEN m.amount_residual_signed ELSE 0 END AS amount_overdue,
                   1 AS invoice_count,
                   m.dunning_blocked
              -- LEFT JOINs on keys each invoice has: the database leaves a
              -- join out of a query that reads none of its columns (a pivot
              -- by level and age reads no customer, no currency).
              FROM account_move m
              LEFT JOIN res_company c ON c.id = m.company_id
              LEFT JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
               AND m.amount_residual_signed > 0
               AND m.invoice_date_due IS NOT NULL
               -- sold to a factor: the factor's to collect, not ours
               AND m.dunning_factor_id IS NULL
            """,
            today=today,
        )

    @api.model
    def _get_dso_series(self, dates):
        """Overall DSO of the current company on each of ``dates``, by the
        rule of ``_get_dso``, in two queries whatever the number of dates:
        the overview draws a year of it.

        :param dates: list of ``datetime.date``
        :return: list of DSO (days), in the order of ``dates``
        """
        if not dates:
            return []
        company_id = self.env.company.id
        # Aggregates only, as ``_get_dso``.
        Line = self.env["account.move.line"].sudo()
        Move = self.env["account.move"].sudo()
        ledger = Line._search(
            [
                ("company_id", "=", company_id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", max(dates)),
                ("partner_id", "!=", False),
            ]
        )
        Line.flush_model(["balance", "date"])
        line_date = Line._field_to_sql(Line._table, "date", ledger)
        balance = Line._field_to_sql(Line._table, "balance", ledger)
        receivables = self.env.execute_query(
            ledger.select(
                *(
                    SQL(
                        "COALESCE(SUM(%s) FILTER (WHERE %s <= %s), 0)::float8",
                        balance,
                        line_date,
                        date,
                    )
                    for date in dates
                )
            )
        )[0]
        sales_query = Move._search(
            [
                ("company_id", "=", company_id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("invoice_date", ">=", fields.Date.subtract(min(dates), days=364)),
                ("invoice_date", "<=", max(dates)),
            ]
        )
        Move.flush_model(["amount_total_signed", "invoice_date"])
        invoice_date = Move._field_to_sql(Move._table, "invoice_date", sales_query)
        total = Move._field_to_sql(Move._table, "amount_total_signed", sales_query)
        sales = self.env.execute_query(
            sales_query.select(
                *(
                    SQL(
                        "COALESCE(SUM(%s) FILTER (WHERE %s BETWEEN %s AND %s), 0)"
                        "::float8",
                        total,
                        invoice_date,
                        fields.Date.subtract(date, days=364),
                        date,
                    )
                    for date in dates
                )
            )
        )[0]
        return [
            owed / sold * 365 if sold else 0.0
            for owed, sold in zip(receivables, sales, strict=True)
        ]

    @api.model
    def _get_dso(self, date, partners=None):
        """Days sales outstanding, per customer and overall.

        DSO = receivables on ``date`` / credit sales (invoices minus credit
        notes, taxes included) of the 365 days up to ``date`` × 365.

        The receivables are the balance of the receivable accounts on
        ``date`` (every posted item dated up to it: invoices, credit notes,
        payments, entries), so a past month shows what was owed then, not
        what is still owed of it today.

        :return: {partner id: dso, False: overall dso}
        """
        start = fields.Date.subtract(date, days=364)
        domain = [
            ("company_id", "=", self.env.company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]
        ledger = [
            ("company_id", "=", self.env.company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("date", "<=", date),
            ("partner_id", "!=", False),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
            ledger.append(("partner_id.commercial_partner_id", "in", partners.ids))
        # Salespeople see their customers' DSO without accounting rights: only
        # these aggregates leave the method.
        Move = self.env["account.move"].sudo()
        receivables = defaultdict(float)
        for partner, balance in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(ledger, ["partner_id"], ["balance:sum"])
        ):
            receivables[partner.commercial_partner_id] += balance
        sales = dict(
            Move._read_group(
                domain + [("invoice_date", ">=", start), ("invoice_date", "<=", date)],
                ["commercial_partner_id"],
                ["amount_total_signed:sum"],
            )
        )
        result = {
            partner.id: (receivables.get(partner, 0.0) / sales[partner] * 365)
            if sales.get(partner)
            else 0.0
            for partner in set(receivables) | set(sales)
        }
        total_sales = sum(sales.values())
        result[False] = (
            sum(receivables.values()) / total_sales * 365 if total_sales else 0.0
        )
        return result

    @api.model
    def _get_payment_stats(self, partners, today):
        """Payment statistics of ``partners`` (commercial entities) over the
        invoices due in the 12 months before ``today``, in two queries.

        :return: {partner id: {count, avg_days_late, late_share,
            broken_promises, open_disputes}}
        """
        if not partners:
            return {}
        start = today - relativedelta(months=STATS_MONTHS)
        company_ids = self.env.companies.ids
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.dunning.action"].flush_model()
        self.env["account.dunning.dispute"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH inv AS (
                    SELECT m.id, m.commercial_partner_id AS partner_id,
                           m.invoice_date_due AS due, m.payment_state
                      FROM account_move m
                     WHERE m.move_type = 'out_invoice'
                       AND m.state = 'posted'
                       AND m.payment_state NOT IN ('reversed', 'invoicing_legacy')
                       AND m.company_id = ANY(%(companies)s)
                       AND m.commercial_partner_id = ANY(%(partners)s)
                       AND m.invoice_date_due >= %(start)s
                       AND m.invoice_date_due < %(today)s
                ), paid AS (
                    SELECT l.move_id, MAX(p.max_date) AS paid_on
                      FROM account_move_line l
                      JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                     WHERE l.move_id IN (SELECT id FROM inv)
                       AND l.display_type = 'payment_term'
                  GROUP BY l.move_id
                ), late AS (
                    SELECT inv.partner_id,
                           GREATEST(
                               CASE WHEN inv.payment_state IN ('paid', 'in_payment')
                                    THEN COALESCE(paid.paid_on, %(today)s)
                                    ELSE %(today)s END - inv.due,
                               0) AS days
                      FROM inv LEFT JOIN paid ON paid.move_id = inv.id
                )
                SELECT partner_id, COUNT(*), AVG(days),
                       COUNT(*) FILTER (WHERE days > 0)
                  FROM late
              GROUP BY partner_id
                """,
                companies=company_ids,
                partners=partners.ids,
                start=start,
                today=today,
            )
        )
        stats = defaultdict(dict)
        for partner_id, count, avg_days, late_count in self.env.cr.fetchall():
            stats[partner_id].update(
                count=count,
                avg_days_late=float(avg_days or 0.0),
                late_share=100.0 * late_count / count if count else 0.0,
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id,
                       (SELECT COUNT(*) FROM account_dunning_action a
                         WHERE a.partner_id = p.id AND a.promise_state = 'broken'
                           AND a.company_id = ANY(%(companies)s)
                           AND a.promise_date >= %(start)s),
                       (SELECT COUNT(*) FROM account_dunning_dispute d
                         WHERE d.partner_id = p.id AND d.state = 'open'
                           AND d.company_id = ANY(%(companies)s)),
                       (SELECT COUNT(*) FROM account_dunning_payment_plan pp
                         WHERE pp.partner_id = p.id AND pp.state = 'broken'
                           AND pp.company_id = ANY(%(companies)s)
                           AND pp.date_start >= %(start)s)
                  FROM res_partner p
                 WHERE p.id = ANY(%(partners)s)
                """,
                companies=company_ids,
                partners=partners.ids,
                start=start,
            )
        )
        for partner_id, broken, disputes, broken_plans in self.env.cr.fetchall():
            if broken or disputes or broken_plans:
                stats[partner_id].update(
                    broken_promises=broken,
                    open_disputes=disputes,
                    broken_plans=broken_plans,
                )
        return stats
