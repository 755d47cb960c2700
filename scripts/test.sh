#!/usr/bin/env bash
# Lint the add-ons, install them into fresh databases and run their tests.
#
# The database tests run under Odoo's own test runner, as OCA's CI and Odoo's
# runbot run them; the database-free tests of tools/ run first with plain
# pytest, without Odoo (the runner runs them again with the others).
#
# Usage: scripts/test.sh            lint + install + tests
#        scripts/test.sh --lint     lint only
#        scripts/test.sh --no-lint  install + tests only
#        scripts/test.sh [...] --test-tags TAGS
#                                   only the tests TAGS select, in Odoo's
#                                   syntax, each item naming its add-on, e.g.
#                                   --test-tags /account_dunning_fr:TestRun
#        scripts/test.sh [...] --pytest [-- <pytest args>]
#                                   the database tests with pytest-odoo
#                                   instead, e.g. --pytest -- -k reminder -x
#                                   (arguments after -- imply --pytest)
# Exits non-zero if any lint, the install or any test fails, if a run ran no
# test at all, or if a test run logged an ERROR or CRITICAL line.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DO_LINT=1
DO_TESTS=1
USE_PYTEST=0
TEST_TAGS=""
PYTEST_EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
    --lint) DO_TESTS=0 ;;
    --no-lint) DO_LINT=0 ;;
    --pytest) USE_PYTEST=1 ;;
    --test-tags)
        [ $# -ge 2 ] || die "--test-tags needs a value (see header of $0)"
        TEST_TAGS="$2"
        shift
        ;;
    --) shift; PYTEST_EXTRA=("$@"); USE_PYTEST=1; break ;;
    *) die "unknown argument: $1 (see header of $0)" ;;
    esac
    shift
done
if [ "$USE_PYTEST" = 1 ] && [ -n "$TEST_TAGS" ]; then
    die "--test-tags is for Odoo's runner, not with --pytest (filter with -- -k instead)"
fi

TEST_DB="${DUNNING_TEST_DB:-dunning_test}"
TEST_CONF="$CACHE_DIR/odoo-test.conf"
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
    run_lint "pylint-odoo (OCA mandatory checks)" "$PYTHON" -m pylint --rcfile="$REPO_ROOT/.pylintrc-mandatory" "${MODULE_DIRS[@]}"
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
    # Each add-on's README.rst and index.html are generated from its
    # readme/*.md and manifest: a fragment edited without "make readme" fails.
    run_lint "README.rst up to date (make readme)" "$PYTHON" "$REPO_ROOT/scripts/gen_readme.py" --check "${MODULE_DIRS[@]}"
    # The OCA's prettier (XML, JS, SCSS, YAML); "make format" rewrites.
    run_lint "prettier (make format)" "$REPO_ROOT/scripts/format.sh" --check
    # What an integrator installs: the odoo-addon-* wheels, imported from a
    # scratch environment.
    run_lint "wheels built and imported" "$PYTHON" "$REPO_ROOT/scripts/check_wheels.py" "$(odoo_addons_path)" "${MODULE_DIRS[@]}"
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
        # The tests perform queue jobs themselves. Without this, queue_job
        # starts its job runner with any server not stopped after init (as
        # pytest-odoo's HTTP server is), which takes jobs from under them.
        echo "[queue_job]"
        echo "channels = root:0"
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

if template_ready; then
    log "template database $TEMPLATE_DB is cached (${TEMPLATE_MODULES[*]})"
else
    # Drop this checkout's templates of other Odoo versions / dependency lists,
    # and this one if its filestore is gone.
    for old in $(own_templates); do
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

# The French company every test class of the add-on works in, made once per
# test database (name and settings as account_dunning_fr/tests/common.py looks
# for it): loading the French chart of accounts is most of a test class's set
# up, about two seconds for each of fifty classes. Each class changes it
# inside its own transaction, rolled back after it, as it would a company of
# its own; where this company is missing (another test runner's database) the
# classes create one each. Made with the add-on installed, as a company
# created later gets the shipped policies.
add_shared_test_company() {
    local db="$1" conf="$2"
    log "adding the shared French test company to $db"
    odoo_cmd shell -c "$conf" -d "$db" --no-http --log-level=warn <<'EOF' >>"$INSTALL_LOG" 2>&1 ||
import threading

# As in a test: creating a French company must not install more modules.
threading.current_thread().testing = True
france = env.ref("base.fr")
company = env["res.company"].create(
    {
        "name": "Société de test des relances",
        "country_id": france.id,
        "currency_id": france.currency_id.id,
    }
)
env["account.chart.template"].try_loading("fr", company, install_demo=False)
company.currency_id = france.currency_id
env.cr.commit()
EOF
        die "could not add the shared test company to $db (log: $INSTALL_LOG)"
}

log "creating fresh database $TEST_DB from $TEMPLATE_DB"
clone_db "$TEMPLATE_DB" "$TEST_DB"
install_module "$TEST_DB" "$TEST_CONF" "$MODULE" "$INSTALL_LOG"
add_shared_test_company "$TEST_DB" "$TEST_CONF"

# The items of --test-tags for add-on $1, "" when it has no test to run. An
# item naming another add-on is left out; one naming none (a tag such as
# dunning_reliability, or :TestClass) is for the core add-on, restricted to
# it so that the runner never runs the tests of every installed module.
tags_for() {
    local module="$1" item own=0 kept=() items=()
    IFS=, read -ra items <<<"$TEST_TAGS"
    for item in "${items[@]}"; do
        case "$item" in
        */"$module" | */"$module":* | */"$module".* | */"$module"\[*) ;;
        */*) continue ;;
        *)
            [ "$module" = "$MODULE" ] || continue
            [[ "$item" =~ ^([+-]?)(\*|[A-Za-z0-9_]*)(.*)$ ]]
            item="${BASH_REMATCH[1]}${BASH_REMATCH[2]}/$module${BASH_REMATCH[3]}"
            ;;
        esac
        kept+=("$item")
        [ "${item:0:1}" = "-" ] || own=1
    done
    [ "$own" = 1 ] || return 0
    local IFS=,
    echo "${kept[*]}"
}

# Each optional add-on is tested in its own copy of the core database: what
# it changes (e.g. runs carried out by queue jobs) must not change the core's
# tests, just as a company that does not install it sees the core alone.
EXTRA_DBS=()
EXTRA_MODULES=()
for module in "${MODULES[@]:1}"; do
    # Not built when --test-tags selects none of its tests.
    if [ -n "$TEST_TAGS" ] && [ -z "$(tags_for "$module")" ]; then continue; fi
    db="${TEST_DB}_${module#"${MODULE}_"}"
    write_conf "$db" "$CACHE_DIR/odoo-test-$module.conf"
    clone_db "$TEST_DB" "$db"
    install_module "$db" "$CACHE_DIR/odoo-test-$module.conf" "$module" "$CACHE_DIR/install-$module.log"
    EXTRA_DBS+=("$db")
    EXTRA_MODULES+=("$module")
done

# --- Tests ---------------------------------------------------------------------
if [ ${#FAILED[@]} -gt 0 ]; then
    warn "failed: $(failed_list) -- running the tests anyway; the exit status will be non-zero"
fi
cd "$REPO_ROOT"

# pytest-odoo loads the registry of the database from its config and imports
# the tests as odoo.addons.<module>.tests.*; --odoo-http starts a server on a
# random port so HttpCase tests run instead of being skipped.
run_pytest() {
    local db="$1" conf="$2" module="$3"
    log "running pytest on $module/tests (database $db)"
    "$PYTHON" -m pytest -c "$REPO_ROOT/pyproject.toml" -p no:benchmark --odoo-database="$db" \
        --odoo-config="$conf" --odoo-http "$ADDONS_DIR/$module/tests" "${PYTEST_EXTRA[@]}"
    local status=$?
    # A filter given after -- may select none of an add-on's tests (5).
    if [ "$status" -eq 5 ] && [ ${#PYTEST_EXTRA[@]} -gt 0 ] && [ "$module" != "$MODULE" ]; then
        status=0
    fi
    [ "$status" -eq 0 ] || FAILED+=("tests of $module (pytest status $status)")
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Odoo's own runner on the installed database: the post-install tests that
# the tags select (all of the add-on's by default), with an HTTP server on a
# free port for the tours. The log is kept and checked: Odoo exits non-zero
# on a failed test, but only the log tells an ERROR logged by a passing test
# or a run that found no test ("0 failed, 0 error(s) of 0 tests").
run_odoo_tests() {
    local db="$1" conf="$2" module="$3" tags="$4"
    local logfile="$CACHE_DIR/tests-$module.log"
    log "running Odoo's test runner on $module (database $db, tags $tags, log: $logfile)"
    odoo_cmd -c "$conf" -d "$db" --test-tags "$tags" --stop-after-init \
        --http-port="$(free_port)" 2>&1 | tee "$logfile"
    local status=${PIPESTATUS[0]} summary
    summary="$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$logfile" | tail -n 1)"
    if [ "$status" -ne 0 ]; then
        FAILED+=("tests of $module (Odoo exited with $status)")
    elif [ -z "$summary" ]; then
        FAILED+=("tests of $module (no test summary in $logfile)")
    elif ! [[ "$summary" =~ ^0\ failed,\ 0\ error\(s\)\ of\ [1-9] ]]; then
        FAILED+=("tests of $module ($summary)")
    elif log_has_errors "$logfile"; then
        FAILED+=("tests of $module (ERROR lines in $logfile)")
        ERROR_LOGS+=("$logfile")
    fi
    SUMMARIES+=("$module: ${summary:-no summary}")
}

SUMMARIES=()
ERROR_LOGS=()
set +e
# The optional add-ons first, the core last.
for i in "${!EXTRA_DBS[@]}"; do
    module="${EXTRA_MODULES[$i]}"
    [ -d "$ADDONS_DIR/$module/tests" ] || continue
    conf="$CACHE_DIR/odoo-test-$module.conf"
    if [ "$USE_PYTEST" = 1 ]; then
        run_pytest "${EXTRA_DBS[$i]}" "$conf" "$module"
    elif [ -z "$TEST_TAGS" ]; then
        run_odoo_tests "${EXTRA_DBS[$i]}" "$conf" "$module" "/$module"
    else
        tags="$(tags_for "$module")"
        [ -z "$tags" ] || run_odoo_tests "${EXTRA_DBS[$i]}" "$conf" "$module" "$tags"
    fi
done
if [ "$USE_PYTEST" = 1 ]; then
    run_pytest "$TEST_DB" "$TEST_CONF" "$MODULE"
elif [ -z "$TEST_TAGS" ]; then
    run_odoo_tests "$TEST_DB" "$TEST_CONF" "$MODULE" "/$MODULE"
else
    tags="$(tags_for "$MODULE")"
    [ -z "$tags" ] || run_odoo_tests "$TEST_DB" "$TEST_CONF" "$MODULE" "$tags"
    [ ${#SUMMARIES[@]} -gt 0 ] || FAILED+=("no add-on named in --test-tags $TEST_TAGS")
fi
set -e
# A log is long and a CI shows only its tail: repeat each ERROR or CRITICAL
# line with the test that was running and the last lines of its traceback
# (where the exception is named), so the cause is on screen.
for logfile in "${ERROR_LOGS[@]}"; do
    warn "ERROR and CRITICAL lines of $logfile, each after the last test started:"
    awk 'function flush() { if (n) { for (i = (n > 6 ? n - 5 : 1); i <= n; i++) print "    " tbl[i] } n = 0; tb = 0 }
         / Starting [A-Za-z0-9_]+\.[A-Za-z0-9_]+ /{ flush(); last = $0; err = 0 }
         err && / werkzeug: .*" 5[0-9][0-9] /{ flush(); print "  request: " substr($0, index($0, "\""), 200); next }
         /^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) /{
             flush(); err = 1
             if (last != shown) { print "  in: " substr(last, 1, 300); shown = last }
             print "  " substr($0, 1, 400); tb = 1; next }
         tb && !/^[0-9-]+ [0-9:,]+ [0-9]+ /{ tbl[++n] = substr($0, 1, 300); next }
         { flush() }
         END { flush() }' "$logfile" | tail -n 60 >&2
done
for summary in "${SUMMARIES[@]}"; do log "$summary"; done
[ ${#FAILED[@]} -eq 0 ] || die "failed: $(failed_list)"
log "all tests passed"
