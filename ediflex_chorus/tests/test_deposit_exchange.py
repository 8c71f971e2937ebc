import datetime
import json

from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common import SEARCH_PATH, SUBMIT_PATH, ChorusCase, Emulator

# What the works submission answers is not known (shared notes, section 5): each candidate way.
SUBMIT_ANSWER_ID_KEYS = ("idFactureTravaux", "identifiantFactureCPP", "idFacture", None)


@tagged("post_install", "-at_install")
class TestDepositExchange(ChorusCase):
    """The deposit is an exchange record frozen at the transition; only what is still wanted goes out."""

    def _without_file_id(self, payload):
        return {**payload, "pieceJointePrincipale": [
            {key: value for key, value in item.items() if key != "pieceJointePrincipaleId"}
            for item in payload["pieceJointePrincipale"]
        ]}

    # ------------------------------------------------------------------ frozen copy

    def test_the_deposit_freezes_payload_pdf_and_amounts(self):
        deposit = self._presented()
        situation = deposit.situation_id
        payload = json.loads(deposit.payload)
        self.assertEqual(payload["numeroFactureSaisi"], deposit.piece_number)
        self.assertLessEqual(len(deposit.piece_number), 20)
        self.assertEqual(payload["montantTotal"]["montantTtcTotal"], situation.amount_total)
        self.assertEqual((deposit.amount_total, deposit.amount_due), (situation.amount_total, situation.amount_due))
        self.assertNotIn("pieceJointePrincipaleId", payload["pieceJointePrincipale"][0])
        self.assertTrue(deposit.attachment_id.raw.startswith(b"%PDF"))

    def test_the_stored_payload_is_sent_unchanged_after_the_situation_changed(self):
        deposit = self._presented()
        frozen = json.loads(deposit.payload)
        frozen_pdf = deposit.attachment_id.raw
        # A change that bypasses the form's lock (an import, a script): the deposit must not follow it.
        self.env.cr.execute("UPDATE ediflex_situation_line SET progress_percent = 99 WHERE situation_id = %s",
                            (deposit.situation_id.id,))
        self.env.invalidate_all()
        self._send()
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertEqual(self._without_file_id(piece["payload"]), frozen)
        self.assertEqual(piece["payload"]["pieceJointePrincipale"][0]["pieceJointePrincipaleId"],
                         deposit.chorus_file_id)
        self.assertEqual(deposit.attachment_id.raw, frozen_pdf)

    def test_the_stored_payload_is_the_exact_body_sent(self):
        deposit = self._presented()
        self._send()
        [body] = self.emulator.journal(SUBMIT_PATH)
        self.assertEqual(body, deposit.payload.encode("utf-8"))  # byte for byte
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertEqual(piece["pieceJointeIds"], [deposit.chorus_file_id])

    def test_administrators_only_read_the_stored_payload(self):
        deposit = self._presented()
        self.assertTrue(deposit.payload)
        for user in (self.user, self.accountant):
            self.assertNotIn("payload", deposit.with_user(user).fields_get())

    # ------------------------------------------------------------------ only what is still wanted

    def test_cancelled_situation_sends_nothing(self):
        deposit = self._presented()
        deposit.situation_id.action_cancel()
        self.assertEqual(deposit.state, "cancelled")
        self._send()
        self.assertEqual(self._submissions(), 0)
        notes = deposit.situation_id.message_ids.mapped("body") + deposit.message_ids.mapped("body")
        self.assertTrue(any("cancelled before it was sent" in str(note) for note in notes), notes)

    def test_refused_situation_sends_nothing(self):
        deposit = self._presented()
        deposit.situation_id.with_user(self.approver).action_refuse()
        self.assertEqual(deposit.state, "cancelled")
        self._send()
        self.assertEqual(self._submissions(), 0)

    def test_reset_and_edited_situation_sends_only_its_new_piece(self):
        deposit = self._presented()
        situation = deposit.situation_id
        situation.with_user(self.approver).action_refuse()
        situation.action_reset_to_draft()
        situation.line_ids[0].progress_percent = 35.0
        self._send()
        self.assertEqual(self._submissions(), 0, "the draft never goes out")
        situation.action_present()
        self._send()
        [new] = situation.deposit_ids.filtered(lambda d: d.state == "sent")
        self.assertNotEqual(new.piece_number, deposit.piece_number)
        [piece] = self._emulator_piece(new.piece_number)
        self.assertEqual(piece["payload"]["montantTotal"]["montantTtcTotal"], situation.amount_total)
        self.assertEqual(self._submissions(), 1)

    def test_disabled_company_holds_its_queue_then_sends_it(self):
        deposit = self._presented()
        self.company.chorus_enabled = False
        self._send()
        self.assertEqual((deposit.state, self._submissions()), ("waiting", 0))
        self.company.chorus_enabled = True
        self.assertEqual(deposit.state, "to_send")
        self._send()
        self.assertEqual((deposit.state, self._submissions()), ("sent", 1))

    def test_neutralized_database_sends_nothing_and_points_at_qualification(self):
        self.company.write({"chorus_environment": "production", "chorus_siret": "73282932000074",
                            "chorus_api_url": "https://example.invalid"})
        self.env.flush_all()
        with file_open("ediflex_chorus/data/neutralize.sql") as script:
            self.env.cr.execute(script.read())
        self.env.invalidate_all()
        company = self.company.sudo()
        self.assertEqual((company.chorus_enabled, company.chorus_environment, company.chorus_api_url,
                          company.chorus_token_url), (False, "qualification", False, False))

    # ------------------------------------------------------------------ what Chorus Pro surely returns

    def test_each_candidate_answer_of_the_works_submission(self):
        for key in SUBMIT_ANSWER_ID_KEYS:
            with self.subTest(id_key=key):
                self.emulator.works_submit_id_key = key
                deposit = self._presented(number=SUBMIT_ANSWER_ID_KEYS.index(key) + 1)
                self._send()
                [piece] = self._emulator_piece(deposit.piece_number)
                self.assertEqual(deposit.chorus_piece_id, piece["id"])
                # Without an id in the answer, the works search found the piece, with its status.
                self.assertEqual(deposit.state, "received" if key is None else "sent")
        self.assertEqual(self._submissions(), len(SUBMIT_ANSWER_ID_KEYS))

    def test_without_id_nor_search_hit_the_status_follow_up_finds_the_piece(self):
        self.emulator.works_submit_id_key = None
        self.emulator.inject("works_search", "server_error")
        deposit = self._presented()
        self._send()
        self.assertEqual(deposit.state, "sent")
        self.assertFalse(deposit.chorus_piece_id, "no id that Chorus Pro did not give")
        self.connector._cron_fetch_statuses()
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertEqual((deposit.chorus_piece_id, deposit.state, deposit.chorus_status),
                         (piece["id"], "received", piece["statut"]))

    # ------------------------------------------------------------------ statuses

    def test_a_refused_piece_is_red_with_an_activity_and_is_no_longer_polled(self):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(deposit.chorus_piece_id, "REFUSEE_MOE", "Mauvais valideur")
        self.connector._cron_fetch_statuses()
        self.assertEqual((deposit.state, deposit.chorus_status), ("refused", "REFUSEE_MOE"))
        activity = deposit.situation_id.activity_ids
        self.assertEqual(activity.user_id, self.user)
        self.emulator.reset_counts()
        self.connector._cron_fetch_statuses()
        self.assertEqual(self._calls(SEARCH_PATH), 0, "a refused piece is not polled any more")

    def test_a_paid_piece_is_done(self):
        deposit = self._presented()
        self._send()
        self.emulator.set_status(deposit.chorus_piece_id, "MISE_EN_PAIEMENT")
        deposit.action_refresh_status()
        self.assertEqual(deposit.state, "done")

    def test_each_status_of_the_notes_gives_its_state(self):
        # Shared notes, section 5: the refusals; the end of a piece's life beyond MISE_EN_PAIEMENT is UNCERTAIN
        # (replaced by an A22, duplicated after a refusal): each candidate answer is played by the emulator.
        expected = {"REFUSEE_MOA": "refused", "ERREUR_DE_MOE": "refused", "ERREUR_DE_MOA": "refused",
                    "A_RECYCLER": "refused", "REJETEE": "refused", "REMPLACEE_PAR_A22": "done",
                    "DUPLIQUE_APRES_REFUS": "done", "TRANSMISE_MOA": "received", "MANDATEE": "received"}
        for number, (status, state) in enumerate(expected.items(), start=10):
            with self.subTest(status=status):
                deposit = self._presented(number=number)
                self._send()
                self.emulator.set_status(deposit.chorus_piece_id, status)
                deposit.action_refresh_status()
                self.assertEqual((deposit.state, deposit.chorus_status), (state, status))

    def test_1500_open_pieces_are_followed_in_at_most_20_calls(self):
        situation = self._situation()
        pieces = self.emulator.add_works_pieces(1500, prefix="BULK-")
        deposits = self.env["ediflex.chorus.deposit"].sudo().create([{
            "situation_id": situation.id, "company_id": self.company.id, "frame": "A4",
            "piece_number": piece["numeroFacture"], "payload": "{}", "state": "sent",
            "chorus_piece_id": piece["id"] if index % 10 else 0,  # one in ten still without its id
        } for index, piece in enumerate(pieces)])
        for piece in pieces:
            self.emulator.set_status(piece["id"], "PRISE_EN_COMPTE_MOE")
        self.emulator.reset_counts()
        self.connector._cron_fetch_statuses()
        # Chorus Pro's copies are counted apart (issue 21): one download per piece, in batches, never twice.
        # So are the looks for the project manager's pieces: one per piece and status change, in batches.
        counts = self.emulator.request_counts
        downloads = counts.get("/cpro/factures/v1/telecharger/groupe", 0)
        looks = counts.get("/cpro/factures/v1/consulter/fournisseur", 0)
        calls = sum(counts.values()) - downloads - looks
        self.assertLessEqual(calls, 20)
        self.assertTrue(0 < downloads <= len(pieces) and 0 < looks <= len(pieces))
        self.assertEqual(set(deposits.mapped("chorus_status")), {"PRISE_EN_COMPTE_MOE"})
        self.assertEqual(set(deposits.mapped("state")), {"received"})
        self.assertEqual(sorted(deposits.mapped("chorus_piece_id")), sorted(p["id"] for p in pieces))

    def test_after_a_complete_run_only_the_pieces_that_moved_are_read(self):
        # Issue 19: with 100,000 open pieces the follow-up must read what moved since its last complete run, not
        # every open piece again (the works search filters by the date of the last status change).
        situation, earlier = self._situation(), datetime.datetime.now().astimezone() - datetime.timedelta(days=2)
        pieces = self.emulator.add_works_pieces(250, prefix="STILL-", status="MISE_A_DISPOSITION_MOE",
                                                status_at=earlier)
        deposits = self.env["ediflex.chorus.deposit"].sudo().create([{
            "situation_id": situation.id, "company_id": self.company.id, "frame": "A4", "payload": "{}",
            "piece_number": piece["numeroFacture"], "chorus_piece_id": piece["id"], "state": "sent",
            "first_attempt_date": earlier.replace(tzinfo=None) - datetime.timedelta(days=1),
        } for piece in pieces])
        self.connector._cron_fetch_statuses()  # the first complete run: everything since the first attempt
        self.assertEqual(set(deposits.mapped("chorus_status")), {"MISE_A_DISPOSITION_MOE"})
        moved = {piece["id"] for piece in pieces[::50]}
        for piece_id in moved:
            self.emulator.advance_works(piece_id)
        self.emulator.reset_counts()
        self.connector._cron_fetch_statuses()
        self.assertEqual(self._calls(SEARCH_PATH), 1, "one page: the five pieces that moved")
        changed = deposits.filtered(lambda d: d.chorus_status == "PRISE_EN_COMPTE_MOE")
        self.assertEqual(set(changed.mapped("chorus_piece_id")), moved)
        self.assertEqual(len(changed.history_ids), len(moved) * 2, "each read once, then its one move")

    def test_a_backlog_larger_than_a_stretch_resumes_after_the_last_stretch_read_whole(self):
        # Issue 19: a run cut short (here Chorus Pro failing; the cron's time budget alike) keeps what it read whole,
        # instead of reading the whole backlog again from its start at every run. Pages of 10 pieces: the 600 moves
        # are 60 pages, over a stretch's 30, so the period is halved: the older moves first, 30 pages.
        situation, now = self._situation(), datetime.datetime.now().astimezone()
        with Emulator(max_page_size=10) as small:
            self._configure_company(self.company, small)
            older = small.add_works_pieces(300, prefix="OLD-", status_at=now - datetime.timedelta(days=3))
            newer = small.add_works_pieces(300, prefix="NEW-", status_at=now - datetime.timedelta(days=1))
            deposits = self.env["ediflex.chorus.deposit"].sudo().create([{
                "situation_id": situation.id, "company_id": self.company.id, "frame": "A4", "payload": "{}",
                "piece_number": piece["numeroFacture"], "chorus_piece_id": piece["id"], "state": "sent",
                "first_attempt_date": (now - datetime.timedelta(days=4)).astimezone(datetime.UTC).replace(tzinfo=None),
            } for piece in older + newer])
            small.inject("works_search", "latency", count=31)  # let through: the two halvings' first pages, 29 more
            small.inject("works_search", "server_error", count=1)  # then the second stretch's first page fails
            self.connector._cron_fetch_statuses()
            read = deposits.filtered("chorus_status")
            self.assertEqual(sorted(read.mapped("chorus_piece_id")), sorted(p["id"] for p in older))
            small.reset_counts()
            self.connector._cron_fetch_statuses()
            self.assertEqual(small.request_counts[SEARCH_PATH], 30, "the newer moves only: 30 pages")
            self.assertEqual(set(deposits.mapped("chorus_status")), {"MISE_A_DISPOSITION_MOE"})

    # ------------------------------------------------------------------ backlog, users

    def test_the_backlog_drains_in_one_cron_run(self):
        first = self._presented()
        template = json.loads(first.payload)
        copies = self.env["ediflex.chorus.deposit"].sudo().create([{
            "situation_id": first.situation_id.id, "company_id": self.company.id, "frame": "A4",
            "piece_number": f"BACKLOG-{index:03d}", "attachment_id": first.attachment_id.id,
            "payload": json.dumps({**template, "numeroFactureSaisi": f"BACKLOG-{index:03d}"}),
        } for index in range(24)])
        self.connector._cron_send_deposits(limit=10)
        self.assertEqual(set((first | copies).mapped("state")), {"sent"})
        self.assertEqual(self._submissions(), 25)

    def test_a_deposit_sent_reads_its_own_body_and_file_alone(self):
        # The send cron reads its batch of due deposits; what it sends of one (its body, its PDF) must not be read
        # for the whole batch, nor kept once frozen: a send run's memory does not grow with its batch (issue 19).
        first = self._presented()
        other_file = self.env["ir.attachment"].create({"name": "other.pdf", "raw": b"%PDF-1.4 other piece",
                                                       "mimetype": "application/pdf"})
        second = self.env["ediflex.chorus.deposit"].sudo().create({
            "situation_id": first.situation_id.id, "company_id": self.company.id, "frame": "A4",
            "piece_number": "ALONE-002", "attachment_id": other_file.id,
            "payload": json.dumps({**json.loads(first.payload), "numeroFactureSaisi": "ALONE-002"})})
        pdf, ids = first.attachment_id.raw, (first | second).ids
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        cache, raw, payload = self.env.cache, other_file._fields["raw"], Deposit._fields["payload"]
        self.env.invalidate_all()
        together = Deposit.search([("id", "in", ids)], order="id")
        together.mapped("state")  # the fields of a batch read at once
        self.assertFalse(cache.contains(together[1], payload), "a body is not read with the other fields")
        frozen = together[0]._frozen()
        self.assertFalse(cache.contains(together[1], payload), "nor with the body of another deposit")
        self.assertFalse(cache.contains(together[1].attachment_id, raw), "another deposit's file is not read with it")
        self.assertFalse(cache.contains(together[0].attachment_id, raw), "the file is not kept once frozen")
        self.assertEqual((frozen.document.content, frozen.body), (pdf, first.payload.encode("utf-8")))
        self._send()
        self.assertEqual(together.mapped("state"), ["sent", "sent"])

    def test_a_user_without_email_presents_and_accepts(self):
        user = new_test_user(self.env, login="no_email_user", groups="ediflex_chorus.group_owner_approver")
        user.partner_id.email = False
        situation = self._situation(user=user)
        situation.with_user(user).action_present()
        self.assertEqual(situation.state, "presented")
        situation.with_user(user).action_accept()
        self.assertEqual(situation.state, "accepted")
        self.assertEqual(sorted(situation.deposit_ids.mapped("frame")), ["A4", "A6"])
