"""The business checks of a deposit, shared by factures/v1/soumettre, facturesTravaux/v1/soumettre and flows."""

import datetime

from .common import field, text
from .config import COCONTRACTOR_FRAMES, INVOICE_FRAMES, SUBCONTRACTOR_FRAMES, WORKS_FRAMES
from .replies import business_error

CENT = 0.01
# Works frames whose piece goes first to the project manager (MOE), who must then be named as validator.
FRAMES_VIA_MOE = ("A4_", "A5_", "A7_", "A10_", "A11_", "A13_", "A14_")


def submit(api, body, kind):
    """Check a submission (kind "invoice" or "works") as Chorus Pro would, then record its piece; returns it."""
    frame = _check_frame(body, kind)
    supplier = _check_supplier(api, body)
    recipient = _check_recipient(api, body)
    _check_recipient_rules(recipient, body)
    if kind == "works":
        _check_partner(api, body, frame)
        _check_validator(api, body, frame)
        _check_attachment_shape(api, body)
    _check_attachments(api, body)
    _check_date(body)
    _check_amounts(body)
    return api.state.add_piece(_record(body, kind, frame, supplier, recipient))


def _check_frame(body, kind):
    frame = text(body, "cadreDeFacturation.codeCadreFacturation")
    allowed = WORKS_FRAMES if kind == "works" else INVOICE_FRAMES
    if frame not in allowed:
        hint = "facturesTravaux/v1/soumettre" if frame in WORKS_FRAMES else "a frame of this API"
        raise business_error("frame_not_allowed", f"cadreDeFacturation.codeCadreFacturation: {frame!r} cannot be "
                             f"deposited here by a supplier; use {hint}")
    return frame


def _check_supplier(api, body):
    contractor = api.state.seed.contractor
    if field(body, "fournisseur.idFournisseur") != contractor.id:
        raise business_error("unknown_supplier", "fournisseur.idFournisseur: not a structure of this account "
                             f"(expected {contractor.id})")
    service_id = field(body, "fournisseur.idServiceFournisseur")
    if service_id is not None and service_id not in {service.id for service in contractor.services}:
        raise business_error("unknown_service", f"fournisseur.idServiceFournisseur: no service {service_id}")
    return contractor


def _check_recipient(api, body):
    siret = text(body, "destinataire.codeDestinataire")
    recipient = api.state.seed.by_siret(siret)
    if recipient is None or not recipient.public:
        raise business_error("unknown_recipient", f"destinataire.codeDestinataire: no public structure {siret!r}")
    return recipient


def _check_recipient_rules(recipient, body):
    """Service code and commitment number, as the recipient structure and its service require."""
    problems = recipient_rule_problems(recipient, text(body, "destinataire.codeServiceExecutant"),
                                       text(body, "references.numeroBonCommande"))
    if problems:
        raise business_error(*problems[0])


def recipient_rule_problems(recipient, code, commitment, code_field="destinataire.codeServiceExecutant",
                            commitment_field="references.numeroBonCommande"):
    """(error kind, message) of each rule of the recipient (and of its service) that code and commitment break.

    code is the executing service code, commitment the commitment number; the fields name them in the messages.
    """
    problems = []
    if recipient.service_code_required and not code:
        problems.append(("service_required", f"{code_field}: this recipient requires a service code"))
    if recipient.commitment_or_service and not (code or commitment):
        problems.append(("commitment_required", f"{commitment_field}: this recipient requires a commitment number "
                         "or a service code"))
    service = recipient.service(code) if code else None
    if code and (service is None or not service.active):
        problems.append(("unknown_service", f"{code_field}: no active service {code!r} in the recipient structure"))
    if (recipient.commitment_required or (service and service.commitment_required)) and not commitment:
        problems.append(("commitment_required", f"{commitment_field}: this recipient requires a commitment number"))
    return problems


def partner_of(seed, frame):
    """(the partner structure, who it is) a subcontractor's or co-contractor's frame names, or (None, "")."""
    if frame in SUBCONTRACTOR_FRAMES:
        return seed.main_contractor, "the main contractor (titulaire)"
    if frame in COCONTRACTOR_FRAMES:
        return seed.mandatary, "the groupement's mandatary"
    return None, ""


def _check_partner(api, body, frame):
    """A subcontractor's or co-contractor's piece names its partner, where the emulator is set to look for it
    (works_partner_placement, UNCERTAIN): as first validator, by its SIRET in the comment, or either (None)."""
    partner, who = partner_of(api.state.seed, frame)
    if partner is None and not who:
        return
    validator = text(body, "cadreDeFacturation.codeStructureValideur")
    siret = partner.siret if partner is not None else ""
    as_validator = bool(siret) and validator == siret
    in_comment = bool(siret) and siret in text(body, "commentaire") and bool(validator) and validator != siret
    placement = api.works_partner_placement
    short = frame.split("_", 1)[0]
    if placement == "validator" and not as_validator:
        raise business_error("partner_missing", f"cadreDeFacturation.codeStructureValideur: a piece {short} is "
                             f"validated first by {who}: expected its SIRET {siret!r}, not {validator!r}")
    if placement == "comment" and not in_comment:
        raise business_error("partner_missing", f"commentaire: a piece {short} names {who} by its SIRET {siret!r}, "
                             "the project manager being cadreDeFacturation.codeStructureValideur")
    if not (as_validator or in_comment):
        raise business_error("partner_missing", f"cadreDeFacturation.codeStructureValideur, commentaire: a piece "
                             f"{short} must name {who} (SIRET {siret!r})")


def _check_validator(api, body, frame):
    siret = text(body, "cadreDeFacturation.codeStructureValideur")
    if not siret and frame.startswith(FRAMES_VIA_MOE):
        raise business_error("invalid", f"cadreDeFacturation.codeStructureValideur: required for frame {frame}")
    validator = api.state.seed.by_siret(siret) if siret else None
    if siret and validator is None:
        raise business_error("unknown_structure", f"cadreDeFacturation.codeStructureValideur: no structure {siret!r}")
    code = text(body, "cadreDeFacturation.codeServiceValideur")
    if validator and code and validator.service(code) is None:
        raise business_error("unknown_service", f"cadreDeFacturation.codeServiceValideur: no service {code!r}")


def _main_attachments(body):
    """pieceJointePrincipale as a list: an object in the official Swagger, a list in the notes (UNCERTAIN)."""
    mains = body.get("pieceJointePrincipale") or []
    return [mains] if isinstance(mains, dict) else mains


def _check_attachment_shape(api, body):
    """Refuse the shape of pieceJointePrincipale the emulator is set not to take (UNCERTAIN; None takes both)."""
    mains = body.get("pieceJointePrincipale")
    shape = "list" if isinstance(mains, list) else "object" if isinstance(mains, dict) else None
    if api.works_attachment_shape and shape and shape != api.works_attachment_shape:
        raise business_error("invalid", f"pieceJointePrincipale: {'a list' if shape == 'list' else 'an object'} "
                             f"is not taken here, send {'a list' if shape == 'object' else 'an object'}")


def _check_attachments(api, body):
    mains = _main_attachments(body)
    if body["modeDepot"] == "DEPOT_PDF_API" and not mains:
        raise business_error("invalid", "pieceJointePrincipale: required when modeDepot is DEPOT_PDF_API")
    for index, item in enumerate(mains):
        if not isinstance(item, dict) or not isinstance(item.get("pieceJointePrincipaleId"), int):
            raise business_error("invalid", f"pieceJointePrincipale[{index}].pieceJointePrincipaleId: required")
    references = [("pieceJointePrincipale", item["pieceJointePrincipaleId"]) for item in mains]
    references += [("pieceJointeComplementaire", item["pieceJointeComplementaireId"])
                   for item in body.get("pieceJointeComplementaire") or []]
    for name, file_id in references:
        if not api.state.has_file(file_id):
            raise business_error("unknown_attachment", f"{name}: no uploaded file {file_id}")


def _check_date(body):
    invoice_date = datetime.date.fromisoformat(body["dateFacture"])
    # One day of slack, so that a caller whose clock is on UTC is not refused around midnight.
    if invoice_date > datetime.date.today() + datetime.timedelta(days=1):
        raise business_error("invalid", "dateFacture: cannot be in the future")


def _close(a, b, lines=1):
    return abs(a - b) <= CENT * max(1, lines) + 1e-9


def _check_amounts(body):
    total = body["montantTotal"]
    untaxed, tax, taxed = total["montantHtTotal"], total["montantTVA"], total["montantTtcTotal"]
    if not _close(untaxed + tax, taxed):
        raise business_error("amounts", "montantTotal.montantTtcTotal: must equal montantHtTotal + montantTVA")
    if taxed >= 0 and total["montantAPayer"] > taxed + CENT:
        raise business_error("amounts", "montantTotal.montantAPayer: cannot exceed montantTtcTotal")
    vat_lines = body.get("ligneTva") or []
    if vat_lines and not _close(sum(line["ligneTvaMontantBaseHtParTaux"] for line in vat_lines), untaxed,
                                len(vat_lines)):
        raise business_error("amounts", "ligneTva: the bases do not add up to montantHtTotal")
    if vat_lines and not _close(sum(line["ligneTvaMontantTvaParTaux"] for line in vat_lines), tax, len(vat_lines)):
        raise business_error("amounts", "ligneTva: the VAT amounts do not add up to montantTVA")
    if body["modeDepot"] == "SAISIE_API":
        _check_lines(body, untaxed)


def _check_lines(body, untaxed):
    lines = body.get("lignePoste") or []
    if not lines:
        raise business_error("invalid", "lignePoste: required when modeDepot is SAISIE_API")
    amount = sum(round(line["lignePosteQuantite"] * line["lignePosteMontantUnitaireHT"], 2)
                 - (line.get("lignePosteMontantRemiseHT") or 0) for line in lines)
    if not _close(amount, untaxed, len(lines)):
        raise business_error("amounts", "lignePoste: the lines do not add up to montantHtTotal")


def _record(body, kind, frame, supplier, recipient):
    total = body["montantTotal"]
    return {
        "kind": kind, "numeroFacture": body["numeroFactureSaisi"], "frame": frame,
        "dateFacture": body["dateFacture"], "idFournisseur": supplier.id, "idDestinataire": recipient.id,
        "codeDestinataire": recipient.siret, "designationDestinataire": recipient.name,
        "codeServiceExecutant": text(body, "destinataire.codeServiceExecutant"),
        "codeStructureValideur": text(body, "cadreDeFacturation.codeStructureValideur"),
        "numeroMarche": text(body, "references.numeroMarche"),
        "numeroBonCommande": text(body, "references.numeroBonCommande"),
        "typeFacture": body["references"]["typeFacture"], "devise": body["references"].get("deviseFacture") or "EUR",
        "montantHT": total["montantHtTotal"], "montantTVA": total["montantTVA"],
        "montantTTC": total["montantTtcTotal"], "montantAPayer": total["montantAPayer"],
        "pieceJointeIds": [item["pieceJointePrincipaleId"] for item in _main_attachments(body)],
        "payload": body,
    }
