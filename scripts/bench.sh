#!/usr/bin/env bash
# Benchmark of the dunning run, side by side with OCA account_credit_control,
# then of the screens on the same data (bench/bench_screens.py), then of the
# run shared by queue_job workers (bench/bench_queue_runners.py).
#
# Usage: scripts/bench.sh [small|large|xlarge] [--skip-queue|--queue-only]
#                         [extra bench_dunning_run.py args]
#   --skip-queue  without the queue_job workers' step
#   --queue-only  that step alone (the run and screens left out)
#   small   200 customers / ~1 000 invoices  (seconds)
#   large   20 000 customers / 100 000 open invoices
#   xlarge  40 000 customers / 200 000 open invoices
# Needs the template database made by scripts/test.sh (make test). Works in its
# own database ($DUNNING_BENCH_DB, default dunning_bench), rebuilt each time
# from that template, where OCA account_credit_control (PyPI, pinned) is
# installed next to account_dunning_fr; the add-on never depends on it.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SIZE="${1:-small}"
[ $# -gt 0 ] && shift
QUEUE=1
MAIN=1
RUN_ARGS=()
for arg in "$@"; do
    case "$arg" in
    --skip-queue) QUEUE=0 ;;
    --queue-only) MAIN=0 ;;
    *) RUN_ARGS+=("$arg") ;;
    esac
done
BENCH_DB="${DUNNING_BENCH_DB:-dunning_bench}"
# The queue_job workers' step works in a copy of the bench's database as
# installed, with account_dunning_fr_queue, and in one copy of that per number
# of runners (<queue db>_1, _2), each dropped and made again here.
QUEUE_DB="${BENCH_DB}_queue"
QUEUE_MODULE="${MODULE}_queue"
QUEUE_LOG="$CACHE_DIR/bench-queue-install.log"
OCA_VERSION="18.0.2.0.2.6"
OCA_DIR="$CACHE_DIR/bench-addons"
BENCH_CONF="$CACHE_DIR/odoo-bench.conf"
BENCH_LOG="$CACHE_DIR/bench-install.log"

# OCA's wheel requires odoo==18.0.*, which PyPI cannot provide: installed
# without its (only, Odoo) dependency into a private folder of the cache, never
# into the project's environment.
if [ ! -f "$OCA_DIR/odoo/addons/account_credit_control/__manifest__.py" ] ||
    ! grep -qs "$OCA_VERSION" "$OCA_DIR/.version"; then
    log "installing OCA account_credit_control $OCA_VERSION into $OCA_DIR"
    rm -rf "$OCA_DIR"
    "$PYTHON" -m pip install --quiet --no-deps --target "$OCA_DIR" \
        "odoo-addon-account-credit-control==$OCA_VERSION"
    echo "$OCA_VERSION" >"$OCA_DIR/.version"
fi

# The template database of scripts/test.sh for this Odoo and the core add-on.
template_db
# Another checkout's scripts/test.sh may be building it right now.
for _ in $(seq 90); do
    db_exists "${TEMPLATE_DB}_building" || break
    log "waiting for $TEMPLATE_DB, being built by scripts/test.sh"
    sleep 10
done
template_ready ||
    die "no template database $TEMPLATE_DB with its filestore: run 'make test' once first"

ADDONS_PATH="$(full_addons_path),$OCA_DIR/odoo/addons"
{
    echo "[options]"
    echo "addons_path = $ADDONS_PATH"
    echo "data_dir = $DATA_DIR"
    odoo_db_conf
    echo "db_name = $BENCH_DB"
    echo "without_demo = all"
    echo "max_cron_threads = 0"
    echo "log_level = warn"
} >"$BENCH_CONF"

log "creating $BENCH_DB from $TEMPLATE_DB, installing account_dunning_fr and account_credit_control (log: $BENCH_LOG)"
# The copy fails while another session reads the template: try again.
for attempt in 1 2 3 4 5 6; do
    clone_db "$TEMPLATE_DB" "$BENCH_DB" && break
    [ "$attempt" = 6 ] && die "could not copy $TEMPLATE_DB"
    sleep 10
done
: >"$BENCH_LOG"
odoo_cmd -c "$BENCH_CONF" -d "$BENCH_DB" -i "$MODULE,account_credit_control" \
    --load-language=fr_FR --without-demo=all --stop-after-init --logfile="$BENCH_LOG" ||
    die "install into $BENCH_DB failed (log: $BENCH_LOG)"

# Before the run's bench writes its data set into it.
if [ "$QUEUE" = 1 ]; then
    log "creating $QUEUE_DB from $BENCH_DB, installing $QUEUE_MODULE (log: $QUEUE_LOG)"
    for db in "${QUEUE_DB}_1" "${QUEUE_DB}_2"; do
        dropdb --if-exists "$db"
        rm -rf "$DATA_DIR/filestore/$db"
    done
    clone_db "$BENCH_DB" "$QUEUE_DB" || die "could not copy $BENCH_DB"
    : >"$QUEUE_LOG"
    odoo_cmd -c "$BENCH_CONF" -d "$QUEUE_DB" -i "$QUEUE_MODULE" --without-demo=all \
        --stop-after-init --logfile="$QUEUE_LOG" ||
        die "install into $QUEUE_DB failed (log: $QUEUE_LOG)"
fi

cd "$REPO_ROOT"
if [ "$MAIN" = 1 ]; then
    "$PYTHON" "$REPO_ROOT/bench/bench_dunning_run.py" --config "$BENCH_CONF" \
        --database "$BENCH_DB" --size "$SIZE" ${RUN_ARGS[@]+"${RUN_ARGS[@]}"}

    # The screens on the same data, as the day's run left it: what the user waits
    # for, against its target. The run's figures (its preview of the whole
    # company before the run among them) were saved next to the configuration.
    # shellcheck disable=SC2012 # names of our own making, no odd characters
    RUN_RESULTS="$(ls -t "$CACHE_DIR"/bench-*.json 2>/dev/null | head -n 1)"
    log "screens of $BENCH_DB (bench/bench_screens.py)"
    echo
    echo "Screens, $SIZE size:"
    "$PYTHON" "$REPO_ROOT/bench/bench_screens.py" --config "$BENCH_CONF" \
        --database "$BENCH_DB" ${RUN_RESULTS:+--run-results "$RUN_RESULTS"}
fi

# The day's run carried out by queue_job's job runner in real Odoo servers,
# with room for one job at a time, then two.
if [ "$QUEUE" = 1 ]; then
    log "queue_job workers on $QUEUE_DB (bench/bench_queue_runners.py)"
    echo
    echo "Workers, $SIZE size:"
    "$PYTHON" "$REPO_ROOT/bench/bench_queue_runners.py" --config "$BENCH_CONF" \
        --database "$QUEUE_DB" --size "$SIZE"
fi
