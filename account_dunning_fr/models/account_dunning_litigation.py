"""After the amicable phase: the legal steps open once a formal notice has
expired unpaid, and the file a payment order (injonction de payer) needs
(CPC art. 1405)."""

from odoo import api, fields, models

# Claims under this amount may use the simplified recovery procedure handled
# by a commissaire de justice (C. proc. civ. exéc. L125-1).
SIMPLIFIED_PROCEDURE_LIMIT = 5000.0
LEGAL_NEXT_STEPS = ("injunction", "mediation", "simplified", "agency")


class AccountDunningLitigation(models.AbstractModel):
    _name = "account.dunning.litigation"
    _description = "Dunning Legal Next Steps"

    @api.model
    def _get_next_steps(self, action, date=None):
        """Options open once the formal notice ``action`` expired unpaid: a payment
        order, the business mediator, the simplified procedure for small
        claims or a collection agency (only the second and the last against
        a public buyer, only the last for a company outside French law).

        :param action: ``account.dunning.action``
        :param date: ``datetime.date`` (default: the context's, else today)
        :return: list of codes from ``LEGAL_NEXT_STEPS``, empty while the
            notice runs or once everything is paid
        """
        date = date or self.env.context.get("date") or fields.Date.context_today(self)
        is_notice = (
            action.dunning_workflow == "formal_notice"
            or action.level_id.is_formal_notice
        )
        if action.state != "done" or not is_notice or not action.deadline_date:
            return []
        if action.deadline_date >= fields.Date.to_date(date):
            return []
        unpaid = action.move_ids.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")
        )
        if not unpaid:
            return []
        steps = list(LEGAL_NEXT_STEPS)
        if not action.company_id._dunning_french_law_applies():
            # The payment order, the business mediator and the simplified
            # procedure are French courts' and officers'.
            return ["agency"]
        if action.partner_id.commercial_partner_id.dunning_debtor_type == "public":
            # No payment order nor simplified procedure against a public buyer.
            steps = [s for s in steps if s not in ("injunction", "simplified")]
        elif unpaid._dunning_open_amount() >= SIMPLIFIED_PROCEDURE_LIMIT:
            steps.remove("simplified")
        return steps

    @api.model
    def _get_next_step_labels(self):
        return {
            "injunction": self.env._(
                "Payment order (injonction de payer): print the claim file"
            ),
            "mediation": self.env._(
                "Business mediator (médiateur des entreprises), free of charge"
            ),
            "simplified": self.env._(
                "Simplified recovery procedure through a commissaire de justice "
                "(claims under 5,000 €)"
            ),
            "agency": self.env._("Hand the claim over to a collection agency"),
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        """The values the payment order file renders with: Odoo's report
        model of that report (``ir.actions.report``'s
        ``_get_rendering_context_model`` routes it here).

        :param docids: ids of the ``res.partner`` printed
        :param data: the report's data, or None; the file reads nothing from
            it
        :return: dict with ``doc_ids``, ``doc_model``, ``docs`` (the
            partners) and ``claims`` (``{partner id: values}``, the
            ``_get_injunction_values`` of each)
        """
        docs = self.env["res.partner"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": docs._name,
            "docs": docs,
            "claims": {
                partner.id: self._get_injunction_values(partner) for partner in docs
            },
        }

    @api.model
    def _get_injunction_values(self, partner):
        """What the payment order file lists for ``partner`` in the current
        company: the unpaid invoices, every dunning action carried out and
        the e-invoicing lifecycle statuses of those invoices, oldest first;
        ``total`` in company currency."""
        company = self.env.company
        customer = partner.commercial_partner_id
        moves = self.env["account.dunning.statement"]._get_open_moves(
            customer, company, ("out_invoice",), order="invoice_date_due, id"
        )
        actions = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("state", "=", "done"),
            ],
            order="date, id",
        )
        return {
            "moves": moves,
            "actions": actions,
            # What the e-invoicing platforms reported on these invoices,
            # receipt and approval first among the evidence.
            "einvoice_statuses": self.env["account.dunning.einvoice.status"].search(
                [("move_id", "in", moves.ids)], order="date, id"
            ),
            "total": moves._dunning_open_amount(),
            "currency": company.currency_id,
        }
