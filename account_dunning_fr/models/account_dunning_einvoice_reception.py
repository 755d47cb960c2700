"""Lifecycle messages the e-invoicing platforms send by email.

Platforms may send the lifecycle messages (CDAR XML files) of the invoices
they carry by email. A company that gives them an address (an alias of
Odoo's mail gateway, named in Settings) gets one record of this model per
email received: its XML attachments are imported exactly as the files an
accountant uploads (``account.dunning.einvoice.import._import_files``), and
the report of what matched and what did not stays on the record and in its
chatter; the accountants get a task when something did not match or could
not be read.
"""

from markupsafe import Markup

from odoo import api, fields, models


class AccountDunningEinvoiceReception(models.Model):
    _name = "account.dunning.einvoice.reception"
    _description = "E-invoicing Lifecycle Email"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(
        string="Received On",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
    )
    email_from = fields.Char(string="From", readonly=True)
    state = fields.Selection(
        [
            ("done", "Imported"),
            ("to_check", "To Check"),
            ("failed", "Nothing Imported"),
        ],
        required=True,
        readonly=True,
        default="done",
        index=True,
        help="Imported: every status matched an invoice. To check: some did "
        "not, or a file could not be read. Nothing imported: no status of "
        "the email was recorded.",
    )
    status_ids = fields.Many2many(
        "account.dunning.einvoice.status",
        "account_dunning_einvoice_reception_status_rel",
        "reception_id",
        "status_id",
        string="Statuses Recorded",
        readonly=True,
    )
    matched_count = fields.Integer(string="Recorded", readonly=True)
    unmatched_count = fields.Integer(string="Not Matched", readonly=True)
    error_count = fields.Integer(string="Unreadable Messages", readonly=True)
    report = fields.Html(readonly=True, sanitize=True)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An email sent to a company's lifecycle address: record it and
        import its XML attachments into that company's invoices."""
        values = {
            "name": msg_dict.get("subject")
            or self.env._("Lifecycle messages by email"),
            "email_from": msg_dict.get("email_from") or False,
            **(custom_values or {}),
        }
        reception = super().message_new(msg_dict, custom_values=values)
        reception._import_attachments(msg_dict.get("attachments") or [])
        return reception

    def action_view_statuses(self):
        """The statuses this email recorded.

        :return: ``ir.actions.act_window`` dict
        """
        self.ensure_one()
        return self.status_ids._action_view()

    # ------------------------------------------------------------------
    def _import_attachments(self, attachments):
        """Import the lifecycle messages among the email's ``attachments``
        and report.

        :param attachments: the mail gateway's attachments, tuples of
            ``(file name, content, info)``; those that are not XML files (a
            signature's logo, the body as a PDF) are listed as left aside
        """
        self.ensure_one()
        company = self.company_id
        files, ignored = [], []
        for name, content, *info in attachments:
            if not self._is_lifecycle_file(name, content):
                ignored.append(name)
                continue
            if isinstance(content, str):
                encoding = (info[0] if info else {}).get("encoding") or "utf-8"
                content = content.encode(encoding, errors="replace")
            files.append((name, content))
        importer = self.env["account.dunning.einvoice.import"].with_company(company)
        recorded, rows = importer._import_files(
            files, source="email", companies=company
        )
        vals = importer._get_result_vals(recorded, rows)
        if ignored:
            vals["report"] += Markup("<h5>%s</h5><ul>%s</ul>") % (
                self.env._("Left aside (not XML)"),
                Markup("").join(Markup("<li>%s</li>") % name for name in ignored),
            )
        if not recorded:
            vals["state"] = "failed"
        elif vals["unmatched_count"] or vals["error_count"]:
            vals["state"] = "to_check"
        else:
            vals["state"] = "done"
        self.write(vals)
        self.message_post(body=vals["report"], subtype_xmlid="mail.mt_note")
        if vals["state"] != "done":
            self._schedule_check()

    def _is_lifecycle_file(self, name, content):
        """Whether an attachment may be a lifecycle message: an XML file by
        its name, or by its first characters."""
        if (name or "").lower().endswith(".xml"):
            return True
        head = content[:100] if content else b""
        if isinstance(head, str):
            head = head.encode("utf-8", errors="replace")
        return head.lstrip().startswith(b"<?xml")

    def _schedule_check(self):
        """A task for the accountant who follows the company's dunning up:
        look at what the email did not import."""
        self.ensure_one()
        user = self._get_responsible()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            user_id=user.id or self.env.uid,
            summary=self.env._("Check the lifecycle messages the email did not import"),
            note=self.report,
        )

    def _get_responsible(self):
        """Who looks at an email not fully imported: the company's default
        dunning responsible, else one of its billing administrators.

        :return: ``res.users`` (possibly empty)
        """
        self.ensure_one()
        company = self.company_id
        if company.dunning_followup_user_id:
            return company.dunning_followup_user_id
        return self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("account.group_account_manager").ids),
                ("company_ids", "in", company.ids),
                ("share", "=", False),
                ("id", "!=", self.env.ref("base.user_root").id),
            ],
            order="id",
            limit=1,
        )
