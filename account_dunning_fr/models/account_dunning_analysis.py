"""Dunning analysis: open customer invoices by level, profile, salesperson
and age (SPEC §6), as a database view.

Ages are measured against the user's today, passed to the view through a
transaction setting rather than the database clock, so that the figures agree
with the rest of Odoo (and with frozen dates in tests).
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .account_dunning_policy import PAYER_PROFILES

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

    def init(self):
        self.env.cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(self._table)))
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    WITH base AS (
                        SELECT m.*,
                               COALESCE(
                                   NULLIF(
                                       current_setting('dunning_fr.today', true),
                                       ''
                                   ),
                                   CURRENT_DATE::text
                               )::date - m.invoice_date_due AS age
                          FROM account_move m
                         WHERE m.move_type = 'out_invoice'
                           AND m.state = 'posted'
                           AND m.payment_state IN ('not_paid', 'partial')
                           AND m.amount_residual_signed > 0
                           AND m.invoice_date_due IS NOT NULL
                    )
                    SELECT b.id,
                           b.id AS move_id,
                           b.company_id,
                           c.currency_id,
                           b.commercial_partner_id AS partner_id,
                           b.dunning_level_id AS level_id,
                           p.payer_profile,
                           p.user_id,
                           b.invoice_date_due,
                           GREATEST(b.age, 0) AS days_overdue,
                           CASE WHEN b.age <= 0 THEN '0_not_due'
                                WHEN b.age <= 30 THEN '1_30'
                                WHEN b.age <= 60 THEN '2_60'
                                WHEN b.age <= 90 THEN '3_90'
                                ELSE '4_over_90' END AS age_bucket,
                           b.amount_residual_signed AS amount_residual,
                           CASE WHEN b.age > 0 THEN b.amount_residual_signed ELSE 0 END
                               AS amount_overdue,
                           1 AS invoice_count,
                           b.dunning_blocked
                      FROM base b
                      JOIN res_company c ON c.id = b.company_id
                      JOIN res_partner p ON p.id = b.commercial_partner_id
                )
                """,
                table=SQL.identifier(self._table),
            )
        )

    def _set_analysis_today(self):
        for model, fnames in self._depends.items():
            self.env[model].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                "SELECT set_config('dunning_fr.today', %s, true)",
                fields.Date.to_string(fields.Date.context_today(self)),
            )
        )

    @api.model
    def _read_group(self, *args, **kwargs):
        self._set_analysis_today()
        return super()._read_group(*args, **kwargs)

    @api.model
    def search_fetch(self, *args, **kwargs):
        self._set_analysis_today()
        return super().search_fetch(*args, **kwargs)

    def _fetch_query(self, *args, **kwargs):
        self._set_analysis_today()
        return super()._fetch_query(*args, **kwargs)

    @api.model
    def _get_dso(self, date, partners=None):
        """Days sales outstanding, per customer and overall.

        DSO = open receivables on ``date`` / credit sales (invoices minus credit
        notes, taxes included) of the 365 days up to ``date`` × 365.

        :return: {partner id: dso, False: overall dso}
        """
        start = fields.Date.subtract(date, days=364)
        domain = [
            ("company_id", "=", self.env.company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
        Move = self.env["account.move"].sudo()
        receivables = dict(
            Move._read_group(
                domain + [("invoice_date", "<=", date)],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
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
