"""Whether an open item is ours to claim, and when (tools/claimable.py), and
the minimum amount of a reminder before the due date
(tools/dunning_steps.py), without Odoo."""

from datetime import date, timedelta

import pytest

from ..tools import claimable
from ..tools import dunning_steps as steps

DUE = date(2026, 3, 10)
CENT = 0.01


@pytest.mark.parametrize(
    "offset, return_days, waits",
    [
        (-5, 8, True),  # before the collection
        (0, 8, True),  # the day of the collection
        (8, 8, True),  # the last day the debit may come back
        (9, 8, False),  # the return period is over
        (3, 2, False),
        (0, 0, True),
        (1, 0, False),
        (1, -3, False),  # a negative period counts as none
    ],
)
def test_direct_debit_waits_for_its_return_period(offset, return_days, waits):
    assert (
        claimable.direct_debit_waits(DUE + timedelta(days=offset), DUE, return_days)
        is waits
    )


@pytest.mark.parametrize(
    "discounted, paid_in_time, taken",
    [
        (1470.0, 1470.0, True),
        (1470.0, 1500.0, True),
        (1470.0, 1469.996, True),  # within the rounding
        (1470.0, 1469.0, False),  # a euro short
        (1470.0, 0.0, False),  # paid after the discount date
        (0.0, 100.0, False),  # no discount on the item
    ],
)
def test_discount_taken_when_the_discounted_amount_was_paid_in_time(
    discounted, paid_in_time, taken
):
    assert claimable.discount_taken(discounted, paid_in_time, CENT) is taken


@pytest.mark.parametrize(
    "amount, tolerance, tiny",
    [
        (0.03, 1.0, True),
        (1.0, 1.0, True),  # at the tolerance
        (1.004, 1.0, True),  # rounds to it
        (1.01, 1.0, False),
        (0.03, 0.0, False),  # no tolerance: every item is claimed
        (-0.5, 1.0, False),  # credits are deducted, never written off here
    ],
)
def test_tiny_residuals(amount, tolerance, tiny):
    assert claimable.is_tiny(amount, tolerance, CENT) is tiny


@pytest.mark.parametrize(
    "offset, residual, offered",
    [
        (-10, 1500.0, True),
        (0, 1500.0, True),  # the discount date itself
        (1, 1500.0, False),  # after it: the full amount
        (-10, 700.0, False),  # partly paid: the discount no longer applies
    ],
)
def test_early_discount_offered_until_its_date(offset, residual, offered):
    discount_date = DUE - timedelta(days=20)
    on = discount_date + timedelta(days=offset)
    assert (
        claimable.early_discount_offer(on, discount_date, residual, 1500.0, CENT)
        is offered
    )
    assert not claimable.early_discount_offer(on, None, residual, 1500.0, CENT)


@pytest.mark.parametrize(
    "direct_debit, offset, discounted, paid_in_time, amount, reason",
    [
        (True, 3, None, None, 1800.0, claimable.DIRECT_DEBIT),
        (True, 9, None, None, 1800.0, None),  # a returned debit: claimed
        (False, 3, 1470.0, 1470.0, 30.0, claimable.DISCOUNT),
        (False, 3, 1470.0, 0.0, 30.0, None),  # the discount not earned
        (False, 3, None, None, 0.03, claimable.RESIDUAL),
        (True, 3, None, None, 0.03, claimable.DIRECT_DEBIT),  # first reason
    ],
)
def test_left_out_says_why(
    direct_debit, offset, discounted, paid_in_time, amount, reason
):
    rules = claimable.Rules(return_days=8, tolerance=1.0, rounding=CENT)
    item = steps.Item(1, 1, amount, DUE)
    on = DUE + timedelta(days=offset)
    assert (
        claimable.left_out(on, item, direct_debit, discounted, paid_in_time, rules)
        == reason
    )


# A reminder before the due date with a minimum amount, then a first reminder.
PRE_DUE = steps.Level(1, sequence=5, delay_days=-5, min_amount=1000.0)
FIRST = steps.Level(2, sequence=10, delay_days=5)
POLICY = steps.Policy(1, (PRE_DUE, FIRST))


def owes(amount):
    return round(amount, 2) > 0


@pytest.mark.parametrize(
    "amounts, credit, fires",
    [
        ((1800.0,), 0.0, True),  # the amount coming due reaches the minimum
        ((600.0, 500.0), 0.0, True),  # together
        ((800.0,), 0.0, False),  # below it
        ((1100.0,), -200.0, False),  # net of the credits, below it
    ],
)
def test_pre_due_minimum_compares_the_amount_coming_due(amounts, credit, fires):
    run = DUE - timedelta(days=5)
    debits = [
        steps.Item(index + 1, index + 1, amount, DUE)
        for index, amount in enumerate(amounts)
    ]
    credits = [steps.Item(99, 99, credit, DUE - timedelta(days=30))] if credit else []
    step = steps.plan_account(debits, credits, POLICY, None, run, owes)
    if fires:
        assert step.level == PRE_DUE
        assert [item.id for item in step.items if item.amount > 0] == [
            item.id for item in debits
        ]
    else:
        assert step is None


def test_overdue_minimum_still_compares_the_overdue_position():
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
