from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_default_policy_id = fields.Many2one(
        related="company_id.dunning_default_policy_id", readonly=False
    )
    dunning_tolerance = fields.Monetary(
        related="company_id.dunning_tolerance", readonly=False
    )
    dunning_credit_hold_release = fields.Selection(
        related="company_id.dunning_credit_hold_release", readonly=False
    )
    dunning_item_tolerance = fields.Monetary(
        related="company_id.dunning_item_tolerance", readonly=False
    )
    dunning_direct_debit_return_days = fields.Integer(
        related="company_id.dunning_direct_debit_return_days", readonly=False
    )
    dunning_penalty_rate_mode = fields.Selection(
        related="company_id.dunning_penalty_rate_mode", readonly=False
    )
    dunning_contractual_rate = fields.Float(
        related="company_id.dunning_contractual_rate", readonly=False
    )
    dunning_indemnity_enabled = fields.Boolean(
        related="company_id.dunning_indemnity_enabled", readonly=False
    )
    dunning_invoice_mention = fields.Boolean(
        related="company_id.dunning_invoice_mention", readonly=False
    )
    dunning_signatory_name = fields.Char(
        related="company_id.dunning_signatory_name", readonly=False
    )
    dunning_signatory_title = fields.Char(
        related="company_id.dunning_signatory_title", readonly=False
    )
    dunning_signature_place = fields.Char(
        related="company_id.dunning_signature_place", readonly=False
    )
    dunning_bank_account_id = fields.Many2one(
        related="company_id.dunning_bank_account_id", readonly=False
    )
    dunning_followup_user_id = fields.Many2one(
        related="company_id.dunning_followup_user_id", readonly=False
    )
    dunning_legal_form = fields.Char(
        related="company_id.dunning_legal_form", readonly=False
    )
    dunning_share_capital = fields.Monetary(
        related="company_id.dunning_share_capital", readonly=False
    )
    dunning_rcs_city = fields.Char(
        related="company_id.dunning_rcs_city", readonly=False
    )
    dunning_letter_identity_missing = fields.Char(
        related="company_id.dunning_letter_identity_missing"
    )
    dunning_french_law = fields.Boolean(related="company_id.dunning_french_law")
    dunning_bank_freshness_days = fields.Integer(
        related="company_id.dunning_bank_freshness_days", readonly=False
    )
    dunning_bank_line_mode = fields.Selection(
        related="company_id.dunning_bank_line_mode", readonly=False
    )
    dunning_bank_freshness_mode = fields.Selection(
        related="company_id.dunning_bank_freshness_mode", readonly=False
    )
    dunning_promise_grace_days = fields.Integer(
        related="company_id.dunning_promise_grace_days", readonly=False
    )
    dunning_einvoice_payment_sent_days = fields.Integer(
        related="company_id.dunning_einvoice_payment_sent_days", readonly=False
    )
    dunning_reply_hold_days = fields.Integer(
        related="company_id.dunning_reply_hold_days", readonly=False
    )
    dunning_einvoice_refused_mode = fields.Selection(
        related="company_id.dunning_einvoice_refused_mode", readonly=False
    )
    dunning_portal_link_days = fields.Integer(
        related="company_id.dunning_portal_link_days", readonly=False
    )
    dunning_portal_promise_days = fields.Integer(
        related="company_id.dunning_portal_promise_days", readonly=False
    )
    dunning_claim_threshold = fields.Monetary(
        related="company_id.dunning_claim_threshold", readonly=False
    )
    dunning_claim_mode = fields.Selection(
        related="company_id.dunning_claim_mode", readonly=False
    )
    dunning_claim_account_id = fields.Many2one(
        related="company_id.dunning_claim_account_id",
        readonly=False,
        check_company=True,
        domain="[('deprecated', '=', False), "
        "('account_type', 'in', ('income', 'income_other'))]",
    )
    dunning_einvoice_alias_name = fields.Char(
        string="Lifecycle Messages Address",
        compute="_compute_dunning_einvoice_alias_name",
        readonly=False,
        store=True,
        help="The part before the @ of the address the e-invoicing platforms "
        "send the lifecycle messages to; empty: no such address.",
    )
    dunning_einvoice_alias_domain = fields.Char(
        related="company_id.alias_domain_id.name",
        string="Lifecycle Messages Alias Domain",
    )
    dunning_dso = fields.Float(related="company_id.dunning_dso")
    dunning_rate_missing = fields.Boolean(compute="_compute_dunning_rate_missing")

    @api.depends("company_id.dunning_einvoice_alias_id.alias_name")
    def _compute_dunning_einvoice_alias_name(self):
        for settings in self:
            settings.dunning_einvoice_alias_name = (
                settings.company_id.dunning_einvoice_alias_id.alias_name
            )

    def set_values(self):
        res = super().set_values()
        for settings in self:
            settings.company_id._dunning_set_einvoice_alias(
                settings.dunning_einvoice_alias_name
            )
        return res

    def _compute_dunning_rate_missing(self):
        # The legal rates are published each semester: warn the administrator
        # as long as the current one has not been entered.
        missing = self.env["account.dunning.rate"]._is_current_semester_missing()
        for settings in self:
            settings.dunning_rate_missing = missing
