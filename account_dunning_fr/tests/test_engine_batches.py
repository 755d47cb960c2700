"""The dunning run at scale: duplicate actions refused by the database,
queries per batch, the run wizard, the cron's batches (printing: test_post_room)."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import fields as odoo_fields
from odoo.tests import tagged
from odoo.tools import format_amount, format_date, html_sanitize, mute_logger

from odoo.addons.base.models.ir_qweb import IrQWeb

from ..models import account_dunning_run as run_model
from .common_engine import DUE, DunningEngineCommon, day


@tagged("post_install", "-at_install")
class TestDunningEngineBatches(DunningEngineCommon):
    # The refused insert is logged by Odoo as a failed query.
    @mute_logger("odoo.sql_db")
    def test_duplicate_live_action_refused_by_database(self):
        """The last line of defence when two runs overlap."""
        invoice = self._create_invoice(self.customer, 500.0, DUE)
        vals = self.env["account.dunning.planning"]._prepare_action_vals(
            self.customer, invoice, day(3), level=self.levels[1]
        )
        first = self.env["account.dunning.planning"]._create_proposals([vals])
        self.assertEqual(len(first), 1)
        second = self.env["account.dunning.planning"]._create_proposals([dict(vals)])
        self.assertFalse(second, "the database refuses a second live action")
        first.action_cancel()
        self.assertEqual(
            len(self.env["account.dunning.planning"]._create_proposals([dict(vals)])),
            1,
            "a cancelled action no longer blocks",
        )

    def test_lines_written_at_once_known_as_the_database_orders_them(self):
        """The lines an action's creation writes in one statement are known
        without reading them back, and they are what the database holds, in
        its order: debits before credits, by due date, one without a due
        date last."""
        moves = self._credit_note(self.customer, 50.0)
        for amount, offset in ((300.0, -20), (200.0, -40), (100.0, -30)):
            moves |= self._create_invoice(self.customer, amount, day(offset))
        items = moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        Line = self.env["account.dunning.action.line"]
        commands = Line._prepare_commands(
            items._dunning_items(), dict.fromkeys(items.ids, self.levels[1].id)
        )
        debits = [vals for _c, _id, vals in commands if not vals["is_credit"]]
        debits[0]["date_maturity"] = False
        action = self.env["account.dunning.action"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "line_ids": commands,
            }
        )
        # Every stored field of a line: none may need reading back.
        fnames = [name for name, field in Line._fields.items() if field.store]

        def lines():
            return [tuple(line[fname] for fname in fnames) for line in action.line_ids]

        with self.assertQueryCount(0):
            known = lines()
        self.env.invalidate_all()
        self.assertEqual(known, lines())
        credit = action.line_ids.filtered("is_credit")
        self.assertEqual(
            [(line.is_credit, line.date_maturity) for line in action.line_ids],
            [
                (False, day(-40)),
                (False, day(-30)),
                (False, False),
                (True, credit.move_line_id.date_maturity),
            ],
        )

    def test_queries_per_batch_do_not_grow_with_customers(self):
        def count_queries(customers):
            self.env.invalidate_all()
            # Odoo makes an environment again once the one it kept was
            # garbage-collected, and reads its company from the user: read
            # it before counting, so that the count does not depend on when
            # the collector ran.
            self.env.user.fetch(["company_id", "company_ids"])
            before = self.env.cr.sql_log_count
            self.env["account.dunning.planning"]._prepare_proposals(
                day(3), partners=customers
            )
            return self.env.cr.sql_log_count - before

        customers = [
            self._create_customer(f"Client {i}", dunning_policy_id=self.policy.id)
            for i in range(6)
        ]
        for customer in customers:
            self._create_invoice(customer, 100.0, DUE)
        count_queries(customers[0])  # warm Odoo's caches (ormcache, registry)
        small = count_queries(customers[0] | customers[1])
        large = count_queries(self.env["res.partner"].concat(*customers))
        self.assertEqual(small, large, "SQL queries must not grow with the batch")

    def test_amounts_formatted_as_odoo_formats_them(self):
        """The reminders' amount formatter gives Odoo's ``format_amount``
        text, in every language, currency side and number of decimals."""
        self.env["res.lang"]._activate_lang("fr_FR")
        Template = self.env["mail.template"]
        currencies = (
            self.env.ref("base.EUR"),
            self.env.ref("base.USD"),
            self.env.ref("base.JPY").with_context(active_test=False),
        )
        amounts = (0.0, 1.0, -1.0, 0.005, -0.004, 999.995, 1234.5, -1234567.891, 1e9)
        for lang in ("fr_FR", "en_US"):
            for currency in currencies:
                formatter = Template._get_amount_formatter(currency, lang)
                for amount in amounts:
                    with self.subTest(lang=lang, currency=currency.name, amount=amount):
                        self.assertEqual(
                            formatter(amount),
                            format_amount(self.env, amount, currency, lang),
                        )
        euro = Template._get_amount_formatter(currencies[0], "fr_FR")
        self.assertEqual(
            euro(-1234.5),
            "-\N{ZERO WIDTH NO-BREAK SPACE}1\N{NO-BREAK SPACE}234,50"
            "\N{NO-BREAK SPACE}€",
        )

    def test_dates_formatted_as_odoo_formats_them(self):
        """The reminders' date formatter gives Odoo's ``format_date`` text,
        in every language, with the language's pattern or one given; and a
        batch's emails format through it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        Template = self.env["mail.template"]
        dates = (
            date(2026, 1, 1),
            date(2026, 2, 28),
            date(2027, 12, 31),
            date(1999, 7, 4),
        )
        for lang in ("fr_FR", "en_US", False):
            for pattern in (False, "dd MMMM yyyy", "MMM yy"):
                formatter = Template._get_date_formatter(pattern, lang)
                for value in dates:
                    with self.subTest(lang=lang, pattern=pattern, date=value):
                        self.assertEqual(
                            formatter(value),
                            format_date(
                                self.env, value, lang_code=lang, date_format=pattern
                            ),
                        )
        self.assertEqual(
            Template._get_date_formatter("d MMMM yyyy", "fr_FR")(date(2026, 2, 28)),
            "28 février 2026",
        )
        self.assertEqual(
            Template._get_date_formatter(False, "fr_FR")(date(2026, 2, 28)),
            "28/02/2026",
        )
        values = Template.with_context(
            lang="fr_FR", dunning_render_cache={}
        )._render_eval_context()
        self.assertEqual(values["format_date"](date(2026, 3, 5)), "05/03/2026")
        self.assertEqual(values["format_date"](False), "")

    def test_email_body_compiled_once_per_language(self):
        """The emails of one template sent together have their body compiled
        once per language, not once per email, and each still speaks of its
        own customer's invoices in its reader's language."""
        customers = self.env["res.partner"]
        for i, lang in enumerate(("fr_FR", "fr_FR", "fr_FR", "en_US")):
            customers |= self._create_customer(
                f"Client {i}",
                lang=lang,
                email=f"compta{i}@client.example",
                dunning_policy_id=self.policy.id,
            )
        self._use_french(customers[:3])
        invoices = {
            customer: self._create_invoice(customer, 1000.0 + 100 * i, DUE)
            for i, customer in enumerate(customers)
        }
        compiled = []
        compile_base = IrQWeb._compile

        def counting(qweb, template):
            if isinstance(template, etree._Element):
                compiled.append(qweb.env.lang)
            return compile_base(qweb, template)

        # Without letters: the emails then leave in the run itself (with
        # letters, once they are rendered: test_letter_rendering).
        Action = self.Action.with_context(dunning_skip_letter_rendering=True)
        with freeze_time(day(3)), patch.object(IrQWeb, "_compile", counting):
            actions = Action._run_dunning(
                date=day(3), companies=self.company, partners=customers
            )
        self.assertEqual(len(actions), 4)
        self.assertEqual(sorted(compiled), ["en_US", "fr_FR"])
        for i, customer in enumerate(customers):
            action = actions.filtered(lambda a, c=customer: a.partner_id == c)
            self.assertEqual(action.state, "done")
            body = action.mail_id.body_html
            self.assertIn(invoices[customer].name, body)
            amount = f"{1000 + 100 * i:,.2f}"
            if customer.lang == "fr_FR":
                self.assertIn("Madame, Monsieur", body)
                french = amount.replace(",", "\N{NO-BREAK SPACE}")
                self.assertIn(french.replace(".", ","), body)
            else:
                self.assertIn("Dear Sir or Madam", body)
                self.assertIn(amount, body)

    def test_email_body_sanitized_once_as_odoo_sanitizes_it(self):
        """Each reminder email's body is sanitized once, not three times
        (message column, message and email in the cache), the note on its
        customer once, not twice, and what is kept
        is what Odoo's own sanitizing of that body gives: the same text in
        the database, on the message and on the email. What the sanitizer
        removes is still removed within a batch."""
        customers = self.env["res.partner"]
        for i in range(3):
            customers |= self._create_customer(
                f"Client {i}",
                email=f"compta{i}@client.example",
                dunning_policy_id=self.policy.id,
            )
            self._create_invoice(customers[-1], 1000.0 + i, DUE)
        sanitized = []

        def counting(src, **options):
            sanitized.append(src)
            return html_sanitize(src, **options)

        Action = self.Action.with_context(dunning_skip_letter_rendering=True)
        with freeze_time(day(3)), patch.object(odoo_fields, "html_sanitize", counting):
            actions = Action._run_dunning(
                date=day(3), companies=self.company, partners=customers
            )
        self.assertEqual(len(actions), 3)
        bodies = [str(action.mail_id.body_html) for action in actions]
        for body in bodies:
            self.assertEqual(
                sum(str(src) == body for src in sanitized), 1, "sanitized once"
            )
        # The note each reminder leaves on its customer: once too.
        for action in actions:
            self.assertEqual(
                sum(
                    "data-oe-model" in src and f">{action.name}<" in src
                    for src in sanitized
                ),
                1,
            )
        field = self.env["mail.message"]._fields["body"]
        kept = {action: action.mail_id.body for action in actions}
        self.env.invalidate_all()
        for action, body in zip(actions, bodies, strict=True):
            expected = field.convert_to_cache(body, self.env["mail.message"])
            self.assertEqual(action.mail_id.mail_message_id.body, expected)
            self.assertEqual(action.mail_id.body, expected)
            self.assertEqual(kept[action], expected)
        # A batch gives back only what the sanitizer made of a value.
        message = (
            self.env["mail.message"]
            .with_context(dunning_render_cache={})
            .create(
                [
                    {"body": '<p>Bonjour</p><script>alert("x")</script>'},
                    {"body": '<p>Bonjour</p><script>alert("x")</script>'},
                ]
            )
        )
        self.env.invalidate_all()
        self.assertEqual(message.mapped("body"), ["<p>Bonjour</p>"] * 2)

    def test_subjects_rendered_without_evaluating_code(self):
        """The subjects of the shipped reminder emails name plain fields only,
        in every language: Odoo renders them without evaluating code, and
        they still name the company and the reminder."""
        self.env["res.lang"]._activate_lang("fr_FR")
        Mixin = self.env["mail.render.mixin"]
        templates = self.env["mail.template"].search(
            [("model", "=", "account.dunning.action")]
        )
        self.assertGreaterEqual(len(templates), 8)
        for template in templates:
            for lang in ("en_US", "fr_FR"):
                subject = template.with_context(lang=lang).subject
                self.assertFalse(
                    Mixin._has_unsafe_expression_template_inline_template(
                        subject, "account.dunning.action"
                    ),
                    f"{template.name} ({lang}): {subject}",
                )
        self._create_invoice(self.customer, 500.0, DUE)
        Action = self.Action.with_context(dunning_skip_letter_rendering=True)
        with freeze_time(day(3)):
            action = Action._run_dunning(
                date=day(3), companies=self.company, partners=self.customer
            )
        self.assertEqual(action.state, "done")
        self.assertEqual(
            action.mail_id.subject,
            f"{self.company.name} – Unpaid invoices ({action.name})",
        )

    def test_run_wizard_preview_adjust_execute(self):
        self._create_invoice(self.customer, 500.0, DUE)
        other = self._create_customer("Garage Leroy", dunning_policy_id=self.policy.id)
        self._create_invoice(other, 300.0, DUE)
        with freeze_time(day(3)):
            wizard = self._preview(day(3))
            self.assertEqual(len(wizard.unit_ids), 2)
            self.assertFalse(
                self.env["account.dunning.action"].search(
                    [("partner_id", "in", (self.customer | other).ids)]
                ),
                "the preview creates no action",
            )
            kept = wizard.unit_ids.filtered(lambda u: u.partner_id == self.customer)
            left_out = wizard.unit_ids - kept
            self.assertEqual(kept.amount_due, 500.0)
            self.assertEqual(kept.move_ids.partner_id, self.customer)
            self.assertFalse(kept.send_letter)
            kept.send_letter = True
            wizard.unit_ids = kept
            wizard.action_execute()
        action = wizard.action_ids
        self.assertEqual(action.partner_id, self.customer)
        self.assertEqual(action.state, "done")
        self.assertTrue(action.send_letter, "the channel chosen in the preview")
        self.assertEqual(action.print_state, "to_print")
        self.assertEqual(left_out.state, "skipped", "a line left out is not sent")
        self.assertFalse(left_out.action_id)
        self.assertEqual(wizard.executed_count, 1)
        # The line left out comes back in the next run.
        self.assertEqual(self._run(day(4)).partner_id, other)

    def _plan_by_cron(self, Runner, progress):
        """Call the scheduled action until every company's run of the day is
        planned: with its budget spent, each callback plans one company and
        reports the companies and units left."""
        # Every company's runs, as the scheduled action (superuser) sees them.
        Run = self.env["account.dunning.run"].sudo()
        # Those with a policy: the others are left out of the daily run.
        companies = len(Run._get_dunning_companies())
        for planned in range(1, companies + 1):
            Runner._cron_run()
            self.assertEqual(progress.done, 1, "one company planned per callback")
            self.assertEqual(
                Run.search_count([("origin", "=", "scheduled"), ("date", "=", day(3))]),
                planned,
            )

    def test_cron_works_in_batches(self):
        """The day's run is planned once; each cron call carries out the
        units it claims within its time budget and reports what is left, so
        that Odoo calls again."""
        customers = [
            self._create_customer(f"Client {i}", dunning_policy_id=self.policy.id)
            for i in range(3)
        ]
        for customer in customers:
            self._create_invoice(customer, 100.0, DUE)
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_run")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        # The scheduled action runs as the superuser, over every company.
        Run = (
            self.env["account.dunning.run"]
            .sudo()
            .with_context(ir_cron_progress_id=progress.id)
        )
        with (
            patch.object(run_model, "CLAIM_SIZE", 2),
            patch.object(run_model, "TIME_BUDGET", 0.0),
            freeze_time(day(3)),
        ):
            self._plan_by_cron(Run, progress)
            self.assertEqual(progress.remaining, 3, "the units, none carried out")
            self.assertFalse(
                self.Action.search([("partner_id", "in", [c.id for c in customers])]),
                "a callback that plans carries nothing out",
            )
            Run._cron_run()
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            Run._cron_run()
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            Run._cron_run()
            self.assertEqual((progress.done, progress.remaining), (0, 0))
        actions = self.Action.search([("partner_id", "in", [c.id for c in customers])])
        self.assertEqual(len(actions), 3)
        run = self.env["account.dunning.run"].search(
            [("origin", "=", "scheduled"), ("date", "=", day(3))]
        )
        self.assertEqual(len(run), 1, "the day's run is planned once")
        self.assertRecordValues(
            run, [{"state": "done", "unit_count": 3, "done_count": 3}]
        )
        self.assertEqual(run.action_ids, actions)

    def test_cron_batches_count_every_company(self):
        """What is left in another company keeps the runner calling: a small
        first company must not end the day's run."""
        other = self.setup_other_company()["company"]
        self._create_invoice(self.customer, 100.0, DUE)
        for name in ("Client Nord", "Client Sud"):
            customer = self._create_customer(name)
            self._create_invoice(customer, 100.0, DUE, company=other)
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_run")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        # The scheduled action runs as the superuser, over every company.
        Run = (
            self.env["account.dunning.run"]
            .sudo()
            .with_context(ir_cron_progress_id=progress.id)
        )
        with (
            patch.object(run_model, "CLAIM_SIZE", 2),
            patch.object(run_model, "TIME_BUDGET", 0.0),
            freeze_time(day(3)),
        ):
            self._plan_by_cron(Run, progress)
            self.assertEqual(progress.remaining, 3)
            Run._cron_run()
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            Run._cron_run()
            self.assertEqual((progress.done, progress.remaining), (1, 0))
        # The actions of both companies, whichever the test user works in.
        self.assertEqual(
            set(self.Action.sudo().search([("date", "=", day(3))]).company_id),
            {self.company, other},
        )

    def test_cron_paused_when_bank_statements_are_old(self):
        self.company.dunning_bank_freshness_mode = "pause"
        self._create_invoice(self.customer, 100.0, DUE)
        # The scheduled action runs as the superuser.
        Run = self.env["account.dunning.run"].sudo()
        with freeze_time(day(3)):
            Run._cron_run()  # plans
            Run._cron_run()  # carries out
        self.assertFalse(
            self.Action.search([("partner_id", "=", self.customer.id)]),
            "no bank statement at all: the automatic run waits",
        )
        self.assertFalse(
            self.env["account.dunning.run"].search(
                [("company_id", "=", self.company.id)]
            ),
            "nor is it planned",
        )
        self.company.dunning_bank_freshness_mode = "warn"
        with freeze_time(day(3)):
            Run._cron_run()
            Run._cron_run()
        self.assertTrue(self.Action.search([("partner_id", "=", self.customer.id)]))
