"""How the addon is packaged and tested the integrators' way: its manifest's external dependencies, and its Odoo
tests' single door to the emulator (a test requirement, absent from a wheel install)."""

import ast
import importlib.metadata
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDON = ROOT / "ediflex_chorus"
# Import name -> distribution of Odoo 18.0's own requirements that the addon imports (tools/odoo-requirements.txt).
ODOO_PROVIDES = {"lxml": "lxml", "markupsafe": "MarkupSafe", "psycopg2": "psycopg2-binary", "PIL": "Pillow",
                 "requests": "requests", "stdnum": "python-stdnum", "dateutil": "python-dateutil", "polib": "polib"}


def imported_names(path):
    """Top-level names of the absolute imports of a Python file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def shipped_python_files():
    return [path for path in ADDON.rglob("*.py") if "tests" not in path.relative_to(ADDON).parts]


def test_the_manifest_declares_every_package_the_addon_imports_at_run_time():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    declared = {re.split(r"[<>=!~ ;\[]", requirement)[0].lower() for requirement in
                manifest["external_dependencies"]["python"]}
    odoo_requirements = (ROOT / "tools/odoo-requirements.txt").read_text(encoding="utf-8").lower()
    imported = set().union(*(imported_names(path) for path in shipped_python_files()))
    third_party = imported - set(sys.stdlib_module_names) - {"odoo"}
    distributions = importlib.metadata.packages_distributions()
    undeclared = []
    for name in sorted(third_party):
        if name in ODOO_PROVIDES and ODOO_PROVIDES[name].lower() in odoo_requirements:
            continue  # Odoo's own requirement, there wherever Odoo runs
        candidates = {dist.lower() for dist in distributions.get(name, [name])}
        if not candidates & declared:
            undeclared.append(name)
    assert not undeclared, f"imported at run time, not in the manifest's external_dependencies: {undeclared}"
    assert {"factur-x", "pypdf"} <= declared  # by their PyPI names, as whool writes them into the wheel
    # Bare names: Odoo parses a version or marker only when `packaging` is installed, which its requirements lack.
    assert all(re.fullmatch(r"[\w\-]+", name) for name in manifest["external_dependencies"]["python"])


def test_the_odoo_tests_import_the_emulator_only_through_common():
    # common.py imports it inside a guard: without the emulator the addon installs and its tests skip, said once.
    direct = [path.name for path in (ADDON / "tests").glob("*.py")
              if path.name != "common.py" and "chorus_emulator" in imported_names(path)]
    assert direct == [], f"import Emulator (or the seed) from .common instead: {direct}"
    common = (ADDON / "tests/common.py").read_text(encoding="utf-8")
    assert "except ImportError:" in common and "EMULATOR_REQUIREMENT" in common
