"""A piece's life on Chorus Pro (chorus/history.py): the deposit date under each candidate key, the status history
with Chorus Pro's dates and comments, the reason of a refusal, the suspension and the payment date; and the same
read through the client from the emulator."""

import datetime

import pytest

from chorus import history
from chorus.client import WorksPiece
from chorus.history import StatusEntry
from chorus.payment import Suspension

moment = datetime.datetime


@pytest.mark.parametrize("key", history.DEPOSIT_DATE_KEYS)
@pytest.mark.parametrize(("text", "expected"), [
    ("2026-01-10", datetime.date(2026, 1, 10)),
    ("2026-01-10T23:30:00+01:00", datetime.date(2026, 1, 10)),  # Chorus Pro's own calendar day
    ("2026-01-10T08:00:00Z", datetime.date(2026, 1, 10)),
])
def test_deposit_date_under_each_candidate_key(key, text, expected):
    assert history.deposit_date({key: text}) == expected


def test_no_deposit_date_is_made_up():
    assert history.deposit_date({}) is None
    assert history.deposit_date({"dateDepot": "soon"}) is None
    assert history.deposit_date(None) is None


def test_the_first_candidate_wins():
    item = {"dateDepot": "2026-01-10", "dateDepotFactureTravaux": "2026-01-11"}
    assert history.deposit_date(item) == datetime.date(2026, 1, 10)


def test_works_search_row_carries_the_deposit_date():
    row = {"idFactureTravaux": "12", "numeroFactureTravaux": "S1-A4", "statutFactureTravaux": "DEPOSEE",
           "dateDepot": "2026-01-10", "dateHeureEtatCourant": "2026-01-10T10:00:00+01:00"}
    piece = WorksPiece.from_answer(row)
    assert piece.deposited_on == datetime.date(2026, 1, 10)
    assert piece.status_at == moment(2026, 1, 10, 9, 0)
    assert WorksPiece.from_answer({**row, "dateDepot": None}).deposited_on is None


def _answer(*entries):
    return {"codeRetour": 0, "statutCourantCode": entries[-1][0] if entries else None,
            "historiquesDesStatuts": {"histoStatut": [
                {"histoStatutId": index, history.HISTORY_CODE: code, history.HISTORY_DATE: date,
                 history.HISTORY_COMMENT: comment}
                for index, (code, date, comment) in enumerate(entries)]}}


def test_history_is_parsed_oldest_first_with_dates_and_comments():
    answer = _answer(("REFUSEE_MOE", "2026-01-15T09:00:00+01:00", "Mauvais valideur"),
                     ("DEPOSEE", "2026-01-10T10:00:00+01:00", ""))
    entries = history.parse_history(answer)
    assert entries == [StatusEntry("DEPOSEE", moment(2026, 1, 10, 9, 0), ""),
                       StatusEntry("REFUSEE_MOE", moment(2026, 1, 15, 8, 0), "Mauvais valideur")]
    assert history.latest_reason(entries) == "Mauvais valideur"


def test_a_malformed_history_gives_nothing():
    assert history.parse_history({}) == []
    assert history.parse_history({"historiquesDesStatuts": {"histoStatut": [{"x": 1}, "bad"]}}) == []
    assert history.latest_reason([StatusEntry("REFUSEE_MOE", None, "")]) == ""


def test_suspension_and_its_restart_from_the_statuses():
    entries = [StatusEntry("DEPOSEE", moment(2026, 1, 10, 9)),
               StatusEntry("SUSPENDUE", moment(2026, 1, 20, 9), "Attestation manquante"),
               StatusEntry("COMPLETEE", moment(2026, 2, 5, 9)),
               StatusEntry("A_COMPLETER", moment(2026, 2, 10, 9)),  # a second interruption does not count
               StatusEntry("MISE_EN_PAIEMENT", moment(2026, 3, 11, 9))]
    assert history.suspension(entries) == Suspension(datetime.date(2026, 1, 20), datetime.date(2026, 2, 5))
    assert history.payment_date(entries) == datetime.date(2026, 3, 11)
    assert history.latest_reason(entries[:3]) == "Attestation manquante"


def test_an_open_suspension_and_no_payment():
    entries = [StatusEntry("DEPOSEE", moment(2026, 1, 10)), StatusEntry("A_COMPLETER", moment(2026, 1, 20))]
    assert history.suspension(entries) == Suspension(datetime.date(2026, 1, 20))
    assert history.payment_date(entries) is None
    assert history.suspension(entries[:1]) is None


def test_the_client_reads_the_emulators_history(emu, client):
    """The emulator serves each status with its date and comment: a suspension with its reason comes back."""
    [piece] = emu.add_works_pieces(1, prefix="HIST-")
    emu.set_status(piece["id"], "SUSPENDUE", "Attestation d'assurance manquante")
    entries = client.piece_history(piece["id"])
    assert [entry.code for entry in entries] == [piece["statut"], "SUSPENDUE"]
    assert all(isinstance(entry.at, datetime.datetime) for entry in entries)
    assert history.latest_reason(entries) == "Attestation d'assurance manquante"
    assert history.suspension(entries).start == entries[1].at.date()
