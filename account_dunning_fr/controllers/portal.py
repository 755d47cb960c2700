"""The customer's answer page: /my/dunning routes.

A reminder's signed link opens ``/my/dunning/<action>?access_token=...``; a
logged-in customer reaches the same page from ``/my/dunning``. Every route
checks the access with ``account.dunning.portal._get_access`` first and only
then works as superuser on that customer's records of that company.
"""

import logging
from urllib.parse import urlencode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.payment import (
    PaymentPortal as AccountPaymentPortal,
)
from odoo.addons.account_payment.controllers.portal import PortalAccount

from ..models.account_dunning_portal import (
    MAX_ATTACHMENT_BYTES,
    MAX_COMMENT_LENGTH,
)

_logger = logging.getLogger(__name__)


def _typed(post):
    """What the customer typed in the answer forms, to show it again after a
    refusal; cut short, as the form's own limits would."""
    return {
        "promise_amount": (post.get("promise_amount") or "")[:40],
        "comment": (post.get("comment") or "")[: 2 * MAX_COMMENT_LENGTH],
    }


class DunningPortal(PortalAccount, AccountPaymentPortal):
    # ---------------------------------------------------------------- helpers
    def _dunning_access(self, action_id, access_token):
        """The action reached, as superuser; the page speaks the language of
        the reminder's recipient to a visitor who is not logged in."""
        action = request.env["account.dunning.portal"]._get_access(
            action_id, access_token
        )
        if request.env.user._is_public():
            lang = (action.contact_id or action.partner_id).lang
            if lang:
                request.update_context(lang=lang)
        return action

    def _dunning_refusal(self, error, action_id=None, access_token=None):
        """A page saying why, with a 403 (tampered, expired, not theirs) or a
        404 (no such page).

        A visitor who is not logged in and came without a token (a link
        copied without its end, a bookmark) is sent to the login page, which
        brings them back to the page once logged in.
        """
        if (
            action_id
            and not access_token
            and isinstance(error, AccessError)
            and request.env.user._is_public()
        ):
            page = f"/my/dunning/{action_id}"
            return request.redirect(f"/web/login?{urlencode({'redirect': page})}")
        status = 404 if isinstance(error, MissingError) else 403
        return request.render(
            "account_dunning_fr.portal_dunning_refused",
            {
                "message": str(error),
                "page_name": "dunning",
                **self._dunning_company_values(action_id),
            },
            status=status,
        )

    @staticmethod
    def _dunning_company_values(action_or_id):
        """The rendering values that make a page the company's own: its
        name, logo and footer in the layout, instead of those of the
        database's first company (the public user's).

        :param action_or_id: ``account.dunning.action`` record or id, or None
        :return: dict, empty when the action is unknown
        """
        action = action_or_id
        if not action:
            return {}
        if isinstance(action, int):
            # Only the company of the page is read, before any access check:
            # the link was sent on that company's behalf.
            action = (
                request.env["account.dunning.action"].sudo().browse(action).exists()
            )
        return {"res_company": action.company_id.sudo()} if action else {}

    @staticmethod
    def _dunning_url(action, access_token, suffix="", **params):
        """URL of a page of ``action``, keeping the token it was reached by."""
        if access_token:
            params["access_token"] = access_token
        query = f"?{urlencode(params)}" if params else ""
        return f"/my/dunning/{action.id}{suffix}{query}"

    def _dunning_render(self, action, access_token, **extra):
        values = request.env["account.dunning.portal"]._get_page_values(action)
        values.update(
            {
                # What the customer typed, shown again (escaped) after a
                # refusal so that they correct it instead of typing it anew.
                "form_values": {},
                "page_name": "dunning",
                "action": action,
                "access_token": access_token or "",
                "base_url": f"/my/dunning/{action.id}",
                "token_query": f"?{urlencode({'access_token': access_token})}"
                if access_token
                else "",
                "today": fields.Date.context_today(action),
                **self._dunning_company_values(action),
                **extra,
            }
        )
        return request.render("account_dunning_fr.portal_dunning_page", values)

    # ------------------------------------------------------------ portal home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_count" in counters:
            user = request.env.user
            values["dunning_count"] = len(
                request.env["account.dunning.portal"]._get_latest_action(
                    user.partner_id, user.company_ids
                )
            )
        return values

    # ------------------------------------------------------------------ pages
    @http.route("/my/dunning", type="http", auth="user", website=True, sitemap=False)
    def portal_my_dunning(self, **kw):
        user = request.env.user
        action = request.env["account.dunning.portal"]._get_latest_action(
            user.partner_id, user.company_ids
        )
        if not action:
            return request.render(
                "account_dunning_fr.portal_dunning_refused",
                {"page_name": "dunning", "nothing": True},
            )
        return request.redirect(f"/my/dunning/{action.id}")

    @http.route(
        "/my/dunning/<int:action_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_dunning_page(self, action_id, access_token=None, done=None, **kw):
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        return self._dunning_render(action, access_token, done=done)

    @http.route(
        "/my/dunning/<int:action_id>/statement",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_dunning_statement(self, action_id, access_token=None, **kw):
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        # Rendered once a day and kept: a customer opening it again waits
        # for no rendering.
        pdf = request.env["account.dunning.statement"].sudo()._get_pdf(action)
        headers = self._get_http_headers(
            action, "pdf", pdf, kw.get("download") == "true"
        )
        return request.make_response(pdf, headers=list(headers.items()))

    @http.route(
        "/my/dunning/<int:action_id>/letter/<int:letter_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_dunning_letter(self, action_id, letter_id, access_token=None, **kw):
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        letters = request.env["account.dunning.portal"]._get_page_values(action)[
            "letters"
        ]
        letter = letters.filtered(lambda a: a.id == letter_id)
        if not letter:
            return self._dunning_refusal(
                MissingError(request.env._("This letter is not in your account."))
            )
        attachment = letter.letter_attachment_id
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", attachment.mimetype or "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
            ],
        )

    # ---------------------------------------------------------------- answers
    @http.route(
        "/my/dunning/<int:action_id>/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_promise(self, action_id, access_token=None, **post):
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        Portal = request.env["account.dunning.portal"]
        form = request.httprequest.form
        try:
            # A refusal met half-way leaves nothing written.
            with request.env.cr.savepoint():
                moves = Portal._get_moves(action, form.getlist("move_ids"))
                # The model reads the date and the amount as typed: it knows
                # the French ways of writing them and says what is wrong.
                Portal._promise(
                    action,
                    moves,
                    post.get("promise_date") or None,
                    post.get("promise_amount") or "",
                )
        except UserError as error:
            return self._dunning_render(
                action, access_token, error=error.args[0], form_values=_typed(post)
            )
        return request.redirect(self._dunning_url(action, access_token, done="promise"))

    @http.route(
        "/my/dunning/<int:action_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_dispute(self, action_id, access_token=None, **post):
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        Portal = request.env["account.dunning.portal"]
        form = request.httprequest.form
        upload = request.httprequest.files.get("attachment")
        # One byte more than allowed is enough to know it is too large,
        # without reading the rest into memory.
        attachment = (
            (upload.filename, upload.read(MAX_ATTACHMENT_BYTES + 1)) if upload else None
        )
        try:
            with request.env.cr.savepoint():
                moves = Portal._get_moves(action, form.getlist("move_ids"))
                Portal._dispute(
                    action,
                    moves,
                    post.get("reason_type"),
                    post.get("comment"),
                    attachment,
                )
        except UserError as error:
            return self._dunning_render(
                action, access_token, error=error.args[0], form_values=_typed(post)
            )
        return request.redirect(self._dunning_url(action, access_token, done="dispute"))

    # ---------------------------------------------------------------- payment
    @http.route(
        "/my/dunning/<int:action_id>/pay",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def portal_dunning_pay(self, action_id, access_token=None, **kw):
        """Odoo's payment form for the invoices picked, paid in one
        transaction linked to them (reconciled by ``account_payment``)."""
        try:
            action = self._dunning_access(action_id, access_token)
        except (AccessError, MissingError) as error:
            return self._dunning_refusal(error, action_id, access_token)
        try:
            moves = request.env["account.dunning.portal"]._get_moves(
                action, request.httprequest.args.getlist("move_ids")
            )
            if len(moves.currency_id) > 1:
                raise UserError(
                    request.env._("Pick invoices in a single currency to pay them.")
                )
            request.env["account.dunning.portal"]._check_payable(moves)
        except UserError as error:
            return self._dunning_render(action, access_token, error=str(error))
        company = action.company_id
        # Several invoices are paid under the reminder's number: the customer
        # knows it, and showing the page takes no number from a sequence (the
        # transaction is linked to the invoices it pays, whatever its label).
        reference = action.name if len(moves) > 1 else moves.name
        amount = sum(moves.mapped("amount_residual"))
        move_key = "-".join(str(i) for i in moves.ids)
        values = {
            "page_name": "dunning",
            "action": action,
            "invoices": moves,
            "back_url": self._dunning_url(action, access_token),
            **self._dunning_company_values(action),
            "payment": {
                "date": fields.Date.context_today(action),
                "reference": reference,
                "amount": amount,
                "currency": moves.currency_id,
            },
            "amount": amount,
        }
        values |= self._get_common_page_view_values(
            invoices_data={
                "partner": action.partner_id,
                "company": company,
                "total_amount": amount,
                "currency": moves.currency_id,
                "amount_residual": amount,
                "payment_reference": reference,
                "landing_route": self._dunning_url(action, access_token, done="pay"),
                "transaction_route": f"/my/dunning/{action.id}/transaction/{move_key}",
            },
            access_token=access_token,
        )
        return request.render("account_dunning_fr.portal_dunning_payment_page", values)

    @http.route(
        "/my/dunning/<int:action_id>/transaction/<string:move_key>",
        type="json",
        auth="public",
    )
    def portal_dunning_transaction(
        self, action_id, move_key, access_token=None, payment_reference=None, **kwargs
    ):
        """Create the draft transaction of the invoices picked on the
        payment form and return its processing values.

        :raise ValidationError: wrong link or invoices not payable by them
        """
        try:
            action = self._dunning_access(action_id, access_token)
            moves = request.env["account.dunning.portal"]._get_moves(
                action, move_key.split("-")
            )
            request.env["account.dunning.portal"]._check_payable(moves)
        except (AccessError, MissingError, UserError) as error:
            raise ValidationError(str(error)) from error
        if len(moves.currency_id) > 1:
            raise ValidationError(
                request.env._("Pick invoices in a single currency to pay them.")
            )
        user = request.env.user
        partner = action.partner_id if user._is_public() else user.partner_id
        self._validate_transaction_kwargs(kwargs)
        return self._process_transaction(
            partner.id, moves.currency_id.id, moves.ids, payment_reference, **kwargs
        )
