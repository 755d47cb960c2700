"""The dunning run: one company's reminders of one day, from the scheduled
action or the run wizard to the actions carried out.

``_run`` is the one entry point (``account.dunning.action._run_dunning``
calls it): for each company, a run is recorded, planned once
(``_start``: ``account.dunning.planning`` gives one unit per customer,
``account.dunning.run.unit``) and its units are carried out by claims
(``_carry_out_pending``: ``account.dunning.execution``). The daily scheduled action
(``_cron_run``) plans the day's run of each company in callbacks of its own,
then ``_cron_carry_out_runs`` carries the units out, a bounded time per
callback, inline for a small run started by hand. Every rule is evaluated
against the run date, never the machine's clock. Before reminding, the run
settles what the day ends: expired promises, payment plans completed or
broken, penalties of invoices paid late proposed, announced credit holds
taken into effect (``_settle_commitments``). The run keeps who started it,
when, how long it took, its counts and its failures.
"""

import logging
import threading
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, split_every

from ..tools.vocabularies import CHANNELS

_logger = logging.getLogger(__name__)


_logger = logging.getLogger(__name__)

# Units claimed at once when no commit happens between units (a run carried
# out inline, in one transaction).
CLAIM_SIZE = 100
# Units claimed, carried out together and committed at once in the cron
# runner: a payment registered on a customer of the set waits for it (about
# a second at 100 customers per second), and a crash loses one set at most.
# Each set costs a few dozen queries whatever its size: 100 instead of 50
# took a fifth of the queries and some 5 % of the Python time off a run;
# 200 did no better.
COMMIT_SET_SIZE = 100
# Seconds a scheduled callback keeps claiming units: far inside Odoo's
# default cron limit (limit_time_real_cron = limit_time_real = 120 s), so a
# callback is never killed in the middle of its work.
TIME_BUDGET = 20.0
# Units written at a time by the planning (its memory holds one such chunk).
UNIT_CREATE_SIZE = 1000
# Hours a run planned by the run wizard's preview waits for the accountant
# to carry it out before the database's clean-up removes it.
PROPOSED_RUN_HOURS = 24

RUN_STATES = [
    ("proposed", "Proposed"),
    ("planning", "Planning"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
RUN_ORIGINS = [("scheduled", "Scheduled"), ("manual", "By hand")]


def _commit_allowed():
    # The test runner's cursor must never commit; the committing tests of the
    # run patch this to work on cursors of their own.
    return not getattr(threading.current_thread(), "testing", False)


class AccountDunningRun(models.Model):
    _name = "account.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="Run Date",
        required=True,
        default=fields.Date.context_today,
        help="The day the reminders are dated and their rules evaluated.",
    )
    origin = fields.Selection(RUN_ORIGINS, required=True, default="manual")
    user_id = fields.Many2one(
        "res.users",
        string="Started By",
        default=lambda self: self.env.user,
        help="Who started the run by hand; the actions are carried out with "
        "their rights.",
    )
    state = fields.Selection(
        RUN_STATES,
        default="planning",
        required=True,
        tracking=True,
        index=True,
        help="Proposed: planned by the run wizard's preview, waiting for the "
        "accountant to carry it out.",
    )
    validated = fields.Boolean(
        readonly=True,
        copy=False,
        help="The accountant kept these customers in the run wizard: each "
        "one's reminder is carried out, levels that wait for validation "
        "included.",
    )
    date_start = fields.Datetime(string="Started", default=fields.Datetime.now)
    date_end = fields.Datetime(string="Finished", readonly=True)
    duration = fields.Float(
        string="Duration (s)",
        compute="_compute_duration",
        help="Seconds from the start of the planning to the last unit.",
    )
    unit_ids = fields.One2many("account.dunning.run.unit", "run_id", string="Units")
    failed_unit_ids = fields.One2many(
        "account.dunning.run.unit",
        "run_id",
        string="Failures",
        domain=[("state", "=", "failed")],
    )
    action_ids = fields.One2many("account.dunning.action", "run_id", string="Actions")
    credit_partner_ids = fields.Many2many(
        "res.partner",
        "account_dunning_run_history_credit_rel",
        string="Credits to Match",
        help="Customers with overdue items who owe nothing on balance: their "
        "payments or credit notes are to be matched, not reminded.",
    )
    unit_count = fields.Integer(string="Customers", compute="_compute_counts")
    pending_count = fields.Integer(string="Remaining", compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    skipped_count = fields.Integer(string="Skipped", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts")
    channel_summary = fields.Char(
        string="Channels",
        compute="_compute_channel_summary",
        help="Actions carried out by this run, per channel.",
    )
    proposed_count = fields.Integer(
        string="To Validate",
        compute="_compute_channel_summary",
        help="Actions of levels the accountant validates, waiting.",
    )
    letter_failed_count = fields.Integer(
        string="Letters Failed",
        compute="_compute_channel_summary",
        help="Letters (and the emails carrying them) that could not be "
        "produced after their customer was done: see each action's reason.",
    )
    letter_pending_count = fields.Integer(
        string="Letters to Render",
        compute="_compute_channel_summary",
        help="Letters of this run still waiting for their PDF; the emails "
        "that attach them leave once they exist.",
    )

    def init(self):
        # One daily run per company and day, even if two cron workers start
        # the scheduled action together; runs by hand are not limited.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_run_scheduled_uniq
                ON account_dunning_run (company_id, date)
             WHERE origin = 'scheduled'
            """
        )

    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Run of %(date)s", date=format_date(self.env, run.date)
            )

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        now = fields.Datetime.now()
        for run in self:
            end = run.date_end or now
            run.duration = (
                (end - run.date_start).total_seconds() if run.date_start else 0.0
            )

    def _compute_counts(self):
        groups = self.env["account.dunning.run.unit"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {(run.id, state): count for run, state, count in groups}
        for run in self:
            for state in ("pending", "done", "failed", "skipped"):
                run[f"{state}_count"] = counts.get((run.id, state), 0)
            run.unit_count = sum(
                counts.get((run.id, s), 0)
                for s in ("pending", "done", "failed", "skipped")
            )
            run.progress = (
                100.0 * (run.unit_count - run.pending_count) / run.unit_count
                if run.unit_count
                else 0.0
            )

    def _compute_channel_summary(self):
        Action = self.env["account.dunning.action"]
        labels = {
            fname: Action._fields[fname].get_description(self.env)["string"]
            for fname in CHANNELS
        }
        # One grouped query: the combinations of channels are few.
        per_channel = {run.id: dict.fromkeys(CHANNELS, 0) for run in self}
        groups = Action._read_group(
            [("run_id", "in", self.ids), ("state", "=", "done")],
            ["run_id", *CHANNELS],
            ["__count"],
        )
        for run, *flags, count in groups:
            for fname, flag in zip(CHANNELS, flags, strict=True):
                if flag:
                    per_channel[run.id][fname] += count
        proposed = dict(
            Action._read_group(
                [("run_id", "in", self.ids), ("state", "=", "proposed")],
                ["run_id"],
                ["__count"],
            )
        )
        # Letters still to render and letters failed, in one grouped query.
        letters = {
            (run, state): count
            for run, state, count in Action._read_group(
                [
                    ("run_id", "in", self.ids),
                    ("letter_render_state", "in", ("pending", "failed")),
                ],
                ["run_id", "letter_render_state"],
                ["__count"],
            )
        }
        for run in self:
            run.letter_pending_count = letters.get((run, "pending"), 0)
            run.letter_failed_count = letters.get((run, "failed"), 0)
            run.channel_summary = ", ".join(
                f"{labels[fname]}: {count}"
                for fname, count in per_channel[run.id].items()
                if count
            )
            run.proposed_count = proposed.get(run, 0)

    # ------------------------------------------------------------------ actions
    def action_view_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_fr.account_dunning_action_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_print_batch(self):
        """The letters of this run waiting for the post room, as one PDF."""
        self.ensure_one()
        return self.action_ids.action_print_batch()

    # ---------------------------------------------------------- business methods
    @api.model
    def _start(self, company, date, origin, partners=None, levels=None, propose=False):
        """Create and plan a run of ``company`` on ``date``: one unit per
        customer to remind. A failure of the planning fails the run, with
        its reason in the chatter; the other companies go on.

        :param company: ``res.company``
        :param date: ``datetime.date`` of the run
        :param origin: ``"scheduled"`` or ``"manual"``
        :param partners: ``res.partner`` recordset to restrict to, or None
        :param levels: ``account.dunning.level`` recordset to restrict to
        :param propose: plan only (the run wizard's preview): the run waits,
            state ``proposed``, until ``_validate`` lets it be carried out
        :return: the ``account.dunning.run``, state ``running`` (or
            ``proposed``, or ``failed``)
        """
        run = self.with_company(company).create(
            {
                "company_id": company.id,
                "date": date,
                "origin": origin,
                "user_id": self.env.uid if origin == "manual" else False,
            }
        )
        try:
            with self.env.cr.savepoint():
                run._plan(partners, levels, propose=propose)
        except Exception as error:  # noqa: BLE001 - the run records its failure
            _logger.exception("Dunning run %s: planning failed", run.id)
            run._fail(error.args[0] if error.args else repr(error))
        return run

    def _plan(self, partners=None, levels=None, propose=False):
        """The planning stage, once: the run's units with their actions'
        values (``account.dunning.planning._plan``)."""
        self.ensure_one()
        plan = (
            self.env["account.dunning.planning"]
            .with_company(self.company_id)
            ._plan(self.date, partners=partners, levels=levels)
        )
        credit_ids = plan["credits_to_match"].ids
        # The planning read every open item of the company: its cache is let
        # go before the units are written, and the units' as they are
        # written, so that planning a large company holds one of them at a
        # time (the proposals are plain values).
        self.env.invalidate_all()
        Unit = self.env["account.dunning.run.unit"]
        for proposals in split_every(UNIT_CREATE_SIZE, plan["proposals"], list):
            Unit._insert_planned([Unit._prepare_vals(self, vals) for vals in proposals])
            self.env.invalidate_all()
        self.write(
            {
                "state": "proposed" if propose else "running",
                "credit_partner_ids": [fields.Command.set(credit_ids)],
            }
        )

    def _add_actions(self, actions):
        """Units of this proposed run for ``actions`` already proposed (levels
        waiting for the accountant), carried out as they are once the run is
        validated, with the recipient and channels the unit may change. The
        actions are not written until then.

        :param actions: ``account.dunning.action`` recordset, state proposed
            or failed
        :return: the ``account.dunning.run.unit`` created
        """
        self.ensure_one()
        units = self.env["account.dunning.run.unit"].create(
            [
                {
                    "run_id": self.id,
                    "company_id": self.company_id.id,
                    "partner_id": action.partner_id.id,
                    "level_id": action.level_id.id,
                    "waiting_action_id": action.id,
                    "contact_id": action.contact_id.id,
                    **action._get_channel_vals(),
                }
                for action in actions
            ]
        )
        return units

    def _validate(self, left_out=None):
        """The accountant carries out this proposed run (the run wizard): the
        units ``left_out`` are skipped, the others are carried out, every
        one of them, by the same claims as the scheduled action's.

        :param left_out: ``account.dunning.run.unit`` recordset, or None
        """
        self.ensure_one()
        if self.state != "proposed":
            raise UserError(
                self.env._(
                    "%(run)s was carried out already, or its preview expired: "
                    "preview the run again.",
                    run=self.display_name,
                )
            )
        if left_out:
            left_out._skip(self.env._("Left out by the accountant in the run wizard."))
        # The waiting actions kept become the units' actions, carried out as
        # they are (see account.dunning.run.unit._carry_out_set).
        for unit in self.unit_ids.filtered(
            lambda u: u.state == "pending" and u.waiting_action_id
        ):
            if unit.waiting_action_id.state in ("proposed", "failed"):
                unit.waiting_action_id.run_unit_id = unit
        self.write(
            {
                "state": "running",
                "validated": True,
                "user_id": self.env.uid,
                "date_start": fields.Datetime.now(),
            }
        )

    @api.autovacuum
    def _gc_proposed_runs(self):
        """Runs of the run wizard's preview that nobody carried out: they
        wrote nothing but themselves and their units."""
        limit = fields.Datetime.now() - timedelta(hours=PROPOSED_RUN_HOURS)
        self.sudo().search(
            [("state", "=", "proposed"), ("create_date", "<", limit)]
        ).unlink()

    @api.model
    def _carry_out_pending(self, runs=None, deadline=None):
        """Carry out pending units of running runs until none is left or the
        ``deadline`` passes.

        In the cron runner the units are claimed, carried out together and
        committed ``COMMIT_SET_SIZE`` at a time, so a customer's invoices are
        locked only while its set runs and a crash loses one set at most.
        Inline (no cron runner) the units are claimed ``CLAIM_SIZE`` at a
        time in the caller's transaction.

        :param runs: ``account.dunning.run`` to work on, or None for every
            running run
        :param deadline: ``time.monotonic()`` value after which no unit is
            claimed any more (one claim is always made), or None
        :return: ``(units carried out, units still pending)``
        """
        Unit = self.env["account.dunning.run.unit"]
        commit = self._commits_progress()
        remaining = Unit._count_pending(runs)
        done = 0
        busy = []  # units whose invoices another transaction holds
        touched = self.browse()
        while True:
            units = Unit._claim(
                COMMIT_SET_SIZE if commit else CLAIM_SIZE, runs=runs, exclude=busy
            )
            if not units:
                break
            touched |= units.run_id
            held = units._carry_out_units()
            done += len(units) - len(held)
            busy.extend(held.ids)
            if commit:
                self._commit_progress(done, remaining - done)
            if deadline is not None and time.monotonic() >= deadline:
                break
        if runs is not None and busy and not commit:
            # Inline, nobody comes back for them: a later run reminds them.
            Unit.browse(busy)._skip(
                self.env._(
                    "Its invoices were being changed meanwhile: left for the next run."
                )
            )
        self._finish(touched | (runs or self.browse()))
        return done, max(remaining - done, 0)

    @api.model
    def _commits_progress(self):
        """Whether units are committed one by one: in the cron runner only."""
        return bool(self.env.context.get("ir_cron_progress_id")) and _commit_allowed()

    @api.model
    def _commit_progress(self, done, remaining):
        """Report the progress and commit what is done, as the cron runner
        does between callbacks: the invoice locks last one set of units, and a
        crash later in the callback keeps what was committed (Odoo counts
        the callback partially done, not failed, and calls again)."""
        self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining, 0))
        self.env.cr.commit()  # pylint: disable=invalid-commit
        # What the set read stays in the cache after the commit: emptied, so
        # that a callback's memory is that of one set, not of every set.
        self.env.invalidate_all()

    def _finish(self, runs):
        """Close the runs of ``runs`` that have no pending unit left."""
        runs = runs.filtered(lambda r: r.state == "running")
        if not runs:
            return
        pending = {
            run
            for (run,) in self.env["account.dunning.run.unit"]._read_group(
                [("run_id", "in", runs.ids), ("state", "=", "pending")], ["run_id"]
            )
        }
        for run in runs.filtered(lambda r: r not in pending):
            run.write({"state": "done", "date_end": fields.Datetime.now()})
            run._notify_done()

    def _fail(self, reason):
        self.write({"state": "failed", "date_end": fields.Datetime.now()})
        self._dunning_message_post(
            body=self.env._("The run could not be planned: %(reason)s", reason=reason)
        )

    def _notify_done(self):
        """Say how the run went in its chatter; the user who started it is
        notified (inbox, and a notification if they are still looking)."""
        self.ensure_one()
        self.invalidate_recordset()  # the counts were read before the units ran
        message = self.env._(
            "Run finished: %(done)s customer(s) done, %(failed)s failed, "
            "%(skipped)s skipped.",
            done=self.done_count,
            failed=self.failed_count,
            skipped=self.skipped_count,
        )
        # Only a run carried out in the background notifies: inline, the
        # user who started it sees the outcome on their screen.
        background = bool(self.env.context.get("ir_cron_progress_id"))
        partners = (
            self.user_id.partner_id if background and self.origin == "manual" else None
        )
        self._dunning_message_post(
            body=message,
            partner_ids=partners.ids if partners else [],
            subtype_xmlid="mail.mt_note",
        )
        if partners:
            self.user_id._bus_send(
                "simple_notification",
                {
                    "type": "success" if not self.failed_count else "warning",
                    "title": self.display_name,
                    "message": message,
                    "sticky": False,
                },
            )

    @api.model
    def _run(self, date=None, companies=None, partners=None, execute=True, levels=None):
        """The dunning run of ``date`` in one call (``_run_dunning``): the
        same stages as the scheduled action's and the run wizard's.

        With ``execute``, the commitments due are settled
        (``_settle_commitments``), then each company's run is recorded,
        planned once (``_start``) and carried out at once in this
        transaction (``_carry_out_pending``). Without it the actions are
        only proposed: nothing else is written, no run is recorded, and
        planning reads the promises and payment plans due on ``date`` as the
        run would settle them. (The run wizard plans a run that waits for
        the accountant instead: ``_start`` with ``propose``, then
        ``_validate``.)

        :param date: ``datetime.date`` of the run (default: today)
        :param companies: ``res.company`` recordset (default: the user's)
        :param partners: ``res.partner`` recordset to restrict the run to
        :param execute: carry out the levels that run by themselves; when
            False every action stays proposed
        :param levels: ``account.dunning.level`` recordset to restrict to
        :return: dict with ``actions`` (``account.dunning.action`` created),
            ``credits_to_match`` (``res.partner``: customers with overdue
            items whose credits cover them, left for the accountant to match)
            and ``runs`` (``account.dunning.run``)
        """
        date = date or fields.Date.context_today(self)
        if execute:
            self._settle_commitments(date, companies or None)
        Run = self.browse()
        report = {
            "actions": self.env["account.dunning.action"],
            "credits_to_match": self.env["res.partner"],
            "runs": Run,
        }
        for company in companies or self.env.companies:
            if not execute:
                Planning = self.env["account.dunning.planning"].with_company(company)
                plan = Planning._plan(date, partners=partners, levels=levels)
                report["actions"] |= Planning._create_proposals(plan["proposals"])
                report["credits_to_match"] |= plan["credits_to_match"]
                continue
            run = Run._start(company, date, "manual", partners=partners, levels=levels)
            Run._carry_out_pending(runs=run)
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
        ``account.dunning.run._carry_out_pending``).
        """
        date = fields.Date.context_today(self)
        Run = self.browse()
        started = {
            run.company_id
            for run in Run.search([("origin", "=", "scheduled"), ("date", "=", date)])
        }
        companies = self._get_dunning_companies().filtered(
            lambda c: c not in started and not c._dunning_runs_paused(date)
        )
        if not companies:
            self._cron_carry_out_runs()
            return
        deadline = time.monotonic() + TIME_BUDGET
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
    def _get_dunning_companies(self):
        """The companies the daily run reminds for: those with an active
        policy. A company without any (a company established outside France,
        which gets none of the shipped French ones, until an administrator
        writes its own) is left out rather than run with nothing, or with
        another company's policy."""
        # Every company's policies, whoever runs the scheduled action.
        groups = (
            self.env["account.dunning.policy"].sudo()._read_group([], ["company_id"])
        )
        with_policy = self.env["res.company"].browse(
            company.id for (company,) in groups
        )
        return self.env["res.company"].search([("id", "in", with_policy.ids)])

    @api.model
    def _cron_carry_out_runs(self):
        """Carry out pending units of every running run for about
        ``TIME_BUDGET`` seconds (also the callback of the run wizard's large
        runs), then say how many are left."""
        Run = self.browse()
        running = Run.search([("state", "=", "running")])
        deadline = time.monotonic() + TIME_BUDGET
        done, remaining = Run._carry_out_pending(deadline=deadline)
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
    def _settle_commitments(self, date, companies=None):
        """Before reminding: settle expired promises and payment plans (an
        invoice whose promise ran out is reminded again in the same run),
        propose the penalties of invoices paid late, let announced
        credit holds take effect, and lift (or ask to lift) the holds of
        customers who owe nothing overdue any more. Only a run does this,
        never a preview.

        :param date: ``datetime.date`` of the run
        :param companies: ``res.company`` recordset, or None for every
            company; credit holds are the customer's, in every company
        """
        for company in companies or self.env["res.company"].search([]):
            self._settle_company_commitments(company, date)
        self._apply_credit_holds(date)
        self._lift_credit_holds(date)

    @api.model
    def _apply_credit_holds(self, date):
        """Announced credit holds take effect on their day for the customers
        still owing overdue items in any company; those who paid are spared."""
        # Decided by the level that announced it, like the hold itself (see
        # account.dunning.send._hold_credit).
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
        owing = self._get_owing_partners(partners, date)
        for partner in partners:
            vals = {"dunning_credit_hold_date": False}
            if partner.id in owing:
                vals["dunning_credit_hold"] = True
                vals["dunning_credit_hold_company_id"] = (
                    partner.dunning_credit_hold_company_id.id
                )
            elif not partner.dunning_credit_hold:
                vals["dunning_credit_hold_company_id"] = False
            partner.write(vals)

    @api.model
    def _get_owing_partners(self, partners, date):
        """Which of ``partners`` (``res.partner``) still owe something
        overdue on ``date`` in any company: overdue items net of open
        credits above the company's tolerance
        (``account.dunning.planning._get_account_summary``).

        :return: set of partner ids
        """
        owing = set()
        # A hold concerns the customer in every company, including companies
        # the user running the dunning may not open.
        for company in self.env["res.company"].sudo().search([]):
            # Same reason: that company's items, whoever runs the dunning.
            summary = (
                self.env["account.dunning.planning"]
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
        return owing

    @api.model
    def _lift_credit_holds(self, date):
        """Credit holds the dunning set are lifted the day their customer
        owes nothing overdue any more (``_get_owing_partners``), or, when
        the company that set it prefers a person to decide
        (``res.company.dunning_credit_hold_release`` "task"), a task asks
        the customer's follow-up responsible to lift it (once: not while
        such a task is open). The customer's history says so either way. A
        hold set by hand is never lifted here.

        :param date: ``datetime.date`` of the run
        :return: ``res.partner`` whose hold was lifted
        """
        # Lifting undoes what the dunning itself decided (_hold_credit), in
        # every company, whoever runs it; the task is created for another user.
        Partner = self.env["res.partner"].sudo()
        held = Partner.search(
            [
                ("dunning_credit_hold", "=", True),
                ("dunning_credit_hold_company_id", "!=", False),
                ("dunning_credit_hold_date", "=", False),
            ]
        )
        if not held:
            return Partner
        owing = self._get_owing_partners(held, date)
        free = held.filtered(lambda p: p.id not in owing)
        lifted = free.filtered(
            lambda p: (
                p.dunning_credit_hold_company_id.dunning_credit_hold_release != "task"
            )
        )
        for partner in lifted:
            company = partner.dunning_credit_hold_company_id
            partner.write({"dunning_credit_hold": False})
            partner._message_log(
                body=partner.with_context(lang=self._staff_lang(company)).env._(
                    "Credit hold lifted by the dunning run of %(date)s: the "
                    "customer owes nothing overdue any more.",
                    date=format_date(self.env, date),
                )
            )
        self._ask_to_lift_credit_holds(free - lifted, date)
        return lifted

    @api.model
    def _ask_to_lift_credit_holds(self, partners, date):
        """A task for each of ``partners`` (``res.partner``, on credit hold,
        owing nothing overdue) asks its follow-up responsible to lift the
        hold; nothing is asked twice while a task is open."""
        if not partners:
            return
        activity_type = self.env.ref(
            "account_dunning_fr.mail_activity_type_dunning_credit_hold_release"
        )
        asked = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        Send = self.env["account.dunning.send"]
        for partner in partners.filtered(lambda p: p.id not in asked):
            company = partner.dunning_credit_hold_company_id
            user = Send._get_customer_followup_user(partner, company)
            env = partner.with_context(lang=user.lang or self._staff_lang(company)).env
            partner.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=date,
                user_id=user.id or False,
                summary=env._(
                    "Owes nothing overdue: lift the credit hold of %(customer)s?",
                    customer=partner.display_name,
                ),
            )
            partner._message_log(
                body=partner.with_context(lang=self._staff_lang(company)).env._(
                    "The customer owes nothing overdue any more: %(user)s is "
                    "asked to lift the credit hold.",
                    user=user.name or "",
                )
            )

    @api.model
    def _staff_lang(self, company):
        """The language the company's staff read its history in."""
        return company.partner_id.lang or self.env.lang

    @api.model
    def _settle_company_commitments(self, company, date):
        """Settle the promises and payment plans of one company and propose
        its claims; a failure is logged and the other companies go on."""
        try:
            with self.env.cr.savepoint():
                self.env["account.dunning.promise"].with_company(
                    company
                )._settle_expired(date)
                self.env["account.dunning.payment.plan"].with_company(
                    company
                )._settle_due_plans(date)
        except Exception:  # noqa: BLE001 - one company never stops the others
            _logger.exception(
                "Dunning: commitments of %s could not be settled", company.name
            )
        self._propose_claims(company, date)

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
        except Exception:  # noqa: BLE001 - one company never stops the others
            _logger.exception(
                "Dunning: late payment claims of %s not proposed", company.name
            )
