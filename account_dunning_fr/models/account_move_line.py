"""Receivable journal items, the unit the dunning reminds.

Each due line of an invoice (an instalment has its own due date), each open
credit (credit note, payment not yet matched) and each entry on the
customer's receivable account is an item of the customer's account. A debit
item moves up the levels of its customer's policy on its own; credits are
deducted from what the customer is asked to pay.
"""

from odoo import fields, models

from ..tools import claimable, dunning_steps, prescription


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        copy=False,
        index="btree_not_null",
        help="Last dunning level this receivable item was reminded at.",
    )
    dunning_last_date = fields.Date(
        string="Last Dunning Action",
        copy=False,
        help="Date this receivable item was last reminded.",
    )

    dunning_write_off_reason = fields.Selection(
        [
            ("discount", "Early-payment discount earned"),
            ("residual", "Residual below the tolerance per item"),
        ],
        string="To Write Off",
        compute="_compute_dunning_write_off_reason",
        search="_search_dunning_write_off_reason",
        help="Why the dunning leaves this open item out of reminders and "
        "letters: it is not a debt to claim but an amount to write off.",
    )

    def _compute_dunning_write_off_reason(self):
        reasons = {}
        for company in self.company_id:
            reasons.update(
                self.env["account.dunning.planning"]
                .with_company(company)
                ._get_write_off_items()
            )
        for line in self:
            line.dunning_write_off_reason = reasons.get(line.id, False)

    def _search_dunning_write_off_reason(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        reasons = {}
        for company in self.env.companies:
            reasons.update(
                self.env["account.dunning.planning"]
                .with_company(company)
                ._get_write_off_items()
            )
        values = set(value) if isinstance(value, list | tuple) else {value}
        if values == {False}:
            # "is set" / "is not set"
            positive = operator in ("!=", "not in")
            ids = list(reasons)
        else:
            positive = operator in ("=", "in")
            ids = [item_id for item_id, reason in reasons.items() if reason in values]
        return [("id", "in" if positive else "not in", ids)]

    def _dunning_early_discount(self, date):
        """The early-payment discount a reminder on ``date`` still offers
        on this item (``tools.claimable.early_discount_offer``).

        :param date: ``datetime.date`` of the reminder
        :return: dict with ``amount`` (what to pay to earn it, in the
            item's currency), ``amount_company`` (company currency) and
            ``date`` (the last day to pay it), or None
        """
        self.ensure_one()
        if not claimable.early_discount_offer(
            date,
            self.discount_date or None,
            self.amount_residual_currency,
            self.amount_currency,
            self.currency_id.rounding,
        ):
            return None
        return {
            "amount": self.discount_amount_currency,
            "amount_company": self.discount_balance,
            "date": self.discount_date,
        }

    def _dunning_kind(self):
        """What this receivable item is (``tools.dunning_steps.item_kind``)."""
        self.ensure_one()
        move = self.move_id
        return dunning_steps.item_kind(
            move.move_type,
            self.balance > 0,
            bool(move.origin_payment_id or move.statement_line_id),
        )

    def _dunning_due_date(self):
        """The day this receivable item falls due: its own due date (one per
        instalment), else its invoice's, else its accounting date (an entry
        on the receivable account without a due date is due at once). The
        one rule for the run, the invoice, the letters and the legal
        amounts; planning reads the same in SQL (``_get_items``).

        :return: ``datetime.date``
        """
        self.ensure_one()
        return self.date_maturity or self.move_id.invoice_date_due or self.date

    def _dunning_item(self):
        """This receivable item as ``tools.dunning_steps.Item``, its amount
        what may be claimed of it (see ``_dunning_claimable_amounts``)."""
        self.ensure_one()
        return self._dunning_items()[0]

    def _dunning_items(self):
        """These receivable items as ``tools.dunning_steps.Item``, in order,
        each with what may be claimed of it (see
        ``_dunning_claimable_amounts``): one read for all of them."""
        claimed = self._dunning_claimable_amounts()
        return [
            dunning_steps.Item(
                line.id,
                line.move_id.id,
                claimed.get(line.id, (line.amount_residual,))[0],
                line._dunning_due_date(),
                level=line.dunning_level_id._get_step_level(),
                last_date=line.dunning_last_date or None,
                kind=line._dunning_kind(),
                currency_id=line.currency_id.id,
                amount_currency=claimed.get(
                    line.id, (None, line.amount_residual_currency)
                )[1],
                promise_date=line.move_id.dunning_promise_date or None,
            )
            for line in self
        ]

    def _dunning_claimable_amounts(self):
        """What may be claimed of those of these open receivable items that
        are not claimed in full: the items of an invoice its buyer approved
        in part only on its e-invoicing platform (status 206), while the
        dispute about the rest is open. The approved amount is due at once;
        payments settle it first, credit notes the part in dispute
        (``tools.claimable.approved_claims``). The one answer to what may
        be claimed of an item: the run (planning's ``_claim_in_part`` and
        ``_dunning_items``, whence the action's lines), the execution of a
        reminder, the letters, the statement, the portal, the customer's
        figures, the legal amounts and the dispute (through
        ``account.move._dunning_einvoice_contested_amount``) all read it
        here; what a whole invoice still owes is
        ``account.move._dunning_open_amount``.

        :return: ``{item id: (amount in company currency, amount in the
            item's currency)}``, only for the items claimed in part or not
            at all; the others are claimed at their open amount
            (``amount_residual``, company currency, and
            ``amount_residual_currency``)
        """
        moves = self.move_id.filtered(
            lambda m: (
                m.dunning_einvoice_approved_amount > 0
                and m._dunning_einvoice_partial_dispute()
            )
        )
        result = {}
        for move in moves:
            for item, claim in move._dunning_einvoice_approved_claims().items():
                if item not in self or (
                    move.currency_id.compare_amounts(
                        claim, item.amount_residual_currency
                    )
                    >= 0
                ):
                    continue
                result[item.id] = (item._dunning_to_company_currency(claim), claim)
        return result

    def _dunning_to_company_currency(self, amount_currency):
        """``amount_currency``, a part of this open item's amount in its own
        currency, in company currency: the same share of what is open in
        company currency, at the rate the item is booked at, so that the
        parts of an item always add up to its ``amount_residual``.

        :param amount_currency: float, the item's currency
        :return: float, company currency, rounded
        """
        self.ensure_one()
        if self.currency_id.is_zero(self.amount_residual_currency):
            return 0.0
        return self.company_currency_id.round(
            self.amount_residual * amount_currency / self.amount_residual_currency
        )

    def _dunning_prescription_date(self):
        """Last day the claim of this item can be pursued (C. com. L110-4,
        C. conso. L218-2, restarted by an acknowledgment: C. civ. 2240)."""
        self.ensure_one()
        due = self._dunning_due_date()
        return prescription.prescription_date(
            due,
            self.partner_id.commercial_partner_id.dunning_debtor_type,
            self.move_id.dunning_prescription_restart_date or None,
        )

    def _dunning_is_prescribed(self, date):
        """Whether the claim of this item is time-barred on ``date``."""
        return self._dunning_prescription_date() < date

    def reconcile(self):
        # A credit note matched with an invoice settles the dispute the
        # buyer raised on its e-invoicing platform (see
        # account.move._dunning_einvoice_credit_note_matched).
        res = super().reconcile()
        moves = self.move_id
        if any(move.move_type == "out_refund" for move in moves):
            moves.filtered(
                lambda m: m.move_type == "out_invoice"
            )._dunning_einvoice_credit_note_matched()
        return res
