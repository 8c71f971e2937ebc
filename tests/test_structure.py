"""The shape issue 15 asked of the addon, kept: one connector under 250 lines, no model that parses JSON itself."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONNECTOR = ROOT / "ediflex_chorus" / "models" / "ediflex_chorus_connector.py"


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


def test_the_connector_is_under_250_lines():
    # It keeps the lock, the commit, one call to a road and the I/O; the protocol lives in chorus/roads.py.
    assert len(CONNECTOR.read_text(encoding="utf-8").splitlines()) < 250


def test_no_model_imports_json():
    # Chorus Pro's answers reach the models typed (chorus/client.py parses them); a model reading JSON keys would
    # bypass that boundary.
    models = sorted(ROOT.glob("ediflex_chorus*/models/*.py"))
    assert len(models) > 20
    importing = [str(path.relative_to(ROOT)) for path in models
                 if any(name.split(".")[0] == "json" for name in _imported_modules(path))]
    assert not importing, importing


def test_every_odoo_test_file_is_imported_by_its_package():
    # Odoo's --test-enable run only sees the test modules a package imports, pytest-odoo sees every file: a file
    # left out of tests/__init__.py runs under one route only (make test then reports a count mismatch).
    for package in sorted(ROOT.glob("ediflex_chorus*/tests/__init__.py")):
        imported = {name for name in _imported_modules(package)} | {
            alias.name for node in ast.walk(ast.parse(package.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) for alias in node.names}
        files = {path.stem for path in package.parent.glob("test_*.py")}
        assert files, package
        assert not files - imported, f"{package.relative_to(ROOT)} does not import {sorted(files - imported)}"


def _constants(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
            and isinstance(node.value, ast.Constant)}


def test_one_pass_of_the_crons_fits_odoo_cron_watchdog():
    # Issue 19: a prefork cron worker runs every due job of a database once per pass under one watchdog
    # (limit_time_real_cron, by default limit_time_real's 120 s): the send lanes, the status follow-up and the actions,
    # each stopping after its budget, must fit together with a margin for the call under way when a budget ends.
    connector = _constants(CONNECTOR)
    lanes = _constants(ROOT / "ediflex_chorus" / "models" / "ediflex_chorus_deposit.py")["SEND_LANES"]
    one_pass = lanes * connector["SEND_BUDGET_SECONDS"] + connector["CRON_BUDGET_SECONDS"] + connector[
        "SEND_BUDGET_SECONDS"]
    assert one_pass <= 0.8 * 120, one_pass
