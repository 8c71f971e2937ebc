#!/usr/bin/env bash
# The bridge ediflex_chorus_account's Odoo tests: installs it on a fresh database of a real Odoo 18 together with
# the French chart (l10n_fr_account) and Peppol (account_peppol, whose route the bridge must close), with
# --test-enable --test-tags /ediflex_chorus_account (the core's tests run in tools/odoo-run-tests.sh, on a database
# without Accounting). Fails on a test failure or on a warning or error logged by the bridge while installing.
# Args: PYTHON ODOO_PATH DB LOGFILE; PYTHON has the test requirements (test-requirements.txt).
set -uo pipefail
python=$1 odoo_path=$2 db=$3 log=$4
here=$(cd "$(dirname "$0")/.." && pwd)
port=$((40000 + $$ % 10000))
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; rm -rf "$here/var/filestore/filestore/$db"; }
trap cleanup EXIT

modules=ediflex_chorus_account,l10n_fr_account,account_peppol
# Odoo's approved-platform module (plateforme agréée), when this Odoo copy has it: its route must stay closed too.
[ -d "$odoo_path/odoo/addons/l10n_fr_pdp" ] && modules=$modules,l10n_fr_pdp
echo "installing $modules on $db and running the bridge's tests (log: $log)"
(cd "$odoo_path" && "$python" odoo-bin --addons-path="$odoo_path/odoo/addons,$here" -d "$db" --db-filter="^$db\$" \
    --http-port="$port" --gevent-port=$((port + 1)) --without-demo=all --stop-after-init \
    --data-dir="$here/var/filestore" -i "$modules" --test-enable --test-tags /ediflex_chorus_account \
    --log-level=test) >"$log" 2>&1
rc=$?

grep -E '(FAIL|ERROR):|odoo.tests.result|Traceback' "$log" | tail -40
# Before the tests start: no warning or error of the bridge's own (its logger, or a message naming it).
own_problems=$(sed '/Starting post tests/q' "$log" | awk '
    $4 ~ /^(WARNING|ERROR|CRITICAL)$/ {
        message = $0; sub(/^([^ ]+ ){6}/, "", message)
        if ($6 ~ /^odoo\.addons\.ediflex_chorus_account/ || message ~ /ediflex_chorus_account/) print
    }')
if [ -n "$own_problems" ]; then
    echo "the bridge logged warnings or errors of its own:"
    echo "$own_problems" | head -20
fi
summary=$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1)
echo "${summary:-no Odoo test summary found}"
[ "$rc" = 0 ] && [ -z "$own_problems" ] && [ -n "$summary" ] && grep -qE ' 0 failed, 0 error\(s\)' <<<"$summary"
