"""Lifecycle messages built for the tests the way a platform writes them
(CDAR D22B as the French norm XP Z12-012 profiles it), without Odoo."""

from xml.sax.saxutils import escape

SELLER_SIREN = "552100554"
BUYER_SIREN = "732829320"


def status_block(reason_code=None, reason=None, action_code=None, amounts=None):
    """A ``ram:SpecifiedDocumentStatus`` element, as text."""
    parts = []
    if reason_code:
        parts.append(f"<ram:ReasonCode>{escape(reason_code)}</ram:ReasonCode>")
    if reason:
        parts.append(f"<ram:Reason>{escape(reason)}</ram:Reason>")
    if action_code:
        parts.append(
            f"<ram:RequestedActionCode>{escape(action_code)}</ram:RequestedActionCode>"
        )
    parts.append("<ram:SequenceNumeric>1</ram:SequenceNumeric>")
    for type_code, amount in (amounts or {}).items():
        parts.append(
            "<ram:SpecifiedDocumentCharacteristic>"
            f"<ram:TypeCode>{type_code}</ram:TypeCode>"
            f'<ram:ValueAmount currencyID="EUR">{amount}</ram:ValueAmount>'
            "</ram:SpecifiedDocumentCharacteristic>"
        )
    return (
        "<ram:SpecifiedDocumentStatus>"
        + "".join(parts)
        + "</ram:SpecifiedDocumentStatus>"
    )


def reference(
    number,
    code,
    invoice_date="20260131",
    seller_siren=SELLER_SIREN,
    status="",
):
    """A ``ram:ReferenceReferencedDocument``: one invoice and its status."""
    date_part = (
        "<ram:FormattedIssueDateTime>"
        f'<qdt:DateTimeString format="102">{invoice_date}</qdt:DateTimeString>'
        "</ram:FormattedIssueDateTime>"
        if invoice_date
        else ""
    )
    seller = (
        "<ram:IssuerTradeParty>"
        f'<ram:GlobalID schemeID="0002">{seller_siren}</ram:GlobalID>'
        "<ram:RoleCode>SE</ram:RoleCode>"
        "</ram:IssuerTradeParty>"
        if seller_siren
        else ""
    )
    return (
        "<ram:ReferenceReferencedDocument>"
        f"<ram:IssuerAssignedID>{escape(number)}</ram:IssuerAssignedID>"
        "<ram:TypeCode>380</ram:TypeCode>"
        f"{date_part}"
        f"<ram:ProcessConditionCode>{code}</ram:ProcessConditionCode>"
        f"{seller}{status}"
        "</ram:ReferenceReferencedDocument>"
    )


def message(
    *references,
    issued="20260305143000",
    message_id="CDV-0001",
    buyer_siren=BUYER_SIREN,
    root="CrossDomainAcknowledgementAndResponse",
):
    """A whole lifecycle message around ``references``, as bytes."""
    buyer = (
        "<ram:IssuerTradeParty>"
        f'<ram:GlobalID schemeID="0002">{buyer_siren}</ram:GlobalID>'
        "<ram:RoleCode>BY</ram:RoleCode>"
        "</ram:IssuerTradeParty>"
        if buyer_siren
        else ""
    )
    issued_part = (
        "<ram:IssueDateTime>"
        f'<udt:DateTimeString format="204">{issued}</udt:DateTimeString>'
        "</ram:IssueDateTime>"
        if issued
        else ""
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<rsm:{root}"
        ' xmlns:rsm="urn:un:unece:uncefact:data:standard:'
        'CrossDomainAcknowledgementAndResponse:100"'
        ' xmlns:ram="urn:un:unece:uncefact:data:standard:'
        'ReusableAggregateBusinessInformationEntity:100"'
        ' xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"'
        ' xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">'
        "<rsm:ExchangedDocumentContext>"
        "<ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:ID>REGULATED</ram:ID>"
        "</ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:GuidelineSpecifiedDocumentContextParameter>"
        "<ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID>"
        "</ram:GuidelineSpecifiedDocumentContextParameter>"
        "</rsm:ExchangedDocumentContext>"
        "<rsm:ExchangedDocument>"
        f"<ram:ID>{escape(message_id)}</ram:ID>"
        f"{issued_part}"
        "<ram:SenderTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:SenderTradeParty>"
        f"{buyer}"
        "</rsm:ExchangedDocument>"
        "<rsm:AcknowledgementDocument>"
        "<ram:MultipleReferencesIndicator><udt:Indicator>"
        f"{'true' if len(references) > 1 else 'false'}"
        "</udt:Indicator></ram:MultipleReferencesIndicator>"
        "<ram:TypeCode>305</ram:TypeCode>"
        f"{issued_part}" + "".join(references) + "</rsm:AcknowledgementDocument>"
        f"</rsm:{root}>"
    )
    return text.encode()
