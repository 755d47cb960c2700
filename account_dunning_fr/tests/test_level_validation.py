from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestLevelValidation(DunningCommon):
    def _create_policy(self, *levels, name="Politique test"):
        return self.Policy.create(
            {"name": name, "level_ids": [(0, 0, vals) for vals in levels]}
        )

    def assertRefused(self, message_part, *levels):
        """The policy is refused as a whole: neither it nor a level is saved."""
        policies_before = self.Policy.search_count([])
        levels_before = self.Level.search_count([])
        with self.assertRaisesRegex(ValidationError, message_part):
            with self.env.cr.savepoint():
                self._create_policy(*levels)
        self.assertEqual(self.Policy.search_count([]), policies_before)
        self.assertEqual(self.Level.search_count([]), levels_before)

    def test_valid_policy(self):
        policy = self._create_policy(
            self._level_vals(10, -5),
            self._level_vals(20, 3, payment_deadline_days=8),
            self._level_vals(
                30,
                30,
                send_registered_letter=True,
                is_formal_notice=True,
                payment_deadline_days=15,
            ),
            self._level_vals(40, 45, credit_hold=True),
        )
        self.assertEqual(len(policy.level_ids), 4)

    def test_refused_configurations(self):
        cases = [
            ("same sequence", [self._level_vals(10, 3), self._level_vals(10, 10)]),
            (
                "before the previous level",
                [self._level_vals(10, 10), self._level_vals(20, 3)],
            ),
            (
                "between 1 and 15 days",
                [
                    self._level_vals(
                        10, 30, is_formal_notice=True, payment_deadline_days=20
                    )
                ],
            ),
            (
                "between 1 and 15 days",
                [
                    self._level_vals(
                        10, 30, is_formal_notice=True, payment_deadline_days=0
                    )
                ],
            ),
            (
                "sent in writing",
                [
                    self._level_vals(
                        10,
                        30,
                        send_email=False,
                        create_call=True,
                        is_formal_notice=True,
                        payment_deadline_days=8,
                    )
                ],
            ),
            ("zero or more", [self._level_vals(10, 3, min_amount=-1)]),
            ("zero or more", [self._level_vals(10, 3, min_days_since_last=-2)]),
            ("zero or more", [self._level_vals(10, 3, payment_deadline_days=-8)]),
            ("does nothing", [self._level_vals(10, 3, send_email=False)]),
            ("choose the user", [self._level_vals(10, 3, activity_responsible="user")]),
            (
                "not been warned by registered letter",
                [self._level_vals(10, 3), self._level_vals(20, 30, credit_hold=True)],
            ),
        ]
        for message, levels in cases:
            with self.subTest(message=message, levels=levels):
                self.assertRefused(message, *levels)

    def test_edit_breaking_order_refused(self):
        policy = self._create_policy(self._level_vals(10, 3), self._level_vals(20, 15))
        with self.assertRaisesRegex(ValidationError, "before the previous level"):
            with self.env.cr.savepoint():
                policy.level_ids.sorted("sequence")[1].delay_days = 1
        self.assertEqual(
            policy.level_ids.sorted("sequence").mapped("delay_days"), [3, 15]
        )

    def test_one_policy_per_profile(self):
        with self.assertRaisesRegex(ValidationError, "already has a policy"):
            with self.env.cr.savepoint():
                self.Policy.create(
                    {
                        "name": "Mauvais payeurs bis",
                        "payer_profile": "bad",
                        "level_ids": [(0, 0, self._level_vals(10, 3))],
                    }
                )
        # Archiving the shipped one frees the profile.
        self.Policy.search(
            [("payer_profile", "=", "bad"), ("company_id", "=", self.company.id)]
        ).active = False
        replacement = self.Policy.create(
            {
                "name": "Mauvais payeurs bis",
                "payer_profile": "bad",
                "level_ids": [(0, 0, self._level_vals(10, 3))],
            }
        )
        customer = self._create_customer(payer_profile="bad")
        self.assertEqual(customer._get_dunning_policy(), replacement)

    def test_shipped_policies_are_valid(self):
        """The shipped cadences respect the credibility rule:
        a level never triggers before the deadline the previous letter gave."""
        policies = self.Policy.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(policies), 6, "five profile policies and the default")
        for policy in policies:
            levels = policy._get_levels_ordered()
            for previous, level in zip(levels, levels[1:], strict=False):
                self.assertGreater(
                    level.delay_days,
                    previous.delay_days + previous.payment_deadline_days,
                    f"{policy.name}: {level.name} would contradict the deadline "
                    f"announced by {previous.name}",
                )
            notices = levels.filtered("is_formal_notice")
            self.assertEqual(len(notices), 1, f"{policy.name} needs one formal notice")
            self.assertTrue(notices.send_registered_letter)
