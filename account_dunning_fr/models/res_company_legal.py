from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_date


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.constrains("dunning_penalty_rate_mode", "dunning_contractual_rate")
    def _check_dunning_contractual_rate(self):
        """Refuse a contractual penalty rate below the legal floor.

        L441-10 II forbids a rate below three times the legal interest rate
        (other cases). The floor moves every half-year, so the rate is checked
        against the semester in force today and every later semester already
        published.
        """
        companies = self.filtered(
            lambda c: c.dunning_penalty_rate_mode in ("contractual", "max")
        )
        if not companies:
            return
        Rate = self.env["account.dunning.rate"]
        today = fields.Date.context_today(self)
        rates = Rate._get_rate_table()
        if not rates:
            return
        semesters = rates.filtered(lambda r: r.semester_start > today)
        if rates[0].semester_start <= today:
            semesters = Rate._get_rate_getter(rates)(today) | semesters
        for company in companies:
            for rate in semesters:
                floor = rate.contractual_floor_rate
                if float_compare(company.dunning_contractual_rate, floor, 4) < 0:
                    raise ValidationError(
                        self.env._(
                            "The contractual late penalty rate of %(company)s "
                            "(%(rate)s %%) is below the legal floor of %(floor)s "
                            "%% (three times the legal interest rate of the "
                            "semester starting %(semester)s). Set a rate of at "
                            "least %(floor)s %% or use the ECB rate + 10 points.",
                            company=company.name,
                            rate=company.dunning_contractual_rate,
                            floor=floor,
                            semester=format_date(self.env, rate.semester_start),
                        )
                    )
