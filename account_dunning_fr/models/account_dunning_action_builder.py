"""The one builder of dunning actions' values.

The run's planning and every workflow that records an action (calls,
visits, promises, payment plans, formal notices, the portal, letters sent in
place of an undelivered reminder) take their values from here, so that an
action always lists the items of the customer's account it is about, each
at its stage, and claims their net open amount in company currency.
``_prepare_action_vals`` reads them from records; ``_compose_action_vals``
takes plain data (planning has it for a whole company); the first calls the
second. A level's share of the values is ``_prepare_level_vals``.
"""

from datetime import timedelta

from odoo import Command, api, models

from ..tools.vocabularies import CHANNELS


class AccountDunningActionBuilder(models.AbstractModel):
    _name = "account.dunning.action.builder"
    _description = "Dunning Action Values"

    @api.model
    def _prepare_action_vals(
        self, partner, moves, date, level=None, items=None, item_levels=None, **values
    ):
        """Values of an action about ``moves`` of ``partner`` on ``date``.

        The one builder of actions: the run and every wizard go through it,
        so that the claim is always the net open amount in company currency
        of the items the action lists.

        :param partner: ``res.partner``; its commercial entity is reminded
        :param moves: ``account.move`` recordset the action is about; its
            open debit items are listed when ``items`` is not given
        :param date: ``datetime.date`` of the action
        :param level: ``account.dunning.level`` or None for an action recorded
            by hand; a level brings its channels and payment deadline
        :param items: ``account.move.line`` receivable items to list (debits
            and credits), or None
        :param item_levels: ``{item id: level or None}``: the level each item
            moves up to with this action (None: listed at its stage); by
            default every debit item moves up to ``level``
        :param values: further field values, which win over the defaults
        :return: dict of values for ``create``
        """
        customer = partner.commercial_partner_id
        recipient = self.env["account.dunning.recipient"]._get_recipient(customer)
        Line = self.env["account.dunning.action.line"]
        if items is None:
            items = Line._get_open_items(moves)
        if item_levels is None:
            item_levels = dict.fromkeys(items.ids, level)
        debits = items.filtered(lambda i: i.amount_residual > 0)
        return self._compose_action_vals(
            (moves.company_id[:1] or self.env.company).id,
            customer.id,
            recipient.id,
            (debits.move_id or moves).ids,
            [item._dunning_item() for item in items],
            {item_id: lvl.id if lvl else None for item_id, lvl in item_levels.items()},
            date,
            self._prepare_level_vals(level, date) if level else {"level_id": False},
            values,
        )

    @api.model
    def _compose_action_vals(
        self,
        company_id,
        customer_id,
        contact_id,
        move_ids,
        items,
        item_levels,
        date,
        level_vals,
        values=None,
    ):
        """Values of an action from plain data (``_prepare_action_vals``
        reads them from records; planning has them for a whole company).

        :param move_ids: ids of the ``account.move`` the action is about
        :param items: list of ``tools.dunning_steps.Item`` it lists
        :param item_levels: ``{item id: level id or None}`` (see
            ``account.dunning.action.line._prepare_vals``)
        :param level_vals: ``_prepare_level_vals`` of its level
        :param values: dict of further field values, which win over the
            defaults
        :return: dict of values for ``create``
        """
        vals = {
            "company_id": company_id,
            "partner_id": customer_id,
            "contact_id": contact_id,
            "move_ids": [Command.set(move_ids)],
            "date": date,
            **self._prepare_claim_vals(items, item_levels),
            **level_vals,
        }
        vals.update(values or {})
        return vals

    @api.model
    def _prepare_claim_vals(self, items, item_levels):
        """The lines an action lists and what it claims: the net open amount
        of those items, company currency (also used when a run's unit makes
        its lines from the items as they are when it is carried out).

        :param items: list of ``tools.dunning_steps.Item``
        :param item_levels: ``{item id: level id or None}`` (see
            ``account.dunning.action.line._prepare_vals``)
        :return: dict with ``line_ids`` (create commands) and ``amount_due``
        """
        return {
            "line_ids": self.env["account.dunning.action.line"]._prepare_commands(
                items, item_levels
            ),
            "amount_due": sum([item.amount for item in items]),
        }

    @api.model
    def _prepare_level_vals(self, level, date):
        """Values an action at ``level`` on ``date`` takes from its level: the
        level, its channels and the payment deadline it announces (none when
        the level gives no deadline)."""
        days = level.payment_deadline_days
        return {
            "level_id": level.id,
            "deadline_date": date + timedelta(days=days) if days else False,
            **{action_field: level[lf] for action_field, lf in CHANNELS.items()},
        }
