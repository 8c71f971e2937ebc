"""A small validator for the Swagger 2.0 subset used by the Chorus Pro Structures and Factures APIs (stdlib only).

Supported: ``$ref`` to ``#/definitions/...``, ``type`` object/array/string/integer/number/boolean,
``required``, ``properties``, ``items``, ``enum``, ``maxLength`` and the formats int32, int64, date and date-time.
``validate`` returns every problem as ``"dotted.field: what is wrong"``; an empty list means valid.
With ``strict=True`` a property the schema does not declare is a problem too.
"""

import datetime
import functools
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SWAGGER_PATH = os.path.join(HERE, "Structures.swagger.json")
FACTURES_SWAGGER_PATH = os.path.join(HERE, "Factures.swagger.json")

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_TYPE_NAMES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}


class Swagger:
    """A loaded Swagger 2.0 document: operation lookup and JSON validation."""

    def __init__(self, document):
        self.document = document
        self.definitions = document.get("definitions", {})
        self.base_path = document.get("basePath", "")

    @classmethod
    def load(cls, path=SWAGGER_PATH):
        """Read a Swagger document from a JSON file."""
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def full_paths(self):
        """Every operation path, prefixed with the base path (e.g. /cpro/structures/v1/rechercher)."""
        return [self.base_path + path for path in self.document.get("paths", {})]

    def operation(self, full_path, method="post"):
        """The operation object for a full path and method, or None."""
        if not full_path.startswith(self.base_path):
            return None
        item = self.document.get("paths", {}).get(full_path[len(self.base_path):], {})
        return item.get(method.lower())

    def request_schema(self, full_path, method="post"):
        """The schema of the JSON body parameter of an operation, or None."""
        operation = self.operation(full_path, method) or {}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "body":
                return parameter.get("schema")
        return None

    def response_schema(self, full_path, status=200, method="post"):
        """The schema of an operation's answer for an HTTP status, or None."""
        operation = self.operation(full_path, method) or {}
        return operation.get("responses", {}).get(str(status), {}).get("schema")

    def validate(self, schema, value, strict=False, where=""):
        """Every problem of value against schema, as a list of 'field: message' strings."""
        validation = _Validation(self, strict)
        validation.check(schema, value, where)
        return validation.problems


@functools.lru_cache(maxsize=1)
def structures_swagger():
    """The official Structures Swagger shipped beside this module (loaded once)."""
    return Swagger.load()


@functools.lru_cache(maxsize=1)
def factures_swagger():
    """The official Factures Swagger shipped beside this module (loaded once)."""
    return Swagger.load(FACTURES_SWAGGER_PATH)


@functools.lru_cache(maxsize=1)
def piece_statuses():
    """Every status code a piece may have in the official Factures Swagger (histoStatutCode), works ones included."""
    history = factures_swagger().definitions["HistoriqueStatus"]
    return frozenset(history["properties"]["histoStatutCode"]["enum"])


def _resolve(swagger, schema):
    """Follow $ref links to the definitions section."""
    while "$ref" in schema:
        reference = schema["$ref"]
        if not reference.startswith("#/definitions/"):
            raise ValueError(f"unsupported $ref {reference!r}")
        schema = swagger.definitions[reference[len("#/definitions/"):]]
    return schema


def _label(where):
    return where or "body"


def _json_type(value):
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _type_ok(expected, value):
    """Whether a Python value decoded from JSON has the Swagger type."""
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    python_type = {"object": dict, "array": list, "string": str, "boolean": bool}.get(expected)
    return python_type is None or isinstance(value, python_type)


class _Validation:
    """One validation run: the document, the strictness and the problems found so far."""

    def __init__(self, swagger, strict):
        self.swagger = swagger
        self.strict = strict
        self.problems = []

    def check(self, schema, value, where):
        schema = _resolve(self.swagger, schema)
        expected = schema.get("type") or ("object" if "properties" in schema else None)
        if expected and not _type_ok(expected, value):
            self.problems.append(f"{_label(where)}: expected {expected}, got {_json_type(value)}")
            return
        if "enum" in schema and value not in schema["enum"]:
            self.problems.append(f"{_label(where)}: {value!r} is not one of {', '.join(map(str, schema['enum']))}")
        _check_format(schema.get("format"), value, where, self.problems)
        if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
            self.problems.append(f"{_label(where)}: {len(value)} characters; at most {schema['maxLength']} allowed")
        if expected == "object":
            self.check_object(schema, value, where)
        elif expected == "array" and "items" in schema:
            for index, item in enumerate(value):
                self.check(schema["items"], item, f"{where}[{index}]")

    def check_object(self, schema, value, where):
        properties = schema.get("properties", {})
        prefix = f"{where}." if where else ""
        for name in schema.get("required", []):
            if value.get(name) is None:
                self.problems.append(f"{prefix}{name}: required")
        for name, item in value.items():
            if name in properties:
                if item is not None:
                    self.check(properties[name], item, prefix + name)
            elif self.strict:
                self.problems.append(f"{prefix}{name}: unknown field")


def _check_format(fmt, value, where, problems):
    if fmt in _INT_RANGES and isinstance(value, int):
        low, high = _INT_RANGES[fmt]
        if not low <= value <= high:
            problems.append(f"{_label(where)}: {value} is out of the {fmt} range")
    elif fmt == "date" and isinstance(value, str) and not _is_date(value):
        problems.append(f"{_label(where)}: {value!r} is not a date (YYYY-MM-DD)")
    elif fmt == "date-time" and isinstance(value, str):
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            problems.append(f"{_label(where)}: {value!r} is not a date-time")


def _is_date(value):
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
