#!/usr/bin/env python3
"""Render the user guide's screenshots from a running demo database.

Usage (the demo server must be running, see scripts/run.sh):
    DUNNING_VENV=.venv DUNNING_DB=dunning_demo DUNNING_PORT=8069 scripts/run.sh &
    .venv/bin/python scripts/screenshots.py --port 8069 --db dunning_demo

It logs in as admin (French interface in the demo database) and as the demo
salesperson for their own page, opens each page of PAGES in headless Chromium
through the DevTools protocol, waits for the page's own selector and writes
docs/screenshots/<name>.png. To add a page, append a Page to PAGES: ``path``
may use the ids found by ``find`` (one JSON-RPC search per page), ``steps``
are JavaScript snippets run in order, each followed by a wait for its
selector, ``login`` names a demo user other than the administrator.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"


@dataclass
class Page:
    name: str  # file name, without .png
    path: str  # /odoo/... ; "{id}" is replaced by the record found by `find`
    ready: str  # CSS selector present once the page is drawn
    find: tuple = ()  # (model, domain) of the record to show
    steps: list = field(default_factory=list)  # (javascript, selector to wait for)
    height: int = 900
    login: str = ""  # demo user (login = password); the administrator when empty


def click(selector):
    return f"document.querySelector({json.dumps(selector)}).click()"


PAGES = [
    Page(
        "overview",
        "/odoo/action-account_dunning_fr.account_dunning_overview_action",
        ".o_dunning_card_graph_dso .o_dunning_card_graph canvas",
    ),
    Page(
        "settings",
        "/odoo/action-account.action_account_config?view_type=form",
        ".o_field_widget[name=dunning_default_policy_id]",
        steps=[
            (
                # The block's title, found by the field it holds.
                "document.querySelector('.o_field_widget[name=dunning_default_policy_id]')"
                ".closest('.o_settings_container').previousElementSibling"
                ".scrollIntoView({block: 'start'})",
                ".o_field_widget[name=dunning_default_policy_id]",
            )
        ],
    ),
    Page(
        "policy_levels",
        "/odoo/action-account_dunning_fr.account_dunning_policy_action/{id}",
        ".o_field_widget[name=level_ids] .o_data_row",
        # The demo company's (the default company has its own policies too).
        find=(
            "account.dunning.policy",
            [
                ["payer_profile", "=", "negligent"],
                ["company_id.name", "=", "Menuiserie Lefèvre SARL"],
            ],
        ),
    ),
    Page(
        "run_wizard",
        "/odoo/action-account_dunning_fr.account_dunning_run_action",
        ".modal button[name=action_preview]",
        steps=[
            (
                click(".modal button[name=action_preview]"),
                ".modal .o_field_widget[name=action_ids] .o_data_row",
            )
        ],
    ),
    Page(
        "action_history",
        "/odoo/action-account_dunning_fr.account_dunning_action_action/{id}",
        ".o_form_view .o_field_widget[name=partner_id]",
        find=(
            "account.dunning.action",
            [["state", "=", "done"], ["send_letter", "=", True]],
        ),
    ),
    *(
        Page(
            f"letter_{kind}",
            f"/report/html/account_dunning_fr.report_dunning_letter_{kind}_document/{{id}}",
            ".page",
            find=(
                "account.dunning.action",
                [["state", "=", "done"], ["level_id.letter_type", "=", kind]],
            ),
            height=1300,
        )
        for kind in ("first", "formal_notice")
    ),
    Page(
        "partner_dunning",
        "/odoo/action-base.action_partner_form/{id}",
        ".o_form_view .o_notebook",
        find=("res.partner", [["dunning_action_ids", "!=", False]]),
        steps=[
            (
                click(".o_notebook .nav-link[name=dunning]"),
                ".o_notebook .nav-link[name=dunning].active",
            )
        ],
        height=1300,
    ),
    Page(
        "analysis",
        "/odoo/action-account_dunning_fr.account_dunning_analysis_action",
        ".o_content :is(.o_pivot, .o_graph_renderer, .o_list_renderer)",
    ),
    # The salesperson's home: the menu they land on after logging in.
    Page(
        "salesperson_customers",
        "/odoo",
        ".o_list_view .o_data_row",
        login="commercial",
    ),
]


class Chromium:
    """A headless Chromium driven through its DevTools websocket."""

    def __init__(self, binary, width):
        self.profile = tempfile.mkdtemp(prefix="dunning-shots-")
        port = 9400 + os.getpid() % 500
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{port}/json", timeout=1
                ).json()
                url = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start")
        self.ws = websocket.create_connection(url["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.width = width

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        """Wait until ``selector`` matches and the web client is idle."""
        check = (
            f"!!document.querySelector({json.dumps(selector)}) && "
            "!document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(check):
                time.sleep(1)  # let fonts, images and animations settle
                return
            time.sleep(0.3)
        where = self.evaluate("location.href + ' | ' + document.title")
        raise TimeoutError(f"{selector} not found on {where}")

    def shoot(self, url, page, path):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=page.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        self.wait_for(page.ready)
        for script, selector in page.steps:
            self.evaluate(script)
            self.wait_for(selector)
        # Passing notifications (e.g. "page outdated" after an upgrade) are
        # not part of the screen being documented.
        self.evaluate(
            "document.querySelectorAll('.o_notification_manager > *')"
            ".forEach((n) => n.remove())"
        )
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def login(base, db, user, password):
    session = requests.Session()
    reply = session.post(
        f"{base}/web/session/authenticate",
        json={"params": {"db": db, "login": user, "password": password}},
        timeout=60,
    ).json()
    if reply.get("error") or not reply["result"].get("uid"):
        raise RuntimeError(f"login as {user} failed: {reply.get('error')}")
    return session


def find_id(session, base, model, domain):
    reply = session.post(
        f"{base}/web/dataset/call_kw",
        json={
            "params": {
                "model": model,
                "method": "search",
                "args": [domain],
                "kwargs": {"limit": 1, "order": "id desc"},
            }
        },
        timeout=60,
    ).json()
    ids = reply.get("result")
    if not ids:
        raise RuntimeError(f"no {model} matching {domain}: {reply.get('error')}")
    return ids[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("DUNNING_PORT", 8069))
    )
    parser.add_argument("--db", default=os.environ.get("DUNNING_DB", "dunning_demo"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--chromium", default=shutil.which("chromium") or "/usr/bin/chromium"
    )
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument(
        "only", nargs="*", help="names of the pages to render (all by default)"
    )
    args = parser.parse_args()

    base = f"http://127.0.0.1:{args.port}"
    sessions = {"": login(base, args.db, args.login, args.password)}
    OUT.mkdir(parents=True, exist_ok=True)
    browser = Chromium(args.chromium, args.width)
    try:
        browser.call("Page.enable")
        for page in PAGES:
            if args.only and page.name not in args.only:
                continue
            if page.login not in sessions:
                sessions[page.login] = login(base, args.db, page.login, page.login)
            session = sessions[page.login]
            # One browser, one cookie: the page's user replaces the last one.
            browser.call(
                "Network.setCookie",
                name="session_id",
                value=session.cookies["session_id"],
                domain="127.0.0.1",
                path="/",
            )
            path = page.path
            if page.find:
                path = path.replace("{id}", str(find_id(session, base, *page.find)))
            target = OUT / f"{page.name}.png"
            browser.shoot(f"{base}{path}", page, target)
            print(f"{target.relative_to(REPO)}  <- {path}")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
