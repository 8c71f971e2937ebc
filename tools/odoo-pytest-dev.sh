#!/usr/bin/env bash
# `make odoo-pytest ARGS=...`: the developers' fast loop. The addon's Odoo tests under pytest-odoo on a kept
# database (DB, default ediflex_pytest), created with the addon on first use and upgraded only when the addon's
# data or model files changed since the last upgrade (a hash kept in var/). pytest arguments come from ARGS.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo18}
DB=${DB:-ediflex_pytest}
source "$here/tools/lib.sh"

require_odoo

kept_addon_database "$DB" || exit 1
# ARGS is split as a shell would, so that quoted arguments stay whole: ARGS="-k 'flow or french'".
eval "set -- ${ARGS:-}"
exec "$here/tools/odoo-pytest.sh" "$odoo_python" "$ODOO_PATH" "$DB" "$@"
