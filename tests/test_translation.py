"""The French translation of the addon is complete: every source string has a French text."""

import ast
import pathlib
import re

ADDON = pathlib.Path(__file__).resolve().parents[1] / "ediflex_chorus"
ENTRY = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)msgstr "(.*)"\n((?:".*"\n)*)', re.MULTILINE)


def _unquote(first, rest):
    parts = [first] + re.findall(r'^"(.*)"$', rest, re.MULTILINE)
    return ast.literal_eval('"' + "".join(parts) + '"')


def _catalog(name):
    text = (ADDON / "i18n" / name).read_text(encoding="utf-8")
    return {_unquote(m[1], m[2]): _unquote(m[3], m[4]) for m in ENTRY.finditer(text) if m[1] or m[2]}


def _python_sources():
    # One or more adjacent string literals: Python joins them into one message.
    pattern = re.compile(r'\b_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)[,)]')
    for path in (ADDON / "models").glob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            yield ast.literal_eval("(" + match[1] + ")")


def test_every_entry_of_the_template_is_translated():
    french, template = _catalog("fr.po"), _catalog("ediflex_chorus.pot")
    assert len(template) > 200 and len(french) >= len(template)
    missing = [msgid for msgid in template if not french.get(msgid)]
    assert not missing, f"untranslated: {missing[:5]}"


def test_every_python_message_is_in_the_catalog():
    french = _catalog("fr.po")
    sources = list(_python_sources())
    assert len(sources) > 10
    missing = [text for text in sources if not french.get(text)]
    assert not missing, f"not in fr.po: {missing[:5]}"


def test_manual_wordings():
    french = _catalog("fr.po")
    assert french["Dematerialisation to Chorus Pro"] == "Dématérialisation vers Chorus Pro"
    assert french["Enabled"] == "Activé"
    assert french["Structure Code"] == "Code Structure"
    assert french["Validate and Present"] == "Valider et présenter"
