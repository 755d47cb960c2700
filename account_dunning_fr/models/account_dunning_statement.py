"""The customer's open account, as printed on paper: the statement of account
letter and the open invoices the payment order file lists."""

import hashlib

from odoo import api, fields, models
from odoo.tools import format_date

STATEMENT_REPORT = "account_dunning_fr.report_dunning_letter_statement"
# Marks the statements kept on an action, in ``ir.attachment.description``,
# followed by what the PDF depends on.
STATEMENT_KEY = "account_dunning_fr statement"


class AccountDunningStatement(models.AbstractModel):
    _name = "account.dunning.statement"
    _description = "Dunning Statement of Account"

    @api.model
    def _get_values(self, action):
        """The customer's whole open account on the letter's date
        (``account.dunning.letter._get_date``): every open receivable item
        of the company (invoice instalments, credit notes, payments not yet
        matched, entries), whatever the action reminds.

        :return: dict with ``lines`` (one per item, oldest due first, amounts
            in the item's currency, credits negative), ``currency_totals``
            (see ``account.dunning.letter.items._get_currency_totals``),
            ``has_foreign_currency``, ``balance`` and ``overdue`` (company currency)
        """
        date = self.env["account.dunning.letter"]._get_date(action)
        company = action.company_id
        currency = company.currency_id
        items = self._get_open_items(action.partner_id.commercial_partner_id, company)
        # Of an invoice approved in part only, the approved part is claimed;
        # an item with nothing of it left waits for the dispute.
        claimed = items._dunning_claimable_amounts()
        items = items.filtered(
            lambda item: item.id not in claimed or claimed[item.id][0] > 0
        )
        Items = self.env["account.dunning.letter.items"]
        instalments = Items._get_instalment_positions(items)
        lines = [
            self._get_item_line(
                item, date, instalments.get(item.id), claimed.get(item.id)
            )
            for item in items
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
    def _get_pdf(self, action):
        """The statement of account of ``action`` as a PDF, rendered once a
        day and kept on the action: the customer who opens it again that day
        gets the same file without a new rendering. A payment, a credit note
        or a new invoice changes the open items and renders it again, as
        does the next day (the days late change) or another language.

        :param action: ``account.dunning.action`` (one)
        :return: the PDF, ``bytes``
        """
        action.ensure_one()
        action = action.sudo()
        key = self._get_pdf_key(action)
        # The customer reads the statement without any right on attachments.
        Attachment = self.env["ir.attachment"].sudo()
        kept = Attachment.search(
            [
                ("res_model", "=", action._name),
                ("res_id", "=", action.id),
                ("description", "=like", f"{STATEMENT_KEY}%"),
            ]
        )
        current = kept.filtered(lambda att: att.description == key)[:1]
        if current:
            return current.raw
        # The account as it stands today, like the page it is downloaded
        # from: days late counted to today, the letter dated today.
        today = fields.Date.context_today(self)
        pdf = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(action.company_id)
            .with_context(dunning_as_of=today)
            ._render_qweb_pdf(STATEMENT_REPORT, action.ids)[0]
        )
        # Yesterday's statement, or one before a payment, is of no use.
        kept.unlink()
        Attachment.create(
            {
                "name": self.env._(
                    "Statement of account %(date)s.pdf",
                    date=format_date(self.env, today),
                ),
                "description": key,
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": action._name,
                "res_id": action.id,
            }
        )
        return pdf

    @api.model
    def _get_pdf_key(self, action):
        """What the statement PDF of ``action`` depends on: the day, the
        language and the open items with their amounts (one query).

        :return: ``str`` for ``ir.attachment.description``
        """
        items = self._get_open_items(
            action.partner_id.commercial_partner_id, action.company_id
        )
        rows = sorted(
            (item.id, item.amount_residual, item.amount_residual_currency)
            for item in items
        )
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:32]
        today = fields.Date.context_today(self)
        return f"{STATEMENT_KEY} {today} {self.env.lang or ''} {digest}"

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
    def _get_item_line(self, item, date, instalment=None, claimed=None):
        """One row of the statement: ``item`` as the customer knows it.

        :param claimed: ``(amount in company currency, amount in the item's
            currency)`` claimed of it when less than its open amount (see
            ``account.move.line._dunning_claimable_amounts``), or None
        """
        open_company, open_currency = claimed or (
            item.amount_residual,
            item.amount_residual_currency,
        )
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
            "open": open_currency,
            "open_company": open_company,
            "days_late": max((date - due_date).days, 0) if due_date else 0,
        }

    @api.model
    def _get_open_moves(self, customer, company, move_types, order):
        """Posted moves of ``customer`` of ``move_types`` in ``company``
        still open: the invoices the payment order file lists and the
        portal offers to pay; those to be paid to a factor are the factor's
        to collect."""
        return self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("dunning_factor_id", "=", False),
                ("commercial_partner_id", "=", customer.id),
                ("move_type", "in", move_types),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order=order,
        )
