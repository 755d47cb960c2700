#!/usr/bin/env bash
# Serve Odoo with the add-on on a demo database, in French.
# The database (${DUNNING_DB:-dunning_demo}) is created on first use with demo
# data, the fr_FR language and the admin user switched to French; later runs
# reuse it. DUNNING_UPGRADE=1 upgrades the add-on before serving (after code
# or data file changes). DUNNING_PORT changes the HTTP port (default 8069).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${DUNNING_DB:-dunning_demo}"
PORT="${DUNNING_PORT:-8069}"

"$REPO_ROOT/scripts/setup.sh"

[ -f "$MODULE_DIR/__manifest__.py" ] || die "no add-on at $MODULE_DIR (missing __manifest__.py)"

ADDONS_PATH="$(full_addons_path)"
mapfile -t DB_ARGS < <(odoo_db_args)
COMMON_ARGS=(-d "$DB" --addons-path="$ADDONS_PATH" --db-filter="^$DB\$" "${DB_ARGS[@]}")

# (Re)initialise when the database is missing or the add-on is not installed
# in it (e.g. a previous first run was interrupted).
if ! db_exists "$DB" || [ "$(module_state "$DB" "$MODULE")" != installed ]; then
    log "creating database $DB with demo data and French, installing $MODULE (takes a few minutes)"
    # Demo data is loaded because --without-demo is not given (Odoo 18 default).
    odoo_cmd "${COMMON_ARGS[@]}" -i "$MODULE" --load-language=fr_FR --stop-after-init
    [ "$(module_state "$DB" "$MODULE")" = installed ] || die "installing $MODULE into $DB failed (see the log above)"
    log "setting the admin user's language to fr_FR"
    odoo_cmd shell "${COMMON_ARGS[@]}" --no-http --log-level=warn <<'EOF'
env.ref("base.user_admin").lang = "fr_FR"
env.cr.commit()
EOF
elif [ "${DUNNING_UPGRADE:-0}" = 1 ]; then
    log "upgrading $MODULE in $DB"
    odoo_cmd "${COMMON_ARGS[@]}" -u "$MODULE" --stop-after-init
fi

cat >&2 <<EOF

  Odoo is starting on  http://localhost:$PORT  (database $DB)
  Login: admin   Password: admin
  Stop with Ctrl+C.

EOF
# exec so that Ctrl+C / signals go straight to Odoo.
exec "$PYTHON" -m odoo "${COMMON_ARGS[@]}" --http-interface=127.0.0.1 --http-port="$PORT"
