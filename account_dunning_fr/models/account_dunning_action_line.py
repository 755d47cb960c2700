"""One item of the customer's account in a dunning action.

The evidence of what each reminder said: which receivable item, its due date,
what was left to pay (in company currency and in its own currency) and the
level it was reminded at. Credits are listed as deductions.
"""

from collections import defaultdict
from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

ITEM_KINDS = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit note"),
    ("payment", "Payment"),
    ("entry", "Entry"),
]

# The stored values of a line as the run prepares it (``_prepare_vals``):
# plain columns, written with their actions in one INSERT
# (``_insert_prepared``).
PREPARED_COLUMNS = (
    "move_line_id",
    "move_id",
    "kind",
    "is_credit",
    "date_maturity",
    "currency_id",
    "amount_residual",
    "amount_residual_currency",
    "level_id",
    "advanced",
)
PREPARED_FIELDS = frozenset(PREPARED_COLUMNS)
# Those the INSERT cannot do without (required, no default).
PREPARED_REQUIRED = ("move_line_id", "move_id", "currency_id")


class AccountDunningActionLine(models.Model):
    _name = "account.dunning.action.line"
    _description = "Dunning Action Item"
    _order = "action_id, is_credit, date_maturity, id"
    _check_company_auto = True

    action_id = fields.Many2one(
        "account.dunning.action", required=True, ondelete="cascade", index=True
    )
    # Written with the line by ``_insert_prepared``; the ORM's ``create``
    # (a line added by hand) stores it once for the lines it creates.
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
            raise self._foreign_items_error(foreign.move_line_id)

    @api.model
    def _foreign_items_error(self, items):
        """The error refusing ``items`` (``account.move.line``) of another
        company than the action listing them."""
        return ValidationError(
            self.env._(
                "A dunning action lists the journal items of its own company "
                "only: %(items)s belong to another company.",
                items=", ".join(items.mapped("display_name")),
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
    def _split_prepared(self, action_vals):
        """Separate from ``action_vals`` the lines it creates when they are
        plain prepared values (``_prepare_vals``), which
        ``_insert_prepared`` writes once the action exists; any other
        command is left to the ORM.

        :param action_vals: dict for ``account.dunning.action.create``, left
            unchanged
        :return: ``(action values without those lines, list of dicts of
            PREPARED_COLUMNS or None when no line is created this way)``
        """
        commands = action_vals.get("line_ids")
        if not commands or not all(
            isinstance(command, list | tuple)
            and command[0] == Command.CREATE
            and isinstance(command[2], dict)
            and command[2].keys() <= PREPARED_FIELDS
            and all(command[2].get(name) for name in PREPARED_REQUIRED)
            for command in commands
        ):
            return action_vals, None
        vals = {key: value for key, value in action_vals.items() if key != "line_ids"}
        return vals, [command[2] for command in commands]

    @api.model
    def _insert_prepared(self, actions, vals_lists):
        """Write the prepared lines of ``actions`` in one INSERT statement.

        A run writes five lines or so per reminder, thousands per set: the
        ORM's ``create`` spent a fifth of a millisecond on each (defaults,
        monetary rounding through the related currency, cache, constraint
        one line at a time), for rows of plain values taken from the
        items. What the ORM would check or update is done here for the set:
        the rights of ``create`` (access rights and record rules), the
        company of the items (as ``_check_item_company``), the amounts rounded
        to their currency, and the caches of the actions' and invoices'
        lines emptied, their dependent fields marked to compute.

        :param actions: ``account.dunning.action`` records just created
        :param vals_lists: per action, in the same order, a list of dicts of
            ``_split_prepared`` (None or empty: no line)
        :return: the ``account.dunning.action.line`` records created
        :raise ValidationError: an item of another company than its action's
        """
        rows = [
            (action, vals)
            for action, vals_list in zip(actions, vals_lists, strict=True)
            for vals in vals_list or ()
        ]
        if not rows:
            return self.browse()
        self.check_access("create")
        # The items' company, checked before anything is written; the run
        # has the items in its cache, read when it prepared the lines.
        items = self.env["account.move.line"].browse(
            vals["move_line_id"] for _action, vals in rows
        )
        foreign = items.browse(
            item.id
            for item, (action, _vals) in zip(items, rows, strict=True)
            if item.company_id != action.company_id
        )
        if foreign:
            raise self._foreign_items_error(foreign)
        uid, now = self.env.uid, self.env.cr.now()
        Currency = self.env["res.currency"]
        values, written = [], []
        for action, vals in rows:
            company = action.company_id
            currency = Currency.browse(vals["currency_id"])
            # As the ORM writes each field: a relation or a date left out is
            # NULL, a boolean or an amount never is.
            row = {
                "move_line_id": vals["move_line_id"],
                "move_id": vals["move_id"],
                "kind": vals.get("kind") or "invoice",
                "is_credit": bool(vals.get("is_credit")),
                "date_maturity": vals.get("date_maturity") or None,
                "currency_id": currency.id,
                "amount_residual": company.currency_id.round(
                    vals.get("amount_residual") or 0.0
                ),
                "amount_residual_currency": currency.round(
                    vals.get("amount_residual_currency") or 0.0
                ),
                "level_id": vals.get("level_id") or None,
                "advanced": bool(vals.get("advanced")),
            }
            written.append(row)
            values.append(
                SQL(
                    "%s",
                    (
                        action.id,
                        company.id,
                        *(row[name] for name in PREPARED_COLUMNS),
                        uid,
                        now,
                        uid,
                        now,
                    ),
                )
            )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_action_line
                       (action_id, company_id, %s,
                        create_uid, create_date, write_uid, write_date)
                VALUES %s
                RETURNING id
                """,
                SQL(", ").join(SQL.identifier(name) for name in PREPARED_COLUMNS),
                SQL(", ").join(values),
            )
        )
        lines = self.browse(row[0] for row in self.env.cr.fetchall())
        lines.check_access("create")
        actions.invalidate_recordset(["line_ids"])
        self.env["account.move"].browse(
            {vals["move_id"] for _action, vals in rows}
        ).invalidate_recordset(["dunning_action_line_ids"])
        lines.modified(["action_id", "company_id", *PREPARED_COLUMNS], create=True)
        # Written above with the line: nothing to compute.
        self.env.remove_to_compute(self._fields["company_id"], lines)
        self._cache_inserted(
            lines,
            [action for action, _vals in rows],
            written,
            {
                "create_uid": uid,
                "create_date": now,
                "write_uid": uid,
                "write_date": now,
            },
        )
        return lines

    @api.model
    def _cache_inserted(self, lines, actions, rows, log_values):
        """Put what ``_insert_prepared`` wrote in the cache, as the ORM's
        ``create`` does: the lines' columns, and each action's lines in the
        order of ``_order`` (``action_id`` then ``is_credit``, then
        ``date_maturity`` with the empty ones last as the database sorts
        them, then ``id``). The set's next steps read them without reading
        back the rows just written.

        :param lines: the lines inserted, in the order of ``rows``
        :param actions: the action of each line (``account.dunning.action``)
        :param rows: the values of ``PREPARED_COLUMNS`` written for each line
        :param log_values: ``create_uid``, ``create_date``, ``write_uid``
            and ``write_date`` written on every line
        """
        cache = self.env.cache
        columns = {
            "action_id": [action.id for action in actions],
            "company_id": [action.company_id.id for action in actions],
            **{name: [row[name] for row in rows] for name in PREPARED_COLUMNS},
            **{name: [value] * len(lines) for name, value in log_values.items()},
        }
        for name, values in columns.items():
            field = self._fields[name]
            # As the ORM caches what it reads: the values are those written.
            cache.update(
                lines,
                field,
                [
                    field.convert_to_cache(value, lines, validate=False)
                    for value in values
                ],
            )
        ordered = defaultdict(list)
        for line, action, row in zip(lines, actions, rows, strict=True):
            due = fields.Date.to_date(row["date_maturity"])
            ordered[action].append(
                (row["is_credit"], due is None, due or date.min, line.id)
            )
        line_ids = self.env["account.dunning.action"]._fields["line_ids"]
        for action, keys in ordered.items():
            cache.set(action, line_ids, tuple(key[-1] for key in sorted(keys)))

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
