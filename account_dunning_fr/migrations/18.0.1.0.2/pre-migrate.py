"""The channels of dunning actions were named ``channel_*``; they now bear
the names of the level's fields they are copied from (``send_email``,
``create_call``...). Renaming the columns before the module loads keeps what
was recorded: otherwise Odoo would create empty new columns and the evidence
of past reminders would be lost. The fields' own rows (``ir_model_fields``
and their external ids) are renamed with them, so that what points to a
field (defaults, tracking values, exports) still finds it and the update
does not remove the field and create it again."""

from odoo.tools.sql import column_exists, rename_column

MODEL = "account.dunning.action"
TABLE = "account_dunning_action"
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


def migrate(cr, version):
    for old, new in RENAMED.items():
        if column_exists(cr, TABLE, old) and not column_exists(cr, TABLE, new):
            rename_column(cr, TABLE, old, new)
        cr.execute(
            """
            UPDATE ir_model_fields
               SET name = %(new)s
             WHERE model = %(model)s
               AND name = %(old)s
               AND NOT EXISTS (
                   SELECT 1 FROM ir_model_fields
                    WHERE model = %(model)s AND name = %(new)s
               )
            """,
            {"model": MODEL, "old": old, "new": new},
        )
        prefix = "field_" + TABLE + "__"
        cr.execute(
            """
            UPDATE ir_model_data
               SET name = %(new)s
             WHERE module = 'account_dunning_fr'
               AND model = 'ir.model.fields'
               AND name = %(old)s
               AND NOT EXISTS (
                   SELECT 1 FROM ir_model_data
                    WHERE module = 'account_dunning_fr' AND name = %(new)s
               )
            """,
            {"old": prefix + old, "new": prefix + new},
        )
