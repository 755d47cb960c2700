"""An online payment left under way by its provider is the customer's answer:
the invoices it pays are not reminded until the provider confirms it (the
payment then settles them) or fails it (the reminders resume)."""

from odoo import Command, fields, models
from odoo.tools import format_amount

from .account_dunning_answer import PAYMENT_UNDER_WAY_STATES


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _set_pending(self, state_message=None, extra_allowed_states=()):
        txs = super()._set_pending(
            state_message=state_message, extra_allowed_states=extra_allowed_states
        )
        txs._dunning_record_payment_under_way()
        return txs

    def _set_authorized(self, state_message=None, extra_allowed_states=()):
        txs = super()._set_authorized(
            state_message=state_message, extra_allowed_states=extra_allowed_states
        )
        txs._dunning_record_payment_under_way()
        return txs

    def _set_canceled(self, state_message=None, extra_allowed_states=()):
        txs = super()._set_canceled(
            state_message=state_message, extra_allowed_states=extra_allowed_states
        )
        txs._dunning_release_payment_under_way()
        return txs

    def _set_error(self, state_message, extra_allowed_states=()):
        txs = super()._set_error(
            state_message, extra_allowed_states=extra_allowed_states
        )
        txs._dunning_release_payment_under_way()
        return txs

    def _dunning_answers(self):
        # The provider's notification runs as the public user or OdooBot.
        return (
            self.env["account.dunning.answer"]
            .sudo()
            .search([("transaction_id", "in", self.ids), ("kind", "=", "payment")])
        )

    def _dunning_record_payment_under_way(self):
        """One answer (payment under way) per transaction still waiting for
        its provider and paying open customer invoices."""
        txs = self.filtered(lambda tx: tx.state in PAYMENT_UNDER_WAY_STATES)
        txs -= txs._dunning_answers().transaction_id
        vals_list = []
        for tx in txs.sudo():
            invoices = tx.invoice_ids.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.state == "posted"
                    and m.payment_state not in ("paid", "in_payment", "reversed")
                )
            )
            for company in invoices.company_id:
                for customer in invoices.commercial_partner_id:
                    moves = invoices.filtered(
                        lambda m, c=company, p=customer: (
                            m.company_id == c and m.commercial_partner_id == p
                        )
                    )
                    if not moves:
                        continue
                    vals_list.append(
                        {
                            "company_id": company.id,
                            "partner_id": customer.id,
                            "kind": "payment",
                            "source": "payment",
                            "author_id": tx.partner_id.id,
                            "date": fields.Date.context_today(tx),
                            "move_ids": [Command.set(moves.ids)],
                            "text": self.env._(
                                "Payment %(reference)s of %(amount)s under way "
                                "with %(provider)s.",
                                reference=tx.reference,
                                amount=format_amount(
                                    self.env, tx.amount, tx.currency_id
                                ),
                                provider=tx.provider_id.name,
                            ),
                            "transaction_id": tx.id,
                        }
                    )
        if vals_list:
            self.env["account.dunning.answer"].sudo().create(vals_list)

    def _dunning_release_payment_under_way(self):
        """The provider cancelled or refused the payment: its invoices are
        reminded again."""
        self._dunning_answers()._release_hold()
