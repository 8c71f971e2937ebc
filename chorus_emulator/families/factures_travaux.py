"""Handlers of the FacturesTravaux API (/cpro/facturesTravaux/v1/...): soumettre (UNCERTAIN) and rechercher."""

from ..common import in_period, moment, paginate, service_id
from ..deposits import submit
from ..facts import STATUS_PERIOD, WORKS_NO_RESULT, WORKS_PAYMENT_REQUEST_TYPE
from ..replies import TRA_SUCCESS_LABEL, Reply, success

# Fields of a works search item that may come as strings (the notes): ids and amounts.
STRING_FIELDS = ("idFactureTravaux", "montantHT", "montantTTC", "montantAPayer", "identifiantFournisseur",
                 "idDestinataire")
_WORKS_TYPES = {"A4": "PROJET_DECOMPTE_MENSUEL", "A5": "ETAT_ACOMPTE", "A6": "ETAT_ACOMPTE_VALIDE",
                "A7": "PROJET_DECOMPTE_FINAL", "A8": "DECOMPTE_GENERAL_DEFINITIF", "A10": "PROJET_DECOMPTE_MENSUEL",
                "A11": "PROJET_DECOMPTE_FINAL", "A13": "PROJET_DECOMPTE_MENSUEL", "A14": "PROJET_DECOMPTE_FINAL"}


def submit_works(api, body):
    """facturesTravaux/v1/soumettre (UNCERTAIN): a works piece; its id under the key the emulator is set to."""
    piece = submit(api, body, "works")
    answer = {"dateDepot": piece["dateDepot"]}
    if api.works_submit_id_key:
        answer[api.works_submit_id_key] = piece["id"]
    return success(**answer)


def search_works(api, body):
    """facturesTravaux/v1/rechercher, in the shape of the shared notes (section 5): no filter by number.

    The pieces of the structure whose current status changed in the period (aware date-times, bounds included),
    of the recipient idDestinataire and of its service idServiceExecutant when given, paginated by
    ``rechercheFactureTravaux``; "no result" is HTTP 200 with codeRetour 20007. The seed's account is a supplier's:
    roleUtilisateur MOE or MOA finds nothing. flagTelecharge is taken and ignored (the emulator downloads nothing).
    """
    start, end = (moment(body.get(name), name) for name in STATUS_PERIOD)
    found = api.state.pieces("works", payload=False,
                             where=lambda piece: _works_match(api, piece, body, start, end))
    page, retour = paginate(found, body.get("rechercheFactureTravaux"), api.max_page_size)
    if not found:
        code, label = WORKS_NO_RESULT
        return Reply(200, {"codeRetour": code, "libelle": label, "listeFacturesTravaux": []})
    items = [_works_summary(piece, api.ids_as_strings) for piece in page]
    return success(TRA_SUCCESS_LABEL, parametresRetour=retour, listeFacturesTravaux=items)


def _works_match(api, piece, body, start, end):
    if not in_period(piece, start, end):
        return False
    if body.get("idDestinataire") is not None and piece["idDestinataire"] != body["idDestinataire"]:
        return False
    if body.get("idServiceExecutant") is not None and service_id(api, piece) != body["idServiceExecutant"]:
        return False
    return body.get("roleUtilisateur") == "FOURNISSEUR"  # the seed's account is a supplier's


def _works_summary(piece, as_strings):
    item = {
        "idFactureTravaux": piece["id"], "numeroFactureTravaux": piece["numeroFacture"],
        "statutFactureTravaux": piece["statut"], "typeFactureTravaux": _works_type(piece["frame"]),
        "typeDemandePaiement": WORKS_PAYMENT_REQUEST_TYPE, "dateFactureTravaux": piece["dateFacture"],
        "dateDepot": piece["dateDepot"], "dateHeureEtatCourant": piece["dateHeureEtatCourant"],
        "montantHT": piece["montantHT"], "montantTTC": piece["montantTTC"], "montantAPayer": piece["montantAPayer"],
        "identifiantFournisseur": piece["idFournisseur"], "identifiantDestinataire": piece["codeDestinataire"],
        "idDestinataire": piece["idDestinataire"],
    }
    if as_strings:  # the notes: ids and amounts may come as strings
        for key in STRING_FIELDS:
            item[key] = str(item[key])
    return item


def _works_type(frame):
    return _WORKS_TYPES.get(frame.split("_", 1)[0], "")
