"""The benchmark of the run shared by queue_job workers, kept honest: the
configuration it gives its servers is one queue_job reads, and its checks
read a run carried out by jobs, and can fail."""

import importlib.util
import sys
import unittest
from configparser import ConfigParser
from contextlib import closing, nullcontext
from datetime import datetime
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.account_dunning_fr.tests.common_committed import DunningCommittedCase
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.jobrunner.channels import ChannelManager

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_queue_runners.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_queue_runners", BENCH)
    module = importlib.util.module_from_spec(spec)
    # The benchmark imports its neighbours (bench_dunning_run, bench_data).
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


class Connection:
    """A test cursor where the benchmark expects a connection."""

    def __init__(self, cr):
        self.cr = cr

    def cursor(self):
        return nullcontext(self.cr)


@tagged("post_install", "-at_install")
class TestBenchQueueRunners(DunningCommittedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not BENCH.is_file():
            raise unittest.SkipTest("bench/ is not next to the add-on (installed copy)")
        cls.bench = load_bench()

    def test_server_configuration_read_by_queue_job(self):
        text = self.bench.server_config(
            {"addons_path": "/a,/b", "data_dir": "/d", "db_host": ""},
            "bench_q_2",
            2,
            18069,
            18072,
            "/tmp/bench.log",
        )
        parser = ConfigParser(interpolation=None)
        parser.read_string(text)
        options = parser["options"]
        self.assertIn("queue_job", options["server_wide_modules"].split(","))
        self.assertGreaterEqual(int(options["workers"]), 2, "jobs in worker processes")
        self.assertEqual(options["max_cron_threads"], "0")
        self.assertEqual(
            (options["http_port"], options["gevent_port"]), ("18069", "18072")
        )
        self.assertEqual(options["db_name"], "bench_q_2")
        self.assertEqual(options["addons_path"], "/a,/b")
        self.assertNotIn("db_host", options)
        channels = ChannelManager()
        channels.simple_configure(parser["queue_job"]["channels"])
        self.assertEqual(channels.get_channel_by_name("root").capacity, 2)
        self.assertEqual(channels.get_channel_by_name("root.dunning").capacity, 2)

    def test_parse_result(self):
        parse = self.bench.parse_result
        self.assertEqual(
            parse("done 23, taken 2 (done)"),
            {("done", None): 23, ("taken", "done"): 2},
        )
        self.assertEqual(
            parse("failed 1, skipped 2, run 3 (failed), gone 1"),
            {
                ("failed", None): 1,
                ("skipped", None): 2,
                ("run", "failed"): 3,
                ("gone", None): 1,
            },
        )
        self.assertEqual(parse(None), {("none", None): 0})
        for wrong in ("done", "done 2,taken 1 (done)", "done 1, done 2", "taken 2"):
            with self.subTest(result=wrong):
                self.assertEqual(parse(wrong), {("other", None): 0})

    def test_verdict(self):
        verdict = self.bench.verdict
        runs = {1: "done"}
        units = {10: ("done", 1, 1), 11: ("skipped", 1, 0), 12: ("done", 1, 1)}
        honest = [
            ((10, 11), "done", "done 1, skipped 1"),
            ((10, 11), "done", "taken 1 (done), taken 1 (skipped)"),
            ((12,), "done", "done 1"),
        ]
        self.assertEqual(
            verdict(units, honest, runs),
            ([], {"done": 2, "taken": 2, "skipped": 1}),
        )
        wrong = [
            # another job's word with nobody having done it
            ({11: ("skipped", 1, 0)}, [((11,), "done", "taken 1 (skipped)")]),
            # two jobs carried the unit out
            (
                {10: ("done", 1, 1)},
                [((10,), "done", "done 1"), ((10,), "done", "done 1")],
            ),
            # a job says what the unit is not
            ({10: ("failed", 1, 0)}, [((10,), "done", "done 1")]),
            # a job counts more units than its set has
            ({10: ("done", 1, 1)}, [((10,), "done", "done 2")]),
            # a job does not account for every unit of its set
            (
                {10: ("done", 1, 1), 11: ("done", 1, 1)},
                [((10, 11), "done", "done 1"), ((10, 11), "done", "done 1")],
            ),
            # a unit left pending, its job failed
            ({10: ("pending", 1, 0)}, [((10,), "failed", None)]),
            # two live actions for one unit
            ({10: ("done", 1, 2)}, [((10,), "done", "done 1")]),
            # the run was not stopped
            ({10: ("skipped", 1, 0)}, [((10,), "done", "run 1 (cancelled)")]),
            # a result of another form
            ({10: ("done", 1, 1)}, [((10,), "done", "done")]),
            # a unit without a job
            ({10: ("done", 1, 1)}, []),
        ]
        for units, jobs in wrong:
            with self.subTest(units=units, jobs=jobs):
                self.assertTrue(verdict(units, jobs, runs)[0])

    def test_most_at_once(self):
        at = datetime(2026, 4, 10, 9, 0, 0)

        def span(start, end):
            return (at.replace(second=start), at.replace(second=end))

        most_at_once = self.bench.most_at_once
        self.assertEqual(most_at_once([]), 0)
        self.assertEqual(most_at_once([span(0, 2), span(2, 4), span(4, 6)]), 1)
        self.assertEqual(most_at_once([span(0, 5), span(1, 2), span(3, 4)]), 2)

    def test_checks_of_a_run_carried_out_by_jobs(self):
        company_id, partner_ids, __ = self._setup_committed_data(3, "Banc files")
        run_id = self._start_run(company_id)
        with closing(self._cursor()) as cr:
            env = self._env(cr, company_id)
            run = env["account.dunning.run"].browse(run_id)
            uuids = [job.uuid for job in run.unit_ids._enqueue()]
            cr.commit()  # pylint: disable=invalid-commit
            for uuid in uuids:
                # As a worker does: started, performed, done, committed.
                job = Job.load(env, uuid)
                job.set_started()
                job.perform()
                job.set_done()
                job.store()
                cr.commit()  # pylint: disable=invalid-commit
            self.assertEqual(len(uuids), 1, "one set")
            found = self.bench.check(Connection(cr), [run_id])
            self.assertEqual(found["problems"], [])
            self.assertEqual(found["unit_states"], {"done": 3})
            self.assertEqual(found["results"], {"done": 3})
            # A job that claims another did one of its units, alone on its
            # set: caught.
            cr.execute(
                "UPDATE queue_job SET result = 'done 2, taken 1 (done)' "
                "WHERE uuid = %s",
                (uuids[0],),
            )
            found = self.bench.check(Connection(cr), [run_id])
            self.assertEqual(found["results"], {"done": 2, "taken": 1})
            self.assertEqual(len(found["problems"]), 2, found["problems"])
            cr.rollback()
            self.assertEqual(len(self._live_actions(env, partner_ids)), 3)
