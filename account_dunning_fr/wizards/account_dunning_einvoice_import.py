"""Import the lifecycle messages of the e-invoicing platforms (CDAR XML
files): each status is matched with a customer invoice by its number, its
date and the SIRENs of the seller and the buyer, recorded with its message,
and applied; the report says what matched and what did not, and why."""

from markupsafe import Markup, escape

from odoo import Command, fields, models
from odoo.tools import format_date

from ..tools.einvoice_lifecycle import LifecycleMessageError, parse_message, siren_of


class AccountDunningEinvoiceImport(models.TransientModel):
    _name = "account.dunning.einvoice.import"
    _description = "Import E-invoicing Lifecycle Messages"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        "account_dunning_einvoice_import_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="Messages",
        help="Lifecycle messages (CDAR XML) downloaded from the platform: one "
        "or many files.",
    )
    state = fields.Selection(
        [("draft", "To import"), ("done", "Imported")], default="draft", required=True
    )
    status_ids = fields.Many2many(
        "account.dunning.einvoice.status",
        "account_dunning_einvoice_import_status_rel",
        "wizard_id",
        "status_id",
        string="Statuses Recorded",
        readonly=True,
    )
    matched_count = fields.Integer(string="Recorded", readonly=True)
    unmatched_count = fields.Integer(string="Not Matched", readonly=True)
    error_count = fields.Integer(string="Unreadable Messages", readonly=True)
    report = fields.Html(readonly=True, sanitize=True)

    def action_import(self):
        """Read every file, match and record each status it carries.

        A file that cannot be read is reported and skipped; the others are
        imported. A status already recorded (same invoice, code, date and
        message) is not recorded twice.

        :return: ``ir.actions.act_window`` dict reopening the wizard on its
            report
        """
        self.ensure_one()
        recorded, rows = self._import_files(
            [
                (attachment.name, attachment.raw or b"")
                for attachment in self.attachment_ids
            ],
            source="import",
        )
        self.write({"state": "done", **self._get_result_vals(recorded, rows)})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Lifecycle Messages Imported"),
        }

    def action_view_statuses(self):
        """The statuses this import recorded.

        :return: ``ir.actions.act_window`` dict
        """
        self.ensure_one()
        return self.status_ids._action_view()

    # ------------------------------------------------------------------
    def _import_files(self, files, source="import", companies=None):
        """Read the lifecycle messages ``files``, match and record each
        status they carry: the one way statuses are imported, from the files
        an accountant uploads and from the emails the platforms send.

        A file that cannot be read is reported and skipped; the others are
        imported. A status already recorded (same invoice, code, date and
        message) is not recorded twice.

        :param files: list of ``(file name, bytes)``
        :param source: ``account.dunning.einvoice.status.source`` of the
            statuses recorded
        :param companies: ``res.company`` whose invoices are matched, or
            None: the user's companies
        :return: ``(account.dunning.einvoice.status recorded, rows)``, rows a
            dict of lists ``matched`` ``(file, status, invoice)``,
            ``unmatched`` ``(file, status, why)`` and ``errors``
            ``(file, why)``, as ``_render_report`` takes them
        """
        rows = {"matched": [], "unmatched": [], "errors": []}
        recorded = self.env["account.dunning.einvoice.status"]
        for name, data in files:
            try:
                statuses = parse_message(data)
            except LifecycleMessageError as error:
                rows["errors"].append(
                    (name, self.env._(error.template, **error.params))
                )
                continue
            for status in statuses:
                move, problem = self._match(status, companies)
                if not move:
                    rows["unmatched"].append((name, status, problem))
                    continue
                if self._already_recorded(move, status):
                    rows["unmatched"].append(
                        (
                            name,
                            status,
                            self.env._(
                                "already recorded on %(invoice)s", invoice=move.name
                            ),
                        )
                    )
                    continue
                recorded |= move._dunning_receive_einvoice_status(
                    status.code,
                    status.date,
                    reason_code=status.reason_code,
                    reason=status.reason,
                    amount=status.amount,
                    action_code=status.action_code,
                    source=source,
                    attachment=self._keep_message(move, name, data),
                    message_ref=status.message_id or None,
                )
                rows["matched"].append((name, status, move))
        return recorded, rows

    def _match(self, status, companies=None):
        """The invoice ``status`` (``tools.einvoice_lifecycle
        .LifecycleStatus``) speaks of, among the posted customer invoices of
        ``companies`` (``res.company``, by default the user's companies).

        :return: ``(account.move, problem)``: the invoice and "", or an empty
            recordset and why nothing matched (translated)
        """
        Move = self.env["account.move"]
        moves = Move.search(
            [
                ("name", "=", status.invoice_number),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("company_id", "in", (companies or self.env.companies).ids),
            ]
        )
        if not moves:
            return Move, self.env._("no posted customer invoice has this number")
        if status.seller_siren:
            ours = moves.filtered(
                lambda m: self._siren(m.company_id) in (None, status.seller_siren)
            )
            if not ours:
                return Move, self.env._(
                    "the invoice was issued by SIREN %(siren)s, not by your company",
                    siren=status.seller_siren,
                )
            moves = ours
        if status.invoice_date:
            dated = moves.filtered(lambda m: m.invoice_date == status.invoice_date)
            if not dated:
                return Move, self.env._(
                    "the message dates the invoice %(date)s, %(invoice)s is dated "
                    "%(invoice_date)s",
                    date=format_date(self.env, status.invoice_date),
                    invoice=moves[0].name,
                    invoice_date=format_date(self.env, moves[0].invoice_date),
                )
            moves = dated
        if status.buyer_siren:
            buyers = moves.filtered(
                lambda m: (
                    self._siren(m.commercial_partner_id) in (None, status.buyer_siren)
                )
            )
            if not buyers:
                return Move, self.env._(
                    "the buyer's SIREN %(siren)s is not that of %(customer)s",
                    siren=status.buyer_siren,
                    customer=moves[0].commercial_partner_id.display_name,
                )
            moves = buyers
        if len(moves) > 1:
            return Move, self.env._(
                "several invoices carry this number: %(companies)s",
                companies=", ".join(moves.company_id.mapped("name")),
            )
        return moves, ""

    def _siren(self, record):
        """SIREN of a company or a customer, or None when it has none."""
        for field in ("company_registry", "siret"):
            if field in record._fields and record[field]:
                siren = siren_of(record[field], None)
                if siren:
                    return siren
        return None

    def _already_recorded(self, move, status):
        return bool(
            status.message_id
            and self.env["account.dunning.einvoice.status"].search_count(
                [
                    ("move_id", "=", move.id),
                    ("code", "=", status.code),
                    ("date", "=", status.date),
                    ("message_ref", "=", status.message_id),
                ],
                limit=1,
            )
        )

    def _keep_message(self, move, name, data):
        """The message, attached to the invoice for its evidence file."""
        return self.env["ir.attachment"].create(
            {
                "name": name or "lifecycle.xml",
                "raw": data,
                "mimetype": "application/xml",
                "res_model": "account.move",
                "res_id": move.id,
            }
        )

    def _get_result_vals(self, recorded, rows):
        """What an import recorded, as the values of the result fields this
        wizard and an email's reception (``account.dunning.einvoice.reception``)
        both have.

        :param recorded: ``account.dunning.einvoice.status`` recorded
        :param rows: the rows of ``_import_files``
        :return: dict of ``status_ids``, ``matched_count``,
            ``unmatched_count``, ``error_count`` and ``report`` (HTML)
        """
        return {
            "status_ids": [Command.set(recorded.ids)],
            "matched_count": len(rows["matched"]),
            "unmatched_count": len(rows["unmatched"]),
            "error_count": len(rows["errors"]),
            "report": self._render_report(rows),
        }

    def _render_report(self, rows):
        """The import's report as HTML: the statuses recorded, those not
        matched and why, the files that could not be read."""
        labels = dict(
            self.env["account.dunning.einvoice.status"]
            ._fields["code"]
            ._description_selection(self.env)
        )

        def describe(status):
            return self.env._(
                "%(code)s %(label)s on %(date)s for invoice %(number)s",
                code=status.code,
                label=labels[status.code],
                date=format_date(self.env, status.date),
                number=status.invoice_number,
            )

        def section(title, items):
            if not items:
                return Markup()
            lines = Markup("").join(Markup("<li>%s</li>") % item for item in items)
            return Markup("<h5>%s</h5><ul>%s</ul>") % (title, lines)

        matched = [
            self.env._(
                "%(file)s: %(status)s, recorded on %(invoice)s",
                file=name,
                status=describe(status),
                invoice=move.name,
            )
            for name, status, move in rows["matched"]
        ]
        unmatched = [
            self.env._(
                "%(file)s: %(status)s: %(problem)s",
                file=name,
                status=describe(status),
                problem=problem,
            )
            for name, status, problem in rows["unmatched"]
        ]
        errors = [
            self.env._("%(file)s: %(error)s", file=name, error=error)
            for name, error in rows["errors"]
        ]
        if not (matched or unmatched or errors):
            return Markup("<p>%s</p>") % self.env._("No message to import.")
        return (
            section(self.env._("Recorded"), [escape(m) for m in matched])
            + section(self.env._("Not matched"), [escape(u) for u in unmatched])
            + section(self.env._("Not read"), [escape(e) for e in errors])
        )
