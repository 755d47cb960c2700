"""The dunning state of a customer invoice.

The invoice carries what the run and the workflows record (level reached,
block, promise, formal notice, payment plans), the factor it was sold to
(read from its payment account), and shows what the other
models compute: the next level and its date (``account.dunning.planning``),
the legal amounts (``account.dunning.legal``) and the prescription
(``tools/prescription.py``).
"""

import logging
from datetime import date as Date
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import format_amount, format_date
from odoo.tools.sql import create_index

from ..tools import claimable, prescription
from ..tools.einvoice_lifecycle import PAID_FRAMEWORKS
from ..tools.vocabularies import EINVOICE_FRAMEWORKS, EINVOICE_STATUSES
from .account_dunning_legal import DUNNED_MOVE_TYPES

_logger = logging.getLogger(__name__)

# Dunning state that only accountants may change: a salesperson sees it
# but may not stop or speed up the reminders of their customers.
PROTECTED_FIELDS = frozenset(
    {
        "dunning_level_id",
        "dunning_blocked",
        "dunning_block_reason",
        "dunning_promise_date",
        "dunning_promise_amount",
        "dunning_formal_notice_date",
        "dunning_litigation_stage",
        "dunning_einvoice_framework",
    }
)

# Kind of dispute opened for the reason codes of the e-invoicing lifecycle
# (values of account.dunning.dispute.reason_type); any other is "other".
EINVOICE_REASON_KINDS = {
    "QTE_ERR": "quantity",
    "PU_ERR": "price",
    "REMISE_ERR": "price",
    "LIVR_INCOMP": "delivery",
    "CMD_ERR": "invoice",
    "DOUBLON": "invoice",
    "NON_CONFORME": "invoice",
    "COORD_BANC_ERR": "invoice",
}

# Statuses whose dispute a later approval (205) or completion (209) settles:
# a refusal (210) is final on the platform, a person settles it.
EINVOICE_RESUMED_DISPUTES = ("206", "207")


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level",
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    dunning_action_ids = fields.Many2many(
        "account.dunning.action",
        "account_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning Actions",
        readonly=True,
        copy=False,
    )
    dunning_action_line_ids = fields.One2many(
        "account.dunning.action.line",
        "move_id",
        string="Dunning History",
        readonly=True,
        copy=False,
        help="The reminders that listed this invoice, newest first: the "
        "invoice's history, instead of a note in its chatter.",
    )
    dunning_payment_plan_ids = fields.Many2many(
        "account.dunning.payment.plan",
        "account_dunning_payment_plan_move_rel",
        "move_id",
        "plan_id",
        string="Payment Plans",
        readonly=True,
        copy=False,
    )
    dunning_last_date = fields.Date(string="Last Dunning Action", copy=False)
    dunning_next_level_id = fields.Many2one(
        "account.dunning.level",
        string="Next Dunning Level",
        compute="_compute_dunning_next_step",
    )
    dunning_next_date = fields.Date(
        string="Next Dunning Action", compute="_compute_dunning_next_step"
    )
    dunning_blocked = fields.Boolean(
        copy=False,
        tracking=True,
        help="No reminder is sent for this invoice, e.g. while a dispute is open.",
    )
    dunning_block_reason = fields.Char(string="Block Reason", copy=False)
    # Once the customer has been notified of the factor's subrogation, only a
    # payment to the factor discharges it (C. civ. 1346-5): the invoice is
    # the factor's to claim, never ours. Stored, so that the run's one query
    # leaves such invoices out without reading their bank accounts.
    dunning_factor_id = fields.Many2one(
        related="partner_bank_id.dunning_factor_id",
        string="Factored To",
        store=True,
        index="btree_not_null",
        help="The invoice is to be paid into a factor's account: the factor "
        "reminds it. It is left out of your reminders, statements and "
        "late-payment claims.",
    )
    dunning_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True
    )
    # A promise is weighed against what the run claims: both in company
    # currency (``_dunning_open_amount``), whatever the invoice's currency.
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount", copy=False, currency_field="company_currency_id"
    )
    dunning_promise_action_id = fields.Many2one(
        "account.dunning.action",
        string="Promise Recorded By",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    dunning_promise_base_residual = fields.Monetary(
        string="Open Amount When Promised",
        copy=False,
        readonly=True,
        currency_field="company_currency_id",
    )
    dunning_answer_ids = fields.Many2many(
        "account.dunning.answer",
        "account_dunning_answer_move_rel",
        "move_id",
        "answer_id",
        string="Customer Answers",
        readonly=True,
        copy=False,
    )
    dunning_hold_date = fields.Date(
        string="Reminders Held Until",
        compute="_compute_dunning_hold_date",
        store=True,
        help="Last day the automatic reminders of this invoice wait because "
        "the customer answered (a reply to a reminder, a payment under way, "
        "a promise).",
    )
    dunning_formal_notice_date = fields.Date(
        string="Formal Notice Date",
        copy=False,
        tracking=True,
        help="Day the formal notice left (sent by email, or its letter "
        "posted): legal interest runs from it.",
    )
    dunning_formal_notice_ack_date = fields.Date(
        string="Formal Notice Received On",
        copy=False,
        tracking=True,
        help="Acknowledgment of receipt of the registered formal notice.",
    )
    dunning_litigation_stage = fields.Selection(
        [
            ("amicable", "Amicable"),
            ("formal_notice", "Formal notice sent"),
            ("mediation", "Mediation"),
            ("injunction", "Payment order (injonction de payer)"),
            ("court", "Court proceedings"),
            ("agency", "Collection agency"),
            ("written_off", "Written off"),
        ],
        string="Litigation Stage",
        copy=False,
        tracking=True,
    )
    dunning_days_late = fields.Integer(
        string="Days Late", compute="_compute_dunning_amounts"
    )
    dunning_penalty_amount = fields.Monetary(
        string="Late Penalties",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Late penalties accrued to date; for a public buyer, the "
        "moratorium interest.",
    )
    dunning_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Fixed 40 € indemnity per late instalment, owed by professionals "
        "and public buyers.",
    )
    dunning_legal_interest_amount = fields.Monetary(
        string="Legal Interest",
        currency_field="company_currency_id",
        compute="_compute_dunning_amounts",
        help="Interest at the legal rate accrued since the formal notice.",
    )
    dunning_prescription_restart_date = fields.Date(
        string="Prescription Restarted On",
        copy=False,
        tracking=True,
        help="Date of an acknowledgment of the debt (signed payment plan, "
        "part payment): the prescription period runs again from it.",
    )
    dunning_prescription_date = fields.Date(
        string="Time Limit for Claim",
        compute="_compute_dunning_prescription",
        help="After this date the claim is time-barred: 5 years from the due "
        "date, 2 years for consumers, or from an acknowledgment of the debt.",
    )
    dunning_prescribed = fields.Boolean(
        string="Time-barred",
        compute="_compute_dunning_prescription",
        search="_search_dunning_prescribed",
    )
    dunning_einvoice_status_ids = fields.One2many(
        "account.dunning.einvoice.status",
        "move_id",
        string="E-invoicing Lifecycle",
        readonly=True,
        copy=False,
        help="What the buyer's e-invoicing platform reported on this invoice, "
        "oldest first.",
    )
    dunning_einvoice_status = fields.Selection(
        EINVOICE_STATUSES,
        string="E-invoicing Status",
        compute="_compute_dunning_einvoice_status",
        store=True,
        index="btree_not_null",
        help="Latest status reported by the e-invoicing platforms.",
    )
    dunning_einvoice_status_date = fields.Date(
        string="E-invoicing Status Date",
        compute="_compute_dunning_einvoice_status",
        store=True,
    )
    dunning_einvoice_available_date = fields.Date(
        string="Made Available On",
        compute="_compute_dunning_einvoice_status",
        store=True,
        help="Day the buyer's platform made the invoice available to the "
        "buyer (or the buyer took it in charge): the proof it was received.",
    )
    dunning_einvoice_approved_date = fields.Date(
        string="Approved On",
        compute="_compute_dunning_einvoice_status",
        store=True,
        help="Day the buyer approved the invoice on its platform.",
    )
    dunning_einvoice_approved_amount = fields.Monetary(
        string="Approved Amount",
        compute="_compute_dunning_einvoice_status",
        store=True,
        currency_field="currency_id",
        help="Part of the invoice the buyer approved when it approved only a "
        "part of it; the rest is in dispute.",
    )
    dunning_einvoice_framework = fields.Selection(
        EINVOICE_FRAMEWORKS,
        string="Billing Framework",
        copy=False,
        tracking=True,
        help="Billing framework (cadre de facturation) the e-invoice was "
        "issued under. An invoice already paid (B2, S2, M2) is never reminded.",
    )
    dunning_einvoice_hold_reason = fields.Char(
        string="Held by the E-invoicing Lifecycle",
        copy=False,
        readonly=True,
        help="Block reason the lifecycle wrote on the invoice (rejected, "
        "suspended, already paid): lifted by the lifecycle only while the "
        "invoice still carries it.",
    )

    @api.depends(
        "dunning_level_id",
        "dunning_last_date",
        "invoice_date_due",
        "payment_state",
        "amount_residual",
        "dunning_blocked",
        "dunning_promise_date",
        "dunning_hold_date",
        "dunning_payment_plan_ids.state",
        "commercial_partner_id.payer_profile",
    )
    @api.depends_context("company")
    def _compute_dunning_next_step(self):
        """Next level and its date, by the run's own rule (planning)."""
        today = fields.Date.context_today(self)
        steps = self.env["account.dunning.planning"]._get_next_steps(
            self.filtered("id"), today
        )
        for move in self:
            level, date = steps.get(move.id, (self.env["account.dunning.level"], False))
            move.dunning_next_level_id = level
            move.dunning_next_date = date

    @api.depends("dunning_answer_ids.hold_until")
    def _compute_dunning_hold_date(self):
        for move in self:
            move.dunning_hold_date = max(
                move.dunning_answer_ids.filtered("hold_until").mapped("hold_until"),
                default=False,
            )

    @api.depends(
        "state",
        "move_type",
        "line_ids.amount_residual",
        "dunning_formal_notice_date",
        "commercial_partner_id.dunning_debtor_type",
        "commercial_partner_id.dunning_insolvency_date",
        "company_id.dunning_penalty_rate_mode",
        "company_id.dunning_contractual_rate",
        "company_id.dunning_indemnity_enabled",
    )
    def _compute_dunning_amounts(self):
        Legal = self.env["account.dunning.legal"]
        try:
            amounts = self._dunning_amounts_batch(fields.Date.context_today(self))
        except UserError:
            # No rate table for these dates: show nothing rather than make the
            # invoice unreadable; the engine and letters raise the error.
            _logger.debug("Legal rates missing for moves %s", self.ids)
            amounts = {}
        for move in self:
            values = amounts.get(move.id) or Legal._empty_amounts()
            move.dunning_days_late = values["days_late"]
            move.dunning_penalty_amount = values["penalty"]
            move.dunning_indemnity_amount = values["indemnity"]
            move.dunning_legal_interest_amount = values["legal_interest"]

    @api.depends(
        "move_type",
        "invoice_date_due",
        "dunning_prescription_restart_date",
        "commercial_partner_id.dunning_debtor_type",
    )
    def _compute_dunning_prescription(self):
        today = fields.Date.context_today(self)
        for move in self:
            limit = move._dunning_prescription_date()
            move.dunning_prescription_date = limit
            move.dunning_prescribed = bool(limit) and limit < today

    def _search_dunning_prescribed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Time-barred invoices can only be searched as yes or no.")
            )
        today = fields.Date.context_today(self)
        by_due_date = ["|"]
        for debtor_type, is_consumer in (("consumer", "="), ("professional", "!=")):
            limit = prescription.earliest_claimable_due_date(
                today, prescription.prescription_years(debtor_type)
            )
            # Item by item, as the run bars them: an open instalment past the
            # limit, or any instalment of an invoice with nothing left open.
            by_due_date += [
                "&",
                ("commercial_partner_id.dunning_debtor_type", is_consumer, "consumer"),
                (
                    "line_ids",
                    "any",
                    [
                        ("account_id.account_type", "=", "asset_receivable"),
                        ("date_maturity", "<", limit),
                        "|",
                        ("reconciled", "=", False),
                        ("move_id.amount_residual", "=", 0.0),
                    ],
                ),
            ]
        by_due_date = expression.AND(
            [[("move_type", "in", DUNNED_MOVE_TYPES)], by_due_date]
        )
        # An acknowledgment of the debt only ever extends the period: among
        # the invoices barred by their due date, those restarted may be saved.
        saved = self.search(
            expression.AND(
                [by_due_date, [("dunning_prescription_restart_date", "!=", False)]]
            )
        ).filtered(lambda m: not m._dunning_is_prescribed(today))
        barred = expression.AND([by_due_date, [("id", "not in", saved.ids)]])
        if (operator == "=") == bool(value):
            return barred
        return ["!", *expression.normalize_domain(barred)]

    @api.depends(
        "dunning_einvoice_status_ids.code",
        "dunning_einvoice_status_ids.date",
        "dunning_einvoice_status_ids.amount",
    )
    def _compute_dunning_einvoice_status(self):
        for move in self:
            statuses = move._dunning_einvoice_statuses()
            last = statuses[-1:]
            move.dunning_einvoice_status = last.code
            move.dunning_einvoice_status_date = last.date
            received = statuses.filtered(lambda s: s.code in ("203", "204"))
            move.dunning_einvoice_available_date = received[:1].date
            approved = statuses.filtered(lambda s: s.code == "205")
            move.dunning_einvoice_approved_date = approved[-1:].date
            # A partial approval stands until the buyer approves the whole
            # invoice or the seller completes it.
            partial = statuses.filtered(lambda s: s.code in ("205", "206", "209"))
            move.dunning_einvoice_approved_amount = (
                partial[-1:].amount if partial[-1:].code == "206" else 0.0
            )

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals) and not (
            self.env.su or self.env.user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._(
                    "Only accountants can change the dunning level, block, "
                    "promise or formal notice of an invoice."
                )
            )
        res = super().write(vals)
        if "dunning_einvoice_framework" in vals:
            self._dunning_einvoice_sync_hold()
        return res

    def init(self):
        # The customer's page, statement and form look their invoices up by
        # the commercial partner, which Odoo does not index: without it each
        # look-up reads every invoice of the company.
        create_index(
            self.env.cr,
            "account_move_dunning_commercial_partner_index",
            self._table,
            ["commercial_partner_id"],
            where="commercial_partner_id IS NOT NULL",
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _dunning_open_amount(self):
        """What these invoices still owe, in company currency: the one answer
        for every figure that totals, compares or records what is owed (the
        call form, promises and whether they were kept, disputes, formal
        notices, payment plans, litigation, the notes of tasks), as the run
        claims in company currency. It is the sum of the open amounts of
        their receivable items (``account.move.line.amount_residual``), the
        figure planning starts from, which is each invoice's
        ``amount_residual_signed`` (the column the lists of invoices show);
        what may be claimed of each item is
        ``account.move.line._dunning_claimable_amounts``. An invoice's own
        amounts in its own currency are only shown to the customer beside
        it (a letter's table of invoices, the portal's rows) and paid in it
        (the portal's payment).

        :return: float, company currency (``company_currency_id``), the sum
            over ``self`` (empty: 0.0); credit notes count negative
        """
        return sum(self.mapped("amount_residual_signed"))

    def _dunning_prescription_date(self):
        """Last day the whole claim of this invoice can be pursued, or False
        when it is not a customer invoice with a due date (C. com. L110-4,
        C. conso. L218-2, restarted by an acknowledgment: C. civ. 2240).

        Each instalment is barred on its own, from its own due date, as the
        run bars it (``account.move.line._dunning_prescription_date``): the
        invoice shows the earliest limit of its open instalments, of all of
        them once nothing is left open (the claim of a paid invoice, for its
        penalties).

        :return: ``datetime.date`` or False
        """
        self.ensure_one()
        if self.move_type not in DUNNED_MOVE_TYPES or not self.invoice_date_due:
            return False
        items = self.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and line.date_maturity
            )
        )
        items = items.filtered(lambda line: not line.reconciled) or items
        if not items:
            return prescription.prescription_date(
                self.invoice_date_due,
                self.commercial_partner_id.dunning_debtor_type,
                self.dunning_prescription_restart_date or None,
            )
        return min(item._dunning_prescription_date() for item in items)

    def _dunning_is_prescribed(self, date):
        """Whether the claim is time-barred on ``date`` (``datetime.date``):
        a prescribed invoice is never reminded (C. com. L110-4,
        C. conso. L218-2)."""
        self.ensure_one()
        limit = self._dunning_prescription_date()
        return bool(limit) and limit < date

    def _dunning_amounts(self, date):
        """Return the legal amounts of this invoice as of ``date``.

        :return: dict with ``days_late`` (int), ``penalty`` (late penalties,
            or moratorium interest for a public buyer), ``indemnity`` (fixed
            recovery indemnities) and ``legal_interest``, amounts in company
            currency.
        """
        self.ensure_one()
        return self._dunning_amounts_batch(date)[self.id]

    def _dunning_amounts_batch(self, date):
        """Return ``{move_id: amounts}`` as of ``date`` for all these moves,
        in a number of queries that does not grow with the invoices (see
        ``account.dunning.legal._get_amounts``)."""
        return self.env["account.dunning.legal"]._get_amounts(self, date)

    def _dunning_has_invoice_mention(self):
        """Tell whether the invoice must print the late payment mention
        (C. com. L441-9: French companies only)."""
        self.ensure_one()
        return bool(
            self.company_id.dunning_invoice_mention
            and self.company_id._dunning_french_law_applies()
            and self.move_type == "out_invoice"
            and (self.commercial_partner_id.dunning_debtor_type or "professional")
            == "professional"
        )

    def _dunning_invoice_mention_rate(self):
        """Return the late penalty rate (percent) to print on the invoice."""
        self.ensure_one()
        return self.env["account.dunning.legal"]._get_invoice_mention_rate(self)

    # ------------------------------------------------------------------
    # E-invoicing lifecycle
    # ------------------------------------------------------------------

    def action_dunning_einvoice_entry(self):
        """Open the form where the accountant enters a status of this
        invoice's e-invoicing lifecycle by hand.

        :return: ``ir.actions.act_window`` dict
        """
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.account_dunning_einvoice_entry_action"
        )
        action["context"] = {"default_move_id": self.id}
        return action

    def _dunning_einvoice_statuses(self):
        """The lifecycle statuses of this invoice, oldest first (by date,
        then in the order they were recorded)."""
        self.ensure_one()
        return self.dunning_einvoice_status_ids.sorted(
            lambda s: (s.date or Date.min, s._origin.id or 0)
        )

    def _dunning_receive_einvoice_status(
        self,
        code,
        date,
        reason_code=None,
        reason=None,
        amount=None,
        *,
        action_code=None,
        source="manual",
        attachment=None,
        message_ref=None,
    ):
        """Record a status of this invoice's e-invoicing lifecycle and apply
        what it means for the dunning.

        - 213 rejected: never reminded, a task to correct and issue again;
        - 210 refused: by the company's setting, a dispute with the buyer's
          reason (a person decides), or the reminders go on with a task;
        - 207 disputed: a dispute with the reason, settled by a later 205 or
          209, or by a credit note matched with the invoice;
        - 208 suspended: held, a task to supply what the reason code says is
          missing, resumed by 209 (or 205);
        - 206 partially approved: the part not approved is a dispute, and
          the approved amount is claimed meanwhile (payments settle it
          first); settled by a credit note for the part not approved, or by
          205 or 209; without an approved amount the whole invoice waits;
        - 211 payment sent: held like a promise for the company's number of
          days, reminded afterwards if nothing arrived;
        - 203, 204 (receipt), 205 (approval): dates kept for the formal
          notice and the evidence file; the others are only recorded.

        :param code: status code, str from "200" to "213"
        :param date: day of the status, ``datetime.date`` or "YYYY-MM-DD"
        :param reason_code: reason code given with the status (e.g.
            "QTE_ERR"), or None
        :param reason: text of the reason, or None
        :param amount: approved amount (206) or collected amount (212), in
            the invoice's currency, or None
        :param action_code: action asked of the seller ("NIN", "CNF"…)
        :param source: "manual", "import" or "platform"
        :param attachment: ``ir.attachment`` of the original message, or None
        :param message_ref: identifier of the platform's message, or None
        :return: the ``account.dunning.einvoice.status`` recorded
        :raise UserError: unknown code, or not a posted customer invoice
        :raise AccessError: the user may not record statuses (accountants do)
        """
        self.ensure_one()
        code = str(code or "").strip()
        if code not in dict(EINVOICE_STATUSES):
            raise UserError(
                self.env._(
                    "Unknown e-invoicing status %(code)s: the lifecycle "
                    "statuses run from 200 to 213.",
                    code=code or "-",
                )
            )
        if self.move_type != "out_invoice" or self.state != "posted":
            raise UserError(
                self.env._(
                    "E-invoicing statuses are recorded on posted customer "
                    "invoices only: %(move)s is not one.",
                    move=self.display_name,
                )
            )
        status = self.env["account.dunning.einvoice.status"].create(
            {
                "move_id": self.id,
                "code": code,
                "date": fields.Date.to_date(date),
                "reason_code": reason_code or False,
                "reason": reason or False,
                "action_code": action_code or False,
                "amount": amount or 0.0,
                "source": source,
                "attachment_id": attachment.id if attachment else False,
                "message_ref": message_ref or False,
            }
        )
        self._message_log(body=self._dunning_einvoice_summary(status))
        handler = {
            "205": self._dunning_einvoice_resume,
            "206": self._dunning_einvoice_partial,
            "207": self._dunning_einvoice_disputed,
            "208": self._dunning_einvoice_suspended,
            "209": self._dunning_einvoice_resume,
            "210": self._dunning_einvoice_refused,
            "211": self._dunning_einvoice_payment_sent,
            "213": self._dunning_einvoice_rejected,
        }.get(code)
        if handler:
            handler(status)
        return status

    def _dunning_einvoice_summary(self, status):
        """One line telling a status: label, date, reason, amount."""
        label = dict(status._fields["code"]._description_selection(self.env))[
            status.code
        ]
        text = self.env._(
            "E-invoicing status %(code)s %(label)s on %(date)s",
            code=status.code,
            label=label,
            date=format_date(self.env, status.date),
        )
        reason = self._dunning_einvoice_reason_text(status)
        if reason:
            text = f"{text}: {reason}"
        if status.amount:
            text = (
                f"{text} ({format_amount(self.env, status.amount, self.currency_id)})"
            )
        return text

    def _dunning_einvoice_reason_text(self, status):
        """The reason of ``status`` as a person reads it: the label of its
        reason codes, then what the buyer wrote."""
        parts = [
            f"{code} – {label}" if label else code
            for code, label in (
                (code, self._dunning_einvoice_reason_label(code))
                for code in (status.reason_code or "").replace(",", " ").split()
            )
        ]
        if status.reason:
            parts.append(status.reason)
        return "; ".join(parts)

    def _dunning_einvoice_reason_label(self, code):
        """What a reason code of the lifecycle means, or "" when unknown."""
        return {
            "CMD_ERR": self.env._("purchase order missing or wrong"),
            "COORD_BANC_ERR": self.env._("bank details wrong"),
            "PU_ERR": self.env._("unit price wrong"),
            "REMISE_ERR": self.env._("discount wrong"),
            "QTE_ERR": self.env._("quantity wrong"),
            "LIVR_INCOMP": self.env._("delivery incomplete"),
            "DOUBLON": self.env._("invoice already received"),
            "NON_CONFORME": self.env._("invoice not compliant"),
            "SIRET_ERR": self.env._("SIRET missing or wrong"),
            "TX_TVA_ERR": self.env._("VAT rate wrong"),
            "DEST_ERR": self.env._("wrong addressee"),
        }.get(code, "")

    def _dunning_einvoice_responsible(self):
        """Who follows this invoice's customer up: its dunning responsible,
        else the company's, else the user recording the status (never
        OdooBot, which nobody reads)."""
        self.ensure_one()
        customer = self.commercial_partner_id.with_company(self.company_id)
        user = (
            customer.dunning_followup_user_id
            or self.company_id.dunning_followup_user_id
            or customer.user_id
        )
        if not user and not self.env.user._is_superuser():
            user = self.env.user
        return user

    def _dunning_einvoice_task(self, record, summary, note):
        """A to-do for the follow-up responsible on ``record``, due today."""
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            user_id=self._dunning_einvoice_responsible().id or self.env.uid,
            summary=summary,
            note=note,
        )

    # ------------------------------------------------------- disputes
    def _dunning_einvoice_open_dispute(
        self, status, reason, approved_part_claimed=False
    ):
        """The invoice's open dispute, ``status`` linked to it: the one
        already open (an invoice has at most one), else a new one with
        ``reason`` (str).

        :param approved_part_claimed: only the part the buyer did not approve
            is disputed, the approved part is claimed meanwhile; a dispute
            of the whole invoice joining one that was not blocks it
        :return: ``account.dunning.dispute``
        """
        self.ensure_one()
        Dispute = self.env["account.dunning.dispute"].with_company(self.company_id)
        dispute = Dispute.search(
            [("state", "=", "open"), ("move_ids", "in", self.ids)], limit=1
        )
        if dispute:
            dispute.message_post(body=self._dunning_einvoice_summary(status))
            if dispute.approved_part_claimed and not approved_part_claimed:
                dispute.approved_part_claimed = False
                dispute._block_moves()
        else:
            codes = (status.reason_code or "").replace(",", " ").split()
            dispute = Dispute.create(
                {
                    "company_id": self.company_id.id,
                    "partner_id": self.commercial_partner_id.id,
                    "move_ids": [Command.set(self.ids)],
                    "reason_type": next(
                        (
                            EINVOICE_REASON_KINDS[c]
                            for c in codes
                            if c in EINVOICE_REASON_KINDS
                        ),
                        "other",
                    ),
                    "reason": reason[:250],
                    "user_id": self._dunning_einvoice_responsible().id,
                    "review_date": fields.Date.context_today(self),
                    "approved_part_claimed": approved_part_claimed,
                }
            )
        status.dispute_id = dispute
        return dispute

    def _dunning_einvoice_settle_disputes(
        self, resolution, codes=EINVOICE_RESUMED_DISPUTES
    ):
        """Settle the open disputes the statuses ``codes`` of this invoice
        opened or joined, unless a refusal (210) stands behind them: a
        dispute of this invoice alone is resolved with ``resolution``; one
        that covers other invoices too lets this one go."""
        self.ensure_one()
        statuses = self.dunning_einvoice_status_ids
        refused = statuses.filtered(lambda s: s.code == "210").dispute_id
        disputes = (
            statuses.filtered(lambda s: s.code in codes).dispute_id - refused
        ).filtered(lambda d: d.state == "open")
        for dispute in disputes:
            if dispute.move_ids == self:
                dispute.resolution = resolution
                dispute.action_resolve()
            else:
                dispute.write({"move_ids": [Command.unlink(self.id)]})
                dispute.message_post(
                    body=self.env._(
                        "%(invoice)s leaves the dispute: %(resolution)s",
                        invoice=self.name,
                        resolution=resolution,
                    )
                )

    # ------------------------------------------------------- holds
    def _dunning_einvoice_hold_reason(self):
        """Why the lifecycle forbids reminding this invoice, whatever else
        happens to it (str), or "" when nothing does: rejected by a
        platform, suspended by the buyer and not completed since, or billed
        as already paid."""
        self.ensure_one()
        if self.dunning_einvoice_framework in PAID_FRAMEWORKS:
            return self.env._(
                "Already paid (billing framework %(framework)s): never reminded.",
                framework=self.dunning_einvoice_framework,
            )
        statuses = self._dunning_einvoice_statuses()
        rejected = statuses.filtered(lambda s: s.code == "213")
        if rejected:
            return self.env._(
                "Rejected by the e-invoicing platform on %(date)s: never "
                "reminded; correct the invoice and issue it again.",
                date=format_date(self.env, rejected[0].date),
            )
        last = statuses.filtered(lambda s: s.code in ("205", "208", "209"))[-1:]
        if last.code == "208":
            held = self.env._(
                "Suspended by the buyer on %(date)s.",
                date=format_date(self.env, last.date),
            )
            reason = self._dunning_einvoice_reason_text(last)
            return " ".join((held, reason)) if reason else held
        return ""

    def _dunning_einvoice_partial_dispute(self):
        """The open dispute about the part of this invoice its buyer did not
        approve (status 206) while the approved part is claimed, or an empty
        ``account.dunning.dispute`` recordset."""
        self.ensure_one()
        return self.dunning_einvoice_status_ids.filtered(
            lambda s: s.code == "206"
        ).dispute_id.filtered(lambda d: d.state == "open" and d.approved_part_claimed)

    def _dunning_einvoice_approved_claims(self):
        """What may be claimed of each open debit item of this invoice by its
        partial approval (``tools.claimable.approved_claims``): the approved
        amount less what payments settled, credit notes going to the part
        not approved.

        :return: ``{account.move.line: amount in the invoice's currency}``
        """
        self.ensure_one()
        receivables = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        items = receivables.filtered(
            lambda line: not line.reconciled and line.amount_residual > 0
        ).sorted(lambda line: (line._dunning_due_date(), line.id))
        # What was paid is a fact of the books whoever asks: a salesperson,
        # who may not read reconciliations, sees the customer's overdue
        # figure and the invoice's next reminder.
        paid = sum(
            partial.debit_amount_currency
            for partial in receivables.sudo().matched_credit_ids
            if partial.credit_move_id.move_id.move_type != "out_refund"
        )
        claims = claimable.approved_claims(
            items.mapped("amount_residual_currency"),
            self.dunning_einvoice_approved_amount,
            paid,
            self.currency_id.rounding,
        )
        return dict(zip(items, claims, strict=True))

    def _dunning_einvoice_contested_amount(self):
        """The part of this invoice still in dispute after its partial
        approval: what is left to pay beyond what may be claimed (0 once
        credit notes brought it down to the claim). The text of the status,
        the dispute and the run read it alike.

        :return: float, company currency, as ``_dunning_open_amount``
        """
        self.ensure_one()
        claims = self._dunning_einvoice_approved_claims()
        return self.company_currency_id.round(
            sum(
                item.amount_residual - item._dunning_to_company_currency(claim)
                for item, claim in claims.items()
            )
        )

    def _dunning_einvoice_sync_hold(self):
        """Block the invoices the lifecycle forbids reminding, and lift the
        block it wrote on those it no longer does (unless someone changed
        the block since, or a dispute still holds them)."""
        for move in self:
            reason = move._dunning_einvoice_hold_reason()
            ours = move.dunning_einvoice_hold_reason
            if reason:
                if reason != ours or move.dunning_block_reason != reason:
                    move.write(
                        {
                            "dunning_blocked": True,
                            "dunning_block_reason": reason,
                            "dunning_einvoice_hold_reason": reason,
                        }
                    )
                continue
            if not ours:
                continue
            vals = {"dunning_einvoice_hold_reason": False}
            if move.dunning_blocked and move.dunning_block_reason == ours:
                dispute = self.env["account.dunning.dispute"].search(
                    [("state", "=", "open"), ("move_ids", "in", move.ids)], limit=1
                )
                if dispute:
                    vals["dunning_block_reason"] = self.env._(
                        "Dispute: %(reason)s", reason=dispute.reason
                    )
                else:
                    vals.update(dunning_blocked=False, dunning_block_reason=False)
            move.write(vals)

    # ------------------------------------------------------- statuses
    def _dunning_einvoice_rejected(self, status):
        self._dunning_einvoice_sync_hold()
        self._dunning_einvoice_task(
            self,
            self.env._(
                "Correct the invoice rejected by the platform and issue it again"
            ),
            self._dunning_einvoice_reason_text(status),
        )

    def _dunning_einvoice_suspended(self, status):
        self._dunning_einvoice_sync_hold()
        missing = self._dunning_einvoice_reason_text(status)
        self._dunning_einvoice_task(
            self,
            self.env._("Supply what the buyer needs to approve the invoice"),
            missing
            or self.env._("The buyer suspended the invoice without saying why."),
        )

    def _dunning_einvoice_disputed(self, status):
        reason = self._dunning_einvoice_reason_text(status) or self.env._(
            "no reason given"
        )
        dispute = self._dunning_einvoice_open_dispute(
            status,
            self.env._(
                "Disputed on the e-invoicing platform: %(reason)s", reason=reason
            ),
        )
        self._dunning_einvoice_task(
            dispute,
            self.env._("Settle the dispute the buyer raised on its platform"),
            reason,
        )

    def _dunning_einvoice_refused(self, status):
        reason = self._dunning_einvoice_reason_text(status) or self.env._(
            "no reason given"
        )
        if self.company_id.dunning_einvoice_refused_mode == "remind":
            # Some issuers hold that a refusal does not suspend the payment
            # term: the reminders go on while someone looks into it.
            self._dunning_einvoice_task(
                self,
                self.env._("Look into the refusal of the invoice"),
                reason,
            )
            return
        dispute = self._dunning_einvoice_open_dispute(
            status,
            self.env._(
                "Refused on the e-invoicing platform: %(reason)s", reason=reason
            ),
        )
        self._dunning_einvoice_task(
            dispute,
            self.env._(
                "Decide on the refused invoice: credit note and new invoice, "
                "or contest the refusal"
            ),
            reason,
        )

    def _dunning_einvoice_partial(self, status):
        if status.amount:
            # In company currency, as the run claims the approved part and the
            # dispute counts the rest: the platform's own figure, in the
            # invoice's currency, stays on the status.
            contested = self._dunning_einvoice_contested_amount()
            approved = self._dunning_open_amount() - contested
            text = self.env._(
                "Approved in part on the e-invoicing platform: %(approved)s "
                "approved, %(contested)s contested.",
                approved=format_amount(self.env, approved, self.company_currency_id),
                contested=format_amount(self.env, contested, self.company_currency_id),
            )
        else:
            text = self.env._(
                "Approved in part on the e-invoicing platform, without the "
                "approved amount."
            )
        reason = self._dunning_einvoice_reason_text(status)
        if reason:
            text = " ".join((text, reason))
        # With the approved amount known, that part is claimed at once; the
        # reminders wait only for the part in dispute.
        dispute = self._dunning_einvoice_open_dispute(
            status, text, approved_part_claimed=bool(status.amount)
        )
        self._dunning_einvoice_task(
            dispute,
            self.env._("Issue a credit note for the part not approved, or contest it"),
            text,
        )

    def _dunning_einvoice_resume(self, status):
        label = dict(status._fields["code"]._description_selection(self.env))[
            status.code
        ]
        self._dunning_einvoice_settle_disputes(
            self.env._(
                "%(label)s on the e-invoicing platform on %(date)s.",
                label=label,
                date=format_date(self.env, status.date),
            )
        )
        self._dunning_einvoice_sync_hold()

    def _dunning_einvoice_payment_sent(self, status):
        company = self.company_id
        # Held until the company's number of days after the payment was
        # sent: the promise mechanism adds its own grace period, deducted
        # here so that the reminders resume on the day the setting says.
        days = max(
            company.dunning_einvoice_payment_sent_days
            - company.dunning_promise_grace_days,
            0,
        )
        promise_date = status.date + timedelta(days=days)
        if self.dunning_promise_date and self.dunning_promise_date >= promise_date:
            return
        self.write(
            {
                "dunning_promise_date": promise_date,
                "dunning_promise_amount": self._dunning_open_amount(),
                "dunning_promise_action_id": False,
                "dunning_promise_base_residual": self._dunning_open_amount(),
            }
        )

    def _dunning_einvoice_credit_note_matched(self):
        """A credit note was just matched with these invoices: it settles the
        disputes their lifecycle opened — a dispute of the whole invoice
        (207) at once, a partial approval (206) once nothing is left in
        dispute beyond what may be claimed."""
        for move in self.filtered(lambda m: m.dunning_einvoice_status_ids):
            resolution = self.env._(
                "Settled by a credit note matched with the invoice."
            )
            move._dunning_einvoice_settle_disputes(resolution, codes=("207",))
            if (
                move.dunning_einvoice_approved_amount
                and move.company_currency_id.compare_amounts(
                    move._dunning_einvoice_contested_amount(), 0.0
                )
                <= 0
            ):
                move._dunning_einvoice_settle_disputes(resolution, codes=("206",))
