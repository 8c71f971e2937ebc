"""The emulator's Factures API against the official Swagger, and the works search and submission of the notes.

Every answer of a Factures route the emulator serves validates, strictly, against the official
``Factures.swagger.json``; requests are checked against its request schemas. The works routes (in no Swagger)
follow section 5 of the shared notes.
"""

import datetime
import os
import subprocess
import sys

import pytest
import requests

from chorus_emulator import DUPLICATE_CODE, Emulator
from chorus_emulator.__main__ import parse_args
from chorus_emulator.config import SERVED_OPERATIONS
from chorus_emulator.facts import WORKS_STATUSES
from chorus_emulator.swagger import factures_swagger, piece_statuses
from chorus_emulator.tests.raw_http import (
    A4,
    PDF,
    ROOT,
    WORKS_SEARCH,
    Api,
    assert_business_error,
    assert_valid_answer,
    b64,
    control,
    invoice_body,
    works_body,
)

FACTURES_ROUTES = {
    "invoice_submit": "/cpro/factures/v1/soumettre",
    "invoice_pdf_deposit": "/cpro/factures/v1/deposer/pdf",
    "flow_deposit": "/cpro/factures/v1/deposer/flux",
    "invoice_search_supplier": "/cpro/factures/v1/rechercher/fournisseur",
    "invoice_history": "/cpro/factures/v1/consulter/historique",
    "invoice_download": "/cpro/factures/v1/telecharger/groupe",
    "invoice_consult_supplier": "/cpro/factures/v1/consulter/fournisseur",
    "invoice_to_handle": "/cpro/factures/v1/rechercher/atraiter/fournisseur",
    "invoice_complete": "/cpro/factures/v1/completer",
    "invoice_recycle": "/cpro/factures/v1/recycler",
}
PDF_BODY = {"fichierFacture": b64(PDF), "nomFichier": "facture.pdf", "formatDepot": "PDF_NON_SIGNE"}


def checked(api, operation, body=None):
    """POST, assert HTTP 200, and assert the answer validates strictly against the official Swagger."""
    response = api.post(operation, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid_answer(operation, answer)
    return answer


def search(api, **fields):
    return api.post("works_search", {**WORKS_SEARCH, **fields})


def found_ids(response):
    assert response.status_code == 200, response.text
    return [item["idFactureTravaux"] for item in response.json().get("listeFacturesTravaux") or []]


# ---------------------------------------------------------------------------------------------- official Swagger


def test_the_factures_routes_served_are_those_of_the_official_swagger():
    swagger = factures_swagger()
    served = {name: path for name, path in SERVED_OPERATIONS.items() if swagger.operation(path) is not None}
    assert served == FACTURES_ROUTES
    for path in served.values():
        assert swagger.request_schema(path) is not None and swagger.response_schema(path) is not None


def test_every_factures_answer_validates_against_the_official_swagger(emu, api):
    pdf = checked(api, "invoice_pdf_deposit", PDF_BODY)
    invoice_id = checked(api, "invoice_submit", invoice_body(emu, pdf["pieceJointeId"]))["identifiantFactureCPP"]
    works_id = api.ok("works_submit", works_body(emu, api.upload()))["identifiantFactureCPP"]
    bulk = emu.add_works_pieces(30, prefix="SW-")
    emu.advance_works(steps=len(WORKS_STATUSES))
    emu.set_status(bulk[0]["id"], "REFUSEE_MOE", "Mauvais valideur")
    emu.set_status(bulk[1]["id"], "A_RECYCLER")
    flow = checked(api, "flow_deposit", {"fichierFlux": b64(b"<Invoice/>"), "nomFichier": "facture.xml",
                                         "syntaxeFlux": "IN_DP_E1_UBL_INVOICE", "avecSignature": False})
    assert flow["numeroFluxDepot"]
    searches = [{}, {"cadreFacturation": A4}, {"numeroFacture": "SW-00002"}, {"statutCourant": ["REFUSEE_MOE"]},
                {"rechercheFactureParFournisseur": {"pageResultatDemandee": 2, "nbResultatsParPage": 7,
                                                    "triSens": "Descendant"}},
                {"periodeDateHeureEtatCourantDu": "2000-01-01T00:00:00.000+00:00",
                 "listeDestinataire": [{"idDestinataire": emu.seed.no_rules.id}]}]
    for body in searches:
        assert checked(api, "invoice_search_supplier", body)["listeFactures"]
    for piece_id in (invoice_id, works_id, bulk[0]["id"], bulk[1]["id"]):
        history = checked(api, "invoice_history", {"idFacture": piece_id})
        paged = checked(api, "invoice_history", {"idFacture": piece_id, "paramRechercheHistoStatuts": {
            "pageResultatDemandeeListeHistoStatut": 1, "nbResultatsParPageListeHistoStatut": 2,
            "triSensListeHistoStatut": "Descendant"}})
        assert paged["statutCourantCode"] == history["statutCourantCode"]


def test_factures_requests_are_checked_against_the_official_swagger(emu, api):
    unknown = api.post("invoice_search_supplier", {"parametresRecherche": {}})
    assert_business_error(unknown, 400, mentions="parametresRecherche: unknown field")
    assert_business_error(api.post("invoice_history", {"idFacture": "7000001"}), 400, mentions="idFacture: expected")
    assert_business_error(api.post("invoice_pdf_deposit", {**PDF_BODY, "formatDepot": "PDF"}), 400,
                          mentions="formatDepot")
    assert_business_error(api.post("invoice_pdf_deposit", {"nomFichier": "facture.pdf"}), 400,
                          mentions="fichierFacture: required")
    bad_period = api.post("invoice_search_supplier", {"periodeDateDepotDu": "hier"})
    assert_business_error(bad_period, 400, mentions="periodeDateDepotDu")


def test_history_answers_the_swagger_shape_with_paging(emu, api):
    [piece] = emu.add_works_pieces(1)
    emu.advance_works(piece["id"], steps=3)
    emu.set_status(piece["id"], "REFUSEE_MOA", "Montant")
    history = checked(api, "invoice_history", {"idFacture": piece["id"]})
    statuses = history["historiquesDesStatuts"]
    assert history["idFacture"] == piece["id"] and history["numeroFacture"] == "BULK-00001"
    assert history["statutCourantCode"] == "REFUSEE_MOA"
    assert [entry["histoStatutCode"] for entry in statuses["histoStatut"]] == [*WORKS_STATUSES[:4], "REFUSEE_MOA"]
    assert statuses["histoStatut"][-1]["histoStatutCommentaire"] == "Montant"
    assert (statuses["pageCouranteHistoStatut"], statuses["pagesHistoStatut"], statuses["totalHistoStatut"]) == (
        1, 1, 5)
    newest = checked(api, "invoice_history", {"idFacture": piece["id"], "paramRechercheHistoStatuts": {
        "nbResultatsParPageListeHistoStatut": 2, "pageResultatDemandeeListeHistoStatut": 1,
        "triSensListeHistoStatut": "Descendant"}})["historiquesDesStatuts"]
    assert [entry["histoStatutCode"] for entry in newest["histoStatut"]] == ["REFUSEE_MOA", WORKS_STATUSES[3]]
    assert (newest["pagesHistoStatut"], newest["nbResultatsParPageHistoStatut"]) == (3, 2)


def test_works_statuses_are_those_of_the_official_swagger(emu):
    assert set(WORKS_STATUSES) <= piece_statuses()
    [piece] = emu.add_works_pieces(1)
    with pytest.raises(ValueError, match="official Factures Swagger"):
        emu.set_status(piece["id"], "EN_ATTENTE_DE_QUELQUE_CHOSE")
    with pytest.raises(ValueError):
        emu.add_works_pieces(1, status="PAYEE")
    with pytest.raises(ValueError):
        emu.add_works_pieces(1, frame="A1_FACTURE_FOURNISSEUR")
    response = control(emu, "POST", "status", {"piece_id": piece["id"], "status": "NOPE"})
    assert response.status_code == 400 and emu.pieces[0]["statut"] == WORKS_STATUSES[0]


def test_pdf_deposit_stores_the_file_and_answers_the_swagger_shape(emu, api):
    answer = checked(api, "invoice_pdf_deposit", PDF_BODY)
    assert "codeRetour" not in answer  # the official answer declares neither codeRetour nor libelle
    [stored] = emu.files
    assert stored["id"] == answer["pieceJointeId"] and stored["source"] == "deposer/pdf"
    assert answer["codeFournisseur"] == emu.seed.contractor.siret
    invoice = invoice_body(emu, answer["pieceJointeId"])
    assert api.ok("invoice_submit", invoice)["statutFacture"] == "DEPOSEE"
    assert_business_error(api.post("invoice_pdf_deposit", {**PDF_BODY, "nomFichier": "facture.txt"}), 400,
                          mentions="PDF")
    assert_business_error(api.post("invoice_pdf_deposit", {**PDF_BODY, "fichierFacture": b64(b"hello")}), 400,
                          mentions="not a PDF")
    assert len(emu.files) == 1


# ---------------------------------------------------------------------------------------------- works search


def test_works_search_filters_by_recipient_and_executing_service(emu, api):
    siret = emu.seed.no_rules.siret
    technique = works_body(emu, api.upload(), number="SIT-TECH",
                           destinataire={"codeDestinataire": siret, "codeServiceExecutant": "TECHNIQUE"})
    finances = works_body(emu, api.upload(), number="SIT-FIN",
                          destinataire={"codeDestinataire": siret, "codeServiceExecutant": "FINANCES"})
    other = works_body(emu, api.upload(), number="SIT-CH", recipient=emu.seed.commitment_required,
                       references={"typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "numeroBonCommande": "EJ1"})
    ids = [api.ok("works_submit", body)["identifiantFactureCPP"] for body in (technique, finances, other)]
    [technique_service, _] = emu.seed.no_rules.services
    assert found_ids(search(api, idDestinataire=emu.seed.no_rules.id)) == ids[:2]
    assert found_ids(search(api, idServiceExecutant=technique_service.id)) == ids[:1]
    assert found_ids(search(api, idDestinataire=emu.seed.commitment_required.id)) == ids[2:]
    assert found_ids(search(api, flagTelecharge=False)) == ids
    for role in ("MOE", "MOA"):  # the seed's account is a supplier's
        assert search(api, roleUtilisateur=role).json()["codeRetour"] == 20007


def test_works_search_period_bounds_are_inclusive_aware_date_times(emu, api):
    [piece] = emu.add_works_pieces(1)
    moment = datetime.datetime.fromisoformat(piece["dateHeureEtatCourant"])
    assert moment.tzinfo is not None
    exact = moment.isoformat(timespec="milliseconds")
    in_utc = moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    assert found_ids(search(api, periodeDateHeureEtatCourantDu=exact, periodeDateHeureEtatCourantAu=exact)) == [
        piece["id"]]
    assert found_ids(search(api, periodeDateHeureEtatCourantDu=in_utc, periodeDateHeureEtatCourantAu=in_utc)) == [
        piece["id"]]
    after = (moment + datetime.timedelta(milliseconds=1)).isoformat(timespec="milliseconds")
    assert search(api, periodeDateHeureEtatCourantDu=after).json()["codeRetour"] == 20007
    naive = moment.replace(tzinfo=None).isoformat()
    assert_business_error(search(api, periodeDateHeureEtatCourantDu=naive), 400, mentions="offset")


def test_every_status_change_moves_the_status_date(emu, monkeypatch):
    import chorus_emulator.state as state_module

    clock = iter(f"2026-11-28T07:0{minute}:00+00:00" for minute in range(10))
    monkeypatch.setattr(state_module, "now_iso", lambda: next(clock))
    [piece] = emu.add_works_pieces(1)
    assert piece["dateHeureEtatCourant"] == "2026-11-28T07:00:00+00:00"
    assert emu.advance_works(piece["id"])[0]["dateHeureEtatCourant"] == "2026-11-28T07:01:00+00:00"
    assert emu.set_status(piece["id"], "REFUSEE_MOE", "x")["dateHeureEtatCourant"] == "2026-11-28T07:02:00+00:00"
    api = Api(emu)
    found = search(api, periodeDateHeureEtatCourantDu="2026-11-28T07:02:00.000+00:00",
                   periodeDateHeureEtatCourantAu="2026-11-28T08:02:00.000+01:00")
    assert found_ids(found) == [piece["id"]]


def test_works_search_pages_are_capped_at_100(emu, api):
    emu.add_works_pieces(130)
    answer = search(api, rechercheFactureTravaux={"nbResultatsParPage": 500, "pageResultatDemandee": 2}).json()
    assert answer["parametresRetour"] == {"pageCourante": 2, "pages": 2, "nbResultatsParPage": 100, "total": 130}
    assert len(answer["listeFacturesTravaux"]) == 30
    assert answer["codeRetour"] == 0 and answer["libelle"] == "TRA_MSG_00.000"


def test_works_search_ids_and_amounts_as_strings(api):
    with Emulator(ids_as_strings=True) as emu:
        assert emu.ids_as_strings
    emu = api.emulator
    [piece] = emu.add_works_pieces(1)
    control(emu, "POST", "config", {"ids_as_strings": True})
    [item] = search(api).json()["listeFacturesTravaux"]
    assert item["idFactureTravaux"] == str(piece["id"]) and item["idDestinataire"] == str(piece["idDestinataire"])
    assert item["identifiantFournisseur"] == str(emu.seed.contractor.id) and item["montantAPayer"] == "114.0"
    assert item["numeroFactureTravaux"] == "BULK-00001" and item["statutFactureTravaux"] == WORKS_STATUSES[0]


# ---------------------------------------------------------------------------------------------- works submission


def test_works_submission_setting_from_the_constructor_and_the_command_line(api):
    for key in ("idFactureTravaux", "identifiantFactureCPP", "idFacture", None):
        with Emulator(works_submit_id_key=key) as emu:
            assert emu.works_submit_id_key == key
    with pytest.raises(ValueError):
        Emulator(works_submit_id_key="id")
    assert parse_args(["--works-submit-id-key", "none"]).works_submit_id_key == "none"
    assert parse_args([]).works_submit_id_key == "identifiantFactureCPP"
    response = control(api.emulator, "POST", "config", {"works_submit_id_key": "idFacture"})
    assert response.json()["works_submit_id_key"] == "idFacture"
    answer = api.ok("works_submit", works_body(api.emulator, api.upload()))
    assert set(answer) == {"codeRetour", "libelle", "idFacture", "dateDepot"}
    assert control(api.emulator, "POST", "config", {"works_submit_id_key": "x"}).status_code == 400
    assert parse_args(["--ids-as-strings"]).ids_as_strings and not parse_args([]).ids_as_strings


def test_a_number_already_deposited_is_refused_with_the_duplicate_code(emu, api):
    emu.add_works_pieces(2, prefix="DUP-")
    body = works_body(emu, api.upload(), number="DUP-00002")
    answer = api.post("works_submit", body).json()
    assert answer["codeRetour"] == DUPLICATE_CODE and "already" in answer["libelle"]
    assert emu.piece_by_number("DUP-00002")["payload"] == {} and emu.piece_by_number("DUP-00003") is None
    with pytest.raises(ValueError):  # the same numbers again: the state refuses them
        emu.add_works_pieces(1, prefix="DUP-")


def test_bulk_pieces_look_deposited(emu, api):
    pieces = emu.add_works_pieces(3, prefix="B-", status="PRISE_EN_COMPTE_MOE")
    assert [piece["numeroFacture"] for piece in pieces] == ["B-00001", "B-00002", "B-00003"]
    for piece in emu.pieces:
        assert {"id", "numeroFacture", "frame", "statut", "kind", "pieceJointeIds", "payload"} <= set(piece)
        assert (piece["kind"], piece["frame"], piece["statut"]) == ("works", A4, "PRISE_EN_COMPTE_MOE")
    assert emu.piece_by_number("B-00002")["id"] == pieces[1]["id"]
    assert emu.advance_works(pieces[0]["id"], steps=2)[0]["statut"] == WORKS_STATUSES[3]


# ---------------------------------------------------------------------------------------------- lost answers


def test_lost_answer_on_an_upload_stores_the_file(emu, api):
    emu.inject("file_upload", "lost_answer")
    with pytest.raises(requests.ConnectionError):
        api.upload()
    [stored] = emu.files
    assert stored["name"] == "situation.pdf"
    assert api.upload() == stored["id"] + 1  # the next call is answered


def test_lost_answer_on_every_path(emu, api):
    body = works_body(emu, api.upload())
    emu.inject("*", "lost_answer", count=2)
    for _ in range(2):  # the second submission is processed too: a duplicate, answered to nobody
        with pytest.raises(requests.ConnectionError):
            api.post("works_submit", body)
    assert emu.faults == [] and len(emu.pieces) == 1
    assert api.post("works_submit", body).json()["codeRetour"] == DUPLICATE_CODE


# ---------------------------------------------------------------------------------------------- independence


def test_the_emulator_imports_nothing_of_the_addon(tmp_path):
    script = ("import sys, chorus_emulator\n"
              "with chorus_emulator.Emulator() as emu: assert emu.url\n"
              "assert not [name for name in sys.modules if name.split('.')[0] in ('chorus', 'ediflex_chorus')]\n")
    env = {**os.environ, "PYTHONPATH": ROOT}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    sources = os.path.join(ROOT, "chorus_emulator")
    for folder, dirs, names in os.walk(sources):
        dirs[:] = [name for name in dirs if name not in ("tests", "__pycache__", "build")]
        depth = os.path.relpath(folder, sources).count(os.sep) + (folder != sources)
        for name in names:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    text = handle.read()
                # A relative import may reach the package's root, never above it (the addon beside it).
                above = "from " + "." * (depth + 2)
                assert "ediflex_chorus" not in text and "from chorus " not in text and above not in text, name
