"""Send the mise en demeure after checking the claim.

The claim must be certain, liquid, due and not time-barred: the accountant
ticks the checklist, which is recorded on the action as evidence.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.account_dunning_level import FORMAL_NOTICE_MAX_DAYS
from ..tools.vocabularies import DELIVERY_MODES

CHECKLIST = (
    "formal_notice_signed_order",
    "formal_notice_delivery_proof",
    "formal_notice_invoice_matches",
    "formal_notice_due_date_passed",
    "formal_notice_not_prescribed",
)


class AccountDunningFormalNotice(models.TransientModel):
    _name = "account.dunning.formal.notice"
    _inherit = "account.dunning.customer.wizard"
    _description = "Dunning Formal Notice"

    contact_id = fields.Many2one(
        "res.partner",
        string="Addressee",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    level_id = fields.Many2one(
        "account.dunning.level",
        string="Formal Notice Level",
        compute="_compute_level_id",
        store=True,
        readonly=False,
        domain="[('is_formal_notice', '=', True)]",
    )
    formal_notice_signed_order = fields.Boolean(string="Signed order or contract")
    formal_notice_delivery_proof = fields.Boolean(string="Proof of delivery")
    formal_notice_invoice_matches = fields.Boolean(string="Invoice matches the order")
    formal_notice_due_date_passed = fields.Boolean(string="Due date passed")
    formal_notice_not_prescribed = fields.Boolean(string="Not time-barred")
    deadline_days = fields.Integer(
        string="Deadline (days)",
        compute="_compute_level_id",
        store=True,
        readonly=False,
        help=f"At most {FORMAL_NOTICE_MAX_DAYS} days.",
    )
    delivery_mode = fields.Selection(
        DELIVERY_MODES, required=True, default="registered"
    )
    tracking_number = fields.Char()
    ack_date = fields.Date(string="Acknowledgment Date")
    amount_claimed = fields.Monetary(compute="_compute_amount_claimed")

    @api.depends("partner_id")
    def _compute_contact_id(self):
        Recipient = self.env["account.dunning.recipient"]
        for wizard in self:
            wizard.contact_id = wizard.partner_id and Recipient._get_recipient(
                wizard.partner_id
            )

    @api.depends("partner_id")
    def _compute_level_id(self):
        for wizard in self:
            policy = (
                wizard.partner_id
                and wizard.partner_id.with_company(
                    wizard.company_id
                )._get_dunning_policy()
            )
            level = policy and policy.level_ids.filtered("is_formal_notice")[:1]
            wizard.level_id = level
            wizard.deadline_days = (level and level.payment_deadline_days) or 8

    @api.depends("move_ids")
    def _compute_amount_claimed(self):
        for wizard in self:
            wizard.amount_claimed = wizard.move_ids._dunning_open_amount()

    @api.model
    def _check_access_formal_notice(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._(
                    "Only accountants can send a formal notice (mise en demeure)."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_access_formal_notice()
        return super().create(vals_list)

    def action_confirm(self):
        """Check the claim, then send and record the formal notice."""
        self.ensure_one()
        self._check_access_formal_notice()
        self._check_claim()
        action = self.env["account.dunning.action"].create(self._prepare_action_vals())
        # A run may have proposed the same notice: this one replaces it.
        self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", action.partner_id.id),
                ("level_id", "=", action.level_id.id),
                ("state", "=", "proposed"),
                ("move_ids", "in", action.move_ids.ids),
                ("id", "!=", action.id),
            ]
        ).action_cancel()
        action._carry_out()
        if action.state == "failed":
            raise UserError(action.failure_reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.dunning.action",
            "res_id": action.id,
            "view_mode": "form",
        }

    def _check_claim(self):
        missing = [
            self._fields[fname].get_description(self.env)["string"]
            for fname in CHECKLIST
            if not self[fname]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The claim must be certain, due and not time-barred before a "
                    "formal notice. Check and tick: %(missing)s.",
                    missing=", ".join(missing),
                )
            )
        if self.deadline_days > FORMAL_NOTICE_MAX_DAYS or self.deadline_days < 1:
            raise UserError(
                self.env._(
                    "A formal notice grants between 1 and %(max)s days to pay; "
                    "shorten the deadline.",
                    max=FORMAL_NOTICE_MAX_DAYS,
                )
            )
        if not self.level_id:
            raise UserError(
                self.env._(
                    "The policy of %(customer)s has no formal notice level.",
                    customer=self.partner_id.name,
                )
            )
        if not self.move_ids:
            raise UserError(self.env._("Select the invoices the formal notice claims."))
        today = fields.Date.context_today(self)
        not_due = self.move_ids.filtered(lambda m: m.invoice_date_due >= today)
        prescribed = self.move_ids.filtered(lambda m: m._dunning_is_prescribed(today))
        if not_due or prescribed:
            raise UserError(
                self.env._(
                    "Leave out the invoices not yet due or time-barred: %(invoices)s.",
                    invoices=", ".join((not_due | prescribed).mapped("name")),
                )
            )

    def _prepare_action_vals(self):
        today = fields.Date.context_today(self)
        registered = self.delivery_mode == "registered"
        return self.env["account.dunning.planning"]._prepare_action_vals(
            self.partner_id,
            self.move_ids,
            today,
            level=self.level_id,
            company_id=self.company_id.id,
            contact_id=self.contact_id.id,
            deadline_date=today + timedelta(days=self.deadline_days),
            send_email=False,
            send_sms=False,
            create_call=False,
            create_visit=False,
            notify_salesperson=False,
            credit_hold=False,
            send_registered_letter=registered,
            send_letter=not registered,
            registered_number=self.tracking_number,
            registered_ack_date=self.ack_date,
            dunning_workflow="formal_notice",
            letter_type_override="formal_notice",
            formal_notice_delivery_mode=self.delivery_mode,
            **{fname: self[fname] for fname in CHECKLIST},
        )
