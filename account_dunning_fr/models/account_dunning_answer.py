"""The customer's answer: what a customer said or did about their invoices.

A promise, a dispute, a payment left under way by the payment provider, an
email replying to a reminder, the outcome of a call: each is an event of its
own, kept apart from the reminders (an answer is not a reminder sent at a
level). An answer is read by the accountant, and it re-checks at once what
was still pending for that customer: a proposal or a letter waiting for the
post room that claims only invoices the answer covers is withdrawn, with the
answer as its reason; one that also claims other invoices is flagged, for a
person to choose. The invoices the answer covers are then held, each kind as
long as it says (``hold_until``, read by the planning through the invoices'
``dunning_hold_date``).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..tools.vocabularies import ANSWER_KINDS, ANSWER_SOURCES

# A payment left pending by its provider holds the reminders until the
# provider confirms or fails it; a bank transfer announced online and never
# made must not stop them for good, so the hold ends after this many days.
PAYMENT_UNDER_WAY_HOLD_DAYS = 30

# Transaction states in which the money is on its way (payment.transaction).
PAYMENT_UNDER_WAY_STATES = ("pending", "authorized")


class AccountDunningAnswer(models.Model):
    _name = "account.dunning.answer"
    _description = "Dunning Customer Answer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    kind = fields.Selection(ANSWER_KINDS, required=True, index=True)
    source = fields.Selection(ANSWER_SOURCES, required=True)
    author_id = fields.Many2one(
        "res.partner", help="Who answered: the customer's contact."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        help="The employee who recorded the answer, when it came through them.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_answer_move_rel",
        "answer_id",
        "move_id",
        string="Invoices",
        check_company=True,
        help="The invoices the answer is about.",
    )
    text = fields.Text(help="What the customer said, as plain text.")
    state = fields.Selection(
        [("to_read", "To read"), ("read", "Read")],
        default="to_read",
        required=True,
        index=True,
    )
    hold_until = fields.Date(
        string="Reminders Held Until",
        help="Last day the automatic reminders of these invoices wait because "
        "of this answer; empty when the answer holds nothing by itself (a "
        "dispute holds its invoices until it is resolved).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    promise_date = fields.Date(string="Promised Date", readonly=True)
    promise_amount = fields.Monetary(string="Promised Amount", readonly=True)
    action_id = fields.Many2one(
        "account.dunning.action",
        string="Reminder Answered",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    dispute_id = fields.Many2one("account.dunning.dispute", ondelete="set null")
    transaction_id = fields.Many2one(
        "payment.transaction", string="Payment Transaction", ondelete="set null"
    )
    message_id = fields.Many2one(
        "mail.message", string="Email Received", ondelete="set null"
    )
    withdrawn_action_ids = fields.One2many(
        "account.dunning.action",
        "answer_id",
        string="Reminders Concerned",
        help="Proposals and letters waiting for the post room that this "
        "answer withdrew or flagged.",
    )

    @api.depends("kind", "partner_id", "date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for answer in self:
            answer.display_name = self.env._(
                "%(kind)s of %(customer)s, %(date)s",
                kind=kinds.get(answer.kind, ""),
                customer=answer.partner_id.name or "",
                date=format_date(self.env, answer.date),
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "hold_until" not in vals:
                vals["hold_until"] = self._default_hold_until(vals)
        answers = super().create(vals_list)
        # What a customer says on the phone without promising or disputing
        # ("cash is short") changes none of the reminders prepared.
        answers.filtered(
            lambda a: a.kind != "call" or a.promise_date or a.dispute_id
        )._recheck_pending()
        return answers

    # ------------------------------------------------------------------ actions
    def action_mark_read(self):
        self.write({"state": "read"})
        return True

    def action_mark_to_read(self):
        self.write({"state": "to_read"})
        return True

    # --------------------------------------------------------- business methods
    @api.model
    def _default_hold_until(self, vals):
        """How long an answer holds its invoices, by kind: a promise (from
        the portal, or heard on a call) until its date plus the grace period
        (the promise itself holds them the same way), a reply for the
        company's setting of days, a payment under way until its provider
        answers (at most ``PAYMENT_UNDER_WAY_HOLD_DAYS``); a dispute, and a
        call without a promise, hold nothing by themselves.

        :param vals: the values the answer is created with
        :return: ``datetime.date`` or False
        """
        company = self.env["res.company"].browse(vals.get("company_id")) or (
            self.env.company
        )
        day = fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
        kind = vals.get("kind")
        # A promise, made on the portal or during a call.
        if vals.get("promise_date"):
            return fields.Date.to_date(vals["promise_date"]) + timedelta(
                days=company.dunning_promise_grace_days
            )
        if kind == "reply":
            return day + timedelta(days=company.dunning_reply_hold_days)
        if kind == "payment":
            return day + timedelta(days=PAYMENT_UNDER_WAY_HOLD_DAYS)
        return False

    def _recheck_pending(self):
        """What was still pending for the customer, read again after their
        answer: a proposal, or a letter waiting for the post room, that
        claims invoices the answer covers no longer says the right thing.
        When the answer covers all it claims, it is withdrawn with the
        answer as its reason; when it claims other invoices too, it is
        flagged with the answer and waits for a person to choose."""
        Action = self.env["account.dunning.action"].sudo()
        Send = self.env["account.dunning.send"].sudo()
        self.filtered("move_ids")._recheck_previews()
        for answer in self.filtered("move_ids"):
            pending = Action.search(
                [
                    ("company_id", "=", answer.company_id.id),
                    ("partner_id", "=", answer.partner_id.id),
                    ("move_ids", "in", answer.move_ids.ids),
                    "|",
                    ("state", "=", "proposed"),
                    "&",
                    ("state", "=", "done"),
                    ("print_state", "=", "to_print"),
                ]
            )
            if not pending:
                continue
            pending.answer_id = answer
            covered = pending.filtered(
                lambda a, ans=answer: not a.move_ids - ans.move_ids
            )
            reason = self.env._(
                "Withdrawn: the customer answered (%(answer)s).",
                answer=answer.display_name,
            )
            proposals = covered.filtered(lambda a: a.state == "proposed")
            if proposals:
                proposals.state = "cancelled"
                proposals._post_history(reason)
            letters = covered - proposals
            if letters:
                Send._withdraw_letters(letters, reason)
            (pending - covered)._post_history(
                self.env._(
                    "The customer answered about some of these invoices "
                    "(%(answer)s): check before it leaves.",
                    answer=answer.display_name,
                )
            )

    def _recheck_previews(self):
        """The same for a run the accountant is previewing in the run wizard:
        a customer whose planned reminder the answer covers entirely is left
        out of it; one whose reminder claims other invoices too is flagged
        with the answer, for the accountant to choose."""
        Unit = self.env["account.dunning.run.unit"].sudo()
        for answer in self:
            units = Unit.search(
                [
                    ("company_id", "=", answer.company_id.id),
                    ("partner_id", "=", answer.partner_id.id),
                    ("state", "=", "pending"),
                    ("run_id.state", "=", "proposed"),
                    ("waiting_action_id", "=", False),
                ]
            )
            answered = set(answer.move_ids.ids)
            for unit in units:
                planned = set(unit._get_move_ids())
                if not planned & answered:
                    continue
                if planned <= answered:
                    unit._skip(
                        self.env._(
                            "Withdrawn: the customer answered (%(answer)s).",
                            answer=answer.display_name,
                        )
                    )
                else:
                    unit.action_vals = dict(unit.action_vals, answer_id=answer.id)

    def _release_hold(self):
        """The answer holds its invoices no longer (a payment the provider
        cancelled or refused): their reminders resume."""
        self.filtered("hold_until").hold_until = False
