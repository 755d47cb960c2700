"""The customer's dunning cockpit: a suggested payer profile from history.

The suggestion never changes the chosen profile by itself (GDPR: no automatic
decision without review); it is shown beside it for the accountant to decide.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .account_dunning_policy import PAYER_PROFILES

# Thresholds of the suggested profile, applied in this order (first match):
#   administrative  public buyer (slow circuits by nature)
#   insolvent       insolvency judgment, broken payment plan, or on average
#                   more than 90 days late
#   bad             2 broken promises or more, on average more than 30 days
#                   late, or more than half paid late with over 15 days late
#   negligent       more than 20 % paid late, on average more than 5 days late,
#                   or 2 open disputes or more
#   good            otherwise, when at least one invoice fell due
INSOLVENT_AVG_DAYS = 90
BAD_AVG_DAYS = 30
BAD_BROKEN_PROMISES = 2
BAD_LATE_SHARE = 50.0
BAD_LATE_SHARE_AVG_DAYS = 15
NEGLIGENT_LATE_SHARE = 20.0
NEGLIGENT_AVG_DAYS = 5
NEGLIGENT_OPEN_DISPUTES = 2

STATS_MONTHS = 12


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_suggested_profile = fields.Selection(
        PAYER_PROFILES,
        string="Suggested Profile",
        compute="_compute_dunning_stats",
        help="Profile suggested by the payments of the invoices due in the last "
        "12 months; the chosen profile is never changed automatically.",
    )
    dunning_stat_invoice_count = fields.Integer(
        string="Invoices Due (12 months)", compute="_compute_dunning_stats"
    )
    dunning_stat_avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        compute="_compute_dunning_stats",
        help="Paid invoices: payment date minus due date; open ones: today "
        "minus due date; an early payment counts as zero.",
    )
    dunning_stat_late_share = fields.Float(
        string="Paid Late (%)", digits=(16, 1), compute="_compute_dunning_stats"
    )
    dunning_stat_broken_promises = fields.Integer(
        string="Broken Promises (12 months)", compute="_compute_dunning_stats"
    )
    dunning_stat_open_disputes = fields.Integer(
        string="Open Disputes", compute="_compute_dunning_stats"
    )
    dunning_promise_broken_count = fields.Integer(
        string="Broken Promises",
        readonly=True,
        copy=False,
        help="Every payment promise this customer did not keep.",
    )
    dunning_dispute_count = fields.Integer(compute="_compute_dunning_workflow_counts")
    dunning_payment_plan_count = fields.Integer(
        compute="_compute_dunning_workflow_counts"
    )
    dunning_dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_dunning_dso",
        help="Days sales outstanding: open receivables / credit sales of the "
        "last 365 days × 365.",
    )
    dunning_can_log_call = fields.Boolean(compute="_compute_dunning_can_log_call")

    @api.depends_context("company")
    def _compute_dunning_stats(self):
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id
        stats = commercials._get_dunning_payment_stats(today)
        for partner in self:
            values = stats.get(partner.commercial_partner_id.id, {})
            partner.dunning_stat_invoice_count = values.get("count", 0)
            partner.dunning_stat_avg_days_late = values.get("avg_days_late", 0.0)
            partner.dunning_stat_late_share = values.get("late_share", 0.0)
            partner.dunning_stat_broken_promises = values.get("broken_promises", 0)
            partner.dunning_stat_open_disputes = values.get("open_disputes", 0)
            partner.dunning_suggested_profile = (
                partner.commercial_partner_id._suggest_profile(values)
            )

    def _compute_dunning_workflow_counts(self):
        commercials = self.commercial_partner_id
        counts = {}
        for model in ("account.dunning.dispute", "account.dunning.payment.plan"):
            counts[model] = dict(
                self.env[model]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "in", commercials.ids),
                        ("company_id", "in", self.env.companies.ids),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_dispute_count = counts["account.dunning.dispute"].get(
                commercial, 0
            )
            partner.dunning_payment_plan_count = counts[
                "account.dunning.payment.plan"
            ].get(commercial, 0)

    @api.depends_context("company")
    def _compute_dunning_dso(self):
        dso = self.env["account.dunning.analysis"]._get_dso(
            fields.Date.context_today(self), partners=self.commercial_partner_id
        )
        for partner in self:
            partner.dunning_dso = dso.get(partner.commercial_partner_id.id, 0.0)

    @api.depends_context("uid")
    def _compute_dunning_can_log_call(self):
        for partner in self:
            partner.dunning_can_log_call = partner._dunning_user_may_log()

    def _get_dunning_payment_stats(self, today):
        """Payment statistics of these commercial partners, in two queries.

        :return: {partner id: {count, avg_days_late, late_share,
            broken_promises, open_disputes}}
        """
        if not self:
            return {}
        start = today - relativedelta(months=STATS_MONTHS)
        company_ids = self.env.companies.ids
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.dunning.action"].flush_model()
        self.env["account.dunning.dispute"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH inv AS (
                    SELECT m.id, m.commercial_partner_id AS partner_id,
                           m.invoice_date_due AS due, m.payment_state
                      FROM account_move m
                     WHERE m.move_type = 'out_invoice'
                       AND m.state = 'posted'
                       AND m.payment_state NOT IN ('reversed', 'invoicing_legacy')
                       AND m.company_id = ANY(%(companies)s)
                       AND m.commercial_partner_id = ANY(%(partners)s)
                       AND m.invoice_date_due >= %(start)s
                       AND m.invoice_date_due < %(today)s
                ), paid AS (
                    SELECT l.move_id, MAX(p.max_date) AS paid_on
                      FROM account_move_line l
                      JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                     WHERE l.move_id IN (SELECT id FROM inv)
                       AND l.display_type = 'payment_term'
                  GROUP BY l.move_id
                ), late AS (
                    SELECT inv.partner_id,
                           GREATEST(
                               CASE WHEN inv.payment_state IN ('paid', 'in_payment')
                                    THEN COALESCE(paid.paid_on, %(today)s)
                                    ELSE %(today)s END - inv.due,
                               0) AS days
                      FROM inv LEFT JOIN paid ON paid.move_id = inv.id
                )
                SELECT partner_id, COUNT(*), AVG(days),
                       COUNT(*) FILTER (WHERE days > 0)
                  FROM late
              GROUP BY partner_id
                """,
                companies=company_ids,
                partners=self.ids,
                start=start,
                today=today,
            )
        )
        stats = defaultdict(dict)
        for partner_id, count, avg_days, late_count in self.env.cr.fetchall():
            stats[partner_id].update(
                count=count,
                avg_days_late=float(avg_days or 0.0),
                late_share=100.0 * late_count / count if count else 0.0,
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id,
                       (SELECT COUNT(*) FROM account_dunning_action a
                         WHERE a.partner_id = p.id AND a.promise_state = 'broken'
                           AND a.company_id = ANY(%(companies)s)
                           AND a.promise_date >= %(start)s),
                       (SELECT COUNT(*) FROM account_dunning_dispute d
                         WHERE d.partner_id = p.id AND d.state = 'open'
                           AND d.company_id = ANY(%(companies)s)),
                       (SELECT COUNT(*) FROM account_dunning_payment_plan pp
                         WHERE pp.partner_id = p.id AND pp.state = 'broken'
                           AND pp.company_id = ANY(%(companies)s)
                           AND pp.date_start >= %(start)s)
                  FROM res_partner p
                 WHERE p.id = ANY(%(partners)s)
                """,
                companies=company_ids,
                partners=self.ids,
                start=start,
            )
        )
        for partner_id, broken, disputes, broken_plans in self.env.cr.fetchall():
            if broken or disputes or broken_plans:
                stats[partner_id].update(
                    broken_promises=broken,
                    open_disputes=disputes,
                    broken_plans=broken_plans,
                )
        return stats

    def _suggest_profile(self, stats):
        """Profile suggested by ``stats`` (see the thresholds at the top)."""
        self.ensure_one()
        if self.dunning_debtor_type == "public":
            return "administrative"
        if not stats.get("count") and not stats.get("broken_promises"):
            return False
        avg = stats.get("avg_days_late", 0.0)
        share = stats.get("late_share", 0.0)
        if (
            self.dunning_insolvency_date
            or stats.get("broken_plans")
            or avg > INSOLVENT_AVG_DAYS
        ):
            return "insolvent"
        if (
            stats.get("broken_promises", 0) >= BAD_BROKEN_PROMISES
            or avg > BAD_AVG_DAYS
            or (share > BAD_LATE_SHARE and avg > BAD_LATE_SHARE_AVG_DAYS)
        ):
            return "bad"
        if (
            share > NEGLIGENT_LATE_SHARE
            or avg > NEGLIGENT_AVG_DAYS
            or stats.get("open_disputes", 0) >= NEGLIGENT_OPEN_DISPUTES
        ):
            return "negligent"
        return "good"

    # ---------------------------------------------------------------- actions
    def action_dunning_log_call(self):
        self.ensure_one()
        return self._dunning_open_call_wizard("call")

    def action_dunning_log_visit(self):
        self.ensure_one()
        return self._dunning_open_call_wizard("visit")

    def action_view_dunning_disputes(self):
        return self._dunning_open_related(
            "account_dunning_fr.account_dunning_dispute_action"
        )

    def action_view_dunning_payment_plans(self):
        return self._dunning_open_related(
            "account_dunning_fr.account_dunning_payment_plan_action"
        )

    def action_dunning_create_payment_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Payment Plan"),
            "res_model": "account.dunning.payment.plan.create",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_dunning_formal_notice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Formal Notice"),
            "res_model": "account.dunning.formal.notice",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _dunning_open_related(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _dunning_open_call_wizard(self, kind, action=None):
        self.ensure_one()
        self._dunning_check_may_log()
        context = {
            "default_kind": kind,
            "default_partner_id": self.commercial_partner_id.id,
        }
        if action:
            context["default_action_id"] = action.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Visit")
            if kind == "visit"
            else self.env._("Log a Call"),
            "res_model": "account.dunning.call",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _dunning_user_may_log(self):
        """Accountants, and the customer's own salesperson (SPEC §2.8)."""
        self.ensure_one()
        user = self.env.user
        return bool(
            self.env.su
            or user.has_group("account.group_account_invoice")
            or (self.commercial_partner_id.user_id == user or self.user_id == user)
        )

    def _dunning_check_may_log(self):
        if not self._dunning_user_may_log():
            raise AccessError(
                self.env._(
                    "Only accountants and the customer's salesperson can log calls "
                    "and visits for %(customer)s.",
                    customer=self.commercial_partner_id.display_name,
                )
            )

    def _dunning_injunction_values(self):
        """What the payment order file lists: the unpaid invoices and every
        dunning action carried out, oldest first."""
        self.ensure_one()
        company = self.env.company
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, id",
        )
        actions = self.env["account.dunning.action"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "done"),
            ],
            order="date, id",
        )
        return {
            "moves": moves,
            "actions": actions,
            "total": sum(moves.mapped("amount_residual_signed")),
            "currency": company.currency_id,
        }
