"""The formal notice's checklist fields of dunning actions were named
``fn_*``; they are now ``formal_notice_*``. Renaming the columns before the
module loads keeps what was recorded: otherwise Odoo would create empty new
columns and the evidence of past formal notices would be lost."""

from odoo.tools.sql import column_exists, rename_column

TABLE = "account_dunning_action"
RENAMED = (
    "signed_order",
    "delivery_proof",
    "invoice_matches",
    "due_date_passed",
    "not_prescribed",
    "delivery_mode",
)


def migrate(cr, version):
    for name in RENAMED:
        old, new = f"fn_{name}", f"formal_notice_{name}"
        if column_exists(cr, TABLE, old) and not column_exists(cr, TABLE, new):
            rename_column(cr, TABLE, old, new)
