#!/usr/bin/env bash
# Serve Odoo with the add-on on a demo database, in French.
# The database (${DUNNING_DB:-dunning_demo}) is created on first use with demo
# data, the fr_FR language and the admin user switched to French; later runs
# reuse it. DUNNING_UPGRADE=1 upgrades the add-on before serving (after code
# or data file changes). DUNNING_PORT changes the HTTP port (default 8069).
# The reminders the demo sends never leave the machine: a local SMTP server
# (aiosmtpd, port DUNNING_SMTP_PORT, default 2525) keeps them as files in the
# Maildir .cache/demo-mail/ (one file per email, readable with any mail
# reader). DUNNING_SMTP_PORT=0 starts none: Odoo then uses the mail server
# configured in the database, if any.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${DUNNING_DB:-dunning_demo}"
PORT="${DUNNING_PORT:-8069}"
SMTP_PORT="${DUNNING_SMTP_PORT:-2525}"
MAILDIR="$CACHE_DIR/demo-mail"

"$REPO_ROOT/scripts/setup.sh"

[ -f "$MODULE_DIR/__manifest__.py" ] || die "no add-on at $MODULE_DIR (missing __manifest__.py)"

ADDONS_PATH="$(full_addons_path)"
mapfile -t DB_ARGS < <(odoo_db_args)
COMMON_ARGS=(-d "$DB" --addons-path="$ADDONS_PATH" --db-filter="^$DB\$" "${DB_ARGS[@]}")

# The local mail server starts first: what the install writes (the tasks the
# demo's history assigns, announced by email) goes to it as well, never to
# a mail server of the machine.
SMTP_ARGS=()
if [ "$SMTP_PORT" != 0 ]; then
    mkdir -p "$MAILDIR"/new "$MAILDIR"/cur "$MAILDIR"/tmp
    "$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" &
    SMTP_PID=$!
    # The mail server lives as long as Odoo.
    trap 'kill "$SMTP_PID" 2>/dev/null || true' EXIT
    sleep 1
    kill -0 "$SMTP_PID" 2>/dev/null ||
        die "the demo's mail server could not start on port $SMTP_PORT (taken?): set DUNNING_SMTP_PORT to a free port, or 0"
    SMTP_ARGS=(--smtp=127.0.0.1 --smtp-port="$SMTP_PORT")
    MAIL_NOTE="  Emails sent are kept in $MAILDIR/new (local mail server on port $SMTP_PORT)."
fi

# (Re)initialise when the database is missing or the add-on is not installed
# in it (e.g. a previous first run was interrupted).
if ! db_exists "$DB" || [ "$(module_state "$DB" "$MODULE")" != installed ]; then
    log "creating database $DB with demo data and French, installing $MODULE (takes a few minutes)"
    # Demo data is loaded because --without-demo is not given (Odoo 18 default).
    # payment_demo: Odoo's test payment provider, so that the customer's
    # "Pay now" can be tried end to end.
    odoo_cmd "${COMMON_ARGS[@]}" "${SMTP_ARGS[@]}" -i "$MODULE,payment_demo" --load-language=fr_FR --stop-after-init
    [ "$(module_state "$DB" "$MODULE")" = installed ] || die "installing $MODULE into $DB failed (see the log above)"
    log "setting the admin user's language to fr_FR, publishing the test payment provider"
    odoo_cmd shell "${COMMON_ARGS[@]}" "${SMTP_ARGS[@]}" --no-http --log-level=warn <<'EOF'
env.ref("base.user_admin").lang = "fr_FR"
env["account.dunning.demo"]._enable_demo_payment()
env.cr.commit()
EOF
elif [ "${DUNNING_UPGRADE:-0}" = 1 ]; then
    log "upgrading $MODULE in $DB"
    odoo_cmd "${COMMON_ARGS[@]}" "${SMTP_ARGS[@]}" -u "$MODULE" --stop-after-init
fi

cat >&2 <<EOF
  Odoo is starting on  http://localhost:$PORT  (database $DB)
  Login: admin   Password: admin   (a salesperson: commercial / commercial)
${MAIL_NOTE:-}
  Stop with Ctrl+C.
EOF
"$PYTHON" -m odoo "${COMMON_ARGS[@]}" "${SMTP_ARGS[@]}" --http-interface=127.0.0.1 --http-port="$PORT"
