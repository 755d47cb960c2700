"""Shared setup of the customer portal tests: two customers reminded by
the run, and the helpers that open and post the answer page."""

from freezegun import freeze_time

from odoo import http
from odoo.tests import HttpCase, new_test_user

from .common_workflows import DUE, DunningWorkflowCommon, day

# The first reminder (level "Relance 1", 3 days after DUE) is sent on day 5.
REMINDED_ON = day(5)


class DunningPortalCommon(DunningWorkflowCommon, HttpCase):
    """Two customers reminded on ``REMINDED_ON``, one of them with a portal
    user, and the helpers to post the answer forms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_portal_link_days = 60
        cls.company.dunning_portal_promise_days = 30
        cls.invoice = cls._create_invoice(cls.customer, 1200.0, DUE)
        cls.invoice_b = cls._create_invoice(cls.customer, 300.0, DUE)
        cls.other = cls._create_customer(
            "Boulangerie Petit", dunning_policy_id=cls.policy.id, ref="BP"
        )
        cls.other_invoice = cls._create_invoice(cls.other, 450.0, DUE)
        with freeze_time(REMINDED_ON):
            cls.reminders = cls.Action._run_dunning(
                date=REMINDED_ON, companies=cls.company
            )
        cls.reminder = cls.reminders.filtered(lambda a: a.partner_id == cls.customer)
        cls.other_reminder = cls.reminders.filtered(lambda a: a.partner_id == cls.other)
        cls.portal_user = new_test_user(
            cls.env,
            login="moreau_portal",
            name="Claire Portail",
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        cls.portal_user.partner_id.parent_id = cls.customer

    # ----------------------------------------------------------------- helpers
    def _url(self, action=None, suffix="", token=True):
        action = action or self.reminder
        url = f"/my/dunning/{action.id}{suffix}"
        if token:
            url += f"?access_token={action._portal_ensure_token()}"
        return url

    def _post(self, suffix, data, files=None, action=None, token=True):
        action = action or self.reminder
        values = {"csrf_token": http.Request.csrf_token(self), **data}
        if token:
            values["access_token"] = action._portal_ensure_token()
        return self.url_open(
            f"/my/dunning/{action.id}{suffix}",
            data=values,
            files=files,
            allow_redirects=False,
        )

    def _promise(self, promised_on, moves=None, amount=""):
        moves = moves or self.invoice
        return self._post(
            "/promise",
            {
                "move_ids": moves.ids,
                "promise_date": promised_on.isoformat(),
                "promise_amount": amount,
            },
        )

    def _portal_answers(self):
        """The customer's answers given on the portal (never reminders)."""
        return self.env["account.dunning.answer"].search(
            [("partner_id", "=", self.customer.id), ("source", "=", "portal")]
        )
