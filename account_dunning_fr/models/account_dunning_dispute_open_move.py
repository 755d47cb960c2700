from odoo import fields, models
from odoo.tools import SQL, sql


class AccountDunningDisputeOpenMove(models.Model):
    """One row per invoice under an open dispute, kept by
    ``account.dunning.dispute._sync_open_moves``: the unique index on
    ``move_id`` lets the database refuse a second open dispute on an invoice,
    whichever way it is opened and however many requests arrive at once."""

    _name = "account.dunning.dispute.open.move"
    _description = "Invoice Under an Open Dispute"
    _log_access = False

    dispute_id = fields.Many2one(
        "account.dunning.dispute", required=True, index=True, ondelete="cascade"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade"
    )

    _sql_constraints = [
        (
            "move_unique",
            "UNIQUE(move_id)",
            "An invoice can be under one open dispute only.",
        )
    ]

    def init(self):
        # Databases that had disputes before this table: the oldest open
        # dispute of each invoice takes its row.
        if not sql.table_exists(self.env.cr, "account_dunning_dispute_move_rel"):
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO account_dunning_dispute_open_move (dispute_id, move_id)"
                " SELECT DISTINCT ON (rel.move_id) rel.dispute_id, rel.move_id"
                " FROM account_dunning_dispute_move_rel rel"
                " JOIN account_dunning_dispute dispute"
                " ON dispute.id = rel.dispute_id"
                " WHERE dispute.state = 'open'"
                " ORDER BY rel.move_id, dispute.date_open, dispute.id"
                " ON CONFLICT (move_id) DO NOTHING"
            )
        )
