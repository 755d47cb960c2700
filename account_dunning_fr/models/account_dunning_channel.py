"""The channels of a dunning action: one small method per channel.

``_get_handlers`` maps each channel field of ``account.dunning.action`` to the
method that carries it out, in the order they run; an extension adds a
channel by adding a field on the action and an entry here.
"""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context, format_amount, format_date

from ..tools import post_room

WRITTEN_CHANNELS = ("channel_email", "channel_letter", "channel_registered")


class DunningFailure(UserError):
    """A channel cannot be executed; the reason is shown to the accountant."""


class AccountDunningChannel(models.AbstractModel):
    _name = "account.dunning.channel"
    _description = "Dunning Channels"

    @api.model
    def _get_handlers(self):
        """``{action channel field: method(action)}``, in execution order."""
        return {
            "channel_email": self._send_email,
            "channel_letter": self._queue_letter,
            "channel_registered": self._queue_letter,
            "channel_sms": self._send_sms,
            "channel_call": self._schedule_call,
            "channel_visit": self._schedule_visit,
            "channel_salesperson": self._inform_salesperson,
            "channel_credit_hold": self._hold_credit,
        }

    @api.model
    def _get_batch_handlers(self):
        """``{action channel field: method(actions)}``, in execution order:
        the handlers of ``_get_handlers`` over a set of actions. A channel
        with no batch method of its own is carried out action by action."""
        batched = {
            self._send_email: self._send_emails,
            self._queue_letter: self._queue_letters,
            self._schedule_call: lambda actions: self._schedule_activities(
                actions, "account_dunning_fr.mail_activity_type_dunning_call"
            ),
            self._schedule_visit: lambda actions: self._schedule_activities(
                actions, "account_dunning_fr.mail_activity_type_dunning_visit"
            ),
            self._inform_salesperson: lambda actions: self._schedule_activities(
                actions,
                "account_dunning_fr.mail_activity_type_dunning_salesperson",
                get_user=self._get_salesperson,
            ),
        }
        return {
            fname: batched.get(handler) or self._one_by_one(handler)
            for fname, handler in self._get_handlers().items()
        }

    @api.model
    def _one_by_one(self, handler):
        def run(actions):
            for action in actions:
                handler(action)

        return run

    # ------------------------------------------------------------ before
    @api.model
    def _check_recipient(self, action):
        """Find who receives each written channel along the recipient chain;
        refuse, with the reason, a channel nobody can receive; record on the
        action who was reached and why."""
        action.recipient_note = self._get_recipient_note(action)

    @api.model
    def _get_recipient_note(self, action):
        """Who receives each written channel of ``action``, and why.

        :return: str, one line per channel
        :raise DunningFailure: a channel nobody can receive, with the reason
        """
        Recipient = self.env["account.dunning.recipient"]
        labels = {
            "email": self.env._("Email"),
            "letter": self.env._("Letter"),
            "sms": self.env._("SMS"),
        }
        notes = []
        for channel in self._written_channels(action):
            recipient, address, why = Recipient._get_channel_recipient(
                action.partner_id, channel, preferred=action.contact_id
            )
            if not recipient:
                raise DunningFailure(why)
            notes.append(f"{labels[channel]}: {recipient.display_name} ({why})")
        return "\n".join(notes)

    @api.model
    def _written_channels(self, action):
        channels = []
        if action.channel_email:
            channels.append("email")
        if action.channel_letter or action.channel_registered:
            channels.append("letter")
        if action.channel_sms:
            channels.append("sms")
        return channels

    @api.model
    def _get_recipient(self, action, channel):
        return self.env["account.dunning.recipient"]._get_channel_recipient(
            action.partner_id, channel, preferred=action.contact_id
        )[0]

    @api.model
    def _prepare_letter(self, action):
        """The written channels carry a letter: it is rendered apart
        (``account.dunning.letter.rendering``), never inside the execution."""
        if self._skips_rendering() or not any(
            action[fname] for fname in self._get_letter_carriers()
        ):
            return
        action.write({"letter_render_state": "pending", "letter_render_error": False})

    @api.model
    def _get_letter_carriers(self):
        """Channel fields of the action that carry the rendered letter."""
        return WRITTEN_CHANNELS

    def _skips_rendering(self):
        # The demo history skips rendering: without a running server,
        # wkhtmltopdf cannot fetch the stylesheets (see account_dunning_demo).
        return bool(self.env.context.get("dunning_skip_letter_rendering"))

    # ------------------------------------------------------------ channels
    @api.model
    def _send_email(self, action):
        """Queue the email; one that attaches a letter still to render waits
        for it (the rendering sends it)."""
        self._send_emails(action)

    @api.model
    def _send_emails(self, actions):
        """``_send_email`` over ``actions``: the emails of each template
        rendered and queued at once, each to its own recipient with its own
        letter attached, if any."""
        actions = actions.filtered(
            lambda a: a.letter_render_state not in ("pending", "failed")
        )
        Letter = self.env["account.dunning.letter"]
        groups = defaultdict(list)
        for action in actions:
            groups[Letter._get_mail_template(action)].append(action.id)
        deliveries = []
        for template, action_ids in groups.items():
            group = actions.browse(action_ids)
            recipients = {
                action.id: self._get_recipient(action, "email") for action in group
            }
            # The template's body is compiled once for the group (ir.qweb);
            # mail.mail gives each reminder its own recipient and letter
            # (see its create).
            mails = template.with_context(
                dunning_qweb_cache={},
                dunning_mail_recipients=tuple(
                    (
                        action.id,
                        recipients[action.id].id,
                        action.letter_attachment_id.id,
                    )
                    for action in group
                ),
            ).send_mail_batch(group.ids, email_values={"recipient_ids": []})
            for action, mail in zip(group, mails, strict=True):
                action.mail_id = mail
                recipient = recipients[action.id]
                deliveries.append(
                    {
                        "action_id": action.id,
                        "channel": "email",
                        "recipient_id": recipient.id,
                        "address": recipient.email_normalized,
                        "mail_id": mail.id,
                    }
                )
        self.env["account.dunning.delivery"].create(deliveries)

    @api.model
    def _queue_letter(self, action):
        """Printed and registered letters wait for the post room."""
        if not self._skips_rendering():
            action.print_state = "to_print"
            self._record_delivery(
                action,
                "letter",
                self.env["account.dunning.letter"]._get_recipient(action),
            )

    @api.model
    def _queue_letters(self, actions):
        """``_queue_letter`` over ``actions``, the deliveries created at once."""
        if self._skips_rendering():
            return
        actions.print_state = "to_print"
        Letter = self.env["account.dunning.letter"]
        self.env["account.dunning.delivery"].create(
            [
                {
                    "action_id": action.id,
                    "channel": "letter",
                    "recipient_id": Letter._get_recipient(action).id,
                    "address": False,
                }
                for action in actions
            ]
        )

    @api.model
    def _send_sms(self, action):
        """The SMS leaves with Odoo's SMS queue; its state is followed on
        the action's delivery (``account.dunning.delivery``)."""
        contact = self._get_recipient(action, "sms")
        number = self.env["account.dunning.recipient"]._get_mobile(contact)
        lang = contact.lang or self.env.lang
        template = action.level_id.sms_template_id or self.env.ref(
            "account_dunning_fr.sms_template_dunning_action"
        )
        body = template.with_context(lang=lang)._render_field("body", action.ids)[
            action.id
        ]
        message = action._message_sms(
            body,
            partner_ids=contact.ids,
            sms_numbers=[number],
            put_in_queue=True,
        )
        self._record_delivery(action, "sms", contact, number, message_id=message.id)
        # Odoo creates an SMS it cannot send already in error.
        self.env["account.dunning.delivery"]._sync_sms(message)

    @api.model
    def _record_delivery(self, action, channel, recipient, address=False, **vals):
        """Start following ``channel`` of ``action`` to ``recipient``.

        :return: the ``account.dunning.delivery`` record, pending
        """
        return self.env["account.dunning.delivery"].create(
            {
                "action_id": action.id,
                "channel": channel,
                "recipient_id": recipient.id,
                "address": address,
                **vals,
            }
        )

    @api.model
    def _schedule_call(self, action):
        self._schedule_activity(
            action, "account_dunning_fr.mail_activity_type_dunning_call"
        )

    @api.model
    def _schedule_visit(self, action):
        self._schedule_activity(
            action, "account_dunning_fr.mail_activity_type_dunning_visit"
        )

    @api.model
    def _inform_salesperson(self, action):
        self._schedule_activity(
            action,
            "account_dunning_fr.mail_activity_type_dunning_salesperson",
            user=self._get_salesperson(action),
        )

    @api.model
    def _hold_credit(self, action):
        """Stop deliveries: at once, or from the day after the deadline the
        letter announced (say what we do, do what we say)."""
        # The credit hold is an accountant's decision taken by the level
        # itself; the run may execute as any accountant or as OdooBot.
        partner = action.partner_id.sudo()
        if action.deadline_date and action.deadline_date > action.date:
            partner.dunning_credit_hold_date = action.deadline_date + timedelta(days=1)
        else:
            partner.dunning_credit_hold = True

    # ------------------------------------------------------------ helpers
    @api.model
    def _get_followup_user(self, action):
        """Who follows ``action`` up: the customer's dunning responsible, its
        salesperson, the company's default responsible, else the user running
        it — never OdooBot, which nobody reads.

        :return: ``res.users``, possibly empty
        """
        partner = action.partner_id.with_company(action.company_id)
        user = (
            partner.dunning_followup_user_id
            or partner.user_id
            or action.company_id.dunning_followup_user_id
        )
        if not user and not self.env.user._is_superuser():
            user = self.env.user
        return user

    @api.model
    def _get_salesperson(self, action):
        return action.partner_id.user_id or self._get_followup_user(action)

    @api.model
    def _schedule_activity(self, action, type_xmlid, user=None):
        vals = self._prepare_activity_vals(action, type_xmlid, user=user)
        action.activity_schedule(**vals)

    @api.model
    def _schedule_activities(self, actions, type_xmlid, get_user=None):
        """``_schedule_activity`` over ``actions``, the activities created at
        once (the values ``activity_schedule`` would give each).

        :param get_user: method(action) -> ``res.users`` of the assignee, or
            None for the level's responsible
        """
        if self.env.context.get("mail_activity_automation_skip"):
            return
        model_id = self.env["ir.model"]._get_id(actions._name)
        vals_list = []
        for action in actions:
            vals = self._prepare_activity_vals(
                action, type_xmlid, user=get_user(action) if get_user else None
            )
            vals_list.append(
                {
                    **vals,
                    "automated": True,
                    "res_model_id": model_id,
                    "res_id": action.id,
                }
            )
        self.env["mail.activity"].with_context(clean_context(self.env.context)).create(
            vals_list
        )

    @api.model
    def _prepare_activity_vals(self, action, type_xmlid, user=None):
        """Values of the activity ``action`` schedules: its type, assignee,
        deadline, summary and the invoices to talk about.

        :return: dict for ``activity_schedule`` (and ``mail.activity``)
        """
        level = action.level_id
        if user is None:
            user = {
                "followup": self._get_followup_user,
                "salesperson": self._get_salesperson,
                "user": lambda _action: level.activity_user_id,
            }[level.activity_responsible or "followup"](action)
        user = user or self.env.user
        activity_type = self.env.ref(type_xmlid)
        if level.activity_type_id and type_xmlid.endswith(("_call", "_visit")):
            if level.activity_type_id.category == activity_type.category:
                activity_type = level.activity_type_id
        # Written in the language of the user who will read it.
        env = action.with_context(lang=user.lang or self.env.lang).env
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=move.name,
                due=format_date(env, move.invoice_date_due),
                amount=format_amount(env, move.amount_residual, move.currency_id),
            )
            for move in action.move_ids
        )
        return {
            "activity_type_id": activity_type.id,
            "date_deadline": action.date + timedelta(days=level.activity_deadline_days),
            "user_id": user.id,
            "summary": f"{activity_type.with_env(env).name} – "
            f"{action.partner_id.display_name}",
            "note": Markup("<ul>%s</ul>") % lines,
        }

    @api.model
    def _merge_letters(self, actions):
        """One PDF of every letter waiting to be printed, for the post room;
        those letters are marked printed.

        The PDF opens with the cover list of the batch, then the registered
        letters, then the ordinary ones, each group by customer; every
        document starts on the front of a sheet when printed on both sides.

        :return: the ``ir.attachment`` of the merged PDF
        :raise UserError: nothing to print, or a letter or the cover list
            not produced as PDF (wkhtmltopdf missing)
        """
        pending = actions.filtered(
            lambda a: a.print_state == "to_print" and a.letter_attachment_id
        )
        if not pending:
            raise UserError(self.env._("There is no letter waiting to be printed."))
        pending = pending.sorted(
            lambda a: (
                not a.channel_registered,
                (a.partner_id.commercial_partner_id.name or "").lower(),
                a.id,
            )
        )
        if any(
            action.letter_attachment_id.mimetype != "application/pdf"
            for action in pending
        ):
            raise UserError(self._no_pdf_message())
        letters = [action.letter_attachment_id.raw for action in pending]
        pages = {
            action.id: post_room.page_count(letter)
            for action, letter in zip(pending, letters, strict=True)
        }
        cover, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "account_dunning_fr.report_dunning_post_room_cover",
            pending.ids,
            data={"letter_pages": pages},
        )
        if fmt != "pdf":
            raise UserError(self._no_pdf_message())
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Dunning letters %(date)s.pdf",
                    date=format_date(self.env, fields.Date.context_today(self)),
                ),
                "raw": post_room.merge_duplex([cover, *letters]),
                "mimetype": "application/pdf",
            }
        )
        self.env["account.dunning.execution"]._mark_letters_sent(pending)
        return attachment

    def _no_pdf_message(self):
        return self.env._(
            "Some letters could not be produced as PDF (is wkhtmltopdf "
            "installed?). Print them one by one from each action."
        )
