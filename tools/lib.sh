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

ensure_postgres() {
    # Odoo refuses the 'postgres' role: the tests connect as the current user, a superuser role of its own.
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
