"""Draw the first page of every dunning letter type, rendered in French from
the demo data, as PNG pictures under docs/letters/ (shown in the README).

Run through `odoo shell` on the French demo database while its server
answers (wkhtmltopdf fetches the report stylesheets from it), for example:

    DUNNING_DB=dunning_demo DUNNING_PORT=8069 scripts/run.sh &
    scripts/render_letters.sh      # same DUNNING_DB and DUNNING_PORT

Environment: DUNNING_PORT (8069), DUNNING_LETTERS_DIR (docs/letters),
DUNNING_LETTERS_DPI (90), DUNNING_LETTERS_ONLY (letter types separated by
commas, all by default), DUNNING_LETTERS_KEEP_PDF (1: keep the PDFs
beside). Needs pdftoppm (poppler-utils). Nothing is kept in the database:
the actions drawn are rolled back at the end.
"""

# ruff: noqa: F821 (env is given by odoo shell)
import os
import subprocess
import tempfile
import urllib.request
from datetime import timedelta

from PIL import Image

from odoo import fields

OUTPUT = os.environ.get("DUNNING_LETTERS_DIR", "docs/letters")
DPI = os.environ.get("DUNNING_LETTERS_DPI", "90")
PORT = os.environ.get("DUNNING_PORT", "8069")
ONLY = [t for t in os.environ.get("DUNNING_LETTERS_ONLY", "").split(",") if t]
KEEP_PDF = os.environ.get("DUNNING_LETTERS_KEEP_PDF") == "1"

# Letter type -> (customer of the demo, which of its invoices, extra values).
LETTERS = {
    "pre_due": ("partner_groupe_lambert", "not_due", {}),
    "first": ("partner_garage_leroy", "overdue", {}),
    "second": ("partner_bureau_girard", "overdue", {}),
    "formal_notice": (
        "partner_transports_moreau",
        "overdue",
        {"send_registered_letter": True},
    ),
    "call_confirmation": ("partner_imprimerie_dubois", "overdue", {}),
    "payment_plan": ("partner_claire_fontaine", "overdue", {}),
    "delivery_suspension": ("partner_imprimerie_dubois", "overdue", {}),
    "statement": ("partner_bureau_girard", "all", {}),
    "public_moratorium": ("partner_mairie_saint_aubin", "overdue", {}),
}


def _invoices(company, customer, which, today):
    domain = [
        ("company_id", "=", company.id),
        ("commercial_partner_id", "=", customer.id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ("not_paid", "partial")),
    ]
    if which == "overdue":
        domain.append(("invoice_date_due", "<", today))
    elif which == "not_due":
        domain.append(("invoice_date_due", ">=", today))
    return env["account.move"].search(domain, order="invoice_date_due")


def _level(company, letter_type):
    """The level of the company's default policy printing ``letter_type``."""
    levels = company.dunning_default_policy_id._get_levels_ordered()
    return levels.filtered(lambda lvl: (lvl.letter_type or "first") == letter_type)[:1]


def _extra_values(letter_type, customer, moves, today):
    """What a workflow records before printing its letter."""
    if letter_type == "call_confirmation":
        return {
            "promise_date": today + timedelta(days=10),
            "promise_amount": moves._dunning_open_amount(),
            "promise_means": "transfer",
        }
    if letter_type == "payment_plan":
        total = moves._dunning_open_amount()
        first = round(total / 3, 2)
        plan = env["account.dunning.payment.plan"].create(
            {
                "company_id": moves.company_id.id,
                "partner_id": customer.id,
                "move_ids": [fields.Command.set(moves.ids)],
                "date_start": today,
                "line_ids": [
                    fields.Command.create(
                        {"date": today + timedelta(days=30 * n), "amount": amount}
                    )
                    for n, amount in ((1, first), (2, first), (3, total - 2 * first))
                ],
            }
        )
        return {
            **plan._prepare_agreement_action_vals(),
            "payment_plan_id": plan.id,
        }
    return {}


def render(letter_type, customer_xmlid, which, values):
    company = env.ref("account_dunning_fr.demo_company")
    Action = env["account.dunning.action"].with_company(company)
    Letter = env["account.dunning.letter"]
    today = fields.Date.context_today(Action)
    customer = env.ref(f"account_dunning_fr.{customer_xmlid}")
    moves = _invoices(company, customer, which, today)
    if not moves:
        raise SystemExit(f"{letter_type}: no invoice of {customer.name} to remind")
    vals = Action.env["account.dunning.planning"]._prepare_action_vals(
        customer, moves, today, level=_level(company, letter_type) or None
    )
    vals.update(_extra_values(letter_type, customer, moves, today))
    vals.update(values, letter_type_override=letter_type, company_id=company.id)
    action = Action.create(vals)
    lang = Letter._get_lang(action)
    pdf, fmt = (
        env["ir.actions.report"]
        .with_context(lang=lang)
        ._render_qweb_pdf(Letter._get_report(letter_type), action.ids)
    )
    if fmt != "pdf":
        raise SystemExit("wkhtmltopdf did not produce a PDF")
    target = os.path.join(OUTPUT, letter_type.replace("_", "-"))
    if KEEP_PDF:
        with open(f"{target}.pdf", "wb") as kept:
            kept.write(pdf)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(pdf)
        source.flush()
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", DPI, "-png", "-singlefile"]
            + [source.name, target],
            check=True,
        )
    # A letter is mostly black on white: 32 colours keep it sharp in a
    # third of the size.
    picture = Image.open(f"{target}.png").convert("RGB").quantize(colors=32)
    picture.save(f"{target}.png", optimize=True)
    print(f"{target}.png  {customer.name}  ({lang})")


# Without the server of this database, wkhtmltopdf draws the letters
# without their stylesheets (or with another database's).
try:
    with urllib.request.urlopen(
        f"http://127.0.0.1:{PORT}/web/login?db={env.cr.dbname}", timeout=30
    ) as answer:
        assert answer.status == 200
except Exception as error:  # noqa: BLE001 (any failure means: no server)
    raise SystemExit(
        f"no Odoo server of {env.cr.dbname} answers on port {PORT}: {error}"
    ) from error
os.makedirs(OUTPUT, exist_ok=True)
# wkhtmltopdf asks the running server for the stylesheets.
env["ir.config_parameter"].sudo().set_param("report.url", f"http://127.0.0.1:{PORT}")
env.user.lang = "fr_FR"
try:
    for letter_type, (customer_xmlid, which, values) in LETTERS.items():
        if ONLY and letter_type not in ONLY:
            continue
        render(letter_type, customer_xmlid, which, values)
finally:
    env.cr.rollback()
