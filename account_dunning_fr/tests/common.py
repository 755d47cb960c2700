"""Shared factory for the dunning tests: a French company and its customers."""

from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# Due date of the invoices walked through the engine and workflow tests.
DUE = date(2026, 3, 2)


def day(offset):
    """The date ``offset`` days after DUE (before it when negative)."""
    return DUE + timedelta(days=offset)


# The French company the test command adds to its database once, so that
# each class does not load the French chart of accounts again.
SHARED_COMPANY = "Société de test des relances"


class SharedFrenchCompany:
    """Test classes work in the shared French company when the database has
    one untouched (no journal entry), and create their own otherwise, as
    Odoo's accounting tests do. Whatever a class changes in it is rolled
    back with the class's transaction."""

    @classmethod
    def setup_independent_company(cls, **kwargs):
        if not kwargs and cls.country_code == "FR":
            # As superuser: the class's user is not yet in that company.
            company = (
                cls.env["res.company"]
                .sudo()
                .search([("name", "=", SHARED_COMPANY), ("chart_template", "=", "fr")])
            )
            if company and not cls.env["account.move"].sudo().search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                company = company.sudo(False)
                cls.env.user.company_ids = [Command.link(company.id)]
                return company
        return super().setup_independent_company(**kwargs)


class DunningCommon(SharedFrenchCompany, AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.Policy = cls.env["account.dunning.policy"]
        cls.Level = cls.env["account.dunning.level"]
        cls.roles = {
            code: cls.env.ref(f"account_dunning_fr.account_dunning_role_{code}")
            for code in (
                "accounts_payable",
                "purchasing",
                "accounting",
                "manager",
                "ordering",
                "user",
            )
        }
        cls.accountant = new_test_user(
            cls.env,
            login="dunning_accountant",
            name="Agnès Comptable",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="dunning_salesperson",
            name="Paul Commercial",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.admin = new_test_user(
            cls.env,
            login="dunning_admin",
            name="Hélène Gérante",
            groups="account.group_account_manager",
            company_id=cls.company.id,
        )

    def _preview(self, on, user=None):
        """The run wizard of day ``on``, previewed by ``user`` (default: the
        accountant); to call with the clock on that day.

        :return: the ``account.dunning.run.wizard``
        """
        wizard = (
            self.env["account.dunning.run.wizard"]
            .with_user(user or self.accountant)
            .create({"date": on})
        )
        wizard.action_preview()
        return wizard

    def _use_french(self, partner):
        """``partner`` reads French, with the add-on's French terms loaded."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        partner.lang = "fr_FR"

    @classmethod
    def _create_customer(cls, name="Transports Moreau SAS", **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "street": "3 rue Lavoisier",
                "zip": "69330",
                "city": "Meyzieu",
                "country_id": cls.env.ref("base.fr").id,
                "email": "accueil@moreau.example",
                **vals,
            }
        )

    @classmethod
    def _create_contact(cls, customer, name, roles=(), **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "parent_id": customer.id,
                "type": "contact",
                "email": f"{name.split()[0].lower()}@moreau.example",
                "dunning_role_ids": [Command.set([cls.roles[r].id for r in roles])],
                **vals,
            }
        )

    @classmethod
    def _level_vals(cls, sequence, delay_days, **vals):
        return {
            "sequence": sequence,
            "name": f"Level {sequence}",
            "delay_days": delay_days,
            "send_email": True,
            **vals,
        }

    @classmethod
    def _create_invoice(
        cls, partner, amount, due, invoice_date=None, post=True, company=None
    ):
        """A customer invoice without tax, due on ``due``."""
        due = fields.Date.to_date(due)
        moves = cls.env["account.move"].with_company(company or cls.env.company)
        move = moves.create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date or due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Pose de menuiseries",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, date, amount=None):
        """Register a payment through the wizard an accountant uses."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": date, **({"amount": amount} if amount else {})})
        )
        return wizard._create_payments()

    @classmethod
    def _credit_note(cls, partner, amount, on=DUE):
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": on,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Avoir sur palettes",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    @classmethod
    def _customer_payment(cls, partner, amount, on=DUE):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": on,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    @classmethod
    def _create_policy(cls, name, levels, **vals):
        return cls.env["account.dunning.policy"].create(
            {"name": name, "level_ids": [(0, 0, level) for level in levels], **vals}
        )
