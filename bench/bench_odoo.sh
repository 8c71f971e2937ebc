#!/usr/bin/env bash
# `make bench`, second half: the figures measured inside a real Odoo 18 (bench/bench_odoo.py) on a kept database
# (BENCH_DB, default ediflex_bench), created with the addon on first use and upgraded when the addon's files
# changed (tools/lib.sh). Without an Odoo 18 it says so loudly and leaves the plain figures printed before it.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
DB=${BENCH_DB:-ediflex_bench}
source "$here/tools/lib.sh"

if ! find_odoo_python; then
    echo "######################################################################################"
    echo "# NO ODOO 18 FOUND at ODOO_PATH=$ODOO_PATH: the Odoo figures (button time, SQL queries,"
    echo "# PDF bytes per line) were NOT measured; only the plain figures above are."
    echo "######################################################################################"
    exit 0
fi
require_odoo
kept_addon_database "$DB" || exit 1
# The button over HTTP runs on a copy, which a real server commits to; the copy goes at the end.
copy="${DB}_http"
trap 'dropdb --if-exists "$copy" >/dev/null 2>&1; rm -rf "$here/var/filestore/filestore/$copy"' EXIT
dropdb --if-exists "$copy" >/dev/null 2>&1
createdb -T "$DB" "$copy" || exit 1
echo "Odoo figures (Odoo 18 at $ODOO_PATH, database $DB):"
"$odoo_python" "$here/bench/bench_odoo.py" --odoo-path "$ODOO_PATH" -d "$DB" --http-database "$copy" "$@"; odoo=$?
echo "Status follow-up of 100,000 open pieces (bench/bench_follow.py, issue 19):"
"$odoo_python" "$here/bench/bench_follow.py" --odoo-path "$ODOO_PATH" -d "$DB"; follow=$?
echo "Scale figures (bench/bench_big.py: 1,000 lines, 100,000 deposits in the log, a 400-deposit send run):"
"$odoo_python" "$here/bench/bench_big.py" --odoo-path "$ODOO_PATH" -d "$DB"; big=$?
exit $((odoo || follow || big))
