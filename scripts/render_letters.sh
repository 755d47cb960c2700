#!/usr/bin/env bash
# Redraw docs/letters/*.png from the French demo database (see
# scripts/render_letters.py). Its server must be running:
#   DUNNING_DB=dunning_demo DUNNING_PORT=8069 scripts/run.sh &
#   DUNNING_DB=dunning_demo DUNNING_PORT=8069 scripts/render_letters.sh
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${DUNNING_DB:-dunning_demo}"
export DUNNING_PORT="${DUNNING_PORT:-8069}"
export DUNNING_LETTERS_DIR="${DUNNING_LETTERS_DIR:-$REPO_ROOT/docs/letters}"
command -v pdftoppm >/dev/null || die "pdftoppm is missing (Debian: apt-get install poppler-utils)"
db_exists "$DB" || die "no database $DB: start scripts/run.sh with DUNNING_DB=$DB first"
mapfile -t DB_ARGS < <(odoo_db_args)
odoo_cmd shell -d "$DB" --addons-path="$(full_addons_path)" "${DB_ARGS[@]}" \
    --no-http --log-level=warn <"$REPO_ROOT/scripts/render_letters.py"
