#!/usr/bin/env bash
# Runs every test of the project: the plain tests (core and emulator), the addon's wheel installed from
# site-packages, the addon's Odoo tests in a real Odoo 18, the short soak. Used by `make test` and by CI.
# Odoo 18 is found at ODOO_PATH (default /opt/odoo18) or brought there: ODOO_SRC (a folder or archive of its
# source) or a bounded clone of ODOO_GIT_URL; see tools/lib.sh. Counts are read from JUnit XML reports (pytest)
# and from Odoo's own summary line.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/.venv}
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
log_dir=${TEST_LOG_DIR:-$here/var}
mkdir -p "$log_dir"

source "$here/tools/lib.sh"

banner() { printf '\n==== %s ====\n' "$*"; }

# "PASSED FAILED SKIPPED" of pytest's JUnit XML report(s) $@, or "" when missing or empty (python3: any will do).
junit() { python3 "$here/tools/junit_counts.py" "$@" 2>/dev/null; }

plain_tests() {
    banner "plain tests (core: tests/, emulator: chorus_emulator/tests/)"
    ensure_test_venv "$venv" || return 1
    rm -f "$log_dir/plain.xml"
    "$venv/bin/python" -m pytest "$here/tests" "$here/chorus_emulator/tests" -q -p no:cacheprovider \
        --junitxml="$log_dir/plain.xml" 2>&1 | tee "$log_dir/plain.log"
    local rc=${PIPESTATUS[0]} skipped
    # pytest's exit 5 (no test collected) is a failure here: a run that tests nothing must not pass.
    read -r plain_passed plain_failed skipped <<<"$(junit "$log_dir/plain.xml")"
    plain_summary="${plain_passed:-0} passed, ${plain_failed:-0} failed, ${skipped:-0} skipped (JUnit: $log_dir/plain.xml)"
    [ -n "${plain_passed:-}" ] || { plain_passed=0 plain_failed=1 plain_summary="NO RESULT: pytest exit $rc"; rc=1; }
    return "$rc"
}

odoo_tests() {
    banner "Odoo tests (real Odoo 18, --test-tags /ediflex_chorus)"
    if ! ensure_odoo; then
        odoo_status="SKIPPED: no Odoo 18 at ODOO_PATH=$ODOO_PATH, none could be brought: $ODOO_HOW_TO"
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
    if ! ensure_test_python; then
        odoo_status="FAILED: test-requirements.txt could not be installed on top of $odoo_python"
        return 1
    fi
    if ! ensure_browser_tests "$test_python"; then
        browser_status="MISSING: no chromium or websocket-client, the tours were skipped"
    fi
    # The bridge's tests, the wheel test and the short soak run beside the core's, each on databases and ports of
    # its own: the core's run keeps about one of CI's two cores busy, they take the other (CI's 15-minute budget).
    rm -f "$log_dir/side.vars"
    side_tests >"$log_dir/side.log" 2>&1 &
    side_pid=$!
    local db="ediflex_test_$$"
    "$here/tools/odoo-run-tests.sh" "$test_python" "$ODOO_PATH" "$db" "$log_dir/odoo.log"
    local rc=$?
    # Odoo's own summary line: "ediflex_test_1: 0 failed, 0 error(s) of 180 tests when loading database ...".
    local summary
    summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log_dir/odoo.log" | tail -1)
    read -r odoo_failed odoo_errors odoo_ran <<<"$(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"${summary:-0 failed, 0 error(s) of 0 tests}")"
    odoo_failed=$((odoo_failed + odoo_errors))
    odoo_status="RAN: $odoo_ran Odoo tests, $odoo_failed failed (log: $log_dir/odoo.log)"
    local pytest_skipped
    read -r pytest_passed pytest_failed pytest_skipped <<<"$(junit "$log_dir/odoo.log.pytest.xml")"
    if [ -z "${pytest_passed:-}" ]; then
        local why="pytest-odoo gave no result"
        grep -q 'PYTEST-ODOO COULD NOT BE INSTALLED' "$log_dir/odoo.log.pytest" 2>/dev/null \
            && why="pytest-odoo could not be installed into $odoo_python"
        pytest_status="DID NOT RUN: $why (log: $log_dir/odoo.log.pytest)"
        pytest_passed=0 pytest_failed=1
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

bridge_tests() {
    # The bridge ediflex_chorus_account on a database of its own, with the French chart and Peppol.
    banner "the bridge's Odoo tests (real Odoo 18, ediflex_chorus_account with l10n_fr_account and account_peppol)"
    if [[ $odoo_status == SKIPPED* ]] || [ -z "${test_python:-}" ]; then
        bridge_status="SKIPPED: ${odoo_status#SKIPPED: }"
        return 0
    fi
    if ! ensure_bridge_dependencies "$odoo_python"; then
        bridge_status="FAILED: phonenumbers (account_peppol's dependency) could not be installed into $odoo_python"
        bridge_failed=1
        return 1
    fi
    "$here/tools/odoo-run-bridge-tests.sh" "$test_python" "$ODOO_PATH" "ediflex_bridge_test_$$" "$log_dir/bridge.log"
    local rc=$? summary
    summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log_dir/bridge.log" | tail -1)
    read -r bridge_failed bridge_errors bridge_ran <<<"$(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"${summary:-0 failed, 0 error(s) of 0 tests}")"
    bridge_failed=$((bridge_failed + bridge_errors))
    bridge_passed=$((bridge_ran - bridge_failed))
    # A run that tested nothing, or failed outside the tests (install, the bridge's own warnings), fails.
    if [ "$rc" != 0 ] && [ "$bridge_failed" = 0 ]; then bridge_failed=1; fi
    [ "$bridge_ran" != 0 ] || { bridge_failed=1 rc=1; }
    bridge_status="RAN: $bridge_ran Odoo tests, $bridge_failed failed (log: $log_dir/bridge.log)"
    return "$rc"
}

soak_tests() {
    # The short crash, concurrency and fault suite against real Odoo servers (the full one is `make soak`).
    banner "crashes, concurrency and faults, short (tests_soak/, real Odoo 18 servers)"
    if [[ $odoo_status == SKIPPED* ]] || [ -z "${odoo_python:-}" ]; then
        soak_status="SKIPPED: ${odoo_status#SKIPPED: }"
        return 0
    fi
    rm -f "$log_dir/soak.xml"
    ODOO_PATH="$ODOO_PATH" ODOO_PYTHON="$odoo_python" "$venv/bin/python" -m pytest "$here/tests_soak" -q \
        -p no:cacheprovider -rs --junitxml="$log_dir/soak.xml" 2>&1 | tee "$log_dir/soak.log"
    local rc=${PIPESTATUS[0]} skipped
    read -r soak_passed soak_failed skipped <<<"$(junit "$log_dir/soak.xml")"
    soak_status="RAN: $soak_passed passed, $soak_failed failed (log: $log_dir/soak.log)"
    if [ -z "${soak_passed:-}" ]; then
        soak_status="FAILED: no pytest result (log: $log_dir/soak.log)"
        soak_passed=0 soak_failed=1
        rc=1
    elif [ "$skipped" != 0 ]; then
        soak_status="SKIPPED: $skipped soak test(s) skipped, see $log_dir/soak.log"
    fi
    return "$rc"
}

dist_tests() {
    # The addon's wheel (make dist) installed from site-packages on a new database, without the emulator.
    banner "the addon's wheel (make dist), installed from site-packages, tests skipped without the emulator"
    if [[ $odoo_status == SKIPPED* ]] || [ -z "${odoo_python:-}" ]; then
        dist_status="SKIPPED: ${odoo_status#SKIPPED: }"
        return 0
    fi
    "$here/tools/wheel-test.sh" "$odoo_python" "$ODOO_PATH" "$log_dir/wheel.log"
    local rc=$?
    if [ "$rc" = 0 ]; then dist_passed=1 dist_status="RAN: the wheel test passed (log: $log_dir/wheel.log)"
    else dist_failed=1 dist_status="FAILED: see the checks above (log: $log_dir/wheel.log)"; fi
    return "$rc"
}

side_tests() {
    # The bridge's tests, the wheel test, then the short soak, in a background shell; results go to side.vars.
    timings=()
    timed bridge_tests; bridge_rc=$?
    timed dist_tests; dist_rc=$?
    timed soak_tests; soak_rc=$?
    declare -p bridge_rc bridge_ran bridge_passed bridge_failed bridge_status dist_rc dist_passed dist_failed \
        dist_status soak_rc soak_passed soak_failed soak_status timings >"$log_dir/side.vars"
}

plain_passed=0 plain_failed=0 odoo_ran=0 odoo_failed=0 odoo_status="not run"
dist_passed=0 dist_failed=0 dist_status="not run"
pytest_passed=0 pytest_failed=0 pytest_status="not run" browser_status="chromium ready"
soak_passed=0 soak_failed=0 soak_status="not run"
bridge_ran=0 bridge_passed=0 bridge_failed=0 bridge_status="not run"
timings=()
timed() { local start=$SECONDS; "$@"; local rc=$?; timings+=(" ${1%_tests} $((SECONDS - start))"); return "$rc"; }
timed plain_tests; plain_rc=$?
side_pid=""
timed odoo_tests; odoo_rc=$?
if [ -n "$side_pid" ]; then
    wait "$side_pid"
    banner "beside the Odoo tests: the bridge's tests, the wheel, the short soak (log: $log_dir/side.log)"
    cat "$log_dir/side.log"
    core_timings=("${timings[@]}")
    bridge_rc=1 dist_rc=1 soak_rc=1 bridge_failed=1 dist_failed=1 soak_failed=1
    bridge_status="FAILED: no result (log: $log_dir/side.log)" dist_status=$bridge_status soak_status=$bridge_status
    timings=()
    # shellcheck disable=SC1091
    source "$log_dir/side.vars" 2>/dev/null
    timings=("${core_timings[@]}" "${timings[@]/%/ (beside)}")
else
    timed bridge_tests; bridge_rc=$?
    timed dist_tests; dist_rc=$?
    timed soak_tests; soak_rc=$?
fi
lint_failed=0
[ "${LINT_RC:-0}" = 0 ] || lint_failed=1

banner "summary"
echo "plain tests: ${plain_summary:-none}"
echo "Odoo tests:  $odoo_status"
echo "pytest-odoo: $pytest_status"
echo "bridge:      $bridge_status"
echo "wheel:       $dist_status"
echo "tours:       $browser_status"
echo "soak:        $soak_status"
[ -z "${LINT_RC:-}" ] || echo "lint:        $([ "$LINT_RC" = 0 ] && echo passed || echo FAILED), ${LINT_SECONDS:-?} s (make lint, above)"
echo "times:       $(IFS=,; echo "${timings[*]}") s"
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
total_failed=$((plain_failed + odoo_failed + pytest_failed + bridge_failed + dist_failed + soak_failed + lint_failed))
if [ "$plain_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$odoo_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$soak_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$bridge_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
if [ "$dist_rc" != 0 ] && [ "$total_failed" = 0 ]; then total_failed=1; fi
echo "$((plain_passed + odoo_ran - odoo_failed + pytest_passed + bridge_passed + dist_passed + soak_passed)) passed, $total_failed failed"
[ "$plain_rc" = 0 ] && [ "$odoo_rc" = 0 ] && [ "$bridge_rc" = 0 ] && [ "$dist_rc" = 0 ] && [ "$soak_rc" = 0 ] && [ "$lint_failed" = 0 ]
