"""Checks of a works situation before it is deposited on Chorus Pro.

Every check returns problems instead of raising: ``check_situation`` lists all of them at once. A problem's
``field`` is a dotted path into the plain data ("contract.owner.siret", "lines[2].progress_percent", with
0-based line indexes) so the Odoo side can point at the field; its ``message`` (English) says what to fix,
naming lines from 1 as a person would. Each message is one whole sentence, ``template % params``: the
template is marked with ``_`` for Odoo's translation catalog and the connector shows it translated.

Rules chosen here:
- SIRET: 14 digits. In production also the Luhn checksum; a SIRET of La Poste (SIREN 356000000) passes when
  its digit sum is a multiple of 5 (or when it passes Luhn, like the head office 35600000000048). In
  qualification any 14 digits pass (the sandbox SIRETs fail Luhn).
- A line's period amount may be negative (its progress revised downward), but not the situation's total.
- Progress 0..100; previous cumulative amount between 0 and the contract amount; amounts in cents.
- Retention rate (retenue de garantie) 0..5: French public procurement caps it at 5 %.
"""

# The core imports no Odoo, so there is no env here: ``_`` below only marks templates, and the connector
# translates them with env._. pylint-odoo's prefer-env-translation does not apply.
# pylint: disable=prefer-env-translation

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from stdnum import luhn

from . import endpoints, works
from .works import CENT, VAT_TYPES, Frame

MAX_RETENTION_RATE = Decimal(5)
MAX_AMOUNT = Decimal(10) ** 12  # a bound far above any works contract, which keeps Decimal arithmetic exact
PDF_MIME_TYPE = "application/pdf"
PDF_MAGIC = b"%PDF"
_EXTENSION = re.compile(r"[^.\s]\.([A-Za-z0-9]{1,10})$")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _(text):
    """Return ``text`` unchanged: it marks an English template for translation.

    Odoo's extraction reads the ``_("...")`` calls of every .py file of the addon into its .pot (so these
    templates get French translations in i18n/fr.po); the connector translates each problem's template at
    run time with ``env._(template, **params)``. The core itself imports no Odoo and keeps English text.
    A template holds whole sentences with %(name)s placeholders; a literal percent sign is written "%%",
    and only in templates that have params (Odoo formats a translation only when it gets params).
    """
    return text


@dataclass(frozen=True)
class Problem:
    """One thing to fix: the dotted path of the field and an English message saying what to do.

    ``message`` is ``template % dict(params)``; ``template`` (marked with ``_``) and ``params`` (sorted
    (name, value) pairs, so that the problem stays hashable) let the Odoo side show it translated. A problem
    built elsewhere with a message already translated has no template.
    """

    field: str
    message: str
    template: str = ""
    params: tuple = ()

    @classmethod
    def of(cls, field, template, **params):
        """The problem of ``field`` whose message is ``template`` filled with ``params``."""
        return cls(field, template % params, template, tuple(sorted(params.items())))


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
    """True if the digit string passes the Luhn checksum (python-stdnum's, an Odoo dependency)."""
    return luhn.is_valid(digits)


def siret_checksum_valid(siret):
    """True if a 14-digit SIRET passes Luhn, or is La Poste's with a digit sum multiple of 5.

    Not stdnum.fr.siret.is_valid: it also checks the SIREN's own key and treats La Poste's head office apart, so it
    refuses SIRETs this check has always taken; only its Luhn is used.
    """
    if luhn_valid(siret):
        return True
    return siret.startswith(endpoints.LA_POSTE_SIREN) and sum(int(char) for char in siret) % 5 == 0


_SIRET_TEMPLATES = {
    None: {
        "missing": _("The SIRET is missing: enter the 14-digit SIRET."),
        "not_digits": _("The SIRET must contain only digits, without spaces or letters (got %(value)s)."),
        "length": _("The SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The SIRET %(siret)s fails the SIRET checksum (Luhn key): check it against the INSEE "
                      "register."),
    },
    "contractor": {
        "missing": _("The contractor's SIRET is missing: enter the 14-digit SIRET."),
        "not_digits": _("The contractor's SIRET must contain only digits, without spaces or letters "
                        "(got %(value)s)."),
        "length": _("The contractor's SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The contractor's SIRET %(siret)s fails the SIRET checksum (Luhn key): check it against "
                      "the INSEE register."),
    },
    "owner": {
        "missing": _("The project owner's SIRET is missing: enter the 14-digit SIRET."),
        "not_digits": _("The project owner's SIRET must contain only digits, without spaces or letters "
                        "(got %(value)s)."),
        "length": _("The project owner's SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The project owner's SIRET %(siret)s fails the SIRET checksum (Luhn key): check it "
                      "against the INSEE register."),
    },
    "manager": {
        "missing": _("The project manager's SIRET is missing: enter the 14-digit SIRET."),
        "not_digits": _("The project manager's SIRET must contain only digits, without spaces or letters "
                        "(got %(value)s)."),
        "length": _("The project manager's SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The project manager's SIRET %(siret)s fails the SIRET checksum (Luhn key): check it "
                      "against the INSEE register."),
    },
    "main_contractor": {
        "missing": _("The main contractor's SIRET is missing: enter its 14-digit SIRET on its contact."),
        "not_digits": _("The main contractor's SIRET must contain only digits, without spaces or letters "
                        "(got %(value)s)."),
        "length": _("The main contractor's SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The main contractor's SIRET %(siret)s fails the SIRET checksum (Luhn key): check it "
                      "against the INSEE register."),
    },
    "mandatary": {
        "missing": _("The mandatary's SIRET is missing: enter its 14-digit SIRET on its contact."),
        "not_digits": _("The mandatary's SIRET must contain only digits, without spaces or letters "
                        "(got %(value)s)."),
        "length": _("The mandatary's SIRET must have 14 digits (got %(length)s)."),
        "checksum": _("The mandatary's SIRET %(siret)s fails the SIRET checksum (Luhn key): check it "
                      "against the INSEE register."),
    },
}


def check_siret(value, production, party=None, field="siret"):
    """Problems of a SIRET (an empty list or one problem of ``field``).

    ``party`` names whose SIRET it is in the message: "contractor", "owner", "manager", or None for "The SIRET".
    """
    templates = _SIRET_TEMPLATES[party]
    if not isinstance(value, str) or not value:
        return [Problem.of(field, templates["missing"])]
    if not value.isascii() or not value.isdigit():
        return [Problem.of(field, templates["not_digits"], value=repr(value))]
    if len(value) != 14:
        return [Problem.of(field, templates["length"], length=len(value))]
    if production and not siret_checksum_valid(value):
        return [Problem.of(field, templates["checksum"], siret=value)]
    return []


def check_document(document, field="document"):
    """Problems of the main document: a name of at most 50 characters ending in .pdf, a non-empty PDF < 10 MB."""
    return _document_name_problems(document, field) + _document_content_problems(document, field)


def _document_name_problems(document, field):
    """Problems of the document's name and MIME type."""
    name = document.name if isinstance(document.name, str) else ""
    path = f"{field}.name"
    problems = []
    if not name.strip():
        return [Problem.of(path, _("The document has no file name: give it a name such as 'situation.pdf'."))]
    limit = endpoints.MAX_NAME_LENGTH
    if len(name) > limit:
        problems.append(Problem.of(path, _("The document's file name must have at most %(limit)s characters "
                                           "(got %(length)s): shorten it."), limit=limit, length=len(name)))
    if "/" in name or "\\" in name:
        problems.append(Problem.of(path, _("The document's file name must not contain '/' or '\\'.")))
    match = _EXTENSION.search(name)
    if not match:
        problems.append(Problem.of(path, _("The document's file name %(name)s needs an extension: end it with "
                                           "'.pdf'."), name=repr(name)))
    elif match.group(1).lower() != "pdf":
        problems.append(Problem.of(path, _("The document's file name must end with '.pdf' (got '.%(extension)s')."),
                                   extension=match.group(1)))
    if document.mime_type != PDF_MIME_TYPE:
        problems.append(Problem.of(f"{field}.mime_type", _("The document must be a PDF (%(expected)s), not "
                                                           "%(mime_type)s."),
                                   expected=PDF_MIME_TYPE, mime_type=repr(document.mime_type)))
    return problems


def _document_content_problems(document, field):
    """Problems of the document's bytes: present, a PDF, smaller than the Chorus Pro limit."""
    content = document.content
    path = f"{field}.content"
    if not isinstance(content, (bytes, bytearray)) or not content:
        return [Problem.of(path, _("The document is empty: generate the situation's PDF again."))]
    problems = []
    limit = endpoints.MAX_FILE_BYTES
    if len(content) >= limit:
        problems.append(Problem.of(path, _("The document must be smaller than %(megabytes)s MB (got %(size)s "
                                           "bytes): reduce the PDF."),
                                   megabytes=f"{limit / (1024 * 1024):g}", size=len(content)))
    if bytes(content[:len(PDF_MAGIC)]) != PDF_MAGIC:
        problems.append(Problem.of(path, _("The document is not a PDF (it does not begin with '%(magic)s'): "
                                           "attach the situation's PDF."), magic=PDF_MAGIC.decode()))
    return problems


def check_situation(situation, frame, production, owner_rules=None):
    """Every problem that prevents depositing ``situation`` as ``frame`` (empty list when it can go)."""
    problems = []
    problems += _frame_problems(situation, frame)
    problems += _role_problems(situation, frame, production)
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
    return not any(_number_problems(index, line) for index, line in enumerate(lines))


def _frame_problems(situation, frame):
    """The frame must exist and match whether the statement is final."""
    try:
        frame = Frame(frame)
    except ValueError:
        return [Problem.of("frame", _("Unknown works frame %(frame)s: use one of %(frames)s."),
                           frame=repr(frame), frames=", ".join(f.short for f in Frame))]
    if bool(situation.final) != frame.final:
        if situation.final:
            template = _("A final statement is deposited with frame A7, A8, A11 or A14, not %(frame)s: change the "
                         "frame or the statement's 'final' flag.")
        else:
            template = _("A monthly statement is deposited with frame A4, A5, A6, A10 or A13, not %(frame)s: "
                         "change the frame or the statement's 'final' flag.")
        return [Problem.of("final", template, frame=frame.short)]
    return []


# Per role: what to fix when the frame is not the role's, when its partner is missing, and the partner's SIRET key.
_ROLE_TEMPLATES = {
    works.ROLE_MAIN: {
        "frame": _("As main contractor, the company deposits its situations with frames A4, A6, A7 and A8, not "
                   "%(frame)s: check the company's role on the situation."),
    },
    works.ROLE_COCONTRACTOR: {
        "frame": _("As co-contractor of a joint venture, the company deposits its situations with frames A13 and "
                   "A14, not %(frame)s: check the company's role on the situation."),
        "missing": _("The joint venture's mandatary is missing: a co-contractor's situation names it. Choose the "
                     "mandatary on the contract or the situation."),
        "self": _("The mandatary cannot be the company itself (same SIRET %(siret)s): a mandatary depositing its "
                  "own share is the main contractor. Change the role or the mandatary."),
        "siret": "mandatary",
    },
    works.ROLE_SUBCONTRACTOR: {
        "frame": _("As subcontractor with direct payment, the company deposits its situations with frames A10 and "
                   "A11, not %(frame)s: check the company's role on the situation."),
        "missing": _("The main contractor is missing: a subcontractor's situation goes to it first for "
                     "validation. Choose the main contractor on the contract or the situation."),
        "self": _("The main contractor cannot be the company itself (same SIRET %(siret)s): change the role or the "
                  "main contractor."),
        "siret": "main_contractor",
    },
}


def _role_problems(situation, frame, production):
    """The role must be known, the frame one of the role's, and a co-contractor's or subcontractor's partner
    (the mandatary, the main contractor) given with a valid SIRET that is not the company's own."""
    role = situation.role
    if role not in works.ROLES:
        return [Problem.of("role", _("Unknown role %(role)s: choose main contractor, co-contractor or "
                                     "subcontractor with direct payment."), role=repr(role))]
    templates = _ROLE_TEMPLATES[role]
    problems = []
    try:
        frame = Frame(frame)
    except ValueError:
        frame = None  # reported by _frame_problems
    # A partner's acceptance may go as the main contractor's A6 / A8 (works.ACCEPTANCE_AS_MAIN).
    if frame is not None and works.role_of(frame) != role and frame not in works.ACCEPTED_FRAMES:
        problems.append(Problem.of("frame", templates["frame"], frame=frame.short))
    if role not in works.ROLES_WITH_PARTNER:
        return problems
    partner = situation.partner
    if partner is None:
        return problems + [Problem.of("partner", templates["missing"])]
    found = check_siret(partner.siret, production, templates["siret"], "partner.siret")
    if not found and partner.siret == situation.contractor.siret:
        found = [Problem.of("partner.siret", templates["self"], siret=partner.siret)]
    return problems + found


_PARTIES = (("contractor", "contractor"), ("contract.owner", "owner"), ("contract.manager", "manager"))


def _party_problems(situation, production):
    """SIRETs of the three parties, and the contractor's Chorus Pro structure id."""
    parties = {"contractor": situation.contractor, "owner": situation.contract.owner,
               "manager": situation.contract.manager}
    problems = []
    for path, key in _PARTIES:
        problems += check_siret(parties[key].siret, production, key, f"{path}.siret")
    id_structure = situation.contractor.id_structure
    if isinstance(id_structure, bool) or not isinstance(id_structure, int) or id_structure <= 0:
        problems.append(Problem.of("contractor.id_structure", _("The contractor's Chorus Pro structure id is "
                                                                "unknown: look it up from its SIRET before "
                                                                "depositing.")))
    return problems


def _contract_problems(contract, rules):
    """Contract and commitment numbers, and the owner's requirements (service code, commitment)."""
    problems = []
    number = _text(contract.number)
    commitment = _text(contract.commitment_number)
    service_code = _text(contract.owner.service_code)
    limit = endpoints.MAX_REFERENCE_LENGTH
    if not number.strip():
        problems.append(Problem.of("contract.number", _("The contract number is missing: enter it on the "
                                                        "contract.")))
    if len(number) > limit:
        problems.append(Problem.of("contract.number", _("The contract number must have at most %(limit)s "
                                                        "characters (got %(length)s): shorten it."),
                                   limit=limit, length=len(number)))
    if len(commitment) > limit:
        problems.append(Problem.of("contract.commitment_number", _("The legal commitment number must have at most "
                                                                   "%(limit)s characters (got %(length)s): "
                                                                   "shorten it."),
                                   limit=limit, length=len(commitment)))
    if rules.commitment_required and not commitment.strip():
        problems.append(Problem.of("contract.commitment_number", _("The project owner requires a legal "
                                                                   "commitment number: enter it on the "
                                                                   "contract.")))
    if rules.service_code_required and not service_code.strip():
        problems.append(Problem.of("contract.owner.service_code", _("The project owner requires an executing "
                                                                    "service code: choose one of its Chorus Pro "
                                                                    "services.")))
    if rules.commitment_or_service_code_required and not (commitment.strip() or service_code.strip()):
        problems.append(Problem.of("contract.commitment_number", _("The project owner requires a legal "
                                                                   "commitment number or an executing service "
                                                                   "code: enter one.")))
    return problems


def _text(value):
    """``value`` as text ("" for None)."""
    return "" if value is None else str(value)


def _header_problems(situation):
    """Reference, dates, currency and VAT type of the situation."""
    problems = []
    number = _text(situation.piece_number).strip()
    if not number:
        problems.append(Problem.of("piece_number", _("The situation has no reference: number it before "
                                                     "depositing.")))
    elif len(number) > endpoints.MAX_PIECE_NUMBER_LENGTH:
        problems.append(Problem.of("piece_number", _("The piece number %(number)s has %(length)s characters; "
                                                     "Chorus Pro takes at most %(limit)s: shorten the "
                                                     "situation's reference."),
                                   number=number, length=len(number), limit=endpoints.MAX_PIECE_NUMBER_LENGTH))
    problems += _date_problems(situation)
    if not isinstance(situation.currency, str) or not _CURRENCY.fullmatch(situation.currency):
        problems.append(Problem.of("currency", _("The currency must be a 3-letter ISO code such as 'EUR' "
                                                 "(got %(currency)s)."), currency=repr(situation.currency)))
    if situation.vat_type not in VAT_TYPES:
        problems.append(Problem.of("vat_type", _("The VAT type must be one of %(types)s (got %(vat_type)s)."),
                                   types=", ".join(VAT_TYPES), vat_type=repr(situation.vat_type)))
    return problems


_DATES = (
    ("date", _("The statement date is missing: enter it.")),
    ("period_start", _("The start of the period is missing: enter it.")),
    ("period_end", _("The end of the period is missing: enter it.")),
)


def _date_problems(situation):
    """Dates are dates; the period does not end before it starts; the statement is not dated before its period."""
    missing = [Problem.of(field, template) for field, template in _DATES
               if not isinstance(getattr(situation, field), datetime.date)]
    if missing:
        return missing
    problems = []
    if situation.period_start > situation.period_end:
        problems.append(Problem.of("period_end", _("The period ends (%(end)s) before it starts (%(start)s): fix "
                                                   "the dates."),
                                   end=situation.period_end.isoformat(), start=situation.period_start.isoformat()))
    if situation.date < situation.period_start:
        problems.append(Problem.of("date", _("The statement date (%(date)s) is before the start of its period "
                                             "(%(start)s): fix the date."),
                                   date=situation.date.isoformat(), start=situation.period_start.isoformat()))
    return problems


def _lines_problems(lines):
    """At least one line, and every line's own problems."""
    if not lines:
        return [Problem.of("lines", _("The situation has no line: add at least one line."))]
    problems = []
    for index, line in enumerate(lines):
        problems += _line_problems(index, line)
    return problems


def _line_problems(index, line):
    """Problems of one line: description, finite bounded amounts, progress, previous cumulative, VAT rate.

    Lines are named from 1 in messages (the ``line`` param), from 0 in fields.
    """
    path, number = f"lines[{index}]", index + 1
    problems = []
    if not _text(line.description).strip():
        problems.append(Problem.of(f"{path}.description", _("Line %(line)s has no description: describe the "
                                                             "work."), line=number))
    number_problems = _number_problems(index, line)
    if number_problems:
        return problems + number_problems
    if line.progress_percent < 0 or line.progress_percent > 100:
        problems.append(Problem.of(f"{path}.progress_percent", _("Line %(line)s's cumulative progress must be "
                                                                 "between 0 and 100 %% (got %(value)s)."),
                                   line=number, value=line.progress_percent))
    if line.previous_cumulative_amount > line.contract_amount:
        problems.append(Problem.of(f"{path}.previous_cumulative_amount",
                                   _("Line %(line)s's previous cumulative amount (%(previous)s) exceeds its "
                                     "contract amount (%(contract)s): fix the previous statement."),
                                   line=number, previous=line.previous_cumulative_amount,
                                   contract=line.contract_amount))
    if line.vat_rate >= 100:
        problems.append(Problem.of(f"{path}.vat_rate", _("Line %(line)s's VAT rate must be below 100 %% (got "
                                                         "%(value)s)."), line=number, value=line.vat_rate))
    return problems + _stated_line_problems(index, line)


# Per number of a line, the sentence of each way it can be unusable; amounts (in cents) also have "decimals".
_LINE_NUMBERS = {
    "contract_amount": {
        "not_a_number": _("Line %(line)s's contract amount must be a number (got %(value)s)."),
        "negative": _("Line %(line)s's contract amount must not be negative (got %(value)s)."),
        "too_large": _("Line %(line)s's contract amount is too large (got %(value)s)."),
        "decimals": _("Line %(line)s's contract amount must have at most 2 decimals (got %(value)s)."),
    },
    "previous_cumulative_amount": {
        "not_a_number": _("Line %(line)s's previous cumulative amount must be a number (got %(value)s)."),
        "negative": _("Line %(line)s's previous cumulative amount must not be negative (got %(value)s)."),
        "too_large": _("Line %(line)s's previous cumulative amount is too large (got %(value)s)."),
        "decimals": _("Line %(line)s's previous cumulative amount must have at most 2 decimals (got %(value)s)."),
    },
    "progress_percent": {
        "not_a_number": _("Line %(line)s's cumulative progress must be a number (got %(value)s)."),
        "negative": _("Line %(line)s's cumulative progress must not be negative (got %(value)s)."),
        "too_large": _("Line %(line)s's cumulative progress is too large (got %(value)s)."),
    },
    "vat_rate": {
        "not_a_number": _("Line %(line)s's VAT rate must be a number (got %(value)s)."),
        "negative": _("Line %(line)s's VAT rate must not be negative (got %(value)s)."),
        "too_large": _("Line %(line)s's VAT rate is too large (got %(value)s)."),
    },
}


def _number_problems(index, line):
    """Each number of a line must be finite, not negative, bounded, and in cents for amounts."""
    problems = []
    for attribute, templates in _LINE_NUMBERS.items():
        value = getattr(line, attribute)
        found = _number_problem(value, in_cents="decimals" in templates)
        if found:
            kind, shown = found
            problems.append(Problem.of(f"lines[{index}].{attribute}", templates[kind], line=index + 1, value=shown))
    return problems


def _number_problem(value, in_cents):
    """Why a number is unusable and how to show it, as ("not_a_number" | "negative" | ..., text), or None."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return "not_a_number", repr(value)
    if value < 0:
        return "negative", str(value)
    if value >= MAX_AMOUNT:
        return "too_large", str(value)
    if in_cents and value != value.quantize(CENT):
        return "decimals", str(value)
    return None


_STATED_LINE_AMOUNTS = (
    ("cumulative_amount", _("Line %(line)s's cumulative amount (%(stated)s) differs from the computed one "
                            "(%(computed)s): recompute the line.")),
    ("period_amount", _("Line %(line)s's period amount (%(stated)s) differs from the computed one (%(computed)s): "
                        "recompute the line.")),
)


def _stated_line_problems(index, line):
    """Stated cumulative and period amounts, when given, must equal the computed ones."""
    problems = []
    for attribute, template in _STATED_LINE_AMOUNTS:
        stated = getattr(line, f"stated_{attribute}")
        computed = getattr(line, attribute)
        if stated is not None and (not stated.is_finite() or stated != computed):
            problems.append(Problem.of(f"lines[{index}].{attribute}", template, line=index + 1, stated=stated,
                                       computed=computed))
    return problems


def _retention_problems(rate):
    """The retention rate must be between 0 and 5 %."""
    if not isinstance(rate, Decimal) or not rate.is_finite():
        return [Problem.of("retention_rate", _("The retention rate must be a number (got %(rate)s)."),
                           rate=repr(rate))]
    if rate < 0:
        return [Problem.of("retention_rate", _("The retention rate must not be negative (got %(rate)s %%)."),
                           rate=rate)]
    if rate > MAX_RETENTION_RATE:
        return [Problem.of("retention_rate", _("The retention rate is %(rate)s %%: French public procurement caps "
                                               "it at %(limit)s %%; lower it."), rate=rate, limit=MAX_RETENTION_RATE)]
    return []


_TOTAL_FIELDS = (
    ("untaxed", _("The untaxed total shown (%(stated)s) differs from the computed one (%(computed)s): recompute "
                  "the situation.")),
    ("tax", _("The VAT total shown (%(stated)s) differs from the computed one (%(computed)s): recompute the "
              "situation.")),
    ("total", _("The total including VAT shown (%(stated)s) differs from the computed one (%(computed)s): "
                "recompute the situation.")),
    ("retention", _("The retention shown (%(stated)s) differs from the computed one (%(computed)s): recompute the "
                    "situation.")),
    ("due", _("The amount to pay shown (%(stated)s) differs from the computed one (%(computed)s): recompute the "
              "situation.")),
)


def _totals_problems(situation):
    """The period total must not be negative; stated totals, when given, must equal the computed ones."""
    totals = situation.totals
    problems = []
    if totals.untaxed < 0:
        problems.append(Problem.of("totals.untaxed", _("The situation's period total is negative (%(total)s): a "
                                                       "negative amount is deposited as a credit note, not a "
                                                       "statement."), total=totals.untaxed))
    stated = situation.stated_totals
    if stated is None:
        return problems
    for attribute, template in _TOTAL_FIELDS:
        if getattr(stated, attribute) != getattr(totals, attribute):
            problems.append(Problem.of(f"totals.{attribute}", template, stated=getattr(stated, attribute),
                                       computed=getattr(totals, attribute)))
    return problems
