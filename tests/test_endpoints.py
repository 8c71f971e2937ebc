"""The table of Chorus Pro hosts, paths and limits."""

import dataclasses

import pytest

from chorus import endpoints as ep

CONTRACT_OPERATIONS = {
    "health_check", "structures_search", "structures_consult", "structures_services", "file_upload",
    "invoice_deposit_pdf", "invoice_submit", "works_submit", "flow_deposit", "flow_report",
    "invoice_search_supplier", "works_search", "invoice_history",
}


def test_every_operation_has_a_cpro_path():
    assert CONTRACT_OPERATIONS <= set(ep.OPERATIONS)
    for path in ep.OPERATIONS.values():
        assert path.startswith("/cpro/") and "/v1/" in path
    assert len(set(ep.OPERATIONS.values())) == len(ep.OPERATIONS)


def test_documented_paths():
    assert ep.OPERATIONS["health_check"] == "/cpro/transverses/v1/health-check"
    assert ep.OPERATIONS["file_upload"] == "/cpro/transverses/v1/ajouter/fichier"
    assert ep.OPERATIONS["works_submit"] == "/cpro/facturesTravaux/v1/soumettre"
    assert ep.OPERATIONS["structures_services"] == "/cpro/structures/v1/rechercher/services"


def test_only_health_check_is_a_get():
    assert ep.GET_OPERATIONS == {"health_check"}


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
    assert ep.PAGE_SIZE == 100
    assert ep.WORKS_STATUSES[0] == "MISE_A_DISPOSITION_MOE" and ep.WORKS_STATUSES[-1] == "MISE_EN_PAIEMENT"
    assert not set(ep.WORKS_STATUSES) & set(ep.WORKS_REFUSED_STATUSES)
    assert ep.LA_POSTE_SIREN == "356000000"
    assert ep.CONTENT_TYPE == "application/json;charset=utf-8"
