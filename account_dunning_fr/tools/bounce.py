"""Why a mail server returned a message: the reason read off a delivery
status notification (RFC 3464), so that the accountant sees "550 5.1.1 No
such user" rather than a bare "undeliverable"."""

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
