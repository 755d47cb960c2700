from odoo import fields, models


class AccountDunningRole(models.Model):
    """Role a customer's contact plays in getting our invoices paid.

    Roles drive who receives a reminder when no dunning contact is named
    (accounts payable in large accounts, accounting in SMEs, the owner in
    micro-companies).
    """

    _name = "account.dunning.role"
    _description = "Dunning Contact Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key used by the recipient rule (e.g. accounts_payable).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each dunning role needs its own code."),
    ]
