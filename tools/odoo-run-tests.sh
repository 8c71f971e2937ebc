#!/usr/bin/env bash
# Installs ediflex_chorus on a fresh database of a real Odoo 18 with its tests, then updates it, and fails
# on a test failure or on any warning or error logged by the addon itself. Args: PYTHON ODOO_PATH DB LOGFILE
set -uo pipefail
python=$1 odoo_path=$2 db=$3 log=$4
here=$(cd "$(dirname "$0")/.." && pwd)
port=$((20000 + $$ % 10000))
common=(--addons-path="$odoo_path/odoo/addons,$here" -d "$db" --db-filter="^$db\$" --http-port="$port"
        --gevent-port=$((port + 1)) --without-demo=all --stop-after-init --data-dir="$here/var/filestore")

run() { (cd "$odoo_path" && "$python" odoo-bin "${common[@]}" "$@"); }
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; }
trap cleanup EXIT

echo "installing ediflex_chorus on $db and running its tests (log: $log)"
run -i ediflex_chorus --test-enable --test-tags /ediflex_chorus --log-level=test >"$log" 2>&1
install_rc=$?
echo "updating ediflex_chorus on $db (-u)"
run -u ediflex_chorus --log-level=info >"$log.update" 2>&1
update_rc=$?

grep -E '(FAIL|ERROR):|odoo.tests.result|tests.stats|Traceback' "$log" | grep -v 'tests.stats: *$' | tail -40
own_problems=$(cat "$log" "$log.update" | grep -E ' (WARNING|ERROR|CRITICAL) ' | grep -iE 'ediflex_chorus|ediflex' \
    | grep -vE 'odoo.addons.ediflex_chorus.tests|emulator' || true)
if [ -n "$own_problems" ]; then
    echo "the addon logged warnings or errors of its own:"
    echo "$own_problems" | head -20
fi
summary=$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1)
echo "${summary:-no Odoo test summary found}"
[ "$install_rc" = 0 ] && [ "$update_rc" = 0 ] && [ -z "$own_problems" ] && [ -n "$summary" ] \
    && grep -qE ' 0 failed, 0 error\(s\)' <<<"$summary"
