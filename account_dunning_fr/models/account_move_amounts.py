"""Amounts the law lets us claim on a late customer invoice (SPEC §4).

Everything is computed per instalment (receivable line with its own due
date), on the amount still open on each day: a payment reduces the open
amount from the day after its date. Amounts are in company currency and
rounded once per invoice. The accrual itself (instalments, days, rates)
is in account_move_accrual.py.
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

ONE_DAY = datetime.timedelta(days=1)
# Fixed recovery indemnity, in euros (C. com. D441-5, CCP D2192-35).
RECOVERY_INDEMNITY_EUR = 40.0
# Years after the due date at which a claim is time-barred (C. com. L110-4,
# C. conso. L218-2).
PRESCRIPTION_YEARS = {"consumer": 2}
DEFAULT_PRESCRIPTION_YEARS = 5
DUNNED_MOVE_TYPES = ("out_invoice", "out_receipt")


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_days_late = fields.Integer(
        string="Days Late", compute="_compute_dunning_amounts"
    )
    dunning_penalty_amount = fields.Monetary(
        string="Late Penalties",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Late penalties accrued to date; for a public buyer, the "
        "moratorium interest.",
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Fixed 40 € indemnity per late instalment, owed by professionals "
        "and public buyers.",
    )
    dunning_legal_interest_amount = fields.Monetary(
        string="Legal Interest",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Interest at the legal rate accrued since the formal notice.",
    )
    dunning_prescription_date = fields.Date(
        string="Time Limit for Claim",
        compute="_compute_dunning_prescription",
        help="After this date the claim is time-barred: 5 years from the due "
        "date, 2 years for consumers.",
    )
    dunning_prescribed = fields.Boolean(
        string="Time-barred",
        compute="_compute_dunning_prescription",
        search="_search_dunning_prescribed",
    )

    @api.depends(
        "state",
        "move_type",
        "line_ids.amount_residual",
        "dunning_formal_notice_date",
        "commercial_partner_id.dunning_debtor_type",
        "commercial_partner_id.dunning_insolvency_date",
        "company_id.dunning_penalty_rate_mode",
        "company_id.dunning_contractual_rate",
        "company_id.dunning_indemnity_enabled",
    )
    def _compute_dunning_amounts(self):
        today = fields.Date.context_today(self)
        try:
            amounts = self._dunning_amounts_batch(today)
        except UserError:
            # No rate table for these dates: show nothing rather than make the
            # invoice unreadable; the engine and letters raise the error.
            _logger.debug("Legal rates missing for moves %s", self.ids)
            amounts = {}
        for move in self:
            values = amounts.get(move.id) or self._dunning_empty_amounts()
            move.dunning_days_late = values["days_late"]
            move.dunning_penalty_amount = values["penalty"]
            move.dunning_indemnity_amount = values["indemnity"]
            move.dunning_legal_interest_amount = values["legal_interest"]

    @api.depends(
        "move_type", "invoice_date_due", "commercial_partner_id.dunning_debtor_type"
    )
    def _compute_dunning_prescription(self):
        today = fields.Date.context_today(self)
        for move in self:
            if move.move_type in DUNNED_MOVE_TYPES and move.invoice_date_due:
                years = self._dunning_prescription_years(
                    move.commercial_partner_id.dunning_debtor_type
                )
                move.dunning_prescription_date = move.invoice_date_due + relativedelta(
                    years=years
                )
                move.dunning_prescribed = move.dunning_prescription_date < today
            else:
                move.dunning_prescription_date = False
                move.dunning_prescribed = False

    def _search_dunning_prescribed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Time-barred invoices can only be searched as yes or no.")
            )
        today = fields.Date.context_today(self)
        consumer_limit = self._dunning_prescription_threshold(
            today, self._dunning_prescription_years("consumer")
        )
        other_limit = self._dunning_prescription_threshold(
            today, self._dunning_prescription_years("professional")
        )
        consumer = ("commercial_partner_id.dunning_debtor_type", "=", "consumer")
        other = ("commercial_partner_id.dunning_debtor_type", "!=", "consumer")
        if (operator == "=") == bool(value):
            return [
                ("move_type", "in", DUNNED_MOVE_TYPES),
                "|",
                "&",
                consumer,
                ("invoice_date_due", "<", consumer_limit),
                "&",
                other,
                ("invoice_date_due", "<", other_limit),
            ]
        return [
            "|",
            ("move_type", "not in", DUNNED_MOVE_TYPES),
            "|",
            ("invoice_date_due", "=", False),
            "|",
            "&",
            consumer,
            ("invoice_date_due", ">=", consumer_limit),
            "&",
            other,
            ("invoice_date_due", ">=", other_limit),
        ]

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _dunning_prescription_years(self, debtor_type):
        """Return the prescription period, in years, for a debtor type."""
        return PRESCRIPTION_YEARS.get(debtor_type, DEFAULT_PRESCRIPTION_YEARS)

    @api.model
    def _dunning_prescription_threshold(self, today, years):
        """Return the first due date that is not time-barred on ``today``.

        A claim is time-barred once due date + ``years`` is past; going back
        from today needs care around 29 February.
        """
        threshold = today - relativedelta(years=years)
        if threshold + relativedelta(years=years) < today:
            threshold += ONE_DAY
        return threshold

    @api.model
    def _dunning_empty_amounts(self):
        return {"days_late": 0, "penalty": 0.0, "indemnity": 0.0, "legal_interest": 0.0}

    def _dunning_amounts(self, date):
        """Return the legal amounts of this invoice as of ``date``.

        :return: dict with ``days_late`` (int), ``penalty`` (late penalties,
            or moratorium interest for a public buyer), ``indemnity`` (fixed
            recovery indemnities) and ``legal_interest``, amounts in company
            currency.
        """
        self.ensure_one()
        return self._dunning_amounts_batch(date)[self.id]

    def _dunning_amounts_batch(self, date):
        """Return ``{move_id: amounts}`` as of ``date`` for all these moves.

        Reads instalments, reconciliations and rates for the whole batch at
        once, so the number of queries does not grow with the number of
        invoices. Moves that are not posted customer invoices get zeros.
        """
        date = fields.Date.to_date(date)
        result = {move.id: self._dunning_empty_amounts() for move in self}
        moves = self.filtered(
            lambda m: m.state == "posted" and m.move_type in DUNNED_MOVE_TYPES
        )
        if not moves:
            return result
        term_lines = moves.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        # Warm the cache of all partials in one go.
        (term_lines.matched_credit_ids | term_lines.matched_debit_ids).mapped("amount")
        lines_by_move = term_lines.grouped("move_id")
        get_rate = self.env["account.dunning.rate"]._get_rate_getter()
        indemnities = {}
        for move in moves:
            company = move.company_id
            if company not in indemnities:
                indemnities[company] = self._dunning_indemnity_in_company_currency(
                    company, date
                )
            context = move._dunning_legal_context(date, get_rate, indemnities[company])
            days_late = 0
            open_days_late = 0
            totals = {"penalty": 0.0, "indemnity": 0.0, "legal_interest": 0.0}
            for line in lines_by_move.get(move, []):
                values = move._dunning_instalment_amounts(line, context)
                for key in totals:
                    totals[key] += values[key]
                days_late = max(days_late, values["days_late"])
                if values["open_amount"] > 0:
                    open_days_late = max(open_days_late, values["days_late"])
            currency = company.currency_id
            result[move.id] = {
                # Days late of what is still open, else of the latest payment.
                "days_late": open_days_late or days_late,
                **{key: currency.round(value) for key, value in totals.items()},
            }
        return result

    @api.model
    def _dunning_indemnity_in_company_currency(self, company, date):
        euro = self.env.ref("base.EUR")
        if company.currency_id == euro:
            return RECOVERY_INDEMNITY_EUR
        return euro._convert(RECOVERY_INDEMNITY_EUR, company.currency_id, company, date)

    def _dunning_has_invoice_mention(self):
        """Tell whether the invoice must print the late payment mention."""
        self.ensure_one()
        return bool(
            self.company_id.dunning_invoice_mention
            and self.move_type == "out_invoice"
            and (self.commercial_partner_id.dunning_debtor_type or "professional")
            == "professional"
        )

    def _dunning_invoice_mention_rate(self):
        """Return the late penalty rate (percent) to print on the invoice.

        The rate is that of the semester in which penalties would start; it
        is False when the legal rate of that time is unknown, and the
        invoice then states the rule (ECB rate + 10 points) instead.
        """
        self.ensure_one()
        company = self.company_id
        if company.dunning_penalty_rate_mode == "contractual":
            return company.dunning_contractual_rate
        due_date = (
            self.invoice_date_due
            or self.invoice_date
            or fields.Date.context_today(self)
        )
        start = due_date + ONE_DAY
        try:
            rate = self.env["account.dunning.rate"]._get_rate_for_date(start)
        except UserError:
            return False
        return self._dunning_penalty_rate(company, rate)
