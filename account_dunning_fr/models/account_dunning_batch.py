"""Carry out many dunning actions together.

The daily run claims a set of customers at once; carrying out their actions
one by one costs dozens of queries per customer (a savepoint, a history
message, a write and a read per action). Here the same steps run over the
whole set: the open amounts re-read in one go, the levels written grouped by
identical values, the deliveries created together, the history logged in
one batch per model.

What is done must stay the same as one by one
(``account.dunning.execution._execute_one``): an action nobody can receive is
left to the one-by-one path, which records its failure; an unexpected error
rolls the set back and the caller carries the actions out one by one, so the
failure is isolated and recorded on the one action it belongs to.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize, html_escape

from .account_dunning_execution import RETRYABLE

_logger = logging.getLogger(__name__)


class AccountDunningBatch(models.AbstractModel):
    _name = "account.dunning.batch"
    _description = "Dunning Actions Carried Out Together"

    @api.model
    def _execute_together(self, actions):
        """Carry out ``actions`` (``account.dunning.action``, proposed or
        failed) together where it is safe.

        :return: the actions left to carry out one by one: those nobody can
            receive (their failure is recorded there), or all of them when
            they share invoices or the set failed unexpectedly
        :raise: the concurrency errors of ``RETRYABLE``, for the caller
        """
        if len(actions) < 2 or self._share_moves(actions):
            return actions
        actions = self._with_known_blacklist(actions)
        Channel = actions.env["account.dunning.channel"]
        notes = {}
        for action in actions:
            try:
                notes[action.id] = Channel._get_recipient_note(action)
            except UserError:
                continue
        together = actions.filtered(lambda a: a.id in notes)
        if not together:
            return actions
        try:
            with self.env.cr.savepoint():
                self._carry_out(together, notes)
        except RETRYABLE:
            raise
        except Exception:  # noqa: BLE001 - the caller goes one by one
            _logger.exception(
                "Dunning actions %s failed together: carried out one by one",
                together.ids,
            )
            return actions
        return actions - together

    @api.model
    def _share_moves(self, actions):
        """Whether two of ``actions`` claim the same invoice: their levels
        must then be written one action after the other."""
        counted = sum(len(action.move_ids) for action in actions)
        return counted != len(actions.move_ids)

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
    def _carry_out(self, actions, notes):
        """The steps of ``_execute_one``, each over all ``actions``.

        :param notes: ``{action id: recipient note}``
        """
        # In the actions' context: the channels reuse what the recipient
        # checks read (``_with_known_blacklist``). The history posted at the
        # end says what was done: no tracking message besides it.
        actions = actions.with_context(mail_notrack=True)
        Channel = actions.env["account.dunning.channel"]
        live = self._drop_paid_moves(actions)
        for action in live:
            action.recipient_note = notes[action.id]
        if not Channel._skips_rendering():
            carriers = Channel._get_letter_carriers()
            live.filtered(lambda a: any(a[f] for f in carriers)).write(
                {"letter_render_state": "pending", "letter_render_error": False}
            )
        for fname, handler in Channel._get_batch_handlers().items():
            targets = live.filtered(fname)
            if targets:
                handler(targets)
        self._update_moves(live)
        live.write({"state": "done", "user_id": self.env.uid, "failure_reason": False})
        # The base method stops at once without this level option: the
        # actions that cannot propose a letter cost no query.
        Undelivered = self.env["account.dunning.undelivered"]
        for action in live.filtered(lambda a: a.level_id.undelivered_letter):
            Undelivered._propose_letter(action)
        Undelivered._settle(live.replaced_action_id)
        self._post_history(
            live, {action.id: self._done_text(action) for action in live}
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
        letter claims what was paid meanwhile: items settled meanwhile leave
        their action, the claim becomes the net open amount of what is left,
        and an action left with nothing to claim is cancelled with its
        reason, never sent. The open amounts of the whole set are read in one
        query, and only what changed is written.

        :param actions: ``account.dunning.action`` about to be carried out
        :return: the actions still to carry out
        """
        lines = actions.line_ids
        lines.move_line_id.invalidate_recordset(
            ["amount_residual", "amount_residual_currency", "reconciled"]
        )
        lines.move_line_id.mapped("amount_residual")
        live = actions.browse()
        for action in actions:
            currency = action.company_id.currency_id
            settled = action.line_ids.filtered(
                lambda line, cur=currency: (
                    line.move_line_id.reconciled
                    or cur.is_zero(line.move_line_id.amount_residual)
                )
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
            for line in action.line_ids:
                item = line.move_line_id
                if (line.amount_residual, line.amount_residual_currency) != (
                    item.amount_residual,
                    item.amount_residual_currency,
                ):
                    line.write(
                        {
                            "amount_residual": item.amount_residual,
                            "amount_residual_currency": item.amount_residual_currency,
                        }
                    )
            debits = action.line_ids.filtered(lambda line: not line.is_credit)
            if action.move_ids != debits.move_id:
                action.move_ids = [Command.set(debits.move_id.ids)]
            amount_due = sum(action.line_ids.mapped("amount_residual"))
            if action.amount_due != amount_due:
                action.amount_due = amount_due
            if not debits:
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
        Execution = self.env["account.dunning.execution"]
        # The dunning level and date are no accounting: Odoo's balance check
        # and its tax and invoice line synchronisation, which read every line
        # of the invoices one by one, have nothing to do for them.
        actions = actions.with_context(
            check_move_validity=False,
            skip_invoice_sync=True,
            skip_invoice_line_sync=True,
        )
        for action in actions.filtered(lambda a: a.print_state != "to_print"):
            Execution._record_formal_notice(action, action.date)
        items = defaultdict(list)
        for action in actions:
            for line in action.line_ids.filtered("advanced"):
                items[line.level_id.id, action.date].append(line.move_line_id.id)
        MoveLine = actions.env["account.move.line"]
        for (level_id, date), ids in items.items():
            MoveLine.browse(ids).write(
                {"dunning_level_id": level_id, "dunning_last_date": date}
            )
        moves = defaultdict(list)
        for action in actions:
            for move in action.move_ids:
                reached = move.line_ids.filtered("dunning_level_id").dunning_level_id
                level = (
                    max(reached, key=lambda lvl: (lvl.delay_days, lvl.sequence))
                    if reached
                    else None
                )
                moves[level.id if level else None, action.date].append(move.id)
        Move = actions.env["account.move"]
        for (level_id, date), ids in moves.items():
            vals = {"dunning_last_date": date}
            if level_id:
                vals["dunning_level_id"] = level_id
            Move.browse(ids).write(vals)

    @api.model
    def _post_history(self, actions, texts):
        """``account.dunning.action._post_history`` over ``actions``: one
        log per model (actions, customers) instead of one message per record;
        nothing on the invoices, whose tab reads the actions' lines.

        :param texts: ``{action id: plain text}``
        """
        if not actions:
            return
        actions._message_log_batch(
            bodies={action.id: html_escape(texts[action.id]) for action in actions}
        )
        customers = []
        for action in actions:
            body = Markup(
                "%s <a href='#' data-oe-model='%s' data-oe-id='%s'>%s</a>"
            ) % (html_escape(texts[action.id]), action._name, action.id, action.name)
            self._add_to_rounds(customers, action.partner_id.id, body)
        for bodies in customers:
            self.env["res.partner"].browse(list(bodies))._message_log_batch(
                bodies=bodies
            )

    @api.model
    def _add_to_rounds(self, rounds, res_id, body):
        # A batch log takes one body per record: a record named twice (two
        # actions of one customer) waits for the next round.
        for bodies in rounds:
            if res_id not in bodies:
                bodies[res_id] = body
                return
        rounds.append({res_id: body})

    @api.model
    def _next_action_names(self, count):
        """``count`` references of new actions, drawn at once from their
        sequence (one query instead of two per action).

        :return: list of str, or None when the sequence cannot be drawn in
            one query (gapless or by date range): ``create`` names them
        """
        if not count:
            return None
        # As ir.sequence.next_by_code does: drawing a reference needs no right on
        # the sequence record, whichever company the user works in.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "account.dunning.action"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if (
            not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            return None
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    @api.model
    def _create_actions(self, vals_list):
        """Create the run's planned actions at once, named in one query
        (``account.dunning.planning._create_proposals``), without a
        "created" message each: the history they post when carried out or
        failed is their record."""
        names = self._next_action_names(
            sum(1 for vals in vals_list if vals.get("name", "/") == "/")
        )
        if names:
            names = iter(names)
            vals_list = [
                vals if vals.get("name", "/") != "/" else dict(vals, name=next(names))
                for vals in vals_list
            ]
        return (
            self.env["account.dunning.planning"]
            .with_context(mail_create_nolog=True)
            ._create_proposals(vals_list)
        )
