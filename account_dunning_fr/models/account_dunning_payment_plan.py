"""Payment plans (échéanciers): a down payment and instalments agreed with a
customer who cannot pay at once.

While a plan runs, its invoices are not reminded. Payments are allocated to
the instalments in date order; an instalment still unpaid after its date plus
the company's grace period breaks the plan and the reminders resume.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


class AccountDunningPaymentPlan(models.Model):
    _name = "account.dunning.payment.plan"
    _description = "Dunning Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        "account_dunning_payment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    line_ids = fields.One2many(
        "account.dunning.payment.plan.line", "plan_id", string="Schedule", copy=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("done", "Done"),
            ("broken", "Broken"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today
    )
    signed_date = fields.Date(
        string="Signed On",
        tracking=True,
        help="Date the customer signed the agreement: an acknowledgment of the "
        "debt, which restarts the prescription period.",
    )
    interest_rate = fields.Float(
        string="Interest Rate (%)",
        digits=(16, 2),
        help="Yearly rate, close to market terms; leave empty for none.",
    )
    interest_at_end = fields.Boolean(
        string="Invoice Interest at the End",
        help="Interest is invoiced only once the plan is completed, which "
        "leaves room for a commercial gesture.",
    )
    bills_of_exchange = fields.Boolean(
        string="Bills of Exchange",
        help="Each instalment is paid by a bill of exchange sent for acceptance.",
    )
    amount_initial = fields.Monetary(
        string="Amount Due When Agreed",
        readonly=True,
        help="Open amount of the invoices when the plan started; payments are "
        "measured against it.",
    )
    amount_total = fields.Monetary(
        string="Scheduled Total", compute="_compute_amounts", store=True
    )
    amount_total_words = fields.Char(
        string="Amount in Words", compute="_compute_amount_total_words"
    )
    amount_paid = fields.Monetary(compute="_compute_amounts_paid")
    amount_interest = fields.Monetary(
        string="Interest",
        compute="_compute_amount_interest",
        help="Simple interest on the balance still due between instalments.",
    )
    agreement_action_id = fields.Many2one(
        "account.dunning.action", string="Agreement Letter", readonly=True, copy=False
    )
    note = fields.Html()

    @api.depends("partner_id", "date_start")
    def _compute_name(self):
        for plan in self:
            # Read in chatter links and lists: the date as its reader writes it.
            start = format_date(self.env, plan.date_start) if plan.date_start else ""
            plan.name = f"{plan.partner_id.name or ''} – {start}"

    @api.depends("line_ids.amount")
    def _compute_amounts(self):
        for plan in self:
            plan.amount_total = sum(plan.line_ids.mapped("amount"))

    @api.depends("amount_total", "currency_id")
    def _compute_amount_total_words(self):
        for plan in self:
            lang = plan.partner_id.lang or self.env.lang
            plan.amount_total_words = plan.currency_id.with_context(
                lang=lang
            ).amount_to_text(plan.amount_total)

    @api.depends("state", "amount_initial", "move_ids.amount_residual_signed")
    def _compute_amounts_paid(self):
        for plan in self:
            if plan.state == "draft":
                plan.amount_paid = 0.0
                continue
            left = plan.move_ids._dunning_open_amount()
            plan.amount_paid = max(plan.amount_initial - left, 0.0)

    @api.depends("interest_rate", "line_ids.amount", "line_ids.date", "date_start")
    def _compute_amount_interest(self):
        for plan in self:
            balance, previous, interest = plan.amount_total, plan.date_start, 0.0
            for line in plan.line_ids.sorted("date"):
                if previous and line.date:
                    days = max((line.date - previous).days, 0)
                    interest += balance * plan.interest_rate / 100 * days / 365
                balance -= line.amount
                previous = line.date
            plan.amount_interest = plan.currency_id.round(interest)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("signed_date"):
            self.filtered(lambda p: p.state == "running")._restart_prescription()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only draft payment plans can be deleted."))

    def action_start(self):
        """The customer agreed: the plan runs and the reminders pause."""
        for plan in self:
            if plan.state != "draft":
                continue
            open_amount = plan.move_ids._dunning_open_amount()
            if plan.currency_id.compare_amounts(plan.amount_total, open_amount) != 0:
                raise UserError(
                    self.env._(
                        "The schedule totals %(scheduled)s but the invoices still "
                        "owe %(open)s: adjust the instalments.",
                        scheduled=format_amount(
                            self.env, plan.amount_total, plan.currency_id
                        ),
                        open=format_amount(self.env, open_amount, plan.currency_id),
                    )
                )
            if not plan.line_ids:
                raise UserError(
                    self.env._("Add at least one instalment to the schedule.")
                )
            plan.write({"state": "running", "amount_initial": open_amount})
            plan._restart_prescription()
            plan._post_on_moves(
                self.env._(
                    "Payment plan started: the reminders pause while it is kept."
                )
            )
        return True

    def action_cancel(self):
        self.filtered(lambda p: p.state in ("draft", "running")).write(
            {"state": "broken"}
        )
        return True

    def action_print_agreement(self):
        """Record and print the agreement letter to be signed by the customer."""
        self.ensure_one()
        if not self.agreement_action_id or self.agreement_action_id.state != "done":
            action = self.env["account.dunning.action"].create(
                self._prepare_agreement_action_vals()
            )
            action._carry_out()
            if action.state == "failed":
                raise UserError(action.failure_reason)
            self.agreement_action_id = action
        return self.agreement_action_id.action_print_letter()

    def _prepare_agreement_action_vals(self):
        self.ensure_one()
        return self.env["account.dunning.planning"]._prepare_action_vals(
            self.partner_id,
            self.move_ids,
            fields.Date.context_today(self),
            deadline_date=self.line_ids[:1].date,
            send_letter=True,
            dunning_workflow="payment_plan",
            letter_type_override="payment_plan",
            payment_plan_id=self.id,
        )

    def _restart_prescription(self):
        for plan in self.filtered("signed_date"):
            plan.move_ids.write({"dunning_prescription_restart_date": plan.signed_date})

    def _post_on_moves(self, text):
        self.ensure_one()
        self._dunning_message_post(body=text)
        self.move_ids._message_log_batch(bodies=dict.fromkeys(self.move_ids.ids, text))
        self.partner_id._message_log(body=text)

    @api.model
    def _get_due_settlements(self, date):
        """Running plans of the current company that the run settles on
        ``date``, read only: the preview plans from them without writing.

        A plan is done when all its invoices are paid, broken when an
        instalment is still unpaid after its date plus the company's grace
        period (days).

        :param date: ``datetime.date`` of the run
        :return: ``{account.dunning.payment.plan: account.dunning.payment.plan.line}``,
            the first late instalment of a plan that breaks, an empty
            recordset for a plan completed
        """
        grace = timedelta(days=self.env.company.dunning_promise_grace_days)
        plans = self.search(
            [("company_id", "=", self.env.company.id), ("state", "=", "running")]
        )
        Line = self.env["account.dunning.payment.plan.line"]
        settlements = {}
        for plan in plans:
            if all(
                m.payment_state in ("paid", "in_payment", "reversed")
                for m in plan.move_ids
            ):
                settlements[plan] = Line
                continue
            late = plan.line_ids.filtered(
                lambda line: not line.paid and line.date + grace < date
            )
            if late:
                settlements[plan] = late[0]
        return settlements

    @api.model
    def _settle_due_plans(self, date):
        """Write what ``_get_due_settlements`` finds on ``date`` (a
        ``datetime.date``): the current company's plans completed become
        done, those with an instalment unpaid after the grace are broken."""
        for plan, late in self._get_due_settlements(date).items():
            if late:
                plan._break(late)
                continue
            plan.state = "done"
            plan._post_on_moves(self.env._("Payment plan completed."))

    def _get_resume_items(self, items, level):
        """Which of ``items`` (open ``account.move.line`` of the plan's
        invoices) a break takes up to ``level``: those never reminded, or
        reminded at a lower level of the same policy."""
        return items.filtered(
            lambda i: (
                not i.dunning_level_id
                or (
                    i.dunning_level_id.policy_id == level.policy_id
                    and i.dunning_level_id.sequence < level.sequence
                )
            )
        )

    def _break(self, line):
        """A missed instalment: the reminders resume at a firm level."""
        self.ensure_one()
        self.state = "broken"
        level = self._get_resume_level()
        if level:
            # Each open item of the plan's invoices below that level is taken
            # up to it, as are the invoices themselves.
            items = self.env["account.dunning.action.line"]._get_open_items(
                self.move_ids
            )
            lower = self._get_resume_items(items, level)
            lower.write({"dunning_level_id": level.id})
            lower.move_id.write({"dunning_level_id": level.id})
        self._post_on_moves(
            self.env._(
                "Payment plan broken: the instalment of %(date)s was not paid. "
                "The reminders resume.",
                date=format_date(self.env, line.date),
            )
        )

    def _get_resume_level(self):
        """Level the invoices are set to when the plan breaks.

        The level just before the last amicable (non formal-notice) level: the
        next run then sends the firmest amicable reminder at once. The formal
        notice itself is left to the accountant, who must go through its
        checklist.
        """
        self.ensure_one()
        policy = self.partner_id.with_company(self.company_id)._get_dunning_policy()
        if not policy:
            return policy
        amicable = policy._get_levels_ordered().filtered(
            lambda lvl: not lvl.is_formal_notice
        )
        return amicable[-2:-1] or amicable[:1]
