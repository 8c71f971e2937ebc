#!/usr/bin/env bash
# `make run`: a local Chorus Pro emulator, then Odoo 18 with ediflex_chorus and its bridge to Accounting
# (ediflex_chorus_account, French chart) on the database ediflex_demo, configured against that emulator in
# qualification, with French loaded: click through the whole flow offline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
EMULATOR_PORT=${EMULATOR_PORT:-8070}
HTTP_PORT=${HTTP_PORT:-8069}
DB=${DB:-ediflex_demo}
source "$here/tools/lib.sh"

require_odoo

"$test_python" -m chorus_emulator --port "$EMULATOR_PORT" \
    --auto-advance-seconds 60 >"$here/var/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null' EXIT
"$odoo_python" - "$EMULATOR_PORT" <<'PY' || { echo "the emulator did not start: see var/emulator.log" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(50):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_emulator/state", timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY

odoo=(--addons-path="$ODOO_PATH/odoo/addons,$here" -d "$DB" --db-filter="^$DB\$" --data-dir="$here/var/filestore")
if ! psql -lqt | cut -d '|' -f 1 | grep -qw "$DB"; then
    echo "creating the database $DB with ediflex_chorus and French"
    (cd "$ODOO_PATH" && "$odoo_python" odoo-bin "${odoo[@]}" -i ediflex_chorus --load-language=fr_FR \
        --without-demo=all --stop-after-init --log-level=warn)
else
    echo "updating ediflex_chorus on $DB"
    (cd "$ODOO_PATH" && "$odoo_python" odoo-bin "${odoo[@]}" -u ediflex_chorus --stop-after-init --log-level=warn)
fi
# The bridge to Odoo Accounting with the French chart: the company is made French first, so that installing account
# loads the French chart (411700 for the retentions) rather than the generic one. Once, on a database without it
# (later, `-u ediflex_chorus` above upgrades the bridge with it).
bridge=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'ediflex_chorus_account'")
if [ "$bridge" != installed ]; then
    echo "installing ediflex_chorus_account and the French chart of accounts (l10n_fr_account) on $DB"
    (cd "$ODOO_PATH" && "$odoo_python" odoo-bin shell "${odoo[@]}" --no-http --log-level=warn \
        <<<'env.company.country_id = env.ref("base.fr"); env.cr.commit()')
    (cd "$ODOO_PATH" && "$odoo_python" odoo-bin "${odoo[@]}" -i ediflex_chorus_account,l10n_fr_account \
        --without-demo=all --stop-after-init --log-level=warn)
fi
echo "configuring the company against the emulator on port $EMULATOR_PORT"
(cd "$ODOO_PATH" && EMULATOR_URL="http://127.0.0.1:$EMULATOR_PORT" "$odoo_python" odoo-bin shell "${odoo[@]}" \
    --no-http --log-level=warn < <(cat "$here/tools/emulator_company.py" "$here/tools/demo_setup.py"))
echo "Odoo: http://127.0.0.1:$HTTP_PORT (login admin, password admin; the project owner on the portal: mairie, password mairie, /my/situations). Emulator: http://127.0.0.1:$EMULATOR_PORT"
cd "$ODOO_PATH" && "$odoo_python" odoo-bin "${odoo[@]}" --http-port="$HTTP_PORT" --http-interface=127.0.0.1
