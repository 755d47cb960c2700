"""One customer of a dunning run: the action planned for it, carried out once.

A unit holds either the values of the action the planning gave (the daily
run, and the run wizard's preview) or a proposed action of an earlier run
waiting for the accountant. What the accountant may change before the run is
carried out, the recipient and the channels, are fields of the unit; the
rest of the planned action is kept as values (JSON). Units are
claimed with ``FOR UPDATE SKIP LOCKED``, so two callbacks or two workers never
take the same one; the database refuses a second action for a unit, so a unit
taken up again after a crash is never carried out twice.
"""

import json
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.expected_refusals import expected_refusals
from ..tools.json_values import to_json
from ..tools.vocabularies import CHANNELS
from .account_dunning_execution import RETRYABLE

_logger = logging.getLogger(__name__)

UNIT_STATES = [
    ("pending", "Pending"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
]


class AccountDunningRunUnit(models.Model):
    _name = "account.dunning.run.unit"
    _inherit = ["account.dunning.channel.mixin"]
    _description = "Dunning Run Unit"
    _order = "run_id, id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "account.dunning.run", required=True, ondelete="cascade", index=True
    )
    # The run's company, given when the unit is created (``_prepare_vals``):
    # a related field would be computed again for each of the thousands of
    # units a planning writes, and the company rule checked on each.
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    level_id = fields.Many2one("account.dunning.level", string="Planned Level")
    state = fields.Selection(
        UNIT_STATES, default="pending", required=True, index=True, copy=False
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        help="Who receives the reminder: planned by the recipient rules, "
        "changed here before the run is carried out.",
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_planned_action"
    )
    amount_due = fields.Monetary(
        string="Amount Reminded",
        compute="_compute_planned_action",
        currency_field="currency_id",
        help="What the reminder claims as planned, in company currency; read "
        "again from the invoices when it is carried out.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    hold_reason = fields.Char(
        compute="_compute_planned_action",
        help="Why the action would wait for an accountant instead of being "
        "carried out by the run.",
    )
    answer_id = fields.Many2one(
        "account.dunning.answer",
        string="Customer Answered",
        compute="_compute_planned_action",
    )
    action_vals = fields.Json(
        string="Planned Action",
        copy=False,
        help="Values of the action the planning gave, created when the unit "
        "is carried out.",
    )
    action_ids = fields.One2many(
        "account.dunning.action", "run_unit_id", string="Actions of the Unit"
    )
    action_id = fields.Many2one("account.dunning.action", compute="_compute_action_id")
    waiting_action_id = fields.Many2one(
        "account.dunning.action",
        readonly=True,
        ondelete="cascade",
        help="A proposed action of an earlier run, waiting for the accountant, "
        "that the run wizard's preview lists with this run's customers.",
    )
    failure_reason = fields.Text(readonly=True, copy=False)

    @api.depends("action_ids")
    def _compute_action_id(self):
        for unit in self:
            unit.action_id = unit.action_ids[:1]

    @api.depends("action_vals", "action_ids", "waiting_action_id")
    def _compute_planned_action(self):
        """What the run wizard's preview shows of each unit: from its action
        when it has one, else from the planned values."""
        Move = self.env["account.move"]
        Answer = self.env["account.dunning.answer"]
        for unit in self:
            action = unit.action_id or unit.waiting_action_id
            vals = unit.action_vals or {}
            if action:
                unit.move_ids = action.move_ids
                unit.amount_due = action.amount_due
                unit.hold_reason = action.hold_reason
                unit.answer_id = action.answer_id
            else:
                unit.move_ids = Move.browse(unit._get_move_ids())
                unit.amount_due = vals.get("amount_due", 0.0)
                unit.hold_reason = vals.get("hold_reason") or False
                unit.answer_id = Answer.browse(vals.get("answer_id") or [])

    def init(self):
        # The claim looks for the pending units of running runs.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS account_dunning_run_unit_pending_idx
                ON account_dunning_run_unit (run_id, id)
             WHERE state = 'pending'
            """
        )

    # ---------------------------------------------------------- business methods
    @api.model
    def _count_pending(self, runs=None):
        domain = [("state", "=", "pending"), ("run_id.state", "=", "running")]
        if runs is not None:
            domain.append(("run_id", "in", runs.ids))
        # The scheduled action carries out the units of every company: its
        # progress counts them all, whatever companies its user may open.
        return self.sudo().search_count(domain)

    @api.model
    def _claim(self, limit, runs=None, exclude=(), among=None):
        """Lock up to ``limit`` pending units of running runs for this
        transaction; units another transaction holds, or changed since this
        one began, are passed over.

        :param limit: how many units at most
        :param runs: ``account.dunning.run`` to take from, or None for all
        :param exclude: unit ids not to take again in this callback
        :param among: ``account.dunning.run.unit`` to take from (a queue
            job's set), or None for all
        :return: ``account.dunning.run.unit`` recordset, oldest first
        """
        # The claim reads the database: what this transaction did must be there.
        self.flush_model(["state", "run_id"])
        self.env["account.dunning.run"].flush_model(["state"])
        conditions = [SQL("u.state = 'pending'"), SQL("r.state = 'running'")]
        if runs is not None:
            conditions.append(SQL("u.run_id = ANY(%s)", runs.ids))
        if exclude:
            conditions.append(SQL("u.id != ALL(%s)", list(exclude)))
        if among is not None:
            conditions.append(SQL("u.id = ANY(%s)", among.ids))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT u.id
                          FROM account_dunning_run_unit u
                          JOIN account_dunning_run r ON r.id = u.run_id
                         WHERE %s
                         ORDER BY u.id
                         LIMIT %s
                           FOR UPDATE OF u SKIP LOCKED
                        """,
                        SQL(" AND ").join(conditions),
                        limit,
                    ),
                    # A race the database settles, not a failed query.
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except RETRYABLE:
            # Another worker carried out a unit after this transaction began
            # (repeatable read): what is left goes to a later transaction,
            # which sees what that worker did.
            return self.browse()
        return self.browse(ids)

    def _carry_out_units(self):
        """Carry out these units, one way whatever their number: each group
        of units run with the same rights as one set, their invoices locked
        in one query, their actions created and carried out together. A set
        that fails, or whose invoices another transaction holds, is carried
        out again unit by unit through this same method: a failure is then
        recorded on its own unit, and a customer whose invoices are held (a
        payment being registered) stays pending for a later claim.

        :return: the units left pending (their invoices were held)
        """
        busy = self.browse()
        for group in self._group_by_runner():
            try:
                # Another worker at the same customer makes the database
                # refuse a statement: caught below, not a fault to log.
                with expected_refusals(), self.env.cr.savepoint():
                    group._lock_moves()
                    results = group._carry_out_set()
            except RETRYABLE:
                # Which customer is held, the units one by one tell.
                if len(group) == 1:
                    busy |= self.browse(group.id)
                    continue
                results = None
            except Exception as error:  # noqa: BLE001 - one customer never stops the run
                if len(group) > 1:
                    _logger.exception(
                        "Dunning run units %s failed together: one by one", group.ids
                    )
                    results = None
                else:
                    _logger.exception("Dunning run unit %s failed", group.id)
                    reason = error.args[0] if error.args else repr(error)
                    results = {group.id: ("failed", reason)}
            if results is None:
                for unit in self.browse(group.ids):
                    busy |= unit._carry_out_units()
                continue
            by_state = defaultdict(list)
            for unit_id, (state, reason) in results.items():
                by_state[state, reason].append(unit_id)
            for (state, reason), ids in by_state.items():
                self.browse(ids).write({"state": state, "failure_reason": reason})
        return busy

    def _group_by_runner(self):
        """These units in groups carried out with the same rights.

        :return: list of ``account.dunning.run.unit`` recordsets, each in
            the environment of its runner (``_as_runner``)
        """
        groups = {}
        for unit in self:
            env = unit._as_runner().env
            key = (env.uid, env.su, env.company.id)
            groups.setdefault(key, (env, []))[1].append(unit.id)
        return [self.with_env(env).browse(ids) for env, ids in groups.values()]

    def _as_runner(self):
        run = self.run_id
        unit = self.with_company(run.company_id)
        # Cron callbacks run as the superuser: a run started by hand is
        # carried out with the rights of the accountant who started it.
        if run.origin == "manual" and run.user_id and run.user_id != self.env.user:
            unit = unit.with_user(run.user_id)
        return unit

    @api.model
    def _prepare_vals(self, run, action_vals):
        """Values of the unit of ``run`` planned with ``action_vals``: the
        recipient and the channels as fields of their own, which the
        accountant may change in the run wizard's preview; the rest as
        JSON, its lines as ``[item id, id of the level the item moves up to
        or False]``: the items' amounts are read again when the unit is
        carried out, so that a payment made meanwhile is never claimed, and
        a planning writes thousands of units at once.

        :param run: ``account.dunning.run``
        :param action_vals: values of ``account.dunning.action.create`` with
            ``line_ids`` as create commands
        :return: dict for ``_insert_planned`` (see ``_get_planned_action_vals``)
        """
        vals = dict(action_vals)
        own = {fname: bool(vals.pop(fname, False)) for fname in CHANNELS}
        own["contact_id"] = vals.pop("contact_id", False) or False
        if "line_ids" in vals:
            vals["line_ids"] = [
                [line["move_line_id"], line["level_id"] if line["advanced"] else False]
                for _command, _id, line in vals["line_ids"]
            ]
        return {
            "run_id": run.id,
            "company_id": run.company_id.id,
            "partner_id": action_vals["partner_id"],
            "level_id": action_vals.get("level_id") or False,
            "action_vals": to_json(vals),
            **own,
        }

    @api.model
    def _insert_planned(self, vals_list):
        """Write the units a planning gives, a thousand or more at a time, in
        one INSERT statement: the ORM's ``create`` spent a quarter of a
        millisecond per unit on defaults, JSON copies and cache, which made
        the run wizard's preview of a large company wait seconds for rows
        that hold plain values. The rights are those of ``create``.

        :param vals_list: list of dicts of ``_prepare_vals``: ``run_id``,
            ``company_id``, ``partner_id``, ``level_id``, ``contact_id``, the
            channels and ``action_vals`` (JSON-ready), nothing else
        :return: ids of the units inserted, in order
        """
        self.check_access("create")
        if not vals_list:
            return []
        columns = [
            "run_id",
            "company_id",
            "partner_id",
            "level_id",
            "contact_id",
            *CHANNELS,
        ]
        uid, now = self.env.uid, self.env.cr.now()
        rows = [
            SQL(
                "(%s, 'pending', %s::jsonb, %s, %s, %s, %s)",
                SQL(", ").join(
                    [SQL("%s", vals.get(name) or None) for name in columns[:5]]
                    + [SQL("%s", bool(vals.get(name))) for name in CHANNELS]
                ),
                json.dumps(vals["action_vals"]),
                uid,
                now,
                uid,
                now,
            )
            for vals in vals_list
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_dunning_run_unit
                       (%s, state, action_vals, create_uid, create_date,
                        write_uid, write_date)
                VALUES %s
                RETURNING id
                """,
                SQL(", ").join(SQL.identifier(name) for name in columns),
                SQL(", ").join(rows),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _get_own_vals(self):
        """The recipient and channels of this unit, as the action takes them."""
        self.ensure_one()
        return {"contact_id": self.contact_id.id, **self._get_channel_vals()}

    def _get_planned_action_vals(self):
        """Values creating these units' planned actions, their lines made
        from the items as they are now; what an action claims is the sum of
        its lines.

        :return: ``{unit id: dict for account.dunning.action.create}``
        """
        # Each read of a JSON field returns a deep copy: read once per unit.
        planned = {unit.id: unit.action_vals or {} for unit in self}
        packed = {
            unit_id: vals.get("line_ids", []) for unit_id, vals in planned.items()
        }
        # Read together: the items of every unit of the set.
        items = self.env["account.move.line"].browse(
            [item_id for lines in packed.values() for item_id, _level_id in lines]
        )
        # What may be claimed of each item, read once for the set.
        by_id = {item.id: item for item in items._dunning_items()}
        Builder = self.env["account.dunning.planning"]
        result = {}
        for unit in self:
            vals = dict(planned[unit.id], run_unit_id=unit.id, **unit._get_own_vals())
            if packed[unit.id]:
                plain = [by_id[item_id] for item_id, _l in packed[unit.id]]
                vals.update(Builder._prepare_claim_vals(plain, dict(packed[unit.id])))
            result[unit.id] = vals
        return result

    def _get_move_ids(self):
        if self.action_id:
            return self.action_id.move_ids.ids
        for command in (self.action_vals or {}).get("move_ids", []):
            if command[0] == 6:
                return command[2]
        return []

    def _lock_moves(self):
        """Hold the customers' invoices while the units run, without waiting:
        a payment being registered on one of them wins, the unit waits for a
        later claim (LockNotAvailable, or SerializationFailure when the
        payment was committed after this transaction began)."""
        move_ids = sorted({mid for unit in self for mid in unit._get_move_ids()})
        if move_ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM account_move WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                    move_ids,
                ),
                # The caller expects the refusal: not a failed query to log.
                log_exceptions=False,
            )

    def _carry_out_set(self):
        """Create the planned actions of these units, or take the ones the
        accountant kept, and carry them out together.

        The letters are left to render apart (``dunning_defer_letters``):
        the letters' scheduled action, or the caller for a run carried out
        at once, renders them in groups.

        :return: ``{unit id: (unit state, failure reason or False)}``
        """
        self = self.with_context(dunning_defer_letters=True)
        results = {}
        kept = self.filtered("action_id")
        handled = kept.filtered(
            lambda unit: unit.action_id.state not in ("proposed", "failed")
        )
        for unit in handled:
            results[unit.id] = (
                "skipped",
                self.env._("The action was handled meanwhile."),
            )
        # The accountant validated these in the run wizard, with the
        # recipient and channels chosen there.
        for unit in kept - handled:
            action = unit.action_id
            current = {"contact_id": action.contact_id.id, **action._get_channel_vals()}
            changed = {
                fname: value
                for fname, value in unit._get_own_vals().items()
                if current[fname] != value
            }
            if changed:
                action.write(changed)
        (kept - handled).action_id.action_execute()
        planned = self - kept
        vals = planned._get_planned_action_vals()
        actions = self.env["account.dunning.planning"]._create_proposals(
            [vals[unit.id] for unit in planned]
        )
        # A run the accountant validated in the run wizard carries out every
        # action it kept; otherwise the levels that wait for an accountant,
        # and the actions something holds, stay proposed.
        validated = self.run_id.filtered("validated")
        actions.filtered(
            lambda a: (
                a.state == "proposed"
                and (a.run_unit_id.run_id in validated or a._runs_by_itself())
            )
        )._carry_out()
        by_unit = {action.run_unit_id.id: action for action in actions}
        by_unit.update({unit.id: unit.action_id for unit in kept - handled})
        for unit in self - handled:
            action = by_unit.get(unit.id)
            if not action:
                results[unit.id] = (
                    "skipped",
                    self.env._("Already reminded on this day by another run."),
                )
            elif action.state == "failed":
                results[unit.id] = ("failed", action.failure_reason)
            else:
                results[unit.id] = ("done", False)
        return results

    def _skip(self, reason):
        self.write({"state": "skipped", "failure_reason": reason})
