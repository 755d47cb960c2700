"""Whether an open item is ours to claim, and when.

Plain rules, no database: planning applies them to every open debit item of
a company (read in one query), the write-off list and the letters to one
item at a time.

- An invoice collected by direct debit is paid on its due date by the
  collection itself; the debtor's bank may still send the debit back during
  the return period. Nothing is claimed until that period is over: an item
  still open then is a debit that failed or came back.
- A customer who paid the discounted amount by the discount date of an
  early-payment term owes nothing more: the remainder is the discount, not
  a debt, and only waits to be written off.
- A residual at or below the per-item tolerance (a rounding, a bank fee) is
  not worth a letter, nor its own penalties and indemnity: it is written off.
- An invoice the buyer approved in part only on its e-invoicing platform
  (status 206) owes the approved amount at once; the rest is in dispute and
  is not claimed while the dispute lasts. Payments go to the approved part
  first, credit notes to the part in dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

# Why ``left_out`` leaves a debit item out.
DIRECT_DEBIT = "direct_debit"
DISCOUNT = "discount"
RESIDUAL = "residual"


@dataclass(frozen=True, slots=True)
class Rules:
    """A company's settings for these rules.

    :param return_days: days a direct debit may come back after its
        collection
    :param tolerance: per-item tolerance, company currency
    :param rounding: the company currency's rounding
    """

    return_days: int = 8
    tolerance: float = 0.0
    rounding: float = 0.01


def direct_debit_first_day(due: Date, return_days: int) -> Date:
    """First day a debit item collected by direct debit may be reminded:
    the day after its return period.

    :param due: the item's due date, the day the debit is collected
    :param return_days: days after the collection during which the debit
        may come back (0 or less: none)
    """
    return due + timedelta(days=max(return_days, 0) + 1)


def direct_debit_waits(date: Date, due: Date, return_days: int) -> bool:
    """Whether a debit item collected by direct debit must not be reminded
    on ``date`` yet.

    :param date: day of the run
    :param due: the item's due date, the day the debit is collected
    :param return_days: days after the collection during which the debit
        may come back (0: none)
    :return: True up to and including the last day of the return period
    """
    return date < direct_debit_first_day(due, return_days)


def discount_taken(discounted: float, paid_in_time: float, rounding: float) -> bool:
    """Whether the early-payment discount of an item was earned: what was
    paid on it up to its discount date covers the discounted amount.

    :param discounted: the amount to pay to earn the discount (company
        currency, positive; 0 or less: the item has no discount)
    :param paid_in_time: what was matched to it with payments or credits
        dated on or before the discount date (company currency)
    :param rounding: the company currency's rounding
    """
    if discounted <= 0:
        return False
    return paid_in_time - discounted > -rounding / 2


def is_tiny(amount: float, tolerance: float, rounding: float) -> bool:
    """Whether an open debit ``amount`` is at or below the per-item
    ``tolerance`` (both company currency; a tolerance of 0 keeps every
    item)."""
    if tolerance <= 0 or amount <= 0:
        return False
    return amount - tolerance < rounding / 2


def early_discount_offer(
    date: Date,
    discount_date: Date | None,
    residual: float,
    amount: float,
    rounding: float,
) -> bool:
    """Whether a reminder on ``date`` still offers the item's early-payment
    discount: its discount date has not passed and nothing was paid on it
    (the discount is on the whole invoice).

    :param residual: what is left to pay, in the item's currency
    :param amount: its original amount, in the item's currency
    :param rounding: the rounding of the item's currency
    """
    return (
        bool(discount_date)
        and date <= discount_date
        and abs(amount - residual) < rounding / 2
    )


def left_out(date, item, direct_debit, discounted, paid_in_time, rules):
    """Why the debit ``item`` is not to be claimed on ``date``, or None.

    :param item: ``tools.dunning_steps.Item`` (its ``amount`` and ``due``)
    :param direct_debit: whether its invoice is collected by direct debit
    :param discounted: the amount to pay to earn its early-payment discount
        (company currency), or None without a discount
    :param paid_in_time: what was matched to it up to its discount date
        (company currency), or None without a discount
    :param rules: the company's ``Rules``
    :return: ``DIRECT_DEBIT`` (not yet: the return period runs),
        ``DISCOUNT`` or ``RESIDUAL`` (never: to write off), or None
    """
    if direct_debit and direct_debit_waits(date, item.due, rules.return_days):
        return DIRECT_DEBIT
    if discounted is not None and discount_taken(
        discounted, paid_in_time or 0.0, rules.rounding
    ):
        return DISCOUNT
    if is_tiny(item.amount, rules.tolerance, rules.rounding):
        return RESIDUAL
    return None


def approved_claims(residuals, approved, paid, rounding):
    """What may be claimed of each open item of an invoice the buyer
    approved in part only: the approved amount less what was paid on the
    invoice, never more than an item's own open amount, the earliest items
    first.

    Payments settle the approved part first; a credit note settles the part
    in dispute, so that it lowers the open amounts without lowering the
    claim until the claim reaches them.

    :param residuals: open amounts of the invoice's debit items, earliest due
        first (the invoice's currency, positive)
    :param approved: amount the buyer approved (the invoice's currency)
    :param paid: what payments, not credit notes, settled on the invoice
        (the invoice's currency)
    :param rounding: the rounding of the invoice's currency
    :return: list of amounts, one per item in the same order, each between 0
        and the item's open amount
    """
    left = max(approved - paid, 0.0)
    claims = []
    for residual in residuals:
        claim = min(max(residual, 0.0), left)
        claim = round(round(claim / rounding) * rounding, 10)
        left -= claim
        claims.append(claim)
    return claims
