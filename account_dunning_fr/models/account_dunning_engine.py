"""The dunning run: selection → planning → execution, for a date.

One engine serves the daily scheduled action and the run wizard (SPEC §2.5).
Every rule is evaluated against the run date, never the machine's clock.
Each stage is a model of its own, so that an extension overrides one stage:

- ``account.dunning.selection``: which receivable items may be reminded;
- ``account.dunning.planning``: which level is due for which customer, as
  action values;
- ``account.dunning.execution``: carrying out an action, each channel through
  ``account.dunning.channel``; the action itself is the history.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Customers handled per scheduled-action batch: small enough for one batch to
# stay far below the cron time limit, large enough to keep the overhead low.
CRON_BATCH_SIZE = 200


class AccountDunningEngine(models.AbstractModel):
    _name = "account.dunning.engine"
    _description = "Dunning Run Engine"

    @api.model
    def _run(self, date=None, companies=None, partners=None, execute=True, levels=None):
        """Plan, then execute, the actions due on ``date``.

        :param date: ``datetime.date`` of the run (default: today)
        :param companies: ``res.company`` recordset (default: the user's)
        :param partners: ``res.partner`` recordset to restrict the run to
        :param execute: execute automatic levels at once; when False every
            action stays proposed (the wizard's preview)
        :param levels: ``account.dunning.level`` recordset to restrict to
        :return: the ``account.dunning.action`` records created
        """
        return self._run_report(date, companies, partners, execute, levels)["actions"]

    @api.model
    def _run_report(
        self, date=None, companies=None, partners=None, execute=True, levels=None
    ):
        """The same run as ``_run``, with its report.

        :return: dict with ``actions`` (``account.dunning.action`` created)
            and ``credits_to_match`` (``res.partner``: customers with overdue
            items whose credits cover them, left for the accountant to match)
        """
        date = date or fields.Date.context_today(self)
        self._settle_commitments(date, companies or None)
        report = {
            "actions": self.env["account.dunning.action"],
            "credits_to_match": self.env["res.partner"],
        }
        for company in companies or self.env.companies:
            engine = self.with_company(company)
            plan = engine.env["account.dunning.planning"]._plan(
                date, partners=partners, levels=levels
            )
            report["actions"] |= engine._create_and_execute(
                plan["proposals"], execute=execute
            )
            report["credits_to_match"] |= plan["credits_to_match"]
        return report

    @api.model
    def _cron_run(self):
        """Daily run, one batch of customers per call.

        Odoo's cron runner calls again while ``remaining`` is positive and
        commits between calls, so a crash loses at most one batch and a large
        backlog never hits the cron time limit.
        """
        date = fields.Date.context_today(self)
        self._settle_commitments(date)
        done = remaining = 0
        for company in self.env["res.company"].search([]):
            if company._dunning_runs_paused(date):
                continue
            engine = self.with_company(company)
            vals_list = engine.env["account.dunning.planning"]._prepare_proposals(date)
            partner_ids = sorted({vals["partner_id"] for vals in vals_list})
            # A batch may span companies; what does not fit is counted as
            # remaining, every company included, so the runner calls again.
            batch = set(partner_ids[: CRON_BATCH_SIZE - done])
            remaining += len(partner_ids) - len(batch)
            if batch:
                actions = engine._create_and_execute(
                    [vals for vals in vals_list if vals["partner_id"] in batch]
                )
                done += len(batch)
                self._report_failures(company, actions)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _report_failures(self, company, actions):
        """Failures stay with their customers and wait in the accountant's
        list of actions to fix; the scheduled action's log says how many."""
        failed = actions.filtered(lambda a: a.state == "failed")
        if failed:
            _logger.warning(
                "Dunning run of %s: %s of %s actions failed (%s).",
                company.name,
                len(failed),
                len(actions),
                ", ".join(failed.mapped("name")),
            )

    @api.model
    def _create_and_execute(self, vals_list, execute=True):
        """Create the planned actions and execute the automatic ones."""
        actions = self.env["account.dunning.planning"]._create_proposals(vals_list)
        if execute:
            actions.filtered(
                lambda a: (
                    a.state == "proposed"
                    and a.level_id.auto_execute
                    and not a.hold_reason
                )
            ).with_context(dunning_defer_letters=True)._execute()
        return actions

    @api.model
    def _settle_commitments(self, date, companies=None):
        """Before reminding: settle expired promises and payment plans (an
        invoice whose promise ran out is reminded again in the same run),
        propose the penalties of invoices paid late, and let announced
        credit holds take effect."""
        for company in companies or self.env["res.company"].search([]):
            self.env["account.dunning.promise"].with_company(company)._check(date)
            self.env["account.dunning.payment.plan"].with_company(
                company
            )._check_payment_plans(date)
            self._propose_claims(company, date)
        self._apply_credit_holds(date)

    @api.model
    def _apply_credit_holds(self, date):
        """Announced credit holds take effect on their day for the customers
        still owing overdue items in any company; those who paid are spared."""
        # Decided by the level that announced it, like the hold itself (see
        # account.dunning.channel._hold_credit).
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("dunning_credit_hold_date", "!=", False),
                    ("dunning_credit_hold_date", "<=", date),
                ]
            )
        )
        if not partners:
            return
        owing = set()
        for company in self.env["res.company"].sudo().search([]):
            summary = (
                self.env["account.dunning.selection"]
                .sudo()
                .with_company(company)
                ._get_account_summary(partners, date)
            )
            for partner in partners:
                figures = summary[partner.id]
                net = figures["overdue"] - figures["credits"]
                if (
                    company.currency_id.compare_amounts(net, company.dunning_tolerance)
                    > 0
                ):
                    owing.add(partner.id)
        for partner in partners:
            vals = {"dunning_credit_hold_date": False}
            if partner.id in owing:
                vals["dunning_credit_hold"] = True
            partner.write(vals)

    @api.model
    def _propose_claims(self, company, date):
        """Penalties of invoices paid late, proposed to the accountant; a
        missing legal rate must not stop the reminders (it is reported)."""
        try:
            with self.env.cr.savepoint():
                self.env["account.dunning.claim.proposal"].with_company(
                    company
                )._propose(date)
        except UserError as error:
            _logger.warning(
                "Dunning: late payment claims of %s not proposed: %s",
                company.name,
                error.args[0],
            )
