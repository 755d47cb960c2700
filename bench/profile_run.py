"""Where the Python time of carrying out the daily run goes, per customer.

Run it on a database where the benchmark's add-ons are installed, once with
``--build`` to write a data set (committed), then as often as needed::

    .venv/bin/python bench/profile_run.py --config .cache/odoo-bench.conf \\
        --database dunning_prof --build --customers 1500 --invoices 7500
    .venv/bin/python bench/profile_run.py --config .cache/odoo-bench.conf \\
        --database dunning_prof --profile /tmp/run.prof

Each company is planned (``account.dunning.run._start``), then its units are
claimed and carried out in sets of ``COMMIT_SET_SIZE`` as the scheduled
action does, the cache emptied after each set; only that is timed (and
profiled with cProfile when asked). Letters are off, as in the benchmark's
run without letters. Everything but the data set is rolled back.
"""

import argparse
import cProfile
import functools
import pstats
import threading
import time
from collections import defaultdict

# Run from bench/: its siblings set Odoo up the same way.
from bench_data import build_dataset
from bench_dunning_run import CRON_XMLID, NO_LETTERS, _letters_off, setup_odoo

from odoo import SUPERUSER_ID, api, fields


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--invoices", type=int, default=7500)
    parser.add_argument("--profile", help="file of the cProfile statistics")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--set-size", type=int, help="units per set (COMMIT_SET_SIZE)")
    parser.add_argument("--profile-step", help="model.method of STEPS profiled alone")
    parser.add_argument(
        "--steps",
        action="store_true",
        help="time the steps of carrying a set out (CPU seconds, inclusive)",
    )
    return parser.parse_args()


# (model, method) timed by --steps, inclusive of what they call
STEPS = [
    ("account.dunning.run.unit", "_get_planned_action_vals"),
    ("account.dunning.planning", "_create_proposals"),
    ("account.dunning.action.line", "create"),
    ("account.dunning.execution", "_carry_out_set"),
    ("account.dunning.execution", "_drop_paid_moves"),
    ("account.dunning.send", "_choose_recipients"),
    ("account.dunning.execution", "_carry_out_steps"),
    ("account.dunning.send", "_send_emails"),
    ("account.dunning.letter", "_get_type_mail_template"),
    ("mail.template", "_generate_template"),
    ("mail.mail", "create"),
    ("account.dunning.delivery", "create"),
    ("account.dunning.execution", "_update_moves"),
    ("account.dunning.action", "_post_history"),
    ("account.dunning.run.unit", "write"),
]


def time_steps(env, profiler=None, profiled=None):
    """Wrap the methods of ``STEPS``: ``{name: [calls, CPU seconds, wall
    seconds]}``; ``profiler`` runs only within the step named ``profiled``.
    The wall time includes the database's work on the statements a step
    sends (the ORM sends most writes when it next flushes, often in a later
    step)."""
    totals = defaultdict(lambda: [0, 0.0, 0.0])
    for model, method in STEPS:
        cls = env.registry[model]
        original = getattr(cls, method)
        name = f"{model}.{method}"

        def wrapper(*args, _original=original, _name=name, **kwargs):
            start, wall = time.process_time(), time.perf_counter()
            profiling = profiler and _name == profiled
            if profiling:
                profiler.enable()
            try:
                return _original(*args, **kwargs)
            finally:
                if profiling:
                    profiler.disable()
                totals[_name][0] += 1
                totals[_name][1] += time.process_time() - start
                totals[_name][2] += time.perf_counter() - wall

        functools.update_wrapper(wrapper, original)
        setattr(cls, method, wrapper)
    return totals


def main():
    args = parse_args()
    registry = setup_odoo(args)
    # importable once the add-ons path is set
    from odoo.addons.account_dunning_fr.models.account_dunning_run import (
        COMMIT_SET_SIZE,
    )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref(CRON_XMLID)
        run_date = fields.Date.context_today(env["res.partner"].with_user(cron.user_id))
        if args.build:
            # as bench_dunning_run.step_build: no localisation add-on
            # installed with the new companies
            threading.current_thread().testing = True
            try:
                build_dataset(env, args.customers, args.invoices, run_date)
            finally:
                threading.current_thread().testing = False
            _letters_off(env)
            cr.commit()
            return
        env = env(user=cron.user_id.id, context=NO_LETTERS)
        Run = env["account.dunning.run"]
        Unit = env["account.dunning.run.unit"]
        companies = Run._get_dunning_companies()
        runs = Run.browse()
        for company in companies:
            runs |= Run._start(company, run_date, "scheduled")
        env.flush_all()
        env.invalidate_all()
        profiler = cProfile.Profile() if args.profile else None
        totals = (
            time_steps(env, profiler, args.profile_step)
            if args.steps or args.profile_step
            else None
        )
        if args.profile_step:
            profiler, step_profiler = None, profiler
        queries_before = cr.sql_log_count
        done = 0
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        while True:
            units = Unit._claim(args.set_size or COMMIT_SET_SIZE, runs=runs)
            if not units:
                break
            done += len(units) - len(units._carry_out_units())
            env.flush_all()
            env.invalidate_all()
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        queries = cr.sql_log_count - queries_before
        actions = env["account.dunning.action"].search_count(
            [("run_unit_id.run_id", "in", runs.ids), ("state", "=", "done")]
        )
        print(
            f"units {done}, actions done {actions}: {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU, {1000 * cpu / max(done, 1):.2f} ms CPU per customer, "
            f"{done / wall:.1f} customers/s, {queries / max(done, 1):.2f} queries "
            "per customer"
        )
        cr.rollback()
        if totals:
            for name, (calls, seconds, wall_seconds) in totals.items():
                print(
                    f"{name:55s} {calls:6d} calls {seconds:7.2f} s "
                    f"{1000 * seconds / max(done, 1):6.2f} ms/customer "
                    f"{100 * seconds / cpu:5.1f} % "
                    f"wall {1000 * wall_seconds / max(done, 1):6.2f} ms/customer"
                )
        if args.profile_step:
            profiler = step_profiler
        if profiler:
            profiler.dump_stats(args.profile)
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
