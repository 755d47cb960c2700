"""One item of the customer's account in a dunning action.

The evidence of what each reminder said: which receivable item, its due date,
what was left to pay (in company currency and in its own currency) and the
level it was reminded at. Credits are listed as deductions.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

ITEM_KINDS = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit note"),
    ("payment", "Payment"),
    ("entry", "Entry"),
]


class AccountDunningActionLine(models.Model):
    _name = "account.dunning.action.line"
    _description = "Dunning Action Item"
    _order = "action_id, is_credit, date_maturity, id"
    _check_company_auto = True

    action_id = fields.Many2one(
        "account.dunning.action", required=True, ondelete="cascade", index=True
    )
    # Stored once for all the lines of a set of actions after they are
    # inserted: precomputed, the ORM would build a record in memory for each
    # of the thousands of lines a run writes.
    company_id = fields.Many2one(related="action_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Journal Item",
        required=True,
        index=True,
        ondelete="restrict",
    )
    # The item's entry, given with the item (``_prepare_vals``): a journal
    # item never changes entry.
    move_id = fields.Many2one(
        "account.move", string="Entry", required=True, index=True, readonly=True
    )
    kind = fields.Selection(ITEM_KINDS, required=True, default="invoice")
    is_credit = fields.Boolean(
        string="Deduction", help="A credit the customer holds, deducted from the claim."
    )
    date_maturity = fields.Date(string="Due Date")
    currency_id = fields.Many2one("res.currency", required=True)
    amount_residual = fields.Monetary(
        string="Left to Pay",
        currency_field="company_currency_id",
        help="Open amount when the action was prepared, in company currency; "
        "negative for a credit.",
    )
    amount_residual_currency = fields.Monetary(
        string="Left to Pay in Currency",
        currency_field="currency_id",
        help="Open amount in the item's own currency.",
    )
    level_id = fields.Many2one(
        "account.dunning.level",
        string="Stage",
        help="Level this item was reminded at, or the stage it had already "
        "reached when it is only listed.",
    )
    advanced = fields.Boolean(
        help="The item moved up to this level with this action.",
    )
    # What the invoice's dunning tab shows of the reminder: read through the
    # lines, in one query for all the lines of a list of invoices.
    action_date = fields.Date(related="action_id.date", string="Date")
    action_state = fields.Selection(related="action_id.state", string="State")
    channels_display = fields.Char(related="action_id.channels_display")
    print_state = fields.Selection(
        related="action_id.print_state", string="Letter Status"
    )
    letter_attachment_id = fields.Many2one(related="action_id.letter_attachment_id")

    @api.constrains("move_line_id", "action_id")
    def _check_item_company(self):
        """An action lists items of its own company only. Checked over all
        the lines at once: a run writes thousands, and Odoo's company check
        (``check_company``) filters each line's item on its own."""
        foreign = self.filtered(
            lambda line: line.move_line_id.company_id != line.company_id
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "A dunning action lists the journal items of its own company "
                    "only: %(items)s belong to another company.",
                    items=", ".join(foreign.move_line_id.mapped("display_name")),
                )
            )

    @api.model
    def _prepare_vals(self, item, level_id=None):
        """Values of the line for ``item``.

        :param item: ``tools.dunning_steps.Item``
        :param level_id: id of the level the item moves up to with the
            action, or None: listed at its stage
        """
        is_credit = item.amount < 0
        return {
            "move_line_id": item.id,
            "move_id": item.move_id,
            "kind": item.kind,
            "is_credit": is_credit,
            "date_maturity": item.due,
            "currency_id": item.currency_id,
            "amount_residual": item.amount,
            "amount_residual_currency": item.amount_currency,
            "level_id": level_id or (item.level.id if item.level else False),
            "advanced": bool(level_id and not is_credit),
        }

    @api.model
    def _get_open_items(self, moves):
        """Open receivable debit items of ``moves`` that are ours to claim:
        an invoice sold to a factor is the factor's (see
        ``account.dunning.planning._get_item_domain``)."""
        return moves.filtered(
            lambda move: not move.dunning_factor_id
        ).line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
            )
        )

    @api.model
    def _prepare_commands(self, items, item_levels):
        """Commands creating the lines of ``items``.

        :param items: list of ``tools.dunning_steps.Item``
        :param item_levels: ``{item id: level id or None}`` (see
            ``_prepare_vals``)
        """
        prepare, create = self._prepare_vals, Command.create
        return [create(prepare(item, item_levels.get(item.id))) for item in items]

    @api.model
    def _fill_from_moves(self, actions):
        """Give ``actions`` created with invoices only the open items of those
        invoices, each taken to the action's level: every action has its
        items."""
        for action in actions:
            items = self._get_open_items(action.move_ids)
            action.line_ids = self._prepare_commands(
                items._dunning_items(),
                dict.fromkeys(items.ids, action.level_id.id),
            )

    def action_open_action(self):
        """The reminder this item was listed in: its evidence file."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.dunning.action",
            "res_id": self.action_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_letter(self):
        self.ensure_one()
        return self.action_id.action_print_letter()
