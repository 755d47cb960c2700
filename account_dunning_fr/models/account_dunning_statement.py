"""The customer's open account, as printed on paper: the statement of account
letter (SPEC §5.8) and the payment order file (injonction de payer)."""

from odoo import api, fields, models

from .account_move import DUNNED_MOVE_TYPES

STATEMENT_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")


class AccountDunningStatement(models.AbstractModel):
    _name = "account.dunning.statement"
    _description = "Dunning Statement of Account"

    @api.model
    def _get_values(self, action):
        """The customer's whole open account on the action's date: every
        posted customer invoice and credit note still open in the company,
        whatever the action reminds.

        :return: dict with ``lines`` (see ``account.dunning.letter._get_line``),
            ``balance`` and ``overdue`` (company currency)
        """
        date = action.date or fields.Date.context_today(self)
        moves = self._get_open_moves(
            action.partner_id.commercial_partner_id,
            action.company_id,
            STATEMENT_MOVE_TYPES,
            order="invoice_date_due, invoice_date, id",
        )
        amounts = moves._dunning_amounts_batch(date)
        Letter = self.env["account.dunning.letter"]
        lines = [Letter._get_line(move, amounts[move.id]) for move in moves]
        currency = action.company_id.currency_id
        overdue = sum(
            line["open_company"]
            for line in lines
            if line["move"].move_type in DUNNED_MOVE_TYPES
            and line["due_date"]
            and line["due_date"] < date
        )
        return {
            "lines": lines,
            "balance": currency.round(sum(line["open_company"] for line in lines)),
            "overdue": currency.round(overdue),
        }

    @api.model
    def _get_open_moves(self, customer, company, move_types, order):
        return self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", customer.id),
                ("move_type", "in", move_types),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order=order,
        )
