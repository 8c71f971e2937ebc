"""Test data shared by the plain tests of the core: a valid works situation, and the templates of the checks."""

import ast
import dataclasses
import datetime
import pathlib
from decimal import Decimal

from chorus.works import Contract, Document, Party, Situation, SituationLine

D = Decimal
PDF = b"%PDF-1.4\n% situation\n"
CHECKS_SOURCE = pathlib.Path(__file__).resolve().parents[1] / "ediflex_chorus" / "chorus" / "checks.py"


def make_situation(**changes):
    """A valid monthly situation (qualification SIRETs) with two lines, with ``changes`` applied."""
    owner = Party("00000000012887", "City of Testville", "SERV-EXEC", 101)
    manager = Party("00000000012895", "Architects & Co", "SERV-MOE", 102)
    situation = Situation(
        piece_number="SIT-2026-0007",
        date=datetime.date(2026, 3, 31),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        final=False,
        contractor=Party("00000000012879", "Builder SA", id_structure=25000001),
        contract=Contract("MARCHE-2026-001", "EJ-0001234", owner, manager),
        lines=(SituationLine("Structural work", D("10000.00"), D("40"), D("3000.00"), D("20")),
               SituationLine("Painting", D("2000.00"), D("50"), D("0.00"), D("10"))),
        retention_rate=D("5"),
        document=Document("SIT-2026-0007.pdf", PDF),
    )
    return dataclasses.replace(situation, **changes)


def marked_templates():
    """Every string of checks.py marked with ``_("...")``: what Odoo extracts into its .pot for translation.

    A ``_`` call that is not one literal string (an f-string, a variable) would not be extracted: it fails here.
    """
    tree = ast.parse(CHECKS_SOURCE.read_text(encoding="utf-8"))
    templates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            literal = len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
            assert literal and isinstance(node.args[0].value, str), f"not extractable: {ast.unparse(node)}"
            templates.append(node.args[0].value)
    return templates


def minimal_pdf(text="Situation de travaux"):
    """A small valid one-page PDF (Helvetica text) with a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 770 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
