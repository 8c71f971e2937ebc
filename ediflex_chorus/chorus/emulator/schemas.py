"""Request schemas of the routes outside the Structures API, in the Swagger subset of ``swagger.py``.

No official Swagger of these APIs ships with the project: these schemas hold what the shared notes say
(required fields, types, enumerations, lengths). They are checked without ``strict``: unknown fields pass.
"""

from ..endpoints import MAX_REFERENCE_LENGTH
from .config import FLOW_SYNTAXES

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
DEPOSIT_PDF = obj(
    ("fichierFacture", "nomFichier", "formatDepot"),
    fichierFacture=STRING, nomFichier=STRING, idUtilisateurCourant=INTEGER,
    formatDepot=enum("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES"),
)
FLOW_DEPOSIT = obj(
    ("fichierFlux", "nomFichier", "syntaxeFlux"),
    fichierFlux=STRING, nomFichier=STRING, syntaxeFlux=enum(*FLOW_SYNTAXES), avecSignature=BOOLEAN,
    idUtilisateurCourant=INTEGER,
)
FLOW_REPORT = obj(("numeroFluxDepot",), numeroFluxDepot=STRING, idUtilisateurCourant=INTEGER)
HISTORY = obj(("idFacture",), idFacture=INTEGER, idUtilisateurCourant=INTEGER)

SUBMIT = obj(
    ("modeDepot", "numeroFactureSaisi", "dateFacture", "destinataire", "fournisseur", "cadreDeFacturation",
     "references", "montantTotal"),
    modeDepot=enum("DEPOT_PDF_API", "SAISIE_API"),
    numeroFactureSaisi=REFERENCE,
    dateFacture=DATE,
    idUtilisateurCourant=INTEGER,
    commentaire=STRING,
    pieceJointePrincipale=array(obj(("pieceJointePrincipaleId",), pieceJointePrincipaleId=INTEGER,
                                    pieceJointePrincipaleDesignation=STRING)),
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

SEARCH = obj(
    (),
    parametresRecherche=obj((), pageResultatDemandee=INTEGER, nbResultatsParPage=INTEGER,
                            triSens=enum("Ascendant", "Descendant"), triColonne=STRING),
    numeroFacture=STRING, numeroFluxDepot=STRING, statutFacture=STRING, listeStatutFacture=array(STRING),
    codeDestinataire=STRING, idFournisseur=INTEGER, codeCadreFacturation=STRING, typeFacture=STRING,
    dateDepotDebut=DATE, dateDepotFin=DATE, dateFactureDebut=DATE, dateFactureFin=DATE,
    roleUtilisateur=STRING, idUtilisateurCourant=INTEGER,
)
