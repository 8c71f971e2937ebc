#!/usr/bin/env bash
# Installs ediflex_chorus on a fresh database of a real Odoo 18 with its tests, then updates it; beside that, runs
# the same tests under pytest-odoo on a second fresh database where the addon was installed without its tests (two
# routes at once, one core each); fails on a test failure or on any warning or error logged by the addon itself. Args: PYTHON ODOO_PATH DB LOGFILE; PYTHON has the test requirements (test-requirements.txt).
# pytest-odoo writes its JUnit XML report to LOGFILE.pytest.xml.
set -uo pipefail
python=$1 odoo_path=$2 db=$3 log=$4
here=$(cd "$(dirname "$0")/.." && pwd)
port=$((20000 + $$ % 10000))
common=(--addons-path="$odoo_path/odoo/addons,$here" -d "$db" --db-filter="^$db\$" --http-port="$port"
        --gevent-port=$((port + 1)) --without-demo=all --stop-after-init --data-dir="$here/var/filestore")

pytest_db="${db}_pytest"
pytest_common=(--addons-path="$odoo_path/odoo/addons,$here" -d "$pytest_db" --db-filter="^$pytest_db\$"
               --http-port=$((port + 2)) --gevent-port=$((port + 3)) --without-demo=all --stop-after-init
               --data-dir="$here/var/filestore")

# The integrator's command: the addons path only, no PYTHONPATH (the emulator is a test requirement of PYTHON).
run() { (cd "$odoo_path" && "$python" odoo-bin "${common[@]}" "$@"); }
# At the end: both databases and their filestores (about 50 MB each) go.
cleanup() {
    local name
    for name in "$db" "$pytest_db"; do
        dropdb --if-exists "$name" >/dev/null 2>&1; rm -rf "$here/var/filestore/filestore/$name"
    done
}
trap cleanup EXIT

pytest_route() {
    # The developers' fast route, pytest-odoo, on a database of its own where the addon is installed plainly.
    (cd "$odoo_path" && "$python" odoo-bin "${pytest_common[@]}" -i ediflex_chorus --log-level=warn) \
        >"$log.pytest.install" 2>&1 || { echo "the install for pytest-odoo failed" >"$log.pytest"; return 1; }
    "$here/tools/odoo-pytest.sh" "$python" "$odoo_path" "$pytest_db" -q --junitxml="$log.pytest.xml" \
        >"$log.pytest" 2>&1
}

# Every access token the emulators of the run issue, to look for in the logs at the end.
export CHORUS_EMULATOR_TOKEN_LOG="$log.tokens"
: >"$CHORUS_EMULATOR_TOKEN_LOG"

# The same tests once more through pytest-odoo, beside the --test-enable run, on a database of its own.
echo "running the same tests under pytest-odoo on $pytest_db, beside (log: $log.pytest)"
rm -f "$log.pytest.xml"
pytest_route &
pytest_pid=$!
echo "installing ediflex_chorus on $db and running its tests (log: $log)"
run -i ediflex_chorus --test-enable --test-tags /ediflex_chorus --log-level=test >"$log" 2>&1
install_rc=$?
echo "updating ediflex_chorus on $db (-u)"
run -u ediflex_chorus --log-level=info >"$log.update" 2>&1
update_rc=$?
wait "$pytest_pid"
pytest_rc=$?
tail -1 "$log.pytest"

grep -E '(FAIL|ERROR):|odoo.tests.result|tests.stats|Traceback' "$log" | grep -v 'tests.stats: *$' | tail -40
# The install (before the tests start) and the update must log no warning or error of the addon's own:
# a line whose logger is the addon's, or whose message names the addon or one of its models.
own_problems=$(sed '/Starting post tests/q' "$log" | cat - "$log.update" | awk '
    $4 ~ /^(WARNING|ERROR|CRITICAL)$/ {
        message = $0; sub(/^([^ ]+ ){6}/, "", message)
        if ($6 ~ /^odoo\.addons\.ediflex_chorus/ || message ~ /ediflex_chorus|ediflex\.(situation|chorus)/) print
    }')
if [ -n "$own_problems" ]; then
    echo "the addon logged warnings or errors of its own:"
    echo "$own_problems" | head -20
fi
# No secret of the tests (the emulator's, those the tests type or give as the server's, and every access token
# the emulators issued) may reach any log of the run.
account=$(printf '%s' 'TECH_EDIFLEX_QUALIF@cpro.fr:Emulator-Password-2026' | base64 -w0)
printf '%s\n' emulator-client-secret Emulator-Password-2026 "$account" Sup3r-S3cret-Pa55 piste-secret-xyz \
    New-Password-2026 stale-database-value from-the-file id-from-the-environment typed-anyway >>"$log.tokens"
leaks=$(grep -hoF -f "$log.tokens" "$log" "$log.update" "$log.pytest.install" "$log.pytest" 2>/dev/null | sort | uniq -c)
echo "looked for $(wc -l <"$log.tokens") secrets and tokens in the logs of the run"
if [ -n "$leaks" ]; then
    echo "SECRETS FOUND IN THE LOGS OF THE RUN:"
    echo "$leaks"
fi
# ediflex_chorus alone: this database never had Accounting, so the install, the upgrade and the tests above show
# that nothing changes for a company without it (the bridge's tests run on a database of their own).
account_state=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'account'" 2>/dev/null)
echo "ediflex_chorus installed, upgraded and tested without Accounting (module account: ${account_state:-absent})"
summary=$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1)
echo "${summary:-no Odoo test summary found}"
[ "$account_state" != installed ] && [ "$install_rc" = 0 ] && [ "$update_rc" = 0 ] && [ "$pytest_rc" = 0 ] && [ -z "$own_problems" ] && [ -z "$leaks" ] \
    && [ -n "$summary" ] && grep -qE ' 0 failed, 0 error\(s\)' <<<"$summary"
