"""The dunning state of a customer invoice.

The invoice carries what the run and the workflows record (level reached,
block, promise, formal notice, payment plans) and shows what the other
models compute: the next level and its date (``account.dunning.planning``),
the legal amounts (``account.dunning.legal``) and the prescription
(``tools/prescription.py``).
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from ..tools import prescription
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
    }
)


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
    dunning_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True
    )
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount", copy=False, currency_field="currency_id"
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
        currency_field="currency_id",
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

    @api.depends(
        "dunning_level_id",
        "dunning_last_date",
        "invoice_date_due",
        "payment_state",
        "amount_residual",
        "dunning_blocked",
        "dunning_promise_date",
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
        return super().write(vals)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _dunning_open_amount(self):
        """What these invoices still owe, in company currency (credit notes
        count negative)."""
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
        """Tell whether the invoice must print the late payment mention."""
        self.ensure_one()
        return bool(
            self.company_id.dunning_invoice_mention
            and self.move_type == "out_invoice"
            and (self.commercial_partner_id.dunning_debtor_type or "professional")
            == "professional"
        )

    def _dunning_invoice_mention_rate(self):
        """Return the late penalty rate (percent) to print on the invoice."""
        self.ensure_one()
        return self.env["account.dunning.legal"]._get_invoice_mention_rate(self)
