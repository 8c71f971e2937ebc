"""The Chorus Pro emulator over real HTTP on 127.0.0.1, with raw ``requests`` (no dependency on the client)."""

import base64
import dataclasses
import datetime
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from chorus_emulator import FAULT_KINDS, Emulator
from chorus_emulator.config import SERVED_OPERATIONS
from chorus_emulator.facts import MAX_FILE_BYTES, WORKS_STATUSES
from chorus_emulator.replies import success
from chorus_emulator.tests.raw_http import (
    A4,
    PDF,
    ROOT,
    WORKS_SEARCH,
    Api,
    account_header,
    assert_business_error,
    assert_valid_answer,
    auth_headers,
    b64,
    control,
    fetch_token,
    file_body,
    free_port,
    invoice_body,
    works_body,
)

# ---------------------------------------------------------------------------------------------- token


def test_token_endpoint_answers_a_bearer_token(emu):
    credentials = emu.credentials
    form = {"grant_type": "client_credentials", "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"], "scope": "openid"}
    response = requests.post(emu.token_url, data=form, timeout=30)
    assert response.status_code == 200
    answer = response.json()
    assert answer["token_type"] == "Bearer" and answer["scope"] == "openid" and answer["expires_in"] == 3600
    assert isinstance(answer["access_token"], str) and len(answer["access_token"]) > 20


def test_token_endpoint_accepts_http_basic_client_authentication(emu):
    credentials = emu.credentials
    response = requests.post(emu.token_url, data={"grant_type": "client_credentials", "scope": "openid"},
                             auth=(credentials["client_id"], credentials["client_secret"]), timeout=30)
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(("overrides", "error"), [
    ({"client_secret": "wrong-secret"}, "invalid_client"),
    ({"client_id": "someone-else"}, "invalid_client"),
    ({"client_id": ""}, "invalid_client"),
    ({"grant_type": "password"}, "unsupported_grant_type"),
    ({"scope": "profile"}, "invalid_scope"),
])
def test_token_endpoint_refuses_bad_requests(emu, overrides, error):
    credentials = emu.credentials
    form = {"grant_type": "client_credentials", "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"], "scope": "openid", **overrides}
    response = requests.post(emu.token_url, data=form, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert credentials["client_secret"] not in response.text and "wrong-secret" not in response.text


def test_token_endpoint_wants_post(emu):
    response = requests.get(emu.token_url, timeout=30)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_token_lifetime_is_settable(emu):
    emu.token_lifetime = 120
    credentials = emu.credentials
    answer = requests.post(emu.token_url, data={
        "grant_type": "client_credentials", "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"]}, timeout=30).json()
    assert answer["expires_in"] == 120


# ---------------------------------------------------------------------------------------------- authentication


def test_api_call_without_bearer_token_is_401(emu):
    credentials = emu.credentials
    headers = {"cpro-account": account_header(credentials["login"], credentials["password"])}
    response = requests.get(emu.url + SERVED_OPERATIONS["health_check"], headers=headers, timeout=30)
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic abc", "Bearer", "token"])
def test_api_call_with_bad_bearer_token_is_401(emu, authorization):
    headers = {**auth_headers(emu, "x"), "Authorization": authorization}
    assert requests.get(emu.url + SERVED_OPERATIONS["health_check"], headers=headers, timeout=30).status_code == 401


def test_expired_and_revoked_tokens_are_401(emu):
    emu.token_lifetime = 0
    stale = fetch_token(emu)
    health = emu.url + SERVED_OPERATIONS["health_check"]
    assert requests.get(health, headers=auth_headers(emu, stale), timeout=30).status_code == 401
    emu.token_lifetime = 3600
    token = fetch_token(emu)
    assert requests.get(health, headers=auth_headers(emu, token), timeout=30).status_code == 200
    emu.expire_tokens()
    assert requests.get(health, headers=auth_headers(emu, token), timeout=30).status_code == 401
    assert requests.get(health, headers=auth_headers(emu, fetch_token(emu)), timeout=30).status_code == 200


@pytest.mark.parametrize("value", [
    None, "", "not base64 !", base64.b64encode(b"no-colon").decode(), "login-only:",
    "WRONG", base64.b64encode(b"\xff\xfe:x").decode(),
])
def test_missing_or_bad_cpro_account_is_401(emu, value):
    credentials = emu.credentials
    headers = {"Authorization": f"Bearer {fetch_token(emu)}"}
    if value == "login-only:":
        value = account_header(credentials["login"], "wrong-password")
    elif value == "WRONG":
        value = account_header("someone@else.fr", credentials["password"])
    if value is not None:
        headers["cpro-account"] = value
    response = requests.get(emu.url + SERVED_OPERATIONS["health_check"], headers=headers, timeout=30)
    assert response.status_code == 401
    assert credentials["password"] not in response.text


# ---------------------------------------------------------------------------------------------- routes


@pytest.mark.parametrize("path", [
    "/cpro/factures/v1/inexistante", "/cpro/inconnue/v1/soumettre", "/api/other", "/", "/cpro",
    "/cpro/structures/v2/rechercher",
])
def test_unknown_routes_are_404(api, path):
    assert api.post(path).status_code == 404


def test_unsubscribed_api_family_is_403(api):
    response = api.post("/cpro/utilisateurs/v1/monCompte/recuperer/rattachements")
    assert response.status_code == 403
    assert "utilisateurs" in response.json()["moreInformation"]


def test_subscriptions_are_configurable(emu, api):
    emu.subscribed = {"factures", "facturesTravaux", "transverses", "utilisateurs"}
    assert api.post("structures_search").status_code == 403
    assert api.post("/cpro/utilisateurs/v1/monCompte/recuperer/rattachements").status_code == 404
    with Emulator(subscribed=("transverses",)) as other:
        assert Api(other).post("works_submit").status_code == 403


def test_wrong_method_is_405(api):
    response = api.get("works_submit")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert api.post("health_check").status_code == 405
    assert api.session.put(api.url("invoice_submit"), json={}, timeout=30).status_code == 405


def test_health_check_answers(api):
    response = api.get("health_check")
    assert response.status_code == 200 and response.json()["codeRetour"] == 0


# ---------------------------------------------------------------------------------------------- malformed requests


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"", b"\xff\xfe", b'"text"'])
def test_malformed_json_is_400_with_code_retour(api, payload):
    response = api.session.post(api.url("works_submit"), data=payload,
                                headers={"Content-Type": "application/json;charset=utf-8"}, timeout=30)
    assert_business_error(response, 400)


def test_non_json_content_type_is_415(api):
    response = api.session.post(api.url("works_submit"), data=b"a=b",
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert response.status_code == 415


@pytest.mark.parametrize(("remove", "named"), [
    ("numeroFactureSaisi", "numeroFactureSaisi: required"),
    ("destinataire", "destinataire: required"),
    ("montantTotal.montantTVA", "montantTotal.montantTVA: required"),
    ("destinataire.codeDestinataire", "destinataire.codeDestinataire: required"),
    ("references.typeTva", "references.typeTva: required"),
    ("pieceJointePrincipale", "pieceJointePrincipale: required"),
    ("pieceJointePrincipale.0.pieceJointePrincipaleId", "pieceJointePrincipale[0].pieceJointePrincipaleId: required"),
])
def test_missing_required_fields_are_400_naming_the_field(emu, api, remove, named):
    body = works_body(emu, api.upload())
    *parents, last = remove.split(".")
    target = body
    for name in parents:
        target = target[int(name)] if name.isdigit() else target[name]
    del target[last]
    assert_business_error(api.post("works_submit", body), 400, mentions=named)
    assert emu.pieces == []


@pytest.mark.parametrize(("block", "value", "named"), [
    ("dateFacture", "31/01/2026", "dateFacture"),
    ("numeroFactureSaisi", "X" * 51, "numeroFactureSaisi: 51 characters"),
    ("modeDepot", "PAPIER", "modeDepot"),
    ("montantTotal", {"montantHtTotal": "1000", "montantTVA": 200, "montantTtcTotal": 1200, "montantAPayer": 1200},
     "montantTotal.montantHtTotal: expected number"),
    ("fournisseur", {"idFournisseur": "26311001"}, "fournisseur.idFournisseur: expected integer"),
])
def test_ill_typed_fields_are_400(emu, api, block, value, named):
    body = works_body(emu, api.upload(), **{block: value})
    assert_business_error(api.post("works_submit", body), 400, mentions=named)


def test_request_body_over_the_limit_is_413(api, monkeypatch):
    monkeypatch.setattr("chorus_emulator.server.MAX_BODY_BYTES", 100)
    response = api.post("file_upload", file_body("a.pdf", PDF * 10))
    assert response.status_code == 413


# ---------------------------------------------------------------------------------------------- files


def test_file_upload_answers_an_id_and_keeps_the_file(emu, api):
    first, second = api.upload(), api.upload("annexe.xlsx", b"PK\x03\x04 sheet")
    assert second == first + 1
    files = emu.files
    assert [item["id"] for item in files] == [first, second]
    assert files[0]["name"] == "situation.pdf" and files[0]["size"] == len(PDF)


def test_file_just_under_the_size_limit_is_accepted(api):
    content = b"%PDF-" + b"0" * (MAX_FILE_BYTES - 6)
    assert api.upload("large.pdf", content) > 0


@pytest.mark.parametrize(("body_changes", "mentions"), [
    ({"pieceJointeFichier": b64(b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5))}, "must be smaller"),
    ({"pieceJointeFichier": ""}, "empty"),
    ({"pieceJointeFichier": "%%%not base64%%%"}, "base64"),
    ({"pieceJointeNom": "n" * 47 + ".pdf"}, "51 characters"),
    ({"pieceJointeNom": "situation", "pieceJointeExtension": ""}, "extension"),
    ({"pieceJointeNom": "situation.", "pieceJointeExtension": ""}, "extension"),
    ({"pieceJointeNom": "virus.exe", "pieceJointeExtension": "EXE"}, "exe"),
    ({"pieceJointeExtension": "DOCX"}, "pieceJointeExtension"),
    ({"pieceJointeFichier": b64(b"not a pdf")}, "not a PDF"),
])
def test_file_limits_are_400(emu, api, body_changes, mentions):
    body = {**file_body("situation.pdf"), **body_changes}
    assert_business_error(api.post("file_upload", body), 400, mentions=mentions)
    assert emu.files == []


def test_name_of_exactly_50_characters_is_accepted(api):
    assert api.upload("n" * 46 + ".pdf") > 0


# ---------------------------------------------------------------------------------------------- deposits


def test_works_piece_is_deposited(emu, api):
    attachment = api.upload()
    answer = api.ok("works_submit", works_body(emu, attachment))
    assert set(answer) == {"codeRetour", "libelle", "identifiantFactureCPP", "dateDepot"}
    assert answer["dateDepot"] == datetime.date.today().isoformat()
    (piece,) = emu.pieces
    assert piece["id"] == answer["identifiantFactureCPP"] and piece["kind"] == "works"
    assert piece["numeroFacture"] == "SIT-2026-0001-A4"
    assert piece["frame"] == A4 and piece["statut"] == WORKS_STATUSES[0]
    assert piece["pieceJointeIds"] == [attachment] and piece["montantAPayer"] == 1140.0
    assert piece["payload"]["numeroFactureSaisi"] == "SIT-2026-0001-A4"


def test_same_piece_number_twice_is_a_business_error(emu, api):
    body = works_body(emu, api.upload())
    api.ok("works_submit", body)
    answer = assert_business_error(api.post("works_submit", body), 200, code=20002, mentions="SIT-2026-0001-A4")
    assert "already" in answer["libelle"]
    invoice = invoice_body(emu, api.upload(), number="SIT-2026-0001-A4")
    assert_business_error(api.post("invoice_submit", invoice), 200, code=20002)
    assert len(emu.pieces) == 1


def test_concurrent_deposits_of_one_number_accept_exactly_one(emu, api):
    body = works_body(emu, api.upload())
    codes = []

    def deposit():
        codes.append(Api(emu).post("works_submit", body).json()["codeRetour"])

    threads = [threading.Thread(target=deposit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [0] + [20002] * 7
    assert len(emu.pieces) == 1


def test_attachment_never_uploaded_is_a_business_error(emu, api):
    assert_business_error(api.post("works_submit", works_body(emu, 999)), 400, mentions="no uploaded file 999")
    body = works_body(emu, api.upload(), pieceJointeComplementaire=[{"pieceJointeComplementaireId": 12345}])
    assert_business_error(api.post("works_submit", body), 400, mentions="pieceJointeComplementaire")


def test_unknown_recipient_siret_is_a_business_error(emu, api):
    body = works_body(emu, api.upload(), destinataire={"codeDestinataire": "99999999999999"})
    assert_business_error(api.post("works_submit", body), 400, mentions="99999999999999")
    private = works_body(emu, api.upload(), destinataire={"codeDestinataire": emu.seed.moe.siret})
    assert_business_error(api.post("works_submit", private), 400, mentions="no public structure")


def test_unknown_supplier_is_a_business_error(emu, api):
    body = works_body(emu, api.upload(), fournisseur={"idFournisseur": emu.seed.no_rules.id})
    assert_business_error(api.post("works_submit", body), 400, mentions="fournisseur.idFournisseur")
    body = works_body(emu, api.upload(), fournisseur={"idFournisseur": emu.seed.contractor.id,
                                                       "idServiceFournisseur": 1})
    assert_business_error(api.post("works_submit", body), 400, mentions="idServiceFournisseur")


def test_service_code_required_by_the_structure(emu, api):
    body = works_body(emu, api.upload(), recipient=emu.seed.service_required)
    assert_business_error(api.post("works_submit", body), 400, mentions="codeServiceExecutant")
    body["destinataire"]["codeServiceExecutant"] = "SERV999"
    assert_business_error(api.post("works_submit", body), 400, mentions="SERV999")
    body["destinataire"]["codeServiceExecutant"] = "SERV050"  # every 50th service is inactive
    assert_business_error(api.post("works_submit", body), 400, mentions="active")
    body["destinataire"]["codeServiceExecutant"] = "SERV042"
    api.ok("works_submit", body)
    assert emu.pieces[0]["statut"] == WORKS_STATUSES[0]


def test_commitment_number_required_by_the_structure_or_service(emu, api):
    body = works_body(emu, api.upload(), recipient=emu.seed.commitment_required)
    assert_business_error(api.post("works_submit", body), 400, mentions="numeroBonCommande")
    body["references"]["numeroBonCommande"] = "EJ-2026-42"
    api.ok("works_submit", body)
    other = works_body(emu, api.upload(), number="SIT-2026-0002-A4",
                       destinataire={"codeDestinataire": emu.seed.no_rules.siret, "codeServiceExecutant": "TECHNIQUE"})
    api.ok("works_submit", other)
    needs = works_body(emu, api.upload(), number="SIT-2026-0003-A4", recipient=emu.seed.commitment_required,
                       destinataire={"codeDestinataire": emu.seed.commitment_required.siret,
                                     "codeServiceExecutant": "ACHATS"})
    assert_business_error(api.post("works_submit", needs), 400, mentions="numeroBonCommande")


def test_works_frames_and_invoice_frames_are_kept_apart(emu, api):
    invoice = invoice_body(emu, api.upload())
    assert_business_error(api.post("works_submit", invoice), 400, mentions="A1_FACTURE_FOURNISSEUR")
    works = works_body(emu, api.upload())
    works["pieceJointePrincipale"] = works["pieceJointePrincipale"][0]
    assert_business_error(api.post("invoice_submit", works), 400, mentions=A4)  # not in the Swagger's enum
    moe_frame = works_body(emu, api.upload(), cadreDeFacturation={"codeCadreFacturation": "A15_ETAT_ACOMPTE_MOE"})
    assert_business_error(api.post("works_submit", moe_frame), 400, mentions="A15")


def test_works_validator_is_checked(emu, api):
    body = works_body(emu, api.upload(), cadreDeFacturation={"codeCadreFacturation": A4})
    assert_business_error(api.post("works_submit", body), 400, mentions="codeStructureValideur: required")
    body["cadreDeFacturation"]["codeStructureValideur"] = "11111111111111"
    assert_business_error(api.post("works_submit", body), 400, mentions="11111111111111")
    body["cadreDeFacturation"] = {"codeCadreFacturation": A4, "codeStructureValideur": emu.seed.moe.siret,
                                  "codeServiceValideur": "NOPE"}
    assert_business_error(api.post("works_submit", body), 400, mentions="codeServiceValideur")
    body["cadreDeFacturation"] = {"codeCadreFacturation": "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"}
    api.ok("works_submit", body)


@pytest.mark.parametrize(("block", "value", "mentions"), [
    ("montantTotal", {"montantHtTotal": 1000.0, "montantTVA": 200.0, "montantTtcTotal": 1300.0,
                      "montantAPayer": 1300.0}, "montantTtcTotal"),
    ("montantTotal", {"montantHtTotal": 1000.0, "montantTVA": 200.0, "montantTtcTotal": 1200.0,
                      "montantAPayer": 1500.0}, "montantAPayer"),
    ("ligneTva", [{"ligneTvaTauxManuel": 20.0, "ligneTvaMontantBaseHtParTaux": 900.0,
                   "ligneTvaMontantTvaParTaux": 200.0}], "bases"),
    ("ligneTva", [{"ligneTvaTauxManuel": 20.0, "ligneTvaMontantBaseHtParTaux": 1000.0,
                   "ligneTvaMontantTvaParTaux": 180.0}], "VAT amounts"),
])
def test_amounts_that_do_not_add_up_are_refused(emu, api, block, value, mentions):
    body = works_body(emu, api.upload(), **{block: value})
    assert_business_error(api.post("works_submit", body), 400, mentions=mentions)


def test_lines_must_add_up_when_chorus_builds_the_piece(emu, api):
    body = works_body(emu, None, modeDepot="SAISIE_API")
    del body["pieceJointePrincipale"]
    body["lignePoste"][0]["lignePosteMontantUnitaireHT"] = 999.0
    assert_business_error(api.post("works_submit", body), 400, mentions="lignePoste")
    body["lignePoste"][0]["lignePosteMontantUnitaireHT"] = 1000.0
    api.ok("works_submit", body)
    assert_business_error(api.post("works_submit", {**body, "lignePoste": [], "numeroFactureSaisi": "S-2"}), 400,
                          mentions="lignePoste: required")


def test_invoice_date_in_the_future_is_refused(emu, api):
    later = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    body = works_body(emu, api.upload(), dateFacture=later)
    assert_business_error(api.post("works_submit", body), 400, mentions="future")


def test_invoice_is_deposited_and_found_by_the_supplier_search(emu, api):
    answer = api.ok("invoice_submit", invoice_body(emu, api.upload()))
    assert answer["statutFacture"] == "DEPOSEE"
    assert_valid_answer("invoice_submit", answer)
    works = api.ok("works_submit", works_body(emu, api.upload()))
    found = api.ok("invoice_search_supplier", {"numeroFacture": "FAC-2026-0001"})
    assert_valid_answer("invoice_search_supplier", found)
    assert [item["identifiantFactureCPP"] for item in found["listeFactures"]] == [answer["identifiantFactureCPP"]]
    everything = api.ok("invoice_search_supplier", {})["listeFactures"]
    assert len(everything) == 2  # every frame A1 ... A25 (the notes, section 5): works pieces too
    [item] = api.ok("invoice_search_supplier", {"cadreFacturation": A4})["listeFactures"]
    assert item["identifiantFactureCPP"] == works["identifiantFactureCPP"]
    assert item["typeDemandePaiement"] == "FACTURE_TRAVAUX" and item["statut"] == WORKS_STATUSES[0]
    unknown = api.post("invoice_search_supplier", {"parametresRecherche": {}})
    assert_business_error(unknown, 400, mentions="parametresRecherche: unknown field")


# ---------------------------------------------------------------------------------------------- searches, history


def deposit_pieces(emu, api, count):
    attachment = api.upload()
    return [api.ok("works_submit", works_body(emu, attachment, number=f"SIT-{index:04d}-A4"))["identifiantFactureCPP"]
            for index in range(count)]


def works_search(api, **fields):
    """One page of the works search as the shared notes shape it."""
    return api.ok("works_search", {**WORKS_SEARCH, **fields})


def test_works_search_is_paginated(emu, api):
    ids = deposit_pieces(emu, api, 5)
    seen, page = [], 1
    while True:
        answer = works_search(api, rechercheFactureTravaux={"pageResultatDemandee": page, "nbResultatsParPage": 2})
        retour = answer["parametresRetour"]
        assert retour == {"pageCourante": page, "pages": 3, "nbResultatsParPage": 2, "total": 5}
        seen += [item["idFactureTravaux"] for item in answer["listeFacturesTravaux"]]
        if retour["pageCourante"] >= retour["pages"]:
            break
        page += 1
    assert seen == ids
    beyond = works_search(api, rechercheFactureTravaux={"pageResultatDemandee": 4, "nbResultatsParPage": 2})
    assert beyond["listeFacturesTravaux"] == []


def test_works_search_answers_the_shape_of_the_notes(emu, api):
    [piece_id] = deposit_pieces(emu, api, 1)
    [item] = works_search(api)["listeFacturesTravaux"]
    assert set(item) == {
        "idFactureTravaux", "numeroFactureTravaux", "statutFactureTravaux", "typeFactureTravaux",
        "typeDemandePaiement", "dateFactureTravaux", "dateDepot", "dateHeureEtatCourant", "montantHT", "montantTTC",
        "montantAPayer", "identifiantFournisseur", "identifiantDestinataire", "idDestinataire"}
    assert (item["idFactureTravaux"], item["numeroFactureTravaux"], item["statutFactureTravaux"]) == (
        piece_id, "SIT-0000-A4", WORKS_STATUSES[0])
    assert item["typeDemandePaiement"] == "FACTURE_TRAVAUX" and item["typeFactureTravaux"] == "PROJET_DECOMPTE_MENSUEL"
    emu.ids_as_strings = True
    [item] = works_search(api)["listeFacturesTravaux"]
    assert item["idFactureTravaux"] == str(piece_id) and isinstance(item["montantHT"], str)


def test_works_search_no_result_is_20007_on_http_200(api):
    response = api.post("works_search")
    assert response.status_code == 200
    assert response.json() == {"codeRetour": 20007, "libelle": "GFT_MSG_01.075", "listeFacturesTravaux": []}


def test_works_search_refuses_what_the_notes_do_not_know(api):
    assert_business_error(api.post("works_search", {}), 400, mentions="roleUtilisateur: required")
    for unknown in ({"numeroFacture": "X"}, {"parametresRecherche": {}}, {"listeFactures": []}):
        assert_business_error(api.post("works_search", {**WORKS_SEARCH, **unknown}), 400, mentions="unknown field")
    assert_business_error(api.post("works_search", {**WORKS_SEARCH, "periodeDateHeureEtatCourantDu": "hier"}), 400)
    paging = {"rechercheFactureTravaux": {"pageResultatDemandee": 0}}
    assert_business_error(api.post("works_search", {**WORKS_SEARCH, **paging}), 400)


def test_works_search_period_is_the_status_change(emu, api):
    ids = deposit_pieces(emu, api, 3)
    later = (datetime.datetime.now().astimezone() + datetime.timedelta(seconds=2)).isoformat()
    assert api.post("works_search", {**WORKS_SEARCH, "periodeDateHeureEtatCourantDu": later}).json()[
        "codeRetour"] == 20007
    moved = emu.advance_works(ids[1])[0]
    found = works_search(api, periodeDateHeureEtatCourantDu=moved["dateHeureEtatCourant"])["listeFacturesTravaux"]
    assert ids[1] in [item["idFactureTravaux"] for item in found]
    earlier = "2000-01-01T00:00:00.000+00:00"
    assert len(works_search(api, periodeDateHeureEtatCourantDu=earlier,
                            periodeDateHeureEtatCourantAu=later)["listeFacturesTravaux"]) == 3
    assert api.post("works_search", {**WORKS_SEARCH, "periodeDateHeureEtatCourantAu": earlier}).json()[
        "codeRetour"] == 20007


@pytest.mark.parametrize("key", ["idFactureTravaux", "identifiantFactureCPP", "idFacture", None])
def test_the_works_submission_answers_each_candidate_way(emu, api, key):
    emu.works_submit_id_key = key
    answer = api.ok("works_submit", works_body(emu, api.upload()))
    [piece] = emu.pieces
    assert set(answer) == {"codeRetour", "libelle", "dateDepot"} | ({key} if key else set())
    if key:
        assert answer[key] == piece["id"]


def test_the_works_submission_key_is_one_of_the_candidates(emu):
    with pytest.raises(ValueError):
        emu.works_submit_id_key = "numeroFacture"
    response = control(emu, "POST", "config", {"works_submit_id_key": None, "ids_as_strings": True})
    assert response.status_code == 200 and emu.works_submit_id_key is None and emu.ids_as_strings
    emu.reset()  # each test of a shared emulator starts from the answers first set
    assert emu.works_submit_id_key == "identifiantFactureCPP" and not emu.ids_as_strings


def test_a_piece_number_over_20_characters_is_refused(emu, api):
    body = works_body(emu, api.upload(), number="S" * 21)
    assert_business_error(api.post("works_submit", body), 400, mentions="numeroFactureSaisi")
    api.ok("works_submit", works_body(emu, api.upload(), number="S" * 20))


def test_lost_answer_records_the_piece_and_answers_nothing(emu, api):
    emu.inject("works_submit", "lost_answer")
    with pytest.raises(requests.ConnectionError):
        api.post("works_submit", works_body(emu, api.upload()))
    [piece] = emu.pieces
    assert emu.piece_by_number("SIT-2026-0001-A4")["id"] == piece["id"]
    assert "lost_answer" in FAULT_KINDS


def test_bulk_pieces_for_tests_of_scale(emu, api):
    pieces = emu.add_works_pieces(250, prefix="BULK-", status=WORKS_STATUSES[1])
    assert [p["numeroFacture"] for p in pieces[:2]] == ["BULK-00001", "BULK-00002"]
    assert {p["statut"] for p in emu.pieces} == {WORKS_STATUSES[1]}
    answer = works_search(api)
    assert answer["parametresRetour"]["total"] == 250 and len(answer["listeFacturesTravaux"]) == 100


def test_bulk_pieces_dated_earlier_are_searched_by_their_status_change(emu, api):
    earlier = datetime.datetime.now().astimezone() - datetime.timedelta(days=2)
    pieces = emu.add_works_pieces(300, prefix="OLD-", status=WORKS_STATUSES[1], status_at=earlier)
    assert {(p["dateHeureEtatCourant"], p["dateDepot"]) for p in pieces} == {
        (earlier.isoformat(timespec="seconds"), earlier.date().isoformat())}
    since = (earlier + datetime.timedelta(hours=1)).isoformat(timespec="milliseconds")
    none = api.post("works_search", {**WORKS_SEARCH, "periodeDateHeureEtatCourantDu": since}).json()
    assert (none["codeRetour"], none["listeFacturesTravaux"]) == (20007, [])
    emu.advance_works(pieces[7]["id"])  # moved now: the only one changed since
    [moved] = works_search(api, periodeDateHeureEtatCourantDu=since)["listeFacturesTravaux"]
    assert (moved["idFactureTravaux"], moved["statutFactureTravaux"]) == (pieces[7]["id"], WORKS_STATUSES[2])
    before = (earlier - datetime.timedelta(minutes=1)).isoformat(timespec="milliseconds")
    assert works_search(api, periodeDateHeureEtatCourantDu=before)["parametresRetour"]["total"] == 300
    with pytest.raises(ValueError, match="offset"):
        emu.add_works_pieces(1, prefix="NAIVE-", status_at=datetime.datetime.now())
    later = earlier + datetime.timedelta(hours=3)  # a move dated in the past: found by its own date
    emu.set_status(pieces[9]["id"], WORKS_STATUSES[2], at=later)
    found = works_search(api, periodeDateHeureEtatCourantDu=since,
                         periodeDateHeureEtatCourantAu=(later + datetime.timedelta(seconds=1)).isoformat())
    assert [item["idFactureTravaux"] for item in found["listeFacturesTravaux"]] == [pieces[9]["id"]]
    assert emu.pieces[9]["history"][-1]["date"] == later.isoformat(timespec="seconds")
    with pytest.raises(ValueError, match="offset"):
        emu.set_status(pieces[9]["id"], WORKS_STATUSES[3], at=datetime.datetime.now())


def test_bulk_pieces_through_the_control_endpoint(emu, api):
    earlier = (datetime.datetime.now().astimezone() - datetime.timedelta(days=1)).isoformat(timespec="seconds")
    added = control(emu, "POST", "pieces", {"count": 2000, "prefix": "CTL-", "status": WORKS_STATUSES[3],
                                            "status_at": earlier}).json()
    assert added == {"added": 2000, "first_id": emu.pieces[0]["id"], "last_id": emu.pieces[-1]["id"]}
    piece = emu.piece_by_number("CTL-02000")
    assert (piece["statut"], piece["dateHeureEtatCourant"], piece["frame"]) == (WORKS_STATUSES[3], earlier, A4)
    assert works_search(api)["parametresRetour"]["total"] == 2000
    refused = control(emu, "POST", "pieces", {"count": 1, "status": "PAYEE"})
    assert refused.status_code == 400 and "PAYEE" in refused.json()["error"]


def test_invoices_do_not_follow_the_works_circuit(emu, api):
    answer = api.ok("invoice_submit", invoice_body(emu, api.upload()))
    assert emu.advance_works() == []
    assert api.ok("invoice_history", {"idFacture": answer["identifiantFactureCPP"]})["statutCourantCode"] == "DEPOSEE"


def test_statuses_move_on_over_time_as_the_circuit_would():
    with Emulator(auto_advance_seconds=0.05) as emu:
        api = Api(emu)
        (piece_id,) = deposit_pieces(emu, api, 1)
        deadline = time.monotonic() + 10
        while emu.pieces[0]["statut"] != "PRISE_EN_COMPTE_MOA" and time.monotonic() < deadline:
            time.sleep(0.02)
        history = api.ok("invoice_history", {"idFacture": piece_id})
        assert history["statutCourantCode"] == "PRISE_EN_COMPTE_MOA"
        assert_valid_answer("invoice_history", history)


def test_the_circuit_pays_only_an_accepted_piece(emu, api):
    attachment = api.upload()
    presented = api.ok("works_submit", works_body(emu, attachment, number="SIT-0001-A4"))["identifiantFactureCPP"]
    accepted_body = works_body(emu, attachment, number="SIT-0001-A6")
    accepted_body["cadreDeFacturation"] = {"codeCadreFacturation": "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"}
    accepted = api.ok("works_submit", accepted_body)["identifiantFactureCPP"]
    for _tick in range(len(WORKS_STATUSES) + 2):
        emu.advance_circuit()
    statuses = {piece["id"]: [entry["code"] for entry in piece["history"]] for piece in emu.pieces}
    assert statuses[presented] == list(WORKS_STATUSES[:WORKS_STATUSES.index("MANDATEE")])
    assert statuses[accepted] == list(WORKS_STATUSES)
    assert emu.advance_circuit() == []  # nothing moves any more
    # By hand, any move still goes (the README says how): the presented piece paid all the same.
    emu.advance_works(presented, steps=2)
    assert emu.piece_by_number("SIT-0001-A4")["statut"] == "MISE_EN_PAIEMENT"


def test_history_of_an_unknown_piece_is_a_business_error(api):
    assert_business_error(api.post("invoice_history", {"idFacture": 42}), 400, mentions="42")
    assert_business_error(api.post("invoice_history", {}), 400, mentions="idFacture: required")


# ---------------------------------------------------------------------------------------------- flows


def test_flow_deposit_and_report(emu, api):
    """A flow of a syntax the emulator does not read is taken as it comes (Factur-X flows: test_emulator_flows)."""
    body = {"fichierFlux": b64(b"<Invoice/>"), "nomFichier": "facture.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
            "avecSignature": False}
    answer = api.ok("flow_deposit", body)
    assert_valid_answer("flow_deposit", answer)
    number = answer["numeroFluxDepot"]
    assert number and answer["dateDepot"] == datetime.date.today().isoformat()
    report = api.ok("flow_report", {"numeroFluxDepot": number})
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE" and report["numeroFluxDepot"] == number
    assert report["listeErreurDP"] == [] and report["listeErreurTechnique"] == []
    assert emu.flows[0]["numeroFluxDepot"] == number and emu.pieces == []
    assert_business_error(api.post("flow_report", {"numeroFluxDepot": "CPP0"}), 400, mentions="CPP0")
    assert_business_error(api.post("flow_deposit", {**body, "syntaxeFlux": "PDF"}), 400, mentions="syntaxeFlux")
    assert_business_error(api.post("flow_deposit", {**body, "fichierFlux": ""}), 400, mentions="empty")
    facturx = {**body, "fichierFlux": b64(PDF), "nomFichier": "facturx.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"}
    assert_business_error(api.post("flow_deposit", facturx), 400, mentions="fichierFlux: the PDF cannot be read")


# ---------------------------------------------------------------------------------------------- structures


def test_structure_search_by_siret_validates_against_the_swagger(emu, api):
    siret = emu.seed.contractor.siret
    answer = api.ok("structures_search", {"structure": {"identifiantStructure": siret,
                                                         "typeIdentifiantStructure": "SIRET"}})
    assert_valid_answer("structures_search", answer)
    assert answer["listeStructures"] == [{
        "idStructureCPP": emu.seed.contractor.id, "identifiantStructure": siret,
        "designationStructure": emu.seed.contractor.name, "typeIdentifiantStructure": "SIRET", "statut": "ACTIVE"}]
    nothing = api.ok("structures_search", {"structure": {"identifiantStructure": "12345678901234"}})
    assert nothing["listeStructures"] == [] and nothing["parametresRetour"]["total"] == 0
    assert_valid_answer("structures_search", nothing)


def test_structure_search_is_paginated(emu, api):
    seen = []
    for page in (1, 2, 3, 4):
        answer = api.ok("structures_search", {"parametres": {"pageResultatDemandee": page, "nbResultatsParPage": 2}})
        assert_valid_answer("structures_search", answer)
        assert answer["parametresRetour"]["pages"] == 4
        seen += [item["identifiantStructure"] for item in answer["listeStructures"]]
    assert seen == [structure.siret for structure in emu.seed.structures]
    public = api.ok("structures_search", {"structure": {"typeStructure": "PUBLIQUE"}})["listeStructures"]
    assert {item["idStructureCPP"] for item in public} == {body.id for body in emu.seed.public_bodies}
    by_name = api.ok("structures_search", {"structure": {"raisonSocialeStructure": "hospitalier"}})
    assert [item["idStructureCPP"] for item in by_name["listeStructures"]] == [emu.seed.commitment_required.id]


@pytest.mark.parametrize(("name", "service", "commitment"), [
    ("no_rules", False, False), ("service_required", True, False), ("commitment_required", False, True),
])
def test_structure_rules_are_consulted(emu, api, name, service, commitment):
    structure = getattr(emu.seed, name)
    answer = api.ok("structures_consult", {"idStructureCPP": structure.id})
    assert_valid_answer("structures_consult", answer)
    assert answer["parametres"]["codeServiceDoitEtreRenseigne"] is service
    assert answer["parametres"]["numeroEJDoitEtreRenseigne"] is commitment
    assert answer["informationGenerales"]["identifiantStructure"] == structure.siret
    assert answer["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"


def test_services_span_several_pages(emu, api):
    structure = emu.seed.service_required
    services, page, pages = [], 1, None
    while pages is None or page <= pages:
        answer = api.ok("structures_services", {
            "idStructure": structure.id,
            "parametresRechercherServicesStructure": {"pageResultatDemandee": page, "nbResultatsParPage": 1000}})
        assert_valid_answer("structures_services", answer)
        retour = answer["parametresRetour"]
        assert retour["nbResultatsParPage"] == 100 and retour["total"] == 250 and retour["pageCourante"] == page
        pages = retour["pages"]
        services += answer["listeServices"]
        page += 1
    assert pages == 3 and len(services) == 250
    assert len({service["idService"] for service in services}) == 250
    assert services[49] == {"idService": structure.services[49].id, "codeService": "SERV050",
                            "libelleService": "Service 050", "estActif": False, "statutService": "INACTIF"}


def test_service_consult_spaces_and_links_validate(emu, api):
    body = emu.seed.commitment_required
    answer = api.ok("structures_service_consult", {"idStructure": body.id, "idService": body.services[1].id})
    assert_valid_answer("structures_service_consult", answer)
    assert answer["parametres"]["numeroEngagement"] is True
    assert answer["informationsGenerales"]["codeService"] == "ACHATS"
    spaces = api.ok("structures_spaces", {"structure": {"identifiantStructure": emu.seed.contractor.siret}})
    assert_valid_answer("structures_spaces", spaces)
    assert "Factures de travaux" in [space["libelleEspace"] for space in spaces["listeEspace"]]
    links = api.ok("structures_user_links", {"idStructure": emu.seed.contractor.id})
    assert_valid_answer("structures_user_links", links)
    assert [link["statutRattachement"] for link in links["listeServices"]] == ["VALIDEE"]


@pytest.mark.parametrize(("operation", "body", "named"), [
    ("structures_search", {"structure": {"identifiantStructure": 12887}}, "structure.identifiantStructure"),
    ("structures_search", {"structure": {"typeIdentifiantStructure": "SIREN"}}, "typeIdentifiantStructure"),
    ("structures_search", {"parametresRecherche": {"pageResultatDemandee": 2}}, "parametresRecherche: unknown"),
    ("structures_consult", {"idStructureCPP": "26311003"}, "idStructureCPP: expected integer"),
    ("structures_consult", {}, "idStructureCPP: required"),
    ("structures_services", {"idStructure": 1, "parametresRechercherServicesStructure": {"triSens": "Haut"}},
     "parametresRechercherServicesStructure.triSens"),
    ("structures_services", {"idStructure": 2**63}, "idStructure: 9223372036854775808 is out of the int64 range"),
])
def test_invalid_structures_requests_are_400_naming_the_field(api, operation, body, named):
    assert_business_error(api.post(operation, body), 400, mentions=named)


def test_unknown_structure_is_a_business_error(api):
    assert_business_error(api.post("structures_consult", {"idStructureCPP": 1}), 400, mentions="no structure 1")
    assert_business_error(api.post("structures_services", {"idStructure": 1}), 400, mentions="no structure 1")


def test_answer_that_breaks_the_swagger_is_a_500(emu, api, caplog):
    path = SERVED_OPERATIONS["structures_search"]
    routes = emu._api.routes
    routes[path] = dataclasses.replace(routes[path], handler=lambda _api, _body: success(listeStructures="oops"))
    with caplog.at_level(logging.ERROR, logger="chorus_emulator.api"):
        response = api.post("structures_search", {})
    assert response.status_code == 500
    assert "listeStructures: expected array" in caplog.text


# ---------------------------------------------------------------------------------------------- faults


def test_latency_fault_delays_then_answers(emu, api):
    emu.inject("health_check", "latency", latency=0.2)
    started = time.monotonic()
    assert api.get("health_check").status_code == 200
    assert time.monotonic() - started >= 0.2
    assert emu.faults == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_fault(emu, api, status):
    emu.inject("works_search", "server_error", count=2, http_status=status)
    assert [api.post("works_search").status_code for _ in range(3)] == [status, status, 200]


def test_rate_limit_fault(emu, api):
    emu.inject(SERVED_OPERATIONS["works_search"], "rate_limit", retry_after=7)
    response = api.post("works_search")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert api.post("works_search").status_code == 200


def test_timeout_fault_leaves_the_client_without_answer(emu, api):
    emu.inject("works_search", "timeout", latency=2.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.post(api.url("works_search"), json={}, timeout=0.3)
    assert api.post("works_search").status_code == 200


def test_expired_token_fault(emu, api):
    emu.inject("works_submit", "expired_token")
    response = api.post("works_submit", {})
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]
    assert api.post("works_submit", {}).status_code == 400  # the same token works again: the body is empty


@pytest.mark.parametrize("status", [200, 400])
def test_business_error_fault(emu, api, status):
    emu.inject("works_submit", "business_error", code=20002, label="GCU_MSG_01_002", http_status=status)
    assert_business_error(api.post("works_submit", {}), status, code=20002, mentions="GCU_MSG_01_002")


def test_malformed_fault_answers_a_body_that_is_not_json(emu, api):
    emu.inject("works_search", "malformed")
    response = api.post("works_search")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    emu.inject("works_search", "malformed", body="{\"codeRetour\": ", http_status=400)
    assert api.post("works_search").text == "{\"codeRetour\": "


def test_reset_fault_drops_the_connection(emu, api):
    emu.inject("works_submit", "reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("works_submit", {})
    assert api.post("works_search").status_code == 200


def test_wildcard_fault_until_cleared_and_token_faults(emu, api):
    emu.inject("*", "server_error", count=None, http_status=503)
    assert api.post("works_search").status_code == 503
    assert api.get("health_check").status_code == 503
    assert requests.post(emu.token_url, data={}, timeout=30).status_code == 503
    assert len(emu.faults) == 1
    emu.clear_faults()
    assert api.post("works_search").status_code == 200
    emu.inject("token", "rate_limit")
    assert requests.post(emu.token_url, data={}, timeout=30).status_code == 429


def test_faults_on_a_path_come_before_wildcards_and_in_order(emu, api):
    emu.inject("*", "rate_limit")
    emu.inject("works_search", "server_error")
    emu.inject("works_search", "business_error", http_status=200)
    statuses = [api.post("works_search").status_code for _ in range(3)]
    assert statuses == [500, 200, 429]
    assert api.post("works_search").json()["codeRetour"] == 20007  # no fault left: the plain "no result"


def test_bad_fault_definitions_are_refused(emu):
    assert "reset" in FAULT_KINDS
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.inject("*", "explode")
    with pytest.raises(ValueError, match="unknown fault option"):
        emu.inject("*", "server_error", colour="red")
    with pytest.raises(ValueError, match="5xx"):
        emu.inject("*", "server_error", http_status=404)
    with pytest.raises(ValueError, match="count"):
        emu.inject("*", "latency", count=0)
    assert emu.faults == []


# ---------------------------------------------------------------------------------------------- counts


def test_requests_are_counted_per_path(emu, api):
    attachment = api.upload()
    api.ok("works_submit", works_body(emu, attachment))
    api.post("works_submit", works_body(emu, attachment))
    api.post("/cpro/factures/v1/inexistante")
    requests.get(emu.url + "/_emulator/state", timeout=30)
    counts = emu.request_counts
    assert counts == {"/api/oauth/token": 1, SERVED_OPERATIONS["file_upload"]: 1, SERVED_OPERATIONS["works_submit"]: 2,
                      "/cpro/factures/v1/inexistante": 1}
    counts["/api/oauth/token"] = 99
    assert emu.request_counts["/api/oauth/token"] == 1
    emu.reset_counts()
    assert emu.request_counts == {}


# ---------------------------------------------------------------------------------------------- control endpoints


def test_control_state_shows_seed_pieces_counts_and_faults(emu, api):
    api.ok("works_submit", works_body(emu, api.upload()))
    emu.inject("works_search", "rate_limit")
    state = control(emu, "GET", "state").json()
    assert state["url"] == emu.url and state["token_url"] == emu.token_url
    assert state["seed"]["credentials"] == emu.credentials
    assert state["seed"]["contractor"]["siret"] == "00000000012887"
    assert state["seed"]["service_required"]["service_count"] == 250
    assert [piece["numeroFacture"] for piece in state["pieces"]] == ["SIT-2026-0001-A4"]
    assert state["request_counts"][SERVED_OPERATIONS["works_submit"]] == 1
    assert state["faults"][0]["kind"] == "rate_limit"
    assert state["operations"]["works_submit"] == SERVED_OPERATIONS["works_submit"]


def test_control_faults(emu, api):
    response = control(emu, "POST", "faults", {"path": "works_search", "kind": "server_error", "count": 2,
                                               "http_status": 502})
    assert response.status_code == 200 and response.json()["added"][0]["path"] == SERVED_OPERATIONS["works_search"]
    control(emu, "POST", "faults", [{"path": "health_check", "kind": "rate_limit"},
                                    {"path": "*", "kind": "latency", "latency": 0.01, "count": None}])
    assert len(control(emu, "GET", "faults").json()["faults"]) == 3
    assert api.post("works_search").status_code == 502
    assert control(emu, "DELETE", "faults").json() == {"faults": []}
    assert api.post("works_search").status_code == 200
    bad = control(emu, "POST", "faults", {"path": "*", "kind": "explode"})
    assert bad.status_code == 400 and "explode" in bad.json()["error"]


def test_control_advance_status_and_reset(emu, api):
    (piece_id,) = deposit_pieces(emu, api, 1)
    moved = control(emu, "POST", "advance", {"piece_id": piece_id, "steps": 3}).json()["moved"]
    assert moved[0]["statut"] == WORKS_STATUSES[3]
    assert control(emu, "POST", "advance").json()["moved"][0]["statut"] == WORKS_STATUSES[4]
    piece = control(emu, "POST", "status", {"piece_id": piece_id, "status": "REFUSEE_MOA", "comment": "x"}).json()
    assert piece["piece"]["statut"] == "REFUSEE_MOA"
    assert control(emu, "POST", "status", {"piece_id": 1, "status": "X"}).status_code == 400
    assert control(emu, "POST", "reset").json() == {"reset": True}
    assert emu.pieces == [] and emu.request_counts == {}
    assert api.get("health_check").status_code == 200  # tokens survive a plain reset
    control(emu, "POST", "reset", {"tokens": True})
    assert api.get("health_check").status_code == 401


def test_control_tokens_counts_and_config(emu, api):
    api.get("health_check")
    assert control(emu, "POST", "reset-counts").json() == {"request_counts": {}}
    assert emu.request_counts == {}
    control(emu, "POST", "expire-tokens")
    assert api.get("health_check").status_code == 401
    config = control(emu, "POST", "config", {"token_lifetime": 60, "subscribed": ["transverses"]}).json()
    assert config == {"token_lifetime": 60, "subscribed": ["transverses"],
                      "works_submit_id_key": "identifiantFactureCPP", "ids_as_strings": False,
                      "flow_works_frames": True, "works_submit_route": True, "works_submit_legacy_route": False,
                      "works_attachment_shape": None, "download_container": "pdf", "produced_pieces_by": "next_piece",
                      "works_partner_placement": None}
    shaped = control(emu, "POST", "config", {"works_attachment_shape": "object"}).json()
    assert shaped["works_attachment_shape"] == "object" and emu.works_attachment_shape == "object"
    assert control(emu, "POST", "config", {"works_attachment_shape": "tuple"}).status_code == 400
    assert emu.token_lifetime == 60
    assert Api(emu).post("works_search").status_code == 403
    assert control(emu, "POST", "config", {"subscribed": ["nope"]}).status_code == 400


def test_unknown_control_endpoint_and_bad_json(emu):
    response = control(emu, "GET", "nothing")
    assert response.status_code == 404 and "GET /_emulator/state" in response.json()["endpoints"]
    bad = requests.post(f"{emu.url}/_emulator/advance", data=b"{", timeout=30)
    assert bad.status_code == 400


# ---------------------------------------------------------------------------------------------- life cycle, CLI


def test_binds_loopback_only_and_stops_cleanly():
    emulator = Emulator()
    assert emulator.url is None
    url = emulator.start()
    assert url.startswith("http://127.0.0.1:") and emulator.port > 0
    assert emulator._server.server_address[0] == "127.0.0.1"
    with pytest.raises(RuntimeError):
        emulator.start()
    session = requests.Session()  # keeps a connection open across the stop
    assert session.post(url + SERVED_OPERATIONS["health_check"], timeout=30).status_code == 405
    emulator.stop()
    emulator.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(url + SERVED_OPERATIONS["health_check"], timeout=5)
    assert emulator.start().startswith("http://127.0.0.1:")
    emulator.stop()


def test_stop_wakes_requests_held_by_faults():
    emulator = Emulator()
    emulator.start()
    emulator.inject("*", "timeout", latency=60)
    errors = []

    def call():
        try:
            requests.get(emulator.url + SERVED_OPERATIONS["health_check"], timeout=60)
        except requests.exceptions.ConnectionError as error:
            errors.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    while not emulator.request_counts:
        time.sleep(0.01)
    emulator.stop()
    thread.join(timeout=30)
    assert not thread.is_alive() and len(errors) == 1


def test_secrets_stay_out_of_repr(emu):
    assert emu.credentials["client_secret"] not in repr(emu)
    assert emu.credentials["password"] not in repr(emu.seed)
    assert emu.credentials["client_secret"] not in repr(emu.seed)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_command_line_starts_and_stops_the_emulator(signum):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "ediflex_chorus")}
    command = [sys.executable, "-m", "chorus_emulator", "--port", str(port), "--auto-advance-seconds", "60"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first_line
        emulator = _Remote(f"http://127.0.0.1:{port}")
        token = fetch_token(emulator)
        response = requests.get(emulator.url + SERVED_OPERATIONS["health_check"], headers=auth_headers(emulator, token),
                                timeout=30)
        assert response.status_code == 200
    finally:
        process.send_signal(signum)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "stopped" in output


class _Remote:
    """The bits of the Emulator API the helpers need, for an emulator in another process."""

    def __init__(self, url):
        self.url = url
        self.token_url = url + "/api/oauth/token"
        self.credentials = requests.get(url + "/_emulator/state", timeout=30).json()["seed"]["credentials"]


# ---------------------------------------------------------------------------------------------- soak faults


def test_held_answer_records_the_piece_then_answers_late(emu, api):
    emu.inject("works_submit", "held_answer", latency=0.5)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.post(api.url("works_submit"), json=works_body(emu, api.upload()), timeout=0.2)
    assert emu.piece_by_number("SIT-2026-0001-A4") is not None  # recorded before the answer left
    emu.inject("works_submit", "held_answer", latency=0.3)
    answer = api.post("works_submit", works_body(emu, api.upload(), number="SIT-2026-0002-A4"))
    assert time.monotonic() - started >= 0.3 and answer.json()["codeRetour"] == 0
    assert len(emu.pieces) == 2 and emu.faults_played == {"held_answer": 2}


def test_malformed_fault_may_claim_json(emu, api):
    emu.inject("works_search", "malformed", body='{"codeRetour": 0, "listeFactu', content_type="application/json")
    response = api.post("works_search")
    assert response.headers["Content-Type"] == "application/json" and response.text == '{"codeRetour": 0, "listeFactu'


def test_played_faults_and_refused_duplicates_are_counted(emu, api):
    emu.inject("works_search", "server_error", count=2)
    emu.inject("*", "rate_limit")
    for _ in range(3):
        api.post("works_search")
    body = works_body(emu, api.upload())
    api.ok("works_submit", body)
    api.post("works_submit", body)
    assert emu.faults_played == {"server_error": 2, "rate_limit": 1}
    assert emu.duplicates == {"SIT-2026-0001-A4": 1}
    state = requests.get(emu.url + "/_emulator/state", timeout=30).json()
    assert state["faults_played"] == emu.faults_played and state["duplicates"] == emu.duplicates
    emu.reset_counts()
    assert emu.faults_played == {} and emu.duplicates == {}


def test_stopped_emulator_refuses_connections_then_serves_the_same_state_on_its_port(emu, api):
    api.ok("works_submit", works_body(emu, api.upload()))
    port, url = emu.port, emu.url
    emu.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url + "/_emulator/state", timeout=5)
    emu.start(port)
    assert emu.url == url and [p["numeroFacture"] for p in emu.pieces] == ["SIT-2026-0001-A4"]
