"""The dunning action: what was (or will be) done for one customer.

It is the evidence file of the amicable phase, for a later court claim: who was reached,
for which invoices, through which channels, when, by whom, and what came of
it. Actions are proposed by the run (``account.dunning.planning``), executed
channel by channel (``account.dunning.execution``) or recorded by hand by the
accountant's workflows (calls, visits, payment plans, formal notices).
"""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext, html_escape

from ..tools.vocabularies import ACTION_STATES


class AccountDunningAction(models.Model):
    _name = "account.dunning.action"
    _description = "Dunning Action"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "account.dunning.workflow.mixin",
        "account.dunning.channel.mixin",
        "portal.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Stored, and given at creation with the company (see ``create``): each
    # amount is rounded to it as it is written. Not precomputed: Odoo then
    # drops a given value and builds each new action in memory to compute it.
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Reached",
        check_company=True,
        help="Recipient of the reminder.",
    )
    recipient_note = fields.Text(
        string="Recipients",
        readonly=True,
        copy=False,
        help="Who received each channel, and why them.",
    )
    # The recipient of each written channel, chosen along the customer's
    # recipient chain when the action is carried out and read from here by
    # everything that sends (email template, letter, SMS, deliveries).
    email_partner_id = fields.Many2one(
        "res.partner", string="Email Recipient", readonly=True, copy=False
    )
    letter_partner_id = fields.Many2one(
        "res.partner", string="Letter Recipient", readonly=True, copy=False
    )
    sms_partner_id = fields.Many2one(
        "res.partner", string="SMS Recipient", readonly=True, copy=False
    )
    salesperson_id = fields.Many2one(
        "res.users", related="partner_id.user_id", store=True, string="Salesperson"
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_action_move_rel",
        "action_id",
        "move_id",
        string="Invoices",
        check_company=True,
        help="Invoices and entries whose items the action claims.",
    )
    line_ids = fields.One2many(
        "account.dunning.action.line",
        "action_id",
        string="Items",
        help="The items of the customer's account the action lists: what it "
        "claims, each at its stage, and the credits deducted.",
    )
    level_id = fields.Many2one(
        "account.dunning.level",
        index=True,
        check_company=True,
        help="Level of the policy this action carries out; empty for calls, "
        "visits, agreements and notices recorded by hand.",
    )
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    letter_type = fields.Selection(related="level_id.letter_type")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    user_id = fields.Many2one(
        "res.users", string="Executed By", readonly=True, copy=False
    )
    state = fields.Selection(
        ACTION_STATES, default="proposed", required=True, tracking=True, index=True
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    # The channels of the mixin record what was done: in the past tense.
    notify_salesperson = fields.Boolean(string="Salesperson Informed")
    credit_hold = fields.Boolean(help="Deliveries and services were stopped.")
    amount_due = fields.Monetary(
        string="Amount Reminded",
        help="What the action claims, in company currency: the open items it "
        "lists minus the customer's open credits.",
    )
    hold_reason = fields.Char(
        readonly=True,
        copy=False,
        help="Why this automatic action waits for an accountant instead of "
        "being carried out by the run.",
    )
    answer_id = fields.Many2one(
        "account.dunning.answer",
        string="Customer Answered",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer's answer about invoices this reminder claims, "
        "received while it was still waiting: it withdrew the reminder, or, "
        "when the reminder also claims other invoices, a person chooses.",
    )
    letter_sent_date = fields.Date(
        string="Letter Sent On",
        readonly=True,
        copy=False,
        help="Day the printed or registered letter left for the post.",
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amount_recovered",
        store=True,
        aggregator="sum",
        help="Paid on the reminded invoices since this action was carried "
        "out: what each level brings back.",
    )
    deadline_date = fields.Date(
        string="Announced Deadline",
        help="Payment deadline announced to the customer; the next level is "
        "not due before the day after it.",
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter File", readonly=True, copy=False
    )
    print_state = fields.Selection(
        [
            ("none", "Nothing to print"),
            ("to_print", "To print"),
            ("printed", "Printed"),
        ],
        default="none",
        required=True,
        copy=False,
        index=True,
    )
    letter_render_state = fields.Selection(
        [
            ("none", "No letter"),
            ("pending", "To render"),
            ("done", "Rendered"),
            ("failed", "Failed"),
        ],
        string="Letter File State",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        help="The letter is rendered after the action is carried out, by its "
        "own scheduled action; the email that attaches it leaves once it "
        "exists.",
    )
    letter_render_error = fields.Char(
        string="Letter Failure", readonly=True, copy=False
    )
    mail_id = fields.Many2one(
        "mail.mail",
        string="Email Sent",
        compute="_compute_mail_id",
        store=True,
        copy=False,
        help="The last email queued for this reminder, followed by its delivery.",
    )
    delivery_ids = fields.One2many(
        "account.dunning.delivery",
        "action_id",
        string="Deliveries",
        help="Whether each email, SMS and letter reached the customer.",
    )
    delivery_state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
        ],
        string="Delivery",
        compute="_compute_delivery_state",
        store=True,
        help="Failed as soon as one channel did not arrive; pending while one "
        "waits in a queue or the post room.",
    )
    delivery_failed = fields.Boolean(
        string="Undelivered",
        compute="_compute_delivery_state",
        store=True,
        index=True,
        help="A channel did not arrive and the accountant has not dealt with "
        "it yet: it waits in the failed actions.",
    )
    replaced_action_id = fields.Many2one(
        "account.dunning.action",
        string="In Place Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The action whose reminder did not arrive, which this letter replaces.",
    )
    replacement_ids = fields.One2many(
        "account.dunning.action", "replaced_action_id", string="Replaced By"
    )
    registered_number = fields.Char(string="Registered Letter Number", copy=False)
    registered_ack_date = fields.Date(string="Acknowledgment of Receipt", copy=False)
    notes = fields.Html()
    dedup_key = fields.Char(
        compute="_compute_dedup_key",
        store=True,
        index=True,
        help="Customer, level, day and invoices: two live actions never share it.",
    )
    run_unit_id = fields.Many2one(
        "account.dunning.run.unit",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The unit of the run that carried out this action; a unit has "
        "one action at most.",
    )
    run_id = fields.Many2one(
        related="run_unit_id.run_id", store=True, index="btree_not_null", string="Run"
    )
    legal_next_steps = fields.Html(
        string="Next Legal Steps",
        compute="_compute_legal_next_steps",
        sanitize=False,
        help="Once the deadline of a formal notice has passed unpaid.",
    )

    def _compute_access_url(self):
        # The customer's answer page: see controllers/portal.py.
        res = super()._compute_access_url()
        for action in self:
            action.access_url = f"/my/dunning/{action.id}"
        return res

    @api.model
    def mail_allowed_qweb_expressions(self):
        """The reminders' subjects name the company: a plain field, which Odoo
        then renders without evaluating code, as it does for a template's
        other plain placeholders."""
        return (*super().mail_allowed_qweb_expressions(), "object.company_id.name")

    def _get_dunning_answer_url(self):
        """Absolute signed link of the customer's answer page, carried by
        the reminder's email and letter (see ``account.dunning.portal``).

        :return: str URL with the action's access token
        """
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    @api.depends("state", "line_ids.move_line_id.amount_residual")
    def _compute_amount_recovered(self):
        for action in self:
            debits = action.line_ids.filtered(lambda line: not line.is_credit)
            action.amount_recovered = (
                sum(
                    max(line.amount_residual - line.move_line_id.amount_residual, 0.0)
                    for line in debits
                )
                if action.state == "done"
                else 0.0
            )

    @api.depends("delivery_ids.mail_id")
    def _compute_mail_id(self):
        # Read from the deliveries, written for a whole set at once, rather
        # than written on each action as its email is queued.
        for action in self:
            action.mail_id = action.delivery_ids.filtered("mail_id")[-1:].mail_id

    @api.depends("delivery_ids.state", "delivery_ids.handled")
    def _compute_delivery_state(self):
        for action in self:
            states = set(action.delivery_ids.mapped("state"))
            action.delivery_state = next(
                (st for st in ("failed", "pending", "sent") if st in states), False
            )
            action.delivery_failed = any(
                d.state == "failed" and not d.handled for d in action.delivery_ids
            )

    @api.depends(
        "partner_id",
        "level_id",
        "date",
        "move_ids",
        "dunning_workflow",
        "replaced_action_id",
    )
    def _compute_dedup_key(self):
        for action in self:
            # The day is part of the key: two runs of one day never remind the
            # same invoices twice, while a later day's reminder of the same
            # invoices at the same level (an item catching up) is allowed.
            moves = ",".join(str(i) for i in sorted(action.move_ids.ids))
            key = f"{action.partner_id.id}:{action.level_id.id}:{action.date}:{moves}"
            if action.dunning_workflow:
                # Recorded by hand, not a run proposal: never collides with
                # the run's duplicate guard.
                key = f"{key}:{action.dunning_workflow}:{action.id}"
            if action.replaced_action_id:
                # The letter sent in place of an undelivered reminder repeats
                # that reminder's customer, level and invoices.
                key = f"{key}:replaces:{action.replaced_action_id.id}"
            action.dedup_key = key

    @api.depends("state", "deadline_date", "move_ids.amount_residual")
    @api.depends_context("date")
    def _compute_legal_next_steps(self):
        Litigation = self.env["account.dunning.litigation"]
        labels = Litigation._get_next_step_labels()
        for action in self:
            steps = Litigation._get_next_steps(action)
            action.legal_next_steps = steps and Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % labels[step] for step in steps
            )

    def init(self):
        # Two runs at once must never both remind the same invoices at the
        # same level: the database refuses the second live action.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_action_live_uniq
                ON account_dunning_action (dedup_key)
             WHERE state != 'cancelled'
            """
        )
        # A unit taken up again after a crash, or by two workers, never gets
        # a second action.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_action_run_unit_uniq
                ON account_dunning_action (run_unit_id)
             WHERE run_unit_id IS NOT NULL
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        Company = self.env["res.company"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("account.dunning.action")
                    or "/"
                )
            # The company's currency given with its company: the ORM would
            # otherwise build each new action in memory to compute it.
            if vals.get("company_id") and "currency_id" not in vals:
                vals["currency_id"] = Company.browse(vals["company_id"]).currency_id.id
        Line = self.env["account.dunning.action.line"]
        # The lines the run prepares are written after their actions, all in
        # one statement (see account.dunning.action.line._insert_prepared).
        split = [Line._split_prepared(vals) for vals in vals_list]
        actions = super().create([vals for vals, _lines in split])
        prepared = [lines for _vals, lines in split]
        Line._insert_prepared(actions, prepared)
        Line._fill_from_moves(
            actions.browse(
                action.id
                for action, lines in zip(actions, prepared, strict=True)
                if not lines and action.move_ids and not action.line_ids
            )
        )
        return actions

    def write(self, vals):
        res = super().write(vals)
        if vals.get("registered_ack_date"):
            self.env["account.dunning.execution"]._record_formal_notice_receipt(
                self.filtered("letter_sent_date")
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(action.state in ("done", "failed") for action in self):
            raise UserError(
                self.env._(
                    "A dunning action that was carried out is evidence: cancel "
                    "it instead of deleting it."
                )
            )

    # ------------------------------------------------------------------ actions
    def action_execute(self):
        """Execute proposed or failed actions (the accountant's validation).

        An action validated after the day it was proposed is dated the day it
        is carried out: its letter, figures and announced deadline are those
        of the day it leaves, so that the deadline it announces is kept.
        """
        self._check_can_run()
        todo = self.filtered(lambda a: a.state in ("proposed", "failed"))
        Execution = self.env["account.dunning.execution"]
        Execution._redate(todo, fields.Date.context_today(self))
        todo._carry_out()
        return True

    def action_cancel(self):
        self._check_can_run()
        Delivery = self.env["account.dunning.delivery"]
        for action in self.filtered(lambda a: a.state in ("proposed", "failed")):
            action.state = "cancelled"
            action._post_history(self.env._("Dunning action cancelled."))
            Delivery._settle(action.replaced_action_id)
        return True

    def action_acknowledge_delivery(self):
        """The accountant dealt with what did not arrive (another address,
        a call...): the action leaves the failed ones."""
        self._check_can_run()
        self.env["account.dunning.delivery"]._settle(self)
        return True

    def action_mark_printed(self):
        """The letters left for the post: a formal notice takes its date.

        Their items are read again first: a letter withdrawn meanwhile, or
        rendered again because its claim changed, is not marked sent (what
        left, if anything, was the old letter; the new one waits to be
        printed)."""
        waiting = self.filtered(lambda a: a.print_state == "to_print")
        to_print, rerendered = self.env["account.dunning.send"]._refresh_letters(
            waiting
        )
        self.env["account.dunning.execution"]._mark_letters_sent(to_print - rerendered)
        return self._refresh_notification(waiting - to_print, rerendered)

    def action_print_batch(self):
        """All pending letters of these actions as one PDF, marked printed;
        a notification instead when every one was withdrawn."""
        waiting = self.filtered(lambda a: a.print_state == "to_print")
        attachment = self.env["account.dunning.send"]._merge_letters(self)
        if not attachment:
            withdrawn = waiting.filtered(lambda a: a.print_state == "none")
            return self._refresh_notification(withdrawn, self.browse())
        return self._download(attachment)

    def action_print_letter(self):
        """The letter of this action; one waiting for the post room is read
        again first, and is not given when it was withdrawn."""
        self.ensure_one()
        # Reading the items again writes the action: the post room is the
        # accountants'; anyone else gets the letter as it is.
        may_refresh = self.env.su or self.env.user.has_group(
            "account.group_account_invoice"
        )
        if self.print_state == "to_print" and may_refresh:
            to_print, rerendered = self.env["account.dunning.send"]._refresh_letters(
                self
            )
            if not to_print:
                return self._refresh_notification(self, rerendered)
        return self._download(self.letter_attachment_id)

    def _refresh_notification(self, withdrawn, rerendered):
        """What the post room says when letters were withdrawn or rendered
        again before printing (True when nothing changed)."""
        if not (withdrawn or rerendered):
            return True
        parts = []
        if withdrawn:
            parts.append(
                self.env._(
                    "Withdrawn, their invoices were settled meanwhile: %(actions)s.",
                    actions=", ".join(withdrawn.mapped("name")),
                )
            )
        if rerendered:
            parts.append(
                self.env._(
                    "Rendered again, their claim changed: %(actions)s.",
                    actions=", ".join(rerendered.mapped("name")),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Letters read again before printing"),
                "message": " ".join(parts),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    def action_dunning_log_call(self):
        self.ensure_one()
        return self.env["account.dunning.call"]._open_for(
            self.partner_id, "call", action=self
        )

    def action_dunning_log_visit(self):
        self.ensure_one()
        return self.env["account.dunning.call"]._open_for(
            self.partner_id, "visit", action=self
        )

    def action_print_injunction_file(self):
        self.ensure_one()
        return self.env.ref(
            "account_dunning_fr.report_dunning_injunction_file"
        ).report_action(self.partner_id.commercial_partner_id)

    # ---------------------------------------------------------- business methods
    @api.model
    def _run_dunning(
        self, date=None, companies=None, partners=None, execute=True, levels=None
    ):
        """Plan, then execute, the actions due on ``date``.

        Kept here as the stable entry point; the run itself lives in
        ``account.dunning.run``.

        :param date: run date (``datetime.date``; default: today)
        :param companies: ``res.company`` recordset (default: the user's)
        :param partners: ``res.partner`` recordset to restrict the run to
        :param execute: execute automatic levels at once; when False every
            action stays proposed (the wizard's preview)
        :param levels: ``account.dunning.level`` recordset to restrict to
        :return: the ``account.dunning.action`` records created
        """
        actions = self.env["account.dunning.run"]._run(
            date=date,
            companies=companies,
            partners=partners,
            execute=execute,
            levels=levels,
        )["actions"]
        # Synchronous to the end: the letters the run left pending too.
        self.env["account.dunning.send"]._render_pending(actions)
        return actions

    def _carry_out(self):
        """Carry out these actions (``account.dunning.execution._carry_out``),
        then render their letters and queue the emails carrying them, unless
        the context says ``dunning_defer_letters`` (the run leaves them to
        the letters' scheduled action)."""
        self.env["account.dunning.execution"]._carry_out(self)
        Send = self.env["account.dunning.send"]
        if self.env.context.get("dunning_defer_letters"):
            if Send._count_pending(self):
                Send._trigger()
        else:
            Send._render_pending(self)

    def _runs_by_itself(self):
        """Whether this proposed action is carried out without waiting for
        the accountant: its level runs by itself and nothing holds it (a
        payment on its way, an answer of the customer)."""
        self.ensure_one()
        return (
            self.state == "proposed"
            and self.level_id.auto_execute
            and not self.hold_reason
        )

    def _get_recipient(self, channel):
        """Who receives ``channel`` of this action: the recipient recorded
        when it was carried out, else the first of the customer's recipient
        chain that can receive it, the action's contact tried first (a
        letter printed before it leaves goes to that contact, or to the
        customer, when nobody has an address).

        :param channel: "email", "letter" or "sms"
        :return: ``res.partner``, empty when nobody can receive it
        """
        self.ensure_one()
        recorded = self[f"{channel}_partner_id"]
        if recorded:
            return recorded
        recipient = self.env["account.dunning.recipient"]._get_channel_recipient(
            self.partner_id, channel, preferred=self.contact_id
        )[0]
        if not recipient and channel == "letter":
            return self.contact_id or self.partner_id
        return recipient or self.env["res.partner"]

    def action_render_letter(self):
        """Render again the letters that failed, and send the emails that
        waited for them."""
        self._check_can_run()
        failed = self.filtered(lambda a: a.letter_render_state == "failed")
        failed.write({"letter_render_state": "pending"})
        self.env["account.dunning.send"]._render_pending(failed)
        return True

    def _check_can_run(self):
        if not (
            self.env.su or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._("Only accountants can execute or cancel dunning actions.")
            )

    def _download(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _post_history(self, texts, on_actions=True):
        """Log each of these actions on its customer, with a link to the
        action, and on the action itself unless ``on_actions`` is false: one
        batch per model, whatever the number of actions. The invoices get no
        note: each shows its reminders in its dunning tab, read from the
        actions' lines (``account.move.dunning_action_line_ids``).

        :param texts: plain text for every action, or ``{action id: text}``
        :param on_actions: false for what the action's own fields already
            say (a reminder carried out: its state, date, user, deliveries
            and lines), so that a reminder costs one note, on the customer
        """
        if not self:
            return
        if isinstance(texts, str):
            texts = dict.fromkeys(self.ids, texts)
        # A batch of notes: each body sanitized once, not once for its
        # column and again for the cache (mail.message's body field).
        batch = {"dunning_render_cache": {}}
        if on_actions:
            self.with_context(**batch)._message_log_batch(
                bodies={action.id: html_escape(texts[action.id]) for action in self}
            )
        # A batch log takes one body per record: a customer named twice (two
        # actions of one customer) waits for the next round.
        rounds = []
        for action in self:
            body = Markup(
                "%s <a href='#' data-oe-model='%s' data-oe-id='%s'>%s</a>"
            ) % (html_escape(texts[action.id]), action._name, action.id, action.name)
            customer_id = action.partner_id.id
            for bodies in rounds:
                if customer_id not in bodies:
                    bodies[customer_id] = body
                    break
            else:
                rounds.append({customer_id: body})
        Partner = self.env["res.partner"].with_context(**batch)
        for bodies in rounds:
            Partner.browse(list(bodies))._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------ replies
    def _message_post_after_hook(self, message, msg_values):
        """An email the mail gateway threaded on this action (a reply to
        its reminder) is the customer's answer, unless a program wrote it
        (an out-of-office): that one stays in the chatter only."""
        res = super()._message_post_after_hook(message, msg_values)
        if (
            self.env.context.get("from_alias")
            and message.message_type == "email"
            and not self.env.context.get("dunning_auto_reply")
        ):
            self._record_reply(message)
        return res

    def _record_reply(self, message):
        """Record ``message`` (``mail.message``), received in reply to this
        reminder, as the customer's answer: the reminders of its invoices
        wait for the company's number of days, and whoever follows the
        customer up gets a task to read it. A reply written by an employee
        (from their own mailbox) is no answer of the customer."""
        self.ensure_one()
        if message.author_id.user_ids.filtered(lambda u: not u.share):
            return
        text = html2plaintext(message.body or "")
        # The mail gateway runs as OdooBot on behalf of the sender, who may
        # not create answers.
        answer = (
            self.env["account.dunning.answer"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "partner_id": self.partner_id.id,
                    "kind": "reply",
                    "source": "email",
                    "author_id": message.author_id.id,
                    "date": fields.Date.context_today(self),
                    "move_ids": [Command.set(self.move_ids.ids)],
                    "text": text,
                    "action_id": self.id,
                    "message_id": message.id,
                }
            )
        )
        self.env["account.dunning.portal"]._notify_responsible(
            self,
            answer,
            self.env._("Read the customer's reply to %(reminder)s", reminder=self.name),
            text,
        )

    # ------------------------------------------------------------ delivery
    def _message_receive_bounce(self, email, partner):
        """A reminder email came back (Odoo's bounce handling found this
        action from the returned message): its email delivery failed."""
        res = super()._message_receive_bounce(email, partner)
        for action in self:
            emails = action.delivery_ids.filtered(
                lambda d: d.channel == "email" and d.state != "failed"
            )
            bounced = (
                emails.filtered(lambda d: d.address == email) or emails
            )._in_staff_lang()
            server_reason = self.env.context.get("dunning_bounce_reason")
            bounced._set_state(
                "failed",
                bounced.env._(
                    "Returned as undeliverable by the recipient's mail server "
                    "(%(email)s): %(reason)s",
                    email=email,
                    reason=server_reason,
                )
                if server_reason
                else bounced.env._(
                    "Returned as undeliverable by the recipient's mail server "
                    "(%(email)s).",
                    email=email,
                ),
            )
        return res
