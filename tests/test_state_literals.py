"""No state literal outside the constants (issue 15): the addons' Python speaks of a deposit's, a situation's or an
action's state only through ``chorus/states.py``, ``chorus/situation_states.py`` and ``chorus/action_states.py``.

The search reads the sources' syntax trees: a state value spelled as a string where a state is compared, put in a
domain, written (``write``, ``create`` values, an assignment, a keyword, a default), passed to a state method,
gathered in a named set of states, or written in SQL.
"""

import ast
import pathlib
import re

import pytest

from chorus import action_states, situation_states, states

ROOT = pathlib.Path(__file__).resolve().parents[1]
ADDONS = ("ediflex_chorus", "ediflex_chorus_account")
CONSTANTS = {ROOT / "ediflex_chorus" / "chorus" / name
             for name in ("states.py", "situation_states.py", "action_states.py")}
LITERALS = frozenset(state for state, _label in states.SELECTION + situation_states.SELECTION + action_states.SELECTION)
SQL = re.compile(r"\bstate\s*(?:=|!=|<>|\bin\b|\bnot\s+in\b)\s*\(?\s*'(\w+)'", re.IGNORECASE)


def _literal(node):
    return isinstance(node, ast.Constant) and node.value in LITERALS


def _holds_literal(node):
    """A state literal, or a tuple, list or set with one (directly: what a comparison or a domain reads)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_literal(element) for element in node.elts)
    return _literal(node)


def _nests_literal(node):
    return any(_literal(inner) for inner in ast.walk(node))


def _names_state(node):
    """Whether an expression or a name speaks of a state (``x.state``, ``vals.get("state")``, ``PORTAL_STATES``)."""
    return "state" in (node if isinstance(node, str) else ast.unparse(node)).lower()


def _callee(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _compared(node):
    operands = [node.left, *node.comparators]
    return any(_names_state(a) and any(_holds_literal(b) for b in operands if b is not a) for a in operands)


def _domain_leaf(node):
    elts = node.elts
    return (len(elts) == 3 and isinstance(elts[0], ast.Constant) and isinstance(elts[0].value, str)
            and elts[0].value.split(".")[-1].endswith("state") and _holds_literal(elts[2]))


def _written_in_dict(node):
    return any(isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.endswith("state")
               and _nests_literal(value) for key, value in zip(node.keys, node.values, strict=True))


def _passed(node):
    callee = _callee(node)
    if any(word in callee.lower() for word in ("state", "transition")) and any(map(_nests_literal, node.args)):
        return True
    if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "state" \
            and any(map(_holds_literal, node.args[1:])):
        return True  # vals.get("state", "accepted")
    return any((keyword.arg or "").endswith("state") and _nests_literal(keyword.value)
               or keyword.arg == "default" and callee == "Selection" and _holds_literal(keyword.value)
               for keyword in node.keywords)


def _assigned(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return node.value is not None and any(map(_names_state, targets)) and _nests_literal(node.value)


def _in_sql(node):
    return isinstance(node.value, str) and any(found in LITERALS for found in SQL.findall(node.value))


RULES = [
    (ast.Compare, _compared), ((ast.Tuple, ast.List), _domain_leaf), (ast.Dict, _written_in_dict),
    (ast.Call, _passed), ((ast.Assign, ast.AnnAssign, ast.AugAssign), _assigned), (ast.Constant, _in_sql),
]


def state_literals(source, name="<source>"):
    """Where ``source`` spells a state as a string, as ``name:line: code`` lines."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if any(isinstance(node, kinds) and rule(node) for kinds, rule in RULES):
            found.add((node.lineno, ast.get_source_segment(source, node) or ast.unparse(node)))
    return [f"{name}:{line}: {code.splitlines()[0]}" for line, code in sorted(found)]


def shipped_sources():
    """The addons' Python files, but their tests and the two modules of constants."""
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*.py")):
            if path not in CONSTANTS and "tests" not in path.relative_to(ROOT).parts:
                yield path


def test_no_state_literal_outside_the_constants():
    paths = list(shipped_sources())
    assert len(paths) > 40 and ROOT / "ediflex_chorus_account" / "models" / "ediflex_situation.py" in paths
    found = [line for path in paths
             for line in state_literals(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "state literals outside the constants (chorus/*states.py):\n" + "\n".join(found)


@pytest.mark.parametrize("planted", [
    'situation.write({"state": "presented", "refusal_reason": False})',
    'Deposit.search([("state", "=", "to_send")])',
    'Situation.search_count([("situation_id.state", "in", ("accepted", "presented"))])',
    'ok = deposit.state == "error"',
    'ok = "chorus_refused" != situation.state',
    'ok = any(s.state not in ("draft", "cancelled") for s in self)',
    'ok = vals.get("state", "accepted") != "accepted"',
    'PORTAL_STATES = ("presented", "refused")',
    'WANTED = {"A4": ("presented", "accepted")}\nWANTED_SITUATION_STATES = {"A6": ("accepted",)}',
    'situation.state = "accepted"',
    'deposit._set_state("sent", {"retryable": False})',
    'situation._check_state({"presented"}, "message")',
    'situation._transition("accepted", "accept")',
    'deposit.write(dict(vals, state="cancelled"))',
    'state = fields.Selection(SELECTION, default="draft")',
    'kind = fields.Selection(SELECTION, default="waiting")',
    'cr.execute("UPDATE ediflex_chorus_deposit SET state = \'sent\' WHERE id = %s", (1,))',
    'cr.execute("SELECT id FROM ediflex_situation WHERE state IN (\'presented\', \'accepted\')")',
])
def test_the_search_finds_a_planted_literal(planted):
    assert state_literals(planted)


@pytest.mark.parametrize("clean", [
    'situation.write({"state": situation_states.PRESENTED})',
    'Deposit.search([("state", "in", states.OPEN_STATES)])',
    'ok = deposit.state == states.ERROR',
    'ok = message == "error"',  # a page's message, not a state
    'ok = move.state == "posted" and move.payment_state not in ("not_paid", "invoicing_legacy")',  # account.move's
    'ACCEPTED = "accepted"',  # the diagnostic's verdict
    'kind = "error"',
    'cr.execute("SELECT id FROM ediflex_chorus_deposit WHERE state IN %s", (states.TO_SEND_STATES,))',
])
def test_the_search_leaves_other_strings_alone(clean):
    assert not state_literals(clean)
