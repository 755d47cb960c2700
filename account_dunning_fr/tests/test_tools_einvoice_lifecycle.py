"""Lifecycle messages of the French e-invoicing platforms read without Odoo
(tools/einvoice_lifecycle.py): the statuses, their reasons and amounts, and a
clear error for a message that cannot be read."""

from datetime import date

from ..tools.einvoice_lifecycle import (
    PAID_FRAMEWORKS,
    LifecycleMessageError,
    parse_date,
    parse_message,
    siren_of,
)
from .cdar_messages import (
    BUYER_SIREN,
    SELLER_SIREN,
    message,
    reference,
    status_block,
)
from .common_pure import DatabaseFreeCase


class TestToolsEinvoiceLifecycle(DatabaseFreeCase):
    def test_refusal_with_its_reason(self):
        (status,) = parse_message(
            message(
                reference(
                    "FAC/2026/00012",
                    "210",
                    status=status_block(
                        "QTE_ERR", "Deux palettes manquent", action_code="NIN"
                    ),
                )
            )
        )
        assert status.invoice_number == "FAC/2026/00012"
        assert status.invoice_date == date(2026, 1, 31)
        assert status.code == "210"
        assert status.date == date(2026, 3, 5)
        assert status.reason_code == "QTE_ERR"
        assert status.reason == "Deux palettes manquent"
        assert status.action_code == "NIN"
        assert status.seller_siren == SELLER_SIREN
        assert status.buyer_siren == BUYER_SIREN
        assert status.message_id == "CDV-0001"
        assert status.amount is None

    def test_partial_approval_and_collection_carry_their_amounts(self):
        partial, collected = parse_message(
            message(
                reference(
                    "FAC/2026/00012",
                    "206",
                    status=status_block(
                        "PU_ERR", amounts={"MAPTTC": "800.00", "MNATTC": "400.00"}
                    ),
                ),
                reference(
                    "FAC/2026/00013", "212", status=status_block(amounts={"MEN": 90})
                ),
            )
        )
        assert partial.amount == 800.0
        assert partial.amounts["MNATTC"] == 400.0
        assert collected.amount == 90.0
        assert collected.invoice_number == "FAC/2026/00013"

    def test_without_invoice_date_nor_parties(self):
        (status,) = parse_message(
            message(
                reference("F-1", "203", invoice_date=None, seller_siren=None),
                buyer_siren=None,
            )
        )
        assert status.invoice_date is None
        assert status.seller_siren is None
        assert status.buyer_siren is None
        assert status.reason is None

    def test_malformed_message(self):
        cases = [
            (b"", "empty"),
            (b"<rsm:Cross", "not valid XML"),
            (
                b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
                b'Invoice-2"/>',
                "root element is Invoice",
            ),
            (message(), "names no invoice"),
            (message(reference("", "210")), "has no number"),
            (message(reference("F-1", "")), "has no code"),
            (message(reference("F-1", "214")), "Unknown status code 214"),
            (message(reference("F-1", "210"), issued=None), "when it was issued"),
            (message(reference("F-1", "210"), issued="20261345"), "not a date"),
            (message(reference("F-1", "203", invoice_date="31/01/2026")), "not a date"),
            (
                message(
                    reference("F-1", "206", status=status_block(amounts={"MAP": "x"}))
                ),
                "MAP is not a number",
            ),
        ]
        for data, error in cases:
            with self.subTest(data=data, error=error):
                with self.assertRaisesRegex(LifecycleMessageError, error):
                    parse_message(data)

    def test_entities_are_not_expanded(self):
        data = (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + message(reference("&x;", "210"))
            .split(b"?>", 1)[1]
            .replace(b"&amp;", b"&")
        )
        with self.assertRaisesRegex(LifecycleMessageError, "document type"):
            parse_message(data)

    def test_dates_and_sirens(self):
        assert parse_date("20260305") == date(2026, 3, 5)
        assert parse_date("202603051430") == date(2026, 3, 5)
        assert parse_date("2026-03-05T14:30:00+01:00") == date(2026, 3, 5)
        assert siren_of("552 100 554", "0002") == "552100554"
        assert siren_of("55210055400013", "0009") == "552100554"
        assert siren_of("FR40552100554", "0223") is None
        assert PAID_FRAMEWORKS == {"B2", "S2", "M2"}
