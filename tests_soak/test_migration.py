"""Upgrade from the previous version: a database made by 18.0.1.1.0 keeps its deposits' Chorus Pro ids.

The previous version's addon is taken from git (PREVIOUS_COMMIT, on main, never rewritten), installed on a new
database that gets one deposit with its piece and file ids; then this repository's addon upgrades it and the ids
are read under their new names (chorus_invoice_id -> chorus_piece_id, chorus_attachment_id -> chorus_file_id).
"""

import json
import os
import subprocess

import harness
from conftest import RUN

# The last commit of main at version 18.0.1.1.0 (before the migration 18.0.1.2.0).
PREVIOUS_COMMIT = "df55033988d52d7adcdf90aae01f9a1bf9402d4f"
PIECE_ID, FILE_ID = 424242, 7777

OLD_SCRIPT = f"""
situation = env["ediflex.situation"].create({{
    "contract_number": "M-MIGRATION", "period_start": "2026-01-01", "period_end": "2026-01-31",
    "owner_id": env["res.partner"].create({{"name": "Owner", "is_company": True}}).id,
    "manager_id": env["res.partner"].create({{"name": "Manager", "is_company": True}}).id,
}})
env["ediflex.chorus.deposit"].sudo().create({{
    "situation_id": situation.id, "company_id": situation.company_id.id, "frame": "A4",
    "piece_number": "SIT-MIGRATION-A4", "state": "sent",
    "chorus_invoice_id": {PIECE_ID}, "chorus_attachment_id": {FILE_ID},
}})
env.cr.commit()
"""

NEW_SCRIPT = """
import json, os
deposit = env["ediflex.chorus.deposit"].search([("piece_number", "=", "SIT-MIGRATION-A4")])
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'ediflex_chorus_deposit'")
columns = sorted(row[0] for row in env.cr.fetchall())
env.cr.execute("SELECT latest_version FROM ir_module_module WHERE name = 'ediflex_chorus'")
version = env.cr.fetchone()[0]
with open(os.environ["MIGRATION_RESULT"], "w") as out:
    json.dump({"found": len(deposit), "piece": deposit.chorus_piece_id, "file": deposit.chorus_file_id,
               "state": deposit.state, "columns": columns, "version": version,
               "found_by_piece": env["ediflex.chorus.deposit"].search_count(
                   [("chorus_piece_id", "=", deposit.chorus_piece_id)])}, out)
"""


def _previous_addon(work_dir):
    """The previous version's ediflex_chorus, extracted from git into a folder of its own."""
    folder = os.path.join(work_dir, "previous")
    os.makedirs(folder, exist_ok=True)
    archive = subprocess.run(["git", "-C", harness.REPO, "archive", PREVIOUS_COMMIT, "ediflex_chorus"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def test_upgrade_keeps_the_piece_and_file_ids(odoo):
    previous = _previous_addon(odoo.work_dir)
    db = f"{RUN}_migration"
    odoo.install(db, addons=previous)
    odoo.run_shell(db, OLD_SCRIPT, "migration-old", addons=previous)

    odoo.upgrade(db)
    result_path = os.path.join(odoo.work_dir, "migration.json")
    odoo.run_shell(db, NEW_SCRIPT, "migration-new", MIGRATION_RESULT=result_path)
    with open(result_path, encoding="utf-8") as result:
        found = json.load(result)

    assert tuple(map(int, found["version"].split("."))) >= (18, 0, 1, 2, 0), found
    assert (found["found"], found["piece"], found["file"], found["state"]) == (1, PIECE_ID, FILE_ID, "sent"), found
    assert found["found_by_piece"] == 1
    assert "chorus_invoice_id" not in found["columns"] and "chorus_attachment_id" not in found["columns"]
