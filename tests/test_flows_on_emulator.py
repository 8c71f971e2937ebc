"""Factur-X flows on the emulator: deposer/flux reads the file, consulterCRDetaille reports its integration.

The files are real Factur-X PDFs built by the project's own core (``chorus.facturx``); the emulator itself
imports nothing of the addon, so these tests check the core's files against the emulator's own reading.
"""

import dataclasses
import datetime
import sys

import facturx as facturx_lib
import pytest
from chorus_emulator import Emulator
from chorus_emulator.__main__ import parse_args
from chorus_emulator.facts import (
    FLOW_ERROR_DP_LABEL_KEY,
    FLOW_ERROR_DP_NUMBER_KEY,
    FLOW_ERROR_TECHNICAL_LABEL_KEY,
)
from chorus_emulator.tests.raw_http import Api, assert_business_error, assert_valid_answer, b64, control, works_body
from factories import make_situation, minimal_pdf
from lxml import etree

from chorus import facturx
from chorus.works import Frame, Party

A1 = "A1_FACTURE_FOURNISSEUR"
# consulterCRDetaille's answer: the notes' keys (section 2) and those the emulator adds
REPORT_KEYS = {"codeRetour", "libelle", "numeroFluxDepot", "etatCourantDepotFlux", "listeErreurDP",
               "listeErreurTechnique", "dateDepot", "syntaxeFlux"}
PDF = minimal_pdf()


@pytest.fixture
def api(emu):
    return Api(emu)


def situation_of(emu, owner=None, service_code="TECHNIQUE", contractor_siret=None, **changes):
    """The shared situation, between the seed's contractor and a public body of the seed (no_rules by default)."""
    seed = emu.seed
    base = make_situation(**changes)
    owner = owner or seed.no_rules
    contract = dataclasses.replace(base.contract, owner=Party(owner.siret, owner.name, service_code, owner.id),
                                   manager=Party(seed.moe.siret, seed.moe.name, "MOE", seed.moe.id))
    contractor = Party(contractor_siret or seed.contractor.siret, seed.contractor.name, id_structure=seed.contractor.id)
    return dataclasses.replace(base, contract=contract, contractor=contractor)


def cii(frame, situation, edit=None):
    """The core's CII XML of the situation as frame, changed by ``edit(root)`` when given."""
    xml = facturx.build_cii_xml(frame, situation)
    if edit is None:
        return xml
    root = etree.fromstring(xml)
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def set_text(path, value):
    """An edit of the XML: the text at ``path`` (CII prefixes) becomes value."""
    def edit(root):
        root.find(path, facturx.NS).text = value
    return edit


def flow_body(pdf_bytes, name="situation-facturx.pdf"):
    return {"fichierFlux": b64(pdf_bytes), "nomFichier": name, "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            "avecSignature": False}


def deposit(api, pdf_bytes):
    """Deposit a Factur-X flow (the answer checked against the official Swagger); its consulterCRDetaille."""
    answer = api.ok("flow_deposit", flow_body(pdf_bytes))
    assert_valid_answer("flow_deposit", answer)
    assert set(answer) == {"codeRetour", "libelle", "numeroFluxDepot", "dateDepot", "syntaxeFlux"}
    assert answer["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX"
    report = api.ok("flow_report", {"numeroFluxDepot": answer["numeroFluxDepot"]})
    assert set(report) == REPORT_KEYS
    assert (report["numeroFluxDepot"], report["dateDepot"]) == (answer["numeroFluxDepot"], answer["dateDepot"])
    assert report["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX"
    return report


def deposit_xml(api, xml):
    return deposit(api, facturx.build_facturx_pdf(PDF, xml))


def dp_labels(report):
    """The labels of listeErreurDP of a rejected flow (each entry has the two keys of facts.py)."""
    assert report["etatCourantDepotFlux"] == "IN_REJETE", report
    assert report["listeErreurTechnique"] == []
    for entry in report["listeErreurDP"]:
        assert set(entry) == {FLOW_ERROR_DP_NUMBER_KEY, FLOW_ERROR_DP_LABEL_KEY}
    return [entry[FLOW_ERROR_DP_LABEL_KEY] for entry in report["listeErreurDP"]]


# ---------------------------------------------------------------------------------------------- integrated


def test_a4_and_a6_flows_are_integrated_and_listed_by_the_works_search(emu, api):
    situation = situation_of(emu)
    reports = {frame: deposit_xml(api, cii(frame, situation)) for frame in (Frame.A4, Frame.A6)}
    for report in reports.values():
        assert report["etatCourantDepotFlux"] == "IN_INTEGRE", report
        assert report["listeErreurDP"] == [] and report["listeErreurTechnique"] == []
    found = api.ok("works_search")["listeFacturesTravaux"]
    numbers = {item["numeroFactureTravaux"]: item for item in found}
    assert set(numbers) == {situation.number_for(Frame.A4), situation.number_for(Frame.A6)}
    assert numbers[situation.number_for(Frame.A4)]["typeFactureTravaux"] == "PROJET_DECOMPTE_MENSUEL"
    assert numbers[situation.number_for(Frame.A6)]["typeFactureTravaux"] == "ETAT_ACOMPTE_VALIDE"
    totals = situation.totals
    for frame, report in reports.items():
        piece = emu.piece_by_number(situation.number_for(frame))
        assert piece["kind"] == "works" and piece["frame"] == frame.value
        assert piece["numeroFluxDepot"] == report["numeroFluxDepot"]
        assert (piece["idFournisseur"], piece["idDestinataire"]) == (emu.seed.contractor.id, emu.seed.no_rules.id)
        assert (piece["codeServiceExecutant"], piece["numeroMarche"], piece["numeroBonCommande"]) == (
            "TECHNIQUE", "MARCHE-2026-001", "EJ-0001234")
        assert (piece["montantHT"], piece["montantTVA"], piece["montantTTC"]) == (
            float(totals.untaxed), float(totals.tax), float(totals.total))
        assert piece["montantAPayer"] == float(totals.total - totals.retention)
        assert piece["pieceJointeIds"] == [] and piece["statut"] == "MISE_A_DISPOSITION_MOE"
        assert numbers[piece["numeroFacture"]]["idFactureTravaux"] == piece["id"]
    flows = emu.flows
    assert [flow["etatCourantDepotFlux"] for flow in flows] == ["IN_INTEGRE", "IN_INTEGRE"]
    assert flows[0]["data"]["frame"] == "A4" and flows[0]["data"]["seller_siret"] == emu.seed.contractor.siret


def test_a_number_already_deposited_rejects_the_flow_and_makes_no_second_piece(emu, api):
    xml = cii(Frame.A4, situation_of(emu))
    assert deposit_xml(api, xml)["etatCourantDepotFlux"] == "IN_INTEGRE"
    again = deposit_xml(api, xml)
    [label] = dp_labels(again)
    assert label.startswith("BT-1 ") and "already deposited" in label
    assert again["listeErreurDP"][0][FLOW_ERROR_DP_NUMBER_KEY] == "SIT-2026-0007-A4"
    assert len(emu.pieces) == 1


# ---------------------------------------------------------------------------------------------- rejected


def test_a_wrong_seller_siret_is_rejected(emu, api):
    report = deposit_xml(api, cii(Frame.A4, situation_of(emu, contractor_siret="00000000099999")))
    [label] = dp_labels(report)
    assert label.startswith("BT-30 ") and "00000000099999" in label and emu.seed.contractor.siret in label
    assert report["listeErreurDP"][0][FLOW_ERROR_DP_NUMBER_KEY] == "SIT-2026-0007-A4"
    assert emu.pieces == []


def test_a_buyer_that_is_no_public_body_is_rejected(emu, api):
    report = deposit_xml(api, cii(Frame.A4, situation_of(emu, owner=emu.seed.moe, service_code="")))
    [label] = dp_labels(report)
    assert label.startswith("BT-47 ") and emu.seed.moe.siret in label


def test_the_recipient_rules_apply_to_the_service_code_and_commitment(emu, api):
    missing = deposit_xml(api, cii(Frame.A4, situation_of(emu, owner=emu.seed.service_required, service_code="")))
    assert dp_labels(missing) == ["BT-10 BuyerReference: this recipient requires a service code"]
    unknown = deposit_xml(api, cii(Frame.A4, situation_of(emu, service_code="NOPE")))
    assert dp_labels(unknown) == ["BT-10 BuyerReference: no active service 'NOPE' in the recipient structure"]
    required = situation_of(emu, owner=emu.seed.commitment_required, service_code="TRAVAUX")
    without = dataclasses.replace(required, contract=dataclasses.replace(required.contract, commitment_number=""))
    [label] = dp_labels(deposit_xml(api, cii(Frame.A4, without)))
    assert label.startswith("BT-13 ") and "commitment number" in label
    assert deposit_xml(api, cii(Frame.A4, required))["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert len(emu.pieces) == 1


def test_a_number_over_20_characters_is_rejected(emu, api):
    long_number = "SIT-2026-0007-TOO-LONG-A4"
    report = deposit_xml(api, cii(Frame.A4, situation_of(emu), set_text("rsm:ExchangedDocument/ram:ID", long_number)))
    [label] = dp_labels(report)
    assert label == f"BT-1 ExchangedDocument/ID: {len(long_number)} characters; at most 20 allowed"
    assert report["listeErreurDP"][0][FLOW_ERROR_DP_NUMBER_KEY] == long_number


def test_totals_that_do_not_add_up_are_rejected(emu, api):
    summation = ("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
                 "ram:SpecifiedTradeSettlementHeaderMonetarySummation")

    def edit(root):
        grand = root.find(f"{summation}/ram:GrandTotalAmount", facturx.NS)
        grand.text = "1.00"

    labels = dp_labels(deposit_xml(api, cii(Frame.A4, situation_of(emu), edit)))
    assert any(label.startswith("BT-112 GrandTotalAmount: 1.00 must equal") for label in labels), labels
    assert any(label.startswith("BT-115 DuePayableAmount:") and "cannot exceed" in label for label in labels), labels


def test_several_problems_are_each_reported(emu, api):
    situation = situation_of(emu, owner=emu.seed.service_required, service_code="", contractor_siret="00000000099999")
    labels = dp_labels(deposit_xml(api, cii(Frame.A4, situation)))
    assert [label.split(" ", 1)[0] for label in labels] == ["BT-30", "BT-10"]


def test_an_xsd_invalid_xml_is_a_technical_error(emu, api):
    def edit(root):
        document = root.find("rsm:ExchangedDocument", facturx.NS)
        document.remove(document.find("ram:TypeCode", facturx.NS))

    xml = cii(Frame.A4, situation_of(emu), edit)
    assert facturx.check_cii_xml(xml), "the edit makes the XML invalid"
    pdf = facturx_lib.generate_from_binary(PDF, xml, flavor="factur-x", level="en16931", check_xsd=False,
                                           pdf_metadata=facturx.pdf_metadata_of(cii(Frame.A4, situation_of(emu))))
    report = deposit(api, pdf)
    assert report["etatCourantDepotFlux"] == "IN_REJETE" and report["listeErreurDP"] == []
    [entry, *_rest] = report["listeErreurTechnique"]
    assert set(entry) == {FLOW_ERROR_TECHNICAL_LABEL_KEY}
    assert "TypeCode" in entry[FLOW_ERROR_TECHNICAL_LABEL_KEY]
    assert emu.pieces == []


def test_a_file_that_is_no_factur_x_pdf_is_refused_at_deposit(emu, api):
    for content, mentions in ((b"<Invoice/>", "not a PDF"), (PDF, "no Factur-X XML"),
                              (b"%PDF-1.4\nbroken", "cannot be read")):
        assert_business_error(api.post("flow_deposit", flow_body(content)), 400, mentions=mentions)
    body = flow_body(PDF)
    assert_business_error(api.post("flow_deposit", {**body, "fichierFlux": "not base64!"}), 400, mentions="base64")
    assert_business_error(api.post("flow_deposit", {**body, "fichierFlux": ""}), 400, mentions="empty")
    assert emu.flows == []


def test_an_unknown_flow_number_is_a_business_error(api):
    assert_business_error(api.post("flow_report", {"numeroFluxDepot": "CPP000000000042"}), 400,
                          mentions="CPP000000000042")


def test_a_flow_name_may_have_up_to_200_characters(emu, api):
    xml = cii(Frame.A4, situation_of(emu))
    pdf = facturx.build_facturx_pdf(PDF, xml)
    api.ok("flow_deposit", flow_body(pdf, "f" * 196 + ".pdf"))
    assert_business_error(api.post("flow_deposit", flow_body(pdf, "f" * 197 + ".pdf")), 400, mentions="200")


# ---------------------------------------------------------------------------------------------- settings


def test_without_works_frames_in_flows_an_a4_flow_is_rejected_and_an_a1_flow_integrated(emu, api):
    emu.flow_works_frames = False
    situation = situation_of(emu)
    [label] = dp_labels(deposit_xml(api, cii(Frame.A4, situation)))
    assert label.startswith("BT-23 ") and "'A4'" in label
    assert emu.pieces == []
    a1_path = "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    invoice = set_text(a1_path, "A1")
    report = deposit_xml(api, cii(Frame.A4, situation, invoice))
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE", report
    [piece] = emu.pieces
    assert (piece["kind"], piece["frame"], piece["numeroFacture"]) == ("invoice", A1, "SIT-2026-0007-A4")
    found = api.ok("invoice_search_supplier", {"numeroFluxDepot": report["numeroFluxDepot"]})["listeFactures"]
    assert [item["identifiantFactureCPP"] for item in found] == [piece["id"]]
    assert api.post("works_search").json()["listeFacturesTravaux"] == []  # "no result" (20007)
    emu.reset()
    assert emu.flow_works_frames is True


def test_an_unknown_frame_in_bt23_is_rejected(emu, api):
    path = "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    [label] = dp_labels(deposit_xml(api, cii(Frame.A4, situation_of(emu), set_text(path, "A15"))))
    assert label.startswith("BT-23 ") and "'A15'" in label


def test_without_the_works_submission_route_it_answers_404(emu, api):
    body = works_body(emu, api.upload())
    emu.works_submit_route = False
    response = api.post("works_submit", body)
    assert response.status_code == 404 and response.json()["httpCode"] == "404"
    assert api.post("/cpro/facturesTravaux/v1/nothing", {}).json() == response.json()
    assert emu.pieces == []
    emu.reset()  # forgets the uploaded file too
    assert emu.works_submit_route is True
    api.ok("works_submit", works_body(emu, api.upload()))


def test_the_settings_through_the_constructor_the_control_endpoint_and_the_command_line():
    with Emulator(flow_works_frames=False, works_submit_route=False) as emu:
        assert (emu.flow_works_frames, emu.works_submit_route) == (False, False)
        answer = control(emu, "POST", "config", {"flow_works_frames": True, "works_submit_route": True}).json()
        assert (answer["flow_works_frames"], answer["works_submit_route"]) == (True, True)
        assert (emu.flow_works_frames, emu.works_submit_route) == (True, True)
        assert control(emu, "POST", "config", {"works_submit_route": "no"}).status_code == 400
        assert control(emu, "GET", "state").json()["settings"]["works_submit_route"] is True
        control(emu, "POST", "reset")
        assert (emu.flow_works_frames, emu.works_submit_route) == (False, False), "reset() restores the first set"
    args = parse_args(["--no-flow-works-frames", "--no-works-submit-route"])
    assert (args.flow_works_frames, args.works_submit_route) == (False, False)
    assert (parse_args([]).flow_works_frames, parse_args([]).works_submit_route) == (True, True)


def test_the_flow_date_is_the_statement_date(emu, api):
    situation = situation_of(emu, date=datetime.date(2026, 2, 27))
    deposit_xml(api, cii(Frame.A6, situation))
    assert emu.piece_by_number(situation.number_for(Frame.A6))["dateFacture"] == "2026-02-27"


def test_without_the_factur_x_library_a_factur_x_flow_answers_500_naming_it(emu, api, monkeypatch):
    pdf = facturx.build_facturx_pdf(PDF, cii(Frame.A4, situation_of(emu)))
    monkeypatch.setitem(sys.modules, "facturx", None)  # "import facturx" now raises ImportError
    response = api.post("flow_deposit", flow_body(pdf))
    assert response.status_code == 500 and "facturx library" in response.json()["moreInformation"]
    assert emu.flows == []
