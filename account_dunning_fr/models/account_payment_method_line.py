"""Payment methods that collect by direct debit.

An invoice whose preferred payment method collects by direct debit is paid
on its due date by the collection itself: the run waits for the collection
and its return period before reminding it.
"""

from odoo import api, fields, models

# Code of the OCA's SEPA direct-debit method (account_banking_sepa_direct_debit);
# Odoo's own (account_sepa_direct_debit) gives its codes through
# account.payment.method._get_sdd_payment_method_code.
DIRECT_DEBIT_CODES = ("sepa_direct_debit",)


class AccountPaymentMethodLine(models.Model):
    _inherit = "account.payment.method.line"

    dunning_direct_debit = fields.Boolean(
        string="Collects by Direct Debit",
        compute="_compute_dunning_direct_debit",
        store=True,
        readonly=False,
        help="Invoices paid with this method are collected by direct debit on "
        "their due date: they are not reminded before the return period of "
        "the debit is over.",
    )

    @api.depends("payment_method_id.code")
    def _compute_dunning_direct_debit(self):
        # Set by itself for the known direct-debit methods; the accountant
        # may mark any other one (a bank's own direct debit).
        codes = set(DIRECT_DEBIT_CODES) | set(
            self.env["account.payment.method"]._get_sdd_payment_method_code()
        )
        for line in self:
            line.dunning_direct_debit = line.code in codes
