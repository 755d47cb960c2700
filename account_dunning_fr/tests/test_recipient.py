from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestRecipient(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer()
        cls.ap = cls._create_contact(
            cls.customer, "Alice Fournisseurs", ["accounts_payable"]
        )
        cls.buyer = cls._create_contact(cls.customer, "Bruno Achats", ["purchasing"])
        cls.accounting = cls._create_contact(
            cls.customer, "Sophie Compta", ["accounting"]
        )
        cls.owner = cls._create_contact(cls.customer, "Marc Gérant", ["manager"])
        cls.invoice_address = cls._create_contact(
            cls.customer, "Adresse de facturation", type="invoice"
        )

    def test_recipient_by_size(self):
        expected = {
            "large": self.ap,
            "sme": self.accounting,
            "micro": self.owner,
            False: self.accounting,
        }
        for size, contact in expected.items():
            with self.subTest(size=size):
                self.customer.dunning_company_size = size
                self.assertEqual(
                    self.env["account.dunning.recipient"]._get_recipient(self.customer),
                    contact,
                )

    def test_large_account_without_accounts_payable(self):
        self.customer.dunning_company_size = "large"
        self.ap.active = False
        self.assertEqual(
            self.env["account.dunning.recipient"]._get_recipient(self.customer),
            self.buyer,
            "a large account without accounts payable falls back to purchasing",
        )

    def test_named_contact_wins(self):
        self.customer.dunning_company_size = "large"
        self.customer.dunning_contact_id = self.owner
        self.assertEqual(
            self.env["account.dunning.recipient"]._get_recipient(self.customer),
            self.owner,
        )
        # Asked from a contact or from the invoice address, the answer is the same.
        self.assertEqual(
            self.env["account.dunning.recipient"]._get_recipient(self.invoice_address),
            self.owner,
        )

    def test_falls_back_to_invoice_address(self):
        self.customer.dunning_company_size = "micro"
        self.owner.dunning_role_ids = False
        self.assertEqual(
            self.env["account.dunning.recipient"]._get_recipient(self.customer),
            self.invoice_address,
        )

    def test_own_recipients_are_those_whose_chain_is_themselves(self):
        Recipient = self.env["account.dunning.recipient"]
        alone = self._create_customer("Boulangerie Petit")
        archived_contact = self._create_customer("Garage Leroy")
        self._create_contact(archived_contact, "Paul Leroy").action_archive()
        customers = self.customer | alone | archived_contact
        # a contact, even archived, may be in the chain (or come back): only
        # a customer with none is its own recipient without walking it
        self.assertEqual(Recipient._get_own_recipients(customers), {alone.id})
        self.assertEqual([c for c, _why in Recipient._get_chain(alone)], [alone])
        # a named contact (here someone else's) is the first of the chain
        alone.dunning_contact_id = self.owner
        self.assertEqual(Recipient._get_own_recipients(alone), set())
        self.assertEqual(Recipient._get_recipient(alone), self.owner)
