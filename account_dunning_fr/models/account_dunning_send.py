"""Sending a dunning action: every channel, and the letter it carries.

Shaped like Odoo's ``account.move.send``: one service that sends by every
channel, with small hooks. ``_get_handlers`` maps each channel field of
``account.dunning.action`` to the method that carries it out over a set of
actions, in the order they run; an extension adds a channel by adding a
field on the action and an entry there. Before any channel runs, the
recipient of each written channel is chosen along the customer's recipient
chain (``_choose_recipients``): a channel nobody can receive refuses the
action with the reason.

The letter is rendered apart from the sending. The execution only marks the
letter of an action as pending (``letter_render_state``); the PDF is made
here, by the scheduled action
``account_dunning_fr.ir_cron_account_dunning_letters`` or, for the
synchronous entry points (``_run_dunning``, an accountant's validation, the
workflows' wizards), right after the execution. The email of an action that
attaches its letter leaves once the letter exists.

Letters are rendered in groups: one QWeb pass and one wkhtmltopdf call for
about twenty letters of the same report, company and language, each letter
starting a new page of one HTML document, then the PDF is cut back into one
file per letter. Odoo's own several-records rendering cannot be used with the
Debian build of wkhtmltopdf (unpatched Qt): that build prints one HTML
document per call (Odoo gives it one per record, and gets an empty file) and
makes no outline (Odoo splits along it). The cut follows a marker drawn at
the top of each letter: a white dot whose image size says which letter of the
group starts on that page (text cannot be the marker: what is printed with a
web font is drawn as outlines). A group that fails to render or to cut is
rendered again in halves, down to letter by letter (at once when the cut
failed, which would fail again), so that a broken letter is marked failed
with its reason and never holds back the others.

Letters of an archived company are not rendered: they are marked failed with
that reason, so that nothing stays pending for ever and the accountant sees
them; once the company is restored, "Render the letter" produces them and
sends the emails that waited.

Where the time goes (``bench/profile_letters.py``, 2 shared cores): a
wkhtmltopdf call costs about 1.5 s whatever its size, 0.7 s more when it
loads the report stylesheets from the server, then some 50 ms per letter;
QWeb 20 to 40 ms per letter. The footer stamp adds its own small drawing to
each page instead of merging a PDF page into it, which parsed and rewrote
the whole page (0.3 s per letter, more than all the rest).
"""

import base64
import io
import logging
import time
from collections import defaultdict
from datetime import timedelta

import lxml.html
from markupsafe import Markup
from PIL import Image

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import clean_context, format_amount, format_date
from odoo.tools.pdf import PdfFileWriter, PdfReader

from ..tools import post_room
from ..tools.page_footer import stamp_pages
from .account_dunning_execution import RETRYABLE

_logger = logging.getLogger(__name__)

# Letters per wkhtmltopdf call: one call costs about two seconds whatever
# its size, then some 50 ms per letter. Measured per letter: 10 letters
# ~0.27 s, 20 ~0.17 s, 40 no better under load (and a failing group costs
# more to redo), so twenty.
GROUP_SIZE = 20

# Seconds of rendering per scheduled-action callback, far inside Odoo's
# 120-second default cron limit (``limit_time_real_cron``) and below the
# 30 seconds a callback may last: no group is started that the slowest group
# of the callback so far would take past it.
CRON_TIME_BUDGET = 20.0

# Size, in image pixels, of the marker of the first letter of a group (see
# ``_marker_node``): a white image three pixels high is nothing a letter prints.
MARKER_WIDTH = 61

MARKER_HEIGHT = 3


class LetterSplitError(Exception):
    """The PDF of a group cannot be cut back into its letters."""


WRITTEN_CHANNELS = ("send_email", "send_letter", "send_registered_letter")


class DunningFailure(UserError):
    """A channel cannot be executed; the reason is shown to the accountant."""


class AccountDunningSend(models.AbstractModel):
    _name = "account.dunning.send"
    _description = "Dunning Sending"

    @api.model
    def _get_handlers(self):
        """``{action channel field: method(actions)}``, in the order the
        channels run; each method carries its channel out for a whole set
        of actions (``account.dunning.action``), a set of one included."""
        return {
            "send_email": self._send_emails,
            "send_letter": self._queue_letters,
            "send_registered_letter": self._queue_letters,
            "send_sms": self._send_sms,
            "create_call": self._schedule_calls,
            "create_visit": self._schedule_visits,
            "notify_salesperson": self._inform_salespeople,
            "credit_hold": self._hold_credit,
        }

    # ------------------------------------------------------------ before
    @api.model
    def _choose_recipients(self, action):
        """Who receives each written channel of ``action``, and why: the
        first of the customer's recipient chain that can receive it (the
        action's contact tried first), chosen once, before anything is sent,
        and recorded on the action (its evidence).

        :return: dict of values for ``account.dunning.action.write``:
            ``email_partner_id``, ``letter_partner_id``, ``sms_partner_id``
            for the channels it uses, and ``recipient_note`` (one line per
            channel)
        :raise DunningFailure: a channel nobody can receive, with the reason
        """
        Recipient = self.env["account.dunning.recipient"]
        labels = {
            "email": self.env._("Email"),
            "letter": self.env._("Letter"),
            "sms": self.env._("SMS"),
        }
        vals, notes = {}, []
        for channel in self._written_channels(action):
            recipient, _address, why = Recipient._get_channel_recipient(
                action.partner_id, channel, preferred=action.contact_id
            )
            if not recipient:
                raise DunningFailure(why)
            vals[f"{channel}_partner_id"] = recipient.id
            notes.append(f"{labels[channel]}: {recipient.display_name} ({why})")
        vals["recipient_note"] = "\n".join(notes)
        return vals

    @api.model
    def _written_channels(self, action):
        channels = []
        if action.send_email:
            channels.append("email")
        if action.send_letter or action.send_registered_letter:
            channels.append("letter")
        if action.send_sms:
            channels.append("sms")
        return channels

    @api.model
    def _prepare_letters(self, actions):
        """The written channels carry a letter: it is marked to render and
        rendered apart (``_render_pending``, or the letters' scheduled
        action), never while the actions are carried out."""
        if self._skips_rendering():
            return
        carriers = self._get_letter_carriers()
        actions.filtered(lambda a: any(a[f] for f in carriers)).write(
            {"letter_render_state": "pending", "letter_render_error": False}
        )

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
    def _send_emails(self, actions):
        """Queue the emails of ``actions``: those of one template rendered
        and queued at once, each to the recipient chosen for its action
        (``email_partner_id``, rendered by the template's ``partner_to``)
        with its own letter attached. An email that attaches a letter still
        to render waits for it: the rendering sends it (``_attach``)."""
        actions = actions.filtered(
            lambda a: a.letter_render_state not in ("pending", "failed")
        )
        Letter = self.env["account.dunning.letter"]
        groups = defaultdict(list)
        # Looked up once per letter type and level: finding a template by its
        # XML id asks the database whether it still exists.
        templates = {}
        for action in actions:
            key = (Letter._get_letter_type(action), action.level_id)
            if key not in templates:
                templates[key] = Letter._get_type_mail_template(*key)
            groups[templates[key]].append(action.id)
        deliveries = []
        for template, action_ids in groups.items():
            group = actions.browse(action_ids)
            # The template's body is compiled once for the group (ir.qweb).
            # The author is the one Odoo would find for each email (whoever
            # runs the dunning), given once instead of looked up per email.
            mails = template.with_context(dunning_render_cache={}).send_mail_batch(
                group.ids, email_values={"author_id": self.env.user.partner_id.id}
            )
            for action, mail in zip(group, mails, strict=True):
                if action.letter_attachment_id:
                    mail.attachment_ids = [Command.link(action.letter_attachment_id.id)]
                # The action's mail_id follows from this delivery.
                recipient = action._get_recipient("email")
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
    def _queue_letters(self, actions):
        """Printed and registered letters wait for the post room; their
        deliveries are followed from there."""
        if self._skips_rendering():
            return
        actions.print_state = "to_print"
        self._record_deliveries(actions, "letter")

    @api.model
    def _send_sms(self, actions):
        """The SMS leave with Odoo's SMS queue; each one's state is followed
        on its action's delivery (``account.dunning.delivery``)."""
        Recipient = self.env["account.dunning.recipient"]
        default = self.env.ref("account_dunning_fr.sms_template_dunning_action")
        for action in actions:
            contact = action._get_recipient("sms")
            number = Recipient._get_mobile(contact)
            template = action.level_id.sms_template_id or default
            body = template.with_context(
                lang=contact.lang or self.env.lang
            )._render_field("body", action.ids)[action.id]
            message = action._message_sms(
                body, partner_ids=contact.ids, sms_numbers=[number], put_in_queue=True
            )
            self._record_deliveries(
                action, "sms", address=number, message_id=message.id
            )
            # Odoo creates an SMS it cannot send already in error.
            self.env["account.dunning.delivery"]._sync_sms(message)

    @api.model
    def _record_deliveries(self, actions, channel, address=False, **vals):
        """Start following ``channel`` of each of ``actions`` to the
        recipient chosen for it.

        :return: the ``account.dunning.delivery`` records, pending
        """
        return self.env["account.dunning.delivery"].create(
            [
                {
                    "action_id": action.id,
                    "channel": channel,
                    "recipient_id": action._get_recipient(channel).id,
                    "address": address,
                    **vals,
                }
                for action in actions
            ]
        )

    @api.model
    def _schedule_calls(self, actions):
        self._schedule_activities(
            actions, "account_dunning_fr.mail_activity_type_dunning_call"
        )

    @api.model
    def _schedule_visits(self, actions):
        self._schedule_activities(
            actions, "account_dunning_fr.mail_activity_type_dunning_visit"
        )

    @api.model
    def _inform_salespeople(self, actions):
        self._schedule_activities(
            actions,
            "account_dunning_fr.mail_activity_type_dunning_salesperson",
            get_user=self._get_salesperson,
        )

    @api.model
    def _hold_credit(self, actions):
        """Stop deliveries: at once, or from the day after the deadline the
        letter announced (say what we do, do what we say)."""
        for action in actions:
            # The credit hold is an accountant's decision taken by the level
            # itself; the run may execute as any accountant or as OdooBot.
            partner = action.partner_id.sudo()
            # A hold already set by hand stays the accountant's to lift.
            if (
                partner.dunning_credit_hold
                and not partner.dunning_credit_hold_company_id
            ):
                continue
            vals = {"dunning_credit_hold_company_id": action.company_id.id}
            if action.deadline_date and action.deadline_date > action.date:
                vals["dunning_credit_hold_date"] = action.deadline_date + timedelta(
                    days=1
                )
            else:
                vals["dunning_credit_hold"] = True
            partner.write(vals)

    # ------------------------------------------------------------ helpers
    @api.model
    def _get_followup_user(self, action):
        """Who follows ``action`` up: the customer's dunning responsible, its
        salesperson, the company's default responsible, else the user running
        it — among active users only, never OdooBot, which nobody reads.

        :return: ``res.users``, possibly empty
        """
        return self._get_customer_followup_user(action.partner_id, action.company_id)

    @api.model
    def _get_customer_followup_user(self, partner, company):
        """Who follows ``partner`` (``res.partner``) up in ``company``
        (``res.company``): its dunning responsible, its salesperson, the
        company's default responsible, else the user at work — the first
        active one (``_pick_user``).

        :return: ``res.users``, possibly empty
        """
        partner = partner.with_company(company)
        return self._pick_user(
            company,
            partner.dunning_followup_user_id,
            partner.commercial_partner_id.dunning_followup_user_id,
            partner.user_id,
            partner.commercial_partner_id.user_id,
        )

    @api.model
    def _pick_user(self, company, *candidates, group=None):
        """The first of ``candidates`` who reads tasks: an active internal
        user, never OdooBot; else the company's default dunning responsible
        if active; else the user at work, unless OdooBot. A person who left
        (archived) is skipped: a task given to them is read by nobody.

        :param company: ``res.company`` whose default responsible stands in
        :param candidates: ``res.users`` records, each possibly empty
        :param group: xml id of a group the user must belong to, or None: a
            task opening what only that group reads goes to no one else
        :return: ``res.users`` (one or empty)
        """
        env_user = self.env.user if not self.env.user._is_superuser() else None
        for user in (*candidates, company.dunning_followup_user_id, env_user):
            # The user at work may not read every user's company.
            user = user and user.sudo()[:1]
            if (
                user
                and self._reads_tasks(user)
                and (not group or user.has_group(group))
            ):
                return user.with_env(self.env)
        return self.env["res.users"]

    @api.model
    def _reads_tasks(self, user):
        """Whether ``user`` (``res.users``) can be given a task: active,
        internal, not OdooBot."""
        return bool(user.active and not user.share and not user._is_superuser())

    @api.model
    def _get_salesperson(self, action):
        partner = action.partner_id.with_company(action.company_id)
        salesperson = partner.user_id or partner.commercial_partner_id.user_id
        if salesperson and self._reads_tasks(salesperson.sudo()):
            return salesperson
        return self._get_followup_user(action)

    @api.model
    def _schedule_activities(self, actions, type_xmlid, get_user=None):
        """Schedule the activity of ``type_xmlid`` for each of ``actions``,
        created at once (the values ``activity_schedule`` would give each).

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
                "user": lambda _action: self._pick_user(
                    action.company_id, level.activity_user_id
                ),
            }[level.activity_responsible or "followup"](action)
        elif user and not self._reads_tasks(user.sudo()):
            user = self._get_followup_user(action)
        user = user or self._pick_user(action.company_id)
        # Nobody at all (OdooBot running, no default responsible): the
        # administrator rather than a task nobody reads.
        user = user or self._pick_user(
            action.company_id,
            self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env["res.users"],
        )
        activity_type = self.env.ref(type_xmlid)
        if level.activity_type_id and type_xmlid.endswith(("_call", "_visit")):
            if level.activity_type_id.category == activity_type.category:
                activity_type = level.activity_type_id
        # Written in the language of the user who will read it.
        env = action.with_context(lang=user.lang or self.env.lang).env
        # What the reminder claims of each invoice, from its lines (each
        # item's claimable amount): the figures add up to its amount due.
        claimed = defaultdict(float)
        for line in action.line_ids:
            claimed[line.move_id] += line.amount_residual
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=move.name,
                due=format_date(env, move.invoice_date_due),
                amount=format_amount(env, claimed[move], action.currency_id),
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

        The items of the letters are read again first
        (``_refresh_letters``): a letter withdrawn meanwhile is not printed,
        one whose claim changed is printed as rendered again.

        :return: the ``ir.attachment`` of the merged PDF, empty when every
            letter was withdrawn
        :raise UserError: nothing to print, or a letter or the cover list
            not produced as PDF (wkhtmltopdf missing)
        """
        pending = actions.filtered(
            lambda a: a.print_state == "to_print" and a.letter_attachment_id
        )
        if not pending:
            raise UserError(self.env._("There is no letter waiting to be printed."))
        pending = self._refresh_letters(pending)[0]
        if not pending:
            return self.env["ir.attachment"]
        pending = pending.sorted(
            lambda a: (
                not a.send_registered_letter,
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

    @api.model
    def _refresh_letters(self, actions):
        """Read again the items of letters waiting for the post room, as the
        run does before sending (``account.dunning.execution._drop_paid_moves``),
        so that no letter leaves claiming what was paid, reversed or credited
        since it was rendered. A letter left with nothing to claim is
        withdrawn: its action is cancelled with the reason and leaves the
        post room (its letter delivery, which never started, goes with it).
        A letter whose claim changed is rendered again now
        (``_render_pending``).

        :param actions: ``account.dunning.action`` whose letter waits
            (``print_state`` "to_print")
        :return: tuple ``(to_print, rerendered)``, both
            ``account.dunning.action``: the letters still to print, as they
            now are, and those of them rendered again here
        """

        def claim(action):
            return sorted(
                (line.id, line.amount_residual, line.amount_residual_currency)
                for line in action.line_ids
            )

        before = {action.id: claim(action) for action in actions}
        Execution = self.env["account.dunning.execution"]
        # The history says why, once: no tracking message beside it.
        live = Execution._drop_paid_moves(actions.with_context(mail_notrack=True))
        live = actions.browse(live.ids)
        self._withdraw_letters(actions - live)
        changed = live.filtered(lambda a: claim(a) != before[a.id])
        if changed:
            changed.write(
                {"letter_render_state": "pending", "letter_render_error": False}
            )
            changed._post_history(
                self.env._("The claim changed before the letter left: rendered again.")
            )
            self._render_pending(changed)
        # A letter that could not be rendered again still holds the old
        # claim: it waits for the accountant, never printed as it was.
        to_print = live.filtered(lambda a: a.letter_render_state != "failed")
        return to_print, changed & to_print

    @api.model
    def _withdraw_letters(self, actions, reason=None):
        """Take the letters of ``actions`` out of the post room: they will
        not be printed, and their letter delivery, which never started, goes.

        :param actions: ``account.dunning.action`` whose letter waits
        :param reason: str or None; given, each action is cancelled with it
            in its history, unless another of its channels already left (an
            email or an SMS sent is evidence that stays)
        """
        if not actions:
            return
        actions.write({"print_state": "none"})
        # A letter that never left was never delivered; only managers
        # delete deliveries, the post room removes the one it withdrew.
        actions.delivery_ids.filtered(
            lambda d: d.channel == "letter" and d.state == "pending"
        ).sudo().unlink()
        if reason:
            paper_only = actions.filtered(lambda a: not (a.send_email or a.send_sms))
            paper_only.state = "cancelled"
            actions._post_history(reason)

    def _no_pdf_message(self):
        return self.env._(
            "Some letters could not be produced as PDF (is wkhtmltopdf "
            "installed?). Print them one by one from each action."
        )

    # ------------------------------------------------------------ entry points
    @api.model
    def _cron_render_letters(self):
        """Scheduled action: render pending letters, a group at a time, until
        none is left or the time budget is spent; Odoo's cron runner calls
        again (committing in between) while letters remain."""
        deadline = time.monotonic() + CRON_TIME_BUDGET
        done = 0
        slowest = 0.0
        # At least one group per callback, whatever the budget.
        while claimed := self._claim(limit=GROUP_SIZE):
            start = time.monotonic()
            self._render(claimed)
            done += len(claimed)
            slowest = max(slowest, time.monotonic() - start)
            if time.monotonic() + slowest >= deadline:
                break
        self.env["ir.cron"]._notify_progress(done=done, remaining=self._count_pending())

    @api.model
    def _render_pending(self, actions):
        """Render now the pending letters of ``actions``
        (``account.dunning.action``), in groups, then queue their emails.

        Letters claimed meanwhile by the scheduled action are left to it.

        :return: the actions whose letter was rendered or failed here
        """
        claimed = self._claim(actions=actions)
        self._render(claimed)
        return claimed

    @api.model
    def _count_pending(self, actions=None):
        """Number of letters waiting to be rendered, among ``actions``
        (``account.dunning.action``) or everywhere."""
        domain = [("letter_render_state", "=", "pending")]
        if actions is not None:
            domain.append(("id", "in", actions.ids))
        # The scheduled action renders the letters of every company: its progress
        # counts them all, whatever companies its user may open.
        return self.env["account.dunning.action"].sudo().search_count(domain)

    @api.model
    def _trigger(self):
        """Wake the scheduled action that renders pending letters."""
        cron = self.env.ref(
            "account_dunning_fr.ir_cron_account_dunning_letters",
            raise_if_not_found=False,
        )
        if cron:
            # Only administrators may write scheduled actions; the accountant whose
            # letters wait only asks for the callback.
            cron.sudo()._trigger()

    # ------------------------------------------------------------ claiming
    @api.model
    def _claim(self, actions=None, limit=None):
        """Lock pending letters for this transaction, skipping those another
        transaction renders (``FOR UPDATE SKIP LOCKED``): a letter is never
        rendered, attached or emailed twice.

        :param actions: ``account.dunning.action`` to restrict to, or None
        :param limit: at most this many letters (None: all)
        :return: ``account.dunning.action`` claimed, by company and level
            (so that a limited claim makes few, full groups), then id
        """
        if actions is not None and not actions:
            return self.env["account.dunning.action"]
        query = """
            SELECT id FROM account_dunning_action
             WHERE letter_render_state = 'pending'
               {restrict}
          ORDER BY company_id, level_id NULLS LAST, id
             {limit}
        FOR UPDATE SKIP LOCKED
        """.format(
            restrict="AND id = ANY(%(ids)s)" if actions is not None else "",
            limit="LIMIT %(limit)s" if limit else "",
        )
        self.env["account.dunning.action"].flush_model(["letter_render_state"])
        params = {"ids": actions.ids if actions is not None else [], "limit": limit}
        try:
            with self.env.cr.savepoint(flush=False):
                # A race the database settles, not a failed query.
                self.env.cr.execute(query, params, log_exceptions=False)
                ids = [row[0] for row in self.env.cr.fetchall()]
        except RETRYABLE:
            # Another transaction rendered letters after this one began
            # (repeatable read): the rest is for a later transaction.
            ids = []
        claimed = self.env["account.dunning.action"].browse(ids)
        claimed.invalidate_recordset(["letter_render_state"])
        return claimed

    # ------------------------------------------------------------ rendering
    @api.model
    def _render(self, actions):
        """Render the letters of ``actions`` in groups; attach each to its
        action and queue the email that carries it; the letters of an
        archived company fail (see the module's docstring)."""
        archived = actions.filtered(lambda action: not action.company_id.active)
        for action in archived:
            self._mark_failed(
                action,
                self.env._(
                    "The company %(company)s is archived. Restore it, then "
                    "use Render Letter Again.",
                    company=action.company_id.name,
                ),
            )
        for group in self._make_groups(actions - archived):
            # As in the run, each company's letters in that company's
            # environment (its rates, settings and currency).
            company = group.company_id
            self.with_company(company)._render_group(group.with_company(company))

    @api.model
    def _make_groups(self, actions):
        """Groups of at most ``GROUP_SIZE`` actions printed by the same report,
        for the same company, in the same language.

        :return: list of ``account.dunning.action`` recordsets
        """
        return [
            group[start : start + GROUP_SIZE]
            for group in self._group_by_report(actions)
            for start in range(0, len(group), GROUP_SIZE)
        ]

    @api.model
    def _group_by_report(self, actions):
        """``actions`` split by what one wkhtmltopdf call can print together:
        the same report, company and language.

        :return: list of ``account.dunning.action`` recordsets
        """
        Letter = self.env["account.dunning.letter"]
        by_key = defaultdict(lambda: self.env["account.dunning.action"])
        for action in actions:
            key = (
                Letter._get_letter_type(action),
                action.company_id.id,
                Letter._get_lang(action),
            )
            by_key[key] |= action
        return list(by_key.values())

    @api.model
    def _render_group(self, actions):
        """One wkhtmltopdf call for ``actions``. When it fails, each half is
        rendered the same way, so that one broken letter costs a few calls
        (those failing in their values or in QWeb cost no wkhtmltopdf call
        at all); when the PDF could not be cut, one call per letter. Each
        failure is kept on its own letter."""
        if len(actions) > 1 and self._renders_pdf():
            try:
                with self.env.cr.savepoint():
                    self._attach(actions, self._render_together(actions), "pdf")
                return
            except Exception as error:  # noqa: BLE001 - retried below
                halve = len(actions) > 2 and not isinstance(error, LetterSplitError)
                _logger.warning(
                    "Dunning letters %s rendered together failed (%s); "
                    "rendering them %s.",
                    ", ".join(actions.mapped("name")),
                    error,
                    "in halves" if halve else "one by one",
                )
                if halve:
                    middle = len(actions) // 2
                    self._render_group(actions[:middle])
                    self._render_group(actions[middle:])
                    return
        for action in actions:
            try:
                with self.env.cr.savepoint():
                    content, fmt = self._render_alone(action)
                    self._attach(action, {action.id: content}, fmt)
            except Exception as error:  # noqa: BLE001 - one letter never stops the others
                _logger.exception("Dunning letter of %s failed", action.name)
                self._mark_failed(action, self._failure_reason(error))

    def _renders_pdf(self):
        # Odoo renders reports as HTML in tests, unless a test asks for the
        # PDF (see ir.actions.report._pre_render_qweb_pdf); one by one keeps
        # that behaviour.
        return not (
            (tools.config["test_enable"] or tools.config["test_file"])
            and not self.env.context.get("force_report_rendering")
        )

    @api.model
    def _render_alone(self, action):
        """The letter of one action, as Odoo renders any report.

        :return: ``(content bytes, "pdf" or "html")``
        """
        Letter = self.env["account.dunning.letter"]
        report = Letter._get_report(Letter._get_letter_type(action))
        return (
            self.env["ir.actions.report"]
            .with_context(lang=Letter._get_lang(action))
            ._render_qweb_pdf(report, action.ids)
        )

    @api.model
    def _render_together(self, actions):
        """Render the letters of ``actions`` (one report, company and
        language) in one wkhtmltopdf call and cut the PDF per letter.

        :return: ``{action id: PDF bytes}``
        :raise LetterSplitError: the PDF cannot be cut back into its letters
        """
        Letter = self.env["account.dunning.letter"]
        first = actions[0]
        report = Letter._get_report(Letter._get_letter_type(first))
        Report = self.env["ir.actions.report"].with_context(
            lang=Letter._get_lang(first), debug=False
        )
        html = Report._render_qweb_html(
            report, actions.ids, data={"report_type": "pdf", "debug": False}
        )[0]
        bodies, html_ids, header, footer, paperformat_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=actions._name)
        if html_ids != actions.ids:
            raise LetterSplitError(
                f"one article per letter expected, found {html_ids} for {actions.ids}"
            )
        pdf = Report._run_wkhtmltopdf(
            [self._join_bodies(bodies)],
            report_ref=report,
            header=header,
            footer=footer,
            specific_paperformat_args=paperformat_args,
        )
        # Each letter gets its own footer, numbered from its first page, as
        # ir.actions.report stamps a letter rendered alone; a group shares
        # one company and language, so the first letter's footer is theirs.
        # Stamped while cutting: each letter's PDF is written once.
        footer = Letter._get_page_footer(*Letter._get_document_company_lang(first))
        return self._split(pdf, actions, footer=footer)

    @api.model
    def _join_bodies(self, bodies):
        """One HTML document of several letter documents (an unpatched Qt
        prints one document per call): each letter starts a new page, with
        its marker first."""
        root = lxml.html.fromstring(bodies[0])
        body = root.find("body")
        for node in list(body):
            body.remove(node)
        for index, document in enumerate(bodies):
            for position, node in enumerate(
                lxml.html.fromstring(document).find("body")
            ):
                if position == 0:
                    if index:
                        style = node.get("style", "")
                        node.set("style", f"page-break-before: always; {style}")
                    node.insert(0, self._marker_node(index))
                body.append(node)
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")

    @api.model
    def _marker_node(self, index):
        """A white dot, one pixel wide on paper, whose image is
        ``MARKER_WIDTH + index`` by ``MARKER_HEIGHT`` pixels: the PDF keeps
        image sizes, so the page that shows it is where letter ``index``
        starts. (The Debian wkhtmltopdf draws text as outlines: no text can be
        read back from its PDFs.)"""
        image = Image.new("RGB", (MARKER_WIDTH + index, MARKER_HEIGHT), "white")
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return lxml.html.fromstring(
            '<img alt="" class="o_dunning_letter_marker" '
            'style="display: block; width: 1px; height: 1px; margin-bottom: -1px;" '
            f'src="data:image/png;base64,{base64.b64encode(stream.getvalue()).decode()}"/>'
        )

    @api.model
    def _page_markers(self, page, count):
        """Indexes of the markers of ``count`` letters drawn on ``page`` (a
        PDF page)."""
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        found = []
        for xobject in xobjects.values():
            xobject = xobject.get_object()
            if (
                xobject.get("/Subtype") == "/Image"
                and xobject.get("/Height") == MARKER_HEIGHT
                and MARKER_WIDTH <= xobject.get("/Width", 0) < MARKER_WIDTH + count
            ):
                found.append(xobject["/Width"] - MARKER_WIDTH)
        return found

    @api.model
    def _split(self, pdf, actions, footer=None):
        """Cut ``pdf`` (bytes, rendered from ``_join_bodies``) into the
        letters of ``actions``: letter ``i`` runs from the page showing
        marker ``i`` to the page before marker ``i + 1``.

        :param footer: ``(text, page_label)`` stamped at the foot of each
            letter's pages, numbered from its own first page (see
            ``tools.page_footer.stamp_pages``), or None

        :return: ``{action id: PDF bytes}``
        :raise LetterSplitError: the markers are not each found once, in
            order, the first one on the first page
        """
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        starts = {}
        for number, page in enumerate(reader.pages):
            for index in self._page_markers(page, len(actions)):
                if index in starts:
                    raise LetterSplitError(f"letter {index} starts twice")
                starts[index] = number
        pages = [starts.get(index) for index in range(len(actions))]
        if (
            len(starts) != len(actions)
            or None in pages
            or pages[0] != 0
            or pages != sorted(set(pages))
        ):
            raise LetterSplitError(f"letter starts {starts} for {len(actions)} letters")
        ends = pages[1:] + [len(reader.pages)]
        files = {}
        for action, start, end in zip(actions, pages, ends, strict=True):
            writer = PdfFileWriter()
            for number in range(start, end):
                writer.add_page(reader.pages[number])
            if footer:
                stamp_pages(writer, *footer)
            stream = io.BytesIO()
            writer.write(stream)
            files[action.id] = stream.getvalue()
        return files

    # ------------------------------------------------------------ results
    @api.model
    def _attach(self, actions, files, fmt):
        """Attach each letter to its action, as the post room and the
        action's form expect it, then queue together the emails that carry
        them.

        :param files: ``{action id: bytes}``, one file per action
        :param fmt: "pdf", or "html" where no PDF can be printed
        """
        Letter = self.env["account.dunning.letter"]
        vals_list = []
        for action in actions:
            title = Letter._get_title(
                action.with_context(lang=Letter._get_lang(action))
            )
            vals_list.append(
                {
                    "name": f"{action.name} - {title}.{fmt}",
                    "raw": files[action.id],
                    "res_model": action._name,
                    "res_id": action.id,
                    "mimetype": "application/pdf" if fmt == "pdf" else "text/html",
                }
            )
        attachments = self.env["ir.attachment"].create(vals_list)
        for action, attachment in zip(actions, attachments, strict=True):
            action.write(
                {
                    "letter_attachment_id": attachment.id,
                    "letter_render_state": "done",
                    "letter_render_error": False,
                }
            )
        self._send_emails(actions.filtered(lambda a: a.send_email and not a.mail_id))

    @api.model
    def _failure_reason(self, error):
        """What the accountant reads: the message of the user error behind
        a template error, else the error itself."""
        cause = error
        while cause is not None and not isinstance(cause, UserError):
            cause = cause.__cause__ or cause.__context__
        error = cause or error
        return str(error.args[0]) if error.args else repr(error)

    @api.model
    def _mark_failed(self, action, reason):
        """The letter, and the email waiting for it, stay with the accountant:
        nothing left for this customer."""
        action.write({"letter_render_state": "failed", "letter_render_error": reason})
        action._post_history(
            self.env._(
                "The letter could not be produced, nothing was sent: %(reason)s",
                reason=reason,
            )
        )
