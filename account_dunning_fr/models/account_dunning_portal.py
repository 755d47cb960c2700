"""The customer's answer to a reminder, from the portal.

A reminder carries a signed link to its action; the customer opens it (or
logs in to the portal) and sees their open account in that company, pays
online, promises a date or reports a dispute. Each answer goes through the
same workflows as the accountant's (promise, dispute) and is kept as the
customer's answer (``account.dunning.answer``), apart from the reminders:
the customer answered, nobody was reminded.

Everything here runs as superuser on records the caller reached through
``_get_access``: the controller never hands the customer anything else.
"""

import base64
import math
import posixpath
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import consteq, format_amount, format_date, html_escape
from odoo.tools.mimetypes import get_extension, guess_mimetype

from ..tools import amount_input
from .account_dunning_answer import PAYMENT_UNDER_WAY_STATES
from .account_dunning_dispute import DISPUTE_REASONS

# What a customer may write about a dispute: a few paragraphs. Beyond, it is
# a document, which goes in the attachment.
MAX_COMMENT_LENGTH = 5000
# The same for every company: the proof of a dispute is a scan or an export,
# never a large file, and the portal is open to anybody holding a link.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_FILE_NAME_LENGTH = 120
# The files a customer may send with a dispute, by extension, with the types
# read off their content that each may have. Office documents are zip or OLE
# containers: depending on the sniffing library (Odoo's own or libmagic, which
# reads only the first kilobyte) they may come out as the bare container.
_OLE_TYPES = frozenset(
    {
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.ms-office",
        "application/x-ole-storage",
        "application/CDFV2",
    }
)
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
_ZIP = "application/zip"
ATTACHMENT_TYPES = {
    ".pdf": frozenset({"application/pdf"}),
    ".jpg": frozenset({"image/jpeg"}),
    ".jpeg": frozenset({"image/jpeg"}),
    ".png": frozenset({"image/png"}),
    ".gif": frozenset({"image/gif"}),
    ".webp": frozenset({"image/webp"}),
    ".doc": _OLE_TYPES,
    ".xls": _OLE_TYPES,
    ".ppt": _OLE_TYPES,
    ".docx": frozenset({_OOXML + "wordprocessingml.document", _ZIP}),
    ".xlsx": frozenset({_OOXML + "spreadsheetml.sheet", _ZIP}),
    ".pptx": frozenset({_OOXML + "presentationml.presentation", _ZIP}),
    ".odt": frozenset({_ODF + "text", _ZIP}),
    ".ods": frozenset({_ODF + "spreadsheet", _ZIP}),
}
# Characters that have no business in a text typed in a form (NUL is refused
# by PostgreSQL, the others hide text); tabs and line breaks stay.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_to_html(text):
    """``text`` as HTML showing exactly that text, its lines kept: no tag of
    it survives, and no address in it becomes a link."""
    lines = (html_escape(line) for line in (text or "").splitlines())
    return Markup("<p>%s</p>") % Markup("<br>").join(lines)


class AccountDunningPortal(models.AbstractModel):
    _name = "account.dunning.portal"
    _description = "Dunning Customer Answers"

    # ---------------------------------------------------------------- access
    @api.model
    def _link_expiry(self, action):
        """Last day the signed link of ``action`` opens the page: the
        reminder's date plus the company's setting.

        :return: ``datetime.date``
        """
        return action.date + timedelta(days=action.company_id.dunning_portal_link_days)

    @api.model
    def _get_access(self, action_id, access_token=None):
        """The action whose customer the caller may answer for.

        With a token: the token of the action, compared in constant time,
        within the link's validity. Without: a logged-in user of the action's
        commercial entity, in one of their companies.

        :param action_id: int, id of an ``account.dunning.action``
        :param access_token: str or None
        :return: ``account.dunning.action`` record, as superuser
        :raise MissingError: no such action
        :raise AccessError: wrong or expired token, or another customer
        """
        # The customer has no right on dunning actions: the token or their login,
        # checked below, is what lets them in.
        action = self.env["account.dunning.action"].sudo().browse(action_id).exists()
        if not action or action.state == "cancelled":
            raise MissingError(self.env._("This page does not exist."))
        if access_token:
            if not action.access_token or not consteq(
                action.access_token, access_token
            ):
                raise AccessError(self.env._("This link is not valid."))
            if self._link_expiry(action) < fields.Date.context_today(self):
                raise AccessError(self.env._("This link has expired."))
            return action
        user = self.env.user
        if (
            user._is_public()
            or user.partner_id.commercial_partner_id != action.partner_id
            or action.company_id not in user.company_ids
        ):
            raise AccessError(self.env._("This page belongs to another customer."))
        return action

    @api.model
    def _get_latest_action(self, partner, companies):
        """The latest reminder of ``partner``'s commercial entity in
        ``companies``: what a logged-in customer lands on.

        :return: ``account.dunning.action`` record (superuser) or empty
        """
        # A portal user has no right on dunning actions: the search is limited
        # to their own commercial entity's done reminders.
        return (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "done"),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )

    # ------------------------------------------------------------------ page
    @api.model
    def _get_page_values(self, action):
        """What the answer page shows for the customer of ``action``.

        :return: dict with ``customer``, ``company``, ``lines`` (rows of
            ``account.dunning.statement._get_item_line`` as of today, each
            with ``promise_date``, ``disputed`` and ``payment_under_way``),
            ``overdue`` and
            ``balance`` (company currency), ``invoices`` (open invoices the
            customer may answer about), ``payable`` (those of ``invoices``
            without an online payment under way: no paying twice),
            ``letters`` (done actions with a
            letter file), ``reasons`` (dispute reasons, translated),
            ``promise_max`` and ``promise_default`` (``datetime.date``),
            ``promise_refused`` (str or False: why a new promise is not
            possible), ``link_expiry`` (``datetime.date``), ``answerable``
            (those of ``invoices`` neither disputed nor promised yet: the
            forms tick only these), ``max_comment_length`` (characters) and
            ``attachment_accept`` (the file extensions a dispute takes, as
            the ``accept`` attribute of a file input)
        """
        customer = action.partner_id
        company = action.company_id
        today = fields.Date.context_today(self)
        # The customer, checked by _get_access, reads their own open items, which
        # portal rights do not reach (journal items).
        Statement = self.env["account.dunning.statement"].sudo()
        items = Statement._get_open_items(customer, company)
        # Of an invoice approved in part only, the approved part is asked.
        claimed = items._dunning_claimable_amounts()
        invoices = self._get_open_invoices(action)
        paying = self._get_paying_invoices(invoices)
        lines = []
        for item in items:
            line = Statement._get_item_line(item, today, claimed=claimed.get(item.id))
            line["promise_date"] = item.move_id.dunning_promise_date
            line["disputed"] = item.move_id.dunning_blocked
            line["payment_under_way"] = item.move_id in paying
            lines.append(line)
        currency = company.currency_id
        # Same reason: the customer's own letters, from actions they may not read.
        letters = (
            self.env["account.dunning.action"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                    ("letter_attachment_id", "!=", False),
                ],
                order="date desc, id desc",
            )
        )
        reasons = self.env["account.dunning.dispute"]._fields["reason_type"]
        promise_max = today + timedelta(days=company.dunning_portal_promise_days)
        return {
            "customer": customer,
            "company": company,
            "currency": currency,
            "lines": lines,
            "overdue": currency.round(
                sum(line["open_company"] for line in lines if line["days_late"])
            ),
            "balance": currency.round(sum(line["open_company"] for line in lines)),
            "invoices": invoices,
            "payable": invoices - paying,
            "letters": letters,
            "reasons": reasons._description_selection(self.env),
            "promise_max": promise_max,
            # A week ahead is the usual answer; the horizon may be shorter.
            "promise_default": min(today + timedelta(days=7), promise_max),
            "promise_refused": self._get_promise_refusal(action),
            "link_expiry": self._link_expiry(action),
            "answerable": self._get_answerable_invoices(action),
            "max_comment_length": MAX_COMMENT_LENGTH,
            "attachment_accept": ",".join(ATTACHMENT_TYPES),
        }

    @api.model
    def _get_answerable_invoices(self, action):
        """Open invoices of the action's customer that are neither under an
        open dispute nor promised yet.

        :return: ``account.move`` recordset (superuser)
        """
        invoices = self._get_open_invoices(action)
        disputed = self.env["account.dunning.dispute"]._get_disputed_moves(invoices)
        return (invoices - disputed).filtered(lambda m: not m.dunning_promise_date)

    @api.model
    def _get_paying_invoices(self, invoices):
        """Those of ``invoices`` an online payment pays that its provider
        has neither confirmed nor refused yet.

        :param invoices: ``account.move`` recordset (superuser)
        :return: ``account.move`` recordset
        """
        return invoices.filtered(
            lambda m: any(
                tx.state in PAYMENT_UNDER_WAY_STATES for tx in m.transaction_ids
            )
        )

    @api.model
    def _check_payable(self, moves):
        """Refuse to pay online invoices whose payment is already under way.

        :raise UserError: naming them
        """
        paying = self._get_paying_invoices(moves)
        if paying:
            raise UserError(
                self.env._(
                    "A payment is already under way for %(invoices)s: it "
                    "will show here once the payment provider confirms it.",
                    invoices=", ".join(paying.mapped("name")),
                )
            )

    @api.model
    def _get_open_invoices(self, action):
        """Posted customer invoices of the action's customer and company
        still to be paid, oldest due first."""
        # The customer, checked by _get_access, sees their own open invoices in
        # that company, some of which portal rules hide.
        return (
            self.env["account.dunning.statement"]
            .sudo()
            ._get_open_moves(
                action.partner_id,
                action.company_id,
                ("out_invoice",),
                "invoice_date_due, id",
            )
        )

    @api.model
    def _get_moves(self, action, move_ids):
        """The invoices picked by the customer, checked to be theirs.

        :param move_ids: iterable of ints (or digit strings) from the form
        :return: ``account.move`` recordset (superuser), never empty
        :raise UserError: nothing picked, or an invoice not open for them
        """
        try:
            ids = {int(move_id) for move_id in move_ids}
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Pick at least one invoice.")) from error
        invoices = self._get_open_invoices(action)
        if not ids:
            raise UserError(self.env._("Pick at least one invoice."))
        if not ids <= set(invoices.ids):
            raise UserError(
                self.env._("Only your own invoices still to be paid can be picked.")
            )
        return invoices.filtered(lambda m: m.id in ids)

    # --------------------------------------------------------------- answers
    @api.model
    def _get_promise_refusal(self, action):
        """Why the customer may not promise by themselves, or False: a
        broken promise makes the next one a matter for a conversation."""
        if action.partner_id.dunning_promise_broken_count:
            return self.env._(
                "A previous payment promise was not kept: please contact us to "
                "agree on a date."
            )
        return False

    @api.model
    def _to_promise_date(self, value):
        """The promised date read off the form (or given by the caller).

        :param value: ``datetime.date``, ``datetime.datetime``, a str in ISO
            form (``2026-03-31``, what a date input sends) or as typed in
            France (``31/03/2026``), or None / empty
        :return: ``datetime.date`` or None when nothing was given
        :raise UserError: not a date
        """
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if value is None or value is False:
            return None
        text = value.strip() if isinstance(value, str) else None
        if text == "":
            return None
        if text and len(text) <= 10:
            for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return datetime.strptime(text, pattern).date()
                except ValueError:
                    continue
        raise UserError(
            self.env._("Enter the payment date as a date, such as 31/03/2026.")
        )

    @api.model
    def _amount_refusal(self, reason, total):
        """The sentence telling the customer why the amount typed is refused.

        :param reason: a reason code of ``tools.amount_input``, or
            ``"not_finite"``, ``"zero"``, ``"above_total"``
        :param total: str, what the invoices still owe, formatted
        :return: str
        """
        example = self.env._("Enter the amount in digits, such as 1 000,50.")
        messages = {
            amount_input.NEGATIVE: self.env._(
                "The promised amount cannot be negative."
            ),
            amount_input.TOO_MANY_DECIMALS: self.env._(
                "Enter the amount with at most two decimals, such as 1 000,50."
            ),
            amount_input.SEVERAL_MARKS: self.env._(
                "Enter the amount with a single decimal comma, such as 1 000,50."
            ),
            "zero": self.env._(
                "The promised amount must be more than zero; leave it empty to "
                "promise the whole amount."
            ),
        }
        if reason in (amount_input.TOO_LARGE, "above_total"):
            return self.env._(
                "The promised amount cannot be more than what these invoices "
                "still owe: %(total)s.",
                total=total,
            )
        return messages.get(reason, example)

    @api.model
    def _check_promise_amount(self, moves, amount):
        """The amount promised on ``moves``, checked.

        :param moves: ``account.move`` recordset promised, never empty, of
            one company
        :param amount: what the customer typed (str, read by
            ``tools.amount_input.parse_amount``) or a number (int, float,
            ``Decimal``) in company currency, the currency the page totals
            what is owed in; None, an empty str or a numeric 0 stand for the
            whole amount still owed
        :return: float, company currency, more than 0 and at most what
            ``moves`` still owe (``account.move._dunning_open_amount``),
            rounded
        :raise UserError: not a finite number, zero typed, negative, more
            decimals than cents, above what is owed
        """
        currency = moves.company_id.currency_id
        total = moves._dunning_open_amount()
        shown_total = format_amount(self.env, total, currency)

        def refuse(reason):
            return UserError(self._amount_refusal(reason, shown_total))

        if isinstance(amount, str):
            if not amount.strip():
                return total
            try:
                amount = amount_input.parse_amount(amount)
            except ValueError as error:
                raise refuse(error.args[0]) from None
            if not amount:
                raise refuse("zero")
        elif amount is None or (
            isinstance(amount, int | float | Decimal)
            and not isinstance(amount, bool)
            and amount == 0
        ):
            return total
        elif isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
            raise refuse(amount_input.NOT_A_NUMBER)
        if isinstance(amount, Decimal):
            if not amount.is_finite():
                raise refuse(amount_input.NOT_A_NUMBER)
        elif isinstance(amount, float) and not math.isfinite(amount):
            raise refuse(amount_input.NOT_A_NUMBER)
        if amount < 0:
            raise refuse(amount_input.NEGATIVE)
        # Far above any invoice: refused before a float could lose its digits.
        if amount > Decimal(10) ** amount_input.MAX_INTEGER_DIGITS:
            raise refuse("above_total")
        value = currency.round(float(amount))
        if currency.is_zero(value):
            raise refuse("zero")
        if currency.compare_amounts(value, total) > 0:
            raise refuse("above_total")
        return value

    @api.model
    def _promise(self, action, moves, promise_date, amount=0.0):
        """Record the customer's promise to pay ``moves`` by ``promise_date``,
        as the call wizard does: the reminders of those invoices pause until
        the date plus the grace period, then the run checks the promise.

        :param promise_date: ``datetime.date`` (or the text of the form, see
            ``_to_promise_date``), from today to the horizon: today plus the
            company's ``dunning_portal_promise_days``
        :param amount: promised amount in company currency, more than 0
            and at most what they still owe; a number, or the text the
            customer typed ("1 000,50"); 0, None or empty for the whole open
            amount
        :return: the ``account.dunning.answer`` recorded
        :raise UserError: refused promise (see the messages): broken promise
            before, date missing, in the past or beyond the horizon, amount
            not a number, zero, negative or above what is owed, invoices
            already promised
        """
        refusal = self._get_promise_refusal(action)
        if refusal:
            raise UserError(refusal)
        today = fields.Date.context_today(self)
        horizon = today + timedelta(days=action.company_id.dunning_portal_promise_days)
        promise_date = self._to_promise_date(promise_date)
        if not promise_date or not today <= promise_date <= horizon:
            raise UserError(
                self.env._(
                    "Choose a payment date between today and %(date)s.",
                    date=format_date(self.env, horizon),
                )
            )
        if any(moves.mapped("dunning_promise_date")):
            raise UserError(
                self.env._(
                    "A payment date was already promised for %(invoices)s.",
                    invoices=", ".join(
                        moves.filtered("dunning_promise_date").mapped("name")
                    ),
                )
            )
        amount = self._check_promise_amount(moves, amount)
        currency = action.company_id.currency_id
        summary = self.env._(
            "Payment promised online by the customer: %(amount)s on %(date)s.",
            amount=format_amount(self.env, amount, currency),
            date=format_date(self.env, promise_date),
        )
        # The promise is written on the invoices and on the reminder it
        # answers, which the customer may not write; the reminder follows it
        # (kept or broken) as it does a promise made on the phone.
        reminder = action.sudo()
        if reminder.promise_state != "pending":
            reminder.write({"promise_date": promise_date, "promise_amount": amount})
        else:
            reminder.write(
                {
                    "promise_date": max(reminder.promise_date, promise_date),
                    "promise_amount": reminder.promise_amount + amount,
                }
            )
        self.env["account.dunning.promise"].sudo()._record(
            moves, promise_date, amount, reminder
        )
        answer = self._record_answer(
            action,
            moves,
            "promise",
            summary,
            promise_date=promise_date,
            promise_amount=amount,
        )
        self._notify_responsible(
            action,
            answer,
            self.env._("Payment promised on the portal"),
            summary,
        )
        return answer

    @api.model
    def _clean_comment(self, comment):
        """The customer's explanation, as plain text.

        Kept as typed (markup included, as text: every place that shows it
        escapes it), without control characters and surrounding spaces.

        :param comment: str or None
        :return: str, 1 to ``MAX_COMMENT_LENGTH`` characters
        :raise UserError: empty, or longer than ``MAX_COMMENT_LENGTH``
        """
        if not isinstance(comment, str):
            comment = ""
        # Checked before any work: the form may send megabytes.
        if len(comment) > 2 * MAX_COMMENT_LENGTH:
            comment = comment[: 2 * MAX_COMMENT_LENGTH + 1]
        comment = _CONTROL_CHARACTERS.sub("", comment).strip()
        if not comment:
            raise UserError(self.env._("Tell us what is wrong."))
        if len(comment) > MAX_COMMENT_LENGTH:
            raise UserError(
                self.env._(
                    "Your explanation is too long: %(max)s characters at most. "
                    "Send the details as a document.",
                    max=MAX_COMMENT_LENGTH,
                )
            )
        return comment

    @api.model
    def _check_attachment(self, attachment):
        """The document the customer sends with a dispute, checked.

        :param attachment: ``(file name, bytes)`` or None; an empty file
            counts as none
        :return: ``(file name, bytes, mimetype)`` or None; the name is
            stripped of any folder and shortened
        :raise UserError: larger than ``MAX_ATTACHMENT_BYTES``, or not a PDF,
            an image or an office document (by its extension and by its
            content, which must agree)
        """
        if not attachment:
            return None
        name, data = attachment
        if not data:
            return None
        name = posixpath.basename(str(name or "").replace("\\", "/"))
        name = _CONTROL_CHARACTERS.sub("", name).strip()
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise UserError(
                self.env._(
                    "The document %(name)s is too large: %(max)s MB at most.",
                    name=name,
                    max=MAX_ATTACHMENT_BYTES // (1024 * 1024),
                )
            )
        extension = get_extension(name)
        mimetype = guess_mimetype(data, default="application/octet-stream")
        if mimetype not in ATTACHMENT_TYPES.get(extension, ()):
            raise UserError(
                self.env._(
                    "The document %(name)s cannot be sent: send a PDF, an image "
                    "(JPEG, PNG, GIF, WebP) or an office document (Word, Excel, "
                    "PowerPoint, OpenDocument).",
                    name=name,
                )
            )
        stem, suffix = name[: -len(extension)], name[-len(extension) :]
        return (stem[: MAX_FILE_NAME_LENGTH - len(suffix)] + suffix, data, mimetype)

    @api.model
    def _dispute(self, action, moves, reason_type, comment, attachment=None):
        """Open the dispute the customer reports on ``moves``: the same one
        the accountant opens, blocking those invoices only, its review
        assigned to the follow-up responsible.

        Nothing is kept when it is refused.

        :param reason_type: key of ``DISPUTE_REASONS``
        :param comment: str, what the customer says is wrong: plain text, 1
            to ``MAX_COMMENT_LENGTH`` characters
        :param attachment: ``(file name, bytes)`` or None: a PDF, an image or
            an office document of at most ``MAX_ATTACHMENT_BYTES``
        :return: the ``account.dunning.dispute`` opened
        :raise UserError: unknown reason, no comment or too long, a file of
            the wrong type or too large, or an invoice already under an open
            dispute
        """
        if reason_type not in dict(DISPUTE_REASONS):
            raise UserError(self.env._("Choose what is wrong."))
        comment = self._clean_comment(comment)
        upload = self._check_attachment(attachment)
        Dispute = self.env["account.dunning.dispute"]
        disputed = Dispute._get_disputed_moves(moves)
        if disputed:
            raise Dispute._already_disputed_error(disputed)
        label = dict(Dispute._fields["reason_type"]._description_selection(self.env))[
            reason_type
        ]
        responsible = self._get_responsible(action)
        today = fields.Date.context_today(self)
        # A refusal found while writing (another request opened a dispute on
        # these invoices in the meantime) leaves nothing behind.
        with self.env.cr.savepoint():
            # The customer may not create disputes; the accountant's own
            # dispute is opened for them, on the invoices _get_access allowed.
            dispute = (
                self._as_writer(Dispute)
                .with_company(action.company_id)
                .create(
                    {
                        "company_id": action.company_id.id,
                        "partner_id": action.partner_id.id,
                        "move_ids": [Command.set(moves.ids)],
                        "reason_type": reason_type,
                        "reason": " ".join(comment.split())[:200],
                        "user_id": responsible.id,
                        "review_date": today,
                    }
                )
            )
            attachments = self.env["ir.attachment"]
            if upload:
                # The customer's proof is attached to a dispute they cannot
                # write.
                attachments = attachments.sudo().create(
                    {
                        "name": upload[0],
                        "datas": base64.b64encode(upload[1]),
                        "mimetype": upload[2],
                        "res_model": dispute._name,
                        "res_id": dispute.id,
                    }
                )
            # A str body is escaped by message_post: the comment stays text.
            dispute.message_post(
                body=self.env._(
                    "Reported online by the customer (%(reason)s): %(comment)s",
                    reason=label,
                    comment=comment,
                ),
                attachment_ids=attachments.ids,
            )
            summary = self.env._(
                "Dispute reported online by the customer: %(reason)s.", reason=label
            )
            self._record_answer(
                action,
                moves,
                "dispute",
                f"{summary}\n{comment}",
                dispute_id=dispute.id,
            )
            self._notify_responsible(
                action,
                dispute,
                self.env._("Review the dispute reported on the portal"),
                _text_to_html(comment),
            )
        return dispute

    @api.model
    def _record_answer(self, action, moves, kind, text, **values):
        """The customer's answer to ``action``, about ``moves``: an answer of
        its own, never a reminder; logged on the customer.

        :param kind: a key of ``ANSWER_KINDS``
        :param text: str, what the customer said, plain text
        :return: the ``account.dunning.answer`` created
        """
        user = self.env.user
        # The customer may not create answers: they reach this method only
        # through _get_access, for their own invoices.
        answer = (
            self.env["account.dunning.answer"]
            .sudo()
            .create(
                {
                    "company_id": action.company_id.id,
                    "partner_id": action.partner_id.id,
                    "kind": kind,
                    "source": "portal",
                    "author_id": (
                        action.contact_id.id
                        if user._is_public()
                        else user.partner_id.id
                    ),
                    "user_id": False if user.share else user.id,
                    "move_ids": [Command.set(moves.ids)],
                    "text": text,
                    "action_id": action.id,
                    **values,
                }
            )
        )
        action.partner_id.sudo()._message_log(body=_text_to_html(text))
        return answer

    @api.model
    def _get_responsible(self, action):
        """Who acts on the customer's answer: the follow-up responsible, else
        the company's default dunning responsible, else whoever carried out
        the reminder, else the administrator — the first who is an active
        accounting user. The salesperson is informed, never given the task:
        what it opens (disputes, promises, reminders) is the accountants'."""
        customer = action.partner_id.with_company(action.company_id)
        Send = self.env["account.dunning.send"]
        group = "account.group_account_invoice"
        return Send._pick_user(
            action.company_id, customer.dunning_followup_user_id, group=group
        ) or Send._pick_user(
            action.company_id,
            action.user_id,
            self.env.ref("base.user_admin"),
            group=group,
        )

    @api.model
    def _as_writer(self, records):
        """``records`` as whoever writes the customer's answer for them.

        Without rights on what an answer writes, the customer goes through
        the superuser. A visitor who is not logged in is the public user,
        who has no email address: the emails that announce a dispute or a
        task then come from the system (OdooBot), which has one, instead of
        failing for want of a sender.

        :return: ``records`` with superuser rights
        """
        if self.env.user._is_public():
            return records.with_user(SUPERUSER_ID)
        return records.sudo()

    @api.model
    def _notify_responsible(self, action, record, summary, note):
        """An activity due today on ``record`` for whoever acts on the
        answer (``_get_responsible``); the customer's salesperson, when
        another user, is told by a note on the customer they follow.

        :param note: ``Markup`` (HTML, shown as is) or str, escaped here so
            that a customer's text never becomes markup
        """
        note = note if isinstance(note, Markup) else _text_to_html(note)
        responsible = self._get_responsible(action)
        # The customer, or the public user, schedules a task for an employee on a
        # record they may not write.
        self._as_writer(record).activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            user_id=responsible.id,
            summary=summary,
            note=note,
        )
        customer = self._as_writer(action.partner_id.with_company(action.company_id))
        salesperson = customer.user_id
        if salesperson and salesperson != responsible and salesperson.active:
            customer.message_subscribe(partner_ids=salesperson.partner_id.ids)
            customer._dunning_message_post(
                body=Markup("<p>%s</p>%s") % (summary, note),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=salesperson.partner_id.ids,
            )
