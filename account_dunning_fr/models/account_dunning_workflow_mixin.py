"""What the accountant's workflows record on a dunning action:
calls and visits with their outcome, promises, payment plan
agreements and the formal notice's checklist. Mixed into
``account.dunning.action`` so that every kind of action is one evidence file.
"""

from odoo import fields, models

from ..tools.vocabularies import (
    CALL_OUTCOMES,
    DELAY_REASONS,
    DELIVERY_MODES,
    LETTER_TYPES,
    PAYMENT_MEANS,
    WORKFLOW_KINDS,
)


class AccountDunningWorkflowMixin(models.AbstractModel):
    _name = "account.dunning.workflow.mixin"
    _description = "Dunning Workflow Evidence"

    # The promised amount is in the currency of the model using the mixin.
    currency_id = fields.Many2one("res.currency")
    dunning_workflow = fields.Selection(
        WORKFLOW_KINDS,
        string="Recorded By",
        readonly=True,
        index=True,
        help="Set when the action was recorded by a call, a visit, a "
        "confirmation, a payment plan or a formal notice rather than by a run.",
    )
    letter_type_override = fields.Selection(
        LETTER_TYPES,
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
    # Set by the payment plan itself, in its own company.
    payment_plan_id = fields.Many2one(
        "account.dunning.payment.plan", readonly=True, index=True
    )
    formal_notice_signed_order = fields.Boolean(string="Signed order or contract")
    formal_notice_delivery_proof = fields.Boolean(string="Proof of delivery")
    formal_notice_invoice_matches = fields.Boolean(string="Invoice matches the order")
    formal_notice_due_date_passed = fields.Boolean(string="Due date passed")
    formal_notice_not_prescribed = fields.Boolean(string="Not time-barred")
    formal_notice_delivery_mode = fields.Selection(
        DELIVERY_MODES, string="Delivered By"
    )
