"""Dunning settings of a company and its default policies."""

import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_date

from ..tools.late_payment import french_law_applies

_logger = logging.getLogger(__name__)

# A customer may pause their own reminders by a promise made online; beyond a
# year, that is a payment plan to agree with the accountant.
MAX_PROMISE_DAYS = 365


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_default_policy_id = fields.Many2one(
        "account.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy followed by customers with no policy of their own and no "
        "payer profile yet.",
    )
    dunning_tolerance = fields.Monetary(
        currency_field="currency_id",
        default=5.0,
        help="Open amounts below this are never reminded.",
    )
    dunning_credit_hold_release = fields.Selection(
        [
            ("automatic", "Lifted by the daily run"),
            ("task", "A task asks the follow-up responsible"),
        ],
        string="Lifting Credit Holds",
        default="automatic",
        required=True,
        help="When a customer put on credit hold by the dunning owes nothing "
        "overdue any more: the daily run lifts the hold that day, or asks the "
        "customer's follow-up responsible to lift it.",
    )
    dunning_item_tolerance = fields.Monetary(
        string="Tolerance per Item",
        currency_field="currency_id",
        default=1.0,
        help="An open item at or below this amount (a rounding, a bank fee) "
        "is left out of reminders and letters, without penalties or "
        "indemnity of its own, and listed for write-off.",
    )
    dunning_direct_debit_return_days = fields.Integer(
        string="Direct Debit Return Period (days)",
        default=8,
        help="Invoices collected by direct debit are never reminded before "
        "their due date plus these days, during which the debit may still be "
        "sent back; an invoice still open afterwards is reminded as usual.",
    )
    dunning_penalty_rate_mode = fields.Selection(
        [
            ("ecb10", "ECB rate + 10 points"),
            ("contractual", "Contractual rate"),
            ("max", "Highest of the two"),
        ],
        string="Late Penalty Rate",
        default="ecb10",
        required=True,
    )
    dunning_contractual_rate = fields.Float(
        string="Contractual Penalty Rate (%)",
        digits=(16, 2),
        help="Rate of your terms of sale; the law forbids a rate below three "
        "times the legal interest rate.",
    )
    dunning_indemnity_enabled = fields.Boolean(
        string="Claim the 40 € Indemnity",
        default=True,
        help="Claim the fixed recovery indemnity from professional customers "
        "(never from consumers).",
    )
    dunning_invoice_mention = fields.Boolean(
        string="Late Payment Mention on Invoices",
        default=True,
        help="Print the due date, the penalty rate and the 40 € indemnity on "
        "customer invoices.",
    )
    dunning_signatory_name = fields.Char(string="Letter Signatory")
    dunning_signatory_title = fields.Char(string="Signatory Title")
    dunning_signature_place = fields.Char(
        string="Place of Signature", help='Printed as "Fait à …" on letters.'
    )
    dunning_followup_user_id = fields.Many2one(
        "res.users",
        string="Default Dunning Responsible",
        help="Calls, visits and other dunning tasks of customers with neither "
        "a dunning responsible nor a salesperson go to this user, also when "
        "the scheduled run makes them.",
    )
    dunning_bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Bank Account Shown in Letters",
        domain="[('partner_id', '=', partner_id), ('dunning_factor_id', '=', False)]",
    )
    # Legal identity every company letter must carry (C. com. R123-237 and
    # R123-238); the SIREN is Odoo's company_registry (else l10n_fr's SIRET)
    # and the VAT number Odoo's vat.
    dunning_legal_form = fields.Char(
        string="Legal Form",
        help='Printed on letters before the share capital, e.g. "SARL" or "SAS".',
    )
    dunning_share_capital = fields.Monetary(
        string="Share Capital", currency_field="currency_id"
    )
    dunning_rcs_city = fields.Char(
        string="RCS City",
        help="Town of the trade and companies register (greffe) the company is "
        'registered with: printed as "RCS Lyon" after the SIREN.',
    )
    dunning_letter_identity_missing = fields.Char(
        string="Missing From Letters",
        compute="_compute_dunning_letter_identity_missing",
        help="Legal mentions the letters cannot print yet.",
    )
    dunning_bank_freshness_days = fields.Integer(
        string="Bank Statement Freshness (days)",
        default=3,
        help="Reminding a customer who has paid hurts the relationship: the "
        "run checks that bank statements are recent enough.",
    )
    dunning_bank_line_mode = fields.Selection(
        [
            ("hold", "Hold the customer's automatic reminders"),
            ("ignore", "Ignore"),
        ],
        string="Payments Not Yet Reconciled",
        default="hold",
        required=True,
        help="An incoming bank statement line of the customer (or carrying "
        "one of its invoice numbers) not reconciled yet may be its payment: "
        "its automatic reminders then wait as proposals.",
    )
    dunning_bank_freshness_mode = fields.Selection(
        [
            ("off", "No check"),
            ("warn", "Warn"),
            ("pause", "Pause automatic runs"),
        ],
        string="When Statements Are Old",
        default="warn",
        required=True,
    )

    dunning_promise_grace_days = fields.Integer(
        string="Promise Grace Period (days)",
        default=3,
        help="Days allowed after a promised payment date, or after a payment "
        "plan instalment, before the promise or the plan counts as broken: "
        "a transfer takes a few days to reach the bank account.",
    )
    dunning_einvoice_payment_sent_days = fields.Integer(
        string="Payment Sent: Hold (days)",
        default=10,
        help="When the buyer's e-invoicing platform reports the payment sent, "
        "the invoice is not reminded for this many days; it is reminded "
        "afterwards if the payment has not arrived.",
    )
    dunning_einvoice_alias_id = fields.Many2one(
        "mail.alias",
        string="Lifecycle Messages Address",
        copy=False,
        ondelete="set null",
        help="Email address the e-invoicing platforms send the lifecycle "
        "messages of the company's invoices to: each email is imported.",
    )
    dunning_reply_hold_days = fields.Integer(
        string="Customer Reply: Hold (days)",
        default=7,
        help="When the customer replies to a reminder by email, the automatic "
        "reminders of its invoices wait this many days, time to read the "
        "reply and answer it.",
    )
    dunning_einvoice_refused_mode = fields.Selection(
        [
            ("dispute", "Stop the reminders and open a dispute"),
            ("remind", "Keep reminding, with a task to look into it"),
        ],
        string="Refused E-invoices",
        default="dispute",
        required=True,
        help="What a refusal on the buyer's e-invoicing platform does: as a "
        "rule the buyer must not pay a refused invoice as it stands, and a "
        "person decides between a credit note with a new invoice and "
        "contesting the refusal; some issuers hold that a refusal does not "
        "suspend the payment term.",
    )
    dunning_portal_link_days = fields.Integer(
        string="Answer Link Validity (days)",
        default=60,
        help="Days after a reminder during which the link it carries lets the "
        "customer see their account, pay, promise a date or report a problem "
        "without an account.",
    )
    dunning_portal_promise_days = fields.Integer(
        string="Self-Service Promise Horizon (days)",
        default=30,
        help="Furthest payment date, counted from today, a customer may "
        "promise by themselves from the reminder's link.",
    )
    dunning_claim_threshold = fields.Monetary(
        string="Claim Penalties From",
        currency_field="currency_id",
        default=15.0,
        help="When an invoice is paid late, its late penalties and recovery "
        "indemnity are proposed for claiming only from this total: it avoids "
        "invoicing a few cents.",
    )
    dunning_claim_mode = fields.Selection(
        [
            ("invoice", "Penalty invoice"),
            ("letter", "Claim letter"),
        ],
        string="Claim Penalties By",
        default="invoice",
        required=True,
        help="How the penalties of an invoice paid late are claimed once the "
        "accountant accepts them: a posted invoice without VAT, or a claim "
        "recorded for a claim letter.",
    )
    dunning_claim_account_id = fields.Many2one(
        "account.account",
        string="Penalty Income Account",
        check_company=True,
        domain="[('deprecated', '=', False), "
        "('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the penalty invoices (e.g. 763100 Revenus des "
        "créances commerciales). Empty: the default account of the sales "
        "journal.",
    )
    dunning_french_law = fields.Boolean(
        string="French Commercial Law",
        compute="_compute_dunning_french_law",
        help="The company is established in France (or a French overseas "
        "department): its reminders claim the late penalties, the 40 € "
        "indemnity and the legal interest of French law and cite its "
        "articles. Elsewhere they state the amounts due only.",
    )
    dunning_dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_dunning_dso",
        help="Days sales outstanding of the company: open receivables / credit "
        "sales of the last 365 days × 365.",
    )

    def _compute_dunning_dso(self):
        today = fields.Date.context_today(self)
        for company in self:
            company.dunning_dso = (
                self.env["account.dunning.analysis"]
                .with_company(company)
                ._get_dso(today)[False]
            )

    @api.depends("country_id", "account_fiscal_country_id")
    def _compute_dunning_french_law(self):
        for company in self:
            country = company.country_id or company.account_fiscal_country_id
            company.dunning_french_law = french_law_applies(country.code)

    @api.depends(
        "dunning_legal_form",
        "dunning_share_capital",
        "dunning_rcs_city",
        "company_registry",
        "siret",
        "vat",
        "street",
        "zip",
        "city",
    )
    def _compute_dunning_letter_identity_missing(self):
        # A letter without these mentions is not a valid company letter
        # (C. com. R123-237): tell the administrator before the first run.
        for company in self:
            checks = [
                (company.dunning_legal_form, self.env._("legal form")),
                (company.dunning_share_capital, self.env._("share capital")),
                (company.company_registry or company.siret, self.env._("SIREN")),
                (company.dunning_rcs_city, self.env._("RCS city")),
                (company.vat, self.env._("VAT number")),
                (
                    company.street and company.zip and company.city,
                    self.env._("address"),
                ),
            ]
            company.dunning_letter_identity_missing = ", ".join(
                label for value, label in checks if not value
            )

    @api.constrains("dunning_portal_promise_days")
    def _check_dunning_portal_promise_days(self):
        """Refuse a horizon of online promises that would let a customer
        promise nothing (0 days or less) or pause the reminders for more
        than a year by themselves."""
        for company in self:
            if not 1 <= company.dunning_portal_promise_days <= MAX_PROMISE_DAYS:
                raise ValidationError(
                    self.env._(
                        "The horizon of online promises must be between 1 and "
                        "%(max)s days.",
                        max=MAX_PROMISE_DAYS,
                    )
                )

    @api.constrains("dunning_penalty_rate_mode", "dunning_contractual_rate")
    def _check_dunning_contractual_rate(self):
        """Refuse a contractual penalty rate below the legal floor.

        L441-10 II forbids a rate below three times the legal interest rate
        (other cases). The floor moves every half-year, so the rate is checked
        against the semester in force today and every later semester already
        published.
        """
        companies = self.filtered(
            lambda c: c.dunning_penalty_rate_mode in ("contractual", "max")
        )
        if not companies:
            return
        Rate = self.env["account.dunning.rate"]
        today = fields.Date.context_today(self)
        rates = Rate._get_rate_table()
        if not rates:
            return
        semesters = rates.filtered(lambda r: r.semester_start > today)
        if rates[0].semester_start <= today:
            semesters = Rate._get_rate_getter(rates)(today) | semesters
        for company in companies:
            for rate in semesters:
                floor = rate.contractual_floor_rate
                if float_compare(company.dunning_contractual_rate, floor, 4) < 0:
                    raise ValidationError(
                        self.env._(
                            "The contractual late penalty rate of %(company)s "
                            "(%(rate)s %%) is below the legal floor of %(floor)s "
                            "%% (three times the legal interest rate of the "
                            "semester starting %(semester)s). Set a rate of at "
                            "least %(floor)s %% or use the ECB rate + 10 points.",
                            company=company.name,
                            rate=company.dunning_contractual_rate,
                            floor=floor,
                            semester=format_date(self.env, rate.semester_start),
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._dunning_install_default_policies()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if "country_id" in vals or "account_fiscal_country_id" in vals:
            # A company created before its address was filled in gets the
            # French policies once it is placed in France.
            self._dunning_install_default_policies()
        return res

    def _dunning_french_law_applies(self):
        """Whether French commercial law governs this company's claims: its
        country (else its fiscal country) is France or a territory where the
        Code de commerce applies (``tools.late_payment.french_law_applies``).

        Late penalties, the recovery indemnity, legal interest, the rates
        table and every article cited in letters, emails and invoices are
        for such companies only; the others' reminders state the amounts
        due and nothing else.
        """
        self.ensure_one()
        return self.dunning_french_law

    def _dunning_install_default_policies(self):
        """Give each company established in France its own editable copy of
        the shipped policies.

        The shipped policies belong to the main company; a French company
        created later starts from the same French practice rather than from
        nothing. Their cadences and letters follow French law and practice:
        a company elsewhere gets none, and is left out of the daily run
        until an administrator gives it a policy of its own.
        """
        # Whoever creates the company (an administrator without accounting
        # rights, the installer) gives it the shipped policies.
        Policy = self.env["account.dunning.policy"].sudo()
        companies = self.filtered(lambda c: c._dunning_french_law_applies())
        if not companies:
            return
        templates = Policy._dunning_shipped_policies()
        # The main company's default, else the shipped Standard (the main
        # company has none when French law does not govern it).
        default_template = templates.company_id.dunning_default_policy_id & templates
        if not default_template:
            default_template = self.env.ref(
                "account_dunning_fr.account_dunning_policy_standard",
                raise_if_not_found=False,
            )
        for company in companies:
            if Policy.search_count([("company_id", "=", company.id)], limit=1):
                continue
            default = False
            for template in templates:
                copy = template._dunning_copy_for_company(company)
                if template == default_template:
                    default = copy
            if default:
                company.sudo().dunning_default_policy_id = default  # same reason

    def _dunning_bank_is_stale(self, date):
        """Whether the last bank statement line is older than the guard allows:
        reminding a customer whose payment is simply not imported yet hurts
        the relationship."""
        self.ensure_one()
        groups = self.env["account.bank.statement.line"]._read_group(
            [("company_id", "=", self.id)], [], ["date:max"]
        )
        last = groups[0][0] if groups else False
        return not last or (date - last).days > self.dunning_bank_freshness_days

    def _dunning_runs_paused(self, date):
        self.ensure_one()
        if self.dunning_bank_freshness_mode != "pause":
            return False
        if self._dunning_bank_is_stale(date):
            _logger.warning(
                "Dunning run paused for %s: bank statements are not recent enough.",
                self.name,
            )
            return True
        return False

    def _dunning_set_einvoice_alias(self, name):
        """Give the company the address ``name`` (the part before the @) for
        the lifecycle messages of its e-invoices, change it, or remove it
        (``name`` empty): each email it receives becomes an
        ``account.dunning.einvoice.reception`` of the company."""
        self.ensure_one()
        name = (name or "").strip()
        alias = self.dunning_einvoice_alias_id
        if not name:
            if alias:
                self.dunning_einvoice_alias_id = False
                alias.unlink()
            return
        if alias:
            if alias.alias_name != name:
                alias.alias_name = name
            return
        self.dunning_einvoice_alias_id = self.env["mail.alias"].create(
            {
                "alias_name": name,
                "alias_model_id": self.env["ir.model"]._get_id(
                    "account.dunning.einvoice.reception"
                ),
                "alias_defaults": repr({"company_id": self.id}),
                "alias_domain_id": self.alias_domain_id.id,
                "alias_contact": "everyone",
            }
        )
