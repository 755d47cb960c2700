"""Benchmark of the daily dunning run, side by side with OCA credit control.

Run it through ``make bench`` (``scripts/bench.sh``), which makes the
benchmark's own database (from the test template, with account_dunning_fr
and OCA account_credit_control installed) and calls::

    python bench/bench_dunning_run.py --config .cache/odoo-bench.conf \\
        --database dunning_bench --size small

Each step runs in its own process, so that its peak RSS is its own:

1. ``build``: the data set, in bulk through SQL (``bench_data.py``), committed;
2. ``preview``: the run wizard's preview of the first company, as an
   accountant asks for it before the day's run (rolled back);
3. ``ours``: planning, then planning with the run's units written (both
   rolled back); a run with letters for a sample of
   customers (``_run_dunning``); the letters of that sample rendered again
   by their own scheduled action, in groups, with a server of the database
   serving the report stylesheets (letters per second, longest callback);
   the daily run without letters through the
   scheduled action's callbacks, driven as Odoo's cron runner does (one
   progress record and one commit per callback); Odoo alone writing, for
   the customers that run reminded, one chatter note per reminder on the
   customer and its email, and nothing else (``bench_floor.py``: the floor of
   any run on Odoo's chatter and mail queue, rolled back); a second run the
   same day;
4. ``oca``: OCA credit control on the same invoices: its run generates the
   credit lines, then its email communications are sent for all customers but
   the sample with the report attachment removed from its template, and for
   the sample with it (rolled back at the end).

Only stable entry points of the add-on are used (``_run_dunning``, the
scheduled action ``account_dunning_fr.ir_cron_account_dunning_run``); any
other scheduled action of the add-on that is triggered meanwhile (letters
rendered by their own callbacks) is driven the same way and counted in the
phase. When a persistent ``account.dunning.run`` model exists, its runs are
reported too.
"""

import argparse
import inspect
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api, fields

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_data import build_dataset  # noqa: E402
from bench_floor import floor_phase  # noqa: E402

SIZES = {
    # customers, open invoices, customers of the letter sample
    "small": (200, 1000, 10),
    "large": (20000, 100000, 40),
    "xlarge": (40000, 200000, 40),
}
CRON_XMLID = "account_dunning_fr.ir_cron_account_dunning_run"
LETTERS_CRON_XMLID = "account_dunning_fr.ir_cron_account_dunning_letters"
LETTERS_PHASE = "letters, grouped (scheduled action)"
PREVIEW_PHASE = "run wizard preview (first company)"
FLOOR_PHASE = "Odoo alone: chatter notes and emails of those customers"
# where the stylesheet server of the letters phase listens: a port of its
# own, so that benchmarks running side by side do not meet
LETTERS_SERVER_PORT = 20000 + os.getpid() % 20000
RESULT = "BENCH-RESULT "
OCA_BATCH = 200
NO_LETTERS = {"dunning_skip_letter_rendering": True}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", default="dunning_bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--customers", type=int, help="overrides --size")
    parser.add_argument("--invoices", type=int, help="overrides --size")
    parser.add_argument("--letters", type=int, help="customers of the letter sample")
    parser.add_argument(
        "--budget",
        type=float,
        help="seconds after which a run phase starts no new callback (ours) or "
        "batch of 200 customers (OCA) and is reported as partial; default: "
        "none for small, 300 otherwise",
    )
    parser.add_argument("--skip-oca", action="store_true")
    parser.add_argument(
        "--report-from", help="print the report of a saved run (bench-*.json)"
    )
    parser.add_argument(
        "--step",
        choices=("build", "preview", "ours", "oca"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--state", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    customers, invoices, letters = SIZES[args.size]
    args.customers = args.customers or customers
    args.invoices = args.invoices or invoices
    args.letters = args.letters if args.letters is not None else letters
    if args.budget is None and args.size != "small":
        args.budget = 300.0
    return args


# ---------------------------------------------------------------- measuring
def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Phase:
    """Wall time and SQL queries of one phase, and its callbacks."""

    def __init__(self, cr, name):
        self.cr, self.name = cr, name
        self.callbacks = []
        self.items = 0
        self.extra = {}

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.start = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu
        self.queries = self.cr.sql_log_count - self.queries
        # The peak of the phase itself, not of the figures read afterwards.
        self.rss = peak_rss_mb()
        return False

    def result(self):
        return {
            "phase": self.name,
            "items": self.items,
            "seconds": self.seconds,
            "cpu": self.cpu,
            "queries": self.queries,
            "callbacks": len(self.callbacks),
            "longest": max(self.callbacks, default=None),
            "rss": getattr(self, "rss", None) or peak_rss_mb(),
            **self.extra,
        }


def drive_cron(cron, context, phase, deadline=None):
    """Call the scheduled action until it reports nothing remaining, one
    progress record and one commit per callback, as Odoo's cron runner does
    (which stops after 10 callbacks and is started again). Past ``deadline``
    (``time.perf_counter()`` value) no callback is started: the phase is
    partial and says how many items remain.

    :return: whether the scheduled action finished
    """
    cr = cron.env.cr
    cron = cron.with_context(**context)
    while True:
        job, progress = cron._add_progress(timed_out_counter=0)
        cr.commit()
        start = time.perf_counter()
        job._callback(cron.cron_name, cron.ir_actions_server_id.id)
        cr.commit()
        phase.callbacks.append(time.perf_counter() - start)
        if not progress.remaining or not progress.done:
            return True
        if deadline and time.perf_counter() > deadline:
            phase.extra["remaining"] = progress.remaining
            return False


def drain_triggered_crons(env, context, phase, since, deadline=None):
    """Scheduled actions of the add-on triggered during the phase (letters
    rendered apart, a run re-triggering itself) are run until done."""
    Trigger = env["ir.cron.trigger"]
    for _round in range(1000):
        triggers = Trigger.search(
            [
                ("call_at", "<=", fields.Datetime.now() + timedelta(minutes=1)),
                ("create_date", ">=", since),
                ("cron_id.model_id.model", "=like", "account.dunning%"),
            ]
        )
        if not triggers:
            return
        crons = triggers.cron_id
        triggers.unlink()
        for cron in crons:
            if not drive_cron(cron, context, phase, deadline):
                return


def new_actions(env, first_id):
    return env["account.dunning.action"].search([("id", ">", first_id)])


def last_id(env, model):
    env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{env[model]._table}"')
    return env.cr.fetchone()[0]


def action_figures(phase, actions):
    # Read only what is counted (loading thousands of whole actions here
    # would count in the next phase's memory).
    letters = "letter_attachment_id" in actions._fields
    counted = ["partner_id", "state"] + (["letter_attachment_id"] if letters else [])
    actions.fetch(counted)
    phase.items = len(set(actions.mapped("partner_id").ids))
    phase.extra["actions"] = len(actions)
    phase.extra["states"] = {
        state: len(actions.filtered(lambda a, s=state: a.state == s))
        for state in set(actions.mapped("state"))
    }
    if letters:
        phase.extra["letters"] = len(actions.filtered("letter_attachment_id"))
    actions.env.invalidate_all()


def persistent_runs(env, first_id):
    """Runs of a persistent run model, if the add-on has one."""
    if "account.dunning.run" not in env or env["account.dunning.run"]._transient:
        return None
    Run = env["account.dunning.run"]
    runs = Run.search([("id", ">", first_id)])
    names = [f for f in ("state", "unit_ids", "duration") if f in Run._fields]
    return [
        {
            "id": run.id,
            **{
                f: (len(run[f]) if f == "unit_ids" else run[f])
                for f in names
                if f in run._fields
            },
        }
        for run in runs
    ]


# ---------------------------------------------------------------- steps
def step_build(env, args):
    cron = env.ref(CRON_XMLID)
    # the scheduled action plans for its own "today"
    run_date = fields.Date.context_today(env["res.partner"].with_user(cron.user_id))
    start = time.perf_counter()
    # A new company would install every localisation add-on of its country
    # (with their own Python dependencies) unless the thread is testing.
    threading.current_thread().testing = True
    try:
        data = build_dataset(env, args.customers, args.invoices, run_date)
    finally:
        threading.current_thread().testing = False
    env.cr.commit()
    seconds = time.perf_counter() - start
    overdue = sorted(data["overdue_customer_ids"])
    step = max(1, len(overdue) // max(args.letters, 1))
    sample = overdue[::step][: args.letters]
    return {
        "phase": "data set (SQL)",
        "items": len(data["move_ids"]),
        "seconds": seconds,
        "cpu": time.process_time(),
        "queries": 0,
        "rss": peak_rss_mb(),
        "customers": len(data["partner_ids"]),
        "overdue_customers": len(overdue),
        "company_ids": data["companies"].ids,
        "sample_ids": sample,
        "run_date": run_date.isoformat(),
    }


def step_ours(env, state, budget, config=None):
    cr = env.cr
    run_date = date.fromisoformat(state["run_date"])
    companies = env["res.company"].browse(state["company_ids"])
    sample = env["res.partner"].browse(state["sample_ids"])
    cron = env.ref(CRON_XMLID)
    env = env(user=cron.user_id.id)
    Action = env["account.dunning.action"]
    results = []

    with Phase(cr, "planning") as phase:
        for company in companies:
            Planning = env["account.dunning.planning"].with_company(company)
            phase.items += len(Planning._prepare_proposals(run_date))
            # As a run does between companies (account.dunning.run._plan).
            env.invalidate_all()
    results.append(phase.result())
    cr.rollback()

    # What the scheduled action's planning callbacks do besides: the run and
    # its units written (rolled back too; the runs below plan again).
    with Phase(cr, "planning, units written") as phase:
        for company in companies:
            start = time.perf_counter()
            run = env["account.dunning.run"]._start(company, run_date, "scheduled")
            env.flush_all()
            phase.callbacks.append(time.perf_counter() - start)
            phase.items += env["account.dunning.run.unit"].search_count(
                [("run_id", "=", run.id)]
            )
            env.invalidate_all()
    results.append(phase.result())
    cr.rollback()

    first_action = last_id(env, "account.dunning.action")
    first_run = (
        last_id(env, "account.dunning.run") if "account.dunning.run" in env else 0
    )
    since = fields.Datetime.now()
    with Phase(cr, "run with letters (sample)") as phase:
        kwargs = {"date": run_date, "companies": companies}
        if "partners" in inspect.signature(Action._run_dunning).parameters:
            kwargs["partners"] = sample
        Action._run_dunning(**kwargs)
        cr.commit()
        drain_triggered_crons(env, {}, phase, since)
    sample_actions = new_actions(env, first_action)
    action_figures(phase, sample_actions)
    results.append(phase.result())
    results.append(letters_phase(env, sample_actions, config))

    _letters_off(env)
    for name in ("run without letters", "second run the same day"):
        first_action = last_id(env, "account.dunning.action")
        since = fields.Datetime.now()
        with Phase(cr, name) as phase:
            deadline = budget and time.perf_counter() + budget
            if drive_cron(cron, NO_LETTERS, phase, deadline):
                drain_triggered_crons(env, NO_LETTERS, phase, since, deadline)
        actions = new_actions(env, first_action)
        action_figures(phase, actions)
        results.append(phase.result())
        if name == "run without letters":
            floor = Phase(cr, FLOOR_PHASE)
            deadline = budget and time.perf_counter() + budget
            results.append(floor_phase(env, actions, floor, deadline))
        if "remaining" in phase.extra:
            break  # the second run would only go on with the first one
    runs = persistent_runs(env, first_run)
    if runs is not None:
        results[-1]["persistent_runs"] = runs
    return results


class StylesheetServer:
    """An Odoo server of the benchmark's database, started apart, from which
    wkhtmltopdf loads the report stylesheets as in production (without it,
    every letter is printed without them, faster than it would be)."""

    def __init__(self, env, config):
        self.env, self.config = env, config
        self.process = None

    def __enter__(self):
        if not self.config:
            return self
        port = str(LETTERS_SERVER_PORT)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "-c",
                self.config,
                "--http-port",
                port,
                "--max-cron-threads=0",
                f"--db-filter=^{self.env.cr.dbname}$",
                "--log-level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://localhost:{port}"
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(f"{url}/web/login", timeout=5):
                    break
            except OSError:
                time.sleep(0.5)
        Param = self.env["ir.config_parameter"]
        self.previous = Param.get_param("report.url")
        Param.set_param("report.url", url)
        self.env.cr.commit()
        return self

    def __exit__(self, *exc):
        if self.process:
            self.env["ir.config_parameter"].set_param("report.url", self.previous or "")
            self.env.cr.commit()
            self.process.terminate()
            self.process.wait(timeout=30)
        return False


# The list of the run wizard's preview, as its form view shows it.
PREVIEW_LIST_FIELDS = {
    "partner_id": "many2one",
    "contact_id": "many2one",
    "move_ids": "many2many",
    "amount_due": None,
    "currency_id": "many2one",
    "level_id": "many2one",
    "channels_display": None,
    "send_email": None,
    "send_letter": None,
    "send_registered_letter": None,
    "send_sms": None,
    "create_call": None,
    "create_visit": None,
    "notify_salesperson": None,
    "credit_hold": None,
    "hold_reason": None,
    "answer_id": "many2one",
}


def open_preview(wizard):
    """The preview as the web client asks for it: ``action_preview``, then
    the wizard's form read again with the first page (40 rows) of its list.

    :return: number of reminders the preview proposes
    """
    wizard.action_preview()
    relational = {"fields": {"display_name": {}}}
    spec = {
        "state": {},
        "credit_partner_ids": relational,
        "unit_ids": {
            "fields": {
                name: relational if kind else {}
                for name, kind in PREVIEW_LIST_FIELDS.items()
            },
            "limit": 40,
        },
    }
    wizard.web_read(spec)
    return len(wizard.unit_ids)


def step_preview(env, state):
    """The run wizard's preview of a whole company, as an accountant asks for
    it before the day's run and the web client shows it: the run planned for
    every customer due and the first page of its list, rolled back (the runs
    plan again). In a process of its own: the records it holds would
    otherwise be the peak RSS of the runs after it."""
    cr = env.cr
    company = env["res.company"].browse(state["company_ids"][:1])
    run_date = date.fromisoformat(state["run_date"])
    admin = env.ref("base.user_admin")
    admin.sudo().company_ids |= company
    user_env = env(
        user=admin.id,
        context={"allowed_company_ids": company.ids, "lang": admin.lang or "en_US"},
    )
    with Phase(cr, PREVIEW_PHASE) as phase:
        wizard = user_env["account.dunning.run.wizard"].create(
            {"company_id": company.id, "date": run_date}
        )
        phase.items = open_preview(wizard)
        env.flush_all()
        phase.callbacks.append(time.perf_counter() - phase.start)
    result = phase.result()
    cr.rollback()
    env.invalidate_all()
    return result


def letters_phase(env, actions, config=None):
    """The letters of the sample rendered again by their own scheduled
    action, in groups, callback after callback: letters per second of grouped
    rendering alone (the run above renders them too, but among the rest of the
    execution), the report stylesheets served by a server of the database
    (``config``: its configuration file). Their emails are already queued and
    are not sent again."""
    phase = Phase(env.cr, LETTERS_PHASE)
    cron = env.ref(LETTERS_CRON_XMLID, raise_if_not_found=False)
    actions = actions.filtered("letter_attachment_id")
    if not cron or not actions:
        with phase:
            pass
        return phase.result()
    old = actions.letter_attachment_id
    actions.write({"letter_render_state": "pending", "letter_attachment_id": False})
    old.unlink()
    env.cr.commit()
    with StylesheetServer(env, config) as server, phase:
        drive_cron(cron, {}, phase)
    if server.process:
        phase.extra["stylesheets"] = "served"
    actions.invalidate_recordset()
    phase.items = len(actions.filtered(lambda a: a.letter_render_state == "done"))
    phase.extra["letters"] = phase.items
    phase.extra["failed"] = len(actions) - phase.items
    return phase.result()


def _letters_off(env):
    """Levels whose emails carry the letter (if the add-on has such a switch)
    send them without it: the run without letters renders no PDF."""
    Level = env["account.dunning.level"]
    switches = [
        name
        for name, field in Level._fields.items()
        if field.type == "boolean" and field.store and "attach" in name
    ]
    if switches:
        Level.with_context(active_test=False).search([]).write(
            dict.fromkeys(switches, False)
        )
    env.cr.commit()


def step_oca(env, state, budget):
    cr = env.cr
    run_date = date.fromisoformat(state["run_date"])
    companies = env["res.company"].browse(state["company_ids"])
    sample_ids = set(state["sample_ids"])
    env = env(context=dict(env.context, mail_notify_force_send=False))
    policies = (
        env.ref("account_credit_control.credit_control_3_time"),
        env.ref("account_credit_control.credit_control_2_time"),
    )
    receivables = env["account.account"].search(
        [
            ("account_type", "=", "asset_receivable"),
            ("company_ids", "in", companies.ids),
        ]
    )
    for company, policy in zip(companies, policies, strict=True):
        # reminders by email only, as ours (OCA's last level is a letter to print)
        policy.level_ids.write({"channel": "email"})
        policy.account_ids = [(6, 0, receivables.ids)]
        company.credit_policy_id = policy
    template = env.ref("account_credit_control.email_template_credit_control_base")
    reports = template.report_template_ids
    template.report_template_ids = [(5, 0, 0)]
    env.flush_all()
    results = []

    with Phase(cr, "OCA: generate credit lines") as phase:
        lines = env["credit.control.line"]
        for company, policy in zip(companies, policies, strict=True):
            run = (
                env["credit.control.run"]
                .with_company(company)
                .create(
                    {
                        "date": run_date,
                        "company_id": company.id,
                        "policy_ids": [(6, 0, policy.ids)],
                    }
                )
            )
            run.generate_credit_lines()
            run.set_to_ready_lines()
            lines |= run.line_ids
        env.flush_all()
    lines = lines.filtered(lambda line: line.state == "to_be_sent")
    phase.items = len(set(lines.mapped("partner_id").ids))
    phase.extra["lines"] = len(lines)
    results.append(phase.result())

    Comm = env["credit.control.communication"]
    for name, chosen, attach in (
        ("OCA: emails without report", lambda p: p not in sample_ids, False),
        ("OCA: emails with report (sample)", lambda p: p in sample_ids, True),
    ):
        if attach:
            template.report_template_ids = [(6, 0, reports.ids)]
            env.flush_all()
        todo = lines.filtered(lambda line, c=chosen: c(line.partner_id.id))
        partner_ids = sorted(set(todo.mapped("partner_id").ids))
        comms = Comm
        with Phase(cr, name) as phase:
            deadline = budget and time.perf_counter() + budget
            # by batches of customers, as our scheduled action, so that the
            # time budget can stop it
            for start in range(0, len(partner_ids), OCA_BATCH):
                batch = set(partner_ids[start : start + OCA_BATCH])
                batch_comms = Comm._generate_comm_from_credit_lines(
                    todo.filtered(lambda line, b=batch: line.partner_id.id in b)
                )
                batch_comms._generate_emails()
                env.flush_all()
                comms |= batch_comms
                left = len(partner_ids) - start - len(batch)
                if left and deadline and time.perf_counter() > deadline:
                    phase.extra["remaining"] = left
                    break
        phase.items = len(set(comms.mapped("partner_id").ids))
        phase.extra["communications"] = len(comms)
        results.append(phase.result())
    cr.rollback()
    return results


# ---------------------------------------------------------------- report
def setup_odoo(args):
    odoo.tools.config.parse_config(
        [
            "-c",
            args.config,
            "-d",
            args.database,
            "--log-level=warn",
            # wkhtmltopdf warns on every letter (no server for its stylesheets)
            "--log-handler=odoo.addons.base.models.ir_actions_report:ERROR",
        ]
    )
    return odoo.modules.registry.Registry(args.database)


def run_step(args):
    registry = setup_odoo(args)
    state = json.loads(args.state) if args.state else {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "build":
            result = step_build(env, args)
        elif args.step == "preview":
            result = step_preview(env, state)
        elif args.step == "ours":
            result = step_ours(env, state, args.budget, config=args.config)
        else:
            result = step_oca(env, state, args.budget)
    print(RESULT + json.dumps(result, default=str), flush=True)


def spawn(args, step, state=None):
    cmd = [
        sys.executable,
        __file__,
        "--config",
        args.config,
        "--database",
        args.database,
        "--customers",
        str(args.customers),
        "--invoices",
        str(args.invoices),
        "--letters",
        str(args.letters),
        "--budget",
        str(args.budget or 0),
        "--step",
        step,
    ]
    if state:
        cmd += ["--state", json.dumps(state)]
    print(f"-- {step} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT)]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout)
        raise SystemExit(f"step {step} failed (exit {proc.returncode})")
    return json.loads(lines[-1][len(RESULT) :])


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (
                    x.split(":", 1)[1].strip()
                    for x in info
                    if x.startswith("model name")
                ),
                cpu,
            )
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {ram:.0f} GB RAM, "
        f"Odoo {odoo.release.version}, Python {platform.python_version()}, "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )


def row(result):
    items, seconds, queries = result["items"], result["seconds"], result["queries"]
    rate = items / seconds if seconds else 0.0
    per = f"{queries / items:.1f}" if items and queries else "–"
    longest = result.get("longest")
    extra = [f"{queries} queries"] if queries else []
    for key in (
        "actions",
        "letters",
        "failed",
        "stylesheets",
        "lines",
        "communications",
        "notes",
        "remaining",
    ):
        if key in result:
            extra.append(f"{key} {result[key]}")
    return (
        f"| {result['phase']} | {items} | {seconds:.2f} | "
        f"{result.get('cpu', 0):.1f} | {rate:.1f} | {per} | "
        f"{result.get('callbacks') or '–'} | "
        f"{'–' if longest is None else f'{longest:.2f}'} | {result['rss']:.0f} | "
        f"{', '.join(extra)} |"
    )


def ratio(ours, oca):
    if not (ours["items"] and oca["items"] and ours["seconds"] and oca["seconds"]):
        return "n/a"
    mine = ours["items"] / ours["seconds"]
    theirs = oca["items"] / oca["seconds"]
    return f"{mine:.1f} / {theirs:.1f} customers per second = **{mine / theirs:.2f}×**"


def report(args, build, ours, oca):
    print(
        f"\n{build['customers']} customers, {build['items']} open invoices "
        f"({build['overdue_customers']} customers with overdue invoices), two "
        f"companies; run date {build['run_date']}; letter sample "
        f"{len(build['sample_ids'])} customers; time budget per run phase "
        f"{f'{args.budget:.0f} s' if args.budget else 'none'}\n{machine()}\n"
    )
    print(
        "| phase | items | seconds | Python CPU s | items/s | SQL queries per "
        "item | callbacks "
        "| longest callback (s) | peak RSS (MB) | notes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for result in [build, *ours, *oca]:
        print(row(result))
    print(
        "\nitems: invoices (data set), customers due (planning), customers "
        "reminded (runs), customers sent a communication (OCA). Python CPU: "
        "the benchmark process only (PostgreSQL and wkhtmltopdf excluded); "
        "wall seconds depend on the machine's load."
    )
    letters = next((r for r in ours if r["phase"] == LETTERS_PHASE), None)
    if letters and letters["items"]:
        rate = letters["items"] / letters["seconds"]
        print(
            f"\nletters through grouped rendering: {letters['items']} in "
            f"{letters['seconds']:.2f} s = **{rate:.2f} letters per second**, "
            f"longest callback {letters['longest']:.2f} s"
        )
    if ours[-1].get("persistent_runs") is not None:
        print(f"persistent runs: {json.dumps(ours[-1]['persistent_runs'])}")
    if oca:
        generate, plain, letters = oca

        # OCA's line generation covers every customer at once: each phase
        # is charged its customers' share of it.
        def charged(phase):
            share = phase["items"] / max(generate["items"], 1)
            return dict(phase, seconds=phase["seconds"] + generate["seconds"] * share)

        oca_plain, oca_letters = charged(plain), charged(letters)
        mine = {result["phase"]: result for result in ours}
        print(
            "\nwithout letters, ours / OCA: "
            f"{ratio(mine['run without letters'], oca_plain)}"
        )
        print(
            "with letters, ours / OCA: "
            f"{ratio(mine['run with letters (sample)'], oca_letters)}"
        )
        if FLOOR_PHASE in mine:
            floor = mine[FLOOR_PHASE]
            print(
                "Odoo alone (a chatter note on the customer and the email of "
                f"each reminder, nothing else) / OCA: {ratio(floor, oca_plain)}"
            )
            print(f"ours / Odoo alone: {ratio(mine['run without letters'], floor)}")


def main():
    args = parse_args()
    if args.step:
        run_step(args)
        return
    if args.report_from:
        saved = json.loads(Path(args.report_from).read_text(encoding="utf-8"))
        args.budget = saved["budget"]
        report(args, saved["build"], saved["ours"], saved["oca"])
        return
    build = spawn(args, "build")
    state = {k: build[k] for k in ("company_ids", "sample_ids", "run_date")}
    ours = [spawn(args, "preview", state), *spawn(args, "ours", state)]
    oca = [] if args.skip_oca else spawn(args, "oca", state)
    # kept for printing the report again (--report-from)
    saved = Path(args.config).with_name(f"bench-{args.customers}.json")
    saved.write_text(
        json.dumps({"budget": args.budget, "build": build, "ours": ours, "oca": oca}),
        encoding="utf-8",
    )
    report(args, build, ours, oca)


if __name__ == "__main__":
    main()
