"""Steps of the dunning: which level each open item of a customer's account
goes to next, on which day, and what the run does for the customer.

Plain data, no database: planning reads the open items of a whole company
into these structures at once (a hundred thousand of them within a second),
the invoice shows its next step from the same rules, and the rules are
tested on their own.

Each debit item moves up the levels of its customer's policy on its own, at
most one level per run; levels whose minimum amount the customer's net
overdue position (for a reminder before the due date: the net amount coming
due) does not reach are passed over, and so are reminders before
the due date once it has passed. A level is due ``delay_days`` after the
item's due date, never before the day after the deadline the previous letter
announced (a letter keeps its word), and never sooner after the customer's last action
than the level's cadence allows — at most one reminder a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta
from operator import attrgetter

# What ``plan_account`` returns for a customer whose open credits cover what
# is overdue: nothing to remind, its credits are to be matched.
CREDITS_TO_MATCH = "credits_to_match"


@dataclass(frozen=True, slots=True)
class Level:
    """A dunning level, as the steps need it.

    :param delay_days: days after the due date it becomes due (negative: a
        reminder before the due date)
    :param min_amount: minimum amount, company currency (0: none): the net
        overdue position for a reminder after the due date, the net amount
        coming due for a reminder before it
    :param payment_deadline_days: days the letter gives to pay (0: none)
    :param min_days_since_last: days since the customer's last action
    """

    id: int
    sequence: int = 10
    delay_days: int = 0
    min_amount: float = 0.0
    payment_deadline_days: int = 0
    min_days_since_last: int = 0
    # Derived once: planning asks for them about every open item.
    rank: tuple = field(init=False, compare=False, repr=False)
    precedence: tuple = field(init=False, compare=False, repr=False)
    delay: timedelta = field(init=False, compare=False, repr=False)
    follow_up: timedelta = field(init=False, compare=False, repr=False)
    cadence: timedelta = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        # rank: the order of levels, across policies too (later trigger,
        # then sequence); precedence: the rank, then the level created
        # first, so that which of two levels ranked alike is the highest
        # does not depend on the order they are read in; follow_up: from
        # the letter of this level to the day after the deadline it
        # announced; cadence: the least time since the customer's last
        # action, one day at least.
        object.__setattr__(self, "rank", (self.delay_days, self.sequence))
        object.__setattr__(self, "precedence", (*self.rank, -self.id))
        object.__setattr__(self, "delay", timedelta(days=self.delay_days))
        object.__setattr__(
            self, "follow_up", timedelta(days=self.payment_deadline_days + 1)
        )
        object.__setattr__(
            self, "cadence", timedelta(days=max(self.min_days_since_last, 1))
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """A dunning policy: its levels in order (sequence, then id)."""

    id: int
    levels: tuple = ()
    _index: dict = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(
            self, "_index", {level.id: i for i, level in enumerate(self.levels)}
        )

    def next_level(self, current=None):
        """Level that follows ``current`` (the first one when None); None
        after the last. A level of another policy (the customer changed
        policy) continues with the first level triggered after it."""
        if current is None:
            return self.levels[0] if self.levels else None
        index = self._index.get(current.id)
        if index is None:
            return next(
                (lvl for lvl in self.levels if lvl.delay_days > current.delay_days),
                None,
            )
        return self.levels[index + 1] if index + 1 < len(self.levels) else None


@dataclass(slots=True)
class Item:
    """An open receivable item of the customer's account.

    :param amount: open amount in company currency (``amount_residual``):
        positive for a debit, negative for a credit
    :param due: its due date (the entry's date when it has none)
    :param level: ``Level`` it was last reminded at, or None
    :param last_date: day it was last reminded, or None
    :param kind: see :func:`item_kind`
    """

    id: int
    move_id: int
    amount: float
    due: Date
    level: Level | None = None
    last_date: Date | None = None
    kind: str = "invoice"
    currency_id: int | None = None
    amount_currency: float = 0.0
    promise_date: Date | None = None
    # Last day the run waits for what the customer answered (a promise and
    # its grace period, a reply, a payment under way), when shown before
    # then; None: no such wait.
    held_until: Date | None = None
    # First day the run may remind it (a direct debit waiting for its return
    # period), when shown before then; None: no such wait.
    not_before: Date | None = None


@dataclass(slots=True)
class Step:
    """What the run does for one customer: the action's level, the items it
    lists (overdue debits, or the debits due when nothing is overdue yet,
    then the open credits) and the level each one moves up to (None: listed
    at its stage)."""

    level: Level
    items: list
    item_levels: dict


_by_precedence = attrgetter("precedence")


def highest(levels):
    """The most advanced of ``levels``: the latest trigger, then the
    highest sequence (``Level.rank``), across policies too; of two levels
    ranked alike, the one created first (lowest id).

    :param levels: iterable of ``Level``
    :return: ``Level``, or None when ``levels`` is empty
    """
    return max(levels, key=_by_precedence, default=None)


def item_kind(move_type, debit, is_payment):
    """What a receivable item is, for the letters and the history.

    :param move_type: ``account.move.move_type`` of its entry
    :param debit: whether the item is a debit (positive balance)
    :param is_payment: whether its entry is a payment or a bank statement
        line
    :return: ``"invoice"`` (a due line of an invoice), ``"credit_note"``,
        ``"payment"`` or ``"entry"`` (anything else on the receivable account)
    """
    if move_type in ("out_invoice", "out_receipt"):
        return "invoice" if debit else "entry"
    if move_type == "out_refund":
        return "credit_note"
    return "payment" if is_payment else "entry"


def debit_move_ids(items):
    """Ids of the entries of the debit ``Item`` s among ``items``, in order,
    each once: the invoices an action is about."""
    return list(dict.fromkeys([item.move_id for item in items if item.amount > 0]))


def overdue_position(debits, credits, date):
    """The overdue debit items on ``date`` and the customer's net overdue
    position: overdue debits minus open credits, company currency.

    :return: ``(list of Item, float)``
    """
    overdue = [item for item in debits if item.due < date]
    # sums over lists: planning adds up a hundred thousand amounts
    return overdue, sum([i.amount for i in overdue]) + sum([c.amount for c in credits])


def coming_position(debits, credits, date):
    """The customer's net amount coming due on ``date``: the debit items not
    yet overdue minus the open credits, company currency. A reminder before
    the due date is about this amount (nothing is overdue yet).

    :return: float
    """
    return sum([i.amount for i in debits if i.due >= date]) + sum(
        [c.amount for c in credits]
    )


def next_applicable_level(
    policy, current, open_amount, overdue=False, coming_amount=None
):
    """Next level of ``policy`` after ``current`` that applies, or None.

    Passed over: levels whose minimum amount is not reached — by the
    customer's net overdue position ``open_amount`` for a reminder after
    the due date, by the net amount coming due ``coming_amount`` for a
    reminder before it (``open_amount`` when None) —, and reminders before
    the due date once it has passed (``overdue``). Amounts in company
    currency.
    """
    if policy is None:
        return None
    if coming_amount is None:
        coming_amount = open_amount
    level = policy.next_level(current)
    while level and (
        (
            level.min_amount
            and level.min_amount
            > (coming_amount if level.delay_days < 0 else open_amount)
        )
        or (overdue and level.delay_days < 0)
    ):
        level = policy.next_level(level)
    return level


def level_due_date(item, level):
    """Day on which ``level`` becomes due for the debit ``item``: its
    trigger after the due date, never before the day after the deadline
    the previous letter announced."""
    due = item.due + level.delay
    previous = item.level
    if previous and item.last_date:
        due = max(due, item.last_date + previous.follow_up)
    return due


def next_step(item, policy, open_amount, last_action_date, date, coming_amount=None):
    """The level ``item`` goes to next and the day it becomes due.

    :param item: debit ``Item``
    :param policy: ``Policy`` of its customer, or None
    :param open_amount: customer's net overdue position, company currency
    :param last_action_date: day of the customer's last action, or None
    :param date: day of the run
    :param coming_amount: customer's net amount coming due (see
        ``coming_position``), compared with the minimum of a reminder
        before the due date; None: ``open_amount``
    :return: ``(Level, date)``, or ``(None, None)`` when no level applies
    """
    level = next_applicable_level(
        policy,
        item.level,
        open_amount,
        overdue=item.due < date,
        coming_amount=coming_amount,
    )
    if not level:
        return None, None
    due = level_due_date(item, level)
    if last_action_date:
        # At most one reminder a day, whatever the level's cadence says.
        due = max(due, last_action_date + level.cadence)
    return level, due


def plan_account(debits, credits, policy, last_action_date, date, owes, level_ids=None):
    """What the run does for one customer on ``date``.

    :param debits: the debit ``Item`` s it may be reminded of, oldest due
        first
    :param credits: its open credit ``Item`` s (negative amounts)
    :param policy: its ``Policy``, or None
    :param last_action_date: day of its last action, or None
    :param owes: function telling whether a net amount (company currency)
        is worth a reminder (above the company's tolerance, in its currency's
        rounding)
    :param level_ids: set of level ids the run is restricted to, or None
    :return: a ``Step``; None when nothing is due; ``CREDITS_TO_MATCH`` when
        the customer's credits cover what is listed
    """
    overdue, overdue_net = overdue_position(debits, credits, date)
    coming_net = coming_position(debits, credits, date)
    steps = {}
    # Once something is overdue, the letter is about what is overdue: items
    # not yet due wait for their own due date.
    for item in overdue or debits:
        level, due = next_step(
            item, policy, overdue_net, last_action_date, date, coming_net
        )
        if level and due <= date and (level_ids is None or level.id in level_ids):
            steps[item.id] = level
    if not steps:
        return None
    level = highest(steps.values())
    reached = [item.level for item in overdue if item.level]
    if reached and policy:
        top = highest(reached)
        if level.rank < top.rank and policy.next_level(top):
            # Never a milder letter than the one the customer last got while
            # that one can still be followed up: the new items join the next
            # step of the older ones.
            return None
    if overdue:
        listed, position = overdue, overdue_net
    else:
        listed = [item for item in debits if item.id in steps]
        position = sum([i.amount for i in listed]) + sum([c.amount for c in credits])
    if not owes(position):
        return CREDITS_TO_MATCH if credits else None
    items = listed + list(credits)
    return Step(level, items, {item.id: steps.get(item.id) for item in items})
