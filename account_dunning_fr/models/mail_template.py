import ast

from odoo import models
from odoo.tools import float_round
from odoo.tools.misc import get_lang

from odoo.addons.base.models.res_lang import intersperse


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_eval_context(self):
        """Within a batch of reminders (``dunning_qweb_cache`` in the
        context, see ``ir.qweb._compile``), the dates the template formats
        are formatted once per value, and its amounts by a formatter made
        once per currency and language.

        Each of Odoo's ``format_date`` and ``format_amount`` looks the
        language up again through cached calls and reads its grouping again;
        a reminder formats a date and an amount per invoice, and the due
        dates of a run's reminders repeat. The context is made for one
        language and one rendering environment, in which a value always
        formats the same.
        """
        values = super()._render_eval_context()
        if self.env.context.get("dunning_qweb_cache") is None:
            return values
        format_date = values["format_date"]
        dates, formatters = {}, {}

        def cached_format_date(date, date_format=False, lang_code=False):
            key = (date, date_format, lang_code)
            if key not in dates:
                dates[key] = format_date(date, date_format, lang_code)
            return dates[key]

        def cached_format_amount(amount, currency, lang_code=False):
            key = (currency.id, lang_code)
            if key not in formatters:
                formatters[key] = self._get_amount_formatter(currency, lang_code)
            return formatters[key](amount)

        values["format_date"] = cached_format_date
        values["format_amount"] = cached_format_amount
        return values

    def _get_amount_formatter(self, currency, lang_code=False):
        """Odoo's ``format_amount`` for one currency and language, what it
        looks up read once: the same text, rounded to the currency, grouped
        and punctuated as the language says, the symbol on the currency's
        side, joined by no-break spaces.

        :param currency: ``res.currency``
        :param lang_code: language code, or False for the context's
        :return: callable ``amount (float) -> str``
        """
        lang = get_lang(self.env, lang_code)
        grouping = ast.literal_eval(lang.grouping)
        separator = lang.thousands_sep or ""
        point = lang.decimal_point
        pattern = f"%.{currency.decimal_places}f"
        rounding = currency.rounding
        symbol = currency.symbol or ""
        before = currency.position == "before"
        pre = f"{symbol}\N{NO-BREAK SPACE}" if before else ""
        post = "" if before else f"\N{NO-BREAK SPACE}{symbol}"

        def format_amount(amount):
            parts = (pattern % float_round(amount, precision_rounding=rounding)).split(
                "."
            )
            parts[0] = intersperse(parts[0], grouping, separator)[0]
            number = (
                point.join(parts)
                .replace(" ", "\N{NO-BREAK SPACE}")
                .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            )
            return f"{pre}{number}{post}"

        return format_amount
