"""The upgrades, each run on a database put back as it was before, inside the
test's transaction (PostgreSQL rolls the column renames back with it): the
action's channels (``channel_*``) renamed to the level's names, and the run's
units given their recipient and channels as fields."""

import importlib.util
import json
from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import column_exists, rename_column

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
TABLE = "account_dunning_action"


def _load_migration(version, name):
    path = MIGRATIONS / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestChannelsMigration(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pre = _load_migration("18.0.1.0.2", "pre-migrate")
        cls.post = _load_migration("18.0.1.0.2", "post-migrate")
        cls.Action = cls.env["account.dunning.action"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Menuiserie Aubert", "is_company": True}
        )

    def _put_back_old_names(self):
        """The columns, field rows and external ids of the action's
        channels as the previous version left them."""
        cr = self.env.cr
        prefix = f"field_{TABLE}__"
        for old, new in self.pre.RENAMED.items():
            rename_column(cr, TABLE, new, old)
            cr.execute(
                "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s",
                (old, self.Action._name, new),
            )
            cr.execute(
                "UPDATE ir_model_data SET name = %s WHERE module = "
                "'account_dunning_fr' AND model = 'ir.model.fields' AND name = %s",
                (prefix + old, prefix + new),
            )

    def test_columns_and_fields_renamed_with_what_they_hold(self):
        kept = self.Action.create(
            {
                "partner_id": self.customer.id,
                "send_registered_letter": True,
                "credit_hold": True,
            }
        )
        self.env.flush_all()
        field_ids = {
            new: self.env["ir.model.fields"]._get(self.Action._name, new).id
            for new in self.pre.RENAMED.values()
        }
        self._put_back_old_names()
        self.assertTrue(column_exists(self.env.cr, TABLE, "channel_registered"))

        self.pre.migrate(self.env.cr, "18.0.1.0.1")

        for old, new in self.pre.RENAMED.items():
            self.assertFalse(column_exists(self.env.cr, TABLE, old), old)
            self.assertTrue(column_exists(self.env.cr, TABLE, new), new)
        self.env.cr.execute(
            "SELECT send_registered_letter, credit_hold, send_email"
            " FROM account_dunning_action WHERE id = %s",
            (kept.id,),
        )
        self.assertEqual(self.env.cr.fetchall(), [(True, True, None)])
        self.env.cr.execute(
            "SELECT name, id FROM ir_model_fields WHERE id IN %s",
            (tuple(field_ids.values()),),
        )
        self.assertEqual(dict(self.env.cr.fetchall()), field_ids)
        self.env.cr.execute(
            "SELECT substr(name, %s), res_id FROM ir_model_data"
            " WHERE module = 'account_dunning_fr' AND model = 'ir.model.fields'"
            " AND res_id IN %s",
            (len(f"field_{TABLE}__") + 1, tuple(field_ids.values())),
        )
        self.assertEqual(dict(self.env.cr.fetchall()), field_ids)

    def test_templates_and_filters_follow_the_new_names(self):
        """The shipped formal notice template, still as shipped but naming
        the old field in every language, is brought back to what the new
        version ships; a template of another model is left alone."""
        cr = self.env.cr
        notice = self.env.ref("account_dunning_fr.mail_template_dunning_formal_notice")
        cr.execute(
            "SELECT body_html::text FROM mail_template WHERE id = %s", (notice.id,)
        )
        shipped = cr.fetchone()[0]
        self.assertIn("object.send_registered_letter", shipped)
        other = self.env["mail.template"].create(
            {
                "name": "Partner note",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body_html": "<p t-if='object.channel_email'>x</p>",
            }
        )
        saved = self.env["ir.filters"].create(
            {
                "name": "Registered letters",
                "model_id": self.Action._name,
                "user_id": False,
            }
        )
        self.env.flush_all()
        # As the previous version let a user save it (a word that only
        # starts like an old name is not one).
        cr.execute(
            "UPDATE ir_filters SET domain = %s WHERE id = %s",
            (
                "[('channel_registered', '=', True), ('channel_email_count', '>', 0)]",
                saved.id,
            ),
        )
        cr.execute(
            "UPDATE mail_template SET body_html = replace("
            "body_html::text, 'send_registered_letter', 'channel_registered'"
            ")::jsonb WHERE id = %s",
            (notice.id,),
        )

        self.post.migrate(cr, "18.0.1.0.1")

        self.env.invalidate_all()
        cr.execute(
            "SELECT body_html::text FROM mail_template WHERE id = %s", (notice.id,)
        )
        self.assertEqual(cr.fetchone()[0], shipped)
        self.assertIn("object.channel_email", other.body_html)
        self.assertEqual(
            saved.domain,
            "[('send_registered_letter', '=', True), ('channel_email_count', '>', 0)]",
        )


@tagged("post_install", "-at_install")
class TestRunUnitChannelsMigration(TransactionCase):
    """The upgrade that gave a run's unit its recipient and channels as
    fields: a unit planned before it sends what was planned."""

    def test_pending_unit_takes_its_planned_recipient_and_channels(self):
        post = _load_migration("18.0.1.0.4", "post-migrate")
        customer = self.env["res.partner"].create(
            {"name": "Menuiserie Aubert", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Service comptable", "parent_id": customer.id}
        )
        run = self.env["account.dunning.run"].create({"state": "running"})
        Unit = self.env["account.dunning.run.unit"]
        pending, done = Unit.create(
            [
                {"run_id": run.id, "partner_id": customer.id, "state": state}
                for state in ("pending", "done")
            ]
        )
        old_vals = {
            "partner_id": customer.id,
            "contact_id": contact.id,
            "send_email": True,
            "send_letter": False,
            "create_call": True,
            "amount_due": 120.0,
        }
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_dunning_run_unit SET action_vals = %s::jsonb"
            " WHERE id IN %s",
            (json.dumps(old_vals), (pending.id, done.id)),
        )
        post.migrate(self.env.cr, "18.0.1.0.3")
        self.env.invalidate_all()
        self.assertEqual(pending.contact_id, contact)
        self.assertTrue(pending.send_email)
        self.assertTrue(pending.create_call)
        self.assertFalse(pending.send_letter)
        self.assertEqual(
            pending.action_vals, {"partner_id": customer.id, "amount_due": 120.0}
        )
        vals = pending._get_planned_action_vals()[pending.id]
        self.assertEqual(vals["contact_id"], contact.id)
        self.assertTrue(vals["send_email"] and vals["create_call"])
        # What was carried out is history: left as it was.
        self.assertFalse(done.send_email)
        self.assertEqual(done.action_vals, old_vals)
