"""An oversize file refused with HTTP 413 (shared notes, section 2) is a refusal, not a passing glitch.

PISTE's gateway may answer the 413 itself, with its own page rather than a Chorus Pro answer: the emulator's
fault injection gives both bodies.
"""

import json

import pytest

from chorus.errors import ChorusBusinessError

pytestmark = pytest.mark.usefixtures("fresh_token_cache")


@pytest.mark.parametrize("body", [
    "<html><body>413 Request Entity Too Large</body></html>",
    json.dumps({"httpCode": "413", "httpMessage": "Payload Too Large", "moreInformation": "body too large"}),
], ids=["html-page", "gateway-json"])
@pytest.mark.parametrize("operation", ["file_upload", "flow_deposit"])
def test_an_oversize_file_refused_with_413_is_no_passing_glitch(emu, client, operation, body):
    emu.inject(operation, "malformed", http_status=413, body=body)
    with pytest.raises(ChorusBusinessError) as info:
        if operation == "file_upload":
            client.upload_file("situation.pdf", b"%PDF-1.7 big")
        else:
            client.deposit_flow("situation.pdf", b"%PDF-1.7 big")
    error = info.value
    assert not error.retryable, "retrying the same file gets the same 413 (shared notes, section 2)"
    assert (error.http_status, error.code, error.operation) == (413, 413, operation)


def test_a_413_with_a_chorus_pro_answer_keeps_its_code_and_label(emu, client):
    emu.inject("file_upload", "malformed", http_status=413, content_type="application/json;charset=utf-8",
               body=json.dumps({"codeRetour": 20015, "libelle": "Fichier trop volumineux"}))
    with pytest.raises(ChorusBusinessError) as info:
        client.upload_file("situation.pdf", b"%PDF-1.7 big")
    assert (info.value.code, info.value.label, info.value.http_status) == (20015, "Fichier trop volumineux", 413)
