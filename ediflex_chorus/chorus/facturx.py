"""A works piece as a Factur-X file (PDF/A-3 carrying a CII XML, profile EN 16931) for a Chorus Pro flow.

Chorus Pro takes such a file through ``factures/v1/deposer/flux`` with syntax ``IN_DP_E2_CII_FACTURX``. Pure
module: no I/O, no Odoo; it needs the ``factur-x`` library (Akretion, the one OCA's Chorus modules use) for
the XSD check and the PDF embedding, and ``lxml`` (a dependency of that library) for the XML itself.

Where each EN 16931 business term goes (CII paths below ``rsm:CrossIndustryInvoice``):

- BT-23 business process = the frame's short code ("A4", "A6", "A10", "A13"...) (``business_process_id``); BT-24 =
  EN 16931; a co-contractor's or subcontractor's frame gets the role's statement as a note (ROLE_NOTE_SUBJECT);
- BT-1 = the piece number ``situation.number_for(frame)``; BT-2 = the statement date; BT-3 = INVOICE_TYPE_CODE;
- BG-4 seller = the contractor: BT-27 name, BT-30 SIRET (``SpecifiedLegalOrganization/ID``, scheme
  LEGAL_ID_SCHEME), BT-31 VAT id (given, or derived from the SIREN), BT-40 country SELLER_COUNTRY;
- BG-7 buyer = the project owner (MOA): BT-44 name, BT-47 SIRET (same scheme), BT-55 country BUYER_COUNTRY;
- BT-10 buyer reference = the executing service code; BT-12 contract = contract number; BT-13 purchase order =
  legal commitment number (both left out when empty, like BT-10);
- BG-14 invoicing period = the situation's period; BT-8 VAT point date code from the VAT type (VAT_DUE_DATE_CODES);
- BG-25 lines: one per situation line, billed as 1 unit (LINE_UNIT_CODE) at the line's period amount, VAT
  category S (Z for a 0 rate). A negative period amount (a "moins-value") is billed as quantity -1 at the
  positive price, since EN 16931 forbids a negative net price (BR-27);
- BG-23 VAT breakdown = ``situation.totals.vat_lines``; BG-22 totals = the computed totals; BT-20 payment terms
  = PAYMENT_TERMS (BR-CO-25 wants terms or a due date when an amount is due).

The retention (retenue de garantie) has no EN 16931 term. RETENTION_MODE chooses how it is carried:

- "note": a document note (BT-21 subject RETENTION_NOTE_SUBJECT, BT-22 its text) states it, and
  BT-115 DuePayableAmount = total with VAT - retention. Valid against the XSD; BUT the EN 16931 schematron
  (Factur-X 1.09, run locally with saxonche) reports one fatal rule, BR-CO-16 (BT-115 = BT-112 - BT-113 +
  BT-114), when there is a retention, since nothing in the totals explains the gap;
- "prepaid" (default): the same note, and the retention also as BT-113 TotalPrepaidAmount: BT-115 = total - retention
  and the schematron passes, but BT-113 means "already paid", which a retention is not.

UNCERTAIN: which one Chorus Pro takes (and whether it applies BR-CO-16 to flows): switch RETENTION_MODE.
A document allowance (BG-20) is no option: it would lower the VAT base, whereas the retention is taken on the
total with VAT. Amounts are written from Decimal with 2 decimals, never through float, and never as "-0.00".

PDF/A-3: the factur-x library embeds the XML and writes the XMP metadata (pdfaid part 3, conformance B, the
Factur-X extension schema) but adds no output intent, no file identifier, and (factur-x 7.8,
``generate_from_binary``) writes its result over its input from where its reader stopped, so the file begins
with a piece of the source PDF before its real header. ``as_pdfa3`` rewrites the file from byte 0 with a
"%PDF-1.7" header and its binary comment, a trailer /ID, and an sRGB output intent (GTS_PDFA1) carrying the
ICC's own sRGB2014.icc profile (``data/``, with its licence; the same file Odoo ships for its PDF/A).
"""

import datetime
import hashlib
import io
import pathlib
import re
from decimal import Decimal

import facturx as facturx_lib
import pypdf
from lxml import etree
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from .works import CENT, ROLES_WITH_PARTNER, Frame, money, retention_comment, role_of, role_statement

FACTURX_FLAVOR = "factur-x"
FACTURX_LEVEL = "en16931"
GUIDELINE_ID = "urn:cen.eu:en16931:2017"  # BT-24 of the Factur-X EN 16931 profile
INVOICE_TYPE_CODE = "380"  # UNCERTAIN: BT-3 of a works piece (380 commercial invoice; 875/876/877 exist)
LEGAL_ID_SCHEME = "0002"  # UNCERTAIN: Chorus Pro's convention for a SIRET (ISO 6523 0009 is "SIRET-CODE")
SELLER_COUNTRY = "FR"  # the contractor has a SIRET, so it is French
BUYER_COUNTRY = "FR"  # a Chorus Pro public body
LINE_UNIT_CODE = "C62"  # UN/ECE rec. 20 "one": a situation line is billed as 1 unit
VAT_TYPE_CODE = "VAT"
STANDARD_CATEGORY = "S"
ZERO_CATEGORY = "Z"
# BT-8 (UNTDID 2005) from the Chorus Pro VAT type: VAT on debits -> 5 (invoice date), on receipts -> 72 (paid).
VAT_DUE_DATE_CODES = {"TVA_SUR_DEBIT": "5", "TVA_SUR_ENCAISSEMENT": "72"}
PAYMENT_TERMS = "Payment within the statutory period of public procurement."  # UNCERTAIN: BT-20 wording
RETENTION_MODES = ("note", "prepaid")
# UNCERTAIN: how Chorus Pro wants the retention (see the module docstring). "prepaid" by default: a flow that
# breaks a blocking EN 16931 rule (BR-CO-16, with "note") would most likely be rejected.
RETENTION_MODE = "prepaid"
RETENTION_NOTE_SUBJECT = "AAB"  # UNCERTAIN: UNTDID 4451 "terms of payments"
# UNCERTAIN (issue 18): a flow has no field for the partner of a co-contractor's or subcontractor's piece (the main
# contractor, the mandatary); the role's statement with its SIRET goes in a document note (BT-22) of this subject
# (UNTDID 4451 "general information").
ROLE_NOTE_SUBJECT = "AAI"
PDF_LANG = "fr-FR"
DATE_FORMAT = "102"  # CCYYMMDD
PDF_HEADER = b"%PDF-1.7"  # PDF/A-3 is built on PDF 1.7 (ISO 32000-1)
ICC_PROFILE = pathlib.Path(__file__).resolve().parent / "data" / "sRGB2014.icc"  # the ICC's sRGB v2 profile
OUTPUT_CONDITION = "sRGB IEC61966-2.1"  # the ICC registry's name of that characterisation
OUTPUT_INTENT_SUBTYPE = "/GTS_PDFA1"  # the output intent subtype PDF/A (every part) reads

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def business_process_id(frame):
    """BT-23 of ``frame``: its short code ("A4"), Chorus Pro's convention for the frame of a flow (UNCERTAIN)."""
    return Frame(frame).short


def amount_text(value):
    """A cent amount as text with exactly 2 decimals, from Decimal (never float); no "-0.00"."""
    amount = money(value)
    return format(abs(amount) if amount == 0 else amount, "f")


def rate_text(rate):
    """A VAT rate as text: 2 decimals when exact to the cent ("20.00", "5.50"), else all its digits."""
    rate = Decimal(rate)
    if rate == rate.quantize(CENT):
        return format(rate.quantize(CENT), "f")
    return format(rate.normalize(), "f")


def date_text(value):
    """A date in format 102 (CCYYMMDD)."""
    return value.strftime("%Y%m%d")


def french_vat_id(siret):
    """The French VAT number derived from a SIRET's SIREN: "FR" + key (12 + 3 x (SIREN mod 97)) mod 97 + SIREN."""
    siren = str(siret or "").strip()[:9]
    if not siren.isdigit() or len(siren) != 9:
        return ""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def vat_category(rate):
    """The VAT category of a rate: S (standard) for a positive rate, Z (zero rated) for 0."""
    return STANDARD_CATEGORY if Decimal(rate) else ZERO_CATEGORY


def xml_text(value):
    """``value`` as text without the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _NOT_XML.sub("", str(value))


def _tag(prefix, name):
    """The Clark name of ``prefix:name``."""
    return f"{{{NS[prefix]}}}{name}"


def _add(parent, path, text=None, **attributes):
    """Append the chain ``path`` ("ram:A/ram:B") under ``parent``; set text and attributes on the last one."""
    element = parent
    for step in path.split("/"):
        prefix, name = step.split(":")
        element = etree.SubElement(element, _tag(prefix, name))
    if text is not None:
        element.text = xml_text(text)
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _add_date(parent, path, value):
    """Append a udt:DateTimeString of ``value`` (format 102) under ``parent/path``."""
    _add(parent, f"{path}/udt:DateTimeString", date_text(value), format=DATE_FORMAT)


def _context(root, frame, process_id=None):
    """BT-23 (the frame, or ``process_id`` when given) and BT-24 (the EN 16931 guideline)."""
    context = _add(root, "rsm:ExchangedDocumentContext")
    process_id = process_id or business_process_id(frame)
    _add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", process_id)
    _add(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", GUIDELINE_ID)


def retention_note(situation, totals):
    """The text stating the retention (rate and amount), as in the soumettre payload's comment."""
    return retention_comment(situation.retention_rate, totals.retention, situation.currency)


def _document(root, frame, situation, totals, issue_date):
    """BT-1 number, BT-3 type, BT-2 date, the role's note of a partner's frame and the retention note (BG-1)."""
    document = _add(root, "rsm:ExchangedDocument")
    _add(document, "ram:ID", situation.number_for(frame))
    _add(document, "ram:TypeCode", INVOICE_TYPE_CODE)
    _add_date(document, "ram:IssueDateTime", issue_date or situation.date)
    statement = role_statement(role_of(frame), situation.partner) if role_of(frame) in ROLES_WITH_PARTNER else ""
    if statement:
        note = _add(document, "ram:IncludedNote")
        _add(note, "ram:Content", statement)
        _add(note, "ram:SubjectCode", ROLE_NOTE_SUBJECT)
    if totals.retention:
        note = _add(document, "ram:IncludedNote")
        _add(note, "ram:Content", retention_note(situation, totals))
        _add(note, "ram:SubjectCode", RETENTION_NOTE_SUBJECT)


def _line(transaction, index, line):
    """One BG-25 line: the line billed as 1 unit at its period amount (-1 at the opposite price if negative)."""
    amount = money(line.period_amount)
    item = _add(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _add(item, "ram:AssociatedDocumentLineDocument/ram:LineID", index)
    product = _add(item, "ram:SpecifiedTradeProduct")
    if line.reference:
        _add(product, "ram:SellerAssignedID", line.reference)
    _add(product, "ram:Name", (line.description or "").strip() or line.reference or f"Line {index}")
    price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
    _add(item, price, amount_text(abs(amount)))
    _add(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "-1" if amount < 0 else "1",
         unitCode=LINE_UNIT_CODE)
    settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:TypeCode", VAT_TYPE_CODE)
    _add(tax, "ram:CategoryCode", vat_category(line.vat_rate))
    _add(tax, "ram:RateApplicablePercent", rate_text(line.vat_rate))
    _add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", amount_text(amount))


def _party(agreement, path, party, country, vat_id=""):
    """A trade party: name, SIRET as legal registration id, country, and VAT id when given."""
    element = _add(agreement, path)
    _add(element, "ram:Name", (party.name or "").strip() or party.siret)
    _add(element, "ram:SpecifiedLegalOrganization/ram:ID", party.siret, schemeID=LEGAL_ID_SCHEME)
    _add(element, "ram:PostalTradeAddress/ram:CountryID", country)
    if vat_id:
        _add(element, "ram:SpecifiedTaxRegistration/ram:ID", vat_id, schemeID="VA")


def _agreement(transaction, situation, seller_vat_id):
    """BT-10 service code, seller, buyer, BT-13 commitment and BT-12 contract (in the XSD's order)."""
    contract = situation.contract
    agreement = _add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if (contract.owner.service_code or "").strip():
        _add(agreement, "ram:BuyerReference", contract.owner.service_code.strip())
    _party(agreement, "ram:SellerTradeParty", situation.contractor, SELLER_COUNTRY, seller_vat_id)
    _party(agreement, "ram:BuyerTradeParty", contract.owner, BUYER_COUNTRY)
    if (contract.commitment_number or "").strip():
        _add(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", contract.commitment_number.strip())
    if (contract.number or "").strip():
        _add(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID", contract.number.strip())


def _vat_breakdown(settlement, vat, due_date_code):
    """One BG-23 entry: VAT amount, base, category and rate."""
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:CalculatedAmount", amount_text(vat.amount))
    _add(tax, "ram:TypeCode", VAT_TYPE_CODE)
    _add(tax, "ram:BasisAmount", amount_text(vat.base))
    _add(tax, "ram:CategoryCode", vat_category(vat.rate))
    if due_date_code:
        _add(tax, "ram:DueDateTypeCode", due_date_code)
    _add(tax, "ram:RateApplicablePercent", rate_text(vat.rate))


def retention_amounts(totals, mode=None):
    """(TotalPrepaidAmount or None, DuePayableAmount) of ``totals`` under the retention mode (RETENTION_MODE)."""
    mode = mode or RETENTION_MODE
    if mode not in RETENTION_MODES:
        raise ValueError(f"Unknown retention mode {mode!r}: expected one of {', '.join(RETENTION_MODES)}.")
    prepaid = totals.retention if mode == "prepaid" and totals.retention else None
    return prepaid, totals.total - totals.retention


def _summation(settlement, totals, currency, retention_mode):
    """BG-22: line total, tax basis, tax total (with its currency), grand total, prepaid and amount due."""
    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    prepaid, due = retention_amounts(totals, retention_mode)
    _add(summation, "ram:LineTotalAmount", amount_text(totals.untaxed))
    _add(summation, "ram:TaxBasisTotalAmount", amount_text(totals.untaxed))
    _add(summation, "ram:TaxTotalAmount", amount_text(totals.tax), currencyID=currency)
    _add(summation, "ram:GrandTotalAmount", amount_text(totals.total))
    if prepaid is not None:
        _add(summation, "ram:TotalPrepaidAmount", amount_text(prepaid))
    _add(summation, "ram:DuePayableAmount", amount_text(due))


def _settlement(transaction, situation, totals, retention_mode):
    """BT-5 currency, BG-23 VAT breakdown, BG-14 period, BT-20 payment terms and BG-22 totals."""
    settlement = _add(transaction, "ram:ApplicableHeaderTradeSettlement")
    _add(settlement, "ram:InvoiceCurrencyCode", situation.currency)
    due_date_code = VAT_DUE_DATE_CODES.get(situation.vat_type, "")
    for vat in totals.vat_lines:
        _vat_breakdown(settlement, vat, due_date_code)
    period = _add(settlement, "ram:BillingSpecifiedPeriod")
    _add_date(period, "ram:StartDateTime", situation.period_start)
    _add_date(period, "ram:EndDateTime", situation.period_end)
    _add(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description", PAYMENT_TERMS)
    _summation(settlement, totals, situation.currency, retention_mode)


def build_cii_element(frame, situation, issue_date=None, seller_vat_id=None, retention_mode=None, process_id=None):
    """The CII XML tree of ``situation`` deposited as ``frame`` (see ``build_cii_xml``)."""
    frame = Frame(frame)
    totals = situation.totals
    if seller_vat_id is None:
        seller_vat_id = french_vat_id(situation.contractor.siret)
    root = etree.Element(_tag("rsm", "CrossIndustryInvoice"), nsmap=NS)
    _context(root, frame, process_id)
    _document(root, frame, situation, totals, issue_date)
    transaction = _add(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(situation.lines, start=1):
        _line(transaction, index, line)
    _agreement(transaction, situation, seller_vat_id)
    _add(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, situation, totals, retention_mode)
    return root


def build_cii_xml(frame, situation, issue_date=None, seller_vat_id=None, retention_mode=None, process_id=None):
    """The Factur-X EN 16931 CII XML (UTF-8 bytes) of ``situation`` deposited as ``frame``.

    ``issue_date`` replaces the statement date as BT-2; ``seller_vat_id`` (BT-31) defaults to the VAT number
    derived from the contractor's SIREN ("" leaves it out); ``retention_mode`` defaults to RETENTION_MODE;
    ``process_id`` replaces the frame's short code in BT-23 (the deposit diagnostic tries other spellings).
    """
    root = build_cii_element(frame, situation, issue_date, seller_vat_id, retention_mode, process_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _error_lines(error):
    """The lines of an XSD validation error: every entry of lxml's error log when it is at hand."""
    cause = error.__cause__
    log = getattr(cause, "error_log", None)
    if log:
        return [f"line {entry.line}: {entry.message}" for entry in log]
    return [str(error)]


def check_cii_xml(xml_bytes):
    """Problems of ``xml_bytes`` against the Factur-X EN 16931 XSD (empty list when valid)."""
    if not xml_bytes:
        return ["The XML is empty."]
    try:
        facturx_lib.xml_check_xsd(xml_bytes, flavor=FACTURX_FLAVOR, level=FACTURX_LEVEL)
    except Exception as error:  # the library raises a bare Exception on an invalid file
        return _error_lines(error)
    return []


def _text(root, path):
    """The stripped text of the first element at ``path`` below ``root`` ("" when absent)."""
    found = root.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _decimal(root, path):
    """The Decimal at ``path`` below ``root`` (None when absent)."""
    text = _text(root, path)
    return Decimal(text) if text else None


def _date(root, path):
    """The date (format 102) at ``path``/udt:DateTimeString below ``root`` (None when absent)."""
    text = _text(root, f"{path}/udt:DateTimeString")
    return datetime.datetime.strptime(text, "%Y%m%d").date() if text else None


_CONTEXT = "rsm:ExchangedDocumentContext"
_TRANSACTION = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_LEGAL_ID = "ram:SpecifiedLegalOrganization/ram:ID"


def _parsed_line(item):
    """One line read back: reference, name, quantity, net price, amount, VAT category and rate."""
    tax = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
    return {
        "reference": _text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
        "description": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        "quantity": _decimal(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
        "net_price": _decimal(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"),
        "amount": _decimal(item, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
                                 "/ram:LineTotalAmount"),
        "vat_category": _text(item, f"{tax}/ram:CategoryCode"),
        "vat_rate": _decimal(item, f"{tax}/ram:RateApplicablePercent"),
    }


def _parsed_vat(tax):
    """One VAT breakdown entry read back as (rate, base, amount)."""
    return (_decimal(tax, "ram:RateApplicablePercent"), _decimal(tax, "ram:BasisAmount"),
            _decimal(tax, "ram:CalculatedAmount"))


def _parsed_totals(root):
    """BG-22 read back as Decimals; retention = grand total - amount due (prepaid or not)."""
    grand_total = _decimal(root, f"{_SUMMATION}/ram:GrandTotalAmount")
    due = _decimal(root, f"{_SUMMATION}/ram:DuePayableAmount")
    return {
        "line_total": _decimal(root, f"{_SUMMATION}/ram:LineTotalAmount"),
        "tax_basis": _decimal(root, f"{_SUMMATION}/ram:TaxBasisTotalAmount"),
        "tax_total": _decimal(root, f"{_SUMMATION}/ram:TaxTotalAmount"),
        "grand_total": grand_total,
        "prepaid": _decimal(root, f"{_SUMMATION}/ram:TotalPrepaidAmount"),
        "due": due,
        "retention": grand_total - due if grand_total is not None and due is not None else None,
        "vat_lines": [_parsed_vat(tax) for tax in root.iterfind(f"{_SETTLEMENT}/ram:ApplicableTradeTax", NS)],
    }


def parse_cii_xml(xml_bytes):
    """The main data of a CII XML as plain Python (the same keys as ``facturx_summary``)."""
    root = etree.fromstring(xml_bytes)
    seller = f"{_AGREEMENT}/ram:SellerTradeParty"
    buyer = f"{_AGREEMENT}/ram:BuyerTradeParty"
    lines = [_parsed_line(item) for item in root.iterfind(f"{_TRANSACTION}/ram:IncludedSupplyChainTradeLineItem", NS)]
    return {
        "frame": _text(root, f"{_CONTEXT}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
        "guideline": _text(root, f"{_CONTEXT}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
        "invoice_number": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "type_code": _text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        "notes": [_text(note, "ram:Content") for note in root.iterfind("rsm:ExchangedDocument/ram:IncludedNote", NS)],
        "issue_date": _date(root, "rsm:ExchangedDocument/ram:IssueDateTime"),
        "currency": _text(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"),
        "seller_name": _text(root, f"{seller}/ram:Name"),
        "seller_siret": _text(root, f"{seller}/{_LEGAL_ID}"),
        "buyer_name": _text(root, f"{buyer}/ram:Name"),
        "buyer_siret": _text(root, f"{buyer}/{_LEGAL_ID}"),
        "service_code": _text(root, f"{_AGREEMENT}/ram:BuyerReference"),
        "contract_number": _text(root, f"{_AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        "commitment_number": _text(root, f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        "period_start": _date(root, f"{_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime"),
        "period_end": _date(root, f"{_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:EndDateTime"),
        "line_count": len(lines),
        "lines": lines,
        **_parsed_totals(root),
    }


def facturx_summary(frame, situation, issue_date=None, retention_mode=None):
    """What ``parse_facturx`` must read back from the Factur-X file of ``situation`` deposited as ``frame``."""
    return parse_cii_xml(build_cii_xml(frame, situation, issue_date, retention_mode=retention_mode))


def pdf_metadata_of(xml_bytes):
    """The PDF metadata (author, title, subject, keywords) of a Factur-X file, read from its CII XML."""
    data = parse_cii_xml(xml_bytes)
    number, seller = data["invoice_number"], data["seller_name"]
    issued = data["issue_date"].isoformat() if data["issue_date"] else ""
    return {
        "author": seller,
        "title": f"{seller}: {number}",
        "subject": f"Works piece {number} ({data['frame']}) dated {issued} issued by {seller}",
        "keywords": f"Factur-X, Chorus Pro, {data['frame']}",
    }


def build_facturx_pdf(pdf_bytes, xml_bytes, metadata=None, lang=PDF_LANG):
    """``pdf_bytes`` with ``xml_bytes`` embedded as a Factur-X EN 16931 PDF/A-3 (the XML is XSD-checked first).

    ``metadata`` (author, title, subject, keywords) defaults to ``pdf_metadata_of(xml_bytes)``; ``lang`` is the
    PDF's natural language. Raises ValueError when the XML is invalid. No schematron check: the library would
    query a Saxon server over HTTP (factur-x >= 6), and this core makes no network call.
    """
    problems = check_cii_xml(xml_bytes)
    if problems:
        raise ValueError("The Factur-X XML is invalid: " + "; ".join(problems))
    return as_pdfa3(facturx_lib.generate_from_binary(
        pdf_bytes, xml_bytes, flavor=FACTURX_FLAVOR, level=FACTURX_LEVEL, check_xsd=True, check_schematron=False,
        pdf_metadata=metadata or pdf_metadata_of(xml_bytes), lang=lang,
    ))


def _output_intent(writer):
    """An sRGB output intent (the ICC profile as a Flate stream of 3 components), added to ``writer``."""
    profile = DecodedStreamObject()
    profile.set_data(ICC_PROFILE.read_bytes())
    profile[NameObject("/N")] = NumberObject(3)
    profile = profile.flate_encode()
    return writer._add_object(DictionaryObject({  # pylint: disable=protected-access  # pypdf's way to add one
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject(OUTPUT_INTENT_SUBTYPE),
        NameObject("/OutputConditionIdentifier"): TextStringObject(OUTPUT_CONDITION),
        NameObject("/Info"): TextStringObject(OUTPUT_CONDITION),
        NameObject("/DestOutputProfile"): writer._add_object(profile),  # pylint: disable=protected-access
    }))


def as_pdfa3(pdf_bytes):
    """``pdf_bytes`` rewritten from byte 0 as PDF/A-3 wants it: 1.7 header, trailer /ID, sRGB output intent.

    Everything else (pages, embedded XML, XMP metadata, language) is kept as it is; an output intent already there
    is kept too.
    """
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf_bytes))
    writer.pdf_header = PDF_HEADER
    root = writer._root_object  # pylint: disable=protected-access  # the catalog, as the factur-x library edits it
    if "/OutputIntents" not in root:
        root[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    # Both halves alike: the file is written for the first time. A digest, not a random value: the same input
    # gives the same identifier.
    identifier = ByteStringObject(hashlib.sha256(pdf_bytes).digest()[:16])
    writer._ID = ArrayObject([identifier, identifier])  # pylint: disable=protected-access  # no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_cii_xml(pdf_bytes):
    """The CII XML embedded in a Factur-X PDF (not XSD-checked); ValueError when there is none."""
    _filename, xml_bytes = facturx_lib.get_xml_from_pdf(pdf_bytes, check_xsd=False)
    if not xml_bytes:
        raise ValueError("The PDF carries no Factur-X XML.")
    return xml_bytes


def parse_facturx(pdf_bytes):
    """The main data of a Factur-X PDF as plain Python: ``parse_cii_xml`` of its embedded XML."""
    return parse_cii_xml(extract_cii_xml(pdf_bytes))
