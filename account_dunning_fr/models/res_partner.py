from odoo import api, fields, models
from odoo.exceptions import AccessError

from .account_dunning_policy import PAYER_PROFILES

# Who receives a reminder when no dunning contact is named (SPEC §2.2):
# roles tried in this order, by the size of the customer's company.
RECIPIENT_ROLES_BY_SIZE = {
    "large": ("accounts_payable", "purchasing"),
    "sme": ("accounting",),
    "micro": ("manager",),
}
# A customer whose size is not known yet is treated as an SME, the most
# common French customer.
DEFAULT_SIZE = "sme"

# Only accountants decide how a customer is dunned (SPEC §2.8).
PROTECTED_FIELDS = frozenset(
    {"payer_profile", "dunning_policy_id", "dunning_excluded", "dunning_credit_hold"}
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
        string="Overdue Invoices", compute="_compute_dunning_state"
    )

    @api.depends_context("company")
    @api.depends("payer_profile", "dunning_policy_id", "commercial_partner_id")
    def _compute_dunning_effective_policy_id(self):
        for partner in self:
            partner.dunning_effective_policy_id = partner._get_dunning_policy()

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
        commercials = self.commercial_partner_id
        # Salespeople see their customers' dunning state without access to
        # accounting: the figures are aggregates of the current company.
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", commercials.ids),
                    ("company_id", "=", self.env.company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial", "in_payment")),
                ]
            )
        )
        by_partner = {}
        for move in moves:
            by_partner.setdefault(move.commercial_partner_id.id, []).append(move)
        for partner in self:
            invoices = by_partner.get(partner.commercial_partner_id.id, [])
            overdue = [
                m for m in invoices if m.invoice_date_due and m.invoice_date_due < today
            ]
            levels = [m.dunning_level_id for m in invoices if m.dunning_level_id]
            next_dates = [m.dunning_next_date for m in invoices if m.dunning_next_date]
            partner.dunning_overdue_amount = sum(m.amount_residual for m in overdue)
            partner.dunning_overdue_count = len(overdue)
            partner.dunning_level_id = (
                max(levels, key=lambda lvl: (lvl.delay_days, lvl.sequence))
                if levels
                else False
            )
            partner.dunning_next_date = min(next_dates) if next_dates else False

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
        company default (SPEC §2.3)."""
        self.ensure_one()
        return self._get_dunning_policies()[self.commercial_partner_id.id]

    def _get_dunning_policies(self):
        """Effective policy of each commercial partner, in one search.

        :return: {commercial partner id: policy (possibly empty)}
        """
        company = self.env.company
        commercials = self.commercial_partner_id.with_company(company)
        by_profile = {}
        for policy in self.env["account.dunning.policy"].search(
            [("company_id", "=", company.id), ("payer_profile", "!=", False)]
        ):
            by_profile.setdefault(policy.payer_profile, policy)
        default = company.dunning_default_policy_id
        return {
            partner.id: partner.dunning_policy_id
            or by_profile.get(partner.payer_profile)
            or default
            for partner in commercials
        }

    def _dunning_overdue_moves(self, company=None, date=None):
        """Posted customer invoices of these customers, open and past due."""
        if not self:
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", (company or self.env.company).id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", date or fields.Date.context_today(self)),
            ]
        )

    def _get_dunning_recipient(self):
        """Contact who receives reminders for this customer (SPEC §2.2)."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        if commercial.dunning_contact_id:
            return commercial.dunning_contact_id
        contacts = commercial.child_ids.filtered(lambda c: c.active)
        size = commercial.dunning_company_size or DEFAULT_SIZE
        for code in RECIPIENT_ROLES_BY_SIZE[size]:
            match = contacts.filtered(
                lambda c, code=code: code in c.dunning_role_ids.mapped("code")
            )
            if match:
                return match[0]
        return self.browse(commercial.address_get(["invoice"])["invoice"])
