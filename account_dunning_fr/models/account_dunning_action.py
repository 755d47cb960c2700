"""The dunning action: what was (or will be) done for one customer at one level.

It is the evidence file of the amicable phase (SPEC §2.6): who was reached,
for which invoices, through which channels, when, by whom, and what came of it.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ACTION_STATES = [
    ("proposed", "Proposed"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
]

# Action channel field -> level field it is copied from.
CHANNELS = {
    "channel_email": "send_email",
    "channel_letter": "send_letter",
    "channel_registered": "send_registered_letter",
    "channel_sms": "send_sms",
    "channel_call": "create_call",
    "channel_visit": "create_visit",
    "channel_salesperson": "notify_salesperson",
    "channel_credit_hold": "credit_hold",
}


class AccountDunningAction(models.Model):
    _name = "account.dunning.action"
    _description = "Dunning Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner", string="Contact Reached", help="Recipient of the reminder."
    )
    salesperson_id = fields.Many2one(
        "res.users", related="partner_id.user_id", store=True, string="Salesperson"
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_action_move_rel",
        "action_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    level_id = fields.Many2one("account.dunning.level", required=True, index=True)
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    letter_type = fields.Selection(related="level_id.letter_type")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    user_id = fields.Many2one(
        "res.users", string="Executed By", readonly=True, copy=False
    )
    state = fields.Selection(
        ACTION_STATES, default="proposed", required=True, tracking=True, index=True
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    channel_email = fields.Boolean(string="Email")
    channel_letter = fields.Boolean(string="Letter")
    channel_registered = fields.Boolean(string="Registered Letter")
    channel_sms = fields.Boolean(string="SMS")
    channel_call = fields.Boolean(string="Phone Call")
    channel_visit = fields.Boolean(string="Visit")
    channel_salesperson = fields.Boolean(string="Salesperson Informed")
    channel_credit_hold = fields.Boolean(string="Credit Hold")
    channels_display = fields.Char(
        string="Channels", compute="_compute_channels_display"
    )
    amount_due = fields.Monetary(
        string="Amount Reminded",
        help="Open amount of the invoices when the action was prepared.",
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amount_recovered",
        store=True,
        aggregator="sum",
        help="Paid on the reminded invoices since this action was carried "
        "out: what each level brings back.",
    )
    deadline_date = fields.Date(
        string="Announced Deadline",
        help="Payment deadline announced to the customer; the next level is "
        "not due before the day after it.",
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter File", readonly=True, copy=False
    )
    print_state = fields.Selection(
        [
            ("none", "Nothing to print"),
            ("to_print", "To print"),
            ("printed", "Printed"),
        ],
        default="none",
        required=True,
        copy=False,
        index=True,
    )
    mail_id = fields.Many2one(
        "mail.mail", string="Email Sent", readonly=True, copy=False
    )
    registered_number = fields.Char(string="Registered Letter Number", copy=False)
    registered_ack_date = fields.Date(string="Acknowledgment of Receipt", copy=False)
    notes = fields.Html()
    dedup_key = fields.Char(
        compute="_compute_dedup_key",
        store=True,
        index=True,
        help="Customer, level and invoices: two live actions never share it.",
    )

    @api.depends(*CHANNELS)
    def _compute_channels_display(self):
        labels = {
            fname: self._fields[fname].get_description(self.env)["string"]
            for fname in CHANNELS
        }
        for action in self:
            action.channels_display = ", ".join(
                labels[fname] for fname in CHANNELS if action[fname]
            )

    @api.depends("state", "amount_due", "move_ids.amount_residual")
    def _compute_amount_recovered(self):
        for action in self:
            left = sum(action.move_ids.mapped("amount_residual"))
            action.amount_recovered = (
                max(action.amount_due - left, 0.0) if action.state == "done" else 0.0
            )

    @api.depends("partner_id", "level_id", "move_ids")
    def _compute_dedup_key(self):
        for action in self:
            moves = ",".join(str(i) for i in sorted(action.move_ids.ids))
            action.dedup_key = f"{action.partner_id.id}:{action.level_id.id}:{moves}"

    def init(self):
        # Two runs at once must never both remind the same invoices at the
        # same level: the database refuses the second live action.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_action_live_uniq
                ON account_dunning_action (dedup_key)
             WHERE state != 'cancelled'
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("account.dunning.action")
                    or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(action.state in ("done", "failed") for action in self):
            raise UserError(
                self.env._(
                    "A dunning action that was carried out is evidence: cancel "
                    "it instead of deleting it."
                )
            )

    # ------------------------------------------------------------------ actions
    def action_execute(self):
        """Execute proposed or failed actions (the accountant's validation)."""
        self._check_can_run()
        todo = self.filtered(lambda a: a.state in ("proposed", "failed"))
        todo._execute()
        return True

    def action_cancel(self):
        self._check_can_run()
        for action in self.filtered(lambda a: a.state in ("proposed", "failed")):
            action.state = "cancelled"
            action._post_history(self.env._("Dunning action cancelled."))
        return True

    def action_mark_printed(self):
        self.filtered(lambda a: a.print_state == "to_print").print_state = "printed"
        return True

    def action_print_batch(self):
        """All pending letters of these actions as one PDF, marked printed."""
        attachment = self._merge_letters()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    def _check_can_run(self):
        if not (
            self.env.su or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._("Only accountants can execute or cancel dunning actions.")
            )

    def action_print_letter(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.letter_attachment_id.id}?download=true",
            "target": "self",
        }
