"""Penalty invoice: the customer invoice by which a late payment claim is
claimed (``res.company.dunning_claim_mode`` = invoice).

``account.dunning.claim._claim_by_invoice`` creates and posts what
:meth:`AccountDunningClaimInvoice._prepare_invoice_vals` returns; the journal,
the income account and the lines are hooks of their own.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class AccountDunningClaimInvoice(models.AbstractModel):
    _name = "account.dunning.claim.invoice"
    _description = "Late Payment Claim Invoice"

    @api.model
    def _get_claim_journal(self, claim):
        """The sale journal (``account.journal``) of the company of ``claim``
        (one ``account.dunning.claim``), where its penalty invoice is issued.

        :raise UserError: the company has no sale journal
        """
        claim.ensure_one()
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(claim.company_id), ("type", "=", "sale")],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no sales journal to issue the penalty "
                    "invoice in. Create one, or claim the penalties by letter "
                    "(Settings, Customer Dunning).",
                    company=claim.company_id.name,
                )
            )
        return journal

    @api.model
    def _prepare_invoice_vals(self, claim):
        """Values of the penalty invoice of ``claim`` (one
        ``account.dunning.claim``): a ``dict`` for ``account.move.create``.

        Late penalties and the recovery indemnity compensate a delay: they
        are not the price of a supply, so they are outside the scope of VAT
        (CGI art. 256; BOI 3 B-1-06) and the lines bear no tax. The invoice
        is due at once: the penalties are payable without a reminder
        (C. com. L441-10).

        :raise UserError: no income account for penalty invoices
        """
        claim.ensure_one()
        journal = self._get_claim_journal(claim)
        account = (
            claim.company_id.dunning_claim_account_id or journal.default_account_id
        )
        if not account:
            raise UserError(
                self.env._(
                    "Choose the income account of penalty invoices in Settings "
                    "(Customer Dunning), or give the journal %(journal)s a "
                    "default account.",
                    journal=journal.display_name,
                )
            )
        today = fields.Date.context_today(claim)
        return {
            "move_type": "out_invoice",
            "company_id": claim.company_id.id,
            "journal_id": journal.id,
            "partner_id": claim.move_id.partner_id.id,
            "currency_id": claim.currency_id.id,
            "invoice_date": today,
            "invoice_date_due": today,
            "invoice_payment_term_id": False,
            "invoice_origin": claim.move_id.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": label,
                        "quantity": 1.0,
                        "price_unit": amount,
                        "account_id": account.id,
                        "tax_ids": [Command.clear()],
                    }
                )
                for label, amount in self._get_invoice_lines(claim)
            ],
        }

    @api.model
    def _get_invoice_lines(self, claim):
        """``[(label, amount)]`` of the penalty invoice of ``claim`` (one
        ``account.dunning.claim``), amounts in company currency, labels in
        the customer's language, leaving out nil amounts (e.g. the indemnity
        switched off)."""
        claim.ensure_one()
        env = claim.with_context(
            lang=claim.move_id.partner_id.lang or self.env.lang
        ).env
        invoice, days = claim.move_id.name, claim.days_late
        if claim.debtor_type == "public":
            lines = [
                (
                    env._(
                        "Moratorium interest (CCP L2192-13, R2192-31), invoice "
                        "%(invoice)s, %(days)s days",
                        invoice=invoice,
                        days=days,
                    ),
                    claim.penalty_amount,
                ),
                (
                    env._(
                        "Fixed recovery indemnity (CCP D2192-35), invoice %(invoice)s",
                        invoice=invoice,
                    ),
                    claim.indemnity_amount,
                ),
            ]
        else:
            lines = [
                (
                    env._(
                        "Late payment penalties (C. com. L441-10), invoice "
                        "%(invoice)s, %(days)s days",
                        invoice=invoice,
                        days=days,
                    ),
                    claim.penalty_amount,
                ),
                (
                    env._(
                        "Fixed recovery indemnity (C. com. D441-5), invoice "
                        "%(invoice)s",
                        invoice=invoice,
                    ),
                    claim.indemnity_amount,
                ),
            ]
        rounding = claim.currency_id.rounding
        return [
            (label, amount)
            for label, amount in lines
            if float_compare(amount, 0.0, precision_rounding=rounding) > 0
        ]
