from lxml import etree

from odoo import models


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Compile an inline template once per batch of emails.

        Odoo caches the compilation of stored views, never that of an inline
        template (an email template's body): rendering one body per record
        compiles it again for each, which costs more than rendering it. A
        caller sending many emails of one template passes an empty dict as
        ``dunning_render_cache`` in the context; the compiled template is kept
        there for the batch, keyed by its source and by the whole rendering
        context (language, the restrictions of a user who may not edit
        templates), so that a compilation is only reused where Odoo would
        have compiled the same code.
        """
        cache = self.env.context.get("dunning_render_cache")
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            tuple(
                sorted(
                    (name, repr(value))
                    for name, value in self.env.context.items()
                    # the batch's own key, which no compilation reads
                    if name != "dunning_render_cache"
                )
            ),
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]
