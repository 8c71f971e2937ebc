# Shared shell functions of tools/*.sh: find the installed Odoo 18 and its PostgreSQL.
# Odoo is never installed by this project: ODOO_PATH points to a copy installed beside it.

find_odoo_python() {
    [ -f "$ODOO_PATH/odoo-bin" ] || return 1
    local candidate
    for candidate in "${ODOO_PYTHON:-}" "$ODOO_PATH/venv/bin/python" "$ODOO_PATH/.venv/bin/python" python3; do
        [ -n "$candidate" ] || continue
        if (cd "$ODOO_PATH" && "$candidate" -c 'import odoo.release, psycopg2, werkzeug' 2>/dev/null); then
            odoo_python=$candidate
            return 0
        fi
    done
    return 1
}

apt_install() {
    # Debian packages the tests need, installed when missing (as root, as CI runs).
    [ "$(id -u)" = 0 ] || return 1
    echo "installing Debian's $*"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null 2>&1
}

ensure_postgres() {
    # Odoo refuses the 'postgres' role: the tests connect as the current user, a superuser role of its own.
    command -v pg_lsclusters >/dev/null || command -v pg_isready >/dev/null || apt_install postgresql
    if ! command -v pg_lsclusters >/dev/null; then
        pg_isready -q 2>/dev/null
        return
    fi
    pg_isready -q 2>/dev/null || pg_lsclusters --no-header | awk '{print $1, $2}' | while read -r ver name; do
        pg_ctlcluster "$ver" "$name" start 2>/dev/null || true
    done
    for _ in $(seq 20); do pg_isready -q && break; sleep 0.5; done
    pg_isready -q || return 1
    if [ "$(id -u)" = 0 ]; then
        local me
        me=$(id -un)
        # From /, as the postgres user may not enter the current folder.
        (cd / && su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"") | grep -q 1 \
            || (cd / && su postgres -c "createuser -s $me")
    fi
}

ensure_test_venv() {
    # The project's virtualenv $1 with requirements-test.txt (pytest, factur-x...): created when missing.
    if [ ! -x "$1/bin/python" ]; then python3 -m venv "$1" || return 1; fi
    "$1/bin/pip" install -q --disable-pip-version-check -r "$here/requirements-test.txt"
}

ensure_browser_tests() {
    # The tours run in headless Chromium (Debian's package) driven by Odoo over websocket-client.
    command -v chromium >/dev/null || apt_install chromium
    if ! "$1" -c "import websocket" 2>/dev/null; then
        echo "installing websocket-client into $1 for the tours"
        "$1" -m pip install -q --disable-pip-version-check websocket-client >/dev/null 2>&1
    fi
    command -v chromium >/dev/null && "$1" -c "import websocket" 2>/dev/null
}

ensure_addon_dependencies() {
    # The deposited copy is a real PDF: Odoo's report engine needs wkhtmltopdf.
    command -v wkhtmltopdf >/dev/null || apt_install wkhtmltopdf
    # The addon's Python dependencies beyond Odoo's own (its manifest's external_dependencies), installed into
    # the Odoo's Python when missing. factur-x keeps Odoo's lxml and PyPDF2 (it adds pypdf beside them).
    if ! "$1" -c "import facturx" 2>/dev/null; then
        echo "installing factur-x into $1"
        "$1" -m pip install -q --disable-pip-version-check "factur-x>=6.0" >/dev/null 2>&1
    fi
    "$1" -c "import facturx"
}

require_odoo() {
    # What `make run` and `make odoo-pytest` need before they start: an Odoo 18, its PostgreSQL, the addon's
    # Python dependencies and var/; each missing piece stops the command with what to do.
    find_odoo_python || { echo "No Odoo 18 found at ODOO_PATH=$ODOO_PATH (set ODOO_PATH and ODOO_PYTHON)." >&2; exit 1; }
    ensure_postgres || { echo "PostgreSQL is not installed or does not start." >&2; exit 1; }
    ensure_addon_dependencies "$odoo_python" || { echo "factur-x could not be installed." >&2; exit 1; }
    mkdir -p "$here/var"
}

kept_addon_database() {
    # The kept database $1 with the addon: installed on first use, upgraded only when the addon's data or model
    # files changed since the last upgrade (a hash kept in var/$1.stamp). Needs here, ODOO_PATH and odoo_python.
    local db=$1 stamp_file="$here/var/$1.stamp" stamp state
    # What an upgrade loads: manifest, models, views, data, security, translations (not the tests, not the core).
    stamp=$(cd "$here" && find ediflex_chorus \( -path ediflex_chorus/tests -o -path ediflex_chorus/chorus \) -prune \
        -o -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' -o -name '*.sql' \) -print \
        | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
    local odoo=(--addons-path="$ODOO_PATH/odoo/addons,$here" -d "$db" --db-filter="^$db\$" --without-demo=all
                --stop-after-init --http-port=0 --data-dir="$here/var/filestore" --log-level=warn)
    # Installed by the addon's state on the database, not by the database's existence: a first use interrupted half
    # way leaves a database without the addon, which an upgrade would not install.
    state=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'ediflex_chorus'" 2>/dev/null)
    if [ "$state" != installed ]; then
        echo "creating $db with ediflex_chorus (first use)"
        (cd "$ODOO_PATH" && PYTHONPATH="$here" "$odoo_python" odoo-bin "${odoo[@]}" -i ediflex_chorus) || return 1
    elif [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
        echo "upgrading ediflex_chorus on $db (its data or model files changed)"
        (cd "$ODOO_PATH" && PYTHONPATH="$here" "$odoo_python" odoo-bin "${odoo[@]}" -u ediflex_chorus) || return 1
    fi
    echo "$stamp" >"$stamp_file"
}
