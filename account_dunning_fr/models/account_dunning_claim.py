"""Late payment claims: what a customer owes for having paid an invoice late.

Once an invoice is settled after its due date, the law still owes the creditor
the late penalties (C. com. L441-10) and the fixed 40 € recovery indemnity
(C. com. D441-5) — for a public buyer, the moratorium interest and the same
indemnity (CCP L2192-13, R2192-31, D2192-35). Reminders stop with the
payment, so these amounts would be silently lost: the daily run proposes one
claim per invoice paid late, and the accountant either claims it (a penalty
invoice, or a claim letter) or waives it, saying why.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, format_amount

from ..tools import prescription
from .dunning_selections import DEBTOR_TYPES

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
        claims = self.with_company(self.env.company)._propose(
            fields.Date.context_today(self)
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
    # Proposal
    # ------------------------------------------------------------------

    @api.model
    def _propose(self, date):
        """Propose a claim for each invoice of the current company paid late.

        An invoice is proposed once, when it is a posted customer invoice
        fully paid (``paid`` or ``in_payment``) after its due date, not
        time-barred on ``date`` (SPEC §4.6), of a customer who is neither a
        consumer (who owes none of these amounts, SPEC §4.4), nor excluded
        from dunning, nor under a collective insolvency procedure (SPEC §4.9),
        and whose penalties and indemnity reach the company's threshold
        (``res.company.dunning_claim_threshold``).

        The amounts of all candidates come from one call of
        ``account.move._dunning_amounts_batch``: the number of queries does
        not grow with the invoices.

        :param date: ``datetime.date`` (or its string) the amounts are
            computed on; accrual stops at the payments anyway
        :return: the claims created (``account.dunning.claim`` recordset)
        """
        date = fields.Date.to_date(date)
        moves = self.env["account.move"].search(self._get_candidate_domain(date))
        moves = moves.filtered(lambda m: not m._dunning_is_prescribed(date))
        if not moves:
            return self.browse()
        amounts = moves._dunning_amounts_batch(date)
        vals_list = [
            self._prepare_claim_vals(move, amounts[move.id], date)
            for move in moves
            if self._is_worth_claiming(move.company_id, amounts[move.id])
        ]
        # Whoever runs the proposal (the scheduled action, an accountant)
        # is not made a follower of every claim. Two proposals at once for
        # the same invoice are refused by the UNIQUE(move_id) constraint.
        return self.with_context(mail_create_nosubscribe=True).create(vals_list)

    @api.model
    def _get_candidate_domain(self, date):
        """Domain of the invoices of the current company that may owe a
        claim on ``date`` (the prescription is checked afterwards, per
        invoice, because an acknowledgment of the debt may extend it)."""
        # No claim lasts more than 5 years (C. com. L110-4): older invoices
        # are kept only when an acknowledgment of the debt restarted it.
        oldest_due = prescription.earliest_claimable_due_date(
            date, prescription.DEFAULT_PRESCRIPTION_YEARS
        )
        return [
            ("id", "in", self._get_late_paid_move_ids(date)),
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("paid", "in_payment")),
            ("commercial_partner_id.dunning_debtor_type", "!=", "consumer"),
            ("commercial_partner_id.dunning_excluded", "=", False),
            ("commercial_partner_id.dunning_insolvency_date", "=", False),
            "|",
            ("invoice_date_due", ">=", oldest_due),
            ("dunning_prescription_restart_date", "!=", False),
        ]

    @api.model
    def _get_late_paid_move_ids(self, date):
        """Ids of the moves of the current company with an instalment
        settled after its due date, on or before ``date``, that have no
        claim yet and are not themselves a penalty invoice (penalties bear
        no penalties: no compounding, SPEC §4.1).

        One query, so that the daily run does not compute the legal amounts
        of every invoice ever paid on time.
        """
        self.env["account.move.line"].flush_model(
            ["move_id", "company_id", "display_type", "parent_state", "date_maturity"]
        )
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.flush_model(["move_id", "claim_move_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT l.move_id
                  FROM account_move_line l
                  JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                 WHERE l.company_id = %(company)s
                   AND l.display_type = 'payment_term'
                   AND l.parent_state = 'posted'
                   AND p.max_date > l.date_maturity
                   AND p.max_date <= %(date)s
                   AND NOT EXISTS (
                       SELECT 1 FROM account_dunning_claim c
                        WHERE c.move_id = l.move_id
                           OR c.claim_move_id = l.move_id)
                """,
                company=self.env.company.id,
                date=date,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _is_worth_claiming(self, company, amounts):
        """Whether the penalties and indemnity of ``amounts`` (a value of
        ``account.move._dunning_amounts_batch``) reach the company's
        threshold: below it, an invoice for a few cents costs more than it
        brings."""
        total = amounts["penalty"] + amounts["indemnity"]
        rounding = company.currency_id.rounding
        return (
            amounts["days_late"] > 0
            and float_compare(total, 0.0, precision_rounding=rounding) > 0
            and float_compare(
                total, company.dunning_claim_threshold, precision_rounding=rounding
            )
            >= 0
        )

    @api.model
    def _prepare_claim_vals(self, move, amounts, date):
        """Values of the claim of ``move`` (amounts in company currency)."""
        customer = move.commercial_partner_id
        return {
            "company_id": move.company_id.id,
            "partner_id": customer.id,
            "move_id": move.id,
            "date": date,
            "debtor_type": customer.dunning_debtor_type or "professional",
            "days_late": amounts["days_late"],
            "penalty_amount": amounts["penalty"],
            "indemnity_amount": amounts["indemnity"],
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
            .create(self._prepare_invoice_vals())
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

    def _get_claim_journal(self):
        """The company's sale journal, where penalty invoices are issued."""
        self.ensure_one()
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(self.company_id), ("type", "=", "sale")],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no sales journal to issue the penalty "
                    "invoice in. Create one, or claim the penalties by letter "
                    "(Settings, Customer Dunning).",
                    company=self.company_id.name,
                )
            )
        return journal

    def _prepare_invoice_vals(self):
        """Values of the penalty invoice of this claim.

        Late penalties and the recovery indemnity compensate a delay: they
        are not the price of a supply, so they are outside the scope of VAT
        (CGI art. 256; BOI 3 B-1-06) and the lines bear no tax. The invoice
        is due at once: the penalties are payable without a reminder
        (C. com. L441-10).
        """
        self.ensure_one()
        journal = self._get_claim_journal()
        account = self.company_id.dunning_claim_account_id or journal.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Choose the income account of penalty invoices in Settings "
                    "(Customer Dunning), or give the journal %(journal)s a "
                    "default account.",
                    journal=journal.display_name,
                )
            )
        today = fields.Date.context_today(self)
        return {
            "move_type": "out_invoice",
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "partner_id": self.move_id.partner_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": today,
            "invoice_date_due": today,
            "invoice_payment_term_id": False,
            "invoice_origin": self.move_id.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": label,
                        "quantity": 1.0,
                        "price_unit": amount,
                        "account_id": account.id,
                        "tax_ids": [Command.clear()],
                    }
                )
                for label, amount in self._get_invoice_lines()
            ],
        }

    def _get_invoice_lines(self):
        """``[(label, amount)]`` of the penalty invoice, in the customer's
        language, leaving out nil amounts (e.g. the indemnity switched off)."""
        self.ensure_one()
        env = self.with_context(lang=self.move_id.partner_id.lang or self.env.lang).env
        invoice, days = self.move_id.name, self.days_late
        if self.debtor_type == "public":
            lines = [
                (
                    env._(
                        "Moratorium interest (CCP L2192-13, R2192-31), invoice "
                        "%(invoice)s, %(days)s days",
                        invoice=invoice,
                        days=days,
                    ),
                    self.penalty_amount,
                ),
                (
                    env._(
                        "Fixed recovery indemnity (CCP D2192-35), invoice %(invoice)s",
                        invoice=invoice,
                    ),
                    self.indemnity_amount,
                ),
            ]
        else:
            lines = [
                (
                    env._(
                        "Late payment penalties (C. com. L441-10), invoice "
                        "%(invoice)s, %(days)s days",
                        invoice=invoice,
                        days=days,
                    ),
                    self.penalty_amount,
                ),
                (
                    env._(
                        "Fixed recovery indemnity (C. com. D441-5), invoice "
                        "%(invoice)s",
                        invoice=invoice,
                    ),
                    self.indemnity_amount,
                ),
            ]
        rounding = self.currency_id.rounding
        return [
            (label, amount)
            for label, amount in lines
            if float_compare(amount, 0.0, precision_rounding=rounding) > 0
        ]

    def _post_decision(self, text):
        """Post ``text`` on the claim, and log it with a link to the claim
        on the customer and on the invoice paid late, where the accountant
        looks first."""
        self.ensure_one()
        self.message_post(body=text)
        body = self._get_html_link(title=text)
        self.partner_id._message_log(body=body)
        self.move_id._message_log(body=body)
