#!/usr/bin/env bash
# `make dist`: the addon's wheel, built as OCA builds theirs: whool (OCA's build backend for addons, configured in
# ediflex_chorus/pyproject.toml) makes dist/odoo_addon_ediflex_chorus-<manifest version>-py3-none-any.whl, with the
# manifest's external dependencies as its requirements. Files come from git (whool ships what git tracks).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/.venv}
source "$here/tools/lib.sh"

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check whool
rm -rf "$here/dist" && mkdir -p "$here/dist"
"$venv/bin/pip" wheel -q --disable-pip-version-check --no-deps --no-build-isolation "$here/ediflex_chorus" \
    -w "$here/dist"
ls "$here"/dist/*.whl
