"""Proposal: which invoices were paid late and what their claims hold.

The daily run (``account.dunning.run._propose_claims``) and the
accountant's "Look for Late Payments" button ask this model for the invoices
of a company settled after their due date, keep those whose penalties and
indemnity are still owed and worth an invoice, and create one
``account.dunning.claim`` each, in the ``proposed`` state.
"""

from odoo import api, fields, models
from odoo.tools import SQL, float_compare

from ..tools import prescription


class AccountDunningClaimProposal(models.AbstractModel):
    _name = "account.dunning.claim.proposal"
    _description = "Late Payment Claim Proposal"

    @api.model
    def _propose(self, date):
        """Propose a claim for each invoice of the current company paid late.

        An invoice is proposed once, when it is a posted customer invoice
        fully paid (``paid`` or ``in_payment``) after its due date, not
        time-barred on ``date`` (C. com. L110-4), of a customer who is neither a
        consumer (who owes none of these amounts), nor excluded from
        dunning, nor under a collective insolvency procedure (C. com. L622-28),
        and whose penalties and indemnity reach the company's threshold
        (``res.company.dunning_claim_threshold``). A company French law does
        not govern has nothing to claim.

        The amounts of all candidates come from one call of
        ``account.move._dunning_amounts_batch``: the number of queries does
        not grow with the invoices.

        :param date: ``datetime.date`` (or its string) the amounts are
            computed on; accrual stops at the payments anyway
        :return: the claims created (``account.dunning.claim`` recordset)
        """
        date = fields.Date.to_date(date)
        Claim = self.env["account.dunning.claim"]
        if not self.env.company._dunning_french_law_applies():
            return Claim
        moves = self.env["account.move"].search(self._get_candidate_domain(date))
        moves = moves.filtered(lambda m: not m._dunning_is_prescribed(date))
        if not moves:
            return Claim
        amounts = moves._dunning_amounts_batch(date)
        vals_list = [
            self._prepare_claim_vals(move, amounts[move.id], date)
            for move in moves
            if self._is_worth_claiming(move.company_id, amounts[move.id])
        ]
        # Whoever runs the proposal (the scheduled action, an accountant)
        # is not made a follower of every claim. Two proposals at once for
        # the same invoice are refused by the UNIQUE(move_id) constraint.
        return Claim.with_context(mail_create_nosubscribe=True).create(vals_list)

    @api.model
    def _get_candidate_domain(self, date):
        """Domain of the invoices (``account.move``) of the current company
        that may owe a claim on ``date`` (the prescription is checked
        afterwards, per invoice, because an acknowledgment of the debt may
        extend it)."""
        # No claim lasts more than 5 years (C. com. L110-4): older invoices
        # are kept only when an acknowledgment of the debt restarted it.
        oldest_due = prescription.earliest_claimable_due_date(
            date, prescription.DEFAULT_PRESCRIPTION_YEARS
        )
        return [
            ("id", "in", self._get_late_paid_move_ids(date)),
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("paid", "in_payment")),
            # Penalties on an invoice sold to a factor are the factor's.
            ("dunning_factor_id", "=", False),
            ("commercial_partner_id.dunning_debtor_type", "!=", "consumer"),
            ("commercial_partner_id.dunning_excluded", "=", False),
            ("commercial_partner_id.dunning_insolvency_date", "=", False),
            "|",
            ("invoice_date_due", ">=", oldest_due),
            ("dunning_prescription_restart_date", "!=", False),
        ]

    @api.model
    def _get_late_paid_move_ids(self, date):
        """Ids (``list[int]``) of the moves of the current company with an
        instalment settled after its due date, on or before ``date``, that
        have no claim yet and are not themselves a penalty invoice (penalties
        bear no penalties: no compounding, C. civ. 1343-2).

        One query, so that the daily run does not compute the legal amounts
        of every invoice ever paid on time.
        """
        self.env["account.move.line"].flush_model(
            ["move_id", "company_id", "display_type", "parent_state", "date_maturity"]
        )
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.env["account.dunning.claim"].flush_model(["move_id", "claim_move_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT l.move_id
                  FROM account_move_line l
                  JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                 WHERE l.company_id = %(company)s
                   AND l.display_type = 'payment_term'
                   AND l.parent_state = 'posted'
                   AND p.max_date > l.date_maturity
                   AND p.max_date <= %(date)s
                   AND NOT EXISTS (
                       SELECT 1 FROM account_dunning_claim c
                        WHERE c.move_id = l.move_id
                           OR c.claim_move_id = l.move_id)
                """,
                company=self.env.company.id,
                date=date,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _is_worth_claiming(self, company, amounts):
        """Whether the penalties and indemnity of ``amounts`` reach the
        threshold of ``company`` (``res.company``): below it, an invoice for
        a few cents costs more than it brings.

        :param amounts: a value of ``account.move._dunning_amounts_batch``,
            ``{"penalty": float, "indemnity": float, "days_late": int, ...}``
            in company currency
        :return: ``bool``
        """
        total = amounts["penalty"] + amounts["indemnity"]
        rounding = company.currency_id.rounding
        return (
            amounts["days_late"] > 0
            and float_compare(total, 0.0, precision_rounding=rounding) > 0
            and float_compare(
                total, company.dunning_claim_threshold, precision_rounding=rounding
            )
            >= 0
        )

    @api.model
    def _prepare_claim_vals(self, move, amounts, date):
        """Values of the claim of ``move`` (one ``account.move``).

        :param amounts: its value of ``account.move._dunning_amounts_batch``
            (see :meth:`_is_worth_claiming`), in company currency
        :param date: ``datetime.date`` the amounts were computed on
        :return: ``dict`` for ``account.dunning.claim.create``
        """
        customer = move.commercial_partner_id
        return {
            "company_id": move.company_id.id,
            "partner_id": customer.id,
            "move_id": move.id,
            "date": date,
            "debtor_type": customer.dunning_debtor_type or "professional",
            "days_late": amounts["days_late"],
            "penalty_amount": amounts["penalty"],
            "indemnity_amount": amounts["indemnity"],
        }
