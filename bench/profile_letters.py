"""Where the time of one group of letters goes, stage by stage.

Run it on a database holding dunning actions with a letter (the benchmark's,
after ``make bench``), for example::

    .venv/bin/python bench/profile_letters.py --config .cache/odoo-bench.conf \\
        --database dunning_bench --sizes 10,20,40

For each group size it renders groups of letters of the same report, company
and language the way ``account.dunning.send`` does, and prints
the milliseconds of each stage per letter: QWeb, HTML preparation, joining,
wkhtmltopdf (with the bare start of the program apart), cutting the PDF and
stamping the footers, attaching. Everything is rolled back.
"""

import argparse
import subprocess
import tempfile
import time
from collections import defaultdict

# Run from bench/: its sibling sets Odoo up the same way.
from bench_dunning_run import setup_odoo

from odoo import SUPERUSER_ID, api

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sizes", default="10,20,40")
    parser.add_argument("--groups", type=int, default=2, help="groups per size")
    parser.add_argument(
        "--report-url",
        help="address of a server of this database, from which wkhtmltopdf "
        "loads the report stylesheets (none by default: rendered without them)",
    )
    return parser.parse_args()


class Clock:
    def __init__(self):
        self.seconds = defaultdict(float)

    def time(self, stage, function, *args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        self.seconds[stage] += time.perf_counter() - start
        return result


def bare_wkhtmltopdf():
    """Seconds of one wkhtmltopdf call on an empty page: the start-up cost."""
    with tempfile.TemporaryDirectory() as folder:
        html, pdf = f"{folder}/empty.html", f"{folder}/empty.pdf"
        with open(html, "w", encoding="utf-8") as file:
            file.write("<html><body>x</body></html>")
        start = time.perf_counter()
        subprocess.run(
            [_get_wkhtmltopdf_bin(), "--quiet", html, pdf],
            check=False,
            capture_output=True,
        )
        return time.perf_counter() - start


def profile_group(env, actions, clock):
    Rendering = env["account.dunning.send"]
    Letter = env["account.dunning.letter"]
    first = actions[0]
    report = Letter._get_report(Letter._get_letter_type(first))
    Report = env["ir.actions.report"].with_context(
        lang=Letter._get_lang(first), debug=False
    )
    html = clock.time(
        "qweb",
        Report._render_qweb_html,
        report,
        actions.ids,
        data={"report_type": "pdf", "debug": False},
    )[0]
    clock.seconds["html bytes"] += len(html)
    bodies, _ids, header, footer, args = clock.time(
        "prepare html", report.with_context(debug=False)._prepare_html, html
    )
    joined = clock.time("join", Rendering._join_bodies, bodies)
    pdf = clock.time(
        "wkhtmltopdf",
        Report._run_wkhtmltopdf,
        [joined],
        report_ref=report,
        header=header,
        footer=footer,
        specific_paperformat_args=args,
    )
    footer = Letter._get_page_footer(*Letter._get_document_company_lang(first))
    files = clock.time("cut and stamp", Rendering._split, pdf, actions, footer=footer)
    for action in actions:
        clock.time("attach", Rendering._attach, action, files[action.id], "pdf")
    clock.time("flush", env.flush_all)


def main():
    args = parse_args()
    registry = setup_odoo(args)
    sizes = [int(size) for size in args.sizes.split(",")]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", args.report_url or "")
        actions = env["account.dunning.action"].search(
            [("letter_attachment_id", "!=", False)]
        )
        # the letters of one report, company and language: the most common
        groups = env["account.dunning.send"]._group_by_report(actions)
        pool = max(groups, key=len, default=actions)
        print(f"wkhtmltopdf on an empty page: {bare_wkhtmltopdf():.2f} s")
        print(f"{len(pool)} letters of one report, company and language\n")
        # QWeb compiles its templates at the first call: not measured.
        with cr.savepoint():
            warm = pool[:1].with_company(pool[:1].company_id)
            profile_group(warm.env, warm, Clock())
        for size in sizes:
            clock = Clock()
            count = 0
            for number in range(args.groups):
                group = pool[number * size : (number + 1) * size]
                if len(group) < size:
                    break
                company = group.company_id
                profile_group(
                    env(context={"allowed_company_ids": company.ids}),
                    group.with_company(company),
                    clock,
                )
                count += len(group)
            if not count:
                print(f"group of {size}: not enough letters")
                continue
            total = sum(v for k, v in clock.seconds.items() if k != "html bytes")
            stages = ", ".join(
                f"{k} {v / count * 1000:.0f} ms"
                for k, v in clock.seconds.items()
                if k != "html bytes"
            )
            print(
                f"group of {size}: {count / total:.2f} letters/s; per letter: "
                f"{stages}; HTML {clock.seconds['html bytes'] / count / 1024:.0f} kB"
            )
        cr.rollback()


if __name__ == "__main__":
    main()
