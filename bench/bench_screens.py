"""What the dunning screens cost the server, read as the web client reads them.

Usage (the database has the add-on installed)::

    python bench/bench_screens.py --config odoo.conf --database dunning_screens --build
    python bench/bench_screens.py --config odoo.conf --database dunning_screens

``make bench`` (``scripts/bench.sh``) calls it without ``--build`` after the
run benchmark, on that benchmark's database as the day's run left it, with
``--run-results`` naming the run's saved figures.

``--build`` writes the data set once (``bench_data.build_dataset``: 1 000
customers, 6 000 open invoices by default, every customer followed by the
administrator as salesperson) and runs the dunning of the first company on
that day, so that invoices have a level and the history has reminders; it
commits. Without it, the screens are measured, as the administrator in the
company of the latest reminder (made salesperson of its customers without one,
in the transaction): a page of 80 rows of "My customers in dunning", the
overview's cards and graphs, a page of 80 rows of the history and of the
analysis, each read through ``web_search_read`` with the fields of its view;
the analysis's pivot (one ``read_group`` per pair of its row and column
groupings, as the pivot view asks); the form of the customer with the most
invoices, with the lists of its Dunning tab, then the tab's fields alone (the
tab has no call of its own: it is read with the form); the run wizard's
preview of the whole company (``action_preview`` in a savepoint rolled back);
the customer's answer page of the latest reminder
(``account.dunning.portal._get_page_values``, then with its template
rendered); the portal's statement of account of that reminder, asked for
twice. Each screen is read five times with Odoo's caches emptied between reads
(the first read warms the registry's own caches and is not counted; the
preview, twice, both counted): the queries and the fastest wall time are
printed against the screen's target, and nothing is written.
"""

import argparse
import json
import logging
import os
import sys
import threading
import time

from lxml import etree

import odoo
from odoo import SUPERUSER_ID, api, fields

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_data import build_dataset  # noqa: E402
from bench_dunning_run import open_preview  # noqa: E402

PAGE = 80
# The web client's lists count their records up to this many and no further
# (its relational model's DEFAULT_COUNT_LIMIT), asking web_search_read for
# one more to know whether to show "10000+".
COUNT_LIMIT = 10000
READS = 5
# What the user may wait, in seconds: a list, form or card; the run wizard's
# preview of a whole company; the customer's answer page.
SCREEN_TARGET = 0.3
# The customer's page is read in the language the bench installs.
LANG = "fr_FR"
PREVIEW_TARGET = 5.0
PORTAL_TARGET = 0.1
# The phase of bench_dunning_run.py that previews before the day's run.
PREVIEW_PHASE = "run wizard preview (first company)"

SCREENS = [
    # (label, model, view xml id, view type, domain, page size)
    (
        "My customers in dunning (80 rows)",
        "res.partner",
        "account_dunning_fr.res_partner_view_list_dunning_customers",
        "list",
        lambda uid: [
            ("user_id", "=", uid),
            ("parent_id", "=", False),
            ("dunning_has_overdue", "=", True),
        ],
        PAGE,
    ),
    (
        "Overview (cards and graphs)",
        "account.dunning.overview",
        "account_dunning_fr.account_dunning_overview_view_kanban",
        "kanban",
        lambda uid: [],
        None,
    ),
    (
        "History (80 rows)",
        "account.dunning.action",
        "account_dunning_fr.account_dunning_action_view_list",
        "list",
        lambda uid: [],
        PAGE,
    ),
    (
        "Analysis (80 rows)",
        "account.dunning.analysis",
        "account_dunning_fr.account_dunning_analysis_view_list",
        "list",
        lambda uid: [],
        PAGE,
    ),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", default="dunning_screens")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=6000)
    parser.add_argument(
        "--run-results",
        help="bench-*.json of bench_dunning_run.py: its preview before the "
        "day's run is added to the table",
    )
    return parser.parse_args(argv)


def specification(model, view_ref, view_type):
    """The fields of the view as the web client asks for them: the view's
    own fields, the related records' names."""
    view = model.env.ref(view_ref)
    arch = etree.fromstring(
        model.get_views([(view.id, view_type)])["views"][view_type]["arch"]
    )
    spec = {}
    for node in arch.iter("field"):
        if any(
            parent.tag in ("list", "kanban", "form") and parent is not arch
            for parent in node.iterancestors()
        ):
            continue
        name = node.get("name")
        relational = model._fields[name].relational
        spec[name] = {"fields": {"display_name": {}}} if relational else {}
    return spec


def build(env, args):
    threading.current_thread().testing = True
    try:
        today = fields.Date.context_today(env["res.partner"])
        data = build_dataset(env, args.customers, args.invoices, today)
    finally:
        threading.current_thread().testing = False
    admin = env.ref("base.user_admin")
    admin.company_ids |= data["companies"]
    env.cr.execute(
        "UPDATE res_partner SET user_id = %s WHERE id = ANY(%s)",
        [admin.id, data["partner_ids"]],
    )
    env.invalidate_all()
    company = data["companies"][:1]
    start = time.perf_counter()
    actions = env["account.dunning.action"]._run_dunning(date=today, companies=company)
    print(f"run: {len(actions)} actions in {time.perf_counter() - start:.1f} s")
    env.cr.commit()


def timed(env, user_env, call, reads=READS):
    """Queries of the last call and fastest wall time but the first, with
    Odoo's caches emptied before each call."""
    counts, times, result = [], [], None
    for _read in range(reads):
        user_env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
        counts.append(env.cr.sql_log_count - before)
    return counts[-1], min(times[1:] or times), result


class Table:
    """The latency table: one row per screen, against its target."""

    def __init__(self):
        self.rows = []
        print(
            "| screen | rows | SQL queries | server ms | target | |\n"
            "|---|---:|---:|---:|---:|---|",
            flush=True,
        )

    def add(self, label, rows, queries, seconds, target):
        met = "–" if target is None else ("met" if seconds <= target else "not met")
        shown = "–" if target is None else f"{target * 1000:.0f} ms"
        self.rows.append((label, rows, queries, seconds, target, met))
        print(
            f"| {label} | {rows} | {queries} | {seconds * 1000:.0f} | {shown} "
            f"| {met} |",
            flush=True,
        )


def follow_customers(env, company):
    """The administrator as salesperson of the company's customers, with
    access to the company, as ``--build`` commits it (here in the
    transaction, rolled back with the rest)."""
    admin = env.ref("base.user_admin")
    admin.company_ids |= company
    env.cr.execute(
        """UPDATE res_partner SET user_id = %s
            WHERE user_id IS NULL AND id IN (
                SELECT commercial_partner_id FROM account_move
                 WHERE company_id = %s AND move_type = 'out_invoice')""",
        [admin.id, company.id],
    )
    env.invalidate_all()


def measure(env, preview=True):
    admin = env.ref("base.user_admin")
    # The company the data set was reminded in.
    company = env["account.dunning.action"].search([], order="id desc", limit=1)
    company = company.company_id
    follow_customers(env, company)
    user_env = api.Environment(
        env.cr,
        admin.id,
        {"allowed_company_ids": company.ids, "lang": admin.lang or "en_US"},
    )
    env.cr.execute(
        "SELECT COUNT(*), COUNT(DISTINCT commercial_partner_id) FROM account_move"
        " WHERE move_type = 'out_invoice' AND state = 'posted'"
    )
    invoices, customers = env.cr.fetchone()
    print(
        f"company: {company.name}; {customers} customers, {invoices} posted "
        f"invoices in the database; {READS} reads per screen, the fastest but "
        "the first counted",
        flush=True,
    )
    table = Table()
    for label, model_name, view_ref, view_type, domain, limit in SCREENS:
        model = user_env[model_name]
        spec = specification(model, view_ref, view_type)
        queries, seconds, result = timed(
            env,
            user_env,
            lambda model=model, spec=spec, domain=domain, limit=limit: (
                model.web_search_read(
                    domain(admin.id),
                    spec,
                    limit=limit,
                    count_limit=COUNT_LIMIT + 1 if limit else None,
                )
            ),
        )
        table.add(label, len(result["records"]), queries, seconds, SCREEN_TARGET)
    analysis_pivot(env, user_env, table)
    customer_form(env, user_env, table)
    if preview:
        run_preview(env, user_env, table)
    portal_page(env, table)
    statement(env, table)
    return table


def analysis_pivot(env, user_env, table):
    """The analysis's pivot as the web client fills it: one ``read_group``
    per pair of its row and column groupings (none, rows, columns, both),
    with the view's measures and the count."""
    model = user_env["account.dunning.analysis"]
    view = model.env.ref("account_dunning_fr.account_dunning_analysis_view_pivot")
    arch = etree.fromstring(
        model.get_views([(view.id, "pivot")])["views"]["pivot"]["arch"]
    )
    rows = [f.get("name") for f in arch.iter("field") if f.get("type") == "row"]
    cols = [f.get("name") for f in arch.iter("field") if f.get("type") == "col"]
    measures = [
        f"{f.get('name')}:sum" for f in arch.iter("field") if f.get("type") == "measure"
    ]
    groupings = [g for g in ([], rows, cols, rows + cols)]

    def read():
        return [
            model.read_group([], measures + ["__count"], groupby, lazy=False)
            for groupby in groupings
        ]

    queries, seconds, result = timed(env, user_env, read)
    table.add(
        f"Analysis pivot ({len(groupings)} read_group)",
        len(result[-1]),
        queries,
        seconds,
        SCREEN_TARGET,
    )


def form_specification(model, view_ref):
    """The form's fields as the web client reads them, with the fields of
    its inline lists (first 40 rows each)."""
    view = model.env.ref(view_ref)
    arch = etree.fromstring(
        model.get_views([(view.id, "form")])["views"]["form"]["arch"]
    )

    def spec_of(node, fields_):
        spec = {}
        for child in node.iter("field"):
            owner = next(
                (
                    p
                    for p in child.iterancestors()
                    if p.tag in ("list", "kanban", "form")
                ),
                None,
            )
            if owner is not node and not (owner is None and node is arch):
                continue
            name = child.get("name")
            field = fields_[name]
            if not field.relational:
                spec[name] = {}
                continue
            sub = next(
                (c for c in child if c.tag in ("list", "kanban")),
                None,
            )
            if field.type in ("one2many", "many2many") and sub is not None:
                comodel = model.env[field.comodel_name]
                spec[name] = {
                    "fields": spec_of(sub, comodel._fields),
                    "limit": 40,
                    "order": "",
                }
            else:
                spec[name] = {"fields": {"display_name": {}}}
        return spec

    return spec_of(arch, model._fields), arch


def customer_form(env, user_env, table):
    """The form of the customer with the most open invoices, with its
    Dunning tab's lists; then the Dunning tab's own fields alone."""
    env.cr.execute(
        """SELECT commercial_partner_id FROM account_move
            WHERE company_id = %s AND move_type = 'out_invoice'
              AND payment_state = 'not_paid'
         GROUP BY commercial_partner_id ORDER BY COUNT(*) DESC, 1 LIMIT 1""",
        [user_env.company.id],
    )
    customer = user_env["res.partner"].browse(env.cr.fetchone()[0])
    spec, arch = form_specification(customer, "base.view_partner_form")
    queries, seconds, _result = timed(env, user_env, lambda: customer.web_read(spec))
    invoices = len(customer.invoice_ids)
    table.add(
        f"Customer form with its Dunning tab ({invoices} invoices)",
        1,
        queries,
        seconds,
        SCREEN_TARGET,
    )
    # The tab's fields are read with the form (no call of its own); read
    # alone, they show its share of the form's time.
    page = next(iter(arch.xpath("//page[@name='dunning']")), None)
    if page is None:
        return
    names = {node.get("name") for node in page.iter("field")}
    tab = {name: value for name, value in spec.items() if name in names}
    queries, seconds, _result = timed(env, user_env, lambda: customer.web_read(tab))
    table.add(
        "Customer's Dunning tab alone (read with the form)",
        1,
        queries,
        seconds,
        SCREEN_TARGET,
    )


def run_preview(env, user_env, table):
    """The run wizard's preview of the whole company, after the day's run
    (each customer due was reminded: the planning of every customer, few
    proposals). Inside a savepoint rolled back, twice: the first call
    counted too (a preview is asked once)."""
    Wizard = user_env["account.dunning.run.wizard"]
    times, counts, proposed = [], [], 0
    for _read in range(2):
        user_env.invalidate_all()
        with env.cr.savepoint(flush=False) as savepoint:
            before = env.cr.sql_log_count
            start = time.perf_counter()
            wizard = Wizard.create(
                {
                    "company_id": user_env.company.id,
                    "date": fields.Date.context_today(Wizard),
                }
            )
            proposed = open_preview(wizard)
            user_env.flush_all()
            times.append(time.perf_counter() - start)
            counts.append(env.cr.sql_log_count - before)
            savepoint.rollback()
        user_env.invalidate_all()
    table.add(
        "Run wizard preview, whole company, after the day's run",
        proposed,
        counts[-1],
        min(times),
        PREVIEW_TARGET,
    )


def portal_page(env, table):
    """The customer's answer page of the latest reminder, and of the latest
    reminder of the customer with the most open invoices: its values
    (``account.dunning.portal._get_page_values``) as the signed link's
    visitor (the public user) asks for them, then the same with the page's
    template rendered, inside a stand-in for the HTTP request."""
    Action = env["account.dunning.action"]
    latest = Action.search([("state", "=", "done")], order="id desc", limit=1)
    if not latest:
        print("(no reminder done: no portal page)")
        return
    env.cr.execute(
        """SELECT a.id FROM account_dunning_action a
             JOIN account_move m ON m.commercial_partner_id = a.partner_id
                AND m.company_id = a.company_id
                AND m.move_type = 'out_invoice' AND m.payment_state = 'not_paid'
            WHERE a.state = 'done'
         GROUP BY a.id ORDER BY COUNT(m.id) DESC, a.id DESC LIMIT 1"""
    )
    biggest = Action.browse(env.cr.fetchone()[0])
    public = env(user=env.ref("base.public_user").id, context={"lang": LANG})
    for label, action in (
        ("latest reminder", latest),
        ("customer with the most invoices", biggest),
    ):
        # The page reads the action as superuser: the token checked by the
        # controller is what lets the visitor in.
        action = action.with_env(public).sudo()
        Portal = public["account.dunning.portal"]
        queries, seconds, values = timed(
            env,
            public,
            lambda Portal=Portal, action=action: Portal._get_page_values(action),
        )
        items = len(values["lines"])
        table.add(
            f"Portal page values, {label} ({items} item{'s' if items != 1 else ''})",
            1,
            queries,
            seconds,
            PORTAL_TARGET,
        )
        try:
            rendered = render_portal_page(env, public, action)
        except Exception as error:  # noqa: BLE001 - outside a request, say so
            print(f"(portal page not rendered outside a request: {error!r:.200})")
            continue
        table.add(
            f"Portal page rendered, {label}",
            1,
            *rendered,
            PORTAL_TARGET,
        )


def render_portal_page(env, public, action):
    """Queries and seconds of the page's values and template, as the
    controller renders them, in a stand-in for the HTTP request (website's
    test helper); the templates compiled by the first read, as a running
    server keeps them."""
    # Importing Odoo's test helpers outside a test run logs an error that
    # says nothing about the benchmark.
    quiet = logging.getLogger("odoo.tests.common")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        import odoo.tests.common  # noqa: F401, PLC0415

        from odoo.addons.website.tools import MockRequest  # noqa: PLC0415
    finally:
        quiet.setLevel(level)
    # url_localized, in the language selector, reads the thread's database.
    threading.current_thread().dbname = env.cr.dbname
    Portal = public["account.dunning.portal"]
    QWeb = public["ir.qweb"].sudo()

    def render():
        values = Portal._get_page_values(action)
        values.update(
            form_values={},
            page_name="dunning",
            action=action,
            access_token=action.access_token or "",
            base_url=f"/my/dunning/{action.id}",
            token_query=f"?access_token={action.access_token or ''}",
            today=fields.Date.context_today(action),
        )
        return QWeb._render("account_dunning_fr.portal_dunning_page", values)

    with env.cr.savepoint(), MockRequest(public, context={"lang": LANG}):
        queries, seconds, _html = timed(env, public, render)
    return queries, seconds


def statement(env, table):
    """The portal's statement of account of the latest reminder, asked for
    twice the same day."""
    action = env["account.dunning.action"].search([], order="id desc", limit=1)
    Statement = env["account.dunning.statement"]
    for request in ("first", "second"):
        before = env.cr.sql_log_count
        start = time.perf_counter()
        if hasattr(Statement, "_get_pdf"):
            Statement._get_pdf(action)
        else:
            env["ir.actions.report"].with_company(action.company_id)._render_qweb_pdf(
                "account_dunning_fr.report_dunning_letter_statement", action.ids
            )
        seconds = time.perf_counter() - start
        table.add(
            f"Portal statement PDF, {request} request of the day",
            1,
            env.cr.sql_log_count - before,
            seconds,
            None,
        )


def preview_before_run(path, table):
    """The preview timed by bench_dunning_run.py before the day's run, when
    every customer due is proposed an action."""
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as saved:
        ours = json.load(saved).get("ours", [])
    phase = next((p for p in ours if p["phase"] == PREVIEW_PHASE), None)
    if phase:
        table.add(
            "Run wizard preview, whole company, before the day's run",
            phase["items"],
            phase["queries"],
            phase["seconds"],
            PREVIEW_TARGET,
        )


def main(argv=None):
    args = parse_args(argv)
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.build:
            build(env, args)
            return
        table = measure(env)
        cr.rollback()
    preview_before_run(args.run_results, table)
    missed = [row[0] for row in table.rows if row[5] == "not met"]
    print(
        f"\ntargets: lists, forms and cards {SCREEN_TARGET * 1000:.0f} ms, run "
        f"preview {PREVIEW_TARGET:.0f} s, portal page {PORTAL_TARGET * 1000:.0f} "
        f"ms; not met: {', '.join(missed) or 'none'}"
    )


if __name__ == "__main__":
    main()
