import io

from odoo import models

INJUNCTION_TEMPLATE = "account_dunning_fr.report_dunning_injunction_file_document"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context_model(self, report):
        """The model whose ``_get_report_values`` gives ``report`` its
        values: ``account.dunning.letter`` for the nine letters (one model
        for all of them, see its ``_get_report_values``) and
        ``account.dunning.litigation`` for the payment order file, where
        Odoo looks for a model named ``report.<report_name>``."""
        Letter = self.env["account.dunning.letter"]
        if Letter._is_letter_report(report):
            return Letter
        if report.report_name == INJUNCTION_TEMPLATE:
            return self.env["account.dunning.litigation"]
        return super()._get_rendering_context_model(report)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Stamp the sender's legal identity and "page x / y" at the foot of
        every page of the module's documents, one record at a time.

        A report footer would do it, but Debian's wkhtmltopdf (unpatched Qt)
        silently drops headers and footers: stamping the rendered PDF works
        with any build. Streams read back from a stored attachment are left
        as they are (already stamped), and so is a several-records PDF that
        Odoo could not split (no record to number its pages for).
        """
        streams = super()._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
        report = self._get_report(report_ref)
        if not (report.report_name or "").startswith("account_dunning_fr."):
            return streams
        letter = self.env["account.dunning.letter"]
        for record in self.env[report.model].browse([key for key in streams if key]):
            entry = streams[record.id]
            if not entry.get("stream") or (
                entry.get("attachment") and report.attachment_use
            ):
                continue
            entry["stream"] = io.BytesIO(
                letter._stamp_page_footer(record, entry["stream"].getvalue())
            )
        return streams
