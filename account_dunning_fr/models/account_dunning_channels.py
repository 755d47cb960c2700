"""Executing a dunning action: re-check the invoices, then run each channel.

Each action runs in its own savepoint: a failure (no email address, no postal
address, mail error) rolls back that action only, marks it failed with a
readable reason, and the run goes on (SPEC §2.5.5, §2.5.8).
"""

import base64
import logging
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape
from odoo.tools.pdf import merge_pdf

_logger = logging.getLogger(__name__)

WRITTEN_CHANNELS = ("channel_email", "channel_letter", "channel_registered")
# Concurrency errors must reach the cron runner, which retries the batch.
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


class DunningFailure(UserError):
    """A channel cannot be executed; the reason is shown to the accountant."""


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    def _execute(self):
        for action in self:
            try:
                with self.env.cr.savepoint():
                    action._execute_one()
            except RETRYABLE:
                raise
            except Exception as error:  # noqa: BLE001 - one action never stops the run
                if not isinstance(error, UserError):
                    _logger.exception("Dunning action %s failed", action.name)
                reason = error.args[0] if error.args else repr(error)
                action._mark_failed(reason)

    def _execute_one(self):
        self.ensure_one()
        if not self._drop_paid_moves():
            return
        self._check_channels()
        # The demo history skips rendering: without a running server,
        # wkhtmltopdf cannot fetch the stylesheets (see account_dunning_demo).
        render = not self.env.context.get("dunning_skip_letter_rendering")
        if render and any(self[fname] for fname in WRITTEN_CHANNELS):
            self._render_letter()
        if self.channel_email:
            self._send_email()
        if (self.channel_letter or self.channel_registered) and render:
            self.print_state = "to_print"
        if self.channel_sms:
            self._send_sms()
        if self.channel_call:
            self._schedule_activity(
                "account_dunning_fr.mail_activity_type_dunning_call"
            )
        if self.channel_visit:
            self._schedule_activity(
                "account_dunning_fr.mail_activity_type_dunning_visit"
            )
        if self.channel_salesperson:
            self._schedule_activity(
                "account_dunning_fr.mail_activity_type_dunning_salesperson",
                user=self._get_salesperson(),
            )
        if self.channel_credit_hold:
            self.partner_id.sudo().dunning_credit_hold = True
        self._update_moves()
        self.write({"state": "done", "user_id": self.env.uid, "failure_reason": False})
        self._post_history(
            self.env._(
                "Dunning level “%(level)s” carried out: %(channels)s.",
                level=self.level_id.name,
                channels=self.channels_display,
            )
        )

    def _drop_paid_moves(self):
        """Read the open amounts again right before acting (SPEC §2.5.5).

        :return: False when nothing is left to remind (the action is cancelled)
        """
        self.move_ids.invalidate_recordset(["amount_residual", "payment_state"])
        paid = self.move_ids.filtered(
            lambda m: (
                m.payment_state not in ("not_paid", "partial")
                or m.currency_id.is_zero(m.amount_residual)
            )
        )
        if paid:
            self.move_ids = [Command.unlink(move.id) for move in paid]
            self._post_history(
                self.env._(
                    "Paid meanwhile, left out of this reminder: %(invoices)s.",
                    invoices=", ".join(paid.mapped("name")),
                )
            )
        if not self.move_ids:
            self.state = "cancelled"
            self._post_history(
                self.env._("Every invoice was paid meanwhile: nothing was sent.")
            )
            return False
        self.amount_due = sum(self.move_ids.mapped("amount_residual"))
        return True

    def _check_channels(self):
        contact = self.contact_id or self.partner_id
        if self.channel_email and not contact.email:
            raise DunningFailure(
                self.env._(
                    "No email address for %(contact)s.", contact=contact.display_name
                )
            )
        if (self.channel_letter or self.channel_registered) and not (
            contact.street and contact.zip and contact.city
        ):
            raise DunningFailure(
                self.env._(
                    "No complete postal address (street, zip, city) for %(contact)s.",
                    contact=contact.display_name,
                )
            )
        if self.channel_sms and not (contact.mobile or contact.phone):
            raise DunningFailure(
                self.env._(
                    "No mobile number for %(contact)s.", contact=contact.display_name
                )
            )

    def _render_letter(self):
        """Render the level's letter in the customer's language and keep it."""
        report = self.level_id._get_letter_report()
        lang = (self.contact_id or self.partner_id).lang or self.env.lang
        content, fmt = (
            self.env["ir.actions.report"]
            .with_context(lang=lang)
            ._render_qweb_pdf(report, self.ids)
        )
        name = f"{self.name} - {self.level_id.with_context(lang=lang).name}.{fmt}"
        self.letter_attachment_id = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf" if fmt == "pdf" else "text/html",
            }
        )

    def _send_email(self):
        template = self._get_mail_template()
        email_values = {
            "recipient_ids": [Command.set((self.contact_id or self.partner_id).ids)]
        }
        if self.letter_attachment_id:
            email_values["attachment_ids"] = [
                Command.link(self.letter_attachment_id.id)
            ]
        mail_id = template.send_mail(self.id, email_values=email_values)
        self.mail_id = self.env["mail.mail"].browse(mail_id)

    def _send_sms(self):
        contact = self.contact_id or self.partner_id
        lang = contact.lang or self.env.lang
        template = self.level_id.sms_template_id or self.env.ref(
            "account_dunning_fr.sms_template_dunning_action"
        )
        body = template.with_context(lang=lang)._render_field("body", self.ids)[self.id]
        self._message_sms(
            body,
            partner_ids=contact.ids,
            sms_numbers=[contact.mobile or contact.phone],
        )

    def _get_followup_user(self):
        partner = self.partner_id.with_company(self.company_id)
        user = partner.dunning_followup_user_id or partner.user_id
        if not user and not self.env.user._is_superuser():
            user = self.env.user
        return user

    def _get_salesperson(self):
        return self.partner_id.user_id or self._get_followup_user()

    def _schedule_activity(self, type_xmlid, user=None):
        level = self.level_id
        if user is None:
            user = {
                "followup": self._get_followup_user,
                "salesperson": self._get_salesperson,
                "user": lambda: level.activity_user_id,
            }[level.activity_responsible]()
        activity_type = self.env.ref(type_xmlid)
        if level.activity_type_id and type_xmlid.endswith(("_call", "_visit")):
            if level.activity_type_id.category == activity_type.category:
                activity_type = level.activity_type_id
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=move.name,
                due=move.invoice_date_due,
                amount=move.amount_residual,
            )
            for move in self.move_ids
        )
        user = user or self.env.user
        type_name = activity_type.with_context(lang=user.lang).name
        self.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=self.date + timedelta(days=level.activity_deadline_days),
            user_id=user.id,
            summary=f"{type_name} – {self.partner_id.display_name}",
            note=Markup("<ul>%s</ul>") % lines,
        )

    def _update_moves(self):
        vals = {"dunning_level_id": self.level_id.id, "dunning_last_date": self.date}
        self.move_ids.sudo().write(vals)
        if self.level_id.is_formal_notice:
            notified = self.move_ids.filtered(
                lambda m: not m.dunning_formal_notice_date
            )
            notified.sudo().write(
                {
                    "dunning_formal_notice_date": self.date,
                    "dunning_litigation_stage": "formal_notice",
                }
            )

    def _mark_failed(self, reason):
        self.write(
            {"state": "failed", "failure_reason": reason, "user_id": self.env.uid}
        )
        self._post_history(
            self.env._("Dunning action failed: %(reason)s", reason=reason)
        )

    def _post_history(self, text):
        """Log on the action, the customer and each invoice (SPEC §2.5.6)."""
        body = Markup("%s <a href='#' data-oe-model='%s' data-oe-id='%s'>%s</a>") % (
            html_escape(text),
            self._name,
            self.id,
            self.name,
        )
        self.message_post(body=html_escape(text))
        self.partner_id._message_log(body=body)
        if self.move_ids:
            self.move_ids._message_log_batch(
                bodies=dict.fromkeys(self.move_ids.ids, body)
            )

    def _merge_letters(self):
        """One PDF of every letter waiting to be printed, for the post room."""
        pending = self.filtered(
            lambda a: a.print_state == "to_print" and a.letter_attachment_id
        )
        if not pending:
            raise UserError(self.env._("There is no letter waiting to be printed."))
        letters = pending.letter_attachment_id
        if any(att.mimetype != "application/pdf" for att in letters):
            raise UserError(
                self.env._(
                    "Some letters could not be produced as PDF (is wkhtmltopdf "
                    "installed?). Print them one by one from each action."
                )
            )
        merged = merge_pdf([base64.b64decode(att.datas) for att in letters])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Dunning letters %(date)s.pdf", date=fields.Date.today()
                ),
                "raw": merged,
                "mimetype": "application/pdf",
            }
        )
        pending.print_state = "printed"
        return attachment
