#!/usr/bin/env bash
# `make lint` (and CI): the hooks of .pre-commit-config.yaml on every file (ruff, pylint-odoo, XML/TOML checks),
# pre-commit and the hooks' environments installed from PyPI on first use (kept in ~/.cache/pre-commit).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$here/.venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" || exit 1
"$venv/bin/pip" install -q --disable-pip-version-check "pre-commit>=3.5" || exit 1
cd "$here" && "$venv/bin/pre-commit" run --all-files --show-diff-on-failure --color=never
