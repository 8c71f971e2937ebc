"""The flow syntaxes the emulator takes at deposer/flux are the official Swagger's, no more and no fewer.

The request enum (DeposerFluxFacture.syntaxeFlux) has two syntaxes the answer enum (WsRetourDeposerFluxFacture) lacks
(IN_DP_PDFARCHIVE_*): an answer must validate too, so those two are refused, the others each taken.
"""

import json
import pathlib

import pytest

from chorus_emulator.tests.raw_http import Api, b64

SHARED = pathlib.Path("/work/shared/chorus-pro/Factures.swagger.json")
SWAGGER = SHARED if SHARED.exists() else pathlib.Path(__file__).parent.parent / "chorus_emulator/Factures.swagger.json"
DEFINITIONS = json.loads(SWAGGER.read_text(encoding="utf-8"))["definitions"]
ASKED = DEFINITIONS["DeposerFluxFactureParam"]["properties"]["syntaxeFlux"]["enum"]
ANSWERED = DEFINITIONS["WsRetourDeposerFluxFacture"]["properties"]["syntaxeFlux"]["enum"]


def deposit(emu, syntax):
    body = {"fichierFlux": b64(b"<Invoice/>"), "nomFichier": "flow.xml", "syntaxeFlux": syntax, "avecSignature": False}
    return Api(emu).post("flow_deposit", body)


@pytest.mark.parametrize("syntax", [syntax for syntax in ASKED if syntax in ANSWERED and
                                    syntax != "IN_DP_E2_CII_FACTURX"])  # a Factur-X file is read: tested elsewhere
def test_each_official_syntax_is_taken(emu, syntax):
    response = deposit(emu, syntax)
    assert response.status_code == 200, response.text
    assert response.json()["syntaxeFlux"] == syntax and response.json()["numeroFluxDepot"]


@pytest.mark.parametrize("syntax", [*(s for s in ASKED if s not in ANSWERED), "IN_DP_E3_CII", "IN_DP_E4_GUESS"])
def test_a_syntax_outside_the_official_enums_is_refused(emu, syntax):
    response = deposit(emu, syntax)
    assert response.status_code == 400 and response.json()["codeRetour"] != 0
