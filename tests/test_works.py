"""Works pieces: frames, rounding, totals, piece numbers and the soumettre payload of every frame."""

import dataclasses
import datetime
import json
import re
from decimal import Decimal

import factories
import pytest
from factories import PDF

from chorus.endpoints import MAX_PIECE_NUMBER_LENGTH
from chorus.works import (
    Document,
    Frame,
    SituationLine,
    Totals,
    VatLine,
    build_works_payload,
    compute_totals,
    frame_for,
    french_number,
    money,
    piece_number,
    retention_comment,
    with_attachment,
)

D = Decimal


def make_lines():
    """Three lines, VAT 20 and 10, with half-up cases worked out by hand in test_hand_rounding_example."""
    return (
        SituationLine("Structural work", D("10000.00"), D("12.345"), D("234.50"), D("20"), reference="GO"),
        SituationLine("Painting", D("2222.10"), D("50"), D("0.00"), D("10")),
        SituationLine("Electricity", D("1000.01"), D("50"), D("100.00"), D("20")),
    )


def make_situation(**changes):
    """The shared valid situation (factories.make_situation) with the three lines above, with ``changes`` applied."""
    return factories.make_situation(**{"lines": make_lines(), **changes})


def test_frames_values_and_short_codes():
    assert [frame.short for frame in Frame] == ["A4", "A5", "A6", "A7", "A8", "A10", "A11", "A13", "A14"]
    assert Frame.A4.value == "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
    assert Frame.A6.value == "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR"
    assert Frame.A8.value == "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"
    assert Frame.A10.value == "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"
    assert Frame.A13.value == "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT"
    # The official Factures Swagger's cadreFacturation enum spells the final drafts of the other roles so.
    assert Frame.A11.value == "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT"
    assert Frame.A14.value == "A14_PROJET_DECOMPTE_FINAL_COTRAITANT"
    assert Frame("A5_ETAT_ACOMPTE_FOURNISSEUR") is Frame.A5
    assert [frame.short for frame in Frame if frame.final] == ["A7", "A8", "A11", "A14"]


@pytest.mark.parametrize(("step", "final", "frame"), [
    ("present", False, Frame.A4), ("present", True, Frame.A7), ("accept", False, Frame.A6), ("accept", True, Frame.A8),
])
def test_frame_for(step, final, frame):
    assert frame_for(step, final) is frame


def test_frame_for_unknown_step():
    with pytest.raises(ValueError, match="present"):
        frame_for("pay", False)


@pytest.mark.parametrize(("value", "expected"), [
    ("0.005", "0.01"), ("2.675", "2.68"), ("-2.675", "-2.68"), ("1.004", "1.00"), (2.675, "2.68"), (3, "3.00"),
    (D("1234.5"), "1234.50"),
])
def test_money_rounds_half_up_to_the_cent(value, expected):
    assert money(value) == D(expected)
    assert str(money(value)) == expected


def test_line_amounts():
    line = SituationLine("Roof", D("1000.01"), D("50"), D("100.00"))
    assert line.cumulative_amount == D("500.01")  # 500.005 rounded half up
    assert line.period_amount == D("400.01")
    assert line.vat_rate == D("20")


def test_line_coerces_floats_and_ints():
    line = SituationLine("Roof", 1234.56, 10, 0.1)
    assert line.contract_amount == D("1234.56")
    assert line.progress_percent == D("10")
    assert line.previous_cumulative_amount == D("0.1")
    assert line.cumulative_amount == D("123.46")


def test_negative_period_when_progress_is_revised_down():
    line = SituationLine("Roof", D("1000.00"), D("40"), D("500.00"))
    assert line.period_amount == D("-100.00")


def test_hand_rounding_example():
    # Line 1: 10000.00 x 12.345 % = 1234.50, previous 234.50 -> period 1000.00 at 20 %.
    # Line 2: 2222.10 x 50 % = 1111.05 -> period 1111.05 at 10 %.
    # Line 3: 1000.01 x 50 % = 500.005 -> 500.01 (half up), previous 100.00 -> period 400.01 at 20 %.
    # VAT 10 %: 1111.05 x 10 % = 111.105 -> 111.11; VAT 20 %: 1400.01 x 20 % = 280.002 -> 280.00.
    # Untaxed 2511.06, VAT 391.11, total 2902.17, retention 5 % = 145.1085 -> 145.11, due 2757.06.
    totals = compute_totals(make_lines(), D("5"))
    assert totals == Totals(
        untaxed=D("2511.06"),
        vat_lines=(VatLine(D("10"), D("1111.05"), D("111.11")), VatLine(D("20"), D("1400.01"), D("280.00"))),
        tax=D("391.11"), total=D("2902.17"), retention=D("145.11"), due=D("2757.06"),
    )
    assert make_situation().totals == totals


def test_vat_is_rounded_per_rate_not_per_line():
    lines = [SituationLine("x", D("0.10"), D("100"), D("0"), D("5.5")) for _ in range(3)]
    totals = compute_totals(lines, D("0"))
    # Per line 0.10 x 5.5 % = 0.0055 -> 0.01 each (0.03); per rate 0.30 x 5.5 % = 0.0165 -> 0.02.
    assert totals.vat_lines == (VatLine(D("5.5"), D("0.30"), D("0.02")),)
    assert totals.tax == D("0.02")


def test_vat_lines_are_sorted_by_rate_and_grouped_by_value():
    lines = [SituationLine("a", D("100"), D("100"), D("0"), D("20")),
             SituationLine("b", D("100"), D("100"), D("0"), D("5.5")),
             SituationLine("c", D("100"), D("100"), D("0"), D("20.00"))]
    totals = compute_totals(lines, D("0"))
    assert [vat.rate for vat in totals.vat_lines] == [D("5.5"), D("20")]
    assert totals.vat_lines[1].base == D("200.00")
    assert compute_totals(reversed(lines), D("0")).vat_lines == totals.vat_lines


def test_no_retention():
    totals = compute_totals(make_lines(), D("0"))
    assert totals.retention == D("0.00")
    assert totals.due == totals.total


def test_situation_normalizes_lines_and_datetimes():
    situation = make_situation(lines=list(make_lines()), date=datetime.datetime(2026, 3, 31, 18, 30),
                               retention_rate=5)
    assert isinstance(situation.lines, tuple)
    assert situation.date == datetime.date(2026, 3, 31)
    assert type(situation.date) is datetime.date
    assert situation.retention_rate == D("5")


def test_document_repr_hides_content():
    document = Document("big.pdf", PDF + b"secret-bytes")
    assert "secret-bytes" not in repr(document)
    assert "big.pdf" in repr(document)


# --- piece numbers ---------------------------------------------------------------------------------------------

def test_piece_number_appends_the_frame():
    assert piece_number("SIT-2026-0007", Frame.A4) == "SIT-2026-0007-A4"
    assert piece_number(" SIT-2026-0007 ", Frame.A13) == "SIT-2026-0007-A13"
    assert piece_number("SIT-2026-0007", Frame.A6.value) == "SIT-2026-0007-A6"


def test_piece_number_is_idempotent():
    once = piece_number("SIT-2026-0007", Frame.A4)
    assert piece_number(once, Frame.A4) == once
    long_once = piece_number("R" * 80, Frame.A10)
    assert piece_number(long_once, Frame.A10) == long_once


def test_piece_number_differs_per_frame():
    numbers = {piece_number("SIT-2026-0007", frame) for frame in Frame}
    assert len(numbers) == len(Frame)


def test_piece_number_at_the_length_limit():
    fits = "X" * (MAX_PIECE_NUMBER_LENGTH - 3)
    assert piece_number(fits, Frame.A4) == fits + "-A4"
    too_long = "X" * (MAX_PIECE_NUMBER_LENGTH - 2)
    number = piece_number(too_long, Frame.A4)
    assert len(number) == MAX_PIECE_NUMBER_LENGTH
    assert number.endswith("-A4")
    assert number != too_long[:MAX_PIECE_NUMBER_LENGTH]


def test_long_piece_number_is_stable_and_distinct():
    first = "CHANTIER-ECOLE-JULES-FERRY-LOT-03-GROS-OEUVRE-SITUATION-0001"
    second = "CHANTIER-ECOLE-JULES-FERRY-LOT-03-GROS-OEUVRE-SITUATION-0002"
    number = piece_number(first, Frame.A4)
    assert number == piece_number(first, Frame.A4)
    assert len(number) == MAX_PIECE_NUMBER_LENGTH
    assert number.startswith(first[:MAX_PIECE_NUMBER_LENGTH - 12] + "-")
    assert number != piece_number(second, Frame.A4)
    assert len(piece_number(first, Frame.A13)) == MAX_PIECE_NUMBER_LENGTH


def test_piece_number_is_at_most_the_official_20_characters():
    assert MAX_PIECE_NUMBER_LENGTH == 20
    assert piece_number("SIT-2026-0007-R2", Frame.A13) == "SIT-2026-0007-R2-A13"
    assert len(piece_number("SIT-2026-10000-R12", Frame.A13)) == 20


def test_piece_number_needs_a_reference():
    with pytest.raises(ValueError):
        piece_number("  ", Frame.A4)


def test_situation_number_for():
    assert make_situation().number_for(Frame.A7) == "SIT-2026-0007-A7"


# --- payloads --------------------------------------------------------------------------------------------------

PAYLOAD_KEYS = {"modeDepot", "pieceJointePrincipale", "numeroFactureSaisi", "dateFacture", "destinataire",
                "fournisseur", "cadreDeFacturation", "references", "lignePoste", "ligneTva", "montantTotal",
                "commentaire"}


@pytest.mark.parametrize("frame", list(Frame), ids=lambda frame: frame.short)
def test_payload_shape_per_frame(frame):
    situation = make_situation(final=frame.final)
    payload = build_works_payload(frame, situation, attachment_id=777)
    assert set(payload) == PAYLOAD_KEYS
    assert payload["modeDepot"] == "DEPOT_PDF_API"
    assert payload["pieceJointePrincipale"] == [{"pieceJointePrincipaleDesignation": "SIT-2026-0007.pdf",
                                                 "pieceJointePrincipaleId": 777}]
    assert payload["numeroFactureSaisi"] == f"SIT-2026-0007-{frame.short}"
    assert payload["dateFacture"] == "2026-03-31"
    assert payload["destinataire"] == {"codeDestinataire": "00000000012887", "codeServiceExecutant": "SERV-EXEC"}
    assert payload["fournisseur"] == {"idFournisseur": 25000001}
    assert payload["cadreDeFacturation"] == {"codeCadreFacturation": frame.value,
                                             "codeStructureValideur": "00000000012895",
                                             "codeServiceValideur": "SERV-MOE"}
    assert payload["references"] == {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
                                     "numeroMarche": "MARCHE-2026-001", "numeroBonCommande": "EJ-0001234",
                                     "modePaiement": "VIREMENT"}
    assert payload["montantTotal"] == {"montantHtTotal": 2511.06, "montantTVA": 391.11, "montantTtcTotal": 2902.17,
                                       "montantAPayer": 2757.06}
    assert payload["commentaire"] == "Retenue de garantie 5,00 % : 145,11 EUR"
    json.dumps(payload)  # plain JSON types only


def test_payload_lines_and_vat():
    payload = build_works_payload(Frame.A4, make_situation())
    assert payload["lignePoste"] == [
        {"lignePosteNumero": 1, "lignePosteReference": "GO", "lignePosteDenomination": "Structural work",
         "lignePosteQuantite": 1, "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 1000.0,
         "lignePosteTauxTvaManuel": 20.0},
        {"lignePosteNumero": 2, "lignePosteDenomination": "Painting", "lignePosteQuantite": 1,
         "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 1111.05, "lignePosteTauxTvaManuel": 10.0},
        {"lignePosteNumero": 3, "lignePosteDenomination": "Electricity", "lignePosteQuantite": 1,
         "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 400.01, "lignePosteTauxTvaManuel": 20.0},
    ]
    assert payload["ligneTva"] == [
        {"ligneTvaTauxManuel": 10.0, "ligneTvaMontantBaseHtParTaux": 1111.05, "ligneTvaMontantTvaParTaux": 111.11},
        {"ligneTvaTauxManuel": 20.0, "ligneTvaMontantBaseHtParTaux": 1400.01, "ligneTvaMontantTvaParTaux": 280.0},
    ]


def test_payload_amounts_serialize_with_at_most_two_decimals():
    text = json.dumps(build_works_payload(Frame.A4, make_situation()))
    assert "2511.06" in text and "2902.17" in text and "1111.05" in text
    assert all(len(decimals) <= 2 for decimals in re.findall(r"\d\.(\d+)", text))


def test_payload_is_deterministic():
    first = json.dumps(build_works_payload(Frame.A4, make_situation(), 5), sort_keys=True)
    second = json.dumps(build_works_payload(Frame.A4, make_situation(), 5), sort_keys=True)
    assert first == second
    reordered = make_situation(lines=tuple(reversed(make_lines())))
    assert (build_works_payload(Frame.A4, reordered)["ligneTva"]
            == build_works_payload(Frame.A4, make_situation())["ligneTva"])


def test_payload_without_attachment_id_names_the_document_only():
    payload = build_works_payload(Frame.A4, make_situation())
    assert payload["pieceJointePrincipale"] == [{"pieceJointePrincipaleDesignation": "SIT-2026-0007.pdf"}]
    attached = with_attachment(payload, 42)
    assert attached["pieceJointePrincipale"] == [{"pieceJointePrincipaleDesignation": "SIT-2026-0007.pdf",
                                                  "pieceJointePrincipaleId": 42}]
    assert "pieceJointePrincipaleId" not in payload["pieceJointePrincipale"][0]  # the original is untouched


def test_payload_leaves_out_empty_optional_codes():
    situation = make_situation()
    contract = dataclasses.replace(situation.contract, commitment_number="",
                                   owner=dataclasses.replace(situation.contract.owner, service_code=""),
                                   manager=dataclasses.replace(situation.contract.manager, service_code=""))
    payload = build_works_payload(Frame.A4, dataclasses.replace(situation, contract=contract))
    assert payload["destinataire"] == {"codeDestinataire": "00000000012887"}
    assert "codeServiceValideur" not in payload["cadreDeFacturation"]
    assert "numeroBonCommande" not in payload["references"]


def test_payload_without_retention_has_no_comment():
    payload = build_works_payload(Frame.A4, make_situation(retention_rate=D("0")))
    assert "commentaire" not in payload
    assert payload["montantTotal"]["montantAPayer"] == payload["montantTotal"]["montantTtcTotal"]


def test_payload_uses_an_already_suffixed_number_as_is():
    payload = build_works_payload(Frame.A4, make_situation(piece_number="SIT-2026-0007-A4"))
    assert payload["numeroFactureSaisi"] == "SIT-2026-0007-A4"


def test_payload_vat_type_and_currency():
    payload = build_works_payload(Frame.A4, make_situation(vat_type="TVA_SUR_ENCAISSEMENT"))
    assert payload["references"]["typeTva"] == "TVA_SUR_ENCAISSEMENT"


def test_the_main_attachment_takes_either_shape(monkeypatch):
    from chorus import works

    situation = make_situation()
    as_list = works.with_attachment(works.build_works_payload(Frame.A4, situation), 7)
    assert as_list["pieceJointePrincipale"] == [{"pieceJointePrincipaleDesignation": situation.document.name,
                                                 "pieceJointePrincipaleId": 7}]
    monkeypatch.setattr(works, "MAIN_ATTACHMENT_AS_LIST", False)
    as_object = works.with_attachment(works.build_works_payload(Frame.A4, situation), 8)
    assert as_object["pieceJointePrincipale"] == {"pieceJointePrincipaleDesignation": situation.document.name,
                                                  "pieceJointePrincipaleId": 8}
    assert works.with_attachment(as_list, 9)["pieceJointePrincipale"]["pieceJointePrincipaleId"] == 9  # list read


@pytest.mark.parametrize(("value", "text"), [(D("0"), "0,00"), (D("5"), "5,00"), (D("390.005"), "390,01"),
                                             (D("1234567.8"), "1 234 567,80"), (D("-1500.25"), "-1 500,25")])
def test_french_number(value, text):
    assert french_number(value) == text


def test_retention_comment_reads_french():
    assert retention_comment(D("5"), D("12390.5"), "EUR") == "Retenue de garantie 5,00 % : 12 390,50 EUR"
