"""Official French rates per semester (ECB refinancing rate, legal interest).

These figures are set by the ECB and by ministerial order for the whole
country, so the table is shared by all companies. Every legal computation of
the module reads it through the helpers below, which load the whole table in
one query and cache the lookups of one call.
"""

import bisect
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools.late_payment import (
    contractual_floor_rate,
    penalty_rate,
    public_moratorium_rate,
)
from ..tools.semesters import semester_start

_logger = logging.getLogger(__name__)


class AccountDunningRate(models.Model):
    _name = "account.dunning.rate"
    _description = "Dunning Legal Rate"
    _order = "semester_start"
    _rec_name = "semester_start"

    semester_start = fields.Date(
        required=True,
        help="First day of the half-year: 1 January or 1 July.",
    )
    ecb_rate = fields.Float(
        string="ECB Rate (%)",
        digits=(16, 2),
        help="Main refinancing rate of the European Central Bank in force on "
        "the first day of the semester.",
    )
    legal_rate_consumer = fields.Float(
        string="Legal Rate, Private Creditor (%)",
        digits=(16, 2),
        help="Legal interest rate when the creditor is a natural person not "
        "acting for professional needs.",
    )
    legal_rate_other = fields.Float(
        string="Legal Rate, Other Cases (%)",
        digits=(16, 2),
        help="Legal interest rate in all other cases, among them any company "
        "claiming its invoices.",
    )
    note = fields.Char(
        string="Source", help="Official order or publication giving these rates."
    )
    penalty_rate = fields.Float(
        string="Default Penalty Rate (%)",
        digits=(16, 2),
        compute="_compute_derived_rates",
        help="ECB rate + 10 points: late penalties between professionals when "
        "no other rate was agreed.",
    )
    public_rate = fields.Float(
        string="Public Buyer Rate (%)",
        digits=(16, 2),
        compute="_compute_derived_rates",
        help="ECB rate + 8 points: moratorium interest owed by public buyers.",
    )
    contractual_floor_rate = fields.Float(
        string="Contractual Rate Floor (%)",
        digits=(16, 2),
        compute="_compute_derived_rates",
        help="Three times the legal rate (other cases): the lowest penalty rate "
        "terms of sale may set.",
    )

    _sql_constraints = [
        (
            "semester_start_uniq",
            "unique(semester_start)",
            "Each semester can have only one line of rates.",
        ),
    ]

    @api.depends("ecb_rate", "legal_rate_other")
    def _compute_derived_rates(self):
        for rate in self:
            rate.penalty_rate = penalty_rate(rate.ecb_rate)
            rate.public_rate = public_moratorium_rate(rate.ecb_rate)
            rate.contractual_floor_rate = contractual_floor_rate(rate.legal_rate_other)

    @api.depends("semester_start")
    def _compute_display_name(self):
        for rate in self:
            start = rate.semester_start
            rate.display_name = (
                f"{start.year}-S{1 if start.month < 7 else 2}" if start else False
            )

    @api.constrains("semester_start")
    def _check_semester_start(self):
        for rate in self:
            start = rate.semester_start
            if start.day != 1 or start.month not in (1, 7):
                raise ValidationError(
                    self.env._(
                        "Rates are set per half-year: the semester start must be "
                        "1 January or 1 July, not %(date)s.",
                        date=format_date(self.env, start),
                    )
                )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_rate_table(self):
        """Return every known semester, oldest first, in a single query."""
        return self.search([], order="semester_start")

    @api.model
    def _get_rate_getter(self, rate_table=None):
        """Return a function mapping a date to the rate record in force.

        The table is read once; each semester is resolved once, so a missing
        semester is logged once per call even when thousands of invoices ask
        for it.
        """
        rates = self._get_rate_table() if rate_table is None else rate_table
        starts = [rate.semester_start for rate in rates]
        cache = {}

        def get_rate(date):
            semester = semester_start(fields.Date.to_date(date))
            if semester not in cache:
                index = bisect.bisect_right(starts, semester) - 1
                if index < 0:
                    raise UserError(
                        self.env._(
                            "No legal rate is known for %(date)s or any earlier "
                            "semester. Add the rates of that semester to the legal "
                            "rates table of the dunning configuration.",
                            date=format_date(self.env, semester),
                        )
                    )
                rate = rates[index]
                if rate.semester_start != semester:
                    _logger.warning(
                        "Legal rates of the semester starting %s are missing; "
                        "using those of %s instead.",
                        semester,
                        rate.semester_start,
                    )
                cache[semester] = rate
            return cache[semester]

        return get_rate

    @api.model
    def _get_rate_for_date(self, date):
        """Return the rates of the semester containing ``date``.

        When that semester was not entered yet, the last known semester before
        it is used (and a warning logged); a date before any known semester is
        an error the user must fix by entering the rates.
        """
        return self._get_rate_getter()(date)

    @api.model
    def _is_current_semester_missing(self, date=None):
        """Tell whether the semester containing ``date`` (default: today) has
        no rates yet, so that the settings can ask for them."""
        date = date or fields.Date.context_today(self)
        return not self.search_count(
            [("semester_start", "=", semester_start(fields.Date.to_date(date)))],
            limit=1,
        )
