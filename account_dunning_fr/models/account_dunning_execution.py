"""Execution: carry out dunning actions, one way for one action or many.

The actions of a set are carried out together, in one savepoint: the items
read again (what was settled meanwhile leaves its action, and an action left
with nothing to claim is cancelled with its reason), the recipient of each
written channel chosen and recorded, each channel over the whole set
(``account.dunning.send``), the levels written on items and invoices grouped
by value, the history logged in one batch. When the set fails, each of its
actions is carried out again alone through the same steps, in its own
savepoint: the failure then belongs to one action, which is marked failed
with a readable reason, and the others go on. An action nobody can receive
is marked failed before the set runs. Two actions claiming the same invoice
are never in the same set: their levels are written one after the other.
"""

import logging
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

from ..tools import dunning_steps

_logger = logging.getLogger(__name__)

# Concurrency errors must reach the cron runner, which retries the set.
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


class AccountDunningExecution(models.AbstractModel):
    _name = "account.dunning.execution"
    _description = "Dunning Execution"

    @api.model
    def _carry_out(self, actions):
        """Carry out ``actions`` (``account.dunning.action``, proposed or
        failed): in sets that share no invoice, each set together, a failing
        set action by action; a failing action is marked failed with its
        reason and never stops the others.

        :raise: the concurrency errors of ``RETRYABLE``, for the caller
        """
        for group in self._split_by_moves(actions):
            self._carry_out_set(group)

    @api.model
    def _split_by_moves(self, actions):
        """``actions`` in sets no two actions of which claim the same
        invoice, in their order.

        :return: list of ``account.dunning.action`` recordsets
        """
        sets = []
        for action in actions:
            moves = set(action.move_ids.ids)
            for ids, claimed in sets:
                if not moves & claimed:
                    ids.append(action.id)
                    claimed |= moves
                    break
            else:
                sets.append(([action.id], moves))
        return [actions.browse(ids) for ids, _claimed in sets]

    @api.model
    def _carry_out_set(self, actions):
        """Carry out ``actions``, which share no invoice, together; when
        that fails, each of them alone through this same method."""
        actions = self._with_known_blacklist(actions)
        live = self._drop_paid_moves(actions)
        # In the actions' context: the recipient checks reuse the blacklist
        # read once for the set.
        Send = actions.env["account.dunning.send"]
        recipients = {}
        for action in live:
            try:
                recipients[action.id] = Send._choose_recipients(action)
            except UserError as error:
                self._mark_failed(action, error.args[0])
        live = live.filtered(lambda a: a.id in recipients)
        if not live:
            return
        try:
            with self.env.cr.savepoint():
                self._carry_out_steps(live, recipients)
        except RETRYABLE:
            raise
        except Exception as error:  # noqa: BLE001 - one action never stops the run
            if len(live) > 1:
                _logger.exception(
                    "Dunning actions %s failed together: carried out one by one",
                    live.ids,
                )
                for action in live:
                    self._carry_out_set(action)
                return
            if not isinstance(error, UserError):
                _logger.exception("Dunning action %s failed", live.name)
            self._mark_failed(live, error.args[0] if error.args else repr(error))

    @api.model
    def _carry_out_steps(self, actions, recipients):
        """The steps of carrying out ``actions``, each over all of them.

        :param recipients: ``{action id: values of the recipients chosen}``
            (``account.dunning.send._choose_recipients``)
        """
        # The history posted at the end says what was done: no tracking
        # message besides it.
        actions = actions.with_context(mail_notrack=True)
        for action in actions:
            action.write(recipients[action.id])
        Send = actions.env["account.dunning.send"]
        Send._prepare_letters(actions)
        for fname, handler in Send._get_handlers().items():
            targets = actions.filtered(fname)
            if targets:
                handler(targets)
        self._update_moves(actions)
        actions.write(
            {"state": "done", "user_id": self.env.uid, "failure_reason": False}
        )
        # What could not even leave (an SMS refused at once) proposes the
        # level's letter in its place; the base method does nothing for a
        # level without that option, so those actions cost no query.
        Delivery = self.env["account.dunning.delivery"]
        for action in actions.filtered(lambda a: a.level_id.undelivered_letter):
            Delivery._propose_letter(action)
        Delivery._settle(actions.replaced_action_id)
        # The customer's history says it; the action's fields are its record.
        actions._post_history(
            {action.id: self._done_text(action) for action in actions},
            on_actions=False,
        )

    @api.model
    def _with_known_blacklist(self, actions):
        """``actions`` in a context that knows which of their contacts'
        email addresses are blacklisted: the recipient checks then read the
        blacklist once for the set instead of once per customer."""
        customers = actions.partner_id.commercial_partner_id
        contacts = customers | customers.child_ids | actions.contact_id
        contacts |= customers.dunning_contact_id
        emails = sorted(
            {email_normalize(email) for email in contacts.mapped("email") if email}
            - {False}
        )
        if not emails:
            return actions
        # Only administrators may read Odoo's email blacklist; whoever runs the
        # dunning must still not write to a blacklisted address.
        blacklisted = (
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", emails)])
            .mapped("email")
        )
        return actions.with_context(
            dunning_blacklist_checked=tuple(emails),
            dunning_blacklisted=tuple(sorted(blacklisted)),
        )

    @api.model
    def _done_text(self, action):
        if not action.level_id:
            return self.env._(
                "Dunning action carried out: %(channels)s.",
                channels=action.channels_display,
            )
        return self.env._(
            "Dunning level “%(level)s” carried out: %(channels)s.",
            level=action.level_id.name,
            channels=action.channels_display,
        )

    @api.model
    def _drop_paid_moves(self, actions):
        """Read the customers' items again right before acting, so that no
        letter claims what was paid meanwhile: items settled meanwhile, or
        of invoices to be paid to a factor since, leave their action, the
        claim becomes the net open amount of what is left, and an action left
        with nothing to claim is cancelled with its reason, never sent. The
        open amounts of the whole set are read in one query, and only what
        changed is written.

        :param actions: ``account.dunning.action`` about to be carried out
        :return: the actions still to carry out
        """
        lines = actions.line_ids
        lines.move_line_id.invalidate_recordset(
            ["amount_residual", "amount_residual_currency", "reconciled"]
        )
        lines.move_line_id.mapped("amount_residual")
        # An invoice approved in part only: the approved part left is what
        # its items claim (account.move.line._dunning_claimable_amounts).
        claimed = lines.filtered(
            lambda line: not line.is_credit
        ).move_line_id._dunning_claimable_amounts()

        def open_amounts(item):
            return claimed.get(
                item.id, (item.amount_residual, item.amount_residual_currency)
            )

        live = actions.browse()
        for action in actions:
            currency = action.company_id.currency_id
            settled = action.line_ids.filtered(
                lambda line, cur=currency: (
                    line.move_line_id.reconciled
                    or cur.is_zero(line.move_line_id.amount_residual)
                    or (
                        line.move_line_id.id in claimed
                        and cur.compare_amounts(open_amounts(line.move_line_id)[0], 0)
                        <= 0
                    )
                )
            )
            # An invoice sold to a factor meanwhile is the factor's to claim
            # (C. civ. 1346-5): ours no more, whatever is left to pay on it.
            factored = (action.line_ids - settled).filtered(
                lambda line: line.move_id.dunning_factor_id
            )
            if settled:
                paid = settled.filtered(lambda line: not line.is_credit).move_id
                settled.unlink()
                if paid:
                    action._post_history(
                        self.env._(
                            "Paid meanwhile, left out of this reminder: %(invoices)s.",
                            invoices=", ".join(paid.mapped("name")),
                        )
                    )
            if factored:
                sold = factored.move_id
                factored.unlink()
                action._post_history(
                    self.env._(
                        "To be paid to a factor, left out of this reminder: "
                        "%(invoices)s.",
                        invoices=", ".join(sold.mapped("name")),
                    )
                )
            for line in action.line_ids:
                amount, amount_currency = open_amounts(line.move_line_id)
                if (line.amount_residual, line.amount_residual_currency) != (
                    amount,
                    amount_currency,
                ):
                    line.write(
                        {
                            "amount_residual": amount,
                            "amount_residual_currency": amount_currency,
                        }
                    )
            debits = action.line_ids.filtered(lambda line: not line.is_credit)
            if action.move_ids != debits.move_id:
                action.move_ids = [Command.set(debits.move_id.ids)]
            amount_due = sum(action.line_ids.mapped("amount_residual"))
            if action.amount_due != amount_due:
                action.amount_due = amount_due
            if not debits and factored:
                reason = self.env._(
                    "Nothing is left to claim: the invoices were paid or are to "
                    "be paid to a factor. Nothing was sent."
                )
            elif not debits:
                reason = self.env._(
                    "Every invoice was paid meanwhile: nothing was sent."
                )
            elif currency.compare_amounts(amount_due, 0.0) <= 0:
                reason = self.env._(
                    "The customer's credits cover what is overdue: nothing was "
                    "sent; match them instead."
                )
            else:
                live |= action
                continue
            action.state = "cancelled"
            action._post_history(reason)
        return live

    @api.model
    def _update_moves(self, actions):
        """Record on each item of ``actions`` the level it moved up to, and
        on the invoices the highest level of their items: one write per level
        and day reached, for the items then the invoices (writing an invoice
        checks its balance and reads its taxes, which must not cost a query
        per invoice). A formal notice that has left starts legal interest
        (C. civ. 1344-1)."""
        # The dunning level and date are no accounting: Odoo's balance check
        # and its tax and invoice line synchronisation, which read every line
        # of the invoices one by one, have nothing to do for them; nor has
        # the tracking of their journal items, which has none to track (the
        # run tracks no level: each invoice lists its reminders in its
        # dunning tab, read from the actions' lines).
        actions = actions.with_context(
            check_move_validity=False,
            skip_invoice_sync=True,
            skip_invoice_line_sync=True,
            tracking_disable=True,
        )
        for action in actions.filtered(lambda a: a.print_state != "to_print"):
            self._record_formal_notice(action, action.date)
        items = defaultdict(list)
        for action in actions:
            for line in action.line_ids.filtered("advanced"):
                items[line.level_id.id, action.date].append(line.move_line_id.id)
        MoveLine = actions.env["account.move.line"]
        for (level_id, date), ids in items.items():
            MoveLine.browse(ids).write(
                {"dunning_level_id": level_id, "dunning_last_date": date}
            )
        # The levels each invoice's items reached, read in one query (loading
        # every line of the invoices, products and taxes, cost more than the
        # writes); the invoice takes the highest, as the customer does.
        MoveLine.flush_model(["dunning_level_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT move_id, dunning_level_id
                  FROM account_move_line
                 WHERE move_id = ANY(%s) AND dunning_level_id IS NOT NULL
                """,
                actions.move_ids.ids,
            )
        )
        level_ids = defaultdict(set)
        for move_id, level_id in self.env.cr.fetchall():
            level_ids[move_id].add(level_id)
        # sudo: the rank of levels the run itself wrote on these items, read
        # whatever the companies the user works in (as the items are).
        Level = self.env["account.dunning.level"].sudo()
        levels = Level._get_step_levels(set().union(*level_ids.values()))
        reached = {
            move_id: dunning_steps.highest(levels[level_id] for level_id in ids).id
            for move_id, ids in level_ids.items()
        }
        moves = defaultdict(list)
        for action in actions:
            for move in action.move_ids:
                moves[reached.get(move.id), action.date].append(move.id)
        Move = actions.env["account.move"]
        for (level_id, date), ids in moves.items():
            vals = {"dunning_last_date": date}
            if level_id:
                vals["dunning_level_id"] = level_id
            Move.browse(ids).write(vals)

    @api.model
    def _redate(self, actions, date):
        """Actions carried out after the day they were planned take the day
        they leave, and their announced deadline follows."""
        for action in actions.filtered(lambda a: a.date < date):
            vals = {"date": date}
            if action.level_id:
                vals["deadline_date"] = action.level_id._get_deadline_date(date)
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
        if not notified:
            # Most reminders are no formal notice: no write (and none of the
            # invoice's write checks) for them.
            return
        if action.registered_ack_date:
            vals["dunning_formal_notice_ack_date"] = action.registered_ack_date
        # Tracked even within a run that tracks nothing else: it is evidence.
        notified.with_context(mail_notrack=False, tracking_disable=False).write(vals)

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
