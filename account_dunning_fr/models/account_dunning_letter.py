"""What the dunning letters print, computed once per action (SPEC §5).

The QWeb templates hold the wording; this file only gathers the figures they
show: the invoices with their legal amounts as of the letter's date, the
totals claimed, the penalty rate, the debtor type, the bank details, the
customer's whole open account for the statement and the payment plan
schedule. Amounts of the legal computation are in company currency.
"""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import formatLang

from .account_move_amounts import DUNNED_MOVE_TYPES, RECOVERY_INDEMNITY_EUR

STATEMENT_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")
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


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    # ------------------------------------------------------------------
    # Who and which letter
    # ------------------------------------------------------------------

    def _letter_recipient(self):
        """The person the letter is addressed to."""
        self.ensure_one()
        return self.contact_id or self.partner_id

    def _letter_lang(self):
        """Language the letter is written in: the recipient's, else the
        customer's, else the user's."""
        self.ensure_one()
        return (
            self._letter_recipient().lang
            or self.partner_id.commercial_partner_id.lang
            or self.env.lang
            or "en_US"
        )

    def _letter_type(self):
        """Letter printed for this action: a workflow may print another letter
        than its level's (a call confirmation recorded at any level)."""
        self.ensure_one()
        override = (
            self["letter_type_override"]
            if "letter_type_override" in self._fields
            else False
        )
        return override or self.letter_type or "first"

    def _get_mail_template(self):
        """Email template sent with the letter: the level's own, else the one
        written for the letter type, else the generic reminder."""
        self.ensure_one()
        letter_type = self._letter_type()
        level_template = self.level_id.mail_template_id
        if level_template and letter_type == (self.level_id.letter_type or "first"):
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

    def _letter_values(self):
        """Return everything the letter prints, as a dict.

        ``lines`` holds one dict per reminded invoice (oldest due first) with
        its amounts, days late and legal amounts as of the letter's date;
        the ``total_*`` keys sum them; ``debtor_type`` tells which legal
        paragraphs apply (professional, consumer or public).
        """
        self.ensure_one()
        date = self.date or fields.Date.context_today(self)
        company = self.company_id
        customer = self.partner_id.commercial_partner_id
        debtor_type = customer.dunning_debtor_type or "professional"
        moves = self.move_ids.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
        amounts = moves._dunning_amounts_batch(date)
        lines = [self._letter_line(move, amounts[move.id], date) for move in moves]
        totals = {
            key: company.currency_id.round(sum(line[key] for line in lines))
            for key in (
                "amount_company",
                "open_company",
                "penalty",
                "indemnity",
                "legal_interest",
            )
        }
        claimed = totals["open_company"] + totals["penalty"] + totals["indemnity"]
        claimed += totals["legal_interest"]
        values = {
            "date": date,
            "company": company,
            "customer": customer,
            "recipient": self._letter_recipient(),
            "debtor_type": debtor_type,
            "is_professional": debtor_type == "professional",
            "is_consumer": debtor_type == "consumer",
            "is_public": debtor_type == "public",
            "lines": lines,
            "currency": company.currency_id,
            "total_amount": totals["amount_company"],
            "total_open": totals["open_company"],
            "total_penalty": totals["penalty"],
            "total_indemnity": totals["indemnity"],
            "total_legal_interest": totals["legal_interest"],
            "total_claimed": company.currency_id.round(claimed),
            "indemnity_count": sum(1 for line in lines if line["indemnity"]),
            "indemnity_unit": RECOVERY_INDEMNITY_EUR,
            "penalty_rate_label": self._letter_penalty_rate_label(
                lines, debtor_type, date
            ),
            "bank": self._letter_bank_account(),
            "place": company.dunning_signature_place or company.city or "",
            "deadline": self._letter_deadline(date),
            "previous_dates": self._letter_previous_dates(),
            "handled_by": self._letter_handled_by(),
            "shows_penalties": debtor_type != "consumer"
            and bool(totals["penalty"] or totals["indemnity"]),
        }
        values["amount_in_words"] = self._letter_amount_in_words(
            values["total_claimed"]
        )
        return values

    def _letter_deadline(self, date):
        """Payment deadline announced, as a date: the one recorded on the
        action, else the level's number of days from the letter's date."""
        self.ensure_one()
        if self.deadline_date:
            return self.deadline_date
        days = self.level_id.payment_deadline_days
        return days and date + timedelta(days=days)

    def _letter_line(self, move, amounts, date):
        """One row of the invoice table."""
        sign = -1 if move.move_type == "out_refund" else 1
        paid_date = False
        if move.currency_id.is_zero(move.amount_residual):
            partials = move.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).matched_credit_ids
            paid_date = max(partials.mapped("max_date"), default=False)
        return {
            "move": move,
            "number": move.name,
            "invoice_date": move.invoice_date,
            "due_date": move.invoice_date_due,
            "currency": move.currency_id,
            "amount": sign * move.amount_total,
            "open": sign * move.amount_residual,
            "amount_company": move.amount_total_signed,
            "open_company": move.amount_residual_signed,
            "days_late": amounts["days_late"],
            "penalty": amounts["penalty"],
            "indemnity": amounts["indemnity"],
            "legal_interest": amounts["legal_interest"],
            "paid_date": paid_date,
            "public_rate": self._letter_public_rate(move),
            "public_payment_due": paid_date
            and paid_date + timedelta(days=PUBLIC_INTEREST_PAYMENT_DAYS),
        }

    def _letter_public_rate(self, move):
        """Moratorium interest rate of an invoice: ECB rate of the semester
        in which the interest started, plus 8 points (CCP R2192-31)."""
        if not move.invoice_date_due:
            return 0.0
        start = move.invoice_date_due + timedelta(days=1)
        return self.env["account.dunning.rate"]._get_rate_for_date(start).public_rate

    def _letter_penalty_rate_label(self, lines, debtor_type, date):
        """Annual rate(s) printed beside the penalties, in the letter's
        language: one rate per semester when a long delay spans several."""
        late = [line for line in lines if line["days_late"] and line["due_date"]]
        if not late or debtor_type == "consumer":
            return ""
        if debtor_type == "public":
            rates = [line["public_rate"] for line in late]
        else:
            Rate = self.env["account.dunning.rate"]
            Move = self.env["account.move"]
            get_rate = Rate._get_rate_getter()
            first = min(line["due_date"] for line in late) + timedelta(days=1)
            semester = Rate._semester_start(first)
            rates = []
            while semester <= date:
                rates.append(
                    Move._dunning_penalty_rate(self.company_id, get_rate(semester))
                )
                semester = semester.replace(
                    year=semester.year + (semester.month == 7),
                    month=1 if semester.month == 7 else 7,
                )
        labels = []
        for rate in rates:
            label = formatLang(self.env, rate, digits=2)
            if label not in labels:
                labels.append(label)
        return " / ".join(f"{label}\N{NO-BREAK SPACE}%" for label in labels)

    def _letter_bank_account(self):
        company = self.company_id
        return company.dunning_bank_account_id or company.partner_id.bank_ids[:1]

    def _letter_amount_in_words(self, amount):
        return self.currency_id.with_context(lang=self._letter_lang()).amount_to_text(
            amount
        )

    def _letter_previous_dates(self):
        """Dates of the reminders already sent for these invoices."""
        self.ensure_one()
        if not self.move_ids:
            return []
        previous = self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("state", "=", "done"),
                ("move_ids", "in", self.move_ids.ids),
                ("date", "<", self.date),
                "|",
                ("channel_email", "=", True),
                "|",
                ("channel_letter", "=", True),
                ("channel_registered", "=", True),
            ],
            order="date",
        )
        return sorted(set(previous.mapped("date")))

    def _letter_handled_by(self):
        """The accountant the customer may call about this letter."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        user = partner.dunning_followup_user_id or self.user_id
        # The daily run executes as OdooBot: nobody the customer can call.
        if user and user._is_superuser():
            user = self.env["res.users"]
        return user

    def _letter_statement_values(self):
        """The customer's whole open account, for the statement of account:
        every posted customer invoice and credit note still open, in the
        company, whatever the action reminds."""
        self.ensure_one()
        date = self.date or fields.Date.context_today(self)
        customer = self.partner_id.commercial_partner_id
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", customer.id),
                ("move_type", "in", STATEMENT_MOVE_TYPES),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, invoice_date, id",
        )
        amounts = moves.filtered(
            lambda m: m.move_type in DUNNED_MOVE_TYPES
        )._dunning_amounts_batch(date)
        lines = []
        for move in moves:
            move_amounts = amounts.get(move.id) or move._dunning_empty_amounts()
            lines.append(self._letter_line(move, move_amounts, date))
        currency = self.company_id.currency_id
        balance = sum(line["open_company"] for line in lines)
        overdue = sum(
            line["open_company"]
            for line in lines
            if line["move"].move_type in DUNNED_MOVE_TYPES
            and line["due_date"]
            and line["due_date"] < date
        )
        return {
            "lines": lines,
            "balance": currency.round(balance),
            "overdue": currency.round(overdue),
        }

    def _letter_promise(self):
        """What the customer promised on the phone: from the action, else
        from its invoices."""
        self.ensure_one()
        moves = self.move_ids
        promise_date = (
            self["promise_date"] if "promise_date" in self._fields else False
        ) or max(
            (d for d in moves.mapped("dunning_promise_date") if d),
            default=False,
        )
        promise_amount = (
            self["promise_amount"] if "promise_amount" in self._fields else 0.0
        ) or sum(moves.mapped("dunning_promise_amount"))
        means = False
        if "promise_means" in self._fields and self.promise_means:
            selection = dict(
                self._fields["promise_means"]._description_selection(
                    self.with_context(lang=self._letter_lang()).env
                )
            )
            means = selection.get(self.promise_means)
        return {"date": promise_date, "amount": promise_amount, "means": means}

    def _letter_payment_plan(self):
        """The payment plan the agreement letter prints, if any."""
        self.ensure_one()
        if "payment_plan_id" not in self._fields:
            return False
        return self.payment_plan_id
