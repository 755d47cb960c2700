"""Factory for the legal amount tests: a French company, one customer of each
debtor type, invoices without taxes and payments registered at fixed dates."""

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import SharedFrenchCompany


class LegalAmountsCommon(SharedFrenchCompany, AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "dunning_penalty_rate_mode": "ecb10",
                "dunning_indemnity_enabled": True,
                "dunning_invoice_mention": True,
            }
        )
        cls.Rate = cls.env["account.dunning.rate"]
        cls.professional = cls._create_debtor(
            "Menuiserie Lambert SARL",
            is_company=True,
            street="12 rue des Tanneurs",
            zip="67000",
            city="Strasbourg",
        )
        cls.consumer = cls._create_debtor(
            "Claire Fontaine",
            street="4 allée des Tilleuls",
            zip="44000",
            city="Nantes",
        )
        cls.public_buyer = cls._create_debtor(
            "Commune de Villefranche",
            is_company=True,
            dunning_debtor_type="public",
            dunning_public_payment_days="30",
            street="Place de l'Hôtel de Ville",
            zip="69400",
            city="Villefranche-sur-Saône",
        )
        cls.two_instalments = cls.env["account.payment.term"].create(
            {
                "name": "Half at 30 days, half at 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 30}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 60}
                    ),
                ],
            }
        )

    @classmethod
    def _create_debtor(cls, name, **vals):
        return cls.env["res.partner"].create(
            {"name": name, "country_id": cls.env.ref("base.fr").id, **vals}
        )

    @classmethod
    def _invoice(cls, partner, amount, due_date, invoice_date=None, payment_term=None):
        """Post a customer invoice without taxes.

        With ``payment_term`` the due dates follow it; otherwise the single due
        date is ``due_date``.
        """
        invoice = cls.init_invoice(
            "out_invoice",
            partner=partner,
            invoice_date=fields.Date.to_date(invoice_date or due_date),
            amounts=[amount],
            taxes=[],
        )
        if payment_term:
            invoice.invoice_payment_term_id = payment_term
        else:
            invoice.write(
                {
                    "invoice_payment_term_id": False,
                    "invoice_date_due": fields.Date.to_date(due_date),
                }
            )
        invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, payment_date):
        """Register a (possibly partial) payment with the standard wizard."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": fields.Date.to_date(payment_date),
                    "payment_difference_handling": "open",
                }
            )
            ._create_payments()
        )

    def assertDunningAmounts(self, invoice, date, msg, **expected):
        """Check the legal amounts of ``invoice`` as of ``date``.

        ``expected`` holds any of days_late, penalty, indemnity and
        legal_interest; amounts are compared to the cent.
        """
        amounts = invoice._dunning_amounts(fields.Date.to_date(date))
        for key, value in expected.items():
            if key == "days_late":
                self.assertEqual(amounts[key], value, f"{msg} ({key})")
            else:
                self.assertAlmostEqual(
                    amounts[key], value, places=2, msg=f"{msg} ({key})"
                )
