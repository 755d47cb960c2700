"""Amounts typed by customers (tools/amount_input.py)."""

from decimal import Decimal

from ..tools import amount_input
from ..tools.amount_input import MAX_INPUT_LENGTH, parse_amount
from .common_pure import DatabaseFreeCase


class TestToolsAmountInput(DatabaseFreeCase):
    def test_accepted(self):
        cases = [
            ("1 000,50", "1000.50"),
            ("1000.50", "1000.50"),
            ("1000,5", "1000.5"),
            ("1 000", "1000"),
            ("1\u202f000,50", "1000.50"),
            ("1\xa0000,5", "1000.5"),
            ("1\u2009000,50", "1000.50"),
            ("12 345 678,90", "12345678.90"),
            ("€ 1 000,50", "1000.50"),
            ("1 000,50 €", "1000.50"),
            ("1 000,50€", "1000.50"),
            ("1000 EUR", "1000"),
            ("1000 euros", "1000"),
            ("  250  ", "250"),
            ("1.000,50", "1000.50"),
            ("1,000.50", "1000.50"),
            ("1.000.000", "1000000"),
            ("0,01", "0.01"),
            ("0", "0"),
            ("007", "7"),
        ]
        for text, amount in cases:
            with self.subTest(text=text, amount=amount):
                parsed = parse_amount(text)
                assert isinstance(parsed, Decimal)
                assert parsed == Decimal(amount)

    def test_refused_with_a_reason(self):
        cases = [
            ("", amount_input.EMPTY),
            ("   ", amount_input.EMPTY),
            ("\xa0\u202f", amount_input.EMPTY),
            ("-5", amount_input.NEGATIVE),
            ("\u22125", amount_input.NEGATIVE),
            ("€ -5", amount_input.NEGATIVE),
            ("inf", amount_input.NOT_A_NUMBER),
            ("Infinity", amount_input.NOT_A_NUMBER),
            ("-inf", amount_input.NEGATIVE),
            ("nan", amount_input.NOT_A_NUMBER),
            ("NaN", amount_input.NOT_A_NUMBER),
            ("1e5", amount_input.NOT_A_NUMBER),
            ("1E-2", amount_input.NOT_A_NUMBER),
            ("0x10", amount_input.NOT_A_NUMBER),
            ("+5", amount_input.NOT_A_NUMBER),
            ("12,", amount_input.NOT_A_NUMBER),
            (",5", amount_input.NOT_A_NUMBER),
            ("1 00", amount_input.NOT_A_NUMBER),
            ("1  000", amount_input.NOT_A_NUMBER),
            ("1 000.000,50", amount_input.NOT_A_NUMBER),
            ("€", amount_input.NOT_A_NUMBER),
            ("€ 5 €", amount_input.NOT_A_NUMBER),
            ("douze", amount_input.NOT_A_NUMBER),
            ("\u0661\u0662", amount_input.NOT_A_NUMBER),
            ("1,234", amount_input.TOO_MANY_DECIMALS),
            ("10.505", amount_input.TOO_MANY_DECIMALS),
            ("1,5,0", amount_input.SEVERAL_MARKS),
            ("1.5.0", amount_input.SEVERAL_MARKS),
            ("1,000,50", amount_input.SEVERAL_MARKS),
            ("1.5,0", amount_input.SEVERAL_MARKS),
            ("1,5.0,1", amount_input.SEVERAL_MARKS),
            ("1234567890123", amount_input.TOO_LARGE),
            ("1 000 000 000 000,00", amount_input.TOO_LARGE),
            ("9" * (MAX_INPUT_LENGTH + 1), amount_input.TOO_LONG),
            ("1" * 100_000, amount_input.TOO_LONG),
            (" " * 100_000 + "5", amount_input.TOO_LONG),
            (None, amount_input.NOT_A_NUMBER),
            (12.5, amount_input.NOT_A_NUMBER),
        ]
        for text, reason in cases:
            with self.subTest(text=text, reason=reason):
                with self.assertRaises(ValueError) as caught:
                    parse_amount(text)
                assert caught.exception.args[0] == reason
                assert reason in amount_input.REASONS

    def test_leading_zeros_do_not_count_as_size(self):
        assert parse_amount("000000000000001") == Decimal(1)
