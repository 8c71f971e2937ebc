"""Raw HTTP helpers of the emulator's tests (and of the core's tests that read the emulator's answers):
``requests`` only, no dependency on the addon's client.
"""

import base64
import datetime
import os
import socket

import requests

from chorus_emulator.config import SERVED_OPERATIONS
from chorus_emulator.swagger import factures_swagger, structures_swagger

PDF = b"%PDF-1.4\n% situation de travaux\n%%EOF\n"
A4 = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
# The repository root (subprocesses run from there).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKS_SEARCH = {"roleUtilisateur": "FOURNISSEUR"}
DEFAULT_BODIES = {"works_search": WORKS_SEARCH}  # the smallest valid request of an operation


# ---------------------------------------------------------------------------------------------- helpers


class Api:
    """A raw HTTP caller of the emulator: token fetched once, Bearer and cpro-account headers."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.session = requests.Session()
        self.session.headers.update(auth_headers(emulator, fetch_token(emulator)))

    def url(self, operation):
        return self.emulator.url + SERVED_OPERATIONS.get(operation, operation)

    def post(self, operation, body=None, **kwargs):
        body = body if body is not None else dict(DEFAULT_BODIES.get(operation, {}))
        return self.session.post(self.url(operation), json=body, timeout=30, **kwargs)

    def get(self, operation, **kwargs):
        return self.session.get(self.url(operation), timeout=30, **kwargs)

    def ok(self, operation, body=None):
        """POST and return the JSON answer, asserting HTTP 200 and codeRetour 0."""
        response = self.post(operation, body)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["codeRetour"] == 0, answer
        return answer

    def upload(self, name="situation.pdf", content=PDF):
        return self.ok("file_upload", file_body(name, content))["pieceJointeId"]


def fetch_token(emulator, **overrides):
    credentials = emulator.credentials
    form = {"grant_type": "client_credentials", "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"], "scope": "openid", **overrides}
    response = requests.post(emulator.token_url, data=form, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def auth_headers(emulator, token):
    credentials = emulator.credentials
    account = account_header(credentials["login"], credentials["password"])
    return {"Authorization": f"Bearer {token}", "cpro-account": account}


def b64(content):
    return base64.b64encode(content).decode()


def file_body(name, content=PDF, extension=None):
    return {"pieceJointeFichier": b64(content), "pieceJointeNom": name, "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": extension if extension is not None else name.rpartition(".")[2].upper()}


def works_body(emulator, attachment_id, number="SIT-2026-0001-A4", recipient=None, **changes):
    """A valid facturesTravaux soumettre body; ``changes`` replace top-level blocks."""
    seed = emulator.seed
    body = {
        "modeDepot": "DEPOT_PDF_API",
        "pieceJointePrincipale": [{"pieceJointePrincipaleDesignation": "situation.pdf",
                                   "pieceJointePrincipaleId": attachment_id}],
        "numeroFactureSaisi": number,
        "dateFacture": datetime.date.today().isoformat(),
        "destinataire": {"codeDestinataire": (recipient or seed.no_rules).siret},
        "fournisseur": {"idFournisseur": seed.contractor.id},
        "cadreDeFacturation": {"codeCadreFacturation": A4, "codeStructureValideur": seed.moe.siret},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
                       "numeroMarche": "M-2026-001", "modePaiement": "VIREMENT"},
        "lignePoste": [{"lignePosteNumero": 1, "lignePosteDenomination": "Gros oeuvre", "lignePosteQuantite": 1,
                        "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 1000.0,
                        "lignePosteTauxTvaManuel": 20.0}],
        "ligneTva": [{"ligneTvaTauxManuel": 20.0, "ligneTvaMontantBaseHtParTaux": 1000.0,
                      "ligneTvaMontantTvaParTaux": 200.0}],
        "montantTotal": {"montantHtTotal": 1000.0, "montantTVA": 200.0, "montantTtcTotal": 1200.0,
                         "montantAPayer": 1140.0},
    }
    body.update(changes)
    return body


def invoice_body(emulator, attachment_id, number="FAC-2026-0001"):
    """A factures/v1/soumettre body in the official Swagger's shape (pieceJointePrincipale is an object)."""
    body = works_body(emulator, attachment_id, number)
    body["cadreDeFacturation"] = {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}
    body["pieceJointePrincipale"] = body["pieceJointePrincipale"][0]
    return body


def assert_business_error(response, status=400, code=None, mentions=""):
    assert response.status_code == status, response.text
    answer = response.json()
    assert isinstance(answer["codeRetour"], int) and answer["codeRetour"] != 0
    assert isinstance(answer["libelle"], str) and mentions in answer["libelle"]
    if code is not None:
        assert answer["codeRetour"] == code
    return answer


def assert_valid_answer(operation, answer):
    """The answer validates against the official Swagger (Structures or Factures) of the operation."""
    path = SERVED_OPERATIONS[operation]
    swagger = next(doc for doc in (structures_swagger(), factures_swagger()) if doc.operation(path) is not None)
    schema = swagger.response_schema(path)
    assert swagger.validate(schema, answer, strict=True) == []


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def control(emu, method, name, body=None):
    response = requests.request(method, f"{emu.url}/_emulator/{name}", json=body, timeout=30)
    return response


def account_header(login, password):
    """The cpro-account header value of a technical account: base64 of ``login:password``."""
    return base64.b64encode(f"{login}:{password}".encode()).decode()
