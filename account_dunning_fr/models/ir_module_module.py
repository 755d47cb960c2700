from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        # Companies' copies of the shipped policies follow the new language.
        if "account_dunning_fr" in modules and "account.dunning.policy" in self.env:
            self.env["account.dunning.policy"]._dunning_sync_translations()
        return res
