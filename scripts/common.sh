# shellcheck shell=bash
# Shared helpers, sourced by setup.sh, run.sh and test.sh (not executed directly).

# Repo root = parent of this scripts/ directory, whatever the caller's cwd.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The add-on under work. DUNNING_ADDONS_DIR / DUNNING_MODULE only exist so the
# tooling can be exercised against a scratch module; defaults are the real ones.
ADDONS_DIR="${DUNNING_ADDONS_DIR:-$REPO_ROOT}"
MODULE="${DUNNING_MODULE:-account_dunning_fr}"
MODULE_DIR="$ADDONS_DIR/$MODULE"

# Local, git-ignored cache: generated Odoo configs, logs, test filestore.
CACHE_DIR="$REPO_ROOT/.cache"
mkdir -p "$CACHE_DIR"
# Odoo's data directory of the test and bench databases (their filestores).
DATA_DIR="$CACHE_DIR/odoo-data"

# Everything runs in the project's own virtual environment (created by
# setup.sh), never in the machine's site-packages. DUNNING_VENV moves it
# (e.g. to share one between checkouts); BOOT_PYTHON is the interpreter that
# creates it.
VENV_DIR="${DUNNING_VENV:-$REPO_ROOT/.venv}"
BOOT_PYTHON="${DUNNING_BOOT_PYTHON:-python3}"
PYTHON="$VENV_DIR/bin/python"
# OCA add-ons from PyPI that optional add-ons depend on (see setup.sh).
export OCA_ADDONS_TARGET="$VENV_DIR/oca-addons"

# prettier and its XML plugin, from npm (see setup.sh), for scripts/format.sh.
NPM_DIR="$CACHE_DIR/npm"
PRETTIER="$NPM_DIR/node_modules/.bin/prettier"

# Silence "NOTICE: database ... does not exist, skipping" from dropdb --if-exists.
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"

# Each step says when it began, in seconds since the command started.
log() { printf '\033[1;34m==>\033[0m %4ds  %s\n' "$SECONDS" "$*" >&2; }
warn() { printf '\033[1;33mWARNING:\033[0m %s\n' "$*" >&2; }
die() {
    printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Directory where pip puts console scripts for $PYTHON (odoo, pytest, ruff...).
# Calling tools from there avoids picking up a different interpreter's copy
# that happens to be first on PATH.
py_scripts_dir() { "$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'; }

# Run a console script installed for $PYTHON, falling back to PATH.
py_tool() {
    local tool="$1"
    shift
    local dir
    dir="$(py_scripts_dir)"
    if [ -x "$dir/$tool" ]; then
        "$dir/$tool" "$@"
    else
        "$tool" "$@"
    fi
}

# Odoo is run as "python3 -m odoo" so that it is always the importable Odoo
# (the one setup.sh checked), never a stray "odoo" script on PATH.
odoo_cmd() { "$PYTHON" -m odoo "$@"; }

# Addons path of the importable Odoo: <pkg>/addons (base, web...) and, for a
# source checkout, <src>/addons (account, l10n_fr_account...).
odoo_addons_path() {
    "$PYTHON" - <<'EOF'
import os
import odoo

pkg = os.path.dirname(odoo.__file__)
paths = [os.path.join(pkg, "addons"), os.path.join(os.path.dirname(pkg), "addons")]
# OCA add-ons installed from PyPI (odoo-addon-<name>) by setup.sh.
paths.append(os.path.join(os.environ["OCA_ADDONS_TARGET"], "odoo", "addons"))
print(",".join(dict.fromkeys(p for p in paths if os.path.isdir(p))))
EOF
}

# The optional add-ons shipped beside the core one, each in its own top-level
# folder named <module>_<something> (e.g. account_dunning_fr_snailmail).
extra_modules() {
    local d
    for d in "$ADDONS_DIR/${MODULE}"_*/; do
        [ -f "$d/__manifest__.py" ] && basename "$d"
    done
    return 0
}

full_addons_path() { echo "$(odoo_addons_path),$ADDONS_DIR"; }

# Odoo add-ons the given add-on folders depend on: "present" (in Odoo's addons
# path) or "missing" (to fetch from PyPI). One name per line.
manifest_deps() {
    local mode="$1"
    shift
    "$PYTHON" "$REPO_ROOT/scripts/manifest_deps.py" "$(odoo_addons_path)" "$mode" "$@"
}

# The cached template database of scripts/test.sh (also used by bench.sh):
# Odoo's own modules the core add-on depends on, plus l10n_fr_account (the
# tests use the French chart of accounts), installed once. Its name is a hash
# of the Odoo version and that list: a new Odoo or a changed 'depends' gives a
# new template. Its attachments (images, resized pictures) are files in this
# checkout's filestore under .cache, not rows: a clone elsewhere on the same
# PostgreSQL server would find the database without its files, so the name
# also carries a hash of this checkout's cache directory.
# Sets TEMPLATE_MODULES (array) and TEMPLATE_DB.
template_db() {
    mapfile -t TEMPLATE_MODULES < <(DUNNING_EXTRA_DEPENDS=l10n_fr_account manifest_deps present "$MODULE_DIR")
    local key
    key="v1 $(odoo_version) ${TEMPLATE_MODULES[*]}"
    TEMPLATE_DB="$(template_prefix)$(printf '%s' "$key" | sha1sum | cut -c1-10)"
}

template_prefix() { printf 'dunning_tmpl_%s_' "$(printf '%s' "$CACHE_DIR" | sha1sum | cut -c1-8)"; }

# This checkout's template databases (built, or left half-built), and those
# named before templates were per checkout (dunning_tmpl_ and 10 hex digits).
own_templates() {
    psql_q "SELECT datname FROM pg_database
            WHERE datname ~ '^$(template_prefix)' OR datname ~ '^dunning_tmpl_[0-9a-f]{10}(_building)?\$'"
}

odoo_version() { "$PYTHON" -c 'import odoo.release as r; print(r.version)'; }

# PostgreSQL connection: libpq env vars (PGHOST, PGPORT, PGUSER, PGPASSWORD)
# are honoured by psql/createdb and forwarded to Odoo (see odoo_db_args).
# setup.sh may export PGHOST=127.0.0.1 when only TCP answers.
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d postgres -tAc "$1"; }

db_exists() {
    [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

# Whether the template database (template_db) is there with its filestore:
# without its files, its attachments would be rows pointing to nothing.
template_ready() { db_exists "$TEMPLATE_DB" && [ -d "$DATA_DIR/filestore/$TEMPLATE_DB" ]; }

# Copy database $1 to $2, with its filestore (createdb copies the SQL only).
# Fails when the copy does (PostgreSQL refuses it while another session reads $1).
clone_db() {
    dropdb --if-exists "$2"
    rm -rf "$DATA_DIR/filestore/$2"
    createdb -T "$1" "$2" || return 1
    if [ -d "$DATA_DIR/filestore/$1" ]; then
        cp -a "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    fi
}

# State of an Odoo module in a database ("" if absent / not an Odoo db).
module_state() {
    psql -X -q -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = '$2'" 2>/dev/null || true
}

# Odoo CLI args mirroring the libpq environment.
odoo_db_args() {
    local args=()
    [ -n "${PGHOST:-}" ] && args+=("--db_host=$PGHOST")
    [ -n "${PGPORT:-}" ] && args+=("--db_port=$PGPORT")
    [ -n "${PGUSER:-}" ] && args+=("--db_user=$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && args+=("--db_password=$PGPASSWORD")
    [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}

# The same, as odoo.conf lines.
odoo_db_conf() {
    [ -n "${PGHOST:-}" ] && echo "db_host = $PGHOST"
    [ -n "${PGPORT:-}" ] && echo "db_port = $PGPORT"
    [ -n "${PGUSER:-}" ] && echo "db_user = $PGUSER"
    [ -n "${PGPASSWORD:-}" ] && echo "db_password = $PGPASSWORD"
    return 0
}

# setup.sh records the PostgreSQL connection it found here for later scripts.
PG_ENV_FILE="$CACHE_DIR/pg.env"
# shellcheck disable=SC1090
[ -f "$PG_ENV_FILE" ] && . "$PG_ENV_FILE"
true
