#!/usr/bin/env bash
# Make sure everything `make run` / `make test` need is present:
#   PostgreSQL answering, the project's .venv with Odoo 18.0 and the Python
#   dev tools, wkhtmltopdf, poppler-utils (and Chromium for the browser tests).
# Idempotent: on a second run every step is a quick check.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ODOO_BRANCH=18.0
ODOO_SRC="${XDG_CACHE_HOME:-$HOME/.cache}/account_dunning_fr/odoo"

apt_install() {
    # Only possible as root on Debian/Ubuntu; callers handle the other cases.
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

can_apt() { is_root && command -v apt-get >/dev/null; }

pip_install() {
    log "pip install $*"
    "$PYTHON" -m pip install -q "$@"
}

# --- PostgreSQL -------------------------------------------------------------
pg_answers() { pg_isready -q "$@" >/dev/null 2>&1 && psql -X -d postgres -tAc 'SELECT 1' "$@" >/dev/null 2>&1; }

ensure_postgres() {
    command -v psql >/dev/null && command -v pg_isready >/dev/null || {
        can_apt || die "PostgreSQL client tools (psql, pg_isready, createdb) are missing; install PostgreSQL (Debian: apt-get install postgresql) and re-run."
        apt_install postgresql
    }
    # 1) whatever libpq defaults / PG* env vars point to (usually the socket)
    if pg_answers; then return 0; fi
    # 2) the TCP port; remember it for the other scripts
    if [ -z "${PGHOST:-}" ] && PGHOST=127.0.0.1 pg_answers; then
        export PGHOST=127.0.0.1
        echo ': "${PGHOST:=127.0.0.1}"; export PGHOST' >"$PG_ENV_FILE"
        return 0
    fi
    # 3) start (or install then start) a local Debian cluster
    if can_apt; then
        if ! ls -d /etc/postgresql/*/main >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
            apt_install postgresql
        fi
        local ver
        ver="$(ls /etc/postgresql | sort -V | tail -n1)"
        log "starting PostgreSQL cluster $ver/main"
        pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
        for _ in $(seq 1 20); do
            pg_isready -q && break
            sleep 0.5
        done
        # Superuser role for the current user so that peer/trust auth works.
        local me
        me="$(id -un)"
        su postgres -c "psql -X -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"" | grep -q 1 ||
            su postgres -c "createuser --superuser '$me'"
        pg_answers && return 0
    fi
    die "No PostgreSQL server answers (tried libpq defaults${PGHOST:+ PGHOST=$PGHOST} and 127.0.0.1:5432) and one cannot be started here (need root + Debian). Start PostgreSQL, make sure role '$(id -un)' exists with CREATEDB (superuser is simplest), or set PGHOST/PGPORT/PGUSER/PGPASSWORD, then re-run."
}

# --- Virtual environment -------------------------------------------------------
# Odoo's pinned requirements conflict with what a machine's own Python often
# has (werkzeug, cryptography, docutils...): they go into $VENV_DIR only.
ensure_venv() {
    [ -x "$PYTHON" ] && "$PYTHON" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)' 2>/dev/null && return 0
    command -v "$BOOT_PYTHON" >/dev/null || die "$BOOT_PYTHON not found: Python 3.10 to 3.12 is needed (or set DUNNING_BOOT_PYTHON)"
    "$BOOT_PYTHON" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' ||
        die "Odoo 18.0 needs Python 3.10 to 3.12; $BOOT_PYTHON is $("$BOOT_PYTHON" -V 2>&1) (set DUNNING_BOOT_PYTHON)"
    if ! "$BOOT_PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        can_apt || die "Python's venv module is missing (Debian: apt-get install python3-venv)"
        apt_install python3-venv
    fi
    log "creating the virtual environment $VENV_DIR"
    rm -rf "$VENV_DIR"
    "$BOOT_PYTHON" -m venv "$VENV_DIR"
    "$PYTHON" -m pip install -q --upgrade pip wheel "setuptools<81"
}

# --- Odoo 18.0 --------------------------------------------------------------
odoo_ok() {
    "$PYTHON" -c 'import sys, odoo.release as r; sys.exit(0 if r.version.startswith("18.0") else 1)' 2>/dev/null
}

# An Odoo 18.0 source tree the user already has: DUNNING_ODOO_SRC, or the one
# the machine's Python imports. Printed empty when there is none.
existing_odoo_src() {
    if [ -n "${DUNNING_ODOO_SRC:-}" ]; then
        [ -f "$DUNNING_ODOO_SRC/odoo/release.py" ] && [ -f "$DUNNING_ODOO_SRC/requirements.txt" ] ||
            die "DUNNING_ODOO_SRC=$DUNNING_ODOO_SRC is not an Odoo source tree (no odoo/release.py or requirements.txt)"
        echo "$DUNNING_ODOO_SRC"
        return 0
    fi
    "$BOOT_PYTHON" - <<'PY' 2>/dev/null || true
import os
import odoo.release as r

src = os.path.dirname(os.path.dirname(os.path.abspath(r.__file__)))
if r.version.startswith("18.0") and os.path.isfile(os.path.join(src, "requirements.txt")):
    print(src)
PY
}

install_odoo() {
    local src
    src="$(existing_odoo_src)"
    if [ -z "$src" ]; then
        src="$ODOO_SRC"
        if [ ! -f "$src/odoo/release.py" ]; then
            log "no Odoo 18.0 found: cloning github.com/odoo/odoo ($ODOO_BRANCH) into $src"
            command -v git >/dev/null || die "git is required to fetch Odoo"
            rm -rf "$src"
            mkdir -p "$(dirname "$src")"
            git clone --depth 1 --branch "$ODOO_BRANCH" https://github.com/odoo/odoo "$src"
        fi
    fi
    log "installing Odoo 18.0 from $src into $VENV_DIR (once; a few minutes)"
    if can_apt; then
        # Headers needed to build psycopg2 and python-ldap from requirements.txt.
        apt_install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev
    fi
    # cbor2==5.4.2 (pinned by Odoo) has an sdist that no longer builds with
    # modern setuptools; 5.6.2 is API compatible and ships wheels.
    local reqs="$CACHE_DIR/odoo-requirements.txt"
    sed 's/^cbor2==5\.4\.2\b/cbor2==5.6.2/' "$src/requirements.txt" >"$reqs"
    pip_install -r "$reqs" || die "installing Odoo's Python requirements failed (Debian packages libpq-dev libldap2-dev libsasl2-dev are needed to build them)"
    # setuptools prints thousands of warnings while building Odoo's editable
    # install: kept in a log, shown only if it fails.
    local build_log="$CACHE_DIR/odoo-editable-install.log"
    log "pip install -e $src (log: $build_log)"
    "$PYTHON" -m pip install -q --no-deps --no-build-isolation -e "$src" >"$build_log" 2>&1 || {
        tail -n 50 "$build_log" >&2
        die "installing Odoo from $src into $VENV_DIR failed (see $build_log)"
    }
    odoo_ok || die "Odoo still not importable as 18.0 after install"
}

# --- Python tools -------------------------------------------------------------
ensure_py_tools() {
    # find_spec only locates the packages (no import), which keeps re-runs fast.
    local missing
    missing="$("$PYTHON" -c '
from importlib.util import find_spec

wanted = {
    "pytest": "pytest",
    "pytest_odoo": "pytest-odoo",
    "freezegun": "freezegun",
    "ruff": "ruff",
    "pylint_odoo": "pylint-odoo",
    "oca_pre_commit_hooks": "oca-odoo-pre-commit-hooks",
    "websocket": "websocket-client",  # Odoo drives Chromium through it (tours)
    "aiosmtpd": "aiosmtpd",  # the local mail server of the demo (run.sh)
    "whool": "whool",  # builds the add-on wheels (check_wheels.py)
    # Markdown fragments to README.rst (gen_readme.py); pinned, as its output
    # is compared with the committed READMEs.
    "pypandoc": "pypandoc_binary==1.17",
}
print(" ".join(pkg for mod, pkg in wanted.items() if find_spec(mod) is None))
')"
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086  # word splitting wanted: one arg per package
        pip_install $missing || die "pip install $missing into $VENV_DIR failed"
    fi
}

# --- prettier (lint and scripts/format.sh) ------------------------------------
# The OCA's formatter of XML, JS, SCSS and YAML, at the versions its add-ons
# repository template pins for Odoo 18.0, installed with npm into the
# git-ignored cache (never a committed node_modules).
PRETTIER_PACKAGES=("prettier@3.3.3" "@prettier/plugin-xml@3.4.1")
prettier_ok() {
    [ -x "$PRETTIER" ] && [ "$("$PRETTIER" --version 2>/dev/null)" = 3.3.3 ] &&
        [ -f "$NPM_DIR/node_modules/@prettier/plugin-xml/package.json" ] &&
        grep -q '"version": "3.4.1"' "$NPM_DIR/node_modules/@prettier/plugin-xml/package.json"
}

ensure_prettier() {
    prettier_ok && return 0
    if ! command -v npm >/dev/null; then
        can_apt || die "npm is missing: the lint formats XML with prettier. Install Node.js and npm (Debian: apt-get install npm) and re-run."
        apt_install npm
    fi
    log "npm install ${PRETTIER_PACKAGES[*]} into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || echo '{"private": true}' >"$NPM_DIR/package.json"
    npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error \
        "${PRETTIER_PACKAGES[@]}" >/dev/null || die "npm install ${PRETTIER_PACKAGES[*]} failed"
    prettier_ok || die "prettier is still not at the pinned version in $NPM_DIR"
}

# --- OCA add-ons the optional add-ons depend on --------------------------------
# An optional add-on of this repository may depend on an OCA add-on (e.g.
# queue_job): it comes from PyPI as odoo-addon-<name>, without its "odoo"
# requirement, which Odoo's source install already meets. It goes into its own
# folder ($OCA_ADDONS_TARGET, on the addons path), never into site-packages,
# where an odoo/ folder would hide the editable Odoo behind a namespace package.
ensure_oca_addons() {
    local missing dep
    local addon_dirs=("$MODULE_DIR")
    for dep in $(extra_modules); do addon_dirs+=("$ADDONS_DIR/$dep"); done
    missing="$(manifest_deps missing "${addon_dirs[@]}")"
    for dep in $missing; do
        pip_install --no-deps --upgrade --target "$OCA_ADDONS_TARGET" "odoo-addon-$dep==18.0.*" ||
            die "the Odoo add-on $dep is neither in Odoo nor installable from PyPI (odoo-addon-$dep)"
    done
}

# --- wkhtmltopdf (PDF reports only; tests do not need it) -------------------
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null && return 0
    if can_apt; then
        apt_install wkhtmltopdf || warn "could not install wkhtmltopdf; PDF reports will not render"
    else
        warn "wkhtmltopdf is missing: PDF reports (dunning letters) will not render. Install it (Debian: apt-get install wkhtmltopdf)."
    fi
}

# --- poppler-utils (pdftotext, pdftoppm: the tests read the post room's PDFs,
# scripts/render_letters.py draws the letters' pictures) ---------------------
ensure_poppler() {
    command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && return 0
    if can_apt; then
        apt_install poppler-utils || warn "could not install poppler-utils; the tests reading PDFs will be skipped"
    else
        warn "poppler-utils is missing: the tests reading PDFs will be skipped and the letters' pictures cannot be drawn. Install it (Debian: apt-get install poppler-utils)."
    fi
}

# --- Chromium (browser tests only: the test command asks for it) -----------
ensure_chromium() {
    for bin in chromium chromium-browser google-chrome; do
        command -v "$bin" >/dev/null && return 0
    done
    if can_apt; then
        apt_install chromium || die "could not install chromium, needed by the browser tests"
    else
        die "Chromium is missing: the browser tests need it. Install it (Debian: apt-get install chromium) and re-run."
    fi
}

ensure_postgres
ensure_venv
odoo_ok || install_odoo
ensure_py_tools
ensure_prettier
ensure_oca_addons
ensure_wkhtmltopdf
ensure_poppler
[ "${DUNNING_SETUP_BROWSER:-0}" = 1 ] && ensure_chromium
log "setup OK: $VENV_DIR, Odoo $(odoo_version), $(psql -X -d postgres -tAc 'SHOW server_version'), PostgreSQL at ${PGHOST:-local socket}"
