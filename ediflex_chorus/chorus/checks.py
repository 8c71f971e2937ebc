"""Checks of a works situation before it is deposited on Chorus Pro.

Every check returns problems instead of raising: ``check_situation`` lists all of them at once. A problem's
``field`` is a dotted path into the plain data ("contract.owner.siret", "lines[2].progress_percent", with
0-based line indexes) so the Odoo side can point at the field; its ``message`` (English) says what to fix,
naming lines from 1 as a person would.

Rules chosen here:
- SIRET: 14 digits. In production also the Luhn checksum; a SIRET of La Poste (SIREN 356000000) passes when
  its digit sum is a multiple of 5 (or when it passes Luhn, like the head office 35600000000048). In
  qualification any 14 digits pass (the sandbox SIRETs fail Luhn).
- A line's period amount may be negative (its progress revised downward), but not the situation's total.
- Progress 0..100; previous cumulative amount between 0 and the contract amount; amounts in cents.
- Retention rate (retenue de garantie) 0..5: French public procurement caps it at 5 %.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from . import endpoints
from .works import CENT, VAT_TYPES, Frame

MAX_RETENTION_RATE = Decimal(5)
MAX_AMOUNT = Decimal(10) ** 12  # a bound far above any works contract, which keeps Decimal arithmetic exact
PDF_MIME_TYPE = "application/pdf"
PDF_MAGIC = b"%PDF"
_EXTENSION = re.compile(r"[^.\s]\.([A-Za-z0-9]{1,10})$")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: the dotted path of the field and an English message saying what to do."""

    field: str
    message: str


@dataclass(frozen=True)
class StructureRules:
    """What a public structure requires on the pieces it receives (from structures/v1/consulter)."""

    service_code_required: bool = False
    commitment_required: bool = False
    commitment_or_service_code_required: bool = False

    @classmethod
    def from_chorus(cls, answer):
        """Rules from a consulter answer (its ``parametres`` block) or from that block itself."""
        params = (answer or {}).get("parametres", answer) or {}
        return cls(service_code_required=bool(params.get("codeServiceDoitEtreRenseigne")),
                   commitment_required=bool(params.get("numeroEJDoitEtreRenseigne")),
                   commitment_or_service_code_required=bool(params.get("gestionNumeroEJOuCodeService")))


def luhn_valid(digits):
    """True if the digit string passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def siret_checksum_valid(siret):
    """True if a 14-digit SIRET passes Luhn, or is La Poste's with a digit sum multiple of 5."""
    if luhn_valid(siret):
        return True
    return siret.startswith(endpoints.LA_POSTE_SIREN) and sum(int(char) for char in siret) % 5 == 0


def siret_problem(value, production, subject="The SIRET"):
    """What is wrong with a SIRET, as a sentence starting with ``subject``, or None if it is valid."""
    if not isinstance(value, str) or not value:
        return f"{subject} is missing: enter the 14-digit SIRET."
    if not value.isascii() or not value.isdigit():
        return f"{subject} must contain only digits, without spaces or letters (got {value!r})."
    if len(value) != 14:
        return f"{subject} must have 14 digits (got {len(value)})."
    if production and not siret_checksum_valid(value):
        return f"{subject} {value} fails the SIRET checksum (Luhn key): check it against the INSEE register."
    return None


def check_document(document, field="document"):
    """Problems of the main document: a name of at most 50 characters ending in .pdf, a non-empty PDF < 10 MB."""
    return _document_name_problems(document, field) + _document_content_problems(document, field)


def _document_name_problems(document, field):
    """Problems of the document's name and MIME type."""
    name = document.name if isinstance(document.name, str) else ""
    problems = []
    if not name.strip():
        return [Problem(f"{field}.name", "The document has no file name: give it a name such as 'situation.pdf'.")]
    limit = endpoints.MAX_NAME_LENGTH
    if len(name) > limit:
        problems.append(Problem(f"{field}.name", f"The document's file name must have at most {limit} "
                                                 f"characters (got {len(name)}): shorten it."))
    if "/" in name or "\\" in name:
        problems.append(Problem(f"{field}.name", "The document's file name must not contain '/' or '\\'."))
    match = _EXTENSION.search(name)
    if not match:
        problems.append(Problem(f"{field}.name", f"The document's file name {name!r} needs an extension: "
                                                 "end it with '.pdf'."))
    elif match.group(1).lower() != "pdf":
        problems.append(Problem(f"{field}.name", f"The document's file name must end with '.pdf' "
                                                 f"(got '.{match.group(1)}')."))
    if document.mime_type != PDF_MIME_TYPE:
        problems.append(Problem(f"{field}.mime_type", f"The document must be a PDF ({PDF_MIME_TYPE}), "
                                                      f"not {document.mime_type!r}."))
    return problems


def _document_content_problems(document, field):
    """Problems of the document's bytes: present, a PDF, smaller than the Chorus Pro limit."""
    content = document.content
    if not isinstance(content, (bytes, bytearray)) or not content:
        return [Problem(f"{field}.content", "The document is empty: generate the situation's PDF again.")]
    problems = []
    limit = endpoints.MAX_FILE_BYTES
    if len(content) >= limit:
        problems.append(Problem(f"{field}.content", f"The document must be smaller than {_megabytes(limit)} "
                                                    f"(got {len(content)} bytes): reduce the PDF."))
    if bytes(content[:len(PDF_MAGIC)]) != PDF_MAGIC:
        problems.append(Problem(f"{field}.content", "The document is not a PDF (it does not begin with '%PDF'): "
                                                    "attach the situation's PDF."))
    return problems


def _megabytes(size):
    """A byte count as "10 MB"."""
    return f"{size / (1024 * 1024):g} MB"


def check_situation(situation, frame, production, owner_rules=None):
    """Every problem that prevents depositing ``situation`` as ``frame`` (empty list when it can go)."""
    problems = []
    problems += _frame_problems(situation, frame)
    problems += _party_problems(situation, production)
    problems += _contract_problems(situation.contract, owner_rules or StructureRules())
    problems += _header_problems(situation)
    problems += check_document(situation.document)
    problems += _lines_problems(situation.lines)
    retention_problems = _retention_problems(situation.retention_rate)
    problems += retention_problems
    if situation.lines and not retention_problems and _lines_computable(situation.lines):
        problems += _totals_problems(situation)
    return problems


def _lines_computable(lines):
    """True if every number of every line is usable, so that the totals can be computed."""
    return not any(_number_problems(f"lines[{index}]", "", line) for index, line in enumerate(lines))


def _frame_problems(situation, frame):
    """The frame must exist and match whether the statement is final."""
    try:
        frame = Frame(frame)
    except ValueError:
        return [Problem("frame", f"Unknown works frame {frame!r}: use one of {', '.join(f.short for f in Frame)}.")]
    if bool(situation.final) != frame.final:
        kind, frames = ("final", "A7 or A8") if situation.final else ("monthly", "A4, A5, A6, A10 or A13")
        return [Problem("final", f"A {kind} statement is deposited with frame {frames}, not {frame.short}: "
                                 "change the frame or the statement's 'final' flag.")]
    return []


_PARTIES = (
    ("contractor", "contractor", "The contractor's SIRET"),
    ("contract.owner", "owner", "The project owner's SIRET"),
    ("contract.manager", "manager", "The project manager's SIRET"),
)


def _party_problems(situation, production):
    """SIRETs of the three parties, and the contractor's Chorus Pro structure id."""
    parties = {"contractor": situation.contractor, "owner": situation.contract.owner,
               "manager": situation.contract.manager}
    problems = []
    for path, key, subject in _PARTIES:
        message = siret_problem(parties[key].siret, production, subject)
        if message:
            problems.append(Problem(f"{path}.siret", message))
    id_structure = situation.contractor.id_structure
    if isinstance(id_structure, bool) or not isinstance(id_structure, int) or id_structure <= 0:
        problems.append(Problem("contractor.id_structure", "The contractor's Chorus Pro structure id is unknown: "
                                                           "look it up from its SIRET before depositing."))
    return problems


def _contract_problems(contract, rules):
    """Contract and commitment numbers, and the owner's requirements (service code, commitment)."""
    problems = []
    number = _text(contract.number)
    commitment = _text(contract.commitment_number)
    service_code = _text(contract.owner.service_code)
    if not number.strip():
        problems.append(Problem("contract.number", "The contract number is missing: "
                                                   "enter it on the contract."))
    problems += _length_problem("contract.number", "contract number", number)
    problems += _length_problem("contract.commitment_number", "legal commitment number", commitment)
    if rules.commitment_required and not commitment.strip():
        problems.append(Problem("contract.commitment_number", "The project owner requires a legal commitment "
                                                              "number: enter it on the contract."))
    if rules.service_code_required and not service_code.strip():
        problems.append(Problem("contract.owner.service_code", "The project owner requires an executing service "
                                                               "code: choose one of its Chorus Pro services."))
    if rules.commitment_or_service_code_required and not (commitment.strip() or service_code.strip()):
        problems.append(Problem("contract.commitment_number", "The project owner requires a legal commitment "
                                                              "number or an executing service code: enter one."))
    return problems


def _text(value):
    """``value`` as text ("" for None)."""
    return "" if value is None else str(value)


def _length_problem(field, label, value):
    """A problem if ``value`` is longer than MAX_REFERENCE_LENGTH."""
    limit = endpoints.MAX_REFERENCE_LENGTH
    if len(value) <= limit:
        return []
    return [Problem(field, f"The {label} must have at most {limit} characters "
                           f"(got {len(value)}): shorten it.")]


def _header_problems(situation):
    """Reference, dates, currency and VAT type of the situation."""
    problems = []
    if not _text(situation.piece_number).strip():
        problems.append(Problem("piece_number", "The situation has no reference: number it before depositing."))
    problems += _date_problems(situation)
    if not isinstance(situation.currency, str) or not _CURRENCY.fullmatch(situation.currency):
        problems.append(Problem("currency", f"The currency must be a 3-letter ISO code such as 'EUR' "
                                            f"(got {situation.currency!r})."))
    if situation.vat_type not in VAT_TYPES:
        problems.append(Problem("vat_type", f"The VAT type must be one of {', '.join(VAT_TYPES)} "
                                            f"(got {situation.vat_type!r})."))
    return problems


_DATES = (("date", "statement date"), ("period_start", "start of the period"), ("period_end", "end of the period"))


def _date_problems(situation):
    """Dates are dates; the period does not end before it starts; the statement is not dated before its period."""
    missing = [Problem(field, f"The {label} is missing: enter it.") for field, label in _DATES
               if not isinstance(getattr(situation, field), datetime.date)]
    if missing:
        return missing
    problems = []
    if situation.period_start > situation.period_end:
        problems.append(Problem("period_end", f"The period ends ({situation.period_end.isoformat()}) before it "
                                              f"starts ({situation.period_start.isoformat()}): fix the dates."))
    if situation.date < situation.period_start:
        problems.append(Problem("date", f"The statement date ({situation.date.isoformat()}) is before the start of "
                                        f"its period ({situation.period_start.isoformat()}): fix the date."))
    return problems


def _lines_problems(lines):
    """At least one line, and every line's own problems."""
    if not lines:
        return [Problem("lines", "The situation has no line: add at least one line.")]
    problems = []
    for index, line in enumerate(lines):
        problems += _line_problems(index, line)
    return problems


def _line_problems(index, line):
    """Problems of one line: description, finite bounded amounts, progress, previous cumulative, VAT rate."""
    path, name = f"lines[{index}]", f"Line {index + 1}"
    problems = []
    if not _text(line.description).strip():
        problems.append(Problem(f"{path}.description", f"{name} has no description: describe the work."))
    number_problems = _number_problems(path, name, line)
    if number_problems:
        return problems + number_problems
    if line.progress_percent < 0 or line.progress_percent > 100:
        problems.append(Problem(f"{path}.progress_percent", f"{name}'s cumulative progress must be between 0 and "
                                                            f"100 % (got {line.progress_percent})."))
    if line.previous_cumulative_amount > line.contract_amount:
        problems.append(Problem(f"{path}.previous_cumulative_amount",
                                f"{name}'s previous cumulative amount ({line.previous_cumulative_amount}) exceeds "
                                f"its contract amount ({line.contract_amount}): fix the previous statement."))
    if line.vat_rate >= 100:
        problems.append(Problem(f"{path}.vat_rate", f"{name}'s VAT rate must be below 100 % (got {line.vat_rate})."))
    return problems + _stated_line_problems(path, name, line)


_LINE_NUMBERS = (
    ("contract_amount", "contract amount", True),
    ("previous_cumulative_amount", "previous cumulative amount", True),
    ("progress_percent", "cumulative progress", False),
    ("vat_rate", "VAT rate", False),
)


def _number_problems(path, name, line):
    """Each number of a line must be finite, not negative, bounded, and in cents for amounts."""
    problems = []
    for attribute, label, in_cents in _LINE_NUMBERS:
        value = getattr(line, attribute)
        message = _number_message(value, in_cents)
        if message:
            problems.append(Problem(f"{path}.{attribute}", f"{name}'s {label} {message}."))
    return problems


def _number_message(value, in_cents):
    """Why a number is unusable (the end of a sentence), or None."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return f"must be a number (got {value!r})"
    if value < 0:
        return f"must not be negative (got {value})"
    if value >= MAX_AMOUNT:
        return f"is too large (got {value})"
    if in_cents and value != value.quantize(CENT):
        return f"must have at most 2 decimals (got {value})"
    return None


def _stated_line_problems(path, name, line):
    """Stated cumulative and period amounts, when given, must equal the computed ones."""
    problems = []
    for attribute, label in (("cumulative_amount", "cumulative amount"), ("period_amount", "period amount")):
        stated = getattr(line, f"stated_{attribute}")
        computed = getattr(line, attribute)
        if stated is not None and (not stated.is_finite() or stated != computed):
            problems.append(Problem(f"{path}.{attribute}", f"{name}'s {label} ({stated}) differs from the computed "
                                                           f"one ({computed}): recompute the line."))
    return problems


def _retention_problems(rate):
    """The retention rate must be between 0 and 5 %."""
    if not isinstance(rate, Decimal) or not rate.is_finite():
        return [Problem("retention_rate", f"The retention rate must be a number (got {rate!r}).")]
    if rate < 0:
        return [Problem("retention_rate", f"The retention rate must not be negative (got {rate} %).")]
    if rate > MAX_RETENTION_RATE:
        return [Problem("retention_rate", f"The retention rate is {rate} %: French public "
                                          f"procurement caps it at {MAX_RETENTION_RATE} %; lower it.")]
    return []


_TOTAL_FIELDS = (
    ("untaxed", "untaxed total"),
    ("tax", "VAT total"),
    ("total", "total including VAT"),
    ("retention", "retention"),
    ("due", "amount to pay"),
)


def _totals_problems(situation):
    """The period total must not be negative; stated totals, when given, must equal the computed ones."""
    totals = situation.totals
    problems = []
    if totals.untaxed < 0:
        problems.append(Problem("totals.untaxed", f"The situation's period total is negative ({totals.untaxed}): "
                                                  "a negative amount is deposited as a credit note, not a statement."))
    stated = situation.stated_totals
    if stated is None:
        return problems
    for attribute, label in _TOTAL_FIELDS:
        if getattr(stated, attribute) != getattr(totals, attribute):
            problems.append(Problem(f"totals.{attribute}", f"The {label} shown ({getattr(stated, attribute)}) differs "
                                                           f"from the computed one ({getattr(totals, attribute)}): "
                                                           "recompute the situation."))
    return problems
