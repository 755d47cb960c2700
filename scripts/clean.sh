#!/usr/bin/env bash
# Drop the test database and cached templates, and remove the local cache.
# The demo database of `make run` is kept on purpose (drop it with dropdb).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_DB="${DUNNING_TEST_DB:-dunning_test}"
if command -v psql >/dev/null && psql -X -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    for db in "$TEST_DB" $(own_templates); do
        log "dropping database $db"
        dropdb --if-exists "$db"
    done
else
    warn "PostgreSQL not reachable: databases not dropped"
fi
log "removing $CACHE_DIR"
rm -rf "$CACHE_DIR"
