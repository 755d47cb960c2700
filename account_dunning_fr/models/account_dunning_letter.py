"""What the dunning letters print, computed once per action (SPEC §5).

The QWeb templates hold the wording and ask this model for the figures they
show (``o.env["account.dunning.letter"]._get_values(o)``): the items of the
customer's account the action claims, each with its legal amounts as of the
letter's date, the credits deducted, the totals per currency and the net
claim, the penalty rate, the debtor type, the bank details, the promise and
the payment plan. It also says which report prints an action and which email
carries it. Items are shown in their own currency; the claim and the legal
amounts are in company currency.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import formatLang

from ..tools.late_payment import RECOVERY_INDEMNITY_EUR, public_moratorium_rate
from ..tools.semesters import semester_starts

# Public buyers pay moratorium interest within 45 days of the principal
# (CCP R2192-36).
PUBLIC_INTEREST_PAYMENT_DAYS = 45

# Letter type -> email template sent with it when its level names none.
LETTER_MAIL_TEMPLATES = {
    "pre_due": "account_dunning_fr.mail_template_dunning_pre_due",
    "formal_notice": "account_dunning_fr.mail_template_dunning_formal_notice",
    "call_confirmation": "account_dunning_fr.mail_template_dunning_call_confirmation",
    "payment_plan": "account_dunning_fr.mail_template_dunning_payment_plan",
    "delivery_suspension": (
        "account_dunning_fr.mail_template_dunning_delivery_suspension"
    ),
    "statement": "account_dunning_fr.mail_template_dunning_statement",
    "public_moratorium": "account_dunning_fr.mail_template_dunning_public_moratorium",
}


class AccountDunningLetter(models.AbstractModel):
    _name = "account.dunning.letter"
    _description = "Dunning Letter Content"

    # ------------------------------------------------------------------
    # Which letter, to whom, in which language
    # ------------------------------------------------------------------

    @api.model
    def _get_letter_type(self, action):
        """Letter printed for ``action``: a workflow may print another letter
        than its level's (a call confirmation recorded at any level)."""
        return action.letter_type_override or action.letter_type or "first"

    @api.model
    def _get_report(self, letter_type):
        """The ``ir.actions.report`` printing ``letter_type`` (one per type)."""
        return self.env.ref(f"account_dunning_fr.report_dunning_letter_{letter_type}")

    @api.model
    def _get_title(self, action):
        """Name of the letter, in the context's language: the level's name,
        else the letter type's label."""
        if action.level_id and not action.letter_type_override:
            return action.level_id.name
        labels = dict(
            action._fields["letter_type_override"]._description_selection(action.env)
        )
        return labels[self._get_letter_type(action)]

    @api.model
    def _get_recipient(self, action):
        """The person the letter is addressed to."""
        return action.contact_id or action.partner_id

    @api.model
    def _get_address(self, action):
        """Whose postal address the letter carries: the recipient's own, else
        the customer's, the letter then being for the recipient's attention."""
        address = self.env["account.dunning.recipient"]._get_channel_recipient(
            action.partner_id, "letter", preferred=self._get_recipient(action)
        )[1]
        return address or action.partner_id.commercial_partner_id

    @api.model
    def _get_lang(self, action):
        """Language the letter is written in: the recipient's, else the
        customer's, else the user's."""
        return (
            self._get_recipient(action).lang
            or action.partner_id.commercial_partner_id.lang
            or self.env.lang
            or "en_US"
        )

    @api.model
    def _get_mail_template(self, action):
        """Email template sent with the letter: the level's own, else the one
        written for the letter type, else the generic reminder."""
        letter_type = self._get_letter_type(action)
        level_template = action.level_id.mail_template_id
        if level_template and letter_type == (action.level_id.letter_type or "first"):
            return level_template
        xmlid = LETTER_MAIL_TEMPLATES.get(letter_type)
        template = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        return (
            template
            or level_template
            or self.env.ref("account_dunning_fr.mail_template_dunning_action")
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.model
    def _get_values(self, action):
        """Return everything the letter of ``action`` prints, as a dict.

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
          and ``net``, never added across currencies;
        - ``total_open``: the net claim in company currency
          (``action.amount_due``), ``total_debit`` and ``total_credit`` its
          two parts; ``total_penalty``, ``total_indemnity`` and
          ``total_legal_interest`` sum the items', ``total_claimed`` adds
          them to the claim;
        - ``debtor_type`` tells which legal paragraphs apply (professional,
          consumer, public).

        The legal amounts follow the net position: the credits settle the
        oldest items first, as if they were matched, and an item they settle
        in full owes neither penalty nor indemnity (``covered``).
        """
        date = action.date or fields.Date.context_today(self)
        company = action.company_id
        currency = company.currency_id
        customer = action.partner_id.commercial_partner_id
        debtor_type = customer.dunning_debtor_type or "professional"
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
        items = items.sorted(
            lambda i: (i.date_maturity or i.date, i.move_id.name, i.id)
        )
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
                public=debtor_type == "public",
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
        currency_totals = self._get_currency_totals(lines, credits, currency)
        return {
            "date": date,
            "company": company,
            "customer": customer,
            "recipient": self._get_recipient(action),
            "address": self._get_address(action),
            "debtor_type": debtor_type,
            "is_professional": debtor_type == "professional",
            "is_consumer": debtor_type == "consumer",
            "is_public": debtor_type == "public",
            "lines": lines,
            "credits": credits,
            "currency": currency,
            "currency_totals": currency_totals,
            # One total row is enough when everything is in company currency
            # and nothing is deducted.
            "single_total": not credits
            and all(total["currency"] == currency for total in currency_totals),
            "has_foreign_currency": any(
                total["currency"] != currency for total in currency_totals
            ),
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
            "amount_in_words": self._get_amount_in_words(action, claimed),
            "indemnity_count": sum(1 for line in lines if line["indemnity"]),
            "indemnity_unit": RECOVERY_INDEMNITY_EUR,
            "penalty_rate_label": self._get_penalty_rate_label(
                company, lines, debtor_type, date
            ),
            "bank": company.dunning_bank_account_id or company.partner_id.bank_ids[:1],
            "place": company.dunning_signature_place or company.city or "",
            "deadline": self._get_deadline(action, date),
            "previous_dates": self._get_previous_dates(action),
            "handled_by": self._get_handled_by(action),
            "shows_penalties": debtor_type != "consumer"
            and bool(totals["penalty"] or totals["indemnity"]),
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
            ).sorted(lambda line: (line.date_maturity or line.date, line.id))
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
        """
        move = item.move_id
        number, label = self._get_item_reference(item)
        paid_date = False
        if item.company_currency_id.is_zero(item.amount_residual):
            paid_date = max(item.matched_credit_ids.mapped("max_date"), default=False)
        due_date = item.date_maturity or move.invoice_date_due or item.date
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
    def _get_deadline(self, action, date):
        """Payment deadline announced, as a date: the one recorded on the
        action, else the level's number of days from the letter's date."""
        if action.deadline_date:
            return action.deadline_date
        days = action.level_id.payment_deadline_days
        return days and date + timedelta(days=days)

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

    @api.model
    def _get_penalty_rate_label(self, company, lines, debtor_type, date):
        """Annual rate(s) printed beside the penalties, in the letter's
        language: one rate per semester when a long delay spans several."""
        late = [
            line
            for line in lines
            if line["days_late"] and line["due_date"] and not line["covered"]
        ]
        if not late or debtor_type == "consumer":
            return ""
        if debtor_type == "public":
            rates = [line["public_rate"] for line in late]
        else:
            get_rate = self.env["account.dunning.rate"]._get_rate_getter()
            first = min(line["due_date"] for line in late) + timedelta(days=1)
            Legal = self.env["account.dunning.legal"]
            rates = [
                Legal._get_penalty_rate(company, get_rate(semester))
                for semester in semester_starts(first, date)
            ]
        labels = []
        for rate in rates:
            label = formatLang(self.env, rate, digits=2)
            if label not in labels:
                labels.append(label)
        return " / ".join(f"{label}\N{NO-BREAK SPACE}%" for label in labels)

    @api.model
    def _get_amount_in_words(self, action, amount):
        currency = action.company_id.currency_id
        return currency.with_context(lang=self._get_lang(action)).amount_to_text(amount)

    @api.model
    def _get_previous_dates(self, action):
        """Dates of the written reminders already sent for these invoices."""
        if not action.move_ids:
            return []
        previous = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", action.partner_id.id),
                ("state", "=", "done"),
                ("move_ids", "in", action.move_ids.ids),
                ("date", "<", action.date),
                "|",
                ("channel_email", "=", True),
                "|",
                ("channel_letter", "=", True),
                ("channel_registered", "=", True),
            ],
            order="date",
        )
        return sorted(set(previous.mapped("date")))

    @api.model
    def _get_handled_by(self, action):
        """The accountant the customer may call about this letter."""
        partner = action.partner_id.commercial_partner_id.with_company(
            action.company_id
        )
        user = partner.dunning_followup_user_id or action.user_id
        # The daily run executes as OdooBot: nobody the customer can call.
        if user and user._is_superuser():
            user = self.env["res.users"]
        return user

    @api.model
    def _get_promise(self, action):
        """What the customer promised on the phone: from the action, else
        from its invoices."""
        moves = action.move_ids
        promise_date = action.promise_date or max(
            (d for d in moves.mapped("dunning_promise_date") if d), default=False
        )
        promise_amount = action.promise_amount or sum(
            moves.mapped("dunning_promise_amount")
        )
        means = False
        if action.promise_means:
            env = action.with_context(lang=self._get_lang(action)).env
            selection = dict(
                action._fields["promise_means"]._description_selection(env)
            )
            means = selection.get(action.promise_means)
        return {"date": promise_date, "amount": promise_amount, "means": means}
