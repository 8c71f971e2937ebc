#!/usr/bin/env bash
# Runs the addon's Odoo tests under pytest-odoo on an existing database where the addon is installed.
# Args: PYTHON ODOO_PATH DB [pytest arguments...] (test path by default: ediflex_chorus/tests).
# pytest-odoo is installed into that Python when it is missing: the test command must install what it needs.
set -uo pipefail
python=$1 odoo_path=$2 db=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
PYTEST_ODOO_VERSION=2.3.0

if ! "$python" -c "import pytest_odoo" 2>/dev/null; then
    echo "installing pytest-odoo $PYTEST_ODOO_VERSION into $python"
    "$python" -m pip install -q --disable-pip-version-check "pytest-odoo==$PYTEST_ODOO_VERSION" || exit 1
fi
# Without a test path among the arguments, the whole of the addon's tests (not the plain tests of tests/).
[[ " $* " == *" ediflex_chorus/"* ]] || set -- "$@" ediflex_chorus/tests
# --odoo-http: the tests are HttpCases (wkhtmltopdf fetches the report's styles from Odoo's HTTP server).
# The repository root on the path for the emulator, Odoo's folder for the odoo package.
cd "$here" && PYTHONPATH="$here:$odoo_path${PYTHONPATH:+:$PYTHONPATH}" "$python" -m pytest -p no:cacheprovider \
    -W ignore::DeprecationWarning --odoo-database="$db" --odoo-addons-path="$odoo_path/odoo/addons,$here" \
    --odoo-http --odoo-log-level=warn --odoo-extra="data-dir=$here/var/filestore" "$@"
