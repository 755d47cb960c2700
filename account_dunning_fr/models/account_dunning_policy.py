from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import dunning_steps
from ..tools.vocabularies import PAYER_PROFILES


def copy_translations(record, source, fnames):
    """Give ``record`` the translations of ``source`` for ``fnames``, unless
    the user changed the English wording of ``record``."""
    for fname in fnames:
        field = record._fields.get(fname)
        if not field or not field.translate:
            continue
        theirs = field._get_stored_translations(source) or {}
        mine = field._get_stored_translations(record) or {}
        if not theirs or mine.get("en_US") != theirs.get("en_US"):
            continue  # renamed by the user: keep their wording
        record.update_field_translations(
            fname, {lang: value for lang, value in theirs.items() if lang != "en_US"}
        )


class AccountDunningPolicy(models.Model):
    """An ordered list of dunning levels followed by a kind of customer."""

    _name = "account.dunning.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    payer_profile = fields.Selection(
        PAYER_PROFILES,
        tracking=True,
        help="Customers of this profile follow this policy unless they have their own.",
    )
    description = fields.Text(translate=True)
    level_ids = fields.One2many(
        "account.dunning.level", "policy_id", string="Levels", copy=True
    )
    level_count = fields.Integer(compute="_compute_level_count")
    # Computed once per transaction and kept in the cache until a level
    # changes: planning asks for the next level of every open item.
    ordered_level_ids = fields.Many2many(
        "account.dunning.level",
        string="Levels in Order",
        compute="_compute_ordered_level_ids",
    )
    template_id = fields.Many2one(
        "account.dunning.policy",
        string="Copied From",
        copy=False,
        readonly=True,
        help="Shipped policy this one was copied from for its company.",
    )
    is_company_default = fields.Boolean(
        compute="_compute_is_company_default",
        string="Company Default",
    )

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.depends("company_id.dunning_default_policy_id")
    def _compute_is_company_default(self):
        for policy in self:
            policy.is_company_default = (
                policy.company_id.dunning_default_policy_id == policy
            )

    @api.constrains("payer_profile", "company_id", "active")
    def _check_unique_profile(self):
        """A profile must lead to exactly one policy, or resolution is a guess."""
        profiled = self.filtered(lambda p: p.payer_profile and p.active)
        if not profiled:
            return
        groups = self._read_group(
            [
                ("payer_profile", "in", profiled.mapped("payer_profile")),
                ("company_id", "in", profiled.company_id.ids),
                ("active", "=", True),
            ],
            ["company_id", "payer_profile"],
            ["__count"],
        )
        labels = dict(self._fields["payer_profile"]._description_selection(self.env))
        for company, profile, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The company %(company)s already has a policy for the "
                        "profile “%(profile)s”. Remove the profile from one of "
                        "them or archive it.",
                        company=company.name,
                        profile=labels[profile],
                    )
                )

    @api.depends("level_ids.sequence")
    def _compute_ordered_level_ids(self):
        for policy in self:
            policy.ordered_level_ids = policy.level_ids.sorted(
                lambda lvl: (lvl.sequence, lvl.id)
            )

    def _get_levels_ordered(self):
        self.ensure_one()
        return self.ordered_level_ids

    def _get_step_policy(self):
        """This policy as ``tools.dunning_steps.Policy`` (None when empty)."""
        if not self:
            return None
        self.ensure_one()
        return dunning_steps.Policy(
            self.id,
            tuple(level._get_step_level() for level in self._get_levels_ordered()),
        )

    @api.model
    def _get_partner_policies(self, partners):
        """Effective policy of each commercial entity of ``partners`` in the
        current company, in one search: its own, else its payer profile's,
        else the company default.

        :return: ``{commercial partner id: policy (possibly empty)}``
        """
        company = self.env.company
        commercials = partners.commercial_partner_id.with_company(company)
        resolve = self._get_policy_resolver()
        return {
            partner.id: resolve(partner.dunning_policy_id.id, partner.payer_profile)
            for partner in commercials
        }

    @api.model
    def _get_policy_resolver(self):
        """The rule giving a customer its effective policy in the current
        company: its own, else its payer profile's, else the
        company default. A policy of another company is never applied
        (another company's policy written as a customer's own is ignored).

        :return: function ``(own policy id or False, payer profile or False)
            -> account.dunning.policy`` (possibly empty)
        """
        company = self.env.company
        by_profile = {}
        # Archived ones too: a customer keeps the policy of its own it was
        # given, archived or not.
        policies = self.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        for policy in policies.filtered(lambda p: p.payer_profile and p.active):
            by_profile.setdefault(policy.payer_profile, policy)
        own_ids = set(policies.ids)
        default = company.dunning_default_policy_id
        if default.company_id != company:
            default = self.browse()

        def resolve(own_policy_id, payer_profile):
            if own_policy_id in own_ids:
                return self.browse(own_policy_id)
            return by_profile.get(payer_profile) or default

        return resolve

    @api.model
    def _dunning_shipped_policies(self):
        """The policies this module ships (main company, editable data)."""
        # External ids are readable by administrators only.
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search([("module", "=", "account_dunning_fr"), ("model", "=", self._name)])
        )
        return self.browse(data.mapped("res_id")).exists()

    def _dunning_copy_for_company(self, company):
        """Copy this shipped policy for ``company``, remembering the source of
        the policy and of each level so translations can follow them."""
        self.ensure_one()
        # The originals are archived when their company is not French (see
        # the install hook): their copies are live all the same.
        copy = self.copy(
            {"company_id": company.id, "template_id": self.id, "active": True}
        )
        source_levels = self.level_ids.sorted("id")
        for source, level in zip(
            source_levels, copy.level_ids.sorted("id"), strict=True
        ):
            level.template_id = source
        return copy

    @api.model
    def _dunning_sync_translations(self):
        """Give the companies' copies the translations of the shipped data.

        Languages are often loaded after the copies were made (install, then
        French): a name the user has not changed takes the new translations.
        """
        # Every company's copies, whatever companies the user works in.
        copies = (
            self.sudo()
            .with_context(active_test=False)
            .search([("template_id", "!=", False)])
        )
        levels = copies.level_ids.filtered("template_id")
        for record in list(copies) + list(levels):
            copy_translations(record, record.template_id, ("name", "description"))

    def action_set_company_default(self):
        self.ensure_one()
        self.company_id.dunning_default_policy_id = self
