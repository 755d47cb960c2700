"""The customer's answer to a reminder, from the portal.

A reminder carries a signed link to its action; the customer opens it (or
logs in to the portal) and sees their open account in that company, pays
online, promises a date or reports a dispute. Each answer goes through the
same workflows as the accountant's (promise, dispute) and is kept as a done
``account.dunning.action`` recorded by the portal: the evidence.

Everything here runs as superuser on records the caller reached through
``_get_access``: the controller never hands the customer anything else.
"""

import base64
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import consteq, format_amount, format_date

from .account_dunning_dispute import DISPUTE_REASONS


class AccountDunningPortal(models.AbstractModel):
    _name = "account.dunning.portal"
    _description = "Dunning Customer Answers"

    # ---------------------------------------------------------------- access
    @api.model
    def _link_expiry(self, action):
        """Last day the signed link of ``action`` opens the page: the
        reminder's date plus the company's setting.

        :return: ``datetime.date``
        """
        return action.date + timedelta(days=action.company_id.dunning_portal_link_days)

    @api.model
    def _get_access(self, action_id, access_token=None):
        """The action whose customer the caller may answer for.

        With a token: the token of the action, compared in constant time,
        within the link's validity. Without: a logged-in user of the action's
        commercial entity, in one of their companies.

        :param action_id: int, id of an ``account.dunning.action``
        :param access_token: str or None
        :return: ``account.dunning.action`` record, as superuser
        :raise MissingError: no such action
        :raise AccessError: wrong or expired token, or another customer
        """
        # The customer has no right on dunning actions: the token or their login,
        # checked below, is what lets them in.
        action = self.env["account.dunning.action"].sudo().browse(action_id).exists()
        if not action or action.state == "cancelled":
            raise MissingError(self.env._("This page does not exist."))
        if access_token:
            if not action.access_token or not consteq(
                action.access_token, access_token
            ):
                raise AccessError(self.env._("This link is not valid."))
            if self._link_expiry(action) < fields.Date.context_today(self):
                raise AccessError(self.env._("This link has expired."))
            return action
        user = self.env.user
        if (
            user._is_public()
            or user.partner_id.commercial_partner_id != action.partner_id
            or action.company_id not in user.company_ids
        ):
            raise AccessError(self.env._("This page belongs to another customer."))
        return action

    @api.model
    def _get_latest_action(self, partner, companies):
        """The latest reminder of ``partner``'s commercial entity in
        ``companies``: what a logged-in customer lands on.

        :return: ``account.dunning.action`` record (superuser) or empty
        """
        # A portal user has no right on dunning actions: the search is limited
        # to their own commercial entity's done reminders.
        return (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "done"),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )

    # ------------------------------------------------------------------ page
    @api.model
    def _get_page_values(self, action):
        """What the answer page shows for the customer of ``action``.

        :return: dict with ``customer``, ``company``, ``lines`` (rows of
            ``account.dunning.statement._get_item_line`` as of today, each
            with ``promise_date`` and ``disputed``), ``overdue`` and
            ``balance`` (company currency), ``invoices`` (open invoices the
            customer may answer about), ``letters`` (done actions with a
            letter file), ``reasons`` (dispute reasons, translated),
            ``promise_max`` and ``promise_default`` (``datetime.date``),
            ``promise_refused`` (str or False: why a new promise is not
            possible) and ``link_expiry`` (``datetime.date``)
        """
        customer = action.partner_id
        company = action.company_id
        today = fields.Date.context_today(self)
        # The customer, checked by _get_access, reads their own open items, which
        # portal rights do not reach (journal items).
        Statement = self.env["account.dunning.statement"].sudo()
        items = Statement._get_open_items(customer, company)
        lines = []
        for item in items:
            line = Statement._get_item_line(item, today)
            line["promise_date"] = item.move_id.dunning_promise_date
            line["disputed"] = item.move_id.dunning_blocked
            lines.append(line)
        currency = company.currency_id
        # Same reason: the customer's own letters, from actions they may not read.
        letters = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                    ("letter_attachment_id", "!=", False),
                ],
                order="date desc, id desc",
            )
        )
        reasons = self.env["account.dunning.dispute"]._fields["reason_type"]
        promise_max = today + timedelta(days=company.dunning_portal_promise_days)
        return {
            "customer": customer,
            "company": company,
            "currency": currency,
            "lines": lines,
            "overdue": currency.round(
                sum(line["open_company"] for line in lines if line["days_late"])
            ),
            "balance": currency.round(sum(line["open_company"] for line in lines)),
            "invoices": self._get_open_invoices(action),
            "letters": letters,
            "reasons": reasons._description_selection(self.env),
            "promise_max": promise_max,
            # A week ahead is the usual answer; the horizon may be shorter.
            "promise_default": min(today + timedelta(days=7), promise_max),
            "promise_refused": self._get_promise_refusal(action),
            "link_expiry": self._link_expiry(action),
        }

    @api.model
    def _get_open_invoices(self, action):
        """Posted customer invoices of the action's customer and company
        still to be paid, oldest due first."""
        # The customer, checked by _get_access, sees their own open invoices in
        # that company, some of which portal rules hide.
        return (
            self.env["account.dunning.statement"]
            .sudo()
            ._get_open_moves(
                action.partner_id,
                action.company_id,
                ("out_invoice",),
                "invoice_date_due, id",
            )
        )

    @api.model
    def _get_moves(self, action, move_ids):
        """The invoices picked by the customer, checked to be theirs.

        :param move_ids: iterable of ints (or digit strings) from the form
        :return: ``account.move`` recordset (superuser), never empty
        :raise UserError: nothing picked, or an invoice not open for them
        """
        try:
            ids = {int(move_id) for move_id in move_ids}
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Pick at least one invoice.")) from error
        invoices = self._get_open_invoices(action)
        if not ids:
            raise UserError(self.env._("Pick at least one invoice."))
        if not ids <= set(invoices.ids):
            raise UserError(
                self.env._("Only your own invoices still to be paid can be picked.")
            )
        return invoices.filtered(lambda m: m.id in ids)

    # --------------------------------------------------------------- answers
    @api.model
    def _get_promise_refusal(self, action):
        """Why the customer may not promise by themselves, or False: a
        broken promise makes the next one a matter for a conversation."""
        if action.partner_id.dunning_promise_broken_count:
            return self.env._(
                "A previous payment promise was not kept: please contact us to "
                "agree on a date."
            )
        return False

    @api.model
    def _promise(self, action, moves, promise_date, amount=0.0):
        """Record the customer's promise to pay ``moves`` by ``promise_date``,
        as the call wizard does: the reminders of those invoices pause until
        the date plus the grace period, then the run checks the promise.

        :param promise_date: ``datetime.date``, from today to the horizon
        :param amount: promised amount in the invoices' currency; 0 for the
            whole open amount
        :return: the evidence ``account.dunning.action``
        :raise UserError: refused promise (see the messages)
        """
        refusal = self._get_promise_refusal(action)
        if refusal:
            raise UserError(refusal)
        today = fields.Date.context_today(self)
        horizon = today + timedelta(days=action.company_id.dunning_portal_promise_days)
        if not promise_date or not today <= promise_date <= horizon:
            raise UserError(
                self.env._(
                    "Choose a payment date between today and %(date)s.",
                    date=format_date(self.env, horizon),
                )
            )
        if amount < 0:
            raise UserError(self.env._("The promised amount cannot be negative."))
        if any(moves.mapped("dunning_promise_date")):
            raise UserError(
                self.env._(
                    "A payment date was already promised for %(invoices)s.",
                    invoices=", ".join(
                        moves.filtered("dunning_promise_date").mapped("name")
                    ),
                )
            )
        total = sum(moves.mapped("amount_residual"))
        amount = amount or total
        currency = moves.currency_id[:1] or action.company_id.currency_id
        summary = self.env._(
            "Payment promised online by the customer: %(amount)s on %(date)s.",
            amount=format_amount(self.env, amount, currency),
            date=format_date(self.env, promise_date),
        )
        answer = self._record_answer(
            action,
            moves,
            summary,
            promise_date=promise_date,
            promise_amount=amount,
            deadline_date=promise_date,
            call_delay_reason="cash",
        )
        # The promise is written on the invoices and the action, which the
        # customer may not write.
        self.env["account.dunning.promise"].sudo()._record(
            moves, promise_date, amount, answer
        )
        self._notify_responsible(
            answer,
            answer,
            self.env._("Payment promised on the portal"),
            summary,
        )
        return answer

    @api.model
    def _dispute(self, action, moves, reason_type, comment, attachment=None):
        """Open the dispute the customer reports on ``moves``: the same one
        the accountant opens, blocking those invoices only, its review
        assigned to the follow-up responsible.

        :param reason_type: key of ``DISPUTE_REASONS``
        :param comment: str, what the customer says is wrong
        :param attachment: ``(file name, bytes)`` or None
        :return: the ``account.dunning.dispute`` opened
        :raise UserError: unknown reason or no comment
        """
        if reason_type not in dict(DISPUTE_REASONS):
            raise UserError(self.env._("Choose what is wrong."))
        comment = (comment or "").strip()
        if not comment:
            raise UserError(self.env._("Tell us what is wrong."))
        label = dict(
            self.env["account.dunning.dispute"]
            ._fields["reason_type"]
            ._description_selection(self.env)
        )[reason_type]
        responsible = self._get_responsible(action)
        today = fields.Date.context_today(self)
        # The customer may not create disputes; the accountant's own dispute is
        # opened for them, on the invoices _get_access allowed.
        dispute = (
            self.env["account.dunning.dispute"]
            .sudo()
            .with_company(action.company_id)
            .create(
                {
                    "company_id": action.company_id.id,
                    "partner_id": action.partner_id.id,
                    "move_ids": [Command.set(moves.ids)],
                    "reason_type": reason_type,
                    "reason": comment[:200],
                    "user_id": responsible.id,
                    "review_date": today,
                }
            )
        )
        attachments = self.env["ir.attachment"]
        if attachment and attachment[1]:
            # The customer's proof is attached to a dispute they cannot write.
            attachments = attachments.sudo().create(
                {
                    "name": attachment[0] or "attachment",
                    "datas": base64.b64encode(attachment[1]),
                    "res_model": dispute._name,
                    "res_id": dispute.id,
                }
            )
        dispute.message_post(
            body=self.env._(
                "Reported online by the customer (%(reason)s): %(comment)s",
                reason=label,
                comment=comment,
            ),
            attachment_ids=attachments.ids,
        )
        summary = self.env._(
            "Dispute reported online by the customer: %(reason)s.", reason=label
        )
        answer = self._record_answer(
            action, moves, summary, call_delay_reason="dispute"
        )
        self._notify_responsible(
            answer,
            dispute,
            self.env._("Review the dispute reported on the portal"),
            comment,
        )
        return dispute

    @api.model
    def _record_answer(self, action, moves, summary, **values):
        """The evidence of an answer: a done action recorded by the portal,
        logged on the customer and the invoices."""
        # The answer is recorded in the evidence file, which only the run and
        # accountants write; the customer reaches it through this method only.
        Action = self.env["account.dunning.action"].sudo()
        user = self.env.user
        vals = Action.env["account.dunning.planning"]._prepare_action_vals(
            action.partner_id,
            moves,
            fields.Date.context_today(self),
            company_id=action.company_id.id,
            contact_id=action.contact_id.id,
            level_id=action.level_id.id,
            state="done",
            user_id=False if user._is_public() else user.id,
            dunning_workflow="portal",
            call_datetime=fields.Datetime.now(),
            call_outcome="reached",
            notes=summary,
            **values,
        )
        answer = Action.create(vals)
        answer._post_history(summary)
        return answer

    @api.model
    def _get_responsible(self, action):
        """Who follows the customer up: the follow-up responsible, else the
        salesperson, else whoever carried out the reminder."""
        customer = action.partner_id.with_company(action.company_id)
        return (
            customer.dunning_followup_user_id
            or customer.user_id
            or action.user_id
            or self.env.ref("base.user_admin")
        )

    @api.model
    def _notify_responsible(self, action, record, summary, note):
        """An activity due today on ``record`` for the customer's follow-up
        responsible."""
        # The customer, or the public user, schedules a task for an employee on a
        # record they may not write.
        record.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            user_id=self._get_responsible(action).id,
            summary=summary,
            note=note,
        )
