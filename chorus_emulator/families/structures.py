"""Handlers of the Structures API (/cpro/structures/v1/...): answers shaped by the official Swagger."""

from ..common import paginate, require
from ..replies import TRA_SUCCESS_LABEL, business_error, success

ADDRESS = {"adresse": "1 place de la Mairie", "codePostal": "75001", "ville": "PARIS", "pays": "FR"}
SPACES = ((1, "Factures emises"), (11, "Factures de travaux"))


def _ok(**fields):
    return success(TRA_SUCCESS_LABEL, **fields)


def _structure(api, structure_id, name):
    structure = api.state.seed.by_id(structure_id)
    if structure is None:
        raise business_error("unknown_structure", f"{name}: no structure {structure_id}")
    return structure


def _matches(structure, criteria):
    """Whether a structure meets the criteria of a rechercherStructure request."""
    wanted_name = (criteria.get("raisonSocialeStructure") or criteria.get("libelleStructure") or "").lower()
    checks = (
        criteria.get("identifiantStructure") in (None, structure.siret),
        criteria.get("typeIdentifiantStructure") in (None, "SIRET"),
        criteria.get("typeStructure") in (None, "PUBLIQUE" if structure.public else "PRIVEE"),
        criteria.get("statutStructure") in (None, "ACTIF"),
        not (criteria.get("estMOA") or criteria.get("estMOAUniquement")) or structure.public,
        wanted_name in structure.name.lower(),
    )
    return all(checks)


def search(api, body):
    """rechercherStructure: structures matching the criteria, paginated."""
    criteria = body.get("structure") or {}
    found = [structure for structure in api.state.seed.structures if _matches(structure, criteria)]
    if body.get("restreindreStructuresPrivees"):
        found = [structure for structure in found if structure.public]
    page, retour = paginate(found, body.get("parametres"), api.max_page_size)
    listing = [
        {"idStructureCPP": structure.id, "identifiantStructure": structure.siret,
         "designationStructure": structure.name, "typeIdentifiantStructure": "SIRET", "statut": "ACTIVE"}
        for structure in page
    ]
    return _ok(listeStructures=listing, parametresRetour=retour)


def consult(api, body):
    """consulterStructure: general information and the deposit rules of a structure."""
    require(body, "idStructureCPP")
    structure = _structure(api, body["idStructureCPP"], "idStructureCPP")
    general = {
        "idStructureCPP": structure.id, "identifiantStructure": structure.siret, "typeIdentifiantStructure": "SIRET",
        "raisonSocialeStructure": structure.name, "libelleStructure": structure.name,
        "structurePriveePublique": "PUBLIQUE" if structure.public else "PRIVEE", "estValideurDeleguee": False,
    }
    rules = {
        "codeServiceDoitEtreRenseigne": structure.service_code_required,
        "numeroEJDoitEtreRenseigne": structure.commitment_required,
        "gestionNumeroEJOuCodeService": structure.commitment_or_service,
        "connexionEDI": False, "estMoaUniquement": False, "getaMoa": structure.public,
        "recevoirDonneesViaEDI": False, "statutMiseEnPaiementNestPasRemonte": False, "nonDiffusibleInsee": False,
    }
    return _ok(informationGenerales=general, parametres=rules, adressePostaleDuSiege=dict(ADDRESS))


def services(api, body):
    """rechercherServicesStructure: the services of a structure, paginated."""
    require(body, "idStructure")
    structure = _structure(api, body["idStructure"], "idStructure")
    page, retour = paginate(list(structure.services), body.get("parametresRechercherServicesStructure"),
                            api.max_page_size)
    listing = [
        {"idService": service.id, "codeService": service.code, "libelleService": service.label,
         "estActif": service.active, "statutService": "ACTIF" if service.active else "INACTIF"}
        for service in page
    ]
    return _ok(listeServices=listing, parametresRetour=retour)


def service_consult(api, body):
    """consulterServiceStructure: a service and whether it requires a commitment number."""
    require(body, "idStructure", "idService")
    structure = _structure(api, body["idStructure"], "idStructure")
    service = next((item for item in structure.services if item.id == body["idService"]), None)
    if service is None:
        raise business_error("unknown_service", f"idService: no service {body['idService']} in this structure")
    general = {"codeService": service.code, "nomService": service.label, "descriptionService": service.label}
    rules = {"numeroEngagement": service.commitment_required, "miseEnPaiement": False}
    return _ok(informationsGenerales=general, parametres=rules, adressePostale=dict(ADDRESS))


def spaces(api, body):
    """rechercherEspaces (deprecated): the spaces enabled on the account's structure, works invoicing included."""
    contractor = api.state.seed.contractor
    wanted = body.get("structure") or {}
    if wanted.get("idStructure") not in (None, contractor.id) or wanted.get("identifiantStructure") not in (
            None, contractor.siret):
        return _ok(listeEspace=[], parametresRetour=paginate([], None, api.max_page_size)[1])
    service = contractor.services[0]
    listing = [
        {"idEspaceFo": code, "codeEspace": code, "libelleEspace": label, "etatCourant": "ACTIVE",
         "typeHabilitation": "MODIFICATION", "idService": service.id, "codeService": service.code,
         "libelleService": service.label}
        for code, label in SPACES
    ]
    page, retour = paginate(listing, body.get("parametresRechercherEspaces"), api.max_page_size)
    return _ok(listeEspace=page, parametresRetour=retour)


def user_links(api, body):
    """listerRattachementsStructureUtilisateur: the technical user is attached to every service of its structure."""
    require(body, "idStructure")
    structure = _structure(api, body["idStructure"], "idStructure")
    # The technical user belongs to the contractor only: another structure lists no link.
    attached = structure.services if structure is api.state.seed.contractor else ()
    links = [
        {"idRattachement": index + 1, "idService": service.id, "codeService": service.code,
         "nomService": service.label, "statutRattachement": "VALIDEE"}
        for index, service in enumerate(attached)
    ]
    page, retour = paginate(links, body.get("parametresListerRattachementsStructureUtilisateur"), api.max_page_size)
    return _ok(idStructure=structure.id, identifiantStructure=structure.siret, designationStructure=structure.name,
               listeServices=page, parametresRetour=retour, premierService=False)
