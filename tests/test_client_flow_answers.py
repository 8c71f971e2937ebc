"""The client reads each answer the shared notes allow: a flow's report (consulterCRDetaille), an upload's id.

The emulator itself integrates or rejects a flow; the other answers (a partial integration, a state still
pending, error entries whose keys the notes do not give) are injected as raw bodies, so that what is tested
is the client's reading of the notes' shapes, not the emulator's guesses.
"""

import json

import pytest

from chorus import endpoints as ep
from chorus.errors import ChorusProtocolError

pytestmark = pytest.mark.usefixtures("fresh_token_cache")


def answer_with(emu, operation, body, http_status=200):
    """The next call of ``operation`` gets ``body`` (a JSON object) with ``http_status``."""
    emu.inject(operation, "malformed", http_status=http_status, body=json.dumps(body),
               content_type="application/json;charset=utf-8")


def report(emu, client, **fields):
    answer_with(emu, "flow_report", {"codeRetour": 0, "libelle": "TRA_MSG_00.000", **fields})
    return client.flow_report("CPP0000000000000000000001")


@pytest.mark.parametrize("state", ["IN_INTEGRE", "IN_INTEGRE_PARTIEL"])  # shared notes, section 2
def test_each_integrated_state_of_the_notes_is_integrated(emu, client, state):
    result = report(emu, client, etatCourantDepotFlux=state)
    assert result.integrated and not result.rejected and result.state == state


@pytest.mark.parametrize("state", ["IN_EN_ATTENTE_TRAITEMENT", "IN_DEPOSE", None])
def test_a_state_neither_integrated_nor_rejected_is_pending(emu, client, state):
    result = report(emu, client, **({"etatCourantDepotFlux": state} if state else {}))
    assert not result.integrated and not result.rejected and result.state == state


@pytest.mark.parametrize("entry", [
    {"numeroDP": "SIT-1-A4", "libelleErreurDP": "BT-23: unknown frame"},
    {"codeErreur": "E42", "libelleErreur": "BT-23: unknown frame", "natureErreur": "METIER"},
    "BT-23: unknown frame",
], ids=["dp-keys", "technical-keys", "plain-text"])
@pytest.mark.parametrize("list_key", ep.FLOW_ERROR_LISTS)
def test_a_rejection_tells_each_error_whatever_the_keys_of_its_entries(emu, client, list_key, entry):
    result = report(emu, client, etatCourantDepotFlux="IN_REJETE", **{list_key: [entry]})
    assert result.rejected and not result.integrated
    assert len(result.errors) == 1 and "BT-23: unknown frame" in result.errors[0]


@pytest.mark.parametrize("given, read", [(4711, 4711), ("4711", 4711)])
def test_the_upload_id_is_read_as_the_int64_that_soumettre_takes(emu, client, given, read):
    answer_with(emu, "file_upload", {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "pieceJointeId": given})
    file_id = client.upload_file("situation.pdf", b"%PDF-1.7 x")
    assert file_id == read and type(file_id) is int


@pytest.mark.parametrize("given", [None, "", "abc"])
def test_an_upload_answer_without_a_usable_id_is_malformed(emu, client, given):
    answer_with(emu, "file_upload", {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "pieceJointeId": given})
    with pytest.raises(ChorusProtocolError):
        client.upload_file("situation.pdf", b"%PDF-1.7 x")
