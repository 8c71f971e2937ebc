#!/usr/bin/env bash
# The addon as a wheel, installed the way OCA addons are: the wheel of `make dist` goes into a fresh virtual
# environment of Odoo's Python (Odoo's packages seen through a .pth file), then odoo-bin installs the addon on a
# new database with Odoo's addons path only, so from site-packages, never from the repository. The run has
# --test-enable and no emulator: the addon installs, its tests that need the emulator are skipped, one log line
# says why. Args: ODOO_PYTHON ODOO_PATH LOGFILE. Exit 0 when every check passes; each failed check says itself.
set -uo pipefail
odoo_python=$1 odoo_path=$2 log=$3
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/var/wheel-venv" db="ediflex_wheel_$$" port=$((30000 + $$ % 10000))
failed=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; failed=1; fi; }
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1; rm -rf "$here/var/filestore/filestore/$db"; }
trap cleanup EXIT

bash "$here/tools/dist.sh" >"$log.dist" 2>&1 || { echo "FAILED: make dist (log: $log.dist)"; cat "$log.dist"; exit 1; }
wheel=$(ls "$here"/dist/*.whl)
version=$(python3 -c 'import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())["version"])' \
    "$here/ediflex_chorus/__manifest__.py")
check "the wheel is odoo_addon_ediflex_chorus-$version (the manifest's version)" \
    '[ "$(basename "$wheel")" = "odoo_addon_ediflex_chorus-$version-py3-none-any.whl" ]'
# Every external Python dependency of the manifest is a requirement of the wheel (Requires-Dist), as written.
missing=$(python3 - "$wheel" "$here/ediflex_chorus/__manifest__.py" <<'PY'
import ast, sys, zipfile
wheel, manifest = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    metadata = next(archive.read(name).decode() for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
required = {line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")}
declared = ast.literal_eval(open(manifest).read())["external_dependencies"]["python"]
print(" ".join(sorted(set(declared) - required)))
PY
)
check "the wheel requires every external dependency of the manifest${missing:+ (missing: $missing)}" '[ -z "$missing" ]'

rm -rf "$venv" && "$odoo_python" -m venv "$venv" || exit 1
site=$("$odoo_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$venv/bin/python" -c 'import sysconfig, sys; open(sysconfig.get_paths()["purelib"] + "/odoo-python.pth", "w").write(sys.argv[1] + "\n")' "$site"
# Odoo itself is a source copy here, not an installed distribution: the wheel's own requirements but odoo.
requirements=$(python3 -c 'import sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
print(next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".dist-info/METADATA")))' "$wheel" \
    | sed -n 's/^Requires-Dist: //p' | grep -v '^odoo[=<>! ]')
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps "$wheel" \
    && "$venv/bin/pip" install -q --disable-pip-version-check $requirements >"$log.pip" 2>&1
pip_rc=$?
check "the wheel and its requirements install into a fresh environment" '[ $pip_rc = 0 ]'
# From Odoo's folder, with no PYTHONPATH: Odoo from its source, the addon from the environment's site-packages.
origin=$(cd "$odoo_path" && env -u PYTHONPATH "$venv/bin/python" -c \
    'import importlib.util; print(importlib.util.find_spec("odoo.addons.ediflex_chorus").origin)')
check "odoo.addons.ediflex_chorus comes from site-packages ($origin)" '[[ $origin == "$venv"/lib/*/site-packages/odoo/addons/ediflex_chorus/__init__.py ]]'
check "the emulator is not installed there (the run below proves the skip)" \
    '! (cd "$odoo_path" && "$venv/bin/python" -c "import chorus_emulator" 2>/dev/null)'

(cd "$odoo_path" && env -u PYTHONPATH "$venv/bin/python" odoo-bin -d "$db" --addons-path="$odoo_path/odoo/addons" \
    -i ediflex_chorus --test-enable --test-tags /ediflex_chorus --stop-after-init --without-demo=all \
    --http-port="$port" --gevent-port=$((port + 1)) --data-dir="$here/var/filestore") >"$log" 2>&1
rc=$?
check "odoo-bin -i ediflex_chorus --test-enable from the wheel, without the emulator, exits 0 (log: $log)" '[ $rc = 0 ]'
state=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'ediflex_chorus'" 2>/dev/null)
check "ediflex_chorus is installed on $db" '[ "$state" = installed ]'
said=$(grep -c 'the test requirement chorus-emulator is not installed' "$log")
check "one log line names the missing test requirement (found $said)" '[ "$said" = 1 ]'
summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1)
check "Odoo's summary has no failure or error (${summary:-none})" '[[ -z $summary || $summary == "0 failed, 0 error(s) of "* ]]'
exit "$failed"
