"""Bank accounts of the company that belong to a factor.

With factoring "with notification" (affacturage notifié) the company sells
its invoices to a factor, which tells the customer that it is subrogated in
the company's rights (C. civ. 1346-1): from then on the customer is only
discharged by paying the factor, and the factor collects and reminds. Such
invoices carry the factor's collection account as their payment account; the
account, marked here with its factor, takes them out of the company's own
reminders (``account.move.dunning_factor_id``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    dunning_factor_id = fields.Many2one(
        "res.partner",
        string="Factor",
        index="btree_not_null",
        tracking=True,
        # It takes invoices out of the reminders: the accountants' decision,
        # as any other dunning stop, never a salesperson's.
        groups="account.group_account_invoice",
        help="The factoring company this account of yours collects for. "
        "Invoices to be paid into it were sold to the factor and are "
        "reminded by the factor: they are left out of your reminders, "
        "statements and late-payment claims, and a letter that lists one "
        "prints this account, never yours.",
    )
    dunning_is_company_account = fields.Boolean(
        string="Account of a Company",
        compute="_compute_dunning_is_company_account",
    )

    @api.depends("partner_id")
    def _compute_dunning_is_company_account(self):
        for bank in self:
            bank.dunning_is_company_account = bool(bank.partner_id.ref_company_ids)

    @api.constrains("dunning_factor_id", "partner_id")
    def _check_dunning_factor_id(self):
        for bank in self.filtered("dunning_factor_id"):
            if not bank.partner_id.ref_company_ids:
                raise ValidationError(
                    self.env._(
                        "Only a bank account of your company can be marked as "
                        "a factor's: %(account)s belongs to %(holder)s.",
                        account=bank.acc_number,
                        holder=bank.partner_id.display_name,
                    )
                )
