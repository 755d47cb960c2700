"""Log the outcome of a dunning call or customer visit.

"Note the date, the time, who you called and what was said; never hang up
without agreeing on the next call": every outcome becomes a done dunning
action, a promise pauses the reminders, a dispute blocks the invoices.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date, format_datetime

from ..tools.vocabularies import (
    CALL_OUTCOMES,
    DELAY_REASONS,
    PAYMENT_MEANS,
)

# When nobody answered, try again after this many days.
RETRY_CALL_DAYS = 2


class AccountDunningCall(models.TransientModel):
    _name = "account.dunning.call"
    _inherit = "account.dunning.customer.wizard"
    _description = "Dunning Call or Visit Outcome"

    kind = fields.Selection(
        [("call", "Phone call"), ("visit", "Visit")], required=True, default="call"
    )
    action_id = fields.Many2one("account.dunning.action", string="From Action")
    contact_id = fields.Many2one(
        "res.partner",
        string="Person Reached",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    move_ids = fields.Many2many(
        help="Invoices discussed; all the customer's overdue invoices when empty.",
    )
    call_datetime = fields.Datetime(
        string="Date and Time", required=True, default=fields.Datetime.now
    )
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    delay_reason = fields.Selection(DELAY_REASONS, string="Reason for the Delay")
    dispute_reason = fields.Char(string="What Is Disputed")
    promise_date = fields.Date(string="Promised Payment Date")
    promise_amount = fields.Monetary(
        string="Promised Amount", help="The whole open amount when left empty."
    )
    promise_means = fields.Selection(PAYMENT_MEANS, string="Payment Means")
    next_call_date = fields.Date(string="Next Call")
    notes = fields.Text(string="What Was Said")
    voicemail_text = fields.Text(
        string="Suggested Voicemail", compute="_compute_voicemail_text", readonly=False
    )
    send_confirmation = fields.Boolean(
        string="Send a Confirmation Email",
        help="Email the customer a letter recapping what was agreed.",
    )

    @api.depends("partner_id", "action_id")
    def _compute_move_ids(self):
        for wizard in self:
            if wizard.action_id:
                # Salespeople read the action, not the invoices behind it.
                moves = wizard.action_id.sudo().move_ids
            else:
                moves = wizard._get_overdue_moves()
            wizard.move_ids = [Command.set(moves.ids)]

    @api.depends("move_ids", "partner_id")
    def _compute_amount_open(self):
        for wizard in self:
            # Salespeople see the amounts their customer owes, read-only.
            wizard.amount_open = wizard._get_moves().sudo()._dunning_open_amount()

    @api.depends("outcome", "partner_id", "move_ids", "contact_id")
    def _compute_voicemail_text(self):
        for wizard in self:
            if wizard.outcome != "not_reached" or not wizard.partner_id:
                wizard.voicemail_text = False
                continue
            wizard.voicemail_text = wizard._get_voicemail_text()

    def _get_voicemail_text(self):
        """A factual message: the invoices, their amounts and due dates, who
        is calling and how to call back, nothing else."""
        self.ensure_one()
        user = self.env.user
        lang = (self.contact_id or self.partner_id).lang or self.env.lang
        env_lang = self.with_context(lang=lang).env
        # Salespeople leave the message without access to the invoices.
        moves = self._get_moves().sudo()
        lines = []
        for move in moves:
            # The figure the caller reads on the form, and the reminders
            # claim: company currency.
            amount = format_amount(
                env_lang, move._dunning_open_amount(), self.currency_id
            )
            lines.append(
                env_lang._(
                    "invoice %(number)s of %(date)s, %(amount)s, due on %(due)s",
                    number=move.name,
                    date=format_date(env_lang, move.invoice_date),
                    amount=amount,
                    due=format_date(env_lang, move.invoice_date_due),
                )
            )
        return env_lang._(
            "Hello, this is %(user)s from %(company)s, about %(invoices)s. "
            "Please call me back on %(phone)s. Thank you.",
            user=user.name,
            company=self.company_id.name,
            invoices="; ".join(lines) or env_lang._("your account"),
            phone=user.phone or self.company_id.phone or "",
        )

    def _get_overdue_moves(self):
        # Salespeople log calls without accounting rights (checked on confirm).
        return super(AccountDunningCall, self.sudo())._get_overdue_moves()

    def _get_moves(self):
        self.ensure_one()
        return self.move_ids or self._get_overdue_moves()

    # ---------------------------------------------------------------- actions
    def action_confirm(self):
        """Record the call or visit as a done action, with its effects: a
        promise pauses the reminders, a dispute blocks the invoices (an
        accountant's decision: a salesperson's report goes to the follow-up
        responsible), the next call is scheduled."""
        self.ensure_one()
        self._check_may_log(self.partner_id)
        self._check_outcome()
        moves = self._get_moves()
        action = self._create_outcome_action(moves)
        if self.promise_date:
            # The whole open amount, which a salesperson may not read directly.
            amount = self.promise_amount or moves.sudo()._dunning_open_amount()
            self.env["account.dunning.promise"]._record(
                moves, self.promise_date, amount, action
            )
        dispute = self.env["account.dunning.dispute"]
        if self.outcome == "reached" and self.delay_reason == "dispute":
            if self.env.user.has_group("account.group_account_invoice"):
                dispute = self._open_dispute(moves)
            else:
                self._report_dispute(action)
        if self.outcome == "reached":
            self._record_answer(action, moves, dispute)
        self._schedule_next_call(action)
        self._close_origin_activities()
        if self.send_confirmation and self.outcome == "reached":
            self._send_confirmation(action, moves)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _user_may_log(self, partner):
        """Accountants, and the customer's own salesperson, who often
        learns first what blocks the payment."""
        user = self.env.user
        return bool(
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user in (partner.commercial_partner_id.user_id, partner.user_id)
        )

    @api.model
    def _check_may_log(self, partner):
        if not self._user_may_log(partner):
            raise AccessError(
                self.env._(
                    "Only accountants and the customer's salesperson can log calls "
                    "and visits for %(customer)s.",
                    customer=partner.commercial_partner_id.display_name,
                )
            )

    @api.model
    def _open_for(self, partner, kind, action=None):
        """The wizard to log a call or a visit (``kind``) with ``partner``,
        from a dunning ``action`` or not."""
        partner.ensure_one()
        self._check_may_log(partner)
        context = {
            "default_kind": kind,
            "default_partner_id": partner.commercial_partner_id.id,
        }
        if action:
            context["default_action_id"] = action.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Visit")
            if kind == "visit"
            else self.env._("Log a Call"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _check_outcome(self):
        today = fields.Date.context_today(self)
        if self.outcome == "reached" and not self.next_call_date:
            raise UserError(
                self.env._(
                    "Never hang up without agreeing on the next call: set the "
                    "next call date."
                )
            )
        if self.next_call_date and self.next_call_date < today:
            raise UserError(self.env._("The next call must be today or later."))
        if self.promise_date and self.outcome != "reached":
            raise UserError(
                self.env._(
                    "A promise can only be recorded when the customer was reached."
                )
            )
        if self.promise_date and self.promise_date < today:
            raise UserError(self.env._("The promised payment date is already past."))
        if self.promise_amount < 0:
            raise UserError(self.env._("The promised amount cannot be negative."))
        if not self._get_moves():
            raise UserError(
                self.env._(
                    "%(customer)s has no overdue invoice.",
                    customer=self.partner_id.name,
                )
            )

    def _create_outcome_action(self, moves):
        # The action, its messages and activities are the evidence file,
        # written by the run and the accountants: the customer's salesperson
        # (checked by _check_may_log) writes there through this wizard only.
        Action = self.env["account.dunning.action"].sudo()
        vals = Action.env["account.dunning.planning"]._prepare_action_vals(
            self.partner_id,
            moves.sudo(),
            fields.Date.context_today(self),
            level=None,
            company_id=self.company_id.id,
            contact_id=self.contact_id.id,
            level_id=self.action_id.level_id.id,
            state="done",
            user_id=self.env.uid,
            create_call=self.kind == "call",
            create_visit=self.kind == "visit",
            dunning_workflow=self.kind,
            call_datetime=self.call_datetime,
            call_outcome=self.outcome,
            call_delay_reason=self.delay_reason,
            next_call_date=self.next_call_date,
            promise_date=self.promise_date,
            promise_amount=self.promise_amount,
            promise_means=self.promise_means,
            deadline_date=self.promise_date,
            notes=self._get_notes_html(),
        )
        action = Action.create(vals)
        action._post_history(self._get_summary())
        return action

    def _get_summary(self):
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        return self.env._(
            "%(kind)s with %(who)s: %(outcome)s.",
            kind=kind,
            who=(self.contact_id or self.partner_id).display_name,
            outcome=labels[self.outcome],
        )

    def _get_notes_html(self):
        """Date, time, who, what was said: the evidence of the call."""

        def label(fname):
            value = self[fname]
            if not value:
                return ""
            field = self._fields[fname]
            if field.type == "selection":
                return dict(field._description_selection(self.env))[value]
            # Dates and amounts as the reader of the chatter reads them.
            if field.type == "datetime":
                return format_datetime(self.env, value, dt_format="short")
            if field.type == "date":
                return format_date(self.env, value)
            if field.type == "monetary":
                return format_amount(self.env, value, self.currency_id)
            return str(value)

        rows = [
            (self.env._("When"), label("call_datetime")),
            (self.env._("Called by"), self.env.user.name),
            (
                self.env._("Person reached"),
                (self.contact_id or self.partner_id).display_name,
            ),
            (self.env._("Outcome"), label("outcome")),
            (self.env._("Reason for the delay"), label("delay_reason")),
            (self.env._("Promised date"), label("promise_date")),
            (self.env._("Promised amount"), label("promise_amount")),
            (self.env._("Payment means"), label("promise_means")),
            (self.env._("Next call"), label("next_call_date")),
            (self.env._("What was said"), self.notes or ""),
            (self.env._("Voicemail left"), self.voicemail_text or ""),
        ]
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li><b>%s:</b> %s</li>") % (name, value)
            for name, value in rows
            if value
        )

    def _record_answer(self, action, moves, dispute):
        """What the customer said when reached, kept among their answers
        beside the call itself (a reminder of ours). A promise or a dispute
        re-checks what is pending for those invoices, as it would from the
        portal; an answer logged by the salesperson waits to be read by the
        accountants.

        :param action: the done ``account.dunning.action`` of the call
        :param dispute: the ``account.dunning.dispute`` opened, or empty
        :return: the ``account.dunning.answer`` created
        """
        company = self.company_id
        vals = {
            "company_id": company.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "kind": "call",
            "source": "phone" if self.kind == "call" else "visit",
            "author_id": (self.contact_id or self.partner_id).id,
            "user_id": self.env.uid,
            "date": fields.Date.context_today(self),
            "move_ids": [Command.set(moves.ids)],
            "text": self.notes or self._get_summary(),
            "action_id": action.id,
            "dispute_id": dispute.id,
            "promise_date": self.promise_date,
            "promise_amount": self.promise_amount if self.promise_date else 0.0,
            "state": "read"
            if self.env.user.has_group("account.group_account_invoice")
            else "to_read",
        }
        # Salespeople record the answers they hear through this wizard only.
        answer = self.env["account.dunning.answer"].sudo().create(vals)
        return answer

    def _open_dispute(self, moves):
        return self.env["account.dunning.dispute"].create(
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "move_ids": [Command.set(moves.ids)],
                "reason": self.dispute_reason
                or self.notes
                or self.env._("Reported on a call"),
                "user_id": (
                    self.env["account.dunning.send"]._pick_user(
                        self.company_id,
                        self.partner_id.with_company(
                            self.company_id
                        ).dunning_followup_user_id,
                    )
                    or self.env.user
                ).id,
                "review_date": self.next_call_date,
            }
        )

    def _report_dispute(self, action):
        """A salesperson heard of a dispute: the follow-up responsible
        decides whether to open it (blocking invoices is theirs to do)."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        user = self.env["account.dunning.send"]._pick_user(
            self.company_id, partner.dunning_followup_user_id
        )
        action.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            user_id=user.id or self.env.uid,
            summary=self.env._("Dispute reported by the salesperson"),
            note=self.dispute_reason or self.notes or "",
        )

    def _schedule_next_call(self, action):
        date = self.next_call_date or fields.Date.context_today(self) + timedelta(
            days=RETRY_CALL_DAYS
        )
        if self.outcome == "wrong_number" and not self.next_call_date:
            return
        activity_type = self.env.ref(
            "account_dunning_fr.mail_activity_type_dunning_call"
        )
        note = Markup("<p>%s</p>") % self.voicemail_text if self.voicemail_text else ""
        action.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=date,
            user_id=self.env.uid,
            summary=f"{activity_type.name} – {self.partner_id.display_name}",
            note=note,
        )

    def _close_origin_activities(self):
        if not self.action_id:
            return
        types = self.env.ref(
            "account_dunning_fr.mail_activity_type_dunning_call"
        ) | self.env.ref("account_dunning_fr.mail_activity_type_dunning_visit")
        # Closing the activity posts on the action (see _create_outcome_action).
        activities = self.action_id.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id in types or a.activity_category == "phonecall"
        )
        if activities:
            activities.action_feedback(feedback=self._get_summary())

    def _send_confirmation(self, call_action, moves):
        """Email the customer the call-confirmation letter."""
        # Same evidence file as the call itself (see _create_outcome_action).
        Action = self.env["account.dunning.action"].sudo()
        vals = Action.env["account.dunning.planning"]._prepare_action_vals(
            call_action.partner_id,
            moves.sudo(),
            call_action.date,
            company_id=self.company_id.id,
            contact_id=(self.contact_id or call_action.partner_id).id,
            level_id=call_action.level_id.id,
            deadline_date=self.promise_date or self.next_call_date,
            send_email=True,
            dunning_workflow="confirmation",
            letter_type_override="call_confirmation",
            call_datetime=self.call_datetime,
            call_outcome=self.outcome,
            promise_date=self.promise_date,
            promise_amount=call_action.promise_amount,
            promise_means=self.promise_means,
            next_call_date=self.next_call_date,
        )
        confirmation = Action.create(vals)
        confirmation._carry_out()
        return confirmation
