"""ediflex_chorus stands without Odoo Accounting; the bridge ediflex_chorus_account brings it in."""

import ast
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ODOO_ADDONS = pathlib.Path(os.environ.get("ODOO_PATH", "/opt/odoo18")) / "odoo" / "addons"


def _depends(addon):
    for folder in (ROOT, ODOO_ADDONS):
        manifest = folder / addon / "__manifest__.py"
        if manifest.exists():
            return ast.literal_eval(manifest.read_text(encoding="utf-8")).get("depends", [])
    raise LookupError(addon)


def _closure(addon):
    seen, todo = set(), [addon]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _depends(name)
    return seen


def test_the_core_addon_does_not_depend_on_accounting():
    assert "account" not in _depends("ediflex_chorus")
    sources = [p for p in (ROOT / "ediflex_chorus").rglob("*") if p.suffix in (".py", ".xml", ".csv")]
    assert len(sources) > 20
    naming = [str(p) for p in sources if "account.move" in p.read_text(encoding="utf-8")]
    assert not naming, naming


@pytest.mark.skipif(not ODOO_ADDONS.is_dir(), reason="no Odoo 18 copy to read the dependencies of its modules")
def test_no_module_under_the_core_addon_brings_accounting():
    closure = _closure("ediflex_chorus")
    assert {"mail", "portal"} <= closure
    assert "account" not in closure


def test_the_bridge_depends_on_both():
    assert set(_depends("ediflex_chorus_account")) == {"account", "ediflex_chorus"}
