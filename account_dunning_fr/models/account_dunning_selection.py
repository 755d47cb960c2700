"""Selection: the receivable items the run may remind on a date (SPEC §2.5.1).

Posted customer invoices still open, not blocked by a dispute, not covered by
a running payment plan or an unexpired promise, of customers neither excluded
nor under a collective insolvency procedure, and not time-barred.
"""

from odoo import api, models
from odoo.tools import SQL


class AccountDunningSelection(models.AbstractModel):
    _name = "account.dunning.selection"
    _description = "Dunning Run Selection"

    @api.model
    def _get_open_domain(self):
        """Domain of the invoices of the current company the run deals with,
        whatever the date: open, above the tolerance (company currency), not
        blocked nor covered by a running payment plan."""
        company = self.env.company
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual_signed", ">", company.dunning_tolerance),
            ("invoice_date_due", "!=", False),
            ("dunning_blocked", "=", False),
            ("commercial_partner_id.dunning_excluded", "=", False),
            ("commercial_partner_id.dunning_insolvency_date", "=", False),
            # A running payment plan has its own check.
            ("dunning_payment_plan_ids", "not any", [("state", "=", "running")]),
        ]

    @api.model
    def _get_candidate_domain(self, date):
        """Domain of the invoices that may be reminded on ``date``
        (``datetime.date``): open ones whose promise, if any, ran out."""
        return self._get_open_domain() + [
            "|",
            ("dunning_promise_date", "=", False),
            (
                "dunning_promise_date",
                "<",
                self.env["account.dunning.promise"]._cutoff(date),
            ),
        ]

    @api.model
    def _get_candidates(self, date, partners=None):
        """Open invoices that may be reminded, locked for this run.

        Rows another run is working on are skipped (SKIP LOCKED), so two runs
        at once never handle the same invoice.

        :param date: ``datetime.date`` of the run
        :param partners: ``res.partner`` recordset to restrict to, or None
        :return: ``account.move`` recordset, oldest due first
        """
        domain = self._get_candidate_domain(date)
        if partners:
            domain.append(
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids)
            )
        moves = self.env["account.move"].search(domain, order="invoice_date_due, id")
        if not moves:
            return moves
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                moves.ids,
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return moves.filtered(
            lambda m: m.id in locked and not m._dunning_is_prescribed(date)
        )
