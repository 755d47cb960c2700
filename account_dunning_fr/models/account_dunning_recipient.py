"""Who receives a customer's reminders, channel by channel.

The chain: the customer's named dunning contact, then the contacts holding
the role its size calls for (accounts payable then purchasing for a large
account, accounting for an SME, the manager for a micro-company), then its
invoice address, then the customer itself. Each channel takes the first one
that can receive it: an email address, a mobile number; a letter goes to a
contact's own address, else to the customer's "for the attention of" that
contact. Archived contacts are never chosen.
"""

import re

from odoo import api, models
from odoo.tools import SQL, email_normalize

from ..tools.id_array import int_array_literal

# Roles tried in this order, by the size of the customer's company, when no
# dunning contact is named.
RECIPIENT_ROLES_BY_SIZE = {
    "large": ("accounts_payable", "purchasing"),
    "sme": ("accounting",),
    "micro": ("manager",),
}
# A phone number has 8 to 15 digits (ITU-T E.164); anything shorter, such as
# "n/a" or "0", reaches nobody.
MIN_DIGITS = 8
MAX_DIGITS = 15
# A customer whose size is not known yet is treated as an SME, the most
# common French customer.
DEFAULT_SIZE = "sme"


class AccountDunningRecipient(models.AbstractModel):
    _name = "account.dunning.recipient"
    _description = "Dunning Recipient"

    @api.model
    def _get_recipient(self, partner):
        """The first contact of ``partner``'s chain: who the reminders are
        written to.

        :param partner: ``res.partner``
        :return: ``res.partner``
        """
        return self._get_chain(partner)[0][0]

    @api.model
    def _get_own_recipients(self, customers):
        """Customers who are their own recipient whatever the channel: no
        contact of their own and no named dunning contact, so their chain is
        themselves alone (``_get_chain``). Known in one query for a whole
        run, where walking each chain would read every customer apart.

        :param customers: ``res.partner`` recordset of commercial entities
        :return: set of ids of ``customers``
        """
        if not customers:
            return set()
        customers.flush_model(["parent_id", "dunning_contact_id", "active"])
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id FROM res_partner p WHERE p.id = ANY(%s::int[]) "
                "AND p.active AND p.dunning_contact_id IS NULL AND NOT EXISTS ("
                "SELECT 1 FROM res_partner c WHERE c.parent_id = p.id)",
                int_array_literal(customers.ids),
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _get_chain(self, partner):
        """The recipient chain of ``partner``'s commercial entity.

        :return: list of ``(res.partner, why)`` pairs, ``why`` a short text in
            the user's language, without duplicates nor archived contacts
        """
        commercial = partner.commercial_partner_id
        chain = []
        named = commercial.dunning_contact_id
        if named:
            chain.append((named, self.env._("named dunning contact")))
        contacts = commercial.child_ids.filtered("active")
        size = commercial.dunning_company_size or DEFAULT_SIZE
        for code in RECIPIENT_ROLES_BY_SIZE[size]:
            for contact in contacts.filtered(
                lambda c, code=code: code in c.dunning_role_ids.mapped("code")
            ):
                role = contact.dunning_role_ids.filtered(lambda r, c=code: r.code == c)
                chain.append(
                    (contact, self.env._("role: %(role)s", role=role[:1].name))
                )
        invoice = partner.browse(commercial.address_get(["invoice"])["invoice"])
        if invoice != commercial:
            chain.append((invoice, self.env._("invoice address")))
        chain.append((commercial, self.env._("the customer itself")))
        seen, result = set(), []
        for contact, why in chain:
            if contact.active and contact.id not in seen:
                seen.add(contact.id)
                result.append((contact, why))
        return result

    @api.model
    def _get_channel_recipient(self, partner, channel, preferred=None):
        """Who receives ``channel`` for ``partner``, and why.

        :param partner: ``res.partner`` (the customer or one of its contacts)
        :param channel: "email", "letter" or "sms"
        :param preferred: ``res.partner`` tried first (the action's contact)
        :return: ``(recipient, address partner, why)``; the address partner
            is whose postal address a letter carries; ``(None, None, why)``
            when nobody in the chain can receive it
        """
        chain = self._get_chain(partner)
        if preferred and preferred.active:
            chain = [(preferred, self.env._("chosen contact"))] + [
                link for link in chain if link[0] != preferred
            ]
        customer = partner.commercial_partner_id
        refused = []
        for contact, why in chain:
            if channel == "email" and self._usable_email(contact, refused):
                return contact, contact, why
            if channel == "sms" and self._usable_mobile(contact, refused):
                return contact, contact, why
            if channel == "letter":
                if self._has_address(contact):
                    return contact, contact, why
                if self._has_address(customer):
                    return (
                        contact,
                        customer,
                        self.env._("%(why)s, at the customer's address", why=why),
                    )
        reason = self._missing_reason(customer, channel)
        if refused:
            reason = "\n".join([reason, *refused])
        return None, None, reason

    @api.model
    def _usable_email(self, contact, refused):
        """Whether ``contact``'s email address can receive a reminder: a
        valid address that is not on Odoo's mail blacklist (unsubscribed,
        or blacklisted after bounces). An unusable one is told in
        ``refused`` (list of texts, appended to) and skipped like a
        missing one."""
        if not contact.email:
            return False
        normalized = email_normalize(contact.email)
        if not normalized:
            refused.append(
                self.env._(
                    "%(contact)s: the email address “%(email)s” is not valid.",
                    contact=contact.display_name,
                    email=contact.email,
                )
            )
            return False
        if self._is_blacklisted(normalized):
            refused.append(
                self.env._(
                    "%(contact)s: the email address %(email)s is on the mail "
                    "blacklist.",
                    contact=contact.display_name,
                    email=normalized,
                )
            )
            return False
        return normalized

    @api.model
    def _is_blacklisted(self, normalized):
        # Actions carried out together read the blacklist once for their
        # contacts (``account.dunning.execution._with_known_blacklist``).
        context = self.env.context
        if normalized in context.get("dunning_blacklist_checked", ()):
            return normalized in context.get("dunning_blacklisted", ())
        return bool(
            # Only administrators may read the email blacklist; the dunning must
            # still not write to a blacklisted address.
            self.env["mail.blacklist"]
            .sudo()
            .search_count([("email", "=", normalized)], limit=1)
        )

    @api.model
    def _usable_mobile(self, contact, refused):
        """Whether ``contact`` has a mobile number an SMS can reach that is
        not on Odoo's phone blacklist; an unusable one is told in
        ``refused`` and skipped like a missing one."""
        number = self._get_mobile(contact)
        if not number:
            return False
        digits = re.sub(r"\D", "", number)
        formatted = contact._phone_format(number=number)
        if not formatted or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            refused.append(
                self.env._(
                    "%(contact)s: the mobile number “%(number)s” is not valid.",
                    contact=contact.display_name,
                    number=number,
                )
            )
            return False
        if (
            # Only administrators may read the phone blacklist; the dunning must
            # still not text a blacklisted number.
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", formatted)], limit=1)
        ):
            refused.append(
                self.env._(
                    "%(contact)s: the mobile number %(number)s is on the phone "
                    "blacklist.",
                    contact=contact.display_name,
                    number=number,
                )
            )
            return False
        return formatted

    @api.model
    def _get_mobile(self, partner):
        """The number an SMS can reach: the mobile, else a phone number that
        is a French mobile one (06, 07); a landline receives no SMS."""
        if partner.mobile:
            return partner.mobile
        digits = re.sub(r"\D", "", partner.phone or "")
        if digits.startswith("0033"):
            digits = digits[2:]
        if re.match(r"^(33|0)[67]\d{8}$", digits):
            return partner.phone
        return False

    @api.model
    def _has_address(self, partner):
        return bool(partner.street and partner.zip and partner.city)

    @api.model
    def _missing_reason(self, customer, channel):
        return {
            "email": self.env._(
                "No email address for %(customer)s nor any of its contacts.",
                customer=customer.display_name,
            ),
            "letter": self.env._(
                "No complete postal address (street, zip, city) for "
                "%(customer)s nor any of its contacts.",
                customer=customer.display_name,
            ),
            "sms": self.env._(
                "No mobile number for %(customer)s nor any of its contacts.",
                customer=customer.display_name,
            ),
        }[channel]
