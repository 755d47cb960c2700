#!/usr/bin/env bash
# Lint the add-on, install it into a fresh database and run its tests with pytest.
#
# Usage: scripts/test.sh            lint + install + tests
#        scripts/test.sh --lint     lint only
#        scripts/test.sh --no-lint  install + tests only
#        scripts/test.sh [...] -- <extra pytest args>   e.g. -- -k reminder -x
# Exits non-zero if any lint, the install or any test fails (including when
# pytest collects no test at all: exit code 5).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DO_LINT=1
DO_TESTS=1
PYTEST_EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
    --lint) DO_TESTS=0 ;;
    --no-lint) DO_LINT=0 ;;
    --) shift; PYTEST_EXTRA=("$@"); break ;;
    *) die "unknown argument: $1 (see header of $0)" ;;
    esac
    shift
done

TEST_DB="${DUNNING_TEST_DB:-dunning_test}"
TEST_CONF="$CACHE_DIR/odoo-test.conf"
DATA_DIR="$CACHE_DIR/odoo-data"
INSTALL_LOG="$CACHE_DIR/install.log"
TEMPLATE_LOG="$CACHE_DIR/template.log"

# The tests include a browser tour: make sure Chromium is there too.
DUNNING_SETUP_BROWSER="$DO_TESTS" "$REPO_ROOT/scripts/setup.sh"

[ -f "$MODULE_DIR/__manifest__.py" ] || die "no add-on at $MODULE_DIR (missing __manifest__.py)"
# The core add-on and the optional ones beside it are linted, installed and
# tested together.
mapfile -t MODULES < <(echo "$MODULE"; extra_modules)
MODULE_DIRS=()
for m in "${MODULES[@]}"; do MODULE_DIRS+=("$ADDONS_DIR/$m"); done

FAILED=()
# "a; b; c" for messages.
failed_list() { local IFS=";"; echo "${FAILED[*]}" | sed "s/;/; /g"; }

# --- Lint -------------------------------------------------------------------
# Every linter runs even if an earlier one failed, so one pass shows everything.
run_lint() {
    local name="$1"
    shift
    log "lint: $name"
    if ! "$@"; then
        FAILED+=("lint: $name")
    fi
}

if [ "$DO_LINT" = 1 ]; then
    # Python sources checked by ruff: the add-ons, the scripts and bench/.
    py_targets=("${MODULE_DIRS[@]}" "$REPO_ROOT/scripts")
    [ -d "$REPO_ROOT/bench" ] && py_targets+=("$REPO_ROOT/bench")
    cd "$REPO_ROOT" # ruff and pylint pick their config (pyproject.toml, .pylintrc) from here
    # --no-fix: the shared config may enable fixing, CI must only report.
    run_lint "ruff check" "$PYTHON" -m ruff check --config "$REPO_ROOT/pyproject.toml" --no-fix "${py_targets[@]}"
    run_lint "ruff format --check" "$PYTHON" -m ruff format --config "$REPO_ROOT/pyproject.toml" --check "${py_targets[@]}"
    run_lint "pylint-odoo (OCA mandatory checks)" "$PYTHON" -m pylint --rcfile="$REPO_ROOT/.pylintrc" "${MODULE_DIRS[@]}"
    run_lint "oca-checks-odoo-module" py_tool oca-checks-odoo-module "${MODULE_DIRS[@]}"
    # Comments and docs give the reason itself, never a pointer to a document
    # the repository does not hold (a specification, an issue, notes).
    run_lint "no pointer to outside documents" "$PYTHON" "$REPO_ROOT/scripts/check_standalone.py"
    mapfile -t po_files < <(find "${MODULE_DIRS[@]}" -path '*/i18n*/*' \( -name '*.po' -o -name '*.pot' \) | sort)
    if [ ${#po_files[@]} -gt 0 ]; then
        # po-pretty-format (exact msgcat layout) is disabled, as in OCA's
        # own pre-commit config; everything else is enforced.
        run_lint "oca-checks-po" py_tool oca-checks-po --disable=po-pretty-format "${po_files[@]}"
    else
        log "lint: oca-checks-po skipped (no .po/.pot files)"
    fi
fi

if [ "$DO_TESTS" = 0 ]; then
    if [ ${#FAILED[@]} -gt 0 ]; then die "failed: $(failed_list)"; fi
    log "lint OK"
    exit 0
fi

# --- Database-free tests (French law, pure functions) -------------------------
# Plain pytest, no Odoo import, no database: the rules of tools/ stand alone.
log "running the database-free tests (tools/)"
if ! "$PYTHON" "$REPO_ROOT/scripts/run_pure_tests.py" "$MODULE_DIR" -q -p no:cacheprovider \
    -p no:odoo -p no:benchmark --rootdir="$REPO_ROOT" -c "$REPO_ROOT/pyproject.toml" \
    "$MODULE_DIR"/tests/test_tools_*.py; then
    FAILED+=("database-free tests")
fi

ADDONS_PATH="$(full_addons_path)"
# Odoo CLI config of one test database: generated each time (cheap) so it
# follows the current Odoo / PG location; a private data_dir keeps the test
# filestore next to the test databases.
write_conf() {
    local db="$1" conf="$2"
    {
        echo "[options]"
        echo "addons_path = $ADDONS_PATH"
        echo "data_dir = $DATA_DIR"
        odoo_db_conf
        echo "db_name = $db"
        echo "dbfilter = ^$db\$"
        echo "without_demo = all"
        echo "http_interface = 127.0.0.1"
        echo "max_cron_threads = 0"
        echo "log_level = info"
    } >"$conf"
}

write_conf "$TEST_DB" "$TEST_CONF"

# Fail if any of the given modules is not 'installed' in the database.
check_installed() {
    local db="$1" mod state ok=0
    shift
    for mod in "$@"; do
        state="$(module_state "$db" "$mod")"
        if [ "$state" != installed ]; then
            echo "module $mod is '${state:-absent}' in database $db" >&2
            ok=1
        fi
    done
    return $ok
}

# Odoo may exit 0 after logging an install error; treat ERROR/CRITICAL log
# lines as failures too.
log_has_errors() { grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$1"; }

show_log() {
    warn "last 200 lines of $1:"
    tail -n 200 "$1" >&2
}

# --- Template database (cached) ---------------------------------------------
# Installing account + l10n_fr_account is the slow part (~30 s+), so it is done once into
# a template database (see template_db in common.sh). Only Odoo's own modules go
# in (modules from this repo are installed fresh), those the core depends on: an
# optional add-on brings its own at install.
template_db

if db_exists "$TEMPLATE_DB"; then
    log "template database $TEMPLATE_DB is cached (${TEMPLATE_MODULES[*]})"
else
    # Drop templates of other Odoo versions / dependency lists.
    for old in $(psql_q "SELECT datname FROM pg_database WHERE datname LIKE 'dunning\_tmpl\_%'"); do
        log "dropping stale template $old"
        dropdb --if-exists "$old"
        rm -rf "$DATA_DIR/filestore/$old"
    done
    # Build under a temporary name and rename only on success, so an
    # interrupted or failed build is never mistaken for a good template.
    building="${TEMPLATE_DB}_building"
    dropdb --if-exists "$building"
    rm -rf "$DATA_DIR/filestore/$building"
    log "building template $TEMPLATE_DB: installing ${TEMPLATE_MODULES[*]} without demo (a few minutes, log: $TEMPLATE_LOG)"
    mods_csv="$(IFS=,; echo "${TEMPLATE_MODULES[*]}")"
    : >"$TEMPLATE_LOG" # Odoo appends to --logfile; keep only this run
    if ! odoo_cmd -c "$TEST_CONF" -d "$building" --db-filter="^$building\$" -i "$mods_csv" \
        --without-demo=all --stop-after-init --logfile="$TEMPLATE_LOG" ||
        log_has_errors "$TEMPLATE_LOG" || ! check_installed "$building" "${TEMPLATE_MODULES[@]}"; then
        show_log "$TEMPLATE_LOG"
        die "building the template database failed (log: $TEMPLATE_LOG)"
    fi
    psql_q "ALTER DATABASE \"$building\" RENAME TO \"$TEMPLATE_DB\""
    mkdir -p "$DATA_DIR/filestore"
    if [ -d "$DATA_DIR/filestore/$building" ]; then
        mv "$DATA_DIR/filestore/$building" "$DATA_DIR/filestore/$TEMPLATE_DB"
    fi
fi

# --- Fresh test databases ----------------------------------------------------
# Copy database $1 to $2, with its filestore (createdb copies the SQL only).
clone_db() {
    dropdb --if-exists "$2"
    rm -rf "$DATA_DIR/filestore/$2"
    createdb -T "$1" "$2"
    if [ -d "$DATA_DIR/filestore/$1" ]; then
        cp -a "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    fi
}

# Install module $3 into database $1 (config $2), logging to $4.
install_module() {
    local db="$1" conf="$2" module="$3" logfile="$4"
    log "installing $module into $db (log: $logfile)"
    : >"$logfile" # Odoo appends to --logfile; keep only this run
    if ! odoo_cmd -c "$conf" -d "$db" -i "$module" --without-demo=all \
        --stop-after-init --logfile="$logfile" ||
        log_has_errors "$logfile" || ! check_installed "$db" "$module"; then
        show_log "$logfile"
        FAILED+=("install of $module")
        die "failed: $(failed_list)"
    fi
}

log "creating fresh database $TEST_DB from $TEMPLATE_DB"
clone_db "$TEMPLATE_DB" "$TEST_DB"
install_module "$TEST_DB" "$TEST_CONF" "$MODULE" "$INSTALL_LOG"

# Each optional add-on is tested in its own copy of the core database: what
# it changes (e.g. runs carried out by queue jobs) must not change the core's
# tests, just as a company that does not install it sees the core alone.
EXTRA_DBS=()
for module in "${MODULES[@]:1}"; do
    db="${TEST_DB}_${module#"${MODULE}_"}"
    write_conf "$db" "$CACHE_DIR/odoo-test-$module.conf"
    clone_db "$TEST_DB" "$db"
    install_module "$db" "$CACHE_DIR/odoo-test-$module.conf" "$module" "$CACHE_DIR/install-$module.log"
    EXTRA_DBS+=("$db")
done

# --- Tests ---------------------------------------------------------------------
# pytest-odoo loads the registry of the database from its config and imports
# the tests as odoo.addons.<module>.tests.*; --odoo-http starts a server on a
# random port so HttpCase tests run instead of being skipped.
if [ ${#FAILED[@]} -gt 0 ]; then
    warn "failed: $(failed_list) -- running the tests anyway; the exit status will be non-zero"
fi
cd "$REPO_ROOT"
run_pytest() {
    local db="$1" conf="$2" tests="$3"
    "$PYTHON" -m pytest -c "$REPO_ROOT/pyproject.toml" -p no:benchmark --odoo-database="$db" \
        --odoo-config="$conf" --odoo-http "$tests" "${PYTEST_EXTRA[@]}"
}
set +e
rc=0
# The optional add-ons first, the core last: its summary line ends the output.
for i in "${!EXTRA_DBS[@]}"; do
    module="${MODULES[$((i + 1))]}"
    [ -d "$ADDONS_DIR/$module/tests" ] || continue
    log "running pytest on $module/tests (database ${EXTRA_DBS[$i]})"
    run_pytest "${EXTRA_DBS[$i]}" "$CACHE_DIR/odoo-test-$module.conf" "$ADDONS_DIR/$module/tests"
    status=$?
    # A filter given after -- may select none of an add-on's tests (5).
    if [ "$status" -ne 0 ] && ! { [ "$status" -eq 5 ] && [ ${#PYTEST_EXTRA[@]} -gt 0 ]; }; then
        FAILED+=("tests of $module")
        rc=$status
    fi
done
log "running pytest on $MODULE/tests"
run_pytest "$TEST_DB" "$TEST_CONF" "$MODULE_DIR/tests"
status=$?
[ "$status" -eq 0 ] || rc=$status
set -e
# Nothing is printed after pytest so that its summary line ends the output.
# Any non-zero pytest status fails, including 5 = no tests collected
# ("no tests ran"), which must not pass silently.
[ "$rc" -eq 0 ] || exit "$rc"
[ ${#FAILED[@]} -eq 0 ] || exit 1
