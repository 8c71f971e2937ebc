# Shared shell functions of tools/*.sh: find Odoo 18 (or bring it), its PostgreSQL, and the Python of the tests.
#   ODOO_PATH     folder holding odoo-bin and odoo/ (default /opt/odoo18); brought there when it has no Odoo:
#   ODOO_SRC      a folder or an archive (.tar.gz, .tgz, .tar, .zip) of Odoo 18.0's source, for machines offline;
#   ODOO_GIT_URL  else a shallow clone of the 18.0 branch of this repository (default Odoo's public one), at most
#                 ODOO_CLONE_SECONDS (60) seconds;
#   ODOO_PYTHON   a Python with Odoo's requirements (default $ODOO_PATH/venv/bin/python, built when missing from
#                 tools/odoo-requirements.txt with ODOO_BUILD_PYTHON, default python3.11).
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo}
ODOO_BRANCH=${ODOO_BRANCH:-18.0}
ODOO_CLONE_SECONDS=${ODOO_CLONE_SECONDS:-60}
ODOO_HOW_TO="set ODOO_SRC to a folder or archive of Odoo 18.0's source (or ODOO_PATH to an installed Odoo 18)"

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

odoo_root_in() {
    # The folder under $1 (itself or one or two levels down) that holds odoo-bin and odoo/, or nothing.
    find "$1" -maxdepth 3 -name odoo-bin -type f 2>/dev/null | while read -r bin; do
        [ -d "$(dirname "$bin")/odoo" ] && dirname "$bin" && break
    done | head -1
}

place_odoo() {
    # Move the Odoo source found under the folder $1 to ODOO_PATH (absent or empty); $1 is removed after.
    local root
    root=$(odoo_root_in "$1")
    if [ -z "$root" ]; then rm -rf "$1"; return 1; fi
    rmdir "$ODOO_PATH" 2>/dev/null || true
    mkdir -p "$(dirname "$ODOO_PATH")" && mv "$root" "$ODOO_PATH" && rm -rf "$1"
}

fetch_odoo() {
    # Odoo 18.0's source into ODOO_PATH when it has none: from ODOO_SRC, else a bounded shallow clone.
    [ -f "$ODOO_PATH/odoo-bin" ] && return 0
    if [ -e "$ODOO_PATH" ] && [ -n "$(ls -A "$ODOO_PATH" 2>/dev/null)" ]; then
        echo "ODOO_PATH=$ODOO_PATH is not empty but has no odoo-bin: $ODOO_HOW_TO" >&2
        return 1
    fi
    local tmp="$ODOO_PATH.fetch.$$"
    rm -rf "$tmp" && mkdir -p "$tmp" || return 1
    if [ -n "${ODOO_SRC:-}" ]; then
        echo "copying Odoo's source from ODOO_SRC=$ODOO_SRC to $ODOO_PATH"
        if [ -d "$ODOO_SRC" ]; then
            local root
            root=$(odoo_root_in "$ODOO_SRC")
            [ -n "$root" ] && cp -a "$root/odoo" "$root/odoo-bin" "$tmp/"
        elif [[ $ODOO_SRC == *.zip ]]; then
            python3 -m zipfile -e "$ODOO_SRC" "$tmp"
        else
            tar -xf "$ODOO_SRC" -C "$tmp"
        fi
        place_odoo "$tmp" && return 0
        echo "ODOO_SRC=$ODOO_SRC holds no Odoo source (odoo-bin and odoo/): $ODOO_HOW_TO" >&2
        return 1
    fi
    echo "no Odoo at ODOO_PATH=$ODOO_PATH: cloning Odoo $ODOO_BRANCH from $ODOO_GIT_URL (at most $ODOO_CLONE_SECONDS s)"
    if GIT_TERMINAL_PROMPT=0 timeout "$ODOO_CLONE_SECONDS" git clone -q --depth 1 --single-branch \
            --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$tmp/odoo-src" </dev/null >/dev/null 2>&1 && place_odoo "$tmp"; then
        return 0
    fi
    rm -rf "$tmp"
    echo "could not clone Odoo $ODOO_BRANCH from $ODOO_GIT_URL within $ODOO_CLONE_SECONDS s: $ODOO_HOW_TO" >&2
    return 1
}

build_odoo_venv() {
    # Odoo's virtual environment $ODOO_PATH/venv from tools/odoo-requirements.txt (pinned for Python 3.11).
    local base=${ODOO_BUILD_PYTHON:-python3.11} constraints
    if ! "$base" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        echo "no Python 3.11 to build Odoo's environment (set ODOO_BUILD_PYTHON, or ODOO_PYTHON to a ready one)" >&2
        return 1
    fi
    echo "building Odoo's virtual environment $ODOO_PATH/venv from tools/odoo-requirements.txt (a few minutes)"
    # cbor2's source build breaks with setuptools 81 and later: a build constraint, not a requirement.
    constraints=$(mktemp)
    echo "setuptools<81" >"$constraints"
    "$base" -m venv "$ODOO_PATH/venv" \
        && PIP_CONSTRAINT="$constraints" "$ODOO_PATH/venv/bin/pip" install -q --disable-pip-version-check \
            -r "$here/tools/odoo-requirements.txt"
    local rc=$?
    rm -f "$constraints"
    return "$rc"
}

ensure_odoo() {
    # An Odoo 18 and its Python (sets odoo_python): found, else brought (fetch_odoo) and built (build_odoo_venv).
    find_odoo_python && return 0
    fetch_odoo || return 1
    find_odoo_python && return 0
    [ -n "${ODOO_PYTHON:-}" ] && { echo "ODOO_PYTHON=$ODOO_PYTHON cannot import Odoo's requirements" >&2; return 1; }
    build_odoo_venv && find_odoo_python
}

ensure_test_python() {
    # A virtual environment var/odoo-venv on top of Odoo's Python (its packages seen through a .pth file, nothing
    # installed into Odoo's own environment) with test-requirements.txt (the emulator...), reinstalled when the
    # emulator or the file changed; sets test_python. Each worktree has its own, so its own emulator.
    local venv="$here/var/odoo-venv" stamp site
    stamp=$( (cd "$here" && cat test-requirements.txt && find chorus_emulator -path chorus_emulator/tests -prune -o \
        -path chorus_emulator/build -prune -o -type f \( -name '*.py' -o -name '*.json' -o -name '*.toml' \) -print \
        | sort | xargs sha256sum; echo "$odoo_python") | sha256sum | cut -d' ' -f1)
    test_python="$venv/bin/python"
    [ -x "$test_python" ] && [ "$(cat "$venv.stamp" 2>/dev/null)" = "$stamp" ] && return 0
    echo "installing test-requirements.txt into $venv (on top of $odoo_python)"
    rm -rf "$venv" && "$odoo_python" -m venv "$venv" || return 1
    site=$("$odoo_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    "$test_python" -c 'import sysconfig, sys; open(sysconfig.get_paths()["purelib"] + "/odoo-python.pth", "w").write(sys.argv[1] + "\n")' "$site"
    # With setuptools and wheel at hand (Odoo's environment has them), no isolated build environment to fetch.
    local isolation=()
    "$test_python" -c 'import setuptools, wheel' 2>/dev/null && isolation=(--no-build-isolation)
    (cd "$here" && "$test_python" -m pip install -q --disable-pip-version-check "${isolation[@]}" \
        -r test-requirements.txt) || return 1
    rm -rf "$here/chorus_emulator/build" "$here"/chorus_emulator/*.egg-info
    echo "$stamp" >"$venv.stamp"
}

apt_install() {
    # Debian packages the tests need, installed when missing (as root, as CI runs).
    [ "$(id -u)" = 0 ] || return 1
    echo "installing Debian's $*"
    # Another apt or dpkg run on the machine holds the lock: wait for it (5 minutes) instead of failing at once.
    (apt-get -o DPkg::Lock::Timeout=300 update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@") >/dev/null 2>&1
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

ensure_bridge_dependencies() {
    # The Python dependencies of the modules the bridge's tests install beside it (account_peppol's phonenumbers),
    # into Odoo's Python when missing, as for the addon's own.
    if ! "$1" -c "import phonenumbers" 2>/dev/null; then
        echo "installing phonenumbers into $1 (account_peppol's dependency)"
        "$1" -m pip install -q --disable-pip-version-check phonenumbers >/dev/null 2>&1
    fi
    "$1" -c "import phonenumbers"
}

require_odoo() {
    # What `make run` and `make odoo-pytest` need before they start: an Odoo 18 (brought when missing), its
    # PostgreSQL, the addon's Python dependencies, the tests' Python and var/; each missing piece stops the command.
    mkdir -p "$here/var"
    ensure_odoo || { echo "No Odoo 18 at ODOO_PATH=$ODOO_PATH: $ODOO_HOW_TO." >&2; exit 1; }
    ensure_postgres || { echo "PostgreSQL is not installed or does not start." >&2; exit 1; }
    ensure_addon_dependencies "$odoo_python" || { echo "factur-x could not be installed." >&2; exit 1; }
    ensure_test_python || { echo "test-requirements.txt could not be installed." >&2; exit 1; }
}

kept_addon_database() {
    # The kept database $1 with the addon: installed on first use, upgraded only when the addon's data or model
    # files changed since the last upgrade (a hash kept in var/$1.stamp). Needs here, ODOO_PATH and test_python.
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
        (cd "$ODOO_PATH" && "$test_python" odoo-bin "${odoo[@]}" -i ediflex_chorus) || return 1
    elif [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
        echo "upgrading ediflex_chorus on $db (its data or model files changed)"
        (cd "$ODOO_PATH" && "$test_python" odoo-bin "${odoo[@]}" -u ediflex_chorus) || return 1
    fi
    echo "$stamp" >"$stamp_file"
}
