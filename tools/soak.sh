#!/usr/bin/env bash
# `make soak`: the crash, concurrency and fault suite (tests_soak/) at full size against real Odoo 18 servers and the
# emulator; prints lost/duplicated/false-rejection counts and timings, and writes them into docs/BENCHMARKS.md
# (its section only) when the run passes. Sizes: SOAK_N, SOAK_QUEUE, SOAK_CRASHES, SOAK_REAL_TIMEOUTS, SOAK_DRAIN,
# SOAK_PORTAL; SOAK_PREFORK=1 (default here): the crash, race and portal cases once more with Odoo in prefork mode, and
# the send lanes' drain of 1 sender against 4 (its speed-up a limit).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/.venv}
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
source "$here/tools/lib.sh"

require_odoo
ensure_test_venv "$venv" || exit 1
results="$here/var/soak-results.json"
rm -f "$results"
SOAK_COMMIT=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo "?") \
ODOO_PATH="$ODOO_PATH" ODOO_PYTHON="$odoo_python" SOAK_RESULTS="$results" SOAK_N=${SOAK_N:-200} \
    SOAK_QUEUE=${SOAK_QUEUE:-200} SOAK_CRASHES=${SOAK_CRASHES:-10} SOAK_REAL_TIMEOUTS=${SOAK_REAL_TIMEOUTS:-2} \
    SOAK_DRAIN=${SOAK_DRAIN:-400} SOAK_PORTAL=${SOAK_PORTAL:-20} SOAK_PREFORK=${SOAK_PREFORK:-1} \
    "$venv/bin/python" -m pytest "$here/tests_soak" -q -p no:cacheprovider -rs
rc=$?
[ -f "$results" ] || { echo "soak: no figures (see above)"; exit 1; }
if [ "$rc" = 0 ]; then
    "$venv/bin/python" "$here/tests_soak/report.py" "$results" --write "$here/docs/BENCHMARKS.md"
else
    "$venv/bin/python" "$here/tests_soak/report.py" "$results"
    echo "soak FAILED: docs/BENCHMARKS.md left as it was"
fi
exit "$rc"
