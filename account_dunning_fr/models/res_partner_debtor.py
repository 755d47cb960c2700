"""What the law lets us claim from a customer depends on who the debtor is.

Professionals owe late penalties and the 40 € indemnity (C. com. L441-10),
consumers owe neither, public buyers owe moratorium interest instead
(C. commande publique L2192-13). The legal amounts read these fields on the
commercial partner.
"""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_debtor_type = fields.Selection(
        [
            ("professional", "Professional"),
            ("consumer", "Consumer"),
            ("public", "Public buyer"),
        ],
        string="Debtor Type",
        compute="_compute_dunning_debtor_type",
        store=True,
        readonly=False,
        precompute=True,
        recursive=True,
        help="Decides the legal amounts claimed when this customer pays late: "
        "penalties and the 40 € indemnity for professionals, legal interest "
        "only for consumers, moratorium interest for public buyers.",
    )
    dunning_public_payment_days = fields.Selection(
        [
            ("30", "State or local authority (30 days)"),
            ("50", "Public hospital (50 days)"),
            ("60", "Public undertaking (60 days)"),
        ],
        string="Public Payment Period",
        help="Longest payment period the public buyer may take, counted from "
        "the receipt of the invoice.",
    )
    dunning_insolvency_date = fields.Date(
        string="Insolvency Judgment Date",
        help="Date of the judgment opening a safeguard, reorganisation or "
        "liquidation procedure. From that date no reminder is sent, late "
        "penalties stop accruing and the claim must be declared to the "
        "court-appointed representative.",
    )

    @api.depends("is_company", "parent_id.dunning_debtor_type")
    def _compute_dunning_debtor_type(self):
        for partner in self:
            if partner.is_company:
                partner.dunning_debtor_type = "professional"
            elif partner.parent_id:
                partner.dunning_debtor_type = (
                    partner.parent_id.dunning_debtor_type or "professional"
                )
            else:
                partner.dunning_debtor_type = "consumer"

    def _get_dunning_public_payment_days(self):
        """Return the legal payment period of a public buyer, in days."""
        self.ensure_one()
        return int(self.dunning_public_payment_days or 30)
