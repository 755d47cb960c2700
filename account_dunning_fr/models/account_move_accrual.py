"""Accrual of late penalties and interest on a customer invoice (SPEC §4).

Per-instalment computation behind ``_dunning_amounts_batch``: the open
amount of each instalment accrues day by day at the rate of each semester
(or, for a public buyer, of the semester the delay started in); a payment
reduces the open amount from the day after its date.
"""

import itertools

from dateutil.relativedelta import relativedelta

from odoo import api, models

from .account_dunning_rate import PENALTY_ECB_MARGIN, PUBLIC_ECB_MARGIN
from .account_move_amounts import ONE_DAY


class AccountMove(models.Model):
    _inherit = "account.move"

    def _dunning_legal_context(self, date, get_rate, indemnity):
        """Gather, once per invoice, what the instalment computation needs."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "date": date,
            "debtor_type": partner.dunning_debtor_type or "professional",
            "insolvency_date": partner.dunning_insolvency_date,
            "formal_notice_date": self.dunning_formal_notice_date,
            "company": self.company_id,
            "get_rate": get_rate,
            "indemnity": indemnity,
        }

    def _dunning_instalment_amounts(self, line, context):
        """Return the legal amounts of one instalment (unrounded).

        Penalties run on each day from the day after the due date up to and
        including ``date``, on the amount open that day; a collective
        insolvency judgment stops them (C. com. L622-28) and no indemnity is
        owed on an instalment falling due after it.
        """
        date = context["date"]
        debtor_type = context["debtor_type"]
        insolvency_date = context["insolvency_date"]
        currency = context["company"].currency_id
        due_date = line.date_maturity or line.move_id.invoice_date_due
        payments = sorted(
            [(p.max_date, p.amount) for p in line.matched_credit_ids]
            + [(p.max_date, -p.amount) for p in line.matched_debit_ids]
        )
        amount = line.balance
        open_at_date = amount - sum(paid for day, paid in payments if day <= date)
        open_after_due = amount - sum(paid for day, paid in payments if day <= due_date)
        values = {
            "days_late": 0,
            "open_amount": 0.0 if currency.is_zero(open_at_date) else open_at_date,
            "penalty": 0.0,
            "indemnity": 0.0,
            "legal_interest": 0.0,
        }
        if date <= due_date or currency.compare_amounts(open_after_due, 0.0) <= 0:
            return values  # not late (yet)

        # Days late: up to the day it was settled, or up to ``date``.
        end_of_delay = date
        if values["open_amount"] <= 0:
            remaining = amount
            for pay_date, paid in payments:
                remaining -= paid
                if currency.compare_amounts(remaining, 0.0) <= 0:
                    end_of_delay = pay_date
                    break
        values["days_late"] = max((end_of_delay - due_date).days, 0)

        last_day = date
        if insolvency_date and insolvency_date <= date:
            last_day = min(last_day, insolvency_date - ONE_DAY)
        claimable_indemnity = not insolvency_date or due_date < insolvency_date
        get_rate = context["get_rate"]
        first_day = due_date + ONE_DAY
        if debtor_type == "public":
            # One rate for the whole delay: that of the semester the interest
            # started in (CCP R2192-31).
            rate = get_rate(first_day).ecb_rate + PUBLIC_ECB_MARGIN
            values["penalty"] = self._dunning_accrue(
                first_day, last_day, amount, payments, lambda day: rate
            )
            if claimable_indemnity:
                values["indemnity"] = context["indemnity"]
        elif debtor_type == "consumer":
            notice_date = context["formal_notice_date"]
            if notice_date:
                # Interest runs from the formal notice, on what is due by then.
                values["legal_interest"] = self._dunning_accrue(
                    max(notice_date, due_date) + ONE_DAY,
                    last_day,
                    amount,
                    payments,
                    lambda day: self._dunning_legal_rate(get_rate(day)),
                )
        else:
            company = context["company"]
            values["penalty"] = self._dunning_accrue(
                first_day,
                last_day,
                amount,
                payments,
                lambda day: self._dunning_penalty_rate(company, get_rate(day)),
            )
            if claimable_indemnity and company.dunning_indemnity_enabled:
                values["indemnity"] = context["indemnity"]
        return values

    @api.model
    def _dunning_accrue(self, first_day, last_day, amount, payments, rate_for_day):
        """Sum open amount × annual rate / 365 over each day of a period.

        :param first_day: first day bearing interest
        :param last_day: last day bearing interest (included)
        :param amount: amount of the instalment
        :param payments: sorted ``(date, amount)`` reconciliations; each one
            reduces the open amount from the day after its date
        :param rate_for_day: function giving the annual rate (percent) of a
            day; it is called once per semester or payment period
        """
        if last_day < first_day:
            return 0.0
        cuts = {first_day, last_day + ONE_DAY}
        for pay_date, _paid in payments:
            if first_day < pay_date + ONE_DAY <= last_day:
                cuts.add(pay_date + ONE_DAY)
        semester = first_day.replace(month=1 if first_day.month < 7 else 7, day=1)
        while True:
            semester += relativedelta(months=6)
            if semester > last_day:
                break
            cuts.add(semester)
        cuts = sorted(cuts)
        total = 0.0
        for start, stop in itertools.pairwise(cuts):
            open_amount = amount - sum(paid for day, paid in payments if day < start)
            if open_amount > 0:
                total += open_amount * rate_for_day(start) * (stop - start).days / 36500
        return total

    @api.model
    def _dunning_penalty_rate(self, company, rate):
        """Return the annual late penalty rate (percent) of a semester."""
        legal_rate = rate.ecb_rate + PENALTY_ECB_MARGIN
        mode = company.dunning_penalty_rate_mode
        if mode == "contractual":
            return company.dunning_contractual_rate
        if mode == "max":
            return max(legal_rate, company.dunning_contractual_rate)
        return legal_rate

    @api.model
    def _dunning_legal_rate(self, rate):
        """Return the legal interest rate that applies to our claims.

        The category follows the creditor, and the creditor is a company.
        """
        return rate.legal_rate_other
