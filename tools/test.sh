#!/usr/bin/env bash
# Runs every test of the project: the plain core tests, then the addon's Odoo tests in a real Odoo 18.
# Used by `make test` and by CI. Odoo is not on the package registries: it is found, never installed, via
#   ODOO_PATH   folder holding odoo-bin and odoo/ (default: /opt/odoo18)
#   ODOO_PYTHON Python that has Odoo's requirements (default: $ODOO_PATH/venv/bin/python, then python3)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/.venv}
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
log_dir=${TEST_LOG_DIR:-$here/var}
mkdir -p "$log_dir"

source "$here/tools/lib.sh"

banner() { printf '\n==== %s ====\n' "$*"; }

# pytest's closing line in the log $1, e.g. "2 failed, 27 passed, 1 skipped in 40.1s" (-q) or "=== 29 passed in 39s ===".
pytest_closing_line() {
    grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped).* in [0-9.]+s' "$1" 2>/dev/null | tail -1
}

# The sum of the counts of the outcomes $1 (an ERE: 'passed', 'failed|error') in pytest's closing line $2; 0 if none.
pytest_count() { grep -oE "[0-9]+ ($1)" <<<"$2" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }

plain_tests() {
    banner "plain tests (core: tests/, emulator: chorus_emulator/tests/)"
    ensure_test_venv "$venv" || return 1
    "$venv/bin/python" -m pytest "$here/tests" "$here/chorus_emulator/tests" -q -p no:cacheprovider 2>&1 | tee "$log_dir/plain.log"
    local rc=${PIPESTATUS[0]}
    plain_summary=$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed|error).* =+$' "$log_dir/plain.log" | tail -1)
    plain_passed=$(pytest_count passed "$plain_summary")
    plain_failed=$(pytest_count 'failed|error' "$plain_summary")
    return "$rc"
}

odoo_tests() {
    banner "Odoo tests (real Odoo 18, --test-tags /ediflex_chorus)"
    if ! find_odoo_python; then
        odoo_status="SKIPPED: no Odoo 18 found at ODOO_PATH=$ODOO_PATH (set ODOO_PATH and ODOO_PYTHON)"
        return 0
    fi
    if ! ensure_postgres; then
        odoo_status="SKIPPED: PostgreSQL is not installed or does not start"
        return 0
    fi
    if ! ensure_addon_dependencies "$odoo_python"; then
        odoo_status="FAILED: the addon's Python dependencies could not be installed into $odoo_python"
        return 1
    fi
    if ! ensure_browser_tests "$odoo_python"; then
        browser_status="MISSING: no chromium or websocket-client, the tours were skipped"
    fi
    local db="ediflex_test_$$"
    "$here/tools/odoo-run-tests.sh" "$odoo_python" "$ODOO_PATH" "$db" "$log_dir/odoo.log"
    local rc=$?
    odoo_ran=$(grep -oE 'of [0-9]+ tests' "$log_dir/odoo.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    odoo_failed=$(grep -oE '[0-9]+ failed, [0-9]+ error' "$log_dir/odoo.log" | tail -1 | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
    odoo_status="RAN: $odoo_ran Odoo tests, $odoo_failed failed (log: $log_dir/odoo.log)"
    local pytest_line pytest_skipped
    pytest_line=$(pytest_closing_line "$log_dir/odoo.log.pytest")
    pytest_passed=$(pytest_count passed "$pytest_line")
    pytest_failed=$(pytest_count 'failed|error' "$pytest_line")
    pytest_skipped=$(pytest_count skipped "$pytest_line")
    if [ -z "$pytest_line" ] || { [ "$pytest_passed" = 0 ] && [ "$pytest_failed" = 0 ]; }; then
        local why="pytest-odoo gave no result"
        grep -q 'PYTEST-ODOO COULD NOT BE INSTALLED' "$log_dir/odoo.log.pytest" 2>/dev/null \
            && why="pytest-odoo could not be installed into $odoo_python"
        pytest_status="DID NOT RUN: $why (log: $log_dir/odoo.log.pytest)"
        pytest_failed=1
        rc=1
    else
        pytest_status="RAN: $pytest_passed passed, $pytest_failed failed, $pytest_skipped skipped under pytest-odoo (log: $log_dir/odoo.log.pytest)"
        # The same tests both ways: a different count means one route lost tests (a skipped HttpCase, a
        # collection error), which the counts alone would hide.
        if [ "$((pytest_passed + pytest_failed))" != "$odoo_ran" ] || [ "$pytest_skipped" != 0 ]; then
            pytest_status="$pytest_status; MISMATCH: the --test-enable run ran $odoo_ran"
            pytest_failed=$((pytest_failed + 1))
            rc=1
        fi
    fi
    return "$rc"
}

soak_tests() {
    # The short crash, concurrency and fault suite against real Odoo servers (the full one is `make soak`).
    banner "crashes, concurrency and faults, short (tests_soak/, real Odoo 18 servers)"
    if [[ $odoo_status == SKIPPED* ]] || [ -z "${odoo_python:-}" ]; then
        soak_status="SKIPPED: ${odoo_status#SKIPPED: }"
        return 0
    fi
    ODOO_PATH="$ODOO_PATH" ODOO_PYTHON="$odoo_python" "$venv/bin/python" -m pytest "$here/tests_soak" -q \
        -p no:cacheprovider -rs 2>&1 | tee "$log_dir/soak.log"
    local rc=${PIPESTATUS[0]} line skipped
    line=$(pytest_closing_line "$log_dir/soak.log")
    soak_passed=$(pytest_count passed "$line")
    soak_failed=$(pytest_count 'failed|error' "$line")
    skipped=$(pytest_count skipped "$line")
    soak_status="RAN: $soak_passed passed, $soak_failed failed (log: $log_dir/soak.log)"
    if [ "$skipped" != 0 ]; then
        soak_status="SKIPPED: $skipped soak test(s) skipped, see $log_dir/soak.log"
    elif [ -z "$line" ]; then
        soak_status="FAILED: no pytest result (log: $log_dir/soak.log)"
        soak_failed=1
        rc=1
    fi
    return "$rc"
}

plain_passed=0 plain_failed=0 odoo_ran=0 odoo_failed=0 odoo_status="not run"
pytest_passed=0 pytest_failed=0 pytest_status="not run" browser_status="chromium ready"
soak_passed=0 soak_failed=0 soak_status="not run"
plain_tests; plain_rc=$?
odoo_tests; odoo_rc=$?
soak_tests; soak_rc=$?

banner "summary"
echo "plain tests: ${plain_summary:-none}"
echo "Odoo tests:  $odoo_status"
echo "pytest-odoo: $pytest_status"
echo "tours:       $browser_status"
echo "soak:        $soak_status"
if [[ $browser_status == MISSING* ]]; then
    echo "!!! WARNING: THE BROWSER TOURS WERE SKIPPED: install Debian's chromium and websocket-client !!!"
fi
if [[ $pytest_status == "DID NOT RUN"* || $pytest_status == *MISMATCH* ]]; then
    echo "!!! WARNING: THE PYTEST-ODOO ROUTE FAILED: $pytest_status !!!"
fi
if [[ $soak_status == SKIPPED* ]]; then
    echo "!!! WARNING: THE CRASH, CONCURRENCY AND FAULT SUITE WAS SKIPPED: ${soak_status#SKIPPED: } !!!"
fi
if [[ $odoo_status == SKIPPED* ]]; then
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! WARNING: THE ADDON'S ODOO TESTS WERE SKIPPED: only the core was tested !!!"
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
fi
total_failed=$((plain_failed + odoo_failed + pytest_failed + soak_failed))
if [ "$plain_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$odoo_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$soak_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
echo "$((plain_passed + odoo_ran - odoo_failed + pytest_passed + soak_passed)) passed, $total_failed failed"
[ "$plain_rc" = 0 ] && [ "$odoo_rc" = 0 ] && [ "$soak_rc" = 0 ]
