"""The French translations of the addons are complete: every source string has a French text."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ADDON = ROOT / "ediflex_chorus"
# Each addon with the least number of entries its template has (a template emptied by mistake fails).
ADDONS = {"ediflex_chorus": 200, "ediflex_chorus_account": 20}
ENTRY = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)msgstr "(.*)"\n((?:".*"\n)*)', re.MULTILINE)


def _unquote(first, rest):
    parts = [first] + re.findall(r'^"(.*)"$', rest, re.MULTILINE)
    return ast.literal_eval('"' + "".join(parts) + '"')


def _catalog(name, addon=ADDON):
    text = (addon / "i18n" / name).read_text(encoding="utf-8")
    return {_unquote(m[1], m[2]): _unquote(m[3], m[4]) for m in ENTRY.finditer(text) if m[1] or m[2]}


def _python_sources(addon):
    # One or more adjacent string literals: Python joins them into one message.
    pattern = re.compile(r'\b_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)[,)]')
    for path in (addon / "models").glob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            yield ast.literal_eval("(" + match[1] + ")")


@pytest.mark.parametrize("name", ADDONS)
def test_every_entry_of_the_template_is_translated(name):
    french, template = _catalog("fr.po", ROOT / name), _catalog(f"{name}.pot", ROOT / name)
    assert len(template) > ADDONS[name] and len(french) >= len(template)
    missing = [msgid for msgid in template if not french.get(msgid)]
    assert not missing, f"untranslated: {missing[:5]}"


@pytest.mark.parametrize("name", ADDONS)
def test_every_python_message_is_in_the_catalog(name):
    french = _catalog("fr.po", ROOT / name)
    sources = list(_python_sources(ROOT / name))
    assert len(sources) > 5
    missing = [text for text in sources if not french.get(text)]
    assert not missing, f"not in fr.po: {missing[:5]}"


def test_manual_wordings():
    french = _catalog("fr.po")
    assert french["Dematerialisation to Chorus Pro"] == "Dématérialisation vers Chorus Pro"
    assert french["Enabled"] == "Activé"
    assert french["Structure Code"] == "Code Structure"
    assert french["Validate and Present"] == "Valider et présenter"
