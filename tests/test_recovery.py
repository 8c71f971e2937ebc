"""Récupération (issue 21) through the core against the emulator: the copy and its SHA-256, the details, the pieces
the MOE / MOA produced (each candidate way), the pieces to handle, completer and recycler sent once."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from chorus_emulator.facts import WORKS_STATUSES
from helpers import deposit
from test_client import PDF, works_payload

from chorus import endpoints as ep
from chorus import recovery
from chorus.errors import ChorusBusinessError

pytestmark = pytest.mark.usefixtures("fresh_token_cache")


def _deposited(client, emu, reference="REC-0001"):
    result = deposit(client, *works_payload(emu.seed, reference))
    return result.piece_id, f"{reference}-A4"


def test_the_copy_is_the_pdf_itself_and_agrees(client, emu):
    emu.download_container = "pdf"
    piece_id, number = _deposited(client, emu)
    copy = recovery.download_copy(client, piece_id, number)
    assert copy.container == "pdf" and copy.main_pdf == PDF
    assert copy.agrees_with(PDF) and copy.sha256 == recovery.sha256(PDF)


def test_the_copy_in_a_zip_is_read_and_agrees(client, emu):
    emu.download_container = "zip"
    piece_id, number = _deposited(client, emu)
    copy = recovery.download_copy(client, piece_id, number)
    assert copy.container == "zip" and copy.main_pdf == PDF and copy.agrees_with(PDF)
    assert zipfile.ZipFile(io.BytesIO(copy.content)).namelist() == [f"{number}.pdf"]


def test_a_copy_that_differs_is_told(client, emu):
    piece_id, number = _deposited(client, emu)
    emu.set_copy(piece_id, b"%PDF-1.4\n% stamped by Chorus Pro\n")
    copy = recovery.download_copy(client, piece_id, number)
    assert not copy.agrees_with(PDF) and copy.main_pdf.startswith(b"%PDF-")


def test_the_download_request_is_the_swagger_s(client, emu):
    piece_id, number = _deposited(client, emu)
    recovery.download_copy(client, piece_id, number)
    [raw] = emu.journal(ep.OPERATIONS["invoice_download"])
    body = json.loads(raw)
    assert body == {"format": recovery.DOWNLOAD_FORMAT, "avecPiecesJointesComplementaires": recovery.WITH_ATTACHMENTS,
                    "listeFacture": [{"idFacture": piece_id}]}


def test_consult_gives_status_frame_and_amounts(client, emu):
    piece_id, number = _deposited(client, emu)
    details = recovery.consult(client, piece_id)
    piece = emu.piece_by_number(number)
    assert (details.id, details.number, details.status) == (piece_id, number, WORKS_STATUSES[0])
    assert details.frame == "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    assert details.amounts.to_pay == Decimal(str(piece["montantAPayer"])) and details.next_piece_id is None


def _produce(emu, piece_id):
    return emu.produce_piece(piece_id, "A15_ETAT_ACOMPTE_MOE", {"montantHT": 9000.0, "montantTVA": 1800.0,
                                                                "montantTTC": 10800.0, "montantAPayer": 10260.0},
                             comment="erreur de montant")


@pytest.mark.parametrize("way", recovery.PRODUCED_PIECE_WAYS)
def test_produced_pieces_found_each_candidate_way(client, emu, way):
    emu.produced_pieces_by = way
    piece_id, number = _deposited(client, emu)
    produced = _produce(emu, piece_id)
    found_way, found = recovery.produced_pieces(client, piece_id, number, "MARCHE-2026-001")
    assert found_way == way
    [piece] = found
    assert (piece.id, piece.frame, piece.way) == (produced["id"], "A15_ETAT_ACOMPTE_MOE", way)
    assert piece.amounts.to_pay == Decimal("10260.0") and piece.amounts.total == Decimal("10800.0")


def test_produced_pieces_not_exposed(client, emu):
    emu.produced_pieces_by = None
    piece_id, number = _deposited(client, emu)
    _produce(emu, piece_id)
    assert recovery.produced_pieces(client, piece_id, number, "MARCHE-2026-001") == (None, [])


def test_to_handle_lists_suspended_and_to_recycle(client, emu):
    first, _number = _deposited(client, emu, "REC-0002")
    second, _number = _deposited(client, emu, "REC-0003")
    _deposited(client, emu, "REC-0004")
    emu.set_status(first, "SUSPENDUE", "Pièce manquante")
    emu.set_status(second, "A_RECYCLER", "Mauvais service")
    listed = recovery.to_handle(client, emu.seed.contractor.id)
    assert [(item.id, item.status) for item in listed] == [(first, "SUSPENDUE"), (second, "A_RECYCLER")]


def test_complete_a_suspended_piece(client, emu):
    piece_id, _number = _deposited(client, emu)
    emu.set_status(piece_id, "SUSPENDUE", "Attestation manquante")
    result = recovery.complete(client, piece_id, [("attestation.pdf", PDF, "application/pdf")], "Voici l'attestation")
    assert result.piece_id == piece_id and not result.found_done
    piece = emu.pieces[0]
    assert piece["statut"] == "COMPLETEE" and piece["history"][-1]["comment"] == "Voici l'attestation"
    assert len(piece["pieceJointeComplementaireIds"]) == 1


def test_complete_refused_when_not_suspended(client, emu):
    piece_id, _number = _deposited(client, emu)
    with pytest.raises(ChorusBusinessError):
        recovery.complete(client, piece_id, [], "Rien")


def test_complete_after_a_lost_answer_is_sent_once(client, emu):
    piece_id, _number = _deposited(client, emu)
    emu.set_status(piece_id, "SUSPENDUE", "Attestation manquante")
    emu.inject("invoice_complete", "lost_answer")
    with pytest.raises(Exception):  # noqa: B017 (the connection dropped: whatever the transport raised)
        recovery.complete(client, piece_id, [], "Voici")
    result = recovery.complete(client, piece_id, [], "Voici", tried_before=True)
    assert result.found_done and result.status == "COMPLETEE"
    assert emu.request_counts[ep.OPERATIONS["invoice_complete"]] == 1


def test_recycle_to_a_corrected_service(client, emu):
    piece_id, _number = _deposited(client, emu)
    emu.set_status(piece_id, "A_RECYCLER", "Mauvais service")
    body = emu.seed.service_required
    result = recovery.recycle(client, piece_id, body.siret, body.services[0].code, "EJ-0002", "Service corrigé")
    assert result.status == WORKS_STATUSES[0]
    piece = emu.pieces[0]
    assert (piece["codeDestinataire"], piece["codeServiceExecutant"]) == (body.siret, body.services[0].code)


def test_recycle_refuses_a_missing_service(client, emu):
    piece_id, _number = _deposited(client, emu)
    emu.set_status(piece_id, "A_RECYCLER", "Mauvais service")
    with pytest.raises(ChorusBusinessError):
        recovery.recycle(client, piece_id, emu.seed.service_required.siret, "", "")
    assert emu.pieces[0]["statut"] == "A_RECYCLER"


def test_recycle_after_a_server_error_is_sent_once(client, emu):
    piece_id, _number = _deposited(client, emu)
    emu.set_status(piece_id, "A_RECYCLER", "Mauvais service")
    emu.inject("invoice_recycle", "lost_answer")
    body = emu.seed.no_rules
    with pytest.raises(Exception):  # noqa: B017
        recovery.recycle(client, piece_id, body.siret, "", "")
    result = recovery.recycle(client, piece_id, body.siret, "", "", tried_before=True)
    assert result.found_done and emu.request_counts[ep.OPERATIONS["invoice_recycle"]] == 1


def test_read_copy_of_unknown_bytes():
    copy = recovery.read_copy(b"garbage")
    assert copy.container == "unknown" and copy.main_pdf is None and not copy.agrees_with(b"garbage")


@pytest.mark.parametrize("way", [*recovery.PRODUCED_PIECE_WAYS, None])
def test_the_diagnostic_probe_says_which_way_answers(client, emu, way):
    emu.produced_pieces_by = way
    piece_id, number = _deposited(client, emu)
    _produce(emu, piece_id)
    probes = recovery.probe_produced(client, piece_id, number, "MARCHE-2026-001")
    assert [probe.way for probe in probes] == list(recovery.PRODUCED_PIECE_WAYS)
    outcomes = {probe.way: probe.outcome for probe in probes}
    assert outcomes == {candidate: recovery.PROBE_FOUND if candidate == way else recovery.PROBE_EMPTY
                        for candidate in recovery.PRODUCED_PIECE_WAYS}


def test_the_diagnostic_probe_tells_an_absent_api(client, emu):
    piece_id, number = _deposited(client, emu)
    emu.subscribed = [family for family in emu.subscribed if family != "factures"]
    probes = recovery.probe_produced(client, piece_id, number, "MARCHE-2026-001")
    assert {probe.outcome for probe in probes} == {recovery.PROBE_ABSENT}
