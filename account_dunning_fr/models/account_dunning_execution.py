"""Execution: carry out dunning actions, each on its own.

Each action runs in its own savepoint: the open amounts are read again first,
then the recipient is checked for every channel, then each channel runs
(``account.dunning.channel``). A failure (no email address, no postal
address, mail error) rolls back that action only, marks it failed with a
readable reason, and the others go on. Many actions are first tried
together (``account.dunning.batch``), which leaves to this path what it
cannot do safely.
"""

import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Concurrency errors must reach the cron runner, which retries the batch.
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


class AccountDunningExecution(models.AbstractModel):
    _name = "account.dunning.execution"
    _description = "Dunning Action Execution"

    @api.model
    def _execute(self, actions):
        """Carry out ``actions`` (``account.dunning.action``): together where
        it is safe (``account.dunning.batch``), else one by one; a failing
        one is marked failed and never stops the others."""
        actions = self.env["account.dunning.batch"]._execute_together(actions)
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
        # The history posted at the end (or the reason of the cancellation)
        # says what was done: no tracking message besides it.
        action = action.with_context(mail_notrack=True)
        if not self.env["account.dunning.batch"]._drop_paid_moves(action):
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
        # What could not even leave (an SMS refused at once) and the
        # undelivered reminder this letter replaces.
        Undelivered = self.env["account.dunning.undelivered"]
        Undelivered._propose_letter(action)
        Undelivered._settle(action.replaced_action_id)
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
    def _redate(self, actions, date):
        """Actions carried out after the day they were planned take the day
        they leave, and their announced deadline follows."""
        for action in actions.filtered(lambda a: a.date < date):
            vals = {"date": date}
            days = action.level_id.payment_deadline_days
            if days:
                vals["deadline_date"] = date + timedelta(days=days)
            action.write(vals)

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
    def _update_moves(self, action):
        """Record on each item the level it moved up to, and on the invoices
        the highest level of their items; a formal notice that has left
        starts legal interest (C. civ. 1344-1). The same writes as for many
        actions carried out together."""
        self.env["account.dunning.batch"]._update_moves(action)

    @api.model
    def _mark_letters_sent(self, actions, date=None):
        """The printed letters of ``actions`` left for the post on ``date``."""
        date = date or fields.Date.context_today(self)
        for action in actions:
            action.write({"print_state": "printed", "letter_sent_date": date})
            action.delivery_ids.filtered(lambda d: d.channel == "letter")._set_state(
                "sent"
            )
            if action.state == "done":
                self._record_formal_notice(action, date)

    @api.model
    def _notified_moves(self, action):
        """Invoices whose items ``action`` took to a formal notice."""
        is_notice = action.dunning_workflow == "formal_notice"
        return action.line_ids.filtered(
            lambda line: line.advanced and (line.level_id.is_formal_notice or is_notice)
        ).move_id

    @api.model
    def _record_formal_notice(self, action, date):
        """The formal notice is dated the day it leaves: legal interest runs
        from it (C. civ. 1344, 1231-6); its acknowledgment is kept beside it."""
        notified = self._notified_moves(action).filtered(
            lambda m: not m.dunning_formal_notice_date
        )
        vals = {
            "dunning_formal_notice_date": date,
            "dunning_litigation_stage": "formal_notice",
        }
        if action.registered_ack_date:
            vals["dunning_formal_notice_ack_date"] = action.registered_ack_date
        # Tracked even within a run that tracks nothing else: it is evidence.
        notified.with_context(mail_notrack=False).write(vals)

    @api.model
    def _withdraw_formal_notice(self, action):
        """A formal notice that reached nobody (every written channel of
        ``action`` failed) never put the customer on notice: the date it
        recorded on its invoices is withdrawn, so that legal interest runs
        from the letter sent in its place (C. civ. 1344, 1344-1).

        :return: the invoices (``account.move``) whose date was withdrawn
        """
        withdrawn = self._notified_moves(action).filtered(
            lambda m: (
                m.dunning_formal_notice_date == action.date
                and not m.dunning_formal_notice_ack_date
            )
        )
        if withdrawn:
            withdrawn.write(
                {
                    "dunning_formal_notice_date": False,
                    "dunning_litigation_stage": "amicable",
                }
            )
            action._post_history(
                self.env._(
                    "The formal notice did not reach the customer: it no longer "
                    "dates the invoices %(invoices)s; the letter sent in its place "
                    "will.",
                    invoices=", ".join(withdrawn.mapped("name")),
                )
            )
        return withdrawn

    @api.model
    def _record_formal_notice_receipt(self, actions):
        """Keep the acknowledgment of receipt of sent formal notices beside
        their date on the invoices."""
        for action in actions:
            self._notified_moves(action).write(
                {"dunning_formal_notice_ack_date": action.registered_ack_date}
            )
