"""What the screens cost: a page of the dunning lists (customers in dunning,
the history, the analysis) and the overview read their figures in a fixed
number of queries, whatever the number of customers on the page and of
invoices each of them has. The pages are read as the web client reads them
(``web_search_read`` with the list view's fields), by an accountant and by
a salesperson."""

from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common_engine import DUE, DunningEngineCommon, day
from .common_portal import DunningPortalCommon

# Creating hundreds of invoices logs no creation message nor tracking.

PAGE = 20


@tagged("post_install", "-at_install")
class TestScreenQueries(DunningEngineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.few = cls._create_customers_with_invoices(
            PAGE, 1, "Menuiserie", user_id=cls.salesperson.id
        )
        cls.many = cls._create_customers_with_invoices(
            PAGE, 20, "Charpente", user_id=cls.salesperson.id
        )
        # One run, so that the invoices have a level reached and the
        # history has reminders.
        with freeze_time(day(3)):
            Run = cls.env["account.dunning.run"]
            run = Run._start(cls.company, day(3), "manual", partners=cls.few | cls.many)
            Run._carry_out_pending(runs=run)

    def _specification(self, model, view_ref, view_type="list"):
        """The fields of a view as the web client asks for them: the
        related records' names."""
        view = self.env.ref(view_ref)
        views = model.get_views([(view.id, view_type)])
        arch = etree.fromstring(views["views"][view_type]["arch"])
        spec = {}
        root = arch
        for node in root.iter("field"):
            # Only the view's own fields: those of an embedded list belong to
            # another model.
            if any(
                parent.tag in ("list", "kanban", "form") and parent is not root
                for parent in node.iterancestors()
            ):
                continue
            name = node.get("name")
            if model._fields[name].relational:
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _page_queries(
        self, user, model_name, view_ref, domain, view_type="list", limit=PAGE
    ):
        """Queries of one page of ``view_ref`` read by ``user``; Odoo's caches
        warmed by a first read."""
        model = self.env[model_name].with_user(user)
        spec = self._specification(model, view_ref, view_type)
        with freeze_time(day(20)):
            model.web_search_read(domain, spec, limit=limit)
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            result = model.web_search_read(domain, spec, limit=limit)
            count = self.cr.sql_log_count - before
        return count, result

    def _form_queries(self, user, model_name, view_ref, record):
        """Queries of ``record`` opened in the form ``view_ref`` by ``user``."""
        model = self.env[model_name].with_user(user)
        spec = self._specification(model, view_ref, "form")
        with freeze_time(day(20)):
            model.browse(record.id).web_read(spec)
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            result = model.browse(record.id).web_read(spec)
            count = self.cr.sql_log_count - before
        return count, result

    def _customers_page(self, user, customers, limit=PAGE):
        # The "My customers in dunning" action with its default filter.
        return self._page_queries(
            user,
            "res.partner",
            "account_dunning_fr.res_partner_view_list_dunning_customers",
            [
                ("user_id", "=", self.salesperson.id),
                ("parent_id", "=", False),
                ("dunning_has_overdue", "=", True),
                ("id", "in", customers.ids),
            ],
            limit=limit,
        )

    def test_customers_page_same_queries_whatever_the_invoices(self):
        """A page of customers in dunning costs the same queries whether
        each customer has one overdue invoice or twenty, for an accountant
        and for a salesperson; the figures are each customer's own."""
        for user in (self.accountant, self.salesperson):
            short, _page = self._customers_page(user, self.few, limit=5)
            few, few_page = self._customers_page(user, self.few)
            many, many_page = self._customers_page(user, self.many)
            self.assertEqual(len(few_page["records"]), PAGE)
            self.assertEqual(len(many_page["records"]), PAGE)
            self.assertEqual(
                few, many, f"{user.login}: the page reads every invoice apart"
            )
            self.assertEqual(
                short, few, f"{user.login}: the page reads every customer apart"
            )
            row = many_page["records"][0]
            self.assertEqual(row["dunning_overdue_count"], 20)
            self.assertAlmostEqual(
                row["dunning_overdue_amount"], sum(100.0 + n for n in range(20))
            )
            self.assertEqual(
                row["dunning_level_id"]["display_name"], "Politique de test › Relance 1"
            )

    def test_customer_form_same_queries_whatever_the_invoices(self):
        """The customer's form with its dunning tab costs the same queries for
        a customer with one invoice as for one with twenty."""
        for user in (self.accountant, self.salesperson):
            # Odoo caches the access rules of each model the first time.
            self._form_queries(
                user, "res.partner", "base.view_partner_form", self.many[1]
            )
            few, _form = self._form_queries(
                user, "res.partner", "base.view_partner_form", self.few[0]
            )
            many, form = self._form_queries(
                user, "res.partner", "base.view_partner_form", self.many[0]
            )
            self.assertEqual(few, many, f"{user.login}: the form reads each invoice")
            self.assertEqual(form[0]["dunning_overdue_count"], 20)

    def test_history_and_analysis_pages_same_queries(self):
        """A page of the history (reminders listing one invoice or twenty) and
        of the analysis costs the same queries."""
        counts = {}
        for name, customers in (("few", self.few), ("many", self.many)):
            counts[name, "history"], page = self._page_queries(
                self.accountant,
                "account.dunning.action",
                "account_dunning_fr.account_dunning_action_view_list",
                [("partner_id", "in", customers.ids)],
            )
            self.assertEqual(len(page["records"]), PAGE)
            counts[name, "analysis"], page = self._page_queries(
                self.accountant,
                "account.dunning.analysis",
                "account_dunning_fr.account_dunning_analysis_view_list",
                [("partner_id", "in", customers.ids)],
            )
            self.assertEqual(len(page["records"]), PAGE)
            counts[name, "invoices"], page = self._page_queries(
                self.accountant,
                "account.move",
                "account.view_out_invoice_tree",
                [("partner_id", "in", customers.ids)],
            )
            self.assertEqual(len(page["records"]), PAGE)
        for screen in ("history", "analysis", "invoices"):
            self.assertEqual(counts["few", screen], counts["many", screen], screen)

    def test_overview_same_queries_with_more_customers(self):
        """The overview's cards and graphs cost the same queries with twenty
        more customers in dunning, of twenty invoices each."""
        Overview = self.env["account.dunning.overview"].with_user(self.accountant)
        spec = self._specification(
            Overview,
            "account_dunning_fr.account_dunning_overview_view_kanban",
            "kanban",
        )

        def counted():
            with freeze_time(day(20)):
                Overview.web_search_read([], spec)
                self.env.invalidate_all()
                self.env.flush_all()
                before = self.cr.sql_log_count
                Overview.web_search_read([], spec)
                return self.cr.sql_log_count - before

        before = counted()
        more = self._create_customers_with_invoices(
            PAGE, 20, "Parqueterie", user_id=self.salesperson.id
        )
        with freeze_time(day(3)):
            Run = self.env["account.dunning.run"]
            Run._carry_out_pending(
                runs=Run._start(self.company, day(3), "manual", partners=more)
            )
        self.assertEqual(counted(), before)

    def test_dso_series_is_the_dso_of_each_date(self):
        """The overview's year of DSO, read at once, gives each month what
        the DSO of that date gives, with a payment and a credit note in the
        books."""
        self._pay(self.few[0].invoice_ids, day(5))
        self._credit_note(self.few[1], 40.0, on=day(8))
        Analysis = self.env["account.dunning.analysis"].with_user(self.accountant)
        dates = [day(-40), day(-30), day(6), day(10), day(365), day(400)]
        series = Analysis._get_dso_series(dates)
        for date, dso in zip(dates, series, strict=True):
            self.assertAlmostEqual(dso, Analysis._get_dso(date)[False], msg=date)
        self.assertGreater(series[2], 0)

    def test_in_dunning_found_by_a_subquery(self):
        """The "In Dunning" filter is a subquery on the open items: the ids of
        every customer in dunning never travel through Python. It finds the
        customers with an overdue item, not one who paid."""
        paid = self._create_customers_with_invoices(
            1, 1, "Ebenisterie", user_id=self.salesperson.id
        )
        self._pay(paid.invoice_ids, DUE)
        Partner = self.env["res.partner"].with_user(self.salesperson)
        with freeze_time(day(20)):
            domain = Partner._search_dunning_has_overdue("=", True)
            self.assertIsInstance(domain[0][2], SQL, "a subquery, not a list of ids")
            scope = [("id", "in", (self.few | self.many | paid).ids)]
            self.assertEqual(
                Partner.search(scope + [("dunning_has_overdue", "=", True)]),
                self.few | self.many,
            )
            self.assertEqual(
                Partner.search(scope + [("dunning_has_overdue", "=", False)]), paid
            )


@tagged("post_install", "-at_install")
class TestStatementServedOnce(DunningPortalCommon):
    """The portal's statement of account is rendered once per reminder and
    day, then served from its attachment."""

    def _statement(self):
        response = self.url_open(self._url(suffix="/statement"))
        self.assertEqual(response.status_code, 200)
        return response.content

    @mute_logger("odoo.http")
    def test_statement_rendered_once_a_day(self):
        Report = type(self.env["ir.actions.report"])
        render = Report._render_qweb_pdf
        renders = []

        def counted(report, report_ref, *args, **kwargs):
            renders.append(report_ref)
            return render(report, report_ref, *args, **kwargs)

        self.authenticate(None, None)
        with patch.object(Report, "_render_qweb_pdf", counted):
            with freeze_time(day(10)):
                first = self._statement()
                again = self._statement()
                self.assertEqual(len(renders), 1, "the second request is served")
                self.assertEqual(again, first)
                self.assertEqual(first.count(b'name="statement_line"'), 2)
                # A payment changes the statement: rendered again.
                self._pay(self.invoice_b, day(10))
                paid = self._statement()
                self.assertEqual(len(renders), 2, "a payment renders it again")
                self.assertEqual(
                    paid.count(b'name="statement_line"'), 1, "the paid invoice left"
                )
            with freeze_time(day(11)):
                self._statement()
                self.assertEqual(len(renders), 3, "a new day renders it again")
        statements = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.dunning.action"),
                ("res_id", "=", self.reminder.id),
                ("mimetype", "=", "application/pdf"),
                ("description", "!=", False),
            ]
        )
        self.assertEqual(len(statements), 1, "only the day's statement is kept")
