"""Late payment claims: what a customer owes for having paid an invoice late.

Once an invoice is settled after its due date, the law still owes the creditor
the late penalties (C. com. L441-10) and the fixed 40 € recovery indemnity
(C. com. D441-5) — for a public buyer, the moratorium interest and the same
indemnity (CCP L2192-13, R2192-31, D2192-35). Reminders stop with the
payment, so these amounts would be silently lost: the daily run proposes one
claim per invoice paid late, and the accountant either claims it (a penalty
invoice, or a claim letter) or waives it, saying why.

Finding the invoices paid late and proposing their claims is the job of
``account.dunning.claim.proposal``; issuing the penalty invoice, of
``account.dunning.claim.invoice``.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from ..tools.vocabularies import DEBTOR_TYPES

CLAIM_STATES = [
    ("proposed", "Proposed"),
    ("claimed", "Claimed"),
    ("waived", "Waived"),
]


class AccountDunningClaim(models.Model):
    _name = "account.dunning.claim"
    _description = "Late Payment Claim"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        help="The commercial entity that paid late.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice Paid Late",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    date = fields.Date(
        string="Proposed On",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="Date the amounts below were computed on.",
    )
    debtor_type = fields.Selection(
        DEBTOR_TYPES,
        readonly=True,
        help="The customer's debtor type when the claim was proposed: it "
        "decided which amounts are owed.",
    )
    days_late = fields.Integer(readonly=True)
    penalty_amount = fields.Monetary(
        string="Late Penalties",
        readonly=True,
        aggregator="sum",
        help="Late penalties accrued until payment (C. com. L441-10); for a "
        "public buyer, the moratorium interest (CCP L2192-13).",
    )
    indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        readonly=True,
        aggregator="sum",
        help="Fixed 40 € indemnity per late instalment (C. com. D441-5, CCP D2192-35).",
    )
    amount_total = fields.Monetary(
        string="Total",
        compute="_compute_amount_total",
        store=True,
        aggregator="sum",
    )
    state = fields.Selection(
        CLAIM_STATES,
        string="Status",
        required=True,
        readonly=True,
        default="proposed",
        index=True,
        tracking=True,
        copy=False,
    )
    claim_move_id = fields.Many2one(
        "account.move",
        string="Penalty Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    waived_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    waive_reason = fields.Text(
        string="Reason for Waiving", readonly=True, copy=False, tracking=True
    )
    waive_date = fields.Date(string="Waived On", readonly=True, copy=False)

    _sql_constraints = [
        (
            "move_unique",
            "UNIQUE(move_id)",
            "An invoice has at most one late payment claim.",
        ),
    ]

    @api.depends("move_id.name")
    def _compute_display_name(self):
        for claim in self:
            claim.display_name = self.env._(
                "Late payment of %(invoice)s", invoice=claim.move_id.name or ""
            )

    @api.depends("penalty_amount", "indemnity_amount")
    def _compute_amount_total(self):
        for claim in self:
            claim.amount_total = claim.penalty_amount + claim.indemnity_amount

    @api.constrains("state", "debtor_type", "waive_reason")
    def _check_waiver(self):
        for claim in self.filtered(lambda c: c.state == "waived"):
            if claim.debtor_type == "public":
                raise ValidationError(claim._get_public_waiver_message())
            if not (claim.waive_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why the penalties of %(claim)s are waived.",
                        claim=claim.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(claim.state != "proposed" for claim in self):
            raise UserError(
                self.env._(
                    "A claimed or waived late payment claim is the record of "
                    "a decision and cannot be deleted."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_claim(self):
        """Claim these proposed claims the way their company chose
        (``res.company.dunning_claim_mode``): a posted penalty invoice, or a
        claim recorded for a claim letter."""
        self._check_proposed()
        for claim in self:
            claim = claim.with_company(claim.company_id)
            if claim.company_id.dunning_claim_mode == "letter":
                claim._claim_by_letter()
            else:
                claim._claim_by_invoice()
        return True

    def action_waive(self):
        """Open the wizard asking why these claims are waived."""
        self._check_waivable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Late Payment Penalties"),
            "res_model": "account.dunning.claim.waive",
            "view_mode": "form",
            "target": "new",
            "context": {"default_claim_ids": self.ids},
        }

    def action_view_claim_move(self):
        self.ensure_one()
        return self.claim_move_id._get_records_action()

    @api.model
    def action_propose_today(self):
        """Look for the invoices of the user's company paid late up to
        today and propose their claims; tell how many were found."""
        claims = (
            self.env["account.dunning.claim.proposal"]
            .with_company(self.env.company)
            ._propose(fields.Date.context_today(self))
        )
        if claims:
            message = self.env._(
                "Late payment claims proposed: %(count)s.", count=len(claims)
            )
        else:
            message = self.env._("No new invoice paid late with penalties to claim.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success" if claims else "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Claim and waiver
    # ------------------------------------------------------------------

    def _check_proposed(self):
        decided = self.filtered(lambda c: c.state != "proposed")
        if decided:
            raise UserError(
                self.env._(
                    "These claims were already claimed or waived: %(claims)s. "
                    "Select proposed claims only.",
                    claims=", ".join(decided.mapped("display_name")),
                )
            )

    def _check_waivable(self):
        """Refuse to waive what the law forbids waiving: a public buyer's
        moratorium interest and indemnity (CCP L2192-14: any waiver is
        deemed unwritten)."""
        self._check_proposed()
        public = self.filtered(lambda c: c.debtor_type == "public")
        if public:
            raise UserError(public[0]._get_public_waiver_message())

    def _get_public_waiver_message(self):
        self.ensure_one()
        return self.env._(
            "%(customer)s is a public buyer: its moratorium interest and "
            "recovery indemnity cannot be waived, any waiver is void (CCP "
            "L2192-14). Claim them instead.",
            customer=self.partner_id.display_name,
        )

    def _waive(self, reason):
        """Record that these proposed claims are not claimed, by whom, when
        and why.

        :param reason: the accountant's explanation (required), kept on the
            claim and posted on the customer and the invoice
        :raise UserError: no reason, a claim already decided, or a public
            buyer's claim (see :meth:`_check_waivable`)
        """
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the penalties are waived."))
        self._check_waivable()
        self.write(
            {
                "state": "waived",
                "waived_by_id": self.env.uid,
                "waive_reason": reason,
                "waive_date": fields.Date.context_today(self),
            }
        )
        for claim in self:
            claim._post_decision(
                self.env._(
                    "Late payment penalties of %(amount)s waived by %(user)s: "
                    "%(reason)s",
                    amount=format_amount(
                        self.env, claim.amount_total, claim.currency_id
                    ),
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return True

    def _claim_by_invoice(self):
        """Issue and post the penalty invoice of this claim."""
        self.ensure_one()
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                self.env["account.dunning.claim.invoice"]._prepare_invoice_vals(self)
            )
        )
        invoice.action_post()
        self.write({"state": "claimed", "claim_move_id": invoice.id})
        self._post_decision(
            self.env._(
                "Late payment penalties of %(amount)s claimed by invoice %(invoice)s.",
                amount=format_amount(self.env, self.amount_total, self.currency_id),
                invoice=invoice.name,
            )
        )

    def _claim_by_letter(self):
        """Record the claim; the claim letter itself is sent separately."""
        self.ensure_one()
        self.state = "claimed"
        self._post_decision(
            self.env._(
                "Late payment penalties of %(amount)s to be claimed by letter.",
                amount=format_amount(self.env, self.amount_total, self.currency_id),
            )
        )

    def _post_decision(self, text):
        """Post ``text`` on the claim, and log it with a link to the claim
        on the customer and on the invoice paid late, where the accountant
        looks first."""
        self.ensure_one()
        self._dunning_message_post(body=text)
        body = self._get_html_link(title=text)
        self.partner_id._message_log(body=body)
        self.move_id._message_log(body=body)
