"""The benchmark's data set, written in bulk through SQL.

Creating 100 000 posted invoices through the ORM takes hours; the rows the
dunning engine (and OCA credit control) read are written directly instead,
consistent with what Odoo itself would have stored for an invoice without
tax, posted, not paid:

- ``account_move``: posted ``out_invoice``, amounts (total = residual),
  ``payment_state`` ``not_paid``, due date, name and sequence;
- ``account_move_line``: one receivable item (``payment_term``, debit, open
  residual, ``date_maturity``, not reconciled) and one income line (credit).

Two companies with the French chart of accounts are made through the ORM
(seconds); each gets the shipped dunning policies from the add-on, and the
second one follows a different default policy. Customers have 1 to 50
invoices (skewed towards few), due dates spread over 200 days around the run
date (most overdue, some not yet due).
"""

import random
from datetime import timedelta

from psycopg2.extras import execute_values

PAGE = 5000


def build_dataset(env, customers, invoices, run_date, seed=1):
    """Write the data set into the database of ``env`` (not committed).

    :param env: ``odoo.api.Environment`` of the superuser
    :param customers: number of customers (split between the two companies)
    :param invoices: total number of open invoices, at least ``customers``
    :param run_date: ``datetime.date`` the due dates are spread around
    :param seed: random seed: the same arguments give the same data set
    :return: dict with ``companies`` (``res.company``), ``partner_ids`` and
        ``move_ids`` (lists of ids), ``overdue_customer_ids`` (set of the
        customers with an invoice due before ``run_date``)
    """
    if invoices < customers:
        raise ValueError("at least one invoice per customer")
    rng = random.Random(seed)
    companies = _make_companies(env)
    counts = _invoice_counts(rng, customers, invoices)
    lang = "fr_FR" if env["res.lang"]._lang_get("fr_FR") else "en_US"
    partner_ids = _insert_partners(env, companies, customers, lang, rng)
    move_ids, overdue = _insert_invoices(
        env, companies, partner_ids, counts, run_date, rng
    )
    # Fresh statistics, as autovacuum would give a live database: the
    # planner would otherwise take the new tables for near empty ones.
    env.cr.execute("ANALYZE res_partner, account_move, account_move_line")
    env.invalidate_all()
    return {
        "companies": companies,
        "partner_ids": partner_ids,
        "move_ids": move_ids,
        "overdue_customer_ids": overdue,
    }


def _values(count, constants):
    """``execute_values`` row template: ``count`` parameters, then SQL
    constants."""
    return "(" + ", ".join(["%s"] * count) + ", " + constants + ")"


def _make_companies(env):
    """Two French companies; the second follows another default policy."""
    companies = env["res.company"]
    for name in ("Banc d'essai Nord SAS", "Banc d'essai Sud SAS"):
        company = env["res.company"].create(
            {
                "name": name,
                "country_id": env.ref("base.fr").id,
                "currency_id": env.ref("base.EUR").id,
                "email": "compta@" + name.split()[-2].lower() + ".example",
                "street": "1 place de la Bourse",
                "zip": "75002",
                "city": "Paris",
            }
        )
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
        companies |= company
    second = companies[1]
    others = env["account.dunning.policy"].search(
        [
            ("company_id", "=", second.id),
            ("id", "!=", second.dunning_default_policy_id.id),
        ]
    )
    if others:
        second.dunning_default_policy_id = others[0]
    return companies


def _invoice_counts(rng, customers, invoices):
    """Invoices per customer, 1 to 50, skewed to few, summing to ``invoices``."""
    mean = invoices / customers
    counts = [
        min(50, max(1, round(rng.expovariate(1 / mean)))) for _ in range(customers)
    ]
    diff = invoices - sum(counts)
    while diff:
        i = rng.randrange(customers)
        step = 1 if diff > 0 else -1
        if 1 <= counts[i] + step <= 50:
            counts[i] += step
            diff -= step
    return counts


def _insert_partners(env, companies, customers, lang, rng):
    """Customer companies, each belonging to one of the two companies."""
    cr = env.cr
    fr = env.ref("base.fr").id
    profiles = ("good", "negligent", "bad", "insolvent")
    rows = []
    for i in range(customers):
        company = companies[i % 2]
        name = f"Client {i:06d} SARL"
        email = f"compta{i}@client{i}.example"
        rows.append(
            (
                name,
                name,
                True,
                "contact",
                True,
                email,
                email,
                lang,
                company.id,
                f"{i} rue de la Paix",
                "75002",
                "Paris",
                fr,
                1,
                "ask",
                True,
                # the second company's customers follow its default policy
                profiles[rng.randrange(4)] if i % 2 == 0 else None,
                "professional",
            )
        )
    # ids taken from the sequence first: each customer is its own
    # commercial partner from the start (an UPDATE afterwards would be planned
    # on statistics that still see an empty table)
    cr.execute(
        "SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)",
        [len(rows)],
    )
    ids = [row[0] for row in cr.fetchall()]
    rows = [(pid, pid, *row) for pid, row in zip(ids, rows, strict=True)]
    for start in range(0, len(rows), PAGE):
        execute_values(
            cr._obj,
            """
            INSERT INTO res_partner (
                id, commercial_partner_id,
                name, complete_name, is_company, type, active, email,
                email_normalized, lang, company_id, street, zip, city,
                country_id, customer_rank, autopost_bills, partner_share,
                payer_profile, dunning_debtor_type, create_uid, write_uid,
                create_date, write_date)
            VALUES %s
            """,
            rows[start : start + PAGE],
            template=_values(
                20,
                "1, 1, now() at time zone 'UTC', now() at time zone 'UTC'",
            ),
            page_size=PAGE,
        )
    return ids


def _company_accounts(env, company):
    Account = env["account.account"].with_company(company)
    domain = [("company_ids", "in", company.id), ("deprecated", "=", False)]
    receivable = Account.search(
        domain + [("account_type", "=", "asset_receivable")], limit=1
    )
    income = Account.search(domain + [("account_type", "=", "income")], limit=1)
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    return receivable, income, journal


def _insert_invoices(env, companies, partner_ids, counts, run_date, rng):
    cr = env.cr
    setup = {company.id: _company_accounts(env, company) for company in companies}
    currency = env.ref("base.EUR").id
    sequences = dict.fromkeys(setup, 0)
    moves, items, overdue = [], [], set()
    for i, (partner_id, count) in enumerate(zip(partner_ids, counts, strict=True)):
        company = companies[i % 2]
        receivable, income, journal = setup[company.id]
        for _k in range(count):
            # 200 days: from 180 days overdue to 19 days before the due date
            due = run_date - timedelta(days=rng.randint(-19, 180))
            if due < run_date:
                overdue.add(partner_id)
            invoice_date = due - timedelta(days=30)
            amount = round(rng.uniform(50, 5000), 2)
            sequences[company.id] += 1
            prefix = f"{journal.code}/{invoice_date.year}/"
            name = f"{prefix}{sequences[company.id]:06d}"
            moves.append(
                (
                    name,
                    invoice_date,
                    invoice_date,
                    due,
                    journal.id,
                    company.id,
                    currency,
                    partner_id,
                    partner_id,
                    partner_id,
                    f"Client {i:06d} SARL",
                    prefix,
                    sequences[company.id],
                    name,
                    *(amount,) * 9,
                    1.0,
                )
            )
            items.append((company, partner_id, name, invoice_date, due, amount))
    move_ids = []
    for start in range(0, len(moves), PAGE):
        move_ids += [
            row[0]
            for row in execute_values(
                cr._obj,
                """
                INSERT INTO account_move (
                    name, date, invoice_date, invoice_date_due, journal_id,
                    company_id, currency_id, partner_id, commercial_partner_id,
                    partner_shipping_id, invoice_partner_display_name,
                    sequence_prefix, sequence_number, payment_reference,
                    amount_untaxed, amount_total, amount_residual,
                    amount_untaxed_signed, amount_untaxed_in_currency_signed,
                    amount_total_signed, amount_total_in_currency_signed,
                    amount_residual_signed, quick_edit_total_amount,
                    invoice_currency_rate,
                    amount_tax, amount_tax_signed, move_type, state, auto_post,
                    payment_state, posted_before, is_move_sent, checked,
                    made_sequence_gap, always_tax_exigible, is_storno,
                    create_uid, write_uid, create_date, write_date)
                VALUES %s RETURNING id
                """,
                moves[start : start + PAGE],
                template=_values(
                    24,
                    "0, 0, "
                    "'out_invoice', 'posted', 'no', 'not_paid', true, false, true, "
                    "false, false, false, 1, 1, now() at time zone 'UTC', "
                    "now() at time zone 'UTC'",
                ),
                page_size=PAGE,
                fetch=True,
            )
        ]
    lines = []
    for move_id, (company, partner_id, name, invoice_date, due, amount) in zip(
        move_ids, items, strict=True
    ):
        receivable, income, journal = setup[company.id]
        common = (
            move_id,
            journal.id,
            company.id,
            currency,
            currency,
            partner_id,
            name,
            invoice_date,
            invoice_date,
        )
        # receivable item: what the customer owes, open
        lines.append(
            (
                *common,
                receivable.id,
                "payment_term",
                10,
                name,
                due,
                amount,
                0.0,
                amount,
                amount,
                amount,
                amount,
                None,
                None,
                None,
                None,
            )
        )
        # income line: the service sold, without tax
        lines.append(
            (
                *common,
                income.id,
                "product",
                1,
                "Prestation",
                None,
                0.0,
                amount,
                -amount,
                -amount,
                0.0,
                0.0,
                1.0,
                amount,
                amount,
                amount,
            )
        )
    for start in range(0, len(lines), PAGE):
        execute_values(
            cr._obj,
            """
            INSERT INTO account_move_line (
                move_id, journal_id, company_id, currency_id, company_currency_id,
                partner_id, move_name, date, invoice_date, account_id,
                display_type, sequence, name, date_maturity, debit, credit,
                balance, amount_currency, amount_residual,
                amount_residual_currency, quantity, price_unit, price_subtotal,
                price_total, parent_state, reconciled, discount, tax_base_amount,
                create_uid, write_uid, create_date, write_date)
            VALUES %s
            """,
            lines[start : start + PAGE],
            template=_values(
                24,
                "'posted', false, 0, 0, 1, 1, now() at time zone 'UTC', "
                "now() at time zone 'UTC'",
            ),
            page_size=PAGE,
        )
    return move_ids, overdue
