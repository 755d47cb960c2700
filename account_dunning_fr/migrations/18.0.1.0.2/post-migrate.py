"""The channels of dunning actions were renamed from ``channel_*`` to the
level's names (``send_registered_letter``...). The reminder email templates
are loaded once and never updated afterwards (``noupdate``): their
expressions naming an old field are brought to the new name here, in every
language, so that a template still as shipped renders as the new one does;
only the field names change, never the wording a company gave a template.
The users' saved filters on actions are renamed the same way."""

from odoo.tools import SQL

RENAMED = {
    "channel_email": "send_email",
    "channel_letter": "send_letter",
    "channel_registered": "send_registered_letter",
    "channel_sms": "send_sms",
    "channel_call": "create_call",
    "channel_visit": "create_visit",
    "channel_salesperson": "notify_salesperson",
    "channel_credit_hold": "credit_hold",
}
MODEL = "account.dunning.action"
# Translated columns are JSON objects, one value per language: renamed in
# their text, where the names (plain letters) never need escaping.
TEMPLATE_COLUMNS = (
    "subject",
    "body_html",
    "partner_to",
    "email_to",
    "email_cc",
    "lang",
)
TRANSLATED = ("subject", "body_html")
FILTER_COLUMNS = ("domain", "context", "sort")


def _rename(cr, table, columns, model_column):
    for column in columns:
        cast = SQL("::jsonb") if column in TRANSLATED else SQL()
        for old, new in RENAMED.items():
            # \m and \M: whole words only (channel_emails would stay).
            pattern = rf"\m{old}\M"
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s
                       SET %(column)s = regexp_replace(
                           %(column)s::text, %(pattern)s, %(new)s, 'g'
                       )%(cast)s
                     WHERE %(model_column)s = %(model)s
                       AND %(column)s::text ~ %(pattern)s
                    """,
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    model_column=SQL.identifier(model_column),
                    cast=cast,
                    pattern=pattern,
                    new=new,
                    model=MODEL,
                )
            )


def migrate(cr, version):
    _rename(cr, "mail_template", TEMPLATE_COLUMNS, "model")
    _rename(cr, "ir_filters", FILTER_COLUMNS, "model_id")
