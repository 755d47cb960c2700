"""Benchmark of the dunning run: time and SQL queries for a large backlog.

Usage (after ``make test`` created the ``dunning_test`` database)::

    python3 bench/bench_dunning_run.py --database dunning_test --customers 1000

Everything happens in one transaction that is rolled back at the end, so the
database is left as it was. Figures are printed as a Markdown table for the
README.
"""

import argparse
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, Command, api

REPO = Path(__file__).resolve().parent.parent
RUN_DATE = date(2026, 4, 10)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="dunning_test")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices-per-customer", type=int, default=3)
    parser.add_argument(
        "--execute-customers",
        type=int,
        default=50,
        help="customers whose actions are executed (letters are rendered as "
        "PDF, about a second each with wkhtmltopdf)",
    )
    return parser.parse_args()


def setup_odoo(args):
    # Odoo installs every localisation add-on of a new company's country (and
    # commits) unless the thread is marked as testing; the benchmark must leave
    # the database untouched, and sends no email either.
    threading.current_thread().testing = True
    addons = Path(odoo.__file__).parent / "addons"
    odoo.tools.config.parse_config(
        [
            f"--addons-path={addons},{REPO}",
            f"--db_host={args.db_host}",
            "--log-level=warn",
        ]
    )
    return odoo.modules.registry.Registry(args.database)


def make_data(env, customers, per_customer):
    company = env["res.company"].create(
        {
            "name": "Banc d'essai SAS",
            "country_id": env.ref("base.fr").id,
            "currency_id": env.ref("base.EUR").id,
        }
    )
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    env = env(context={"allowed_company_ids": company.ids})
    partners = env["res.partner"].create(
        [
            {
                "name": f"Client {i:05d}",
                "is_company": True,
                "email": f"compta{i}@client.example",
                "street": f"{i} rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "payer_profile": ("good", "negligent", "bad", "insolvent")[i % 4],
            }
            for i in range(customers)
        ]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": RUN_DATE - timedelta(days=40 + k),
                "invoice_date_due": RUN_DATE - timedelta(days=6 + k),
                "invoice_line_ids": [
                    Command.create({"name": "Prestation", "price_unit": 100.0 + k})
                ],
            }
            for partner in partners
            for k in range(per_customer)
        ]
    )
    moves.action_post()
    return env, company, partners


def measure(cr, func):
    start_queries, start = cr.sql_log_count, time.perf_counter()
    result = func()
    return result, time.perf_counter() - start, cr.sql_log_count - start_queries


def main():
    args = parse_args()
    registry = setup_odoo(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env, company, partners = make_data(
            env, args.customers, args.invoices_per_customer
        )
        Action = env["account.dunning.action"].with_company(company)
        Planning = env["account.dunning.planning"].with_company(company)
        small = partners[:50]
        _, t_small, q_small = measure(
            cr, lambda: Planning._prepare_proposals(RUN_DATE, partners=small)
        )
        proposals, t_plan, q_plan = measure(
            cr, lambda: Planning._prepare_proposals(RUN_DATE)
        )
        executed = partners[: args.execute_customers]
        actions, t_run, q_run = measure(
            cr,
            lambda: Action._run_dunning(
                date=RUN_DATE, companies=company, partners=executed
            ),
        )
        done = len(actions.filtered(lambda a: a.state == "done"))
        rows = [
            ("Plan 50 customers", len(small), t_small, q_small),
            (
                "Plan all customers",
                len({p["partner_id"] for p in proposals}),
                t_plan,
                q_plan,
            ),
            ("Run: plan + execute (email + PDF letter)", done, t_run, q_run),
        ]
        per_customer = args.invoices_per_customer
        print(f"\n{args.customers} customers × {per_customer} overdue invoices\n")
        print("| step | customers | seconds | SQL queries | queries per customer |")
        print("|---|---:|---:|---:|---:|")
        for label, count, seconds, queries in rows:
            per = queries / count if count else 0
            print(f"| {label} | {count} | {seconds:.2f} | {queries} | {per:.1f} |")
        cr.rollback()


if __name__ == "__main__":
    main()
