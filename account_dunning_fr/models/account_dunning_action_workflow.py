"""What the accountant's workflows record on a dunning action.

Calls, visits, confirmation letters, payment plan agreements and the formal
notice are all dunning actions: one evidence file (SPEC §2.6). This file adds
what those workflows record and the legal next steps once a formal notice
has expired unpaid.
"""

from markupsafe import Markup

from odoo import api, fields, models

# Claims under this amount may use the simplified recovery procedure handled
# by a commissaire de justice (C. proc. civ. exéc. L125-1).
SIMPLIFIED_PROCEDURE_LIMIT = 5000.0

WORKFLOW_KINDS = [
    ("call", "Phone call"),
    ("visit", "Customer visit"),
    ("confirmation", "Call confirmation"),
    ("payment_plan", "Payment plan agreement"),
    ("formal_notice", "Formal notice"),
]

CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("not_reached", "Not reached"),
    ("wrong_number", "Wrong number"),
]

DELAY_REASONS = [
    ("not_received", "Invoice not received"),
    ("not_approved", "Invoice not approved for payment"),
    ("dispute", "Dispute"),
    ("cash", "Cash difficulty"),
    ("forgot", "Forgot"),
    ("signature", "Awaiting signature"),
    ("other", "Other"),
]

PAYMENT_MEANS = [
    ("transfer", "Bank transfer"),
    ("cheque", "Cheque"),
    ("card", "Card"),
    ("direct_debit", "Direct debit"),
    ("bill_of_exchange", "Bill of exchange"),
]

DELIVERY_MODES = [
    ("registered", "Registered letter with acknowledgment"),
    ("bailiff", "Commissaire de justice"),
    ("hand", "Hand delivery against receipt"),
]

LEGAL_NEXT_STEPS = ("injunction", "mediation", "simplified", "agency")


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    dunning_workflow = fields.Selection(
        WORKFLOW_KINDS,
        string="Recorded By",
        readonly=True,
        index=True,
        help="Set when the action was recorded by a call, a visit, a "
        "confirmation, a payment plan or a formal notice rather than by a run.",
    )
    letter_type_override = fields.Selection(
        lambda self: self.env["account.dunning.level"]._fields["letter_type"].selection,
        string="Letter Printed",
        help="Letter printed instead of the level's own letter.",
    )
    call_datetime = fields.Datetime(string="Call or Visit Time")
    call_outcome = fields.Selection(CALL_OUTCOMES, string="Outcome")
    call_delay_reason = fields.Selection(DELAY_REASONS, string="Reason for the Delay")
    next_call_date = fields.Date(string="Next Call")
    promise_date = fields.Date(string="Promised Date")
    promise_amount = fields.Monetary(string="Promised Amount")
    promise_means = fields.Selection(PAYMENT_MEANS, string="Payment Means")
    promise_state = fields.Selection(
        [("pending", "Pending"), ("kept", "Kept"), ("broken", "Broken")],
        string="Promise",
        readonly=True,
        index=True,
    )
    payment_plan_id = fields.Many2one(
        "account.dunning.payment.plan", readonly=True, index=True
    )
    fn_signed_order = fields.Boolean(string="Signed order or contract")
    fn_delivery_proof = fields.Boolean(string="Proof of delivery")
    fn_invoice_matches = fields.Boolean(string="Invoice matches the order")
    fn_due_date_passed = fields.Boolean(string="Due date passed")
    fn_not_prescribed = fields.Boolean(string="Not time-barred")
    fn_delivery_mode = fields.Selection(DELIVERY_MODES, string="Delivered By")
    legal_next_steps = fields.Html(
        string="Next Legal Steps",
        compute="_compute_legal_next_steps",
        sanitize=False,
        help="Once the deadline of a formal notice has passed unpaid.",
    )

    @api.depends("partner_id", "level_id", "move_ids")
    def _compute_dedup_key(self):
        # Calls, visits and letters recorded by hand are not run proposals:
        # they must never collide with the run's duplicate guard.
        res = super()._compute_dedup_key()
        for action in self.filtered("dunning_workflow"):
            action.dedup_key = (
                f"{action.dedup_key}:{action.dunning_workflow}:{action.id}"
            )
        return res

    @api.depends("state", "deadline_date", "move_ids.amount_residual")
    @api.depends_context("date")
    def _compute_legal_next_steps(self):
        labels = self._legal_next_step_labels()
        for action in self:
            steps = action._get_legal_next_steps()
            action.legal_next_steps = steps and Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % labels[step] for step in steps
            )

    def _get_legal_next_steps(self, date=None):
        """Options open once a formal notice expired unpaid (SPEC §2.7, §4.5).

        :return: codes from ``LEGAL_NEXT_STEPS``, empty while the notice runs
            or once everything is paid
        """
        self.ensure_one()
        date = date or self.env.context.get("date") or fields.Date.context_today(self)
        is_notice = (
            self.dunning_workflow == "formal_notice" or self.level_id.is_formal_notice
        )
        if self.state != "done" or not is_notice or not self.deadline_date:
            return []
        if self.deadline_date >= fields.Date.to_date(date):
            return []
        unpaid = self.move_ids.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")
        )
        if not unpaid:
            return []
        claim = sum(unpaid.mapped("amount_residual_signed"))
        steps = list(LEGAL_NEXT_STEPS)
        if self.partner_id.commercial_partner_id.dunning_debtor_type == "public":
            # No payment order nor simplified procedure against a public buyer.
            steps = [s for s in steps if s not in ("injunction", "simplified")]
        elif claim >= SIMPLIFIED_PROCEDURE_LIMIT:
            steps.remove("simplified")
        return steps

    def _legal_next_step_labels(self):
        return {
            "injunction": self.env._(
                "Payment order (injonction de payer): print the claim file"
            ),
            "mediation": self.env._(
                "Business mediator (médiateur des entreprises), free of charge"
            ),
            "simplified": self.env._(
                "Simplified recovery procedure through a commissaire de justice "
                "(claims under 5,000 €)"
            ),
            "agency": self.env._("Hand the claim over to a collection agency"),
        }

    def _render_letter(self):
        if self.letter_type_override:
            self = self.with_context(dunning_letter_type=self.letter_type_override)
        return super()._render_letter()

    def action_dunning_log_call(self):
        self.ensure_one()
        return self.partner_id._dunning_open_call_wizard("call", action=self)

    def action_dunning_log_visit(self):
        self.ensure_one()
        return self.partner_id._dunning_open_call_wizard("visit", action=self)

    def action_print_injunction_file(self):
        self.ensure_one()
        return self.env.ref(
            "account_dunning_fr.report_dunning_injunction_file"
        ).report_action(self.partner_id.commercial_partner_id)


class AccountDunningLevel(models.Model):
    _inherit = "account.dunning.level"

    def _get_letter_report(self):
        letter_type = self.env.context.get("dunning_letter_type")
        if letter_type:
            return self.env.ref(
                f"account_dunning_fr.report_dunning_letter_{letter_type}"
            )
        return super()._get_letter_report()
