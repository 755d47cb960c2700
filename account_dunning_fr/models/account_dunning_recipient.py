"""Who receives a customer's reminders (SPEC §2.2)."""

from odoo import api, models

# Roles tried in this order, by the size of the customer's company, when no
# dunning contact is named.
RECIPIENT_ROLES_BY_SIZE = {
    "large": ("accounts_payable", "purchasing"),
    "sme": ("accounting",),
    "micro": ("manager",),
}
# A customer whose size is not known yet is treated as an SME, the most
# common French customer.
DEFAULT_SIZE = "sme"


class AccountDunningRecipient(models.AbstractModel):
    _name = "account.dunning.recipient"
    _description = "Dunning Recipient"

    @api.model
    def _get_recipient(self, partner):
        """Contact who receives the reminders of ``partner``'s commercial
        entity: its named dunning contact, else the first active contact
        with the role its size calls for, else its invoice address.

        :param partner: ``res.partner``
        :return: ``res.partner``
        """
        commercial = partner.commercial_partner_id
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
        return partner.browse(commercial.address_get(["invoice"])["invoice"])
