"""The dunning run: selection → planning → execution, for a date.

One engine serves the daily scheduled action and the run wizard.
Every rule is evaluated against the run date, never the machine's clock.
Each stage is a model of its own, so that an extension overrides one stage:

- ``account.dunning.selection``: which receivable items may be reminded;
- ``account.dunning.planning``: which level is due for which customer, as
  action values;
- ``account.dunning.execution``: carrying out an action, each channel through
  ``account.dunning.channel``; the action itself is the history.
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from . import account_dunning_run as run_model

_logger = logging.getLogger(__name__)


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

        With ``execute``, each company's run is an ``account.dunning.run``,
        planned once and carried out at once, unit by unit, in this
        transaction, after the commitments due are settled
        (``_settle_commitments``); without it (the wizard's preview) the
        actions are only proposed: nothing else is written, no run is
        recorded, and planning reads the promises and payment plans due on
        ``date`` as the run would settle them.

        :return: dict with ``actions`` (``account.dunning.action`` created),
            ``credits_to_match`` (``res.partner``: customers with overdue
            items whose credits cover them, left for the accountant to match)
            and ``runs`` (``account.dunning.run``)
        """
        date = date or fields.Date.context_today(self)
        if execute:
            self._settle_commitments(date, companies or None)
        Run = self.env["account.dunning.run"]
        report = {
            "actions": self.env["account.dunning.action"],
            "credits_to_match": self.env["res.partner"],
            "runs": Run,
        }
        for company in companies or self.env.companies:
            engine = self.with_company(company)
            if not execute:
                plan = engine.env["account.dunning.planning"]._plan(
                    date, partners=partners, levels=levels
                )
                report["actions"] |= engine._create_and_execute(
                    plan["proposals"], execute=False
                )
                report["credits_to_match"] |= plan["credits_to_match"]
                continue
            run = Run._start(company, date, "manual", partners=partners, levels=levels)
            Run._process(runs=run)
            report["runs"] |= run
            report["actions"] |= run.action_ids
            report["credits_to_match"] |= run.credit_partner_ids
        return report

    @api.model
    def _cron_run(self):
        """Daily run: the day's run of each company is planned once, then its
        units are carried out by claims, a bounded time per callback.

        A callback that plans carries nothing out: planning a large company
        takes seconds, and the callback would add the execution's budget to
        them. Companies are planned one after the other while the next one
        should end within the budget (one at least), the others by the next
        callbacks; Odoo's cron runner calls again while ``remaining`` is
        positive, and each set of units is committed on its own (see
        ``account.dunning.run._process``).
        """
        date = fields.Date.context_today(self)
        Run = self.env["account.dunning.run"]
        started = {
            run.company_id
            for run in Run.search([("origin", "=", "scheduled"), ("date", "=", date)])
        }
        companies = (
            self.env["res.company"]
            .search([])
            .filtered(lambda c: c not in started and not c._dunning_runs_paused(date))
        )
        if not companies:
            self._cron_execute_runs()
            return
        deadline = time.monotonic() + run_model.TIME_BUDGET
        self._settle_commitments(date, companies)
        planned = Run
        for company in companies:
            start = time.monotonic()
            run = Run._start(company, date, "scheduled")
            self._report_failures(run)
            planned |= run
            # The next company is planned in this callback only if one more
            # planning as long as this one still ends within the budget.
            if time.monotonic() + (time.monotonic() - start) >= deadline:
                break
        self.env["ir.cron"]._notify_progress(
            done=len(planned),
            remaining=len(companies)
            - len(planned)
            + self.env["account.dunning.run.unit"]._count_pending(),
        )

    @api.model
    def _cron_execute_runs(self):
        """Carry out pending units of every running run for about
        ``TIME_BUDGET`` seconds (also the callback of the run wizard's large
        runs), then say how many are left."""
        Run = self.env["account.dunning.run"]
        running = Run.search([("state", "=", "running")])
        deadline = time.monotonic() + run_model.TIME_BUDGET
        done, remaining = Run._process(deadline=deadline)
        Run._finish(running.exists())
        for run in running.exists().filtered(lambda r: r.state == "done"):
            self._report_failures(run)
        if remaining and not done:
            # Every unit left waits for invoices another transaction holds:
            # try again in a minute rather than at once.
            self.env.ref(
                "account_dunning_fr.ir_cron_account_dunning_run_units"
            )._trigger(fields.Datetime.now() + timedelta(minutes=1))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _report_failures(self, run):
        """Failures stay with their customers, listed on the run, and wait in
        the accountant's list of actions to fix; the scheduled action's log
        says how many."""
        if run.state == "failed":
            _logger.warning(
                "Dunning run of %s on %s could not be planned.",
                run.company_id.name,
                run.date,
            )
            return
        # Searched and counted, not read: a large run has thousands of
        # actions, and only the failed ones are named.
        Action = self.env["account.dunning.action"]
        failed = Action.search_fetch(
            [("run_id", "=", run.id), ("state", "=", "failed")], ["name"]
        )
        if failed:
            _logger.warning(
                "Dunning run of %s: %s of %s actions failed (%s).",
                run.company_id.name,
                len(failed),
                Action.search_count([("run_id", "=", run.id)]),
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
        credit holds take effect. Only a run does this, never a preview.

        :param date: ``datetime.date`` of the run
        :param companies: ``res.company`` recordset, or None for every
            company; credit holds are the customer's, in every company
        """
        for company in companies or self.env["res.company"].search([]):
            self.env["account.dunning.promise"].with_company(company)._settle_expired(
                date
            )
            self.env["account.dunning.payment.plan"].with_company(
                company
            )._settle_due_plans(date)
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
        # A hold spares only customers who owe nothing in any company, including
        # companies the user running the dunning may not open.
        for company in self.env["res.company"].sudo().search([]):
            # Same reason: that company's items, whoever runs the dunning.
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
