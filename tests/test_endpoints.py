"""The table of Chorus Pro hosts, paths and limits."""

import dataclasses

import pytest
from chorus_emulator.facts import WORKS_STATUSES

from chorus import endpoints as ep

# Only what the client uses (operations that nothing uses went).
CONTRACT_OPERATIONS = {
    "structures_search", "structures_consult", "structures_services", "file_upload", "works_submit",
    "works_search", "invoice_history", "flow_deposit", "flow_report",
    # récupération (recovery.py)
    "invoice_download", "invoice_consult_supplier", "invoice_search_supplier", "invoice_to_handle",
    "invoice_complete", "invoice_recycle",
}


def test_every_operation_has_a_cpro_path():
    assert CONTRACT_OPERATIONS == set(ep.OPERATIONS)
    for path in ep.OPERATIONS.values():
        assert path.startswith("/cpro/") and "/v1/" in path
    assert len(set(ep.OPERATIONS.values())) == len(ep.OPERATIONS)


def test_documented_paths():
    assert ep.OPERATIONS["works_search"] == "/cpro/facturesTravaux/v1/rechercher"
    assert ep.OPERATIONS["invoice_history"] == "/cpro/factures/v1/consulter/historique"
    assert ep.OPERATIONS["flow_deposit"] == "/cpro/factures/v1/deposer/flux"
    assert ep.OPERATIONS["flow_report"] == "/cpro/transverses/v1/consulterCRDetaille"
    assert ep.OPERATIONS["file_upload"] == "/cpro/transverses/v1/ajouter/fichier"
    assert ep.OPERATIONS["works_submit"] == "/cpro/facturesTravaux/v1/soumettre"
    assert ep.OPERATIONS["structures_services"] == "/cpro/structures/v1/rechercher/services"


def test_recovery_paths_are_those_of_the_official_factures_swagger():
    import json
    import pathlib

    swagger = json.loads((pathlib.Path(__file__).parents[1] / "chorus_emulator" / "Factures.swagger.json").read_text())
    for name in ("invoice_download", "invoice_consult_supplier", "invoice_search_supplier", "invoice_to_handle",
                 "invoice_complete", "invoice_recycle"):
        path = ep.OPERATIONS[name]
        assert path.startswith(swagger["basePath"] + "/") and path[len(swagger["basePath"]):] in swagger["paths"]


def test_works_search_shape_of_the_shared_notes():
    assert ep.PAGINATION["works_search"] == ("rechercheFactureTravaux", "listeFacturesTravaux")
    assert ep.NO_RESULT_CODES["works_search"] == {20007}
    assert (ep.WORKS_PIECE_ID, ep.WORKS_PIECE_NUMBER, ep.WORKS_PIECE_STATUS) == (
        "idFactureTravaux", "numeroFactureTravaux", "statutFactureTravaux")


def test_refused_and_done_statuses_are_apart_from_the_circuit():
    assert {"REFUSEE_MOE", "REFUSEE_MOA", "ERREUR_DE_MOE", "A_RECYCLER", "REJETEE"} <= ep.WORKS_REFUSED_STATUSES
    assert not ep.WORKS_REFUSED_STATUSES & ep.WORKS_DONE_STATUSES
    assert "MISE_EN_PAIEMENT" in ep.WORKS_DONE_STATUSES


def test_paginated_operations_are_known():
    assert set(ep.PAGINATION) <= set(ep.OPERATIONS)
    for paging_key, list_key in ep.PAGINATION.values():
        assert paging_key and list_key.startswith("liste")


@pytest.mark.parametrize("name", ["qualification", "production"])
def test_environments_are_https_piste(name):
    env = ep.ENVIRONMENTS[name]
    assert env.api_base.startswith("https://") and env.api_base.endswith("piste.gouv.fr")
    assert env.token_url.startswith("https://") and env.token_url.endswith(ep.TOKEN_PATH)


def test_environment_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ep.ENVIRONMENTS["production"].api_base = "http://elsewhere"


def test_qualification_is_the_sandbox():
    assert "sandbox" in ep.ENVIRONMENTS["qualification"].api_base
    assert "sandbox" not in ep.ENVIRONMENTS["production"].token_url


def test_limits_and_statuses():
    assert ep.TOKEN_MARGIN_SECONDS == 240
    assert ep.MAX_FILE_BYTES == 10 * 1024 * 1024
    assert ep.MAX_NAME_LENGTH == ep.MAX_REFERENCE_LENGTH == 50
    assert ep.MAX_PIECE_NUMBER_LENGTH == 20
    assert ep.PAGE_SIZE == 100
    # The statuses a piece goes through when nothing goes wrong (the emulator's, from the notes) are not refusals.
    assert not set(WORKS_STATUSES) & set(ep.WORKS_REFUSED_STATUSES)
    assert ep.LA_POSTE_SIREN == "356000000"
    assert ep.CONTENT_TYPE == "application/json;charset=utf-8"
