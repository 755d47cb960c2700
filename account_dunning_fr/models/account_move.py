from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

# Dunning state that only accountants may change (SPEC §2.8).
PROTECTED_FIELDS = frozenset(
    {
        "dunning_level_id",
        "dunning_blocked",
        "dunning_block_reason",
        "dunning_promise_date",
        "dunning_promise_amount",
        "dunning_formal_notice_date",
        "dunning_litigation_stage",
    }
)


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning Actions",
        readonly=True,
        copy=False,
    )
    dunning_last_date = fields.Date(string="Last Dunning Action", copy=False)
    dunning_next_date = fields.Date(
        string="Next Dunning Action", compute="_compute_dunning_next_date"
    )
    dunning_blocked = fields.Boolean(
        copy=False,
        tracking=True,
        help="No reminder is sent for this invoice, e.g. while a dispute is open.",
    )
    dunning_block_reason = fields.Char(string="Block Reason", copy=False)
    dunning_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True
    )
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount", copy=False, currency_field="currency_id"
    )
    dunning_formal_notice_date = fields.Date(
        string="Formal Notice Date",
        copy=False,
        tracking=True,
        help="Date of the formal notice: legal interest runs from it.",
    )
    dunning_litigation_stage = fields.Selection(
        [
            ("amicable", "Amicable"),
            ("formal_notice", "Formal notice sent"),
            ("mediation", "Mediation"),
            ("injunction", "Payment order (injonction de payer)"),
            ("court", "Court proceedings"),
            ("agency", "Collection agency"),
            ("written_off", "Written off"),
        ],
        string="Litigation Stage",
        copy=False,
        tracking=True,
    )

    @api.depends(
        "dunning_level_id",
        "dunning_last_date",
        "invoice_date_due",
        "payment_state",
        "dunning_blocked",
        "dunning_promise_date",
        "commercial_partner_id.payer_profile",
    )
    @api.depends_context("company")
    def _compute_dunning_next_date(self):
        """Date on which the next level becomes due, cadence included."""
        # One policy look-up per company, not one per invoice (partner form).
        policies = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            policies[company] = moves.commercial_partner_id.with_company(
                company
            )._get_dunning_policies()
        for move in self:
            policy = policies.get(move.company_id, {}).get(
                move.commercial_partner_id.id
            )
            move.dunning_next_date = move._get_dunning_next_date(policy)

    def _get_dunning_next_date(self, policy):
        """Day the next level of ``policy`` becomes due for this invoice, as
        the run sees it (trigger, announced deadline), with the cadence since
        its last action and a promise's grace period."""
        self.ensure_one()
        if (
            self.move_type != "out_invoice"
            or self.state != "posted"
            or self.payment_state not in ("not_paid", "partial")
            or not self.invoice_date_due
            or self.dunning_blocked
        ):
            return False
        level = policy and policy._get_next_level(self.dunning_level_id)
        if not level:
            return False
        next_date = self.env["account.dunning.action"]._level_due_date(self, level)
        if self.dunning_last_date:
            next_date = max(
                next_date,
                fields.Date.add(self.dunning_last_date, days=level.min_days_since_last),
            )
        if self.dunning_promise_date:
            grace = self.company_id.dunning_promise_grace_days
            next_date = max(
                next_date,
                fields.Date.add(self.dunning_promise_date, days=grace + 1),
            )
        return next_date

    @api.model
    def _dunning_promise_cutoff(self, date):
        """Promises dated before this day have run out on ``date``: the run
        waits for the promised date plus the company's grace period."""
        return date - timedelta(days=self.env.company.dunning_promise_grace_days)

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals) and not (
            self.env.su or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._(
                    "Only accountants can change the dunning level, block, "
                    "promise or formal notice of an invoice."
                )
            )
        return super().write(vals)
