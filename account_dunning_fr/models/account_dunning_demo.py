"""Builds the demo invoices, whose dates must follow the day of installation."""

from datetime import timedelta

from odoo import Command, api, fields, models

# Daily runs replayed to give the demo a history: from 45 days ago to a week
# ago, so that the first run in the demo catches up on a week and shows
# every channel at once.
HISTORY_DAYS = 45
HISTORY_END = 7

# (customer xml id, days between today and the due date, amount excl. VAT)
DEMO_INVOICES = [
    ("partner_boulangerie_martin", -4, 480.0),
    ("partner_boulangerie_martin", 12, 350.0),
    ("partner_garage_leroy", -9, 1250.0),
    ("partner_garage_leroy", -2, 640.0),
    ("partner_transports_moreau", -38, 7800.0),
    ("partner_transports_moreau", -20, 2150.0),
    ("partner_transports_moreau", -13, 990.0),
    ("partner_imprimerie_dubois", -60, 3400.0),
    ("partner_imprimerie_dubois", -31, 1800.0),
    ("partner_groupe_lambert", -16, 15600.0),
    ("partner_groupe_lambert", 5, 9800.0),
    ("partner_mairie_saint_aubin", -47, 5200.0),
    ("partner_mairie_saint_aubin", 20, 2300.0),
    ("partner_claire_fontaine", -25, 260.0),
    ("partner_bureau_girard", -90, 2900.0),
    ("partner_bureau_girard", -1, 720.0),
]

# A year of invoices already paid, one a month, so that the overview's DSO and
# the payer statistics have a past: (customer xml id, days paid after the due
# date, amount excl. VAT).
DEMO_PAID_CUSTOMERS = [
    ("partner_boulangerie_martin", 0, 420.0),
    ("partner_garage_leroy", 12, 980.0),
    ("partner_transports_moreau", 34, 2600.0),
    ("partner_bureau_girard", 6, 1500.0),
]
DEMO_PAID_MONTHS = range(2, 13)

# Invoices whose buyer answered on its e-invoicing platform: (customer xml
# id, days between today and the due date, amount excl. VAT, status code,
# days ago, reason code, reason).
DEMO_EINVOICES = [
    (
        "partner_garage_leroy",
        -6,
        860.0,
        "210",
        3,
        "QTE_ERR",
        "Deux pneus facturés, un seul posé.",
    ),
    (
        "partner_imprimerie_dubois",
        -12,
        1480.0,
        "207",
        6,
        "PU_ERR",
        "Le tarif du devis était de 10 % inférieur.",
    ),
    ("partner_groupe_lambert", -3, 4200.0, "211", 1, None, None),
]


class AccountDunningDemo(models.AbstractModel):
    _name = "account.dunning.demo"
    _description = "Dunning Demo Data Loader"

    @api.model
    def _load_demo(self):
        company = self.env.ref("account_dunning_fr.demo_company")
        if not self.env["account.journal"].search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            self.env["account.chart.template"].try_loading("fr", company)
        company._dunning_install_default_policies()
        env = self.with_company(company).env
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        tax = env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", 20.0),
                ("price_include", "=", False),
            ],
            limit=1,
        )
        today = fields.Date.context_today(self)
        self._load_demo_paid_history(env, journal, tax, today)
        moves = self._post_demo_invoices(env, journal, tax, today, DEMO_INVOICES)
        self._run_demo_history(company, today)
        self._load_demo_einvoices(env, journal, tax, today, moves)
        return moves

    @api.model
    def _enable_demo_payment(self):
        """Odoo's test payment provider, published for the demo company, so
        that "Pay now" on the customer's page ends on a payment form.

        Does nothing unless the ``payment_demo`` module is installed (the
        demo runner installs it beside this module).

        :return: ``payment.provider`` record of the demo company, or an empty
            recordset
        """
        Provider = self.env["payment.provider"]
        source = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if not source or source.code != "demo":
            return Provider
        company = self.env.ref("account_dunning_fr.demo_company")
        provider = Provider.search(
            [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
        ) or source.copy({"company_id": company.id})
        provider.write({"state": "test", "is_published": True})
        return provider

    @api.model
    def _post_demo_invoices(self, env, journal, tax, today, rows):
        """Posted demo invoices, one per row ``(customer xmlid, due date in
        days from today, amount, ...)``.

        :return: ``account.move`` records, in the rows' order
        """
        moves = env["account.move"].create(
            [
                self._invoice_vals(
                    journal.company_id,
                    journal,
                    tax,
                    self.env.ref(f"account_dunning_fr.{xmlid}"),
                    today + timedelta(days=due_offset),
                    amount,
                )
                for xmlid, due_offset, amount, *_rest in rows
            ]
        )
        moves.action_post()
        return moves

    @api.model
    def _load_demo_einvoices(self, env, journal, tax, today, moves):
        """E-invoices with their lifecycle: all made available the day after
        they were issued, then one refused, one disputed and one whose
        payment the buyer reports sent; the oldest invoice of Transports
        Moreau approved, for its formal notice."""
        company = journal.company_id
        env = env(context=dict(env.context, lang=company.partner_id.lang or env.lang))
        einvoices = self._post_demo_invoices(env, journal, tax, today, DEMO_EINVOICES)
        for move, (*_invoice, code, days_ago, reason_code, reason) in zip(
            einvoices, DEMO_EINVOICES, strict=True
        ):
            move._dunning_receive_einvoice_status(
                "203", move.invoice_date + timedelta(days=1), source="platform"
            )
            move._dunning_receive_einvoice_status(
                code,
                today - timedelta(days=days_ago),
                reason_code=reason_code,
                reason=reason,
                source="platform",
            )
        moreau = self.env.ref("account_dunning_fr.partner_transports_moreau")
        oldest = moves.filtered(lambda m: m.partner_id == moreau).sorted(
            "invoice_date_due"
        )[:1]
        for code, days in (("203", 1), ("205", 6)):
            oldest.with_env(env)._dunning_receive_einvoice_status(
                code, oldest.invoice_date + timedelta(days=days), source="platform"
            )

    @api.model
    def _invoice_vals(self, company, journal, tax, partner, due, amount):
        """A demo invoice of services, issued 30 days before ``due``."""
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": partner.id,
            "invoice_date": due - timedelta(days=30),
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Prestations de service",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.set(tax.ids)],
                    }
                )
            ],
        }

    @api.model
    def _load_demo_paid_history(self, env, journal, tax, today):
        """Invoices of the past year, each paid through the payment wizard
        as an accountant registers it, some late."""
        vals_list, paid_dates = [], []
        for xmlid, days_late, amount in DEMO_PAID_CUSTOMERS:
            partner = self.env.ref(f"account_dunning_fr.{xmlid}")
            for months_ago in DEMO_PAID_MONTHS:
                due = today - timedelta(days=30 * months_ago - 30)
                vals_list.append(
                    self._invoice_vals(
                        journal.company_id, journal, tax, partner, due, amount
                    )
                )
                paid_dates.append(due + timedelta(days=days_late))
        moves = env["account.move"].create(vals_list)
        moves.action_post()
        for move, paid_on in zip(moves, paid_dates, strict=True):
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": min(paid_on, today)})._create_payments()

    @api.model
    def _run_demo_history(self, company, today):
        """Replay the daily run over the last weeks, so the demo opens on
        customers already at various levels, with their history."""
        # What the replayed runs write and keep (history, recipients, reasons)
        # is in the company's language; Odoo loads the add-on's own terms only
        # once its demo data is in, so they are loaded here first.
        lang = company.partner_id.lang
        if lang and lang != "en_US":
            self.env["ir.module.module"]._load_module_terms(
                ["account_dunning_fr"], [lang]
            )
        Action = (
            self.env["account.dunning.action"]
            .with_company(company)
            .with_context(
                dunning_skip_letter_rendering=True, lang=lang or self.env.lang
            )
        )
        for days_ago in range(HISTORY_DAYS, HISTORY_END - 1, -1):
            Action._run_dunning(
                date=today - timedelta(days=days_ago), companies=company
            )
