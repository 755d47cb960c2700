"""The legal amounts of customer invoices, read from the database.

This model gathers what the law needs from the ledger — instalments, their
reconciliations, the debtor, the company's settings and the rates table —
in a fixed number of queries for any number of invoices, and hands it to the
pure functions of ``tools/late_payment.py``, which hold the rules. Amounts
are in company currency and rounded once per invoice.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import late_payment

DUNNED_MOVE_TYPES = ("out_invoice", "out_receipt")


class AccountDunningLegal(models.AbstractModel):
    _name = "account.dunning.legal"
    _description = "Dunning Legal Amounts"

    @api.model
    def _empty_amounts(self):
        return {"days_late": 0, "penalty": 0.0, "indemnity": 0.0, "legal_interest": 0.0}

    @api.model
    def _get_amounts(self, moves, date):
        """Legal amounts of ``moves`` as of ``date``.

        :param moves: ``account.move`` recordset; those that are not posted
            customer invoices get zeros
        :param date: ``datetime.date`` (or its string)
        :return: ``{move id: {"days_late": int, "penalty": float,
            "indemnity": float, "legal_interest": float}}`` in company
            currency; ``penalty`` is the moratorium interest of a public buyer
        :raise UserError: no legal rate is known for a semester involved
        """
        date = fields.Date.to_date(date)
        result = {move.id: self._empty_amounts() for move in moves}
        moves = moves.filtered(
            lambda m: m.state == "posted" and m.move_type in DUNNED_MOVE_TYPES
        )
        moves -= self._get_penalty_invoices(moves)
        if not moves:
            return result
        term_lines = moves.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        # Warm the cache of all partials in one go.
        (term_lines.matched_credit_ids | term_lines.matched_debit_ids).mapped("amount")
        lines_by_move = term_lines.grouped("move_id")
        disputed = self._get_disputed_parts(term_lines)
        get_rate = self.env["account.dunning.rate"]._get_rate_getter()
        indemnities = {}
        for move in moves:
            company = move.company_id
            if company not in indemnities:
                indemnities[company] = self._get_indemnity(company, date)
            days_late = open_days_late = 0
            totals = {"penalty": 0.0, "indemnity": 0.0, "legal_interest": 0.0}
            for line in lines_by_move.get(move, []):
                values = self._get_instalment_amounts(
                    move,
                    line,
                    date,
                    get_rate,
                    indemnities[company],
                    disputed=disputed.get(line.id, 0.0),
                )
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
    def _get_item_amounts(self, items, date):
        """Legal amounts of receivable ``items`` as of ``date``, one by one:
        each instalment of an invoice and each entry owes its own penalties
        and its own indemnity (D441-5: per late sum).

        :param items: ``account.move.line`` receivable items; credits and
            items of unposted entries get zeros
        :param date: ``datetime.date`` (or its string)
        :return: ``{item id: amounts}``, the keys of ``_get_amounts``, in
            company currency, rounded per item
        :raise UserError: no legal rate is known for a semester involved
        """
        date = fields.Date.to_date(date)
        result = {item.id: self._empty_amounts() for item in items}
        items = items.filtered(
            lambda item: item.parent_state == "posted" and item.balance > 0
        )
        items -= self._get_penalty_invoices(items.move_id).line_ids
        if not items:
            return result
        # Warm the cache of all partials in one go.
        (items.matched_credit_ids | items.matched_debit_ids).mapped("amount")
        get_rate = self.env["account.dunning.rate"]._get_rate_getter()
        disputed = self._get_disputed_parts(items)
        indemnities = {}
        for item in items:
            move = item.move_id
            company = item.company_id
            if company not in indemnities:
                indemnities[company] = self._get_indemnity(company, date)
            values = self._get_instalment_amounts(
                move,
                item,
                date,
                get_rate,
                indemnities[company],
                disputed=disputed.get(item.id, 0.0),
            )
            customer = item.partner_id.commercial_partner_id
            if move.commercial_partner_id != customer and (
                (customer.dunning_debtor_type or "professional") != "professional"
                or customer.dunning_insolvency_date
            ):
                # The rules follow the debtor read on the entry's header; an
                # entry naming the customer on its line only would be
                # charged as a solvent professional: claim nothing instead.
                values = {**self._empty_amounts(), "days_late": values["days_late"]}
            currency = company.currency_id
            result[item.id] = {
                "days_late": values["days_late"],
                **{
                    key: currency.round(values[key])
                    for key in ("penalty", "indemnity", "legal_interest")
                },
            }
        return result

    @api.model
    def _get_disputed_parts(self, items):
        """The part of each of these receivable items not claimed while its
        invoice is approved in part only (see
        ``account.move.line._dunning_claimable_amounts``): no penalty runs
        on a sum the buyer contests and the seller does not claim.

        :return: ``{item id: amount in company currency}``, only for such
            items
        """
        claimed = items._dunning_claimable_amounts()
        return {
            item.id: item.amount_residual - claimed[item.id][0]
            for item in items
            if item.id in claimed
        }

    @api.model
    def _get_instalment_amounts(
        self, move, line, date, get_rate, indemnity, disputed=0.0
    ):
        """Legal amounts of one instalment (receivable line), unrounded.

        A company French law does not govern claims nothing beyond the
        principal: its instalments count their days late only, and no rate
        is looked up for them.

        :param disputed: the part of it not claimed, company currency (see
            ``_get_disputed_parts``): the penalties run on the rest
        """
        partner = move.commercial_partner_id
        company = move.company_id
        due_date = line._dunning_due_date()
        payments = sorted(
            [(p.max_date, p.amount) for p in line.matched_credit_ids]
            + [(p.max_date, -p.amount) for p in line.matched_debit_ids]
        )
        if not company._dunning_french_law_applies():
            # Read as a consumer without formal notice: the days late, the
            # open amount and nothing else.
            return late_payment.instalment_amounts(
                line.balance,
                due_date,
                payments,
                date,
                debtor_type="consumer",
                penalty_rate_for_day=lambda day: 0.0,
                legal_rate_for_day=lambda day: 0.0,
                public_rate=0.0,
                indemnity=0.0,
                indemnity_enabled=False,
                rounding=company.currency_id.rounding,
            )
        debtor_type = partner.dunning_debtor_type or "professional"
        # A public buyer's rate is looked up only for a delay that happened:
        # that of the semester in which the interest started (CCP R2192-31).
        public_rate = 0.0
        settled_by_due = sum(paid for day, paid in payments if day <= due_date)
        if (
            debtor_type == "public"
            and date > due_date
            and settled_by_due < line.balance - disputed
        ):
            ecb = get_rate(due_date + timedelta(days=1)).ecb_rate
            public_rate = late_payment.public_moratorium_rate(ecb)
        return late_payment.instalment_amounts(
            line.balance - disputed,
            due_date,
            payments,
            date,
            debtor_type=debtor_type,
            penalty_rate_for_day=lambda day: self._get_penalty_rate(
                company, get_rate(day)
            ),
            legal_rate_for_day=lambda day: get_rate(day).legal_rate_other,
            public_rate=public_rate,
            formal_notice_date=move.dunning_formal_notice_date or None,
            insolvency_date=partner.dunning_insolvency_date or None,
            indemnity=indemnity,
            indemnity_enabled=company.dunning_indemnity_enabled,
            rounding=company.currency_id.rounding,
        )

    @api.model
    def _get_penalty_invoices(self, moves):
        """Those of ``moves`` that claim late payment penalties: penalties are
        never charged on penalties (no compounding, C. civ. 1343-2)."""
        # Whoever reads an invoice's legal amounts may not read the claims;
        # which invoices are penalty invoices is no secret of theirs.
        claims = (
            self.env["account.dunning.claim"]
            .sudo()
            .search([("claim_move_id", "in", moves.ids)])
        )
        return claims.claim_move_id.with_env(self.env)

    @api.model
    def _get_penalty_rate(self, company, rate):
        """Annual late penalty rate (percent) of ``company`` for the semester
        of ``rate`` (``account.dunning.rate``), per its settings (L441-10)."""
        return late_payment.penalty_rate(
            rate.ecb_rate,
            company.dunning_penalty_rate_mode,
            company.dunning_contractual_rate,
        )

    @api.model
    def _get_indemnity(self, company, date):
        """The 40 € recovery indemnity (D441-5) in company currency; none
        for a company French law does not govern."""
        if not company._dunning_french_law_applies():
            return 0.0
        euro = self.env.ref("base.EUR")
        amount = late_payment.RECOVERY_INDEMNITY_EUR
        if company.currency_id == euro:
            return amount
        return euro._convert(amount, company.currency_id, company, date)

    @api.model
    def _get_invoice_mention_rate(self, move):
        """Late penalty rate (percent) printed on ``move`` (L441-9).

        The rate is that of the semester in which penalties would start; it
        is False when the legal rate of that time is unknown, and the
        invoice then states the rule (ECB rate + 10 points) instead.
        """
        company = move.company_id
        if company.dunning_penalty_rate_mode == "contractual":
            return company.dunning_contractual_rate
        due_date = (
            move.invoice_date_due
            or move.invoice_date
            or fields.Date.context_today(self)
        )
        try:
            rate = self.env["account.dunning.rate"]._get_rate_for_date(
                due_date + timedelta(days=1)
            )
        except UserError:
            return False
        return self._get_penalty_rate(company, rate)
