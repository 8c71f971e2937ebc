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

# What an upgrade loads: manifest, models, views, data, security, translations (not the tests, not the core).
stamp_file="$here/var/$DB.stamp"
stamp=$(cd "$here" && find ediflex_chorus \( -path ediflex_chorus/tests -o -path ediflex_chorus/chorus \) -prune \
    -o -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' -o -name '*.sql' \) -print \
    | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
odoo=(--addons-path="$ODOO_PATH/odoo/addons,$here" -d "$DB" --db-filter="^$DB\$" --without-demo=all
      --stop-after-init --http-port=0 --data-dir="$here/var/filestore" --log-level=warn)
# Installed by the addon's state on the database, not by the database's existence: a first use interrupted half
# way leaves a database without the addon, which an upgrade would not install.
state=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'ediflex_chorus'" 2>/dev/null)
if [ "$state" != installed ]; then
    echo "creating $DB with ediflex_chorus (first use)"
    (cd "$ODOO_PATH" && PYTHONPATH="$here" "$odoo_python" odoo-bin "${odoo[@]}" -i ediflex_chorus) || exit 1
elif [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
    echo "upgrading ediflex_chorus on $DB (its data or model files changed)"
    (cd "$ODOO_PATH" && PYTHONPATH="$here" "$odoo_python" odoo-bin "${odoo[@]}" -u ediflex_chorus) || exit 1
fi
echo "$stamp" >"$stamp_file"
# ARGS is split as a shell would, so that quoted arguments stay whole: ARGS="-k 'flow or french'".
eval "set -- ${ARGS:-}"
exec "$here/tools/odoo-pytest.sh" "$odoo_python" "$ODOO_PATH" "$DB" "$@"
