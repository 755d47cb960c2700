"""Steps of the dunning on plain data (tools/dunning_steps.py).

Tested without Odoo and without a database: a policy of three levels
(reminder 5 days after the due date, second reminder at 20 days with a 100 €
minimum, formal notice at 45 days with an 8-day deadline) and items of a
customer's account on fixed dates.
"""

from datetime import date, timedelta

from ..tools import dunning_steps as steps
from .common_pure import DatabaseFreeCase

RUN = date(2026, 3, 31)
BEFORE = steps.Level(1, sequence=5, delay_days=-5)
FIRST = steps.Level(2, sequence=10, delay_days=5, payment_deadline_days=10)
SECOND = steps.Level(
    3, sequence=20, delay_days=20, min_amount=100.0, payment_deadline_days=10
)
NOTICE = steps.Level(
    4, sequence=30, delay_days=45, payment_deadline_days=8, min_days_since_last=7
)
POLICY = steps.Policy(1, (FIRST, SECOND, NOTICE))
OTHER_POLICY_LEVEL = steps.Level(9, sequence=10, delay_days=15)


def owes(amount):
    return round(amount, 2) > 0


def item(days_late, amount=500.0, level=None, last=None, id_=None):
    return steps.Item(
        id_ or days_late + 1000,
        id_ or days_late + 1000,
        amount,
        RUN - timedelta(days=days_late),
        level=level,
        last_date=last,
    )


class TestToolsDunningSteps(DatabaseFreeCase):
    def test_next_level_in_order_and_after_the_last(self):
        assert POLICY.next_level() == FIRST
        assert POLICY.next_level(FIRST) == SECOND
        assert POLICY.next_level(NOTICE) is None
        assert steps.Policy(2).next_level() is None

    def test_next_level_after_a_level_of_another_policy(self):
        # A customer moved to this policy continues after the trigger reached.
        assert POLICY.next_level(OTHER_POLICY_LEVEL) == SECOND
        assert POLICY.next_level(steps.Level(10, delay_days=60)) is None

    def test_highest_level_latest_trigger_then_sequence_then_first_created(self):
        assert steps.highest([FIRST, NOTICE, SECOND]) == NOTICE
        # Across policies: the later trigger, whatever the sequence.
        assert steps.highest([OTHER_POLICY_LEVEL, FIRST]) == OTHER_POLICY_LEVEL
        assert steps.highest([SECOND, OTHER_POLICY_LEVEL]) == SECOND
        later = steps.Level(11, sequence=20, delay_days=20)
        same_trigger = steps.Level(12, sequence=30, delay_days=20)
        assert steps.highest([same_trigger, later]) == same_trigger
        # Ranked alike: the one created first, in whichever order they come.
        alike = steps.Level(13, sequence=20, delay_days=20)
        assert steps.highest([SECOND, alike]) == SECOND
        assert steps.highest([alike, SECOND]) == SECOND
        assert steps.highest([]) is None

    def test_next_applicable_level(self):
        cases = [
            (None, 500.0, True, FIRST),
            (FIRST, 500.0, True, SECOND),
            # below the second reminder's minimum: passed over
            (FIRST, 99.99, True, NOTICE),
            (FIRST, 100.0, True, SECOND),
        ]
        for current, open_amount, overdue, expected in cases:
            with self.subTest(
                current=current,
                open_amount=open_amount,
                overdue=overdue,
                expected=expected,
            ):
                assert steps.next_applicable_level(
                    POLICY, current, open_amount, overdue
                ) == (expected)

    def test_reminder_before_due_date_passed_over_once_overdue(self):
        policy = steps.Policy(3, (BEFORE, FIRST))
        assert steps.next_applicable_level(policy, None, 0.0, overdue=False) == BEFORE
        assert steps.next_applicable_level(policy, None, 0.0, overdue=True) == FIRST
        assert steps.next_applicable_level(None, None, 500.0) is None

    def test_level_due_date_waits_for_the_announced_deadline(self):
        reminded = item(30, level=FIRST, last=RUN - timedelta(days=3))
        # trigger: due + 20 days = 10 days ago; the letter of 3 days ago gave
        # 10 days to pay: due the day after that deadline
        assert steps.level_due_date(reminded, SECOND) == RUN + timedelta(days=8)
        assert steps.level_due_date(item(30), SECOND) == RUN - timedelta(days=10)

    def test_next_step_at_most_one_a_day_and_the_cadence(self):
        level, due = steps.next_step(
            item(60), POLICY, 500.0, RUN - timedelta(days=1), RUN
        )
        assert (level, due) == (FIRST, RUN)
        level, due = steps.next_step(item(60), POLICY, 500.0, RUN, RUN)
        assert due == RUN + timedelta(days=1)
        noticed = item(60, level=SECOND, last=RUN - timedelta(days=20))
        level, due = steps.next_step(
            noticed, POLICY, 500.0, RUN - timedelta(days=2), RUN
        )
        assert (level, due) == (NOTICE, RUN + timedelta(days=5))
        assert steps.next_step(item(60, level=NOTICE), POLICY, 500.0, None, RUN) == (
            None,
            None,
        )

    def test_plan_account_lists_overdue_items_and_credits(self):
        old, new, later = item(30, level=FIRST), item(8), item(-10)
        credit = steps.Item(7, 7, -50.0, RUN - timedelta(days=40))
        step = steps.plan_account([old, new, later], [credit], POLICY, None, RUN, owes)
        assert step.level == SECOND
        # what is overdue and the credit; the item not yet due waits
        assert [i.id for i in step.items] == [old.id, new.id, credit.id]
        assert step.item_levels == {old.id: SECOND, new.id: FIRST, credit.id: None}

    def test_plan_account_nothing_due(self):
        assert steps.plan_account([item(2)], [], POLICY, None, RUN, owes) is None
        assert steps.plan_account([item(30)], [], None, None, RUN, owes) is None
        # the level the run is restricted to is not due
        assert (
            steps.plan_account([item(30)], [], POLICY, None, RUN, owes, level_ids={4})
            is None
        )

    def test_plan_account_credits_cover_the_claim(self):
        credit = steps.Item(7, 7, -500.0, RUN - timedelta(days=40))
        assert (
            steps.plan_account([item(30)], [credit], POLICY, None, RUN, owes)
            == steps.CREDITS_TO_MATCH
        )
        # without credits, an amount within the tolerance is simply not reminded
        assert steps.plan_account(
            [item(30, amount=0.004)], [], POLICY, None, RUN, owes
        ) is (None)

    def test_plan_account_never_a_milder_letter_while_the_last_can_follow(self):
        noticed = item(50, level=SECOND, last=RUN - timedelta(days=2))
        new = item(6, id_=2)
        # the new item alone would get a first reminder; it waits for the
        # formal notice of the older one
        assert steps.plan_account([noticed, new], [], POLICY, None, RUN, owes) is None
        # once the older one reached the last level, the new one is reminded
        done = item(90, level=NOTICE, last=RUN - timedelta(days=30))
        step = steps.plan_account([done, new], [], POLICY, None, RUN, owes)
        assert step.level == FIRST
        assert step.item_levels == {done.id: None, new.id: FIRST}

    def test_plan_account_before_the_due_date_lists_only_the_reminded_items(self):
        policy = steps.Policy(3, (BEFORE, FIRST))
        soon, later = item(-3), item(-20)
        step = steps.plan_account([soon, later], [], policy, None, RUN, owes)
        assert step.level == BEFORE
        assert [i.id for i in step.items] == [soon.id]

    def test_item_kind(self):
        cases = [
            ("out_invoice", True, False, "invoice"),
            ("out_receipt", True, False, "invoice"),
            ("out_invoice", False, False, "entry"),
            ("out_refund", False, False, "credit_note"),
            ("entry", False, True, "payment"),
            ("entry", True, False, "entry"),
        ]
        for move_type, debit, is_payment, kind in cases:
            with self.subTest(
                move_type=move_type, debit=debit, is_payment=is_payment, kind=kind
            ):
                assert steps.item_kind(move_type, debit, is_payment) == kind

    def test_overdue_position_deducts_credits(self):
        overdue, net = steps.overdue_position(
            [item(10, amount=300.0), item(0, amount=200.0)],
            [steps.Item(7, 7, -120.0, RUN)],
            RUN,
        )
        assert [i.amount for i in overdue] == [300.0]
        self.assertAlmostEqual(net, 180.0, delta=180.0 * 1e-6)

    def test_debit_move_ids_in_order_each_once(self):
        items = [
            steps.Item(1, 30, 100.0, RUN),
            steps.Item(2, 10, -20.0, RUN),
            steps.Item(3, 30, 50.0, RUN),
            steps.Item(4, 20, 10.0, RUN),
        ]
        assert steps.debit_move_ids(items) == [30, 20]
