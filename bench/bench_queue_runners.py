"""Benchmark of the day's run shared by queue_job workers (account_dunning_fr_queue).

Run it through ``make bench`` (``scripts/bench.sh``), which makes its database
(``<bench database>_queue``: a copy of the bench's database as installed,
before its data set, with ``account_dunning_fr_queue`` and ``queue_job``
installed) and calls::

    python bench/bench_queue_runners.py --config .cache/odoo-bench.conf \\
        --database dunning_bench_queue --size small

1. ``plan``, in a process of its own: the bench's data set
   (``bench_data.build_dataset``, the size of ``--size``), the levels' letters
   switched off (as the bench's run without letters), then the daily run's
   scheduled action driven as Odoo's cron runner does: its first callback
   plans both companies (units written), the next one hands every pending unit
   to queue_job, one job per set of units of a run (``JOB_SET_SIZE``) on
   ``root.dunning`` and one closing job per run. Committed: this database is
   the planned day.
2. For each capacity of ``--runners`` (1 and 2): a fresh copy of the planned
   database (``createdb -T``, ``<database>_<capacity>``, dropped and made again
   at the next invocation), served by a real Odoo server with ``--workers``
   (as many HTTP worker processes as the largest capacity, at least ``WORKERS``,
   whatever the capacity of the pass, so that only the
   channel's capacity differs), ``server_wide_modules = base,web,queue_job``
   and ``channels = root:N,root.dunning:N``. queue_job's job runner (a process
   of the server) hands the jobs to the HTTP workers, at most N at a time. The
   time runs from the server's start until no unit job is left to do (its
   ``queue_job`` rows polled); the closing job's fixed 30 s wait is then
   brought forward and the run must close. The server is stopped by its pid
   (SIGTERM, a graceful stop of its workers).
3. Meanwhile the CPU time of the server's processes, of the PostgreSQL
   backends serving its database and of the whole machine is sampled from
   ``/proc``: where the time goes when two runners do not go twice as fast.
4. Then, on that copy: every unit carried out exactly once (one live action
   per customer and unit, none pending, no job failed) and every job's result
   honest, a count for each of its units (e.g. "done 23, taken 2 (done)"):
   the units its set's jobs say they carried out are, state by state, the
   set's units in that state; "taken <n> (<state>)" only for units another
   job of the set carried out; "run <n> (<state>)" only when the run stopped.
"""

import argparse
import configparser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dunning_run import (  # noqa: E402
    CRON_XMLID,
    RESULT,
    SIZES,
    Phase,
    _letters_off,
    drive_cron,
    machine,
    setup_odoo,
    step_build,
)

UNIT_KEY = "account_dunning_fr_queue.units."
FINISH_KEY = "account_dunning_fr_queue.run."
# HTTP worker processes of each server, at least: as many as the largest
# capacity measured, the same for every capacity.
WORKERS = 2
# Seconds between two looks at the jobs (and samples of the CPU times).
POLL = 0.25
CARRIERS = ("done", "failed", "skipped")
TARGET = 1.5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", default="dunning_bench_queue")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--customers", type=int, help="overrides --size")
    parser.add_argument("--invoices", type=int, help="overrides --size")
    parser.add_argument(
        "--runners",
        default="1,2",
        help="capacities of the dunning channel to measure, one server each",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the capacities that many times, in turn (1, 2, 1, 2...): "
        "on a shared machine the ratio is taken between the best of each",
    )
    parser.add_argument(
        "--reuse-plan",
        action="store_true",
        help="the database was planned by an earlier invocation: measure again",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds a server is given for the units (default: 120 + 2 per unit)",
    )
    parser.add_argument("--step", choices=("plan",), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    customers, invoices, __ = SIZES[args.size]
    args.customers = args.customers or customers
    args.invoices = args.invoices or invoices
    args.letters = 0
    args.runners = [int(n) for n in args.runners.split(",")]
    return args


# ---------------------------------------------------------------- planning
def step_plan(env, args):
    """The data set, then the scheduled action's callbacks until the units are
    enqueued; committed."""
    env.cr.execute("SELECT count(*) FROM account_dunning_run")
    if env.cr.fetchone()[0]:
        raise SystemExit(f"{env.cr.dbname} is planned already: --reuse-plan")
    build = step_build(env, args)
    _letters_off(env)
    cron = env.ref(CRON_XMLID)
    with Phase(env.cr, "planning and enqueueing (scheduled action)") as phase:
        drive_cron(cron, {}, phase)
    env.cr.execute(
        """
        SELECT count(*) FILTER (WHERE identity_key LIKE %s),
               count(*) FILTER (WHERE identity_key LIKE %s)
          FROM queue_job
        """,
        (UNIT_KEY + "%", FINISH_KEY + "%"),
    )
    unit_jobs, finish_jobs = env.cr.fetchone()
    env.cr.execute(
        "SELECT count(*) FROM account_dunning_run_unit WHERE state = 'pending'"
    )
    units = env.cr.fetchone()[0]
    return {
        "customers": build["customers"],
        "invoices": build["items"],
        "run_date": build["run_date"],
        "units": units,
        "unit_jobs": unit_jobs,
        "finish_jobs": finish_jobs,
        "plan": phase.result(),
    }


def spawn_plan(args):
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
        "--step",
        "plan",
    ]
    print("-- plan ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT)]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout)
        raise SystemExit(f"step plan failed (exit {proc.returncode})")
    return json.loads(lines[-1][len(RESULT) :])


# ---------------------------------------------------------------- servers
def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_options(config):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config)
    return dict(parser["options"])


def workers(args):
    """HTTP worker processes of every server of the invocation."""
    return max(WORKERS, *args.runners)


def server_config(
    options, database, capacity, http_port, gevent_port, logfile, workers=WORKERS
):
    """The configuration of a server whose job runner carries out the jobs of
    ``database``, ``capacity`` at a time, in ``workers`` worker processes."""
    kept = ("addons_path", "data_dir", "db_host", "db_port", "db_user", "db_password")
    lines = ["[options]"]
    lines += [f"{key} = {options[key]}" for key in kept if options.get(key)]
    lines += [
        f"db_name = {database}",
        f"dbfilter = ^{database}$",
        "without_demo = all",
        "server_wide_modules = base,web,queue_job",
        f"workers = {workers}",
        "max_cron_threads = 0",
        "http_interface = 127.0.0.1",
        f"http_port = {http_port}",
        f"gevent_port = {gevent_port}",
        "log_level = warn",
        f"logfile = {logfile}",
        "",
        "[queue_job]",
        f"channels = root:{capacity},root.dunning:{capacity}",
        "",
    ]
    return "\n".join(lines)


def odoo_command():
    """Odoo's console script of this interpreter: the server starts its
    long-polling process with its own ``sys.argv[0]``, which ``-m odoo`` would
    leave unusable (that process would fail and be started again each
    second, its CPU counted with the server's)."""
    script = Path(sysconfig.get_path("scripts")) / "odoo"
    if not script.is_file():
        raise SystemExit(f"no Odoo console script at {script}")
    return [sys.executable, str(script)]


def copy_database(options, source, target):
    """``target``, dropped if it exists, made again from ``source`` with its
    filestore."""
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    for attempt in range(6):
        # The copy fails while another session reads the source: try again.
        if not subprocess.run(
            ["createdb", "-T", source, target], check=False
        ).returncode:
            break
        if attempt == 5:
            raise SystemExit(f"could not copy {source} into {target}")
        time.sleep(10)
    filestore = Path(options["data_dir"]) / "filestore"
    shutil.rmtree(filestore / target, ignore_errors=True)
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / target, symlinks=True)


def connect(options, database):
    params = {
        "dbname": database,
        "host": options.get("db_host") or os.environ.get("PGHOST"),
        "port": options.get("db_port") or os.environ.get("PGPORT"),
        "user": options.get("db_user") or os.environ.get("PGUSER"),
        "password": options.get("db_password") or os.environ.get("PGPASSWORD"),
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    return conn


# ---------------------------------------------------------------- CPU time
TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """``(parent pid, CPU seconds)`` of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces.
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def descendants(root):
    """``root`` and its descendants' pids."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = proc_stat(entry.name)
            if stat:
                children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def machine_busy():
    """CPU seconds the whole machine has been busy since it started."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(x) for x in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK


class CpuSampler:
    """CPU seconds of a process tree and of the PostgreSQL backends of a
    database, the last value seen of each process (a process gone between
    two samples loses its last quarter of a second), and of the whole
    machine."""

    def __init__(self, conn, database, root):
        self.conn, self.database, self.root = conn, database, root
        self.odoo, self.postgres = {}, {}

    def sample(self):
        for pid in descendants(self.root):
            stat = proc_stat(pid)
            if stat:
                self.odoo[pid] = stat[1]
        with self.conn.cursor() as cr:
            cr.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = %s AND pid != pg_backend_pid()",
                (self.database,),
            )
            for (pid,) in cr.fetchall():
                stat = proc_stat(pid)
                if stat:
                    self.postgres[pid] = stat[1]

    def totals(self):
        """The CPU seconds so far: ``odoo``, ``pg`` and the machine's
        ``busy`` time."""
        return {
            "odoo": sum(self.odoo.values()),
            "pg": sum(self.postgres.values()),
            "busy": machine_busy(),
        }


def cpu_between(before, after):
    """CPU seconds of the server, of PostgreSQL and of the rest of the
    machine between two ``CpuSampler.totals``."""
    odoo = after["odoo"] - before["odoo"]
    postgres = after["pg"] - before["pg"]
    busy = after["busy"] - before["busy"]
    return {
        "odoo_cpu": odoo,
        "pg_cpu": postgres,
        "others_cpu": max(busy - odoo - postgres, 0.0),
    }


# ---------------------------------------------------------------- one pass
def unit_job_states(conn):
    with conn.cursor() as cr:
        cr.execute(
            "SELECT state, count(*) FROM queue_job WHERE identity_key LIKE %s "
            "GROUP BY state",
            (UNIT_KEY + "%",),
        )
        return dict(cr.fetchall())


def stop_server(process):
    """SIGTERM to the server's pid (its workers stopped gracefully), SIGKILL
    to it and its processes if it is still there after a minute."""
    if process.poll() is not None:
        return
    pids = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)


def bring_finish_forward(conn):
    """The closing jobs wait 30 s between looks: once the units are done,
    they are asked to look now (the runner hears of it through queue_job's
    trigger)."""
    with conn.cursor() as cr:
        cr.execute(
            "UPDATE queue_job SET eta = now() AT TIME ZONE 'UTC' "
            "WHERE identity_key LIKE %s AND state = 'pending'",
            (FINISH_KEY + "%",),
        )


def runs_closed(conn):
    with conn.cursor() as cr:
        cr.execute(
            "SELECT count(*) FILTER (WHERE state != 'done'), count(*) "
            "FROM account_dunning_run"
        )
        open_runs, total = cr.fetchone()
        return total and not open_runs


def run_pass(args, options, plan, capacity):
    """One server with the given capacity on a fresh copy of the planned
    database: the figures of the pass, then its checks."""
    database = f"{args.database}_{capacity}"
    cache = Path(args.config).resolve().parent
    logfile = cache / f"bench-queue-{capacity}.log"
    conf = cache / f"odoo-bench-queue-{capacity}.conf"
    print(
        f"-- {capacity} runner(s): copying {args.database}", file=sys.stderr, flush=True
    )
    copy_database(options, args.database, database)
    conf.write_text(
        server_config(
            options,
            database,
            capacity,
            free_port(),
            free_port(),
            logfile,
            workers(args),
        ),
        encoding="utf-8",
    )
    logfile.write_text("", encoding="utf-8")
    total = plan["unit_jobs"]
    timeout = args.timeout or 120 + 2 * plan["units"]
    result = {"runners": capacity, "units": plan["units"], "database": database}
    print(f"-- {capacity} runner(s): serving {database}", file=sys.stderr, flush=True)
    with closing(connect(options, database)) as conn:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*odoo_command(), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            sampler = CpuSampler(conn, database, process.pid)
            first, at_first = None, sampler.totals()
            while True:
                time.sleep(POLL)
                sampler.sample()
                states = unit_job_states(conn)
                now = time.perf_counter() - start
                if first is None and states.get("pending", 0) < total:
                    first, at_first = now, sampler.totals()
                finished = states.get("done", 0) + states.get("failed", 0)
                if finished >= total or now > timeout or process.poll() is not None:
                    break
            result["seconds"] = now
            result["startup"] = first if first is not None else now
            result["timed_out"] = finished < total
            # The CPU of the jobs' window: the servers' start-up left out.
            result.update(cpu_between(at_first, sampler.totals()))
            # The run closes by its own job, not counted in the time above.
            bring_finish_forward(conn)
            limit = time.perf_counter() + 60
            while time.perf_counter() < limit and not runs_closed(conn):
                time.sleep(POLL)
            result["closed_after"] = time.perf_counter() - start - now
        finally:
            stop_server(process)
        result["exit"] = process.returncode
        result.update(job_figures(conn))
        result.update(check(conn))
    result["log_errors"] = sum(
        1
        for line in logfile.read_text(encoding="utf-8", errors="replace").splitlines()
        if " ERROR " in line or " CRITICAL " in line
    )
    return result


# ---------------------------------------------------------------- figures
def job_figures(conn):
    """States, retries and durations of the unit jobs, and the closing
    jobs' states. A job tried again for a ``RetryableJobError`` keeps the eta
    it was postponed to (unit jobs are enqueued without one); queue_job
    counts the first try in ``retry``."""
    with conn.cursor() as cr:
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE state = 'done'),
                   count(*) FILTER (WHERE state = 'failed'),
                   count(*) FILTER (WHERE eta IS NOT NULL OR retry > 1),
                   COALESCE(sum(exec_time), 0),
                   COALESCE(max(exec_time), 0)
              FROM queue_job
             WHERE identity_key LIKE %s
            """,
            (UNIT_KEY + "%",),
        )
        done, failed, retried, exec_sum, exec_max = cr.fetchone()
        cr.execute(
            "SELECT date_started, date_done FROM queue_job "
            "WHERE identity_key LIKE %s AND date_done IS NOT NULL",
            (UNIT_KEY + "%",),
        )
        overlap = most_at_once(cr.fetchall())
        cr.execute(
            "SELECT state, result FROM queue_job WHERE identity_key LIKE %s",
            (FINISH_KEY + "%",),
        )
        finish = cr.fetchall()
    return {
        "jobs_done": done,
        "jobs_failed": failed,
        "jobs_retried": retried,
        "exec_sum": float(exec_sum),
        "exec_max": float(exec_max),
        "most_at_once": overlap,
        "finish_jobs": [list(row) for row in finish],
    }


def most_at_once(spans):
    """The most jobs at work at the same time, from their ``(start, end)``
    (the last try of each)."""
    events = sorted(
        [(start, 1) for start, __ in spans] + [(end, -1) for __, end in spans],
        key=lambda event: (event[0], event[1]),
    )
    most = current = 0
    for __, step in events:
        current += step
        most = max(most, current)
    return most


# ---------------------------------------------------------------- checks
PART = re.compile(
    r"^(?:(?P<carried>done|failed|skipped) (?P<n>\d+)"
    r"|(?P<kind>taken|run) (?P<m>\d+) \((?P<state>\w+)\)"
    r"|gone (?P<gone>\d+))$"
)


def parse_result(result):
    """The units a set's job accounts for, from its result.

    :return: ``{(kind, state): units}``, kind one of done, failed,
        skipped (state None), taken, run (state: the unit's, the run's) or
        gone; ``{("none", None): 0}`` for a job without result and
        ``{("other", None): 0}`` for a result of another form
    """
    if not result:
        return {("none", None): 0}
    parts = {}
    for part in result.split(", "):
        match = PART.match(part)
        if not match:
            return {("other", None): 0}
        if match["carried"]:
            key, count = (match["carried"], None), int(match["n"])
        elif match["kind"]:
            key, count = (match["kind"], match["state"]), int(match["m"])
        else:
            key, count = ("gone", None), int(match["gone"])
        if key in parts:
            return {("other", None): 0}
        parts[key] = count
    return parts


def verdict(units, jobs, runs):
    """What is wrong with a run's units and the results of their jobs.

    :param units: ``{unit id: (unit state, run id, live actions)}``
    :param jobs: ``[(unit ids of the job's set, job state, job result)]``
    :param runs: ``{run id: run state}``
    :return: ``(problems, units counted by kind of result)``: each problem a
        short sentence, none when every unit was carried out exactly once
        and every job said what it did
    """
    kinds = Counter()
    by_set = {}
    for ids, state, result in jobs:
        by_set.setdefault(tuple(sorted(ids)), []).append((state, result))
    problems = unit_problems(units, by_set)
    for ids, mine in sorted(by_set.items()):
        problems += set_problems(ids, mine, units, runs, kinds)
    return problems, dict(kinds)


def unit_problems(units, by_set):
    """Units not carried out exactly once, or in no set or in several."""
    problems = []
    in_jobs = Counter(i for ids in by_set for i in ids)
    for unit_id, (state, __, live) in sorted(units.items()):
        if state == "pending":
            problems.append(f"unit {unit_id} still pending")
        if live > 1 or (state == "done" and live != 1):
            problems.append(f"unit {unit_id} ({state}) has {live} live actions")
        if not in_jobs[unit_id]:
            problems.append(f"unit {unit_id} has no job")
        elif in_jobs[unit_id] > 1:
            problems.append(f"unit {unit_id} is in {in_jobs[unit_id]} sets")
    return problems


def set_problems(ids, mine, units, runs, kinds):
    """What the jobs of one set (``mine``: their states and results) say
    that its units (``ids``) contradict; their results are added to
    ``kinds``."""
    problems = []
    known = [i for i in ids if i in units]
    name = f"set {ids[0]}-{ids[-1]}"
    if len(known) < len(ids):
        problems.append(f"{name}: {len(ids) - len(known)} units do not exist")
    states = Counter(units[i][0] for i in known)
    run_states = {runs.get(units[i][1]) for i in known} - {"running"}
    carried = Counter()
    parsed = []
    for job_state, result in mine:
        if job_state == "failed":
            problems.append(f"{name}: a job failed")
        parts = parse_result(result)
        for (kind, __), count in parts.items():
            kinds[kind] += count
        if {"none", "other"} & {kind for kind, __ in parts}:
            # Counted by their units, as the others.
            kinds[next(iter(parts))[0]] += len(ids)
            if result:
                problems.append(f"{name}: result '{result}' not understood")
            continue
        parsed.append((result, parts))
        if sum(parts.values()) != len(ids):
            problems.append(f"{name}: '{result}' counts not its {len(ids)} units")
        for (kind, state), count in parts.items():
            if kind in CARRIERS:
                carried[kind] += count
            if kind == "run" and state not in run_states:
                problems.append(f"{name}: '{result}', runs {sorted(run_states)}")
    return problems + carried_problems(name, states, carried, parsed)


def carried_problems(name, states, carried, parsed):
    """The units a set's jobs say they carried out (``carried``, by state)
    against the set's units (``states``, counted), and "taken" said of units
    no other job of the set carried out."""
    if not parsed:
        if any(s != "pending" for s in states):
            return [f"{name}: no job says it carried out its units"]
        return []
    problems = [
        f"{name}: {states[state]} units {state}, its jobs say {carried[state]}"
        for state in sorted(set(carried) | (set(states) & set(CARRIERS)))
        if carried[state] != states[state]
    ]
    for result, parts in parsed:
        for (kind, state), count in parts.items():
            by_others = carried[state] - parts.get((state, None), 0)
            if kind == "taken" and count > by_others:
                problems.append(f"{name}: '{result}' but no other job did it")
    return problems


def check(conn, run_ids=None):
    """Every unit carried out once, every job's result honest (``verdict``),
    and no customer with two live actions on the run's day.

    :param conn: connection (``cursor()`` gives a cursor context)
    :param run_ids: the runs to look at, or None for every run
    """
    runs_sql = "(%(runs)s::int[] IS NULL OR r.id = ANY(%(runs)s::int[]))"
    params = {"runs": list(run_ids) if run_ids is not None else None}
    with conn.cursor() as cr:
        cr.execute(
            f"""
            SELECT u.id, u.state, u.run_id,
                   count(a.id) FILTER (WHERE a.state != 'cancelled')
              FROM account_dunning_run_unit u
              JOIN account_dunning_run r ON r.id = u.run_id
              LEFT JOIN account_dunning_action a ON a.run_unit_id = u.id
             WHERE {runs_sql}
             GROUP BY u.id
            """,
            params,
        )
        units = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            "SELECT records, state, result FROM queue_job "
            "WHERE identity_key LIKE %(key)s",
            {"key": UNIT_KEY + "%"},
        )
        jobs = [(record_ids(records), s, r) for records, s, r in cr.fetchall()]
        if run_ids is not None:
            jobs = [job for job in jobs if set(job[0]) & set(units)]
        cr.execute(
            f"SELECT r.id, r.state FROM account_dunning_run r WHERE {runs_sql}", params
        )
        runs = dict(cr.fetchall())
        cr.execute(
            f"""
            SELECT count(*) FROM (
                SELECT 1 FROM account_dunning_action a
                  JOIN account_dunning_run r
                    ON r.date = a.date AND r.company_id = a.company_id
                 WHERE a.state != 'cancelled' AND {runs_sql}
                 GROUP BY a.partner_id, a.company_id, a.date
                HAVING count(DISTINCT a.id) > 1) twice
            """,
            params,
        )
        twice = cr.fetchone()[0]
    problems, kinds = verdict(units, jobs, runs)
    if twice:
        problems.append(f"{twice} customers with two live actions on the run's day")
    return {
        "unit_states": dict(Counter(state for state, __, __ in units.values())),
        "run_states": dict(Counter(runs.values())),
        "results": kinds,
        "problems": problems,
    }


def record_ids(records):
    """The ids of the records of a job, from its ``records`` column
    (queue_job's JSON of a recordset)."""
    if isinstance(records, str):
        records = json.loads(records)
    return records["ids"]


# ---------------------------------------------------------------- report
def rate(result):
    """Units per second once the first job was handed out (the server's
    start and the runner's 5 s wait before its first look left out)."""
    window = result["seconds"] - result["startup"]
    return result["units"] / window if window > 0 else 0.0


def row(result):
    done = max(result["jobs_done"], 1)
    return (
        f"| {result['runners']} | {result['units']} | {result['seconds']:.1f} | "
        f"{result['startup']:.1f} | {rate(result):.1f} | {result['jobs_done']} | "
        f"{result['jobs_failed']} | {result['jobs_retried']} | "
        f"{1000 * result['exec_sum'] / done:.0f} | "
        f"{1000 * result['exec_max']:.0f} | {result['most_at_once']} |"
    )


def time_row(result):
    """Where the seconds of the jobs' window went: the channel's slots
    (window × capacity) against the jobs' own durations, and the machine's
    cores against the CPU of the server, of PostgreSQL and of others."""
    window = result["seconds"] - result["startup"]
    slots = window * result["runners"]
    cores = window * (os.cpu_count() or 1)
    if not (slots and cores):
        return f"| {result['runners']} | – | – | – | – | – | – | – | – | – |"
    used = result["odoo_cpu"] + result["pg_cpu"] + result["others_cpu"]
    waiting = result["exec_sum"] - result["odoo_cpu"] - result["pg_cpu"]
    return (
        f"| {result['runners']} | {window:.1f} | {slots:.1f} | "
        f"{result['exec_sum']:.1f} ({100 * result['exec_sum'] / slots:.0f} %) | "
        f"{result['odoo_cpu']:.1f} | {result['pg_cpu']:.1f} | "
        f"{max(waiting, 0):.1f} | {cores:.1f} | "
        f"{result['others_cpu']:.1f} | {max(cores - used, 0):.1f} |"
    )


def report(args, plan, results):
    plan_phase = plan["plan"]
    print(
        f"\n{plan['customers']} customers, {plan['invoices']} open invoices, two "
        f"companies; run date {plan['run_date']}; {plan['units']} units enqueued "
        f"as {plan['unit_jobs']} jobs (+{plan['finish_jobs']} closing jobs) by the "
        f"scheduled action in {plan_phase['seconds']:.1f} s "
        f"({plan_phase['callbacks']} callbacks); {workers(args)} HTTP workers "
        "per server"
        f"\n{machine()}\n"
    )
    print(
        "| runners | units | seconds | of which start-up | units/s | jobs done | "
        "failed | retried | ms per job | longest job (ms) | most jobs at once |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(row(result))
    print(
        "\nseconds: from the server's start until every unit job is done; "
        "start-up: until the runner handed out its first job (the server "
        "starting, the runner's own 5 s wait); units/s: over the rest, the "
        "jobs' window. ms per job: `queue_job.exec_time` (last try), mean; "
        "retried: jobs postponed at least once; most jobs at once: from their "
        "start and end times."
    )
    # The best pass of each capacity: the one others' jobs slowed least.
    by_runners = {}
    for result in sorted(results, key=rate):
        by_runners[result["runners"]] = result
    one, two = by_runners.get(1), by_runners.get(2)
    if one and two and rate(one):
        ratio = rate(two) / rate(one)
        whole = one["seconds"] / two["seconds"]
        print(
            f"\ntwo runners / one: {rate(two):.1f} / {rate(one):.1f} units per "
            f"second = **{ratio:.2f}×** ({whole:.2f}× from the server's start); "
            f"target ≥ {TARGET}×: {'met' if ratio >= TARGET else 'not met'}"
        )
    print(
        "\nWhere the jobs' window went: the channel's slots (window × "
        "runners) against the jobs' own seconds, the rest being the runner "
        "handing the jobs out; the CPU of the server's processes (HTTP "
        "workers, job runner) and of the PostgreSQL backends of its database; "
        "waiting: the jobs' seconds off those CPUs (for a core, a lock, a "
        "commit); the machine's cores (window × cores) against the rest of "
        "the machine (other jobs, this benchmark's polling):\n"
    )
    print(
        "| runners | window s | channel slots s | jobs' seconds (share of the "
        "slots) | Odoo CPU s | PostgreSQL CPU s | waiting s | cores s | "
        "others' CPU s | idle cores s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(time_row(result))
    ok = True
    print()
    for result in results:
        closing_jobs = ", ".join(f"{s} ({r})" for s, r in result["finish_jobs"])
        print(
            f"{result['runners']} runner(s): units {result['unit_states']}; job "
            f"results {result['results']}; runs {result['run_states']} "
            f"{result['closed_after']:.1f} s after the last unit (closing jobs: "
            f"{closing_jobs}); ERROR lines in the server's log: "
            f"{result['log_errors']}"
        )
        problems = list(result["problems"])
        if result["timed_out"]:
            problems.insert(0, "jobs left when the time was up")
        for problem in problems[:20]:
            print(f"  PROBLEM: {problem}")
        if problems:
            ok = False
        else:
            print("  every unit carried out exactly once, every job's result honest")
    return ok


def main():
    args = parse_args()
    if args.step:
        registry = setup_odoo(args)
        with registry.cursor() as cr:
            from odoo import SUPERUSER_ID, api

            result = step_plan(api.Environment(cr, SUPERUSER_ID, {}), args)
        print(RESULT + json.dumps(result, default=str), flush=True)
        return
    options = read_options(args.config)
    planned = Path(args.config).with_name(f"queue-runners-plan-{args.database}.json")
    if args.reuse_plan:
        plan = json.loads(planned.read_text(encoding="utf-8"))
    else:
        planned.unlink(missing_ok=True)
        plan = spawn_plan(args)
        planned.write_text(json.dumps(plan), encoding="utf-8")
    if not plan["unit_jobs"]:
        raise SystemExit("the scheduled action enqueued no unit")
    results = [
        run_pass(args, options, plan, capacity)
        for __ in range(args.rounds)
        for capacity in args.runners
    ]
    saved = Path(args.config).with_name(f"queue-runners-{args.customers}.json")
    saved.write_text(json.dumps({"plan": plan, "results": results}), encoding="utf-8")
    if not report(args, plan, results):
        raise SystemExit("a unit was not carried out exactly once, or a job lied")


if __name__ == "__main__":
    main()
