"""Works pieces ("situations de travaux") as plain data, their totals and their Chorus Pro payloads.

Pure module: no I/O, no Odoo. Money is ``Decimal`` rounded to the cent with ROUND_HALF_UP:

- a line's cumulative amount = contract amount x cumulative progress / 100, rounded to the cent;
- a line's period amount = cumulative amount - previous cumulative amount (exact, both in cents). It may be
  negative when a line's progress is revised downward (a "moins-value"); checks.py only refuses a negative
  total for the situation;
- VAT is computed per rate on the sum of the period amounts at that rate, rounded once per rate; VAT lines
  are sorted by ascending rate;
- the retention (retenue de garantie) = retention rate % of the period amount including VAT, rounded to
  the cent; the amount to pay = total including VAT - retention.

Payload amounts are JSON numbers (Python floats) whose shortest representation is the exact cent value.
The same input always gives the same payload (lines in input order, VAT lines by rate).
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum

from .endpoints import DEPOSIT_MODE_PDF, MAX_PIECE_NUMBER_LENGTH

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
INVOICE_TYPE = "FACTURE"
VAT_TYPES = ("TVA_SUR_DEBIT", "TVA_SUR_ENCAISSEMENT", "EXONERATION", "SANS_TVA")
PAYMENT_MODE = "VIREMENT"
LINE_UNIT = "lot"  # UNCERTAIN: Chorus Pro takes a free unit label; a situation line is billed as 1 lot
RETENTION_COMMENT = "Retenue de garantie {rate} % : {amount} {currency}"
# UNCERTAIN: the shared notes (and OCA's client) send pieceJointePrincipale as a list of one item; the official
# Factures Swagger's soumettre declares one object. The works submission is undocumented: the list is kept.
MAIN_ATTACHMENT_AS_LIST = True
_WORK_PRECISION = 60  # digits for intermediate products, far above any amount, so only the final rounding counts


class Frame(str, Enum):
    """Works frames (codeCadreFacturation) a contractor may deposit."""

    A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    A5 = "A5_ETAT_ACOMPTE_FOURNISSEUR"
    A6 = "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"
    A7 = "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"
    A8 = "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"
    A10 = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
    A11 = "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT"
    A13 = "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT"
    A14 = "A14_PROJET_DECOMPTE_FINAL_COTRAITANT"

    @property
    def short(self):
        """The short code of the frame, e.g. "A4"."""
        return self.name

    @property
    def final(self):
        """True for the frames of the end of the contract (A7, A8, A11, A14)."""
        return self in (Frame.A7, Frame.A8, Frame.A11, Frame.A14)


# The company's role in the contract (issue 18). The frames and the parties of its pieces follow from it.
ROLE_MAIN = "main"  # titulaire (alone, or the groupement's mandatary depositing its own share)
ROLE_COCONTRACTOR = "cocontractor"  # cotraitant of a groupement: its own share, through the mandatary
ROLE_SUBCONTRACTOR = "subcontractor"  # sous-traitant paid directly by the public buyer (paiement direct)
ROLES = (ROLE_MAIN, ROLE_COCONTRACTOR, ROLE_SUBCONTRACTOR)
# The other contractor a role's piece names: the main contractor for a subcontractor, the mandatary for a groupement.
ROLES_WITH_PARTNER = (ROLE_COCONTRACTOR, ROLE_SUBCONTRACTOR)

# UNCERTAIN (the notes name the parties of a titulaire's piece only): where a co-contractor's or subcontractor's
# piece names its partner (the mandatary, the main contractor). Candidates:
# - PARTNER_AS_VALIDATOR: the partner is the piece's first validator (codeStructureValideur / codeServiceValideur),
#   as the law has the main contractor accept a subcontractor's payment request first (R2193-11 and following of
#   the Code de la commande publique); the project manager (MOE) follows on Chorus Pro;
# - PARTNER_IN_COMMENT: the project manager stays the validator, as for the titulaire's pieces; the partner's name
#   and SIRET are only stated in the piece's comment.
PARTNER_AS_VALIDATOR = "validator"
PARTNER_IN_COMMENT = "comment"
PARTNER_PLACEMENTS = (PARTNER_AS_VALIDATOR, PARTNER_IN_COMMENT)
PARTNER_PLACEMENT = PARTNER_AS_VALIDATOR
# UNCERTAIN (the notes and the Swagger list no "validated statement" frame of a subcontractor or co-contractor, only
# the titulaire's A6 / A8): what a co-contractor's or subcontractor's company deposits when the project owner accepts
# its situation. Candidates:
# - ACCEPTANCE_NO_PIECE: nothing (its A10 / A13 goes through the MOE and MOA on Chorus Pro; the acceptance is
#   recorded in Odoo only);
# - ACCEPTANCE_AS_MAIN: the titulaire's frames A6 / A8.
ACCEPTANCE_NO_PIECE = "no_piece"
ACCEPTANCE_AS_MAIN = "as_main"
ACCEPTANCES = (ACCEPTANCE_NO_PIECE, ACCEPTANCE_AS_MAIN)
ROLE_ACCEPTANCE = ACCEPTANCE_NO_PIECE
# What a partner's piece says of the role, in French (sent to Chorus Pro and printed on the PDF copy).
ROLE_STATEMENTS = {
    ROLE_SUBCONTRACTOR: "Sous-traitant de {name} (SIRET {siret}), paiement direct",
    ROLE_COCONTRACTOR: "Cotraitant du groupement, mandataire {name} (SIRET {siret})",
}

_FRAMES_BY_STEP = {
    (ROLE_MAIN, "present", False): Frame.A4,
    (ROLE_MAIN, "present", True): Frame.A7,
    (ROLE_MAIN, "accept", False): Frame.A6,
    (ROLE_MAIN, "accept", True): Frame.A8,
    (ROLE_SUBCONTRACTOR, "present", False): Frame.A10,
    (ROLE_SUBCONTRACTOR, "present", True): Frame.A11,
    (ROLE_COCONTRACTOR, "present", False): Frame.A13,
    (ROLE_COCONTRACTOR, "present", True): Frame.A14,
}
# The frames a role presents its situation with, and those of the project owner's acceptance.
PRESENTED_FRAMES = (Frame.A4, Frame.A7, Frame.A10, Frame.A11, Frame.A13, Frame.A14)
ACCEPTED_FRAMES = (Frame.A6, Frame.A8)


def frame_for(step, final, role=ROLE_MAIN, acceptance=None):
    """The frame of a step of a role: "present" -> A4/A7 (titulaire), A13/A14 (cotraitant), A10/A11 (sous-traitant);
    "accept" -> A6/A8 for the titulaire, and for the others what ``acceptance`` (None: ROLE_ACCEPTANCE) says: None
    (no piece) or A6/A8.
    """
    if step not in ("present", "accept"):
        raise ValueError(f"Unknown works step {step!r}: expected 'present' or 'accept'.")
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: expected one of {', '.join(ROLES)}.")
    if step == "accept" and role != ROLE_MAIN:
        if (acceptance or ROLE_ACCEPTANCE) == ACCEPTANCE_NO_PIECE:
            return None
        role = ROLE_MAIN
    return _FRAMES_BY_STEP[(role, step, bool(final))]


def role_of(frame):
    """The role whose frames include ``frame``: A10/A11 a subcontractor's, A13/A14 a co-contractor's, else main."""
    frame = Frame(frame)
    if frame in (Frame.A10, Frame.A11):
        return ROLE_SUBCONTRACTOR
    if frame in (Frame.A13, Frame.A14):
        return ROLE_COCONTRACTOR
    return ROLE_MAIN


def role_statement(role, partner):
    """What a piece of ``role`` says of it ("Sous-traitant de X (SIRET ...), paiement direct"); "" for the main
    contractor or without a partner."""
    if role not in ROLE_STATEMENTS or partner is None:
        return ""
    return ROLE_STATEMENTS[role].format(name=partner.name or "", siret=partner.siret or "")


def to_decimal(value):
    """``value`` as a Decimal; floats go through their shortest repr (1.1 -> Decimal("1.1"))."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def money(value):
    """``value`` rounded to the cent, ROUND_HALF_UP."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def french_number(value):
    """``value`` rounded to the cent as French text: "1 234,50" (space between thousands, decimal comma)."""
    return f"{money(value):,.2f}".replace(",", " ").replace(".", ",")


def retention_comment(rate, amount, currency):
    """The text stating the retention, in French number format: "Retenue de garantie 5,00 % : 390,00 EUR"."""
    return RETENTION_COMMENT.format(rate=french_number(rate), amount=french_number(amount), currency=currency)


def percent_of(amount, rate):
    """``rate`` % of ``amount``, rounded to the cent (ROUND_HALF_UP, no intermediate rounding)."""
    with localcontext() as context:
        context.prec = _WORK_PRECISION
        return money(to_decimal(amount) * to_decimal(rate) / HUNDRED)


@dataclass(frozen=True)
class Party:
    """A structure on Chorus Pro: SIRET, name, service code and Chorus structure id (idStructureCPP)."""

    siret: str
    name: str = ""
    service_code: str = ""
    id_structure: int | None = None


@dataclass(frozen=True)
class Contract:
    """The public works contract: its number, legal commitment number, owner (MOA) and manager (MOE)."""

    number: str
    commitment_number: str
    owner: Party
    manager: Party


@dataclass(frozen=True)
class SituationLine:
    """One line of a situation: contract amount, cumulative progress and previous cumulative amount.

    ``stated_cumulative_amount`` / ``stated_period_amount`` are optional amounts as shown elsewhere (e.g.
    on the PDF); checks.py reports them when they differ from the computed ones.
    """

    description: str
    contract_amount: Decimal
    progress_percent: Decimal
    previous_cumulative_amount: Decimal
    vat_rate: Decimal = Decimal(20)
    reference: str = ""
    stated_cumulative_amount: Decimal | None = None
    stated_period_amount: Decimal | None = None

    def __post_init__(self):
        for name in ("contract_amount", "progress_percent", "previous_cumulative_amount", "vat_rate"):
            object.__setattr__(self, name, to_decimal(getattr(self, name)))
        for name in ("stated_cumulative_amount", "stated_period_amount"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, to_decimal(getattr(self, name)))

    @property
    def cumulative_amount(self):
        """Contract amount x cumulative progress / 100, rounded to the cent."""
        return percent_of(self.contract_amount, self.progress_percent)

    @property
    def period_amount(self):
        """Amount of the period: cumulative amount - previous cumulative amount (may be negative)."""
        with localcontext() as context:
            context.prec = _WORK_PRECISION
            return self.cumulative_amount - money(self.previous_cumulative_amount)


@dataclass(frozen=True)
class VatLine:
    """VAT of one rate: the untaxed base (sum of period amounts at that rate) and the VAT amount."""

    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    """Totals of a situation's period: untaxed, VAT lines, tax, total with VAT, retention and amount due."""

    untaxed: Decimal
    vat_lines: tuple
    tax: Decimal
    total: Decimal
    retention: Decimal
    due: Decimal


def compute_totals(lines, retention_rate):
    """Totals of the period amounts of ``lines``: VAT rounded per rate, retention on the total with VAT."""
    with localcontext() as context:
        context.prec = _WORK_PRECISION
        periods = [(line.vat_rate, line.period_amount) for line in lines]
        bases = {}
        for rate, amount in periods:
            bases[rate] = bases.get(rate, Decimal("0.00")) + amount
        vat_lines = tuple(VatLine(rate, money(bases[rate]), percent_of(bases[rate], rate)) for rate in sorted(bases))
        untaxed = money(sum((amount for _, amount in periods), Decimal("0.00")))
        tax = money(sum((vat.amount for vat in vat_lines), Decimal("0.00")))
        total = untaxed + tax
        retention = percent_of(total, retention_rate)
        return Totals(untaxed=untaxed, vat_lines=vat_lines, tax=tax, total=total, retention=retention,
                      due=total - retention)


@dataclass(frozen=True)
class Document:
    """A file to attach: its name (with extension), its bytes and its MIME type."""

    name: str
    content: bytes
    mime_type: str = "application/pdf"

    def __repr__(self):
        return f"Document(name={self.name!r}, size={len(self.content or b'')}, mime_type={self.mime_type!r})"


@dataclass(frozen=True)
class Situation:
    """A progress statement: its reference, dates, parties, lines, retention rate and PDF copy.

    ``piece_number`` is the situation's reference (e.g. "SIT-2026-0007"); the number sent to Chorus Pro is
    ``piece_number(situation.piece_number, frame)``, which leaves an already suffixed number unchanged.
    ``stated_totals``, if given (e.g. the totals printed on the PDF), is compared with the computed totals.
    """

    piece_number: str
    date: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    final: bool
    contractor: Party
    contract: Contract
    lines: tuple
    retention_rate: Decimal
    document: Document
    currency: str = "EUR"
    vat_type: str = "TVA_SUR_DEBIT"
    stated_totals: Totals | None = None
    role: str = ROLE_MAIN
    partner: Party | None = None  # the main contractor (subcontractor) or the groupement's mandatary (co-contractor)

    def __post_init__(self):
        object.__setattr__(self, "lines", tuple(self.lines))
        for name in ("date", "period_start", "period_end"):
            if isinstance(getattr(self, name), datetime.datetime):
                object.__setattr__(self, name, getattr(self, name).date())
        object.__setattr__(self, "retention_rate", to_decimal(self.retention_rate))

    @property
    def totals(self):
        """The computed totals of the situation."""
        return compute_totals(self.lines, self.retention_rate)

    def number_for(self, frame):
        """The piece number sent to Chorus Pro for ``frame``."""
        return piece_number(self.piece_number, frame)


def piece_number(situation_reference, frame):
    """Stable piece number "<reference>-<frame short>", at most MAX_PIECE_NUMBER_LENGTH (20) characters.

    A reference that already ends with "-<frame short>" and fits is returned unchanged (idempotent). A
    reference too long is cut and followed by "-" and the first 8 hex digits (upper case) of the SHA-256 of
    the whole reference, then the frame suffix: "<start of reference>-1A2B3C4D-A4", exactly the maximum length.
    """
    reference = (situation_reference or "").strip()
    if not reference:
        raise ValueError("A situation reference is needed to number a works piece.")
    frame = Frame(frame)
    suffix = f"-{frame.short}"
    if reference.endswith(suffix) and len(reference) <= MAX_PIECE_NUMBER_LENGTH:
        return reference
    if len(reference) + len(suffix) <= MAX_PIECE_NUMBER_LENGTH:
        return reference + suffix
    digest = hashlib.sha256(reference.encode("utf-8")).hexdigest()[:8].upper()
    keep = MAX_PIECE_NUMBER_LENGTH - len(suffix) - len(digest) - 1
    return f"{reference[:keep]}-{digest}{suffix}"


def amount_json(value):
    """A cent amount as a JSON number (float whose repr is the exact cent value)."""
    return float(money(value))


def rate_json(value):
    """A rate as a JSON number."""
    return float(to_decimal(value))


def _line_payload(index, line):
    """One lignePoste entry: the line billed as 1 lot at its period amount."""
    entry = {
        "lignePosteNumero": index,
        "lignePosteDenomination": line.description,
        "lignePosteQuantite": 1,
        "lignePosteUnite": LINE_UNIT,
        "lignePosteMontantUnitaireHT": amount_json(line.period_amount),
        "lignePosteTauxTvaManuel": rate_json(line.vat_rate),
    }
    if line.reference:
        entry["lignePosteReference"] = line.reference
    return entry


def _vat_payload(vat):
    """One ligneTva entry."""
    return {
        "ligneTvaTauxManuel": rate_json(vat.rate),
        "ligneTvaMontantBaseHtParTaux": amount_json(vat.base),
        "ligneTvaMontantTvaParTaux": amount_json(vat.amount),
    }


def _without_empty(mapping):
    """``mapping`` without its keys whose value is "" (optional codes left out rather than sent empty)."""
    return {key: value for key, value in mapping.items() if value != ""}


def _totals_payload(totals):
    """The montantTotal block."""
    return {
        "montantHtTotal": amount_json(totals.untaxed),
        "montantTVA": amount_json(totals.tax),
        "montantTtcTotal": amount_json(totals.total),
        "montantAPayer": amount_json(totals.due),
    }


def validator_of(frame, situation, placement=None):
    """The piece's first validator: the partner of a co-contractor's or subcontractor's frame when ``placement``
    (None: PARTNER_PLACEMENT) is PARTNER_AS_VALIDATOR, else the project manager (MOE)."""
    partner_frame = role_of(frame) in ROLES_WITH_PARTNER
    if partner_frame and situation.partner is not None and (placement or PARTNER_PLACEMENT) == PARTNER_AS_VALIDATOR:
        return situation.partner
    return situation.contract.manager


def piece_comment(frame, situation):
    """The piece's comment: the role's statement (a partner's frame) and the retention, one per line ("" if none)."""
    totals = situation.totals
    parts = []
    if role_of(frame) in ROLES_WITH_PARTNER:
        parts.append(role_statement(role_of(frame), situation.partner))
    if totals.retention:
        # It explains the gap between the total and the amount to pay, to a French reader.
        parts.append(retention_comment(situation.retention_rate, totals.retention, situation.currency))
    return "\n".join(part for part in parts if part)


def build_works_payload(frame, situation, attachment_id=None, placement=None):
    """The facturesTravaux soumettre body of ``situation`` deposited as ``frame`` (same shape for all frames).

    Empty optional codes (service codes, commitment number) are left out. pieceJointePrincipale names the
    document; its pieceJointePrincipaleId is set only when ``attachment_id`` is given. The validator is the
    project manager, or the partner of a co-contractor's or subcontractor's piece (``placement``, see
    PARTNER_PLACEMENT), whose role statement is in the comment either way.
    """
    frame = Frame(frame)
    contract = situation.contract
    validator = validator_of(frame, situation, placement)
    totals = situation.totals
    attachment = {"pieceJointePrincipaleDesignation": situation.document.name}
    if attachment_id is not None:
        attachment["pieceJointePrincipaleId"] = attachment_id
    payload = {
        "modeDepot": DEPOSIT_MODE_PDF,
        "pieceJointePrincipale": _main_attachment(attachment),
        "numeroFactureSaisi": piece_number(situation.piece_number, frame),
        "dateFacture": situation.date.isoformat(),
        "destinataire": _without_empty({"codeDestinataire": contract.owner.siret,
                                        "codeServiceExecutant": contract.owner.service_code}),
        "fournisseur": {"idFournisseur": situation.contractor.id_structure},
        "cadreDeFacturation": _without_empty({"codeCadreFacturation": frame.value,
                                              "codeStructureValideur": validator.siret,
                                              "codeServiceValideur": validator.service_code}),
        "references": _without_empty({"deviseFacture": situation.currency, "typeFacture": INVOICE_TYPE,
                                      "typeTva": situation.vat_type, "numeroMarche": contract.number,
                                      "numeroBonCommande": contract.commitment_number,
                                      "modePaiement": PAYMENT_MODE}),
        "lignePoste": [_line_payload(index, line) for index, line in enumerate(situation.lines, start=1)],
        "ligneTva": [_vat_payload(vat) for vat in totals.vat_lines],
        "montantTotal": _totals_payload(totals),
    }
    comment = piece_comment(frame, situation)
    if comment:
        payload["commentaire"] = comment
    return payload


def with_attachment(payload, attachment_id, designation=None, as_list=None):
    """A copy of ``payload`` whose main attachment is ``attachment_id`` (designation kept unless given).

    ``as_list`` chooses the shape of pieceJointePrincipale (None: MAIN_ATTACHMENT_AS_LIST).
    """
    current = payload.get("pieceJointePrincipale") or {}
    current = current[0] if isinstance(current, list) and current else current
    attachment = {"pieceJointePrincipaleDesignation": designation or current.get("pieceJointePrincipaleDesignation"),
                  "pieceJointePrincipaleId": attachment_id}
    return {**payload, "pieceJointePrincipale": _main_attachment(attachment, as_list)}


def _main_attachment(attachment, as_list=None):
    """pieceJointePrincipale in the shape ``as_list`` chooses (None: MAIN_ATTACHMENT_AS_LIST)."""
    return [attachment] if (MAIN_ATTACHMENT_AS_LIST if as_list is None else as_list) else attachment
