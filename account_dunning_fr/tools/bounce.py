"""Why a mail server returned a message: the reason read off a delivery
status notification (RFC 3464), so that the accountant sees "550 5.1.1 No
such user" rather than a bare "undeliverable".
The automatic replies (out of office, ticket acknowledgements) that no
person wrote are told apart too: they are no answer of the customer."""

# Longest reason kept: a server's free text can be a whole page.
MAX_LENGTH = 300


def _dsn_reason(part):
    """The first failed recipient's status and diagnostic of a
    ``message/delivery-status`` part, or ""."""
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        status = (block.get("Status") or "").strip()
        diagnostic = (block.get("Diagnostic-Code") or "").strip()
        action = (block.get("Action") or "failed").strip().lower()
        if action != "failed" or not (status or diagnostic):
            continue
        # "smtp; 550 5.1.1 No such user": the type before ";" says nothing.
        diagnostic = " ".join(diagnostic.split(";", 1)[-1].split())
        if diagnostic and status and status in diagnostic:
            return diagnostic
        return " — ".join(filter(None, (status, diagnostic)))
    return ""


def _first_line(part):
    text = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for line in text.decode(charset, errors="replace").splitlines():
        if line.strip():
            return " ".join(line.split())
    return ""


def bounce_reason(message):
    """Reason given by the server that returned ``message``.

    :param message: the bounce, an ``email.message.Message``
    :return: the failed recipient's diagnostic ("550 5.1.1 No such user"),
        else the first line of the human-readable part, else ""; at most
        ``MAX_LENGTH`` characters
    """
    reason = ""
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            reason = _dsn_reason(part)
            if reason:
                break
    if not reason:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                reason = _first_line(part)
                break
    if len(reason) > MAX_LENGTH:
        reason = reason[: MAX_LENGTH - 1] + "…"
    return reason


# Precedence values of messages sent by a program to a list or on its own
# (a de facto header older than RFC 3834, still set by many autoresponders).
AUTOMATIC_PRECEDENCES = {"auto_reply", "bulk", "junk", "list"}


def is_auto_reply(message):
    """Tell whether ``message`` was written by a program, not a person: an
    out-of-office or a ticket acknowledgement, which must neither hold the
    reminders nor give anybody a task.

    RFC 3834 (section 5) marks such messages with ``Auto-Submitted`` set to
    anything but ``no``; older autoresponders set ``X-Autoreply``,
    ``X-Autorespond`` or ``Precedence: auto_reply`` (or ``bulk``, ``junk``,
    ``list``), and Microsoft Exchange ``X-Auto-Response-Suppress`` on its own
    automatic replies.

    :param message: an ``email.message.Message``
    :return: bool
    """
    auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    if message.get("X-Auto-Response-Suppress"):
        return True
    precedence = (message.get("Precedence") or "").strip().lower()
    return precedence in AUTOMATIC_PRECEDENCES
