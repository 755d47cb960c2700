"""A dispute (litige) on some invoices of a customer.

While it is open, only the disputed invoices are blocked: the customer's other
invoices keep being reminded. A dispute about the part of an invoice its
buyer did not approve (e-invoicing status 206) blocks nothing: the approved
part is claimed meanwhile (``account.move.line._dunning_claimable_amounts``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html_escape

# A dispute still open after this many days is a real, lasting one: the
# médiateur des entreprises (free, official) is worth suggesting.
MEDIATION_AFTER_DAYS = 60

DISPUTE_REASONS = [
    ("quality", "Quality of the goods or services"),
    ("quantity", "Quantity delivered"),
    ("price", "Price or discount"),
    ("delivery", "Delivery not received or late"),
    ("invoice", "Invoice error or missing reference"),
    ("other", "Other"),
]


class AccountDunningDispute(models.Model):
    _name = "account.dunning.dispute"
    _description = "Dunning Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_dispute_move_rel",
        "dispute_id",
        "move_id",
        string="Disputed Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    reason_type = fields.Selection(
        DISPUTE_REASONS, string="Kind", required=True, default="other", tracking=True
    )
    reason = fields.Char(
        required=True, tracking=True, help="What the customer contests."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who settles the dispute with the customer.",
    )
    review_date = fields.Date(tracking=True)
    date_open = fields.Date(
        string="Opened On",
        required=True,
        default=fields.Date.context_today,
        readonly=True,
    )
    date_resolved = fields.Date(string="Resolved On", readonly=True, copy=False)
    resolution = fields.Text()
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    days_open = fields.Integer(compute="_compute_mediation_suggested")
    mediation_suggested = fields.Boolean(
        string="Suggest Mediation",
        compute="_compute_mediation_suggested",
        help=f"Open for more than {MEDIATION_AFTER_DAYS} days.",
    )
    approved_part_claimed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The buyer approved part of the invoice on its e-invoicing "
        "platform: only the rest is disputed, and the approved part is still "
        "claimed while the dispute lasts.",
    )
    amount_disputed = fields.Monetary(compute="_compute_amount_disputed")
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("partner_id", "reason")
    def _compute_name(self):
        for dispute in self:
            dispute.name = f"{dispute.partner_id.name or ''} – {dispute.reason or ''}"

    @api.depends("date_open", "date_resolved", "state")
    def _compute_mediation_suggested(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            end = dispute.date_resolved or today
            dispute.days_open = (
                (end - dispute.date_open).days if dispute.date_open else 0
            )
            dispute.mediation_suggested = (
                dispute.state == "open" and dispute.days_open > MEDIATION_AFTER_DAYS
            )

    @api.depends(
        "move_ids.amount_residual_signed",
        "move_ids.dunning_einvoice_approved_amount",
        "approved_part_claimed",
        "state",
    )
    def _compute_amount_disputed(self):
        """What the dispute holds back, in company currency as the run
        claims: the invoices' open amount, or only what is left beyond the
        approved part claimed meanwhile."""
        for dispute in self:
            if dispute.approved_part_claimed and dispute.state == "open":
                dispute.amount_disputed = sum(
                    move._dunning_einvoice_contested_amount()
                    if move.dunning_einvoice_approved_amount
                    else move._dunning_open_amount()
                    for move in dispute.move_ids
                )
                continue
            dispute.amount_disputed = dispute.move_ids._dunning_open_amount()

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        disputes._sync_open_moves()
        disputes.filtered(lambda d: d.state == "open")._block_moves()
        return disputes

    def write(self, vals):
        old_moves = {dispute: dispute.move_ids for dispute in self}
        res = super().write(vals)
        if "move_ids" in vals or "state" in vals:
            self._sync_open_moves()
        if "move_ids" in vals:
            for dispute in self.filtered(lambda d: d.state == "open"):
                removed = old_moves[dispute] - dispute.move_ids
                dispute._unblock_moves(removed)
                dispute._block_moves()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open(self):
        if any(dispute.state == "open" for dispute in self):
            raise UserError(
                self.env._(
                    "Resolve the dispute before deleting it: its invoices are blocked."
                )
            )

    def action_resolve(self):
        """Close the dispute and let its invoices be reminded again.

        :raise UserError: when the dispute does not say how it was settled
            (the evidence file must, should the claim go further)
        """
        disputes = self.filtered(lambda d: d.state == "open")
        unsettled = disputes.filtered(lambda d: not (d.resolution or "").strip())
        if unsettled:
            raise UserError(
                self.env._(
                    "Say how the dispute was settled before resolving it: "
                    "%(disputes)s.",
                    disputes=", ".join(unsettled.mapped("display_name")),
                )
            )
        for dispute in disputes:
            dispute.write(
                {"state": "resolved", "date_resolved": fields.Date.context_today(self)}
            )
            dispute._unblock_moves(dispute.move_ids)
            dispute._dunning_message_post(
                body=self.env._(
                    "Dispute resolved (%(resolution)s): the reminders resume.",
                    resolution=dispute.resolution.strip(),
                )
            )
        return True

    def action_reopen(self):
        """Open the dispute again and block its invoices.

        :raise UserError: one of its invoices is under another open dispute
        """
        for dispute in self.filtered(lambda d: d.state == "resolved"):
            taken = self._get_disputed_moves(dispute.move_ids, exclude=dispute)
            if taken:
                raise self._already_disputed_error(taken)
            dispute.write({"state": "open", "date_resolved": False})
            dispute._block_moves()
        return True

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Disputed Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    @api.model
    def _get_disputed_moves(self, moves, exclude=None):
        """Those of ``moves`` already under an open dispute (other than the
        disputes ``exclude``).

        :param moves: ``account.move`` recordset
        :param exclude: ``account.dunning.dispute`` recordset or None
        :return: ``account.move`` recordset, same environment as ``moves``
        """
        if not moves:
            return moves
        self.env.cr.execute(
            SQL(
                "SELECT move_id FROM account_dunning_dispute_open_move"
                " WHERE move_id = ANY(%s) AND NOT dispute_id = ANY(%s)",
                moves.ids,
                (exclude or self.browse()).ids,
            )
        )
        taken = {row[0] for row in self.env.cr.fetchall()}
        return moves.filtered(lambda m: m.id in taken)

    def _already_disputed_error(self, moves):
        return UserError(
            self.env._(
                "These invoices are already under an open dispute: %(invoices)s.",
                invoices=", ".join(moves.mapped("name")),
            )
        )

    def _sync_open_moves(self):
        """Keep the table of invoices under an open dispute in step with
        these disputes' state and invoices.

        The table's unique index on the invoice is what makes "one open
        dispute per invoice" hold when two requests arrive at once: the
        second insert waits for the first transaction, then finds the row
        (or fails to serialize and its request is retried, and then finds
        it). A plain search beforehand cannot see a dispute not yet
        committed.

        :raise UserError: an invoice is under another open dispute
        """
        if not self:
            return
        self.flush_recordset(["state", "move_ids"])
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM account_dunning_dispute_open_move"
                " WHERE dispute_id = ANY(%s)",
                self.ids,
            )
        )
        taken = self.env["account.move"]
        for dispute in self.filtered(lambda d: d.state == "open" and d.move_ids):
            cr.execute(
                SQL(
                    "INSERT INTO account_dunning_dispute_open_move"
                    " (dispute_id, move_id) SELECT %s, unnest(%s::int[])"
                    " ON CONFLICT (move_id) DO NOTHING RETURNING move_id",
                    dispute.id,
                    dispute.move_ids.ids,
                )
            )
            inserted = {row[0] for row in cr.fetchall()}
            taken |= dispute.move_ids.filtered(lambda m, i=inserted: m.id not in i)
        self.env["account.dunning.dispute.open.move"].invalidate_model()
        if taken:
            raise self._already_disputed_error(taken)

    def _block_moves(self):
        for dispute in self.filtered(lambda d: not d.approved_part_claimed):
            reason = self.env._("Dispute: %(reason)s", reason=dispute.reason)
            dispute.move_ids.write(
                {"dunning_blocked": True, "dunning_block_reason": reason}
            )
            # The reason may come from the customer: a log body is HTML, the
            # text is shown as text.
            dispute.move_ids._message_log_batch(
                bodies=dict.fromkeys(dispute.move_ids.ids, html_escape(reason))
            )

    def _unblock_moves(self, moves):
        """Unblock ``moves`` unless another open dispute still covers them."""
        self.ensure_one()
        if not moves or self.approved_part_claimed:
            # Such a dispute blocked nothing: a block on its invoices is
            # someone else's.
            return
        still_disputed = self.search(
            [
                ("id", "!=", self.id),
                ("state", "=", "open"),
                ("move_ids", "in", moves.ids),
            ]
        ).move_ids
        freed = moves - still_disputed
        # What the e-invoicing lifecycle forbids (a rejected, suspended or
        # already paid invoice) stays blocked when its dispute ends.
        held = freed.filtered(lambda m: m._dunning_einvoice_hold_reason())
        (freed - held).write({"dunning_blocked": False, "dunning_block_reason": False})
        for move in held:
            reason = move._dunning_einvoice_hold_reason()
            move.write(
                {
                    "dunning_blocked": True,
                    "dunning_block_reason": reason,
                    "dunning_einvoice_hold_reason": reason,
                }
            )
