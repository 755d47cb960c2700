"""Shared setup of the accountant workflow tests: a five-level policy with a
call level, a customer followed by an accountant, and the helpers to log a
call and to run the engine."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form

from .common import DUE, DunningCommon, day  # noqa: F401 (shared by the tests)


class DunningWorkflowCommon(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["account.dunning.action"]
        cls.company.dunning_promise_grace_days = 3
        cls.policy = cls._create_policy(
            "Politique de test",
            [
                cls._level_vals(
                    10,
                    -5,
                    name="Rappel",
                    payment_deadline_days=0,
                    letter_type="pre_due",
                ),
                cls._level_vals(20, 3, name="Relance 1", payment_deadline_days=8),
                cls._level_vals(
                    30,
                    12,
                    name="Appel",
                    send_email=False,
                    create_call=True,
                    payment_deadline_days=0,
                ),
                cls._level_vals(
                    40,
                    15,
                    name="Relance 2",
                    letter_type="second",
                    payment_deadline_days=8,
                ),
                cls._level_vals(
                    50,
                    30,
                    name="Mise en demeure",
                    send_registered_letter=True,
                    is_formal_notice=True,
                    letter_type="formal_notice",
                    payment_deadline_days=15,
                ),
            ],
        )
        cls.levels = cls.policy._get_levels_ordered()
        cls.customer = cls._create_customer(
            dunning_policy_id=cls.policy.id,
            user_id=cls.salesperson.id,
            dunning_followup_user_id=cls.accountant.id,
            phone="+33 4 72 00 00 00",
        )
        cls.contact = cls._create_contact(cls.customer, "Claire Martin", ["accounting"])

    # ----------------------------------------------------------------- helpers
    def _published_provider(self):
        """A provider published for the company, as the demo's test provider
        is (Odoo's ``payment_demo`` is not installed in the tests)."""
        method = self.env.ref("payment.payment_method_unknown")
        provider = self.env["payment.provider"].create(
            {
                "name": "Fournisseur de test",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        # A method is enabled once a provider offers it.
        method.active = True
        return provider

    def _call_form(self, user=None, **context):
        env = self.env(user=user or self.accountant)
        ctx = {
            "default_partner_id": self.customer.id,
            "default_kind": "call",
            **context,
        }
        return Form(env["account.dunning.call"].with_context(**ctx))

    def _run(self, on):
        with freeze_time(on):
            return self.Action._run_dunning(date=on, companies=self.company)

    def _notice_form(self, user=None):
        return Form(
            self.env["account.dunning.formal.notice"]
            .with_user(user or self.accountant)
            .with_context(default_partner_id=self.customer.id)
        )

    def _tick_all(self, form):
        """Every point of the formal notice's checklist checked."""
        for fname in (
            "formal_notice_signed_order",
            "formal_notice_delivery_proof",
            "formal_notice_invoice_matches",
            "formal_notice_due_date_passed",
            "formal_notice_not_prescribed",
        ):
            form[fname] = True

    def _send_formal_notice(self):
        """The accountant sends the formal notice, its checklist complete.

        :return: the ``account.dunning.action`` of the formal notice
        """
        form = self._notice_form()
        self._tick_all(form)
        return self.Action.browse(form.save().action_confirm()["res_id"])
