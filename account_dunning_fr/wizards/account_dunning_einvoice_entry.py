"""The accountant enters an e-invoicing status by hand: the buyer said on
the phone that it refused the invoice, or sent its payment, and the
platform's message has not come through."""

from odoo import api, fields, models

from ..tools.einvoice_lifecycle import REASON_REQUIRED
from ..tools.vocabularies import EINVOICE_STATUSES


class AccountDunningEinvoiceEntry(models.TransientModel):
    _name = "account.dunning.einvoice.entry"
    _description = "Enter an E-invoicing Status"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    code = fields.Selection(EINVOICE_STATUSES, string="Status", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason_code = fields.Char(
        help="Code of the reason, e.g. QTE_ERR for a wrong quantity or "
        "CMD_ERR for a missing purchase order."
    )
    reason = fields.Text(help="What the buyer said.")
    action_code = fields.Char(
        string="Requested Action",
        help="What the buyer asks of us: NIN a new invoice, CNF/CNP/CNA a "
        "credit note, PIN information.",
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        help="Approved amount of a partial approval, collected amount of a collection.",
    )
    reason_expected = fields.Boolean(compute="_compute_reason_expected")
    amount_expected = fields.Boolean(compute="_compute_reason_expected")

    @api.depends("code")
    def _compute_reason_expected(self):
        for entry in self:
            entry.reason_expected = entry.code in REASON_REQUIRED
            entry.amount_expected = entry.code in ("206", "212")

    def action_confirm(self):
        """Record the status on the invoice and apply it
        (``account.move._dunning_receive_einvoice_status``).

        :return: ``ir.actions.act_window_close`` dict
        :raise UserError: not a posted customer invoice
        """
        self.ensure_one()
        self.move_id._dunning_receive_einvoice_status(
            self.code,
            self.date,
            reason_code=(self.reason_code or "").strip() or None,
            reason=(self.reason or "").strip() or None,
            amount=self.amount if self.amount_expected else None,
            action_code=(self.action_code or "").strip() or None,
            source="manual",
        )
        return {"type": "ir.actions.act_window_close"}
