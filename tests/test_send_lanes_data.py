"""The send lanes shipped in the cron data are the ones the connector wakes: SEND_LANES identical send crons."""

import ast
import pathlib
import xml.etree.ElementTree as ET

ADDON = pathlib.Path(__file__).resolve().parents[1] / "ediflex_chorus"


def _constant(name):
    tree = ast.parse((ADDON / "models" / "ediflex_chorus_deposit.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == name for target in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found")


def test_the_data_has_one_send_cron_per_lane_under_the_names_the_connector_wakes():
    records = ET.parse(ADDON / "data" / "ir_cron_data.xml").getroot().iter("record")
    senders = [record for record in records
               if any(field.get("name") == "code" and field.text == "model._cron_send_deposits()"
                      for field in record.iter("field"))]
    lanes, base = _constant("SEND_LANES"), _constant("SEND_CRON").split(".", 1)[1]
    assert lanes >= 2
    assert [record.get("id") for record in senders] == [base] + [f"{base}_{lane}" for lane in range(2, lanes + 1)]
    # Identical crons: only the name differs.
    shapes = {tuple((field.get("name"), field.get("ref"), field.text) for field in record.iter("field")
                    if field.get("name") != "name") for record in senders}
    assert len(shapes) == 1
