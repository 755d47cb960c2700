"""One customer of a dunning run: the action planned for it, carried out once.

A unit holds either the values of the action the planning gave (the daily
run) or the proposed action the accountant kept (the run wizard). Units are
claimed with ``FOR UPDATE SKIP LOCKED``, so two callbacks or two workers never
take the same one; the database refuses a second action for a unit, so a unit
taken up again after a crash is never carried out twice.
"""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.json_values import to_json
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
    _description = "Dunning Run Unit"
    _order = "run_id, id"
    _check_company_auto = True

    run_id = fields.Many2one(
        "account.dunning.run", required=True, ondelete="cascade", index=True
    )
    # Not precomputed: the ORM would build a new record in memory for each
    # of the thousands of units a planning writes; stored once for all of
    # them after they are inserted.
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    level_id = fields.Many2one("account.dunning.level", string="Planned Level")
    state = fields.Selection(
        UNIT_STATES, default="pending", required=True, index=True, copy=False
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
    failure_reason = fields.Text(readonly=True, copy=False)

    @api.depends("action_ids")
    def _compute_action_id(self):
        for unit in self:
            unit.action_id = unit.action_ids[:1]

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
    def _claim(self, limit, runs=None, exclude=()):
        """Lock up to ``limit`` pending units of running runs for this
        transaction; units another transaction holds are passed over.

        :param limit: how many units at most
        :param runs: ``account.dunning.run`` to take from, or None for all
        :param exclude: unit ids not to take again in this callback
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
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

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
                with self.env.cr.savepoint():
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
    def _pack_action_vals(self, action_vals):
        """The planned action's values as a unit keeps them (JSON), its lines
        as ``[item id, id of the level the item moves up to or False]``: the
        items' amounts are read again when the unit is carried out, so that
        a payment made meanwhile is never claimed, and a planning writes
        thousands of units at once.

        :param action_vals: values of ``account.dunning.action.create`` with
            ``line_ids`` as create commands
        :return: JSON-ready dict (see ``_get_planned_action_vals``)
        """
        vals = dict(action_vals)
        if "line_ids" in vals:
            vals["line_ids"] = [
                [line["move_line_id"], line["level_id"] if line["advanced"] else False]
                for _command, _id, line in vals["line_ids"]
            ]
        return to_json(vals)

    def _get_planned_action_vals(self):
        """Values creating these units' planned actions, their lines made
        from the items as they are now; what an action claims is the sum of
        its lines.

        :return: ``{unit id: dict for account.dunning.action.create}``
        """
        packed = {
            unit.id: (unit.action_vals or {}).get("line_ids", []) for unit in self
        }
        # Read together: the items of every unit of the set.
        items = self.env["account.move.line"].browse(
            [item_id for lines in packed.values() for item_id, _level_id in lines]
        )
        by_id = {item.id: item for item in items}
        Builder = self.env["account.dunning.planning"]
        result = {}
        for unit in self:
            vals = dict(unit.action_vals, run_unit_id=unit.id)
            if packed[unit.id]:
                plain = [
                    by_id[item_id]._dunning_item() for item_id, _l in packed[unit.id]
                ]
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
                )
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
        # The accountant validated these in the run wizard.
        (kept - handled).action_id.action_execute()
        planned = self - kept
        vals = planned._get_planned_action_vals()
        actions = self.env["account.dunning.planning"]._create_proposals(
            [vals[unit.id] for unit in planned]
        )
        actions.filtered(lambda a: a._runs_by_itself())._carry_out()
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
