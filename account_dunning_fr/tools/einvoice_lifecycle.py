"""The lifecycle of a French e-invoice, as the platforms report it.

Each status travels as a UN/CEFACT "Cross Domain Acknowledgement And
Response" message (CDAR, D22B) profiled by the French norm XP Z12-012:

- ``rsm:ExchangedDocument`` is the message itself (its id, when it was
  issued, who sent it);
- ``rsm:AcknowledgementDocument`` holds one ``ram:ReferenceReferencedDocument``
  per invoice it speaks of: the invoice number (``ram:IssuerAssignedID``),
  its date (``ram:FormattedIssueDateTime``), the status code
  (``ram:ProcessConditionCode``), the seller who issued the invoice
  (``ram:IssuerTradeParty``) and the details of the status
  (``ram:SpecifiedDocumentStatus``: reason code and text, the action asked
  of the seller, amounts such as the approved or the collected amount).

``parse_message`` reads one message into plain ``LifecycleStatus`` tuples and
raises ``LifecycleMessageError`` with a sentence a person can act on when the
message cannot be read. No ORM here: the add-on matches the statuses with its
invoices.
"""

import re
from datetime import date
from typing import NamedTuple

from lxml import etree

from .vocabularies import EINVOICE_FRAMEWORKS, EINVOICE_STATUSES

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:"
    "CrossDomainAcknowledgementAndResponse:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
ROOT_TAG = "{%s}CrossDomainAcknowledgementAndResponse" % NAMESPACES["rsm"]

STATUS_CODES = frozenset(code for code, _label in EINVOICE_STATUSES)

# Statuses after which the invoice is not reminded as it stands: approved in
# part only, disputed, suspended, refused, rejected.
BLOCKING_STATUSES = ("206", "207", "208", "210", "213")

# Codes for which the norm requires a reason (rule BR-FR-CDV-15).
REASON_REQUIRED = frozenset({"206", "207", "208", "210", "213"})

# Amounts a status may carry (ram:SpecifiedDocumentCharacteristic/TypeCode):
# approved and not approved on a partial approval, with or without VAT, and
# the amount collected.
APPROVED_AMOUNT_TYPES = ("MAPTTC", "MAP")
REFUSED_AMOUNT_TYPES = ("MNATTC", "MNA")
COLLECTED_AMOUNT_TYPES = ("MEN",)

# Billing frameworks of an invoice the buyer has already paid (B2, S2, M2):
# such an invoice is never reminded.
PAID_FRAMEWORKS = frozenset(
    code for code, _label in EINVOICE_FRAMEWORKS if code.endswith("2")
)

# Party identifiers: 0002 is the SIREN, 0009 the SIRET (SIREN + 5 digits).
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"

# Date formats of UN/CEFACT (code list 2379): 102 CCYYMMDD, 203
# CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS; some platforms write ISO 8601 instead.
DIGITS_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{4}|\d{6})?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")

# Bigger messages are no lifecycle message: refuse before parsing.
MAX_BYTES = 5 * 1024 * 1024


def _lt(template):
    """Mark ``template`` (an English sentence with ``%(name)s`` fields) for
    the add-on's translation files; it is translated where it is shown."""
    return template


class LifecycleMessageError(ValueError):
    """A message that cannot be read.

    ``template`` says why, in English, with ``%(name)s`` fields filled from
    ``params`` (str values); ``str(error)`` is the filled sentence. The
    add-on shows ``env._(error.template, **error.params)``.
    """

    def __init__(self, template, **params):
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


class LifecycleStatus(NamedTuple):
    """One status of one invoice, read from a lifecycle message.

    ``code`` is the status code ("210"), ``date`` the day the status was
    given (``datetime.date``), ``invoice_date`` the invoice's own date or
    None, the SIRENs nine digits or None, ``amounts`` a dict of amount type
    code -> float.
    """

    message_id: str
    invoice_number: str
    invoice_date: date | None
    seller_siren: str | None
    buyer_siren: str | None
    code: str
    date: date
    reason_code: str | None
    reason: str | None
    action_code: str | None
    amounts: dict

    def amount_of(self, types):
        """The first amount of ``types`` (tuple of type codes) the status
        carries, or None."""
        for type_code in types:
            if type_code in self.amounts:
                return self.amounts[type_code]
        return None

    @property
    def amount(self):
        """The amount the status is about: approved (206) or collected (212),
        else None."""
        if self.code == "206":
            return self.amount_of(APPROVED_AMOUNT_TYPES)
        if self.code == "212":
            return self.amount_of(COLLECTED_AMOUNT_TYPES)
        return None


def parse_date(text):
    """``datetime.date`` of a CDAR date text (formats 102, 203, 204 or ISO).

    :raise LifecycleMessageError: when the text is no such date
    """
    text = (text or "").strip()
    match = DIGITS_DATE.match(text) or ISO_DATE.match(text)
    if not match:
        raise LifecycleMessageError(_lt("'%(text)s' is not a date."), text=text)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as error:
        raise LifecycleMessageError(
            _lt("'%(text)s' is not a date."), text=text
        ) from error


def siren_of(identifier, scheme):
    """The SIREN (nine digits) of a party identifier, or None when the
    identifier is neither a SIREN nor a SIRET."""
    digits = "".join((identifier or "").split())
    if not digits.isdigit():
        return None
    if scheme == SIRET_SCHEME or len(digits) == 14:
        return digits[:9] if len(digits) == 14 else None
    if scheme in (SIREN_SCHEME, None, "") and len(digits) == 9:
        return digits
    return None


def _text(node, path):
    """Stripped text of the first ``path`` under ``node``, or None."""
    found = node.find(path, NAMESPACES)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _party_siren(party):
    """SIREN of a ``ram:*TradeParty`` element, or None."""
    if party is None:
        return None
    for tag in ("ram:GlobalID", "ram:ID"):
        for node in party.findall(tag, NAMESPACES):
            siren = siren_of(node.text, node.get("schemeID"))
            if siren:
                return siren
    return None


def _role_siren(root, role):
    """SIREN of the first party of the message with ``role`` (SE seller,
    BY buyer), or None."""
    for party in root.iter("{%s}*" % NAMESPACES["ram"]):
        if not party.tag.endswith("TradeParty"):
            continue
        if _text(party, "ram:RoleCode") == role:
            siren = _party_siren(party)
            if siren:
                return siren
    return None


def _amount(node, type_code):
    text = _text(node, "ram:ValueAmount")
    try:
        return float(text)
    except (TypeError, ValueError) as error:
        raise LifecycleMessageError(
            _lt("The amount %(type)s is not a number: '%(text)s'."),
            type=type_code,
            text=text or "",
        ) from error


def _read_reference(reference, message_id, message_date, seller, buyer):
    number = _text(reference, "ram:IssuerAssignedID")
    if not number:
        raise LifecycleMessageError(
            _lt("An invoice of the message has no number (IssuerAssignedID).")
        )
    code = _text(reference, "ram:ProcessConditionCode")
    if not code:
        raise LifecycleMessageError(
            _lt("The status of invoice %(number)s has no code (ProcessConditionCode)."),
            number=number,
        )
    if code not in STATUS_CODES:
        raise LifecycleMessageError(
            _lt(
                "Unknown status code %(code)s for invoice %(number)s: the "
                "lifecycle statuses run from 200 to 213."
            ),
            code=code,
            number=number,
        )
    invoice_date = _text(reference, "ram:FormattedIssueDateTime/qdt:DateTimeString")
    invoice_date = parse_date(invoice_date) if invoice_date else None
    status_date = _text(reference, "ram:ReceiptDateTime/udt:DateTimeString")
    status_date = parse_date(status_date) if status_date else message_date
    reason_codes, reasons, action_code, amounts = [], [], None, {}
    for status in reference.findall("ram:SpecifiedDocumentStatus", NAMESPACES):
        reason_code = _text(status, "ram:ReasonCode")
        if reason_code:
            reason_codes.append(reason_code)
        for path in ("ram:Reason", "ram:IncludedNote/ram:Content"):
            text = _text(status, path)
            if text and text not in reasons:
                reasons.append(text)
        action_code = action_code or _text(status, "ram:RequestedActionCode")
        for characteristic in status.findall(
            "ram:SpecifiedDocumentCharacteristic", NAMESPACES
        ):
            type_code = _text(characteristic, "ram:TypeCode")
            if type_code:
                amounts[type_code] = _amount(characteristic, type_code)
    return LifecycleStatus(
        message_id=message_id,
        invoice_number=number,
        invoice_date=invoice_date,
        seller_siren=_party_siren(reference.find("ram:IssuerTradeParty", NAMESPACES))
        or seller,
        buyer_siren=buyer,
        code=code,
        date=status_date,
        reason_code=", ".join(reason_codes) or None,
        reason="\n".join(reasons) or None,
        action_code=action_code,
        amounts=amounts,
    )


def parse_message(data):
    """Read one lifecycle message.

    :param data: the message, ``bytes`` (an XML document)
    :return: list of ``LifecycleStatus``, one per invoice it speaks of, in
        the message's order (at least one)
    :raise LifecycleMessageError: when the message is not well-formed XML,
        not a CDAR message, names no invoice, or one of its statuses lacks
        a number, a known code or a readable date or amount (the whole
        message is refused: a platform sends it again whole)
    """
    if not data or not data.strip():
        raise LifecycleMessageError(_lt("The message is empty."))
    if len(data) > MAX_BYTES:
        raise LifecycleMessageError(_lt("The message is too large to be a status."))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise LifecycleMessageError(
            _lt("The message is not valid XML: %(error)s"), error=str(error)
        ) from error
    # No lifecycle message declares a document type: one that does may be
    # trying to read local files through its entities.
    if root.getroottree().docinfo.doctype:
        raise LifecycleMessageError(_lt("The message declares a document type (DTD)."))
    if root.tag != ROOT_TAG:
        raise LifecycleMessageError(
            _lt(
                "The message is not a lifecycle message (CDAR): its root "
                "element is %(root)s."
            ),
            root=etree.QName(root).localname,
        )
    message_id = _text(root, "rsm:ExchangedDocument/ram:ID") or ""
    acknowledgement = root.find("rsm:AcknowledgementDocument", NAMESPACES)
    if acknowledgement is None:
        raise LifecycleMessageError(
            _lt("The message has no acknowledgement (AcknowledgementDocument).")
        )
    # The day of the status, else the day the message was issued.
    issued = _text(acknowledgement, "ram:IssueDateTime/udt:DateTimeString") or _text(
        root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"
    )
    if not issued:
        raise LifecycleMessageError(_lt("The message does not say when it was issued."))
    message_date = parse_date(issued)
    references = acknowledgement.findall("ram:ReferenceReferencedDocument", NAMESPACES)
    if not references:
        raise LifecycleMessageError(
            _lt("The message names no invoice (ReferenceReferencedDocument).")
        )
    seller = _role_siren(root, "SE")
    buyer = _role_siren(root, "BY")
    return [
        _read_reference(reference, message_id, message_date, seller, buyer)
        for reference in references
    ]
