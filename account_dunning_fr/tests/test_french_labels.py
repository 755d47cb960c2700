from pathlib import Path

import polib

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

from .common import DunningCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestFrenchLabels(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A policy the user renamed keeps its wording when French arrives.
        cls.env["account.dunning.policy"].search(
            [("payer_profile", "=", "good"), ("company_id", "=", cls.company.id)]
        ).with_context(lang="en_US").name = "Clients fidèles"
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def _label(self, model, field):
        return self.fr[model]._fields[field].get_description(self.fr)["string"]

    def _selection(self, model, field):
        return dict(self.fr[model]._fields[field]._description_selection(self.fr))

    def test_fields_and_selections_in_french(self):
        self.assertEqual(self._label("res.partner", "payer_profile"), "Profil payeur")
        self.assertEqual(
            self._selection("res.partner", "payer_profile"),
            {
                "good": "Bon payeur",
                "negligent": "Payeur négligent",
                "bad": "Mauvais payeur",
                "insolvent": "En difficulté / insolvable",
                "administrative": "Payeur administratif",
            },
        )
        self.assertEqual(
            self._selection("res.partner", "dunning_company_size"),
            {"large": "Grand compte", "sme": "PME", "micro": "TPE"},
        )
        self.assertEqual(
            self._label("account.dunning.level", "is_formal_notice"), "Mise en demeure"
        )
        self.assertEqual(
            self._label("account.move", "dunning_level_id"), "Niveau de relance"
        )

    def test_shipped_data_in_french(self):
        # self.company copied the policies before French was loaded (they
        # follow it); a company created afterwards copies them in French.
        renamed = self.Policy.search(
            [("payer_profile", "=", "good"), ("company_id", "=", self.company.id)]
        )
        new_company = self.env["res.company"].create(
            {"name": "Ébénisterie Roche SARL", "country_id": self.env.ref("base.fr").id}
        )
        for company in (self.company, new_company):
            policy = company.dunning_default_policy_id.with_env(self.fr)
            self.assertEqual(policy.name, "Standard")
            names = policy._get_levels_ordered().mapped("name")
            self.assertIn("Première relance", names)
            self.assertIn("Mise en demeure", names)
            bad = self.fr["account.dunning.policy"].search(
                [("payer_profile", "=", "bad"), ("company_id", "=", company.id)]
            )
            self.assertEqual(bad.name, "Mauvais payeurs")
        self.assertEqual(renamed.with_env(self.fr).name, "Clients fidèles")
        role = self.roles["accounts_payable"].with_env(self.fr)
        self.assertEqual(role.name, "Comptabilité fournisseurs")

    def test_error_in_users_language(self):
        self.admin.lang = "fr_FR"
        with self.assertRaisesRegex(ValidationError, "ne fait rien"):
            # The web client sends the user's language in the context.
            self.Policy.with_user(self.admin).with_context(lang="fr_FR").create(
                {
                    "name": "Vide",
                    "level_ids": [(0, 0, self._level_vals(10, 3, send_email=False))],
                }
            )

    def test_every_term_translated(self):
        """No English left: every exported term has a French translation."""
        # Read the terms from the installed module itself, so a stale .pot
        # cannot hide a new English string.
        reader = TranslationModuleReader(self.env.cr, modules=["account_dunning_fr"])
        sources = {
            entry[4]
            for entry in reader
            if entry[0] == "account_dunning_fr" and entry[4].strip()
        }
        french = polib.pofile(str(I18N / "fr.po"))
        translated = {entry.msgid for entry in french.translated_entries()}
        missing = sorted(sources - translated)
        self.assertFalse(missing, f"terms without a French translation: {missing[:20]}")
        self.assertFalse(french.untranslated_entries())
        self.assertFalse(french.fuzzy_entries())
