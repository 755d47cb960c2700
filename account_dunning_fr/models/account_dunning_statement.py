"""The customer's open account, as printed on paper: the statement of account
letter and the open invoices the payment order file lists."""

from odoo import api, fields, models


class AccountDunningStatement(models.AbstractModel):
    _name = "account.dunning.statement"
    _description = "Dunning Statement of Account"

    @api.model
    def _get_values(self, action):
        """The customer's whole open account on the action's date: every
        open receivable item of the company (invoice instalments, credit
        notes, payments not yet matched, entries), whatever the action
        reminds.

        :return: dict with ``lines`` (one per item, oldest due first, amounts
            in the item's currency, credits negative), ``currency_totals``
            (see ``account.dunning.letter.items._get_currency_totals``),
            ``has_foreign_currency``, ``balance`` and ``overdue`` (company currency)
        """
        date = action.date or fields.Date.context_today(self)
        company = action.company_id
        currency = company.currency_id
        items = self._get_open_items(action.partner_id.commercial_partner_id, company)
        Items = self.env["account.dunning.letter.items"]
        instalments = Items._get_instalment_positions(items)
        lines = [
            self._get_item_line(item, date, instalments.get(item.id)) for item in items
        ]
        debits = [line for line in lines if not line["is_credit"]]
        credits = [line for line in lines if line["is_credit"]]
        overdue = sum(line["open_company"] for line in debits if line["days_late"])
        currency_totals = Items._get_currency_totals(debits, credits, currency)
        return {
            "lines": lines,
            "currency_totals": currency_totals,
            # Balances per currency are shown once another one is involved.
            "has_foreign_currency": any(
                total["currency"] != currency for total in currency_totals
            ),
            "balance": currency.round(sum(line["open_company"] for line in lines)),
            "overdue": currency.round(overdue),
        }

    @api.model
    def _get_open_items(self, customer, company):
        """Open receivable items of ``customer`` (commercial partner) in
        ``company``, the same the run deducts and reminds."""
        domain = (
            self.env["account.dunning.planning"]
            .with_company(company)
            ._get_item_domain()
        )
        return self.env["account.move.line"].search(
            [*domain, ("partner_id", "child_of", customer.id)],
            order="date_maturity, date, id",
        )

    @api.model
    def _get_item_line(self, item, date, instalment=None):
        """One row of the statement: ``item`` as the customer knows it."""
        number, label = self.env["account.dunning.letter.items"]._get_item_reference(
            item
        )
        is_credit = item.amount_residual < 0
        due_date = False if is_credit else item._dunning_due_date()
        return {
            "item": item,
            "move": item.move_id,
            "kind": item._dunning_kind(),
            "is_credit": is_credit,
            "number": number,
            "label": label,
            "instalment": instalment or False,
            "invoice_date": item.move_id.invoice_date or item.date,
            "due_date": due_date,
            "currency": item.currency_id,
            "amount": item.amount_currency,
            "open": item.amount_residual_currency,
            "open_company": item.amount_residual,
            "days_late": max((date - due_date).days, 0) if due_date else 0,
        }

    @api.model
    def _get_open_moves(self, customer, company, move_types, order):
        """Posted moves of ``customer`` of ``move_types`` in ``company``
        still open: the invoices the payment order file lists."""
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
