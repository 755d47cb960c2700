"""The "Relances" overview: one card per kind of work the accountant has
today, each with its count and the list behind it, plus two graphs (overdue
amount by age, DSO of the last twelve months).

The cards are data records (one per ``code``); their figures are computed for
the companies selected in the company switcher, as the user, so that a
card's count is the length of the list it opens.
"""

import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

from .account_dunning_analysis import AGE_BUCKETS

CARD_CODES = [
    ("to_validate", "Proposals to validate"),
    ("failed", "Failures to fix"),
    ("to_print", "Letters to print"),
    ("registered_no_ack", "Registered letters without acknowledgment"),
    ("calls_due", "Calls and visits due"),
    ("promises_due", "Promises due"),
    ("disputes_to_review", "Disputes to review"),
    ("answers_to_read", "Customer answers to read"),
    ("plans_late", "Payment plans with a late instalment"),
    ("graph_age", "Overdue amount by age"),
    ("graph_dso", "DSO of the last 12 months"),
]

GRAPH_TYPES = {"graph_age": "bar", "graph_dso": "line"}

# Months of DSO drawn by the line graph.
DSO_MONTHS = 12


class AccountDunningOverview(models.Model):
    _name = "account.dunning.overview"
    _description = "Dunning Overview Card"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(CARD_CODES, required=True)
    sequence = fields.Integer(default=10)
    icon = fields.Char(help="Font Awesome class of the card, e.g. fa-phone.")
    description = fields.Char(translate=True)
    graph_type = fields.Char(compute="_compute_graph_type")
    count = fields.Integer(compute="_compute_figures")
    count_mine = fields.Integer(
        compute="_compute_figures", help="Of the count, what is assigned to me."
    )
    graph_data = fields.Text(compute="_compute_figures")
    graph_total = fields.Char(compute="_compute_figures")

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code)", "There is one overview card per kind of work."),
    ]

    def _compute_graph_type(self):
        for card in self:
            card.graph_type = GRAPH_TYPES.get(card.code, False)

    @api.depends_context("uid", "allowed_company_ids", "company")
    def _compute_figures(self):
        today = fields.Date.context_today(self)
        for card in self:
            card.count = card.count_mine = 0
            card.graph_data = card.graph_total = False
            if card.code == "graph_age":
                card.graph_data, card.graph_total = self._get_age_graph(today)
            elif card.code == "graph_dso":
                card.graph_data, card.graph_total = self._get_dso_graph(today)
            else:
                model, domain = card._get_card_domain(today)
                card.count = self.env[model].search_count(domain)
                if card.code == "calls_due":
                    model, domain = card._get_card_domain(today, mine=True)
                    card.count_mine = self.env[model].search_count(domain)

    # ------------------------------------------------------------------ actions
    def action_open(self):
        """The list behind the card (every record its count counts)."""
        self.ensure_one()
        return self._get_card_action(mine=False)

    def action_open_mine(self):
        """The calls and visits due that are assigned to the current user."""
        self.ensure_one()
        return self._get_card_action(mine=True)

    # --------------------------------------------------------- business methods
    def _get_card_domain(self, today, mine=False):
        """What the card counts on ``today``.

        :param today: ``datetime.date``
        :param mine: only what is assigned to the current user (calls due)
        :return: (model name, domain)
        """
        self.ensure_one()
        Action = "account.dunning.action"
        if self.code == "to_validate":
            return Action, [("state", "=", "proposed")]
        if self.code == "failed":
            # As the history's "Failed" filter: failed, or done but a
            # reminder did not arrive.
            return Action, [
                "|",
                ("state", "=", "failed"),
                ("delivery_failed", "=", True),
            ]
        if self.code == "to_print":
            return Action, [("print_state", "=", "to_print")]
        if self.code == "registered_no_ack":
            return Action, [
                ("state", "=", "done"),
                ("send_registered_letter", "=", True),
                ("letter_sent_date", "!=", False),
                ("registered_ack_date", "=", False),
            ]
        if self.code == "calls_due":
            activity_domain = [
                ("activity_type_id", "in", self._get_call_activity_types().ids),
                ("date_deadline", "<=", today),
            ]
            if mine:
                activity_domain.append(("user_id", "=", self.env.uid))
            return Action, [("activity_ids", "any", activity_domain)]
        if self.code == "promises_due":
            return Action, [
                ("promise_state", "=", "pending"),
                ("promise_date", "<=", today),
            ]
        if self.code == "answers_to_read":
            return "account.dunning.answer", [("state", "=", "to_read")]
        if self.code == "disputes_to_review":
            return "account.dunning.dispute", [
                ("state", "=", "open"),
                "|",
                ("review_date", "=", False),
                ("review_date", "<=", today),
            ]
        if self.code == "plans_late":
            return "account.dunning.payment.plan", [
                ("id", "in", self._get_late_plans(today).ids)
            ]
        return Action, [("id", "=", False)]

    @api.model
    def _get_call_activity_types(self):
        """The activity types of calls and visits: the module's own and the
        phone-call types the levels may use instead."""
        types = self.env.ref("account_dunning_fr.mail_activity_type_dunning_call")
        types |= self.env.ref("account_dunning_fr.mail_activity_type_dunning_visit")
        return types | self.env["mail.activity.type"].search(
            [("category", "=", "phonecall")]
        )

    @api.model
    def _get_late_plans(self, today):
        """Running payment plans with an instalment unpaid after its date."""
        lines = (
            self.env["account.dunning.payment.plan.line"]
            .with_context(date=today)
            .search([("plan_id.state", "=", "running"), ("date", "<", today)])
        )
        return lines.filtered(lambda line: line.state == "late").plan_id

    def _get_card_action(self, mine):
        if self.code == "graph_age":
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "account_dunning_fr.account_dunning_analysis_action"
            )
            action["view_mode"] = "graph,pivot,list"
            action["views"] = [(False, "graph"), (False, "pivot"), (False, "list")]
            action["context"] = {
                "search_default_overdue": 1,
                "graph_groupbys": ["age_bucket"],
            }
            return action
        if self.code == "graph_dso":
            return self.env["ir.actions.act_window"]._for_xml_id(
                "account_dunning_fr.account_dunning_analysis_action"
            )
        model, domain = self._get_card_domain(fields.Date.context_today(self), mine)
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }

    @api.model
    def _get_age_graph(self, today):
        """Overdue amount of the current company per age bucket.

        :return: (JSON of the bar graph, total overdue as formatted text)
        """
        company = self.env.company
        groups = dict(
            self.env["account.dunning.analysis"]._read_group(
                [("company_id", "=", company.id), ("days_overdue", ">", 0)],
                ["age_bucket"],
                ["amount_overdue:sum"],
            )
        )
        labels = dict(
            self.env["account.dunning.analysis"]
            ._fields["age_bucket"]
            ._description_selection(self.env)
        )
        values = [
            {"label": labels[code], "value": groups.get(code, 0.0), "type": "past"}
            for code, _label in AGE_BUCKETS
            if code != "0_not_due"
        ]
        data = [
            {"values": values, "key": self.env._("Overdue"), "is_sample_data": False}
        ]
        total = format_amount(self.env, sum(groups.values()), company.currency_id)
        return json.dumps(data), total

    @api.model
    def _get_dso_graph(self, today):
        """DSO of the current company at the end of each of the last twelve
        months, the current month measured on ``today``.

        :return: (JSON of the line graph, today's DSO as formatted text)
        """
        dates = [
            today + relativedelta(months=-months_back, day=31) if months_back else today
            for months_back in range(DSO_MONTHS - 1, -1, -1)
        ]
        series = self.env["account.dunning.analysis"]._get_dso_series(dates)
        values = [
            {
                "x": format_date(self.env, date, date_format="MMM yyyy"),
                "y": round(dso, 1),
            }
            for date, dso in zip(dates, series, strict=True)
        ]
        data = [{"values": values, "key": self.env._("DSO"), "is_sample_data": False}]
        total = self.env._("%(days)s days", days=round(values[-1]["y"]))
        return json.dumps(data), total
