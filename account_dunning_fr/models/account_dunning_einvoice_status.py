"""A status of a customer invoice's e-invoicing lifecycle.

Since the French e-invoicing reform, the buyer's platform reports what
becomes of each invoice: made available, approved, disputed, refused, paid…
Each status reported is kept here, in order, with what the platform said
(reason, action asked of the seller, amount) and its original message: the
invoice's latest status decides how the dunning treats it (see
``account.move._dunning_receive_einvoice_status``), and the statuses of
receipt and approval are evidence for the formal notice and the court.
"""

from odoo import api, fields, models

from ..tools.vocabularies import EINVOICE_SOURCES, EINVOICE_STATUSES


class AccountDunningEinvoiceStatus(models.Model):
    _name = "account.dunning.einvoice.status"
    _description = "E-invoicing Lifecycle Status"
    _order = "date, id"
    _rec_name = "code"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="move_id.commercial_partner_id",
        store=True,
        index=True,
    )
    code = fields.Selection(EINVOICE_STATUSES, string="Status", required=True)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Day the status was given on the platform.",
    )
    reason_code = fields.Char(
        help="Code of the reason the buyer or the platform gave, e.g. "
        "QTE_ERR for a wrong quantity or CMD_ERR for a missing purchase order.",
    )
    reason = fields.Text(help="What the buyer or the platform wrote.")
    action_code = fields.Char(
        string="Requested Action",
        help="What the buyer asks of us: NIN issue a new invoice, CNF/CNP/CNA "
        "a credit note (full, partial, of an amount), PIN provide "
        "information, NOA nothing.",
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        help="Approved amount of a partial approval, collected amount of a collection.",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    source = fields.Selection(EINVOICE_SOURCES, required=True, default="manual")
    message_ref = fields.Char(
        string="Message", help="Identifier of the platform's message."
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="Original Message",
        ondelete="set null",
        help="The message as the platform sent it, kept for the evidence file.",
    )
    dispute_id = fields.Many2one(
        "account.dunning.dispute",
        ondelete="set null",
        index="btree_not_null",
        help="The dispute this status opened, or joined when one was open.",
    )

    @api.depends("code", "date")
    def _compute_display_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for status in self:
            status.display_name = (
                f"{status.code} {labels.get(status.code, '')}"
                f" ({fields.Date.to_string(status.date)})"
                if status.code
                else ""
            )

    def action_open_attachment(self):
        """Download the original message.

        :return: ``ir.actions.act_url`` dict
        """
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def _action_view(self):
        """The list of these statuses, as an email or an import shows what
        it recorded.

        :return: ``ir.actions.act_window`` dict
        """
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.account_dunning_einvoice_status_action"
        )
        action["domain"] = [("id", "in", self.ids)]
        return action
