from odoo import fields, models


class BatchSanitizedHtml(fields.Html):
    """An HTML field whose sanitization is done once per value within a
    batch of reminders or of history notes.

    Creating an email from a template sanitizes its body three times: for
    the message's column, for the message in the ORM cache, and for the
    email in the ORM cache (it inherits the message's body); a note's body
    is sanitized twice. The passes read the same text with the same
    options, so they give the same result; on a run they cost more than
    rendering the body. Within a batch (``dunning_render_cache`` in the
    context, a dict made for one batch) the first result is kept and given
    again for the same text.

    Everything else is Odoo's ``Html`` field, whose ``_convert`` still does
    the sanitizing: nothing unsanitized is ever returned. A value that a
    privileged user may keep unsanitized (``sanitize_overridable``) depends
    on the record and is never shared.
    """

    def _convert(self, value, record, validate):
        batch = record.env.context.get("dunning_render_cache")
        if (
            batch is None
            or not value
            or not validate
            or not self.sanitize
            or self.sanitize_overridable
        ):
            return super()._convert(value, record, validate)
        key = (
            "html_sanitize",
            self.sanitize_tags,
            self.sanitize_attributes,
            self.sanitize_style,
            self.sanitize_form,
            self.sanitize_conditional_comments,
            self.sanitize_output_method,
            self.strip_style,
            self.strip_classes,
            str(value),
        )
        if key not in batch:
            batch[key] = super()._convert(value, record, validate)
        return batch[key]


class MailMessage(models.Model):
    _inherit = "mail.message"

    # The same field as Odoo's, sanitized once per value within a batch of
    # reminders or notes; the email inherits it (mail.mail's body).
    body = BatchSanitizedHtml()
