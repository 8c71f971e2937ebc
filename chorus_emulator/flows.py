"""A deposited Factur-X flow (syntaxeFlux IN_DP_E2_CII_FACTURX): read, checked, and what its integration makes.

The file is opened with the ``factur-x`` library (the embedded CII XML), checked against the Factur-X EN 16931
XSD, then read with lxml. Every problem found is one entry of the flow report (consulterCRDetaille): XSD errors
in listeErreurTechnique, business errors in listeErreurDP. A flow without problem is integrated: it makes one
piece (works or invoice, after its frame in BT-23), as a submission would.

``factur-x`` and ``lxml`` are imported on the first Factur-X flow only, so that the emulator runs without them
(``python3 -m chorus_emulator``); a Factur-X flow then answers HTTP 500 naming the missing library.
"""

import datetime
import importlib
from decimal import Decimal, InvalidOperation

from .config import INVOICE_FRAMES, WORKS_FRAMES
from .deposits import partner_of, recipient_rule_problems
from .facts import (
    CII_NAMESPACES,
    FACTURX_FLAVOR,
    FACTURX_LEVEL,
    FLOW_ERROR_DP_LABEL_KEY,
    FLOW_ERROR_DP_NUMBER_KEY,
    FLOW_ERROR_TECHNICAL_LABEL_KEY,
    FLOW_INTEGRATED,
    FLOW_REJECTED,
    MAX_PIECE_NUMBER_LENGTH,
    MAX_REFERENCE_LENGTH,
    SIRET_SCHEME_ID,
)
from .replies import business_error, gateway_error

CENT = Decimal("0.01")
# BT-23 short code ("A4") -> the frame a supplier may deposit ("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR").
WORKS_FRAME_BY_CODE = {frame.split("_", 1)[0]: frame for frame in WORKS_FRAMES}
INVOICE_FRAME_BY_CODE = {frame.split("_", 1)[0]: frame for frame in INVOICE_FRAMES}
CREDIT_NOTE_TYPE_CODES = ("381",)  # BT-3 of a credit note (UNTDID 1001): typeFacture AVOIR
NOTES_PATH = "rsm:ExchangedDocument/ram:IncludedNote/ram:Content"  # BT-22, every document note
NOTES_FIELD = "BT-22 ExchangedDocument/IncludedNote/Content"

_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_SIRET = f"ram:SpecifiedLegalOrganization/ram:ID[@schemeID='{SIRET_SCHEME_ID}']"

# key of the parsed data -> (name of the field in error messages, CII path below rsm:CrossIndustryInvoice)
FIELDS = {
    "frame": ("BT-23 BusinessProcessSpecifiedDocumentContextParameter/ID",
              "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
    "number": ("BT-1 ExchangedDocument/ID", "rsm:ExchangedDocument/ram:ID"),
    "type_code": ("BT-3 ExchangedDocument/TypeCode", "rsm:ExchangedDocument/ram:TypeCode"),
    "date": ("BT-2 ExchangedDocument/IssueDateTime", "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"),
    "currency": ("BT-5 InvoiceCurrencyCode", f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"),
    "seller_siret": ("BT-30 SellerTradeParty/SpecifiedLegalOrganization/ID",
                     f"{_AGREEMENT}/ram:SellerTradeParty/{_SIRET}"),
    "buyer_siret": ("BT-47 BuyerTradeParty/SpecifiedLegalOrganization/ID",
                    f"{_AGREEMENT}/ram:BuyerTradeParty/{_SIRET}"),
    "service_code": ("BT-10 BuyerReference", f"{_AGREEMENT}/ram:BuyerReference"),
    "commitment": ("BT-13 BuyerOrderReferencedDocument/IssuerAssignedID",
                   f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
    "contract": ("BT-12 ContractReferencedDocument/IssuerAssignedID",
                 f"{_AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID"),
}
TOTALS = {
    "line_total": ("BT-106 LineTotalAmount", f"{_SUMMATION}/ram:LineTotalAmount"),
    "tax_basis": ("BT-109 TaxBasisTotalAmount", f"{_SUMMATION}/ram:TaxBasisTotalAmount"),
    "tax_total": ("BT-110 TaxTotalAmount", f"{_SUMMATION}/ram:TaxTotalAmount"),
    "grand_total": ("BT-112 GrandTotalAmount", f"{_SUMMATION}/ram:GrandTotalAmount"),
    "due": ("BT-115 DuePayableAmount", f"{_SUMMATION}/ram:DuePayableAmount"),
}


def dp_error(number, label):
    """One entry of listeErreurDP: the piece number and "<field>: <what is wrong>" (keys UNCERTAIN, see facts.py)."""
    return {FLOW_ERROR_DP_NUMBER_KEY: number or "", FLOW_ERROR_DP_LABEL_KEY: label}


def technical_error(message):
    """One entry of listeErreurTechnique (key UNCERTAIN, see facts.py)."""
    return {FLOW_ERROR_TECHNICAL_LABEL_KEY: message}


def _module(name):
    """The library ``name`` (facturx, lxml.etree), imported now; an HTTP 500 naming it when it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise gateway_error(500, f"The emulator reads Factur-X flows with the {name.split('.')[0]} library, which "
                            "is not installed (pip install -r requirements-test.txt)") from None


def embedded_xml(content):
    """The CII XML a Factur-X PDF carries; a business error (the deposit is refused) when there is none."""
    if not content.startswith(b"%PDF-"):
        raise business_error("file_rejected", "fichierFlux: the file is not a PDF (a Factur-X flow is a PDF/A-3)")
    library = _module("facturx")
    try:
        _name, xml = library.get_xml_from_pdf(content, check_xsd=False)
    except Exception as error:  # the PDF reader raises many kinds of errors on a broken file
        raise business_error("file_rejected", f"fichierFlux: the PDF cannot be read ({error})") from None
    if not xml:
        raise business_error("file_rejected", "fichierFlux: the PDF carries no Factur-X XML")
    return xml


def xsd_problems(xml):
    """The errors of the XML against the Factur-X EN 16931 XSD (empty when valid)."""
    library = _module("facturx")
    try:
        library.xml_check_xsd(xml, flavor=FACTURX_FLAVOR, level=FACTURX_LEVEL)
    except Exception as error:  # the library raises a bare Exception, lxml's error as its cause
        log = getattr(error.__cause__, "error_log", None)
        if log:
            return [f"XSD {FACTURX_FLAVOR} {FACTURX_LEVEL}, line {entry.line}: {entry.message}" for entry in log]
        return [f"XSD {FACTURX_FLAVOR} {FACTURX_LEVEL}: {error}"]
    return []


def _text(root, path):
    found = root.find(path, CII_NAMESPACES)
    return (found.text or "").strip() if found is not None else ""


def parse(xml):
    """The data the emulator checks, read from a CII XML: texts, and totals as text ("" when absent)."""
    root = _module("lxml.etree").fromstring(xml)
    data = {key: _text(root, path) for key, (_name, path) in FIELDS.items()}
    data.update({key: _text(root, path) for key, (_name, path) in TOTALS.items()})
    data["notes"] = [(note.text or "").strip() for note in root.iterfind(NOTES_PATH, CII_NAMESPACES)]
    return data


def examine(api, content):
    """Read and check a Factur-X flow: (its data, listeErreurDP, listeErreurTechnique, the piece record or None).

    The piece record is given when there is no error; the caller stores it (a number already deposited by the
    supplier still rejects the flow: see State.add_flow).
    """
    xml = embedded_xml(content)
    technical = [technical_error(problem) for problem in xsd_problems(xml)]
    if technical:
        return {}, [], technical, None
    data = parse(xml)
    number = data["number"]
    errors = []

    def problem(key, message):
        name = NOTES_FIELD if key == "notes" else FIELDS.get(key, TOTALS.get(key, (key,)))[0]
        errors.append(dp_error(number, f"{name}: {message}"))

    frame, kind = _check_frame(api, data, problem)
    _check_partner_note(api, frame, data, problem)
    _check_number(data, problem)
    contractor = _check_seller(api, data, problem)
    recipient = _check_buyer(api, data, problem)
    if recipient is not None:
        errors += [dp_error(number, message) for _kind, message in recipient_rule_problems(
            recipient, data["service_code"], data["commitment"], FIELDS["service_code"][0], FIELDS["commitment"][0])]
    for key in ("commitment", "contract"):
        if len(data[key]) > MAX_REFERENCE_LENGTH:
            problem(key, f"{len(data[key])} characters; at most {MAX_REFERENCE_LENGTH} allowed")
    amounts = _check_totals(data, problem)
    issued = _date(data["date"])
    if issued is None:
        problem("date", f"{data['date']!r} is not a date (format 102, YYYYMMDD)")
    summary = {**data, **{key: float(value) for key, value in amounts.items()}}
    if errors:
        return summary, errors, [], None
    piece = {
        "kind": kind, "numeroFacture": number, "frame": frame, "dateFacture": issued.isoformat(),
        "idFournisseur": contractor.id, "idDestinataire": recipient.id, "codeDestinataire": recipient.siret,
        "designationDestinataire": recipient.name, "codeServiceExecutant": data["service_code"],
        "codeStructureValideur": "", "numeroMarche": data["contract"], "numeroBonCommande": data["commitment"],
        "typeFacture": "AVOIR" if data["type_code"] in CREDIT_NOTE_TYPE_CODES else "FACTURE",
        "devise": data["currency"] or "EUR", "montantHT": float(amounts["tax_basis"]),
        "montantTVA": float(amounts["tax_total"]), "montantTTC": float(amounts["grand_total"]),
        "montantAPayer": float(amounts["due"]), "pieceJointeIds": [], "payload": {},
    }
    return summary, [], [], piece


def duplicate_error(piece):
    """The listeErreurDP entry of a flow whose piece number the supplier already deposited."""
    return dp_error(piece["numeroFacture"], f"{FIELDS['number'][0]}: {piece['numeroFacture']!r} was already "
                    "deposited by this supplier")


def _check_frame(api, data, problem):
    """(the frame, "works" or "invoice") of BT-23; (None, None) when the flow cannot be taken in that frame."""
    code = data["frame"]
    if code in WORKS_FRAME_BY_CODE:
        if api.flow_works_frames:
            return WORKS_FRAME_BY_CODE[code], "works"
        problem("frame", f"{code!r} is a works frame, which is not taken in a flow")
        return None, None
    if code in INVOICE_FRAME_BY_CODE:
        return INVOICE_FRAME_BY_CODE[code], "invoice"
    known = ", ".join([*INVOICE_FRAME_BY_CODE, *(WORKS_FRAME_BY_CODE if api.flow_works_frames else ())])
    problem("frame", f"{code!r} is not a frame a supplier may deposit (expected one of {known})" if code
            else f"required: the frame's short code (one of {known})")
    return None, None


def _check_partner_note(api, frame, data, problem):
    """A subcontractor's or co-contractor's flow names its partner by its SIRET in a document note (UNCERTAIN: a
    flow has no validator field)."""
    partner, who = partner_of(api.state.seed, frame)
    if not who:
        return
    siret = partner.siret if partner is not None else ""
    if not siret or not any(siret in note for note in data["notes"]):
        problem("notes", f"a piece {data['frame']} must name {who} by its SIRET {siret!r} in a note")


def _check_number(data, problem):
    number = data["number"]
    if not number:
        problem("number", "required: the piece number")
    elif len(number) > MAX_PIECE_NUMBER_LENGTH:
        problem("number", f"{len(number)} characters; at most {MAX_PIECE_NUMBER_LENGTH} allowed")


def _check_seller(api, data, problem):
    contractor = api.state.seed.contractor
    if data["seller_siret"] != contractor.siret:
        problem("seller_siret", f"{data['seller_siret']!r} is not the SIRET of a structure of this account "
                f"(scheme {SIRET_SCHEME_ID}; expected {contractor.siret})")
    return contractor


def _check_buyer(api, data, problem):
    siret = data["buyer_siret"]
    recipient = api.state.seed.by_siret(siret) if siret else None
    if recipient is None or not recipient.public:
        problem("buyer_siret", f"no public structure {siret!r} (scheme {SIRET_SCHEME_ID})" if siret
                else f"required: the SIRET of the public body (scheme {SIRET_SCHEME_ID})")
        return None
    return recipient


def _check_totals(data, problem):
    """The totals as Decimals (those that read); the sums checked to the cent."""
    amounts = {}
    for key in TOTALS:
        try:
            amounts[key] = Decimal(data[key])
        except InvalidOperation:
            problem(key, f"{data[key]!r} is not an amount" if data[key] else "required")
    if {"tax_basis", "tax_total", "grand_total"} <= amounts.keys():
        expected = (amounts["tax_basis"] + amounts["tax_total"]).quantize(CENT)
        if amounts["grand_total"].quantize(CENT) != expected:
            problem("grand_total", f"{data['grand_total']} must equal TaxBasisTotalAmount + TaxTotalAmount "
                    f"({expected})")
    if {"grand_total", "due"} <= amounts.keys() and amounts["due"] > amounts["grand_total"]:
        problem("due", f"{data['due']} cannot exceed GrandTotalAmount ({data['grand_total']})")
    return amounts


def _date(value):
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def flow_state(errors, technical):
    """etatCourantDepotFlux of a flow with these errors."""
    return FLOW_REJECTED if errors or technical else FLOW_INTEGRATED
