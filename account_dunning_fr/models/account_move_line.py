"""Receivable journal items, the unit the dunning reminds (SPEC §2.5.1).

Each due line of an invoice (an instalment has its own due date), each open
credit (credit note, payment not yet matched) and each entry on the
customer's receivable account is an item of the customer's account. A debit
item moves up the levels of its customer's policy on its own; credits are
deducted from what the customer is asked to pay.
"""

from odoo import fields, models

from ..tools import prescription


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

    def _dunning_kind(self):
        """What this receivable item is, for the letters and the history:
        "invoice" (a due line of an invoice), "credit_note", "payment" or
        "entry" (anything else booked on the receivable account)."""
        self.ensure_one()
        move = self.move_id
        if move.move_type in ("out_invoice", "out_receipt"):
            return "invoice" if self.balance > 0 else "entry"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id or move.statement_line_id:
            return "payment"
        return "entry"

    def _dunning_prescription_date(self):
        """Last day the claim of this item can be pursued (C. com. L110-4,
        C. conso. L218-2, restarted by an acknowledgment: C. civ. 2240)."""
        self.ensure_one()
        due = self.date_maturity or self.date
        return prescription.prescription_date(
            due,
            self.partner_id.commercial_partner_id.dunning_debtor_type,
            self.move_id.dunning_prescription_restart_date or None,
        )

    def _dunning_is_prescribed(self, date):
        """Whether the claim of this item is time-barred on ``date``."""
        return self._dunning_prescription_date() < date
