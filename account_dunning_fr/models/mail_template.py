import ast
import datetime

import babel.dates

from odoo import models
from odoo.tools import float_round, posix_to_ldml
from odoo.tools.misc import babel_locale_parse, get_lang

from odoo.addons.base.models.res_lang import intersperse


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_eval_context(self):
        """Within a batch of reminders (``dunning_render_cache`` in the
        context, see ``ir.qweb._compile``), dates and amounts are formatted
        by a formatter made once per language (and currency) for the whole
        batch, and each date once per value.

        Each of Odoo's ``format_date`` and ``format_amount`` looks the
        language, its locale and its patterns up again; a reminder formats
        a date and an amount per invoice, and the due dates of a run's
        reminders repeat. A formatter is kept for the language it was made
        in and the rendering environment's, in which a value always formats
        the same.
        """
        values = super()._render_eval_context()
        batch = self.env.context.get("dunning_render_cache")
        if batch is None:
            return values
        format_date = values["format_date"]
        dates = batch.setdefault(("dates", self.env.lang), {})
        date_formatters = batch.setdefault(("format_date", self.env.lang), {})
        formatters = batch.setdefault(("format_amount", self.env.lang), {})

        def cached_format_date(date, date_format=False, lang_code=False):
            # Datetimes (converted to the user's time zone) and strings are
            # left to Odoo.
            if type(date) is not datetime.date:
                return format_date(date, date_format, lang_code)
            key = (date, date_format, lang_code)
            if key not in dates:
                formatter = date_formatters.get((date_format, lang_code))
                if formatter is None:
                    formatter = date_formatters[(date_format, lang_code)] = (
                        self._get_date_formatter(date_format, lang_code)
                    )
                dates[key] = formatter(date)
            return dates[key]

        def cached_format_amount(amount, currency, lang_code=False):
            key = (currency.id, lang_code)
            if key not in formatters:
                formatters[key] = self._get_amount_formatter(currency, lang_code)
            return formatters[key](amount)

        values["format_date"] = cached_format_date
        values["format_amount"] = cached_format_amount
        return values

    def _get_date_formatter(self, date_format=False, lang_code=False):
        """Odoo's ``format_date`` of a date for one language and pattern,
        the language's locale and pattern looked up once: the same text.

        :param date_format: LDML pattern, or False for the language's own
        :param lang_code: language code, or False for the context's
        :return: callable ``datetime.date -> str``
        """
        lang = get_lang(self.env, lang_code)
        locale = babel_locale_parse(lang.code)
        pattern = date_format or posix_to_ldml(lang.date_format, locale=locale)

        def format_date(date):
            return babel.dates.format_date(date, format=pattern, locale=locale)

        return format_date

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
