"""The dunning run: which invoices are due for which level, grouped per customer.

One engine serves the daily scheduled action and the run wizard (SPEC §2.5).
Every rule is evaluated against the run date, never the machine's clock.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.tools import SQL

from .account_dunning_action import CHANNELS

_logger = logging.getLogger(__name__)

# Customers handled per scheduled-action batch: small enough for one batch to
# stay far below the cron time limit, large enough to keep the overhead low.
CRON_BATCH_SIZE = 200

# Languages in which our accountants call customers (see _phone_language_ok).
PHONE_LANGUAGES = ("fr", "en")


class AccountDunningAction(models.Model):
    _inherit = "account.dunning.action"

    @api.model
    def _run_dunning(
        self, date=None, companies=None, partners=None, execute=True, levels=None
    ):
        """Propose, then execute, the actions due on ``date``.

        :param date: run date (default: today)
        :param companies: companies to run (default: the user's companies)
        :param partners: restrict to these customers
        :param execute: execute automatic levels at once; when False every
            action stays proposed (the wizard's preview)
        :param levels: restrict to these levels
        :return: the actions created
        """
        date = date or fields.Date.context_today(self)
        companies = companies or self.env.companies
        created = self.browse()
        for company in companies:
            engine = self.with_company(company)
            proposals = engine._prepare_proposals(
                date, partners=partners, levels=levels
            )
            created |= engine._create_and_execute(proposals, execute=execute)
        return created

    @api.model
    def _create_and_execute(self, proposals, execute=True):
        """Create the proposed actions and execute the automatic ones."""
        actions = self._create_proposals(proposals)
        if execute:
            actions.filtered(lambda a: a.level_id.auto_execute)._execute()
        return actions

    @api.model
    def _cron_run_dunning(self):
        """Daily run, one batch of customers per call.

        Odoo's cron runner calls again while ``remaining`` is positive and
        commits between calls, so a crash loses at most one batch and a large
        backlog never hits the cron time limit.
        """
        date = fields.Date.context_today(self)
        done = remaining = 0
        for company in self.env["res.company"].search([]):
            if company._dunning_runs_paused(date):
                continue
            engine = self.with_company(company)
            proposals = engine._prepare_proposals(date)
            partner_ids = sorted({p["partner_id"] for p in proposals})
            # A batch may span companies; what does not fit is counted as
            # remaining, every company included, so the runner calls again.
            batch = set(partner_ids[: CRON_BATCH_SIZE - done])
            remaining += len(partner_ids) - len(batch)
            if batch:
                engine._create_and_execute(
                    [p for p in proposals if p["partner_id"] in batch]
                )
                done += len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # ------------------------------------------------------------- candidates
    @api.model
    def _get_candidate_domain(self, date):
        company = self.env.company
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", company.dunning_tolerance),
            ("invoice_date_due", "!=", False),
            ("dunning_blocked", "=", False),
            ("commercial_partner_id.dunning_excluded", "=", False),
            ("commercial_partner_id.dunning_insolvency_date", "=", False),
            "|",
            ("dunning_promise_date", "=", False),
            (
                "dunning_promise_date",
                "<",
                self.env["account.move"]._dunning_promise_cutoff(date),
            ),
        ]

    @api.model
    def _get_candidates(self, date, partners=None):
        """Open invoices that may be reminded, locked for this run.

        Rows another run is working on are skipped (SKIP LOCKED), so two runs
        at once never handle the same invoice.
        """
        domain = self._get_candidate_domain(date)
        if partners:
            domain.append(
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids)
            )
        moves = self.env["account.move"].search(domain, order="invoice_date_due, id")
        if not moves:
            return moves
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                moves.ids,
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return moves.filtered(
            lambda m: m.id in locked and not m._dunning_is_prescribed(date)
        )

    @api.model
    def _prepare_proposals(self, date, partners=None, levels=None):
        """Values of the actions due on ``date``: one per customer and level."""
        moves = self._get_candidates(date, partners)
        if not moves:
            return []
        customers = moves.commercial_partner_id
        policies = customers._get_dunning_policies()
        last_action = self._last_action_dates(customers)
        pending = self._moves_in_live_proposals(customers)
        open_total = defaultdict(float)
        for move in moves:
            open_total[move.commercial_partner_id.id] += move.amount_residual

        groups = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            if move.id in pending:
                continue
            customer = move.commercial_partner_id
            level = self._next_applicable_level(
                policies[customer.id],
                move.dunning_level_id,
                open_total[customer.id],
                overdue=move.invoice_date_due < date,
            )
            if not level or (levels and level not in levels):
                continue
            if self._level_due_date(move, level) > date:
                continue
            last = last_action.get(customer.id)
            if last and last + timedelta(days=level.min_days_since_last) > date:
                continue
            groups[customer, level] |= move
        return [
            self._prepare_action_vals(customer, level, grouped, date)
            for (customer, level), grouped in groups.items()
        ]

    @api.model
    def _next_applicable_level(self, policy, current, open_amount, overdue=False):
        """Next level of ``policy`` after ``current`` that applies; levels that
        do not are passed over: those whose amount condition the customer does
        not meet, and reminders before the due date once it has passed."""
        if not policy:
            return policy
        level = policy._get_next_level(current)
        while level and (
            level.min_amount > open_amount or (overdue and level.delay_days < 0)
        ):
            level = policy._get_next_level(level)
        return level

    @api.model
    def _level_due_date(self, move, level):
        """Day on which ``level`` becomes due for ``move``.

        Credibility (SPEC §2.5.9): never before the day after the deadline the
        previous letter announced.
        """
        due = move.invoice_date_due + timedelta(days=level.delay_days)
        previous = move.dunning_level_id
        if previous and move.dunning_last_date:
            due = max(
                due,
                move.dunning_last_date
                + timedelta(days=previous.payment_deadline_days + 1),
            )
        return due

    @api.model
    def _last_action_dates(self, customers):
        """Date of the last live action per customer; failed ones count too,
        so a failure does not turn into a daily retry storm."""
        groups = self._read_group(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("done", "failed")),
            ],
            ["partner_id"],
            ["date:max"],
        )
        return {partner.id: last for partner, last in groups}

    @api.model
    def _moves_in_live_proposals(self, customers):
        proposals = self.search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("proposed", "failed")),
            ]
        )
        return set(proposals.move_ids.ids)

    @api.model
    def _prepare_action_vals(self, customer, level, moves, date):
        vals = {
            "company_id": self.env.company.id,
            "partner_id": customer.id,
            "contact_id": customer._get_dunning_recipient().id,
            "level_id": level.id,
            "move_ids": [fields.Command.set(moves.ids)],
            "date": date,
            "amount_due": sum(moves.mapped("amount_residual")),
            "deadline_date": date + timedelta(days=level.payment_deadline_days),
        }
        vals.update(
            {
                action_field: level[level_field]
                for action_field, level_field in CHANNELS.items()
            }
        )
        if vals["channel_call"] and not self._phone_language_ok(customer):
            # Abroad, call only when the language is no obstacle; otherwise
            # the reminder goes in writing (SPEC §2.2).
            vals.update(channel_call=False, channel_email=True)
        return vals

    @api.model
    def _phone_language_ok(self, customer):
        """Whether our accountants can call this customer in their language:
        French, or English, the two languages the letters ship in."""
        lang = (customer.lang or self.env.company.partner_id.lang or "fr_FR")[:2]
        return lang in PHONE_LANGUAGES

    @api.model
    def _create_proposals(self, vals_list):
        """Create the actions; one refused as a duplicate by the database
        (another run created it meanwhile) is skipped, the others are kept."""
        if not vals_list:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                actions = self.create(vals_list)
            return actions
        except IntegrityError:
            _logger.info("Dunning run: concurrent run detected, creating one by one")
        actions = self.browse()
        for vals in vals_list:
            try:
                # The database checks uniqueness when the savepoint flushes:
                # keep the record only once the savepoint is released.
                with self.env.cr.savepoint():
                    action = self.create(vals)
            except IntegrityError:
                continue
            actions |= action
        return actions


class AccountMove(models.Model):
    _inherit = "account.move"

    def _dunning_is_prescribed(self, date):
        """Whether the claim is time-barred on ``date``: a prescribed invoice
        is never reminded (SPEC §4.6)."""
        self.ensure_one()
        years = self._dunning_prescription_years(
            self.commercial_partner_id.dunning_debtor_type
        )
        return self.invoice_date_due + relativedelta(years=years) < date
