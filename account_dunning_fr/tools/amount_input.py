"""Amounts typed by people, read the way a French customer types them.

A customer writes "1 000,50", "1000.50", "1 000,50 €" or, pasted from a
spreadsheet, "1\u202f000,50": spaces (plain, non-breaking or narrow) group
the thousands and a comma or a dot marks the decimals. Python's ``float``
reads none of the French forms and happily reads what no customer means:
"inf", "nan", "1e308" or a number of a hundred thousand digits. The parser
below accepts only plain digits in the shapes above and says why it refuses
anything else with a short reason code the caller turns into a sentence.
"""

import re
from decimal import Decimal

# Reason codes carried by the ValueError (its first argument).
EMPTY = "empty"
TOO_LONG = "too_long"
NEGATIVE = "negative"
NOT_A_NUMBER = "not_a_number"
TOO_MANY_DECIMALS = "too_many_decimals"
SEVERAL_MARKS = "several_marks"
TOO_LARGE = "too_large"

REASONS = (
    EMPTY,
    TOO_LONG,
    NEGATIVE,
    NOT_A_NUMBER,
    TOO_MANY_DECIMALS,
    SEVERAL_MARKS,
    TOO_LARGE,
)

# "1 000 000 000,00 €" is 18 characters: twice that leaves room for stray
# spaces while the text is still refused before any real work is done.
MAX_INPUT_LENGTH = 40
# Twelve integer digits: below a thousand billion, far beyond any invoice a
# customer answers about online.
MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 2

# Spaces a keyboard, a word processor or a spreadsheet puts between thousands:
# plain, no-break, narrow no-break, thin and figure spaces.
_SPACES = " \u00a0\u202f\u2009\u2007"
_MINUS_SIGNS = "-\u2212\u2013"
_CURRENCY = re.compile(r"^(?:€|eur(?:os?)?)|(?:€|eur(?:os?)?)$", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
# An integer part grouped by thousands: 1 to 3 digits, then groups of 3.
_GROUPED = r"[0-9]{1,3}(?:%s[0-9]{3})+"


def _strip_currency(text):
    """``text`` without one euro sign or code at its start or its end."""
    stripped, count = _CURRENCY.subn("", text, count=1)
    if count:
        stripped = stripped.strip(_SPACES)
        # A second sign ("€ 5 €") is not a shape anybody means.
        if _CURRENCY.search(stripped):
            raise ValueError(NOT_A_NUMBER)
    return stripped


def _integer_digits(integer, separator):
    """The digits of an integer part, checked to be grouped by thousands
    when ``separator`` (one character) is used in it."""
    if separator is None:
        if not _DIGITS.fullmatch(integer):
            raise ValueError(NOT_A_NUMBER)
        return integer
    if not re.fullmatch(_GROUPED % re.escape(separator), integer):
        raise ValueError(NOT_A_NUMBER)
    return integer.replace(separator, "")


def _split(text):
    """``(integer part, fraction or None, thousands separator or None)`` of
    ``text``, whose spaces are all plain: the last comma or dot marks the
    decimals, unless all marks are the same and group thousands."""
    marks = [char for char in text if char in ",."]
    separator = " " if " " in text else None
    if not marks:
        return text, None, separator
    decimal_mark, others = marks[-1], marks[:-1]
    if others:
        thousands = others[0]
        if any(mark != thousands for mark in others):
            raise ValueError(SEVERAL_MARKS)
        if thousands == decimal_mark:
            # "1.000.000" or "1,000,000": only thousands, when they are
            # grouped by three; "1,5,0" is not.
            if separator or not re.fullmatch(_GROUPED % re.escape(thousands), text):
                raise ValueError(SEVERAL_MARKS)
            return text, None, thousands
        if separator:
            raise ValueError(NOT_A_NUMBER)
        separator = thousands
    integer, __, fraction = text.rpartition(decimal_mark)
    return integer, fraction, separator


def parse_amount(text):
    """The amount written in ``text``, as a customer of France types it.

    Accepted: digits, thousands grouped by spaces (plain, no-break, narrow
    no-break, thin) or, when the decimals are marked by the other sign, by
    dots or commas ("1.000,50", "1,000.50"); a comma or a dot before at most
    two decimals; one euro sign or "EUR" before or after. Zero is returned as
    such: whether it makes sense is the caller's business.

    :param text: str as typed
    :return: ``decimal.Decimal``, non-negative, at most 2 decimals
    :raises ValueError: whose first argument is one of ``REASONS``: ``empty``
        (nothing but spaces), ``too_long`` (more than ``MAX_INPUT_LENGTH``
        characters, refused before reading), ``negative``, ``not_a_number``
        (letters, exponents, "inf", "nan", badly grouped digits),
        ``too_many_decimals``, ``several_marks`` (more than one decimal mark)
        and ``too_large`` (more than ``MAX_INTEGER_DIGITS`` integer digits)
    """
    if not isinstance(text, str):
        raise ValueError(NOT_A_NUMBER)
    if len(text) > MAX_INPUT_LENGTH:
        raise ValueError(TOO_LONG)
    text = text.strip(_SPACES + "\t\r\n")
    if not text:
        raise ValueError(EMPTY)
    text = _strip_currency(text)
    if not text:
        raise ValueError(NOT_A_NUMBER)
    if text[0] in _MINUS_SIGNS:
        raise ValueError(NEGATIVE)
    # One kind of space only, and one at a time: "1  000" is a typing slip
    # that may hide two numbers.
    for space in _SPACES:
        text = text.replace(space, " ")
    integer, fraction, separator = _split(text)
    try:
        digits = _integer_digits(integer, separator)
    except ValueError:
        # "1,000,50": the decimal mark is right, the grouping before it is not.
        if separator in (",", "."):
            raise ValueError(SEVERAL_MARKS) from None
        raise
    if fraction is not None:
        if not _DIGITS.fullmatch(fraction):
            raise ValueError(NOT_A_NUMBER)
        if len(fraction) > MAX_DECIMALS:
            raise ValueError(TOO_MANY_DECIMALS)
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(TOO_LARGE)
    return Decimal(f"{digits}.{fraction}" if fraction else digits)
