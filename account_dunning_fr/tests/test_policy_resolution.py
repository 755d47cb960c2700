from odoo.tests import tagged

from .common import DunningCommon

PROFILES = ("good", "negligent", "bad", "insolvent", "administrative")


@tagged("post_install", "-at_install")
class TestPolicyResolution(DunningCommon):
    def test_shipped_policies_copied_to_new_company(self):
        """Each company starts with one policy per profile plus a default."""
        policies = self.Policy.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            sorted(p for p in policies.mapped("payer_profile") if p),
            sorted(PROFILES),
            "the new company must get one shipped policy per payer profile",
        )
        default = self.company.dunning_default_policy_id
        self.assertTrue(default, "the new company must get a default policy")
        self.assertEqual(default.company_id, self.company)
        self.assertFalse(default.payer_profile)
        for policy in policies:
            self.assertTrue(policy.level_ids, f"{policy.name} must have levels")
            self.assertEqual(policy.level_ids.company_id, self.company)

    def test_profile_then_override_then_default(self):
        customer = self._create_customer()
        default = self.company.dunning_default_policy_id
        self.assertEqual(
            customer.dunning_effective_policy_id,
            default,
            "an unclassified customer follows the company default",
        )
        for profile in PROFILES:
            customer.payer_profile = profile
            policy = customer._get_dunning_policy()
            self.assertEqual(policy.payer_profile, profile)
            self.assertEqual(policy.company_id, self.company)
            self.assertEqual(customer.dunning_effective_policy_id, policy)

        customer.payer_profile = "bad"
        override = self.Policy.create(
            {
                "name": "Grands comptes stratégiques",
                "level_ids": [(0, 0, self._level_vals(10, 10))],
            }
        )
        customer.dunning_policy_id = override
        self.assertEqual(
            customer._get_dunning_policy(),
            override,
            "the customer's own policy wins over its profile",
        )

    def test_contact_follows_its_company(self):
        customer = self._create_customer(payer_profile="bad")
        contact = self._create_contact(customer, "Sophie Bernard", ["accounting"])
        self.assertEqual(contact.payer_profile, "bad", "the profile is the payer's")
        self.assertEqual(contact._get_dunning_policy(), customer._get_dunning_policy())

    def test_no_default_and_no_profile(self):
        self.company.dunning_default_policy_id = False
        customer = self._create_customer()
        self.assertFalse(customer._get_dunning_policy())

    def test_override_is_per_company(self):
        """A policy override chosen in one company does not leak to another."""
        customer = self._create_customer()
        other = self.setup_other_company()["company"]
        own = self.Policy.create(
            {"name": "Sur mesure", "level_ids": [(0, 0, self._level_vals(10, 5))]}
        )
        customer.dunning_policy_id = own
        self.assertEqual(
            customer.with_company(other)._get_dunning_policy(),
            other.dunning_default_policy_id,
        )

    def test_next_level(self):
        policy = self.company.dunning_default_policy_id
        levels = policy._get_levels_ordered()
        steps = policy._get_step_policy()
        self.assertEqual(steps.next_level().id, levels[0].id)
        self.assertEqual(steps.next_level(levels[0]._get_step_level()).id, levels[1].id)
        self.assertFalse(steps.next_level(levels[-1]._get_step_level()))
