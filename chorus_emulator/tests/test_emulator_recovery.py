"""The récupération's routes (issue 21) over raw HTTP: answers valid against the official Factures Swagger, requests
checked against it, and each candidate answer of the uncertain facts (download container, produced pieces' way)."""

import base64
import io
import zipfile

import pytest

from chorus_emulator.facts import WORKS_STATUSES
from chorus_emulator.tests.raw_http import PDF, assert_business_error, assert_valid_answer, works_body

A15 = "A15_ETAT_ACOMPTE_MOE"
AMOUNTS = {"montantHT": 900.0, "montantTVA": 180.0, "montantTTC": 1080.0, "montantAPayer": 1026.0}


def deposited(emu, api, number="SIT-2026-0001-A4"):
    return api.ok("works_submit", works_body(emu, api.upload(), number=number))["identifiantFactureCPP"]


def valid(api, operation, body):
    answer = api.ok(operation, body)
    assert_valid_answer(operation, answer)
    return answer


def download(api, piece_id, fmt="PDF"):
    answer = valid(api, "invoice_download", {"format": fmt, "avecPiecesJointesComplementaires": "true",
                                             "listeFacture": [{"idFacture": piece_id}]})
    return base64.b64decode(answer["fichierResultat"])


def test_download_serves_the_deposited_pdf(emu, api):
    assert download(api, deposited(emu, api)) == PDF


def test_download_as_a_zip_each_way(emu, api):
    piece_id = deposited(emu, api)
    emu.download_container = "zip"
    with zipfile.ZipFile(io.BytesIO(download(api, piece_id))) as archive:
        assert archive.read("SIT-2026-0001-A4.pdf") == PDF
    emu.download_container = "pdf"
    assert download(api, piece_id, "ZIP").startswith(b"PK")


def test_download_serves_a_changed_copy(emu, api):
    piece_id = deposited(emu, api)
    emu.set_copy(piece_id, b"%PDF-1.7 other")
    assert download(api, piece_id) == b"%PDF-1.7 other"


def test_download_refuses_a_bad_format_and_unknown_fields(emu, api):
    piece_id = deposited(emu, api)
    assert_business_error(api.post("invoice_download", {"format": "DOCX", "listeFacture": [{"idFacture": piece_id}]}),
                          mentions="format")
    assert_business_error(api.post("invoice_download", {"format": "PDF", "idFacture": piece_id}))
    assert_business_error(api.post("invoice_download", {"format": "PDF", "listeFacture": [{"idFacture": 1}]}),
                          mentions="idFacture")


@pytest.mark.parametrize("way", ["next_piece", "supplier_search", None])
def test_produced_piece_seen_only_the_way_set(emu, api, way):
    emu.produced_pieces_by = way
    piece_id = deposited(emu, api)
    produced = emu.produce_piece(piece_id, A15, AMOUNTS, "erreur de montant")
    facture = valid(api, "invoice_consult_supplier", {"identifiantFactureCPP": piece_id})["facture"]
    assert ("pieceSuivante" in facture) == (way == "next_piece")
    consulted = api.post("invoice_consult_supplier", {"identifiantFactureCPP": produced["id"]})
    assert consulted.status_code == (200 if way == "next_piece" else 400)
    listed = valid(api, "invoice_search_supplier", {"cadreFacturation": A15}).get("listeFactures") or []
    assert [item["identifiantFactureCPP"] for item in listed] == ([produced["id"]] if way == "supplier_search" else [])


def test_to_handle_lists_what_waits_and_hides_rejected(emu, api):
    ids = [deposited(emu, api, f"SIT-2026-000{index}-A4") for index in range(1, 4)]
    emu.set_status(ids[0], "SUSPENDUE", "pièce manquante")
    emu.set_status(ids[1], "REJETEE", "rejet")
    listed = valid(api, "invoice_to_handle", {"idStructure": emu.seed.contractor.id})["listeFactures"]
    assert [item["identifiantFactureCPP"] for item in listed] == ids[:2]
    hidden = valid(api, "invoice_to_handle", {"masquerRejetee": True})["listeFactures"]
    assert [item["identifiantFactureCPP"] for item in hidden] == ids[:1]


def test_complete_only_a_suspended_piece(emu, api):
    piece_id = deposited(emu, api)
    body = {"identifiantFactureCPP": piece_id, "commentaire": "voici",
            "pieceJointeComplementaire": [{"pieceJointeComplementaireId": api.upload("pj.pdf")}]}
    assert_business_error(api.post("invoice_complete", body), mentions="SUSPENDUE")
    emu.set_status(piece_id, "SUSPENDUE", "pièce manquante")
    assert valid(api, "invoice_complete", body)["identifiantFactureCPP"] == piece_id
    assert emu.pieces[0]["statut"] == "COMPLETEE"


def test_recycle_only_a_piece_to_recycle_with_the_body_s_rules(emu, api):
    piece_id = deposited(emu, api)
    strict = emu.seed.service_required
    body = {"identifiantFactureCPP": piece_id, "destinataire": {"codeDestinataire": strict.siret}}
    assert_business_error(api.post("invoice_recycle", body), mentions="A_RECYCLER")
    emu.set_status(piece_id, "A_RECYCLER", "mauvais service")
    assert_business_error(api.post("invoice_recycle", body), mentions="service")
    body["destinataire"]["codeServiceExecutant"] = strict.services[0].code
    assert valid(api, "invoice_recycle", body)["statutFacture"] == WORKS_STATUSES[0]
