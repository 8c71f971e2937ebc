"""The Factur-X file as PDF/A-3: header, file identifier, sRGB output intent and the XMP's PDF/A identification.

What the factur-x library gives alone is measured too, so that these tests say why ``as_pdfa3`` is there.
"""

import io
import re

import facturx as facturx_lib
import pypdf
import pytest
from factories import make_situation, minimal_pdf
from lxml import etree

from chorus import facturx
from chorus.works import Frame

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def xml():
    return facturx.build_cii_xml(Frame.A4, make_situation())


@pytest.fixture(scope="module")
def pdf(xml):
    return facturx.build_facturx_pdf(minimal_pdf("Situation 7"), xml)


def catalog(pdf_bytes):
    return pypdf.PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"]


def xmp_pdfa_id(pdf_bytes):
    """(part, conformance) that the XMP metadata of the catalog declares, as element or attribute."""
    stream = catalog(pdf_bytes)["/Metadata"].get_object()
    assert (stream["/Type"], stream["/Subtype"]) == ("/Metadata", "/XML")
    root = etree.fromstring(stream.get_data())
    values = {}
    for name in ("part", "conformance"):
        found = root.findtext(f".//{{{PDFAID}}}{name}")
        if found is None:
            found = next((d.get(f"{{{PDFAID}}}{name}") for d in root.iter(f"{{{RDF}}}Description")
                          if d.get(f"{{{PDFAID}}}{name}")), None)
        values[name] = found
    return values["part"], values["conformance"]


def test_the_library_alone_gives_no_output_intent_and_a_file_that_does_not_begin_with_its_header(xml):
    raw = facturx_lib.generate_from_binary(minimal_pdf(), xml, flavor="factur-x", level="en16931")
    assert "/OutputIntents" not in catalog(raw)
    assert pypdf.PdfReader(io.BytesIO(raw)).trailer.get("/ID") is None
    assert raw.count(b"%PDF-") == 2 and raw.startswith(minimal_pdf()[:20]), "its output written over its input"


def test_the_file_begins_with_a_pdf_1_7_header_and_its_binary_comment(pdf):
    header, comment = pdf.split(b"\n")[:2]
    assert header == facturx.PDF_HEADER == b"%PDF-1.7"
    assert comment[:1] == b"%" and len(comment) >= 5 and all(byte > 127 for byte in comment[1:5])
    assert pdf.count(b"%PDF-") == 1


def test_an_srgb_output_intent_carries_the_icc_profile(pdf):
    intents = catalog(pdf)["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert (intent["/Type"], intent["/S"]) == ("/OutputIntent", "/GTS_PDFA1")
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    data = profile.get_data()
    assert data == facturx.ICC_PROFILE.read_bytes()
    assert data[36:40] == b"acsp" and data[16:20] == b"RGB " and b"sRGB" in data, "an RGB ICC profile"


def test_the_icc_profile_ships_with_its_licence():
    licence = facturx.ICC_PROFILE.with_name("sRGB2014.icc.LICENSE").read_text(encoding="utf-8")
    assert "International Color Consortium" in licence and "without restriction" in licence


def test_the_xmp_declares_pdf_a_3_b(pdf):
    assert xmp_pdfa_id(pdf) == ("3", "B")


def test_the_trailer_has_a_file_identifier(pdf):
    identifier = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/ID"]
    assert len(identifier) == 2 and identifier[0] == identifier[1] and len(identifier[0].original_bytes) == 16


def test_the_xml_the_page_and_the_metadata_are_kept(pdf, xml):
    assert facturx.extract_cii_xml(pdf) == xml
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "Situation 7" in reader.pages[0].extract_text()
    assert reader.metadata["/Title"] == "Builder SA: SIT-2026-0007-A4"
    assert catalog(pdf)["/Lang"] == "fr-FR"
    assert catalog(pdf)["/AF"][0].get_object()["/AFRelationship"] == "/Data"


def test_twice_gives_one_output_intent(pdf):
    again = facturx.as_pdfa3(pdf)
    assert len(catalog(again)["/OutputIntents"]) == 1
    assert re.match(rb"%PDF-1\.7\n%", again)
    assert xmp_pdfa_id(again) == ("3", "B")
