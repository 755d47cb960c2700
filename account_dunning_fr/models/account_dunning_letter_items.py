"""The items of the customer's account a dunning letter lists.

The action lists the customer's account (``action.line_ids``): the debit
items it claims and the credits it deducts. This model turns them into the
rows of the letter's table — each item with its legal amounts as of the
letter's date, its instalment and its reference —, the deductions, and the
totals per currency and in company currency
(``_get_account_values(action, date)``), which ``account.dunning.letter``
merges into what a letter prints. The statement of account reuses its
instalment positions, item references and per-currency totals. Items are
shown in their own currency; the claim and the legal amounts are in company
currency.
"""

from datetime import timedelta

from odoo import api, models

from ..tools.late_payment import public_moratorium_rate

# Public buyers pay moratorium interest within 45 days of the principal
# (CCP R2192-36).
PUBLIC_INTEREST_PAYMENT_DAYS = 45


class AccountDunningLetterItems(models.AbstractModel):
    _name = "account.dunning.letter.items"
    _description = "Dunning Letter Account Items"

    @api.model
    def _get_account_values(self, action, date):
        """Return the customer's account as the letter of ``action`` lists
        it on ``date``, as a dict.

        The letter states the customer's account as the action lists it
        (``action.line_ids``): the items claimed, the credits deducted, and
        the net claim.

        - ``lines``: one dict per debit item (invoice instalment, entry on
          the receivable account), oldest due first, amounts in the item's
          own currency and legal amounts as of the letter's date in company
          currency (see ``_get_item_line``); invoices the action names that
          were paid meanwhile are listed too, with nothing left to pay (the
          public buyer's moratorium interest is owed on them);
        - ``credits``: the credit notes, payments not yet matched and credit
          entries deducted, amounts negative (see ``_get_credit_line``);
        - ``currency_totals``: per currency, ``open`` (debits), ``credits``
          and ``net``, never added across currencies (see
          ``_get_currency_totals``);
        - ``total_open``: the net claim in company currency
          (``action.amount_due``), ``total_debit`` and ``total_credit`` its
          two parts; ``total_amount`` sums the items' original amounts;
          ``total_penalty``, ``total_indemnity`` and
          ``total_legal_interest`` sum the items', ``total_claimed`` adds
          them to the claim.

        The legal amounts follow the net position: the credits settle the
        oldest items first, as if they were matched, and an item they settle
        in full owes neither penalty nor indemnity (``covered``).
        """
        currency = action.company_id.currency_id
        customer = action.partner_id.commercial_partner_id
        # Moratorium interest is the French public buyers' (CCP R2192-31).
        public = (
            customer.dunning_debtor_type == "public"
            and action.company_id._dunning_french_law_applies()
        )
        debit_lines = action.line_ids.filtered(lambda line: not line.is_credit)
        credit_lines = action.line_ids.filtered("is_credit")
        # Snapshot of each item when the action was prepared (read again
        # right before it was executed): what the letter claims.
        opens = {
            line.move_line_id.id: (line.amount_residual_currency, line.amount_residual)
            for line in debit_lines
        }
        levels = {line.move_line_id.id: line.level_id for line in debit_lines}
        items = debit_lines.move_line_id | self._get_settled_items(
            action.move_ids - debit_lines.move_id
        )
        items = items.sorted(lambda i: (i._dunning_due_date(), i.move_id.name, i.id))
        amounts = self.env["account.dunning.legal"]._get_item_amounts(items, date)
        covered = self._get_covered_items(
            [(item, opens.get(item.id, (0.0, 0.0))[1]) for item in items],
            -sum(credit_lines.mapped("amount_residual")),
            currency,
        )
        instalments = self._get_instalment_positions(items)
        lines = [
            self._get_item_line(
                item,
                amounts[item.id],
                opens.get(item.id, (0.0, 0.0)),
                level=levels.get(item.id) or item.dunning_level_id,
                instalment=instalments.get(item.id),
                covered=item in covered,
                public=public,
                date=date,
            )
            for item in items
        ]
        credits = [
            self._get_credit_line(line)
            for line in credit_lines.sorted(
                lambda line: (line.move_line_id.date, line.move_id.name, line.id)
            )
        ]
        totals = {
            key: currency.round(sum(line[key] for line in lines))
            for key in (
                "amount_company",
                "open_company",
                "penalty",
                "indemnity",
                "legal_interest",
            )
        }
        total_open = currency.round(action.amount_due)
        claimed = currency.round(
            total_open
            + totals["penalty"]
            + totals["indemnity"]
            + totals["legal_interest"]
        )
        return {
            "lines": lines,
            "credits": credits,
            "currency_totals": self._get_currency_totals(lines, credits, currency),
            "total_amount": totals["amount_company"],
            "total_debit": totals["open_company"],
            "total_credit": currency.round(
                sum(line["open_company"] for line in credits)
            ),
            "total_open": total_open,
            "total_penalty": totals["penalty"],
            "total_indemnity": totals["indemnity"],
            "total_legal_interest": totals["legal_interest"],
            "total_claimed": claimed,
        }

    @api.model
    def _get_settled_items(self, moves):
        """Receivable debit items of ``moves`` with nothing left to pay: the
        invoices an action names once they are paid."""
        return moves.filtered(lambda m: m.state == "posted").line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and line.balance > 0
                and line.company_currency_id.is_zero(line.amount_residual)
            )
        )

    @api.model
    def _get_covered_items(self, debits, credit, currency):
        """Debit items the customer's credits settle in full.

        The credits are allocated to the oldest items first, as if they were
        matched; the item they reach last is only partly settled and keeps
        its own legal amounts.

        :param debits: ``[(item, open amount)]`` oldest due first, company
            currency
        :param credit: total of the open credits, positive, company currency
        :return: ``account.move.line`` recordset
        """
        covered = self.env["account.move.line"]
        for item, open_amount in debits:
            if currency.compare_amounts(open_amount, 0.0) <= 0:
                continue
            if currency.compare_amounts(credit, open_amount) < 0:
                break
            covered |= item
            credit -= open_amount
        return covered

    @api.model
    def _get_instalment_positions(self, items):
        """``{item id: (position, count)}`` for the items of invoices due in
        several instalments (one receivable debit line per due date)."""
        positions = {}
        invoices = items.move_id.filtered(
            lambda m: m.move_type in ("out_invoice", "out_receipt")
        )
        for move in invoices:
            dues = move.line_ids.filtered(
                lambda line: (
                    line.account_type == "asset_receivable" and line.balance > 0
                )
            ).sorted(lambda line: (line._dunning_due_date(), line.id))
            if len(dues) > 1:
                for index, due in enumerate(dues, start=1):
                    positions[due.id] = (index, len(dues))
        return positions

    @api.model
    def _get_item_reference(self, item):
        """How the customer knows ``item``: the number of its document, and
        a label for what has none of its own (an entry's wording, a
        payment's reference)."""
        move = item.move_id
        label = False
        kind = item._dunning_kind()
        if kind == "payment":
            label = (
                move.origin_payment_id.memo
                or move.statement_line_id.payment_ref
                or move.ref
            )
        elif kind == "entry":
            label = item.name or move.ref
        return move.name, (label if label != move.name else False)

    @api.model
    def _get_item_line(
        self,
        item,
        amounts,
        opens,
        level=None,
        instalment=None,
        covered=False,
        public=False,
        date=None,
    ):
        """One row of the table of items claimed.

        :param item: debit ``account.move.line``
        :param amounts: its legal amounts (``_get_item_amounts``)
        :param opens: ``(left to pay in its currency, in company currency)``
        :param level: ``account.dunning.level`` it stands at
        :param instalment: ``(position, count)`` or None
        :param covered: the customer's credits settle it in full: it owes no
            legal amount
        :param public: the debtor is a public buyer: its moratorium rate is
            shown
        :param date: ``datetime.date`` of the letter: an early-payment
            discount still open that day is stated (``discount``: see
            ``account.move.line._dunning_early_discount``, else False)
        """
        move = item.move_id
        number, label = self._get_item_reference(item)
        paid_date = False
        if item.company_currency_id.is_zero(item.amount_residual):
            paid_date = max(item.matched_credit_ids.mapped("max_date"), default=False)
        due_date = item._dunning_due_date()
        if covered:
            amounts = {
                **amounts,
                "penalty": 0.0,
                "indemnity": 0.0,
                "legal_interest": 0.0,
            }
        return {
            "item": item,
            "move": move,
            "kind": item._dunning_kind(),
            "number": number,
            "label": label,
            "instalment": instalment or False,
            "invoice_date": move.invoice_date or item.date,
            "due_date": due_date,
            "level": level.name if level else False,
            "currency": item.currency_id,
            "amount": item.amount_currency,
            "open": opens[0],
            "amount_company": item.balance,
            "open_company": opens[1],
            "covered": covered,
            "days_late": amounts["days_late"],
            "penalty": amounts["penalty"],
            "indemnity": amounts["indemnity"],
            "legal_interest": amounts["legal_interest"],
            "paid_date": paid_date,
            "public_rate": public and self._get_public_rate(due_date),
            "public_payment_due": paid_date
            and paid_date + timedelta(days=PUBLIC_INTEREST_PAYMENT_DAYS),
            "discount": (date and item._dunning_early_discount(date)) or False,
        }

    @api.model
    def _get_credit_line(self, line):
        """One deduction: a credit the customer holds
        (``account.dunning.action.line``), amounts negative."""
        item = line.move_line_id
        number, label = self._get_item_reference(item)
        return {
            "item": item,
            "move": item.move_id,
            "kind": line.kind,
            "number": number,
            "label": label,
            "date": item.move_id.invoice_date or item.date,
            "currency": line.currency_id,
            "amount": item.amount_currency,
            "open": line.amount_residual_currency,
            "open_company": line.amount_residual,
        }

    @api.model
    def _get_currency_totals(self, lines, credits, company_currency):
        """Totals per currency, company currency first: ``open`` (what the
        items leave to pay), ``credits`` (negative) and ``net``."""
        totals = {}
        for row, key in [(line, "open") for line in lines] + [
            (credit, "credits") for credit in credits
        ]:
            total = totals.setdefault(
                row["currency"],
                {"currency": row["currency"], "open": 0.0, "credits": 0.0},
            )
            total[key] += row["open"]
        result = []
        for currency, total in sorted(
            totals.items(), key=lambda t: (t[0] != company_currency, t[0].name)
        ):
            result.append(
                {
                    "currency": currency,
                    "open": currency.round(total["open"]),
                    "credits": currency.round(total["credits"]),
                    "net": currency.round(total["open"] + total["credits"]),
                }
            )
        return result

    @api.model
    def _get_public_rate(self, due_date):
        """Moratorium interest rate of a sum due on ``due_date`` (percent per
        year): ECB rate of the semester in which the interest started, plus
        8 points (CCP R2192-31)."""
        if not due_date:
            return 0.0
        rate = self.env["account.dunning.rate"]._get_rate_for_date(
            due_date + timedelta(days=1)
        )
        return public_moratorium_rate(rate.ecb_rate)
