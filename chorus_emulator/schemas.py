"""Request schemas of the notes, in the Swagger subset of ``swagger.py``.

These schemas hold what the shared notes say (required fields, types, enumerations, lengths). On a route of an
official Swagger (the Factures routes) they are checked on top of the official request schema, which is checked
strictly, for what the Swagger leaves optional; elsewhere (transverses, facturesTravaux) they are the only check,
without ``strict`` (unknown fields pass) except for the works search (api.STRICT_ROUTES).
"""

from .config import FLOW_SYNTAXES
from .facts import MAX_PIECE_NUMBER_LENGTH, MAX_REFERENCE_LENGTH

STRING = {"type": "string"}
INTEGER = {"type": "integer", "format": "int64"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
REFERENCE = {"type": "string", "maxLength": MAX_REFERENCE_LENGTH}


def obj(required=(), **properties):
    """An object schema."""
    return {"type": "object", "required": list(required), "properties": properties}


def array(items):
    """An array schema."""
    return {"type": "array", "items": items}


def enum(*values):
    """A string enumeration schema."""
    return {"type": "string", "enum": list(values)}


FILE_UPLOAD = obj(
    ("pieceJointeFichier", "pieceJointeNom", "pieceJointeTypeMime", "pieceJointeExtension"),
    pieceJointeFichier=STRING, pieceJointeNom=STRING, pieceJointeTypeMime=STRING, pieceJointeExtension=STRING,
)
FLOW_DEPOSIT = obj(
    ("fichierFlux", "nomFichier", "syntaxeFlux"),
    fichierFlux=STRING, nomFichier=STRING, syntaxeFlux=enum(*FLOW_SYNTAXES), avecSignature=BOOLEAN,
    idUtilisateurCourant=INTEGER,
)
PDF_DEPOSIT = obj(
    ("fichierFacture", "nomFichier", "formatDepot"),
    fichierFacture=STRING, nomFichier=STRING,
    formatDepot=enum("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES"), idUtilisateurCourant=INTEGER,
)
FLOW_REPORT = obj(("numeroFluxDepot",), numeroFluxDepot=STRING, idUtilisateurCourant=INTEGER)
HISTORY = obj(("idFacture",), idFacture=INTEGER, idUtilisateurCourant=INTEGER)

SUBMIT = obj(
    ("modeDepot", "numeroFactureSaisi", "dateFacture", "destinataire", "fournisseur", "cadreDeFacturation",
     "references", "montantTotal"),
    modeDepot=enum("DEPOT_PDF_API", "SAISIE_API"),
    numeroFactureSaisi={"type": "string", "maxLength": MAX_PIECE_NUMBER_LENGTH},
    dateFacture=DATE,
    idUtilisateurCourant=INTEGER,
    commentaire=STRING,
    # An object in the official Swagger, a list of objects in the shared notes: either is taken (UNCERTAIN).
    pieceJointePrincipale={},
    pieceJointeComplementaire=array(obj(("pieceJointeComplementaireId",), pieceJointeComplementaireId=INTEGER,
                                        pieceJointeComplementaireDesignation=STRING,
                                        pieceJointeComplementaireType=STRING)),
    destinataire=obj(("codeDestinataire",), codeDestinataire=STRING, codeServiceExecutant=STRING),
    fournisseur=obj(("idFournisseur",), idFournisseur=INTEGER, idServiceFournisseur=INTEGER,
                    codeCoordonneesBancairesFournisseur=INTEGER),
    cadreDeFacturation=obj(("codeCadreFacturation",), codeCadreFacturation=STRING, codeStructureValideur=STRING,
                           codeServiceValideur=STRING),
    references=obj(
        ("typeFacture", "typeTva"),
        deviseFacture={"type": "string", "maxLength": 3}, typeFacture=enum("FACTURE", "AVOIR"),
        typeTva=enum("TVA_SUR_DEBIT", "TVA_SUR_ENCAISSEMENT", "EXONERATION", "SANS_TVA"),
        numeroMarche=REFERENCE, numeroBonCommande=REFERENCE, motifExonerationTva=STRING,
        modePaiement=enum("CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT"),
    ),
    lignePoste=array(obj(
        ("lignePosteNumero", "lignePosteDenomination", "lignePosteQuantite", "lignePosteMontantUnitaireHT"),
        lignePosteNumero=INTEGER, lignePosteReference=STRING, lignePosteDenomination=STRING,
        lignePosteQuantite=NUMBER, lignePosteUnite=STRING, lignePosteMontantUnitaireHT=NUMBER,
        lignePosteMontantRemiseHT=NUMBER, lignePosteTauxTvaManuel=NUMBER, lignePosteTauxTva=STRING,
    )),
    ligneTva=array(obj(
        ("ligneTvaMontantBaseHtParTaux", "ligneTvaMontantTvaParTaux"),
        ligneTvaTauxManuel=NUMBER, ligneTvaTauxRefCode=STRING, ligneTvaMontantBaseHtParTaux=NUMBER,
        ligneTvaMontantTvaParTaux=NUMBER,
    )),
    montantTotal=obj(
        ("montantHtTotal", "montantTVA", "montantTtcTotal", "montantAPayer"),
        montantHtTotal=NUMBER, montantTVA=NUMBER, montantTtcTotal=NUMBER, montantAPayer=NUMBER,
        montantRemiseGlobaleTTC=NUMBER, motifRemiseGlobaleTTC=STRING,
    ),
)


# facturesTravaux/v1/rechercher, as the shared notes give it (section 5); checked strictly: unknown fields fail.
WORKS_SEARCH = obj(
    ("roleUtilisateur",),
    roleUtilisateur=enum("FOURNISSEUR", "MOE", "MOA"),
    rechercheFactureTravaux=obj((), nbResultatsParPage=INTEGER, pageResultatDemandee=INTEGER),
    idDestinataire=INTEGER, idServiceExecutant=INTEGER, flagTelecharge=BOOLEAN, idUtilisateurCourant=INTEGER,
    periodeDateHeureEtatCourantDu={"type": "string", "format": "date-time"},
    periodeDateHeureEtatCourantAu={"type": "string", "format": "date-time"},
)
