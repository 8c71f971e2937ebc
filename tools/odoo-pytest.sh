#!/usr/bin/env bash
# Runs the addon's Odoo tests under pytest-odoo on an existing database where the addon is installed.
# Args: PYTHON ODOO_PATH DB [pytest arguments...] (test path by default: ediflex_chorus/tests).
# pytest-odoo and pytest are installed into that Python when missing (pinned: the pair proven with Odoo 18 here):
# the test command must install what it needs, CI starts from a clean checkout.
set -uo pipefail
python=$1 odoo_path=$2 db=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
PYTEST_ODOO_VERSION=2.3.0 PYTEST_VERSION=9.2.0

# Checked by the installed versions, not by importing pytest_odoo (which imports odoo, not on the path here).
installed() {
    "$python" -c 'import importlib.metadata as m, sys
sys.exit(not (m.version("pytest-odoo") == sys.argv[1] and m.version("pytest") == sys.argv[2]))' \
        "$PYTEST_ODOO_VERSION" "$PYTEST_VERSION" 2>/dev/null
}
if ! installed; then
    echo "installing pytest-odoo $PYTEST_ODOO_VERSION and pytest $PYTEST_VERSION into $python"
    "$python" -m pip install -q --disable-pip-version-check \
        "pytest-odoo==$PYTEST_ODOO_VERSION" "pytest==$PYTEST_VERSION" || true
    if ! installed; then
        echo "PYTEST-ODOO COULD NOT BE INSTALLED into $python (pip failed: network, index or permissions)"
        exit 3
    fi
fi
# Without a test path among the arguments, the whole of the addon's tests (not the plain tests of tests/).
[[ " $* " == *" ediflex_chorus/"* ]] || set -- "$@" ediflex_chorus/tests
# --odoo-http: the tests are HttpCases (wkhtmltopdf fetches the report's styles from Odoo's HTTP server, tours
# drive the web client); without it pytest-odoo skips every HttpCase. pytest-odoo then starts Odoo's threaded
# HTTP server on a free port for the session.
# pytest-odoo imports odoo.tests before it switches Odoo's test mode on (per test module, on purpose: switched on
# globally, the registry would run every module's at_install tests), so Odoo 18 logs at every start an ERROR
# "Importing test framework ..." with a stack: that one record is dropped, every other log line goes through.
quiet_pytest='import logging, sys
class DropFalseAlarm(logging.Filter):
    def filter(self, record):
        return not (record.levelno == logging.ERROR and str(record.msg).startswith("Importing test framework"))
logging.getLogger("odoo.tests.common").addFilter(DropFalseAlarm())
import pytest
sys.exit(pytest.main())'
# Odoo's folder on the path for the odoo package (a source copy, not an installed distribution); the emulator
# comes from test-requirements.txt, installed into that Python.
cd "$here" && PYTHONPATH="$odoo_path${PYTHONPATH:+:$PYTHONPATH}" "$python" -c "$quiet_pytest" \
    -p no:cacheprovider -W ignore::DeprecationWarning --odoo-database="$db" \
    --odoo-addons-path="$odoo_path/odoo/addons,$here" --odoo-http --odoo-log-level=warn \
    --odoo-extra="data-dir=$here/var/filestore" "$@"
