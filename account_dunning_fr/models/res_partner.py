"""A customer as the dunning sees it: payer
profile and size, who receives the reminders, the effective policy, the
debtor type the law depends on, the dunning state and the cockpit.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.einvoice_lifecycle import BLOCKING_STATUSES
from ..tools.payer_profile import suggest_profile
from ..tools.vocabularies import DEBTOR_TYPES, PAYER_PROFILES

# Only accountants decide how a customer is dunned: a salesperson sees it
# but may not change it.
PROTECTED_FIELDS = frozenset(
    {
        "payer_profile",
        "dunning_policy_id",
        "dunning_excluded",
        "dunning_credit_hold",
        "dunning_credit_hold_date",
        "dunning_credit_hold_company_id",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    payer_profile = fields.Selection(
        PAYER_PROFILES,
        tracking=True,
        help="How this customer pays; it chooses the dunning policy unless "
        "one is set on the customer.",
    )
    dunning_company_size = fields.Selection(
        [("large", "Large account"), ("sme", "SME"), ("micro", "Micro-company")],
        string="Company Size",
        help="Chooses who receives reminders when no dunning contact is named.",
    )
    dunning_policy_id = fields.Many2one(
        "account.dunning.policy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Overrides the policy of the payer profile.",
    )
    dunning_effective_policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Applied Policy",
        compute="_compute_dunning_effective_policy_id",
    )
    dunning_role_ids = fields.Many2many(
        "account.dunning.role",
        string="Dunning Roles",
        help="What this contact does for the payment of our invoices.",
    )
    dunning_contact_id = fields.Many2one(
        "res.partner",
        domain="[('parent_id', '=', id), ('type', '!=', 'private')]",
        help="Receives every reminder; when empty, the contact is chosen by "
        "company size and roles.",
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from Dunning",
        tracking=True,
        help="No reminder is ever proposed for this customer.",
    )
    dunning_credit_hold = fields.Boolean(
        string="Credit Hold",
        tracking=True,
        help="Deliveries and services are stopped until the customer pays.",
    )
    dunning_credit_hold_date = fields.Date(
        string="Deliveries Stop On",
        tracking=True,
        help="Day the credit hold announced to the customer takes effect, "
        "unless it has paid by then.",
    )
    dunning_credit_hold_company_id = fields.Many2one(
        "res.company",
        string="Credit Hold Set By Dunning Of",
        readonly=True,
        copy=False,
        help="The company whose dunning put the customer on credit hold: the "
        "hold is lifted (or its lifting proposed) once the customer owes "
        "nothing overdue. Empty for a hold set by hand, which stays until "
        "someone lifts it.",
    )
    dunning_followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        company_dependent=True,
        help="Accountant in charge of this customer's reminders and calls.",
    )
    dunning_action_ids = fields.One2many(
        "account.dunning.action", "partner_id", string="Dunning History", readonly=True
    )
    dunning_action_count = fields.Integer(compute="_compute_dunning_action_count")
    dunning_answer_ids = fields.One2many(
        "account.dunning.answer",
        "partner_id",
        string="Customer Answers",
        readonly=True,
        groups="account.group_account_invoice",
    )
    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        string="Highest Dunning Level",
        compute="_compute_dunning_state",
    )
    dunning_next_date = fields.Date(
        string="Next Dunning Action", compute="_compute_dunning_state"
    )
    dunning_overdue_amount = fields.Monetary(
        string="Total Overdue",
        compute="_compute_dunning_state",
        currency_field="currency_id",
    )
    dunning_overdue_count = fields.Integer(
        string="Overdue Items", compute="_compute_dunning_state"
    )
    dunning_credit_amount = fields.Monetary(
        string="Open Credits",
        compute="_compute_dunning_state",
        currency_field="currency_id",
        help="Credit notes and payments of the customer not matched with an "
        "invoice yet: deducted from what the reminders claim.",
    )
    dunning_credit_to_match = fields.Boolean(
        string="Credits to Match",
        compute="_compute_dunning_state",
        help="The customer has overdue items and open credits: match them.",
    )
    dunning_has_overdue = fields.Boolean(
        string="In Dunning",
        compute="_compute_dunning_state",
        search="_search_dunning_has_overdue",
        help="The customer has overdue items in the current company.",
    )

    dunning_debtor_type = fields.Selection(
        DEBTOR_TYPES,
        string="Debtor Type",
        compute="_compute_dunning_debtor_type",
        store=True,
        readonly=False,
        precompute=True,
        recursive=True,
        help="Decides the legal amounts claimed when this customer pays late: "
        "penalties and the 40 € indemnity for professionals, legal interest "
        "only for consumers, moratorium interest for public buyers.",
    )
    dunning_public_payment_days = fields.Selection(
        [
            ("30", "State or local authority (30 days)"),
            ("50", "Public hospital (50 days)"),
            ("60", "Public undertaking (60 days)"),
        ],
        string="Public Payment Period",
        help="Longest payment period the public buyer may take, counted from "
        "the receipt of the invoice.",
    )
    dunning_insolvency_date = fields.Date(
        string="Insolvency Judgment Date",
        help="Date of the judgment opening a safeguard, reorganisation or "
        "liquidation procedure. From that date no reminder is sent, late "
        "penalties stop accruing and the claim must be declared to the "
        "court-appointed representative.",
    )

    dunning_suggested_profile = fields.Selection(
        PAYER_PROFILES,
        string="Suggested Profile",
        compute="_compute_dunning_stats",
        help="Profile suggested by the payments of the invoices due in the last "
        "12 months; the chosen profile is never changed automatically.",
    )
    dunning_stat_invoice_count = fields.Integer(
        string="Invoices Due (12 months)", compute="_compute_dunning_stats"
    )
    dunning_stat_avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        compute="_compute_dunning_stats",
        help="Paid invoices: payment date minus due date; open ones: today "
        "minus due date; an early payment counts as zero.",
    )
    dunning_stat_late_share = fields.Float(
        string="Paid Late (%)", digits=(16, 1), compute="_compute_dunning_stats"
    )
    dunning_stat_broken_promises = fields.Integer(
        string="Broken Promises (12 months)", compute="_compute_dunning_stats"
    )
    dunning_stat_open_disputes = fields.Integer(
        string="Open Disputes", compute="_compute_dunning_stats"
    )
    dunning_promise_broken_count = fields.Integer(
        string="Broken Promises",
        readonly=True,
        copy=False,
        help="Every payment promise this customer did not keep.",
    )
    dunning_dispute_count = fields.Integer(compute="_compute_dunning_workflow_counts")
    dunning_answer_count = fields.Integer(
        string="Number of Customer Answers",
        compute="_compute_dunning_workflow_counts",
    )
    dunning_payment_plan_count = fields.Integer(
        compute="_compute_dunning_workflow_counts"
    )
    dunning_dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_dunning_dso",
        help="Days sales outstanding: open receivables / credit sales of the "
        "last 365 days × 365.",
    )
    dunning_can_log_call = fields.Boolean(compute="_compute_dunning_can_log_call")
    dunning_einvoice_blocked_count = fields.Integer(
        string="E-invoices Refused or Disputed",
        compute="_compute_dunning_einvoice_blocked_count",
        help="Open invoices of the customer whose latest e-invoicing status "
        "stops or limits the reminders: rejected, refused, disputed, "
        "suspended or approved in part.",
    )

    @api.depends_context("company")
    @api.depends("payer_profile", "dunning_policy_id", "commercial_partner_id")
    def _compute_dunning_effective_policy_id(self):
        # Salespeople see which policy reminds their customers, not the
        # policies themselves (configuration is the accountants').
        policies = self.env["account.dunning.policy"].sudo()._get_partner_policies(self)
        for partner in self:
            partner.dunning_effective_policy_id = policies[
                partner.commercial_partner_id.id
            ]

    def _compute_dunning_action_count(self):
        counts = dict(
            self.env["account.dunning.action"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.dunning_action_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_dunning_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.account_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    @api.depends_context("company")
    def _compute_dunning_state(self):
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id._origin
        # Salespeople see their customers' dunning state without access to
        # accounting: the figures are aggregates of the current company.
        # Every figure of the customers at once, in a fixed number of
        # queries: a list page must not read each customer's invoices.
        Planning = self.env["account.dunning.planning"].sudo()
        summary = Planning._get_account_summary(commercials, today)
        next_steps = Planning._get_customer_next_steps(commercials, today)
        Level = self.env["account.dunning.level"].sudo()
        levels = Level.browse(
            {level_id for fig in summary.values() for level_id in fig["level_ids"]}
        )
        for partner in self:
            customer_id = partner.commercial_partner_id._origin.id
            figures = summary[customer_id]
            reached = levels.filtered(lambda lvl, f=figures: lvl.id in f["level_ids"])
            partner.dunning_overdue_amount = figures["overdue"]
            partner.dunning_overdue_count = figures["overdue_count"]
            partner.dunning_credit_amount = figures["credits"]
            partner.dunning_credit_to_match = bool(
                figures["overdue_count"] and figures["credits"]
            )
            partner.dunning_has_overdue = bool(figures["overdue_count"])
            partner.dunning_level_id = reached._get_highest()
            partner.dunning_next_date = next_steps.get(customer_id, (None, False))[1]

    def _search_dunning_has_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        today = fields.Date.context_today(self)
        # Salespeople find their customers in dunning without accounting
        # rights: the customers are found by a subquery on the items, never
        # read.
        Planning = self.env["account.dunning.planning"].sudo()
        Line = self.env["account.move.line"].sudo()
        Line.flush_model(["partner_id"])
        self.flush_model(["commercial_partner_id"])
        query = Line._search(Planning._get_item_domain())
        move = Planning._join_move(query)
        partner = query.join(
            "account_move_line", "partner_id", "res_partner", "id", "partner"
        )
        query.add_where(Planning._overdue_sql(query, move, today))
        customers = query.subselect(
            self._field_to_sql(partner, "commercial_partner_id", query)
        )
        in_dunning = operator == "=" and value or operator == "!=" and not value
        return [("commercial_partner_id", "in" if in_dunning else "not in", customers)]

    def action_dunning_match_credits(self):
        """The customer's open receivable items, where its payments and
        credit notes are matched with the invoices they settle."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_moves_all_tree"
        )
        action["domain"] = self.env["account.dunning.planning"]._get_item_domain() + [
            ("partner_id", "child_of", self.commercial_partner_id.id)
        ]
        action["context"] = {"search_default_group_by_move": False}
        action["name"] = self.env._("Items to Match")
        return action

    @api.depends("is_company", "parent_id.dunning_debtor_type")
    def _compute_dunning_debtor_type(self):
        for partner in self:
            if partner.is_company:
                partner.dunning_debtor_type = "professional"
            elif partner.parent_id:
                partner.dunning_debtor_type = (
                    partner.parent_id.dunning_debtor_type or "professional"
                )
            else:
                partner.dunning_debtor_type = "consumer"

    def _get_dunning_public_payment_days(self):
        """Return the legal payment period of a public buyer, in days."""
        self.ensure_one()
        return int(self.dunning_public_payment_days or 30)

    @api.depends_context("company")
    def _compute_dunning_stats(self):
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id
        stats = self.env["account.dunning.analysis"]._get_payment_stats(
            commercials, today
        )
        for partner in self:
            values = stats.get(partner.commercial_partner_id.id, {})
            partner.dunning_stat_invoice_count = values.get("count", 0)
            partner.dunning_stat_avg_days_late = values.get("avg_days_late", 0.0)
            partner.dunning_stat_late_share = values.get("late_share", 0.0)
            partner.dunning_stat_broken_promises = values.get("broken_promises", 0)
            partner.dunning_stat_open_disputes = values.get("open_disputes", 0)
            commercial = partner.commercial_partner_id
            partner.dunning_suggested_profile = suggest_profile(
                values,
                debtor_type=commercial.dunning_debtor_type,
                insolvent=bool(commercial.dunning_insolvency_date),
            )

    def _compute_dunning_workflow_counts(self):
        commercials = self.commercial_partner_id
        counts = {}
        for model in (
            "account.dunning.dispute",
            "account.dunning.payment.plan",
            "account.dunning.answer",
        ):
            # Counts only, shown to salespeople who cannot open these records.
            counts[model] = dict(
                self.env[model]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "in", commercials.ids),
                        ("company_id", "in", self.env.companies.ids),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_dispute_count = counts["account.dunning.dispute"].get(
                commercial, 0
            )
            partner.dunning_payment_plan_count = counts[
                "account.dunning.payment.plan"
            ].get(commercial, 0)
            partner.dunning_answer_count = counts["account.dunning.answer"].get(
                commercial, 0
            )

    @api.depends_context("company")
    def _compute_dunning_einvoice_blocked_count(self):
        # A count shown to salespeople too, who may not read invoices.
        counts = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                self._dunning_einvoice_blocked_domain(self.commercial_partner_id),
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.dunning_einvoice_blocked_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.model
    def _dunning_einvoice_blocked_domain(self, customers):
        """Domain of the open invoices of ``customers`` (``res.partner``
        commercial entities) in the current company whose latest e-invoicing
        status stops or limits the reminders."""
        return [
            ("commercial_partner_id", "in", customers.ids),
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("dunning_einvoice_status", "in", BLOCKING_STATUSES),
        ]

    def action_view_dunning_einvoice_blocked(self):
        """The customer's invoices counted by
        ``dunning_einvoice_blocked_count``.

        :return: ``ir.actions.act_window`` dict
        """
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = self._dunning_einvoice_blocked_domain(
            self.commercial_partner_id
        )
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        action["name"] = self.env._("Invoices Refused or Disputed")
        return action

    @api.depends_context("company")
    def _compute_dunning_dso(self):
        dso = self.env["account.dunning.analysis"]._get_dso(
            fields.Date.context_today(self), partners=self.commercial_partner_id
        )
        for partner in self:
            partner.dunning_dso = dso.get(partner.commercial_partner_id.id, 0.0)

    @api.depends_context("uid")
    def _compute_dunning_can_log_call(self):
        for partner in self:
            partner.dunning_can_log_call = self.env[
                "account.dunning.call"
            ]._user_may_log(partner)

    @api.model
    def _commercial_fields(self):
        # Contacts follow their company: the profile is the payer's, not the
        # person's.
        return super()._commercial_fields() + [
            "payer_profile",
            "dunning_company_size",
            "dunning_excluded",
            "dunning_credit_hold",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        if any(PROTECTED_FIELDS.intersection(vals) for vals in vals_list):
            self._check_dunning_config_access()
        return super().create(vals_list)

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals):
            self._check_dunning_config_access()
            # A hold lifted or set by hand is no longer the dunning's to lift;
            # the dunning names itself in the same write.
            if "dunning_credit_hold" in vals:
                vals = {"dunning_credit_hold_company_id": False, **vals}
        return super().write(vals)

    def _check_dunning_config_access(self):
        if self.env.su or self.env.user.has_group("account.group_account_invoice"):
            return
        raise AccessError(
            self.env._(
                "Only accountants can change a customer's payer profile, dunning "
                "policy, exclusion or credit hold. Ask your accounting team."
            )
        )

    def _get_dunning_policy(self):
        """Effective policy: the customer's own, else its profile's, else the
        company default."""
        self.ensure_one()
        return self.env["account.dunning.policy"]._get_partner_policies(self)[
            self.commercial_partner_id.id
        ]

    # ---------------------------------------------------------------- actions
    def action_dunning_log_call(self):
        self.ensure_one()
        return self.env["account.dunning.call"]._open_for(self, "call")

    def action_dunning_log_visit(self):
        self.ensure_one()
        return self.env["account.dunning.call"]._open_for(self, "visit")

    def action_view_dunning_disputes(self):
        return self._dunning_open_related(
            "account_dunning_fr.account_dunning_dispute_action"
        )

    def action_view_dunning_answers(self):
        return self._dunning_open_related(
            "account_dunning_fr.account_dunning_answer_action"
        )

    def action_view_dunning_payment_plans(self):
        return self._dunning_open_related(
            "account_dunning_fr.account_dunning_payment_plan_action"
        )

    def action_dunning_create_payment_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Payment Plan"),
            "res_model": "account.dunning.payment.plan.create",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_dunning_formal_notice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Formal Notice"),
            "res_model": "account.dunning.formal.notice",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _dunning_open_related(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
