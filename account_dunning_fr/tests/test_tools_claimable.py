"""Whether an open item is ours to claim, and when (tools/claimable.py), and
the minimum amount of a reminder before the due date
(tools/dunning_steps.py), without Odoo."""

from datetime import date, timedelta

from ..tools import claimable
from ..tools import dunning_steps as steps
from .common_pure import DatabaseFreeCase

DUE = date(2026, 3, 10)
CENT = 0.01


# A reminder before the due date with a minimum amount, then a first reminder.
PRE_DUE = steps.Level(1, sequence=5, delay_days=-5, min_amount=1000.0)
FIRST = steps.Level(2, sequence=10, delay_days=5)
POLICY = steps.Policy(1, (PRE_DUE, FIRST))


def owes(amount):
    return round(amount, 2) > 0


class TestToolsClaimable(DatabaseFreeCase):
    def test_direct_debit_waits_for_its_return_period(self):
        cases = [
            (-5, 8, True),  # before the collection
            (0, 8, True),  # the day of the collection
            (8, 8, True),  # the last day the debit may come back
            (9, 8, False),  # the return period is over
            (3, 2, False),
            (0, 0, True),
            (1, 0, False),
            (1, -3, False),  # a negative period counts as none
        ]
        for offset, return_days, waits in cases:
            with self.subTest(offset=offset, return_days=return_days, waits=waits):
                assert (
                    claimable.direct_debit_waits(
                        DUE + timedelta(days=offset), DUE, return_days
                    )
                    is waits
                )

    def test_discount_taken_when_the_discounted_amount_was_paid_in_time(self):
        cases = [
            (1470.0, 1470.0, True),
            (1470.0, 1500.0, True),
            (1470.0, 1469.996, True),  # within the rounding
            (1470.0, 1469.0, False),  # a euro short
            (1470.0, 0.0, False),  # paid after the discount date
            (0.0, 100.0, False),  # no discount on the item
        ]
        for discounted, paid_in_time, taken in cases:
            with self.subTest(
                discounted=discounted, paid_in_time=paid_in_time, taken=taken
            ):
                assert claimable.discount_taken(discounted, paid_in_time, CENT) is taken

    def test_tiny_residuals(self):
        cases = [
            (0.03, 1.0, True),
            (1.0, 1.0, True),  # at the tolerance
            (1.004, 1.0, True),  # rounds to it
            (1.01, 1.0, False),
            (0.03, 0.0, False),  # no tolerance: every item is claimed
            (-0.5, 1.0, False),  # credits are deducted, never written off here
        ]
        for amount, tolerance, tiny in cases:
            with self.subTest(amount=amount, tolerance=tolerance, tiny=tiny):
                assert claimable.is_tiny(amount, tolerance, CENT) is tiny

    def test_early_discount_offered_until_its_date(self):
        cases = [
            (-10, 1500.0, True),
            (0, 1500.0, True),  # the discount date itself
            (1, 1500.0, False),  # after it: the full amount
            (-10, 700.0, False),  # partly paid: the discount no longer applies
        ]
        for offset, residual, offered in cases:
            with self.subTest(offset=offset, residual=residual, offered=offered):
                discount_date = DUE - timedelta(days=20)
                on = discount_date + timedelta(days=offset)
                assert (
                    claimable.early_discount_offer(
                        on, discount_date, residual, 1500.0, CENT
                    )
                    is offered
                )
                assert not claimable.early_discount_offer(
                    on, None, residual, 1500.0, CENT
                )

    def test_left_out_says_why(self):
        cases = [
            (True, 3, None, None, 1800.0, claimable.DIRECT_DEBIT),
            (True, 9, None, None, 1800.0, None),  # a returned debit: claimed
            (False, 3, 1470.0, 1470.0, 30.0, claimable.DISCOUNT),
            (False, 3, 1470.0, 0.0, 30.0, None),  # the discount not earned
            (False, 3, None, None, 0.03, claimable.RESIDUAL),
            (True, 3, None, None, 0.03, claimable.DIRECT_DEBIT),  # first reason
        ]
        for direct_debit, offset, discounted, paid_in_time, amount, reason in cases:
            with self.subTest(
                direct_debit=direct_debit,
                offset=offset,
                discounted=discounted,
                paid_in_time=paid_in_time,
                amount=amount,
                reason=reason,
            ):
                rules = claimable.Rules(return_days=8, tolerance=1.0, rounding=CENT)
                item = steps.Item(1, 1, amount, DUE)
                on = DUE + timedelta(days=offset)
                assert (
                    claimable.left_out(
                        on, item, direct_debit, discounted, paid_in_time, rules
                    )
                    == reason
                )

    def test_pre_due_minimum_compares_the_amount_coming_due(self):
        cases = [
            ((1800.0,), 0.0, True),  # the amount coming due reaches the minimum
            ((600.0, 500.0), 0.0, True),  # together
            ((800.0,), 0.0, False),  # below it
            ((1100.0,), -200.0, False),  # net of the credits, below it
        ]
        for amounts, credit, fires in cases:
            with self.subTest(amounts=amounts, credit=credit, fires=fires):
                run = DUE - timedelta(days=5)
                debits = [
                    steps.Item(index + 1, index + 1, amount, DUE)
                    for index, amount in enumerate(amounts)
                ]
                credits = (
                    [steps.Item(99, 99, credit, DUE - timedelta(days=30))]
                    if credit
                    else []
                )
                step = steps.plan_account(debits, credits, POLICY, None, run, owes)
                if fires:
                    assert step.level == PRE_DUE
                    assert [item.id for item in step.items if item.amount > 0] == [
                        item.id for item in debits
                    ]
                else:
                    assert step is None

    def test_overdue_minimum_still_compares_the_overdue_position(self):
        """After the due date, the minimum of a reminder is the overdue amount,
        whatever comes due later."""
        second = steps.Level(3, sequence=20, delay_days=10, min_amount=1000.0)
        policy = steps.Policy(2, (FIRST, second))
        run = DUE + timedelta(days=12)
        overdue = steps.Item(1, 1, 500.0, DUE, level=FIRST, last_date=DUE)
        coming = steps.Item(2, 2, 5000.0, run + timedelta(days=20))
        level, _due = steps.next_step(
            overdue, policy, 500.0, DUE, run, steps.coming_position([coming], [], run)
        )
        assert level is None

    def test_approved_claims_claim_the_approved_part_less_payments(self):
        cases = [
            # 1 000 invoiced, 600 approved: 600 claimed, 400 in dispute.
            ([1000.0], 600.0, 0.0, [600.0]),
            # 200 paid go to the approved part: 400 left to claim.
            ([800.0], 600.0, 200.0, [400.0]),
            # The 400 not approved credited after that payment: all that is
            # left is claimed.
            ([400.0], 600.0, 200.0, [400.0]),
            # A credit note of 100 only: the claim does not move.
            ([700.0], 600.0, 200.0, [400.0]),
            # More paid than approved: nothing more is claimed.
            ([300.0], 600.0, 700.0, [0.0]),
            # Two instalments of 500: the earliest is claimed in full.
            ([500.0, 500.0], 600.0, 0.0, [500.0, 100.0]),
            ([500.0, 500.0], 600.0, 550.0, [50.0, 0.0]),
            # Cents stay cents.
            ([1000.0], 333.335, 0.0, [333.34]),
            ([0.0, 250.0], 600.0, 0.0, [0.0, 250.0]),
        ]
        for residuals, approved, paid, claims in cases:
            with self.subTest(residuals=residuals, approved=approved, paid=paid):
                got = claimable.approved_claims(residuals, approved, paid, CENT)
                for value, expected in zip(got, claims, strict=True):
                    self.assertAlmostEqual(value, expected, places=6)
