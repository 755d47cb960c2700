"""Execution: carry out dunning actions, each on its own (SPEC §2.5.5, §2.5.8).

Each action runs in its own savepoint: the open amounts are read again first,
then the recipient is checked for every channel, then each channel runs
(``account.dunning.channel``). A failure (no email address, no postal
address, mail error) rolls back that action only, marks it failed with a
readable reason, and the others go on.
"""

import logging

from psycopg2 import errors as pg_errors

from odoo import Command, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Concurrency errors must reach the cron runner, which retries the batch.
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


class AccountDunningExecution(models.AbstractModel):
    _name = "account.dunning.execution"
    _description = "Dunning Action Execution"

    @api.model
    def _execute(self, actions):
        """Carry out ``actions`` (``account.dunning.action``) one by one; a
        failing one is marked failed and never stops the others."""
        for action in actions:
            try:
                with self.env.cr.savepoint():
                    self._execute_one(action)
            except RETRYABLE:
                raise
            except Exception as error:  # noqa: BLE001 - one action never stops the run
                if not isinstance(error, UserError):
                    _logger.exception("Dunning action %s failed", action.name)
                self._mark_failed(action, error.args[0] if error.args else repr(error))

    @api.model
    def _execute_one(self, action):
        if not self._drop_paid_moves(action):
            return
        Channel = self.env["account.dunning.channel"]
        Channel._check_recipient(action)
        Channel._prepare_letter(action)
        for fname, handler in Channel._get_handlers().items():
            if action[fname]:
                handler(action)
        self._update_moves(action)
        action.write(
            {"state": "done", "user_id": self.env.uid, "failure_reason": False}
        )
        action._post_history(
            self.env._(
                "Dunning action carried out: %(channels)s.",
                channels=action.channels_display,
            )
            if not action.level_id
            else self.env._(
                "Dunning level “%(level)s” carried out: %(channels)s.",
                level=action.level_id.name,
                channels=action.channels_display,
            )
        )

    @api.model
    def _mark_failed(self, action, reason):
        """The failure counts for the cadence and waits for the accountant."""
        action.write(
            {"state": "failed", "failure_reason": reason, "user_id": self.env.uid}
        )
        action._post_history(
            self.env._("Dunning action failed: %(reason)s", reason=reason)
        )

    @api.model
    def _drop_paid_moves(self, action):
        """Read the open amounts again right before acting (SPEC §2.5.5).

        :return: False when nothing is left to remind (the action is cancelled)
        """
        moves = action.move_ids
        moves.invalidate_recordset(["amount_residual", "payment_state"])
        paid = moves.filtered(
            lambda m: (
                m.payment_state not in ("not_paid", "partial")
                or m.currency_id.is_zero(m.amount_residual)
            )
        )
        if paid:
            action.move_ids = [Command.unlink(move.id) for move in paid]
            action._post_history(
                self.env._(
                    "Paid meanwhile, left out of this reminder: %(invoices)s.",
                    invoices=", ".join(paid.mapped("name")),
                )
            )
        if not action.move_ids:
            action.state = "cancelled"
            action._post_history(
                self.env._("Every invoice was paid meanwhile: nothing was sent.")
            )
            return False
        action.amount_due = action.move_ids._dunning_open_amount()
        return True

    @api.model
    def _update_moves(self, action):
        """Record the level reached on the invoices; a formal notice starts
        legal interest (SPEC §4.3)."""
        moves = action.move_ids
        vals = {"dunning_last_date": action.date}
        if action.level_id:
            vals["dunning_level_id"] = action.level_id.id
        moves.write(vals)
        if (
            action.level_id.is_formal_notice
            or action.dunning_workflow == "formal_notice"
        ):
            notified = moves.filtered(lambda m: not m.dunning_formal_notice_date)
            notified.write(
                {
                    "dunning_formal_notice_date": action.date,
                    "dunning_litigation_stage": "formal_notice",
                }
            )
