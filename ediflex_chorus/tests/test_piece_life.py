import datetime
import hashlib
import io
import json
import zipfile

from lxml import etree
from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.safe_eval import safe_eval

from .common import ChorusCase

HISTORY_PATH = "/cpro/factures/v1/consulter/historique"


@tagged("post_install", "-at_install")
class TestPieceLife(ChorusCase):
    """The piece's life from the batched follow-up: Chorus Pro's dates, its reasons, and the payment clock."""

    def _followed(self, **values):
        deposit = self._presented(**values)
        self._send()
        self.connector._cron_fetch_statuses()
        return deposit

    def test_the_follow_up_stores_chorus_pros_dates(self):
        deposit = self._followed()
        [piece] = self._emulator_piece(deposit.piece_number)
        self.assertEqual(deposit.chorus_deposit_date, datetime.date.fromisoformat(piece["dateDepot"]))
        [entry] = deposit.history_ids
        self.assertEqual(entry.status, deposit.chorus_status)
        self.assertEqual(entry.status_date, deposit.chorus_status_date)
        self.assertTrue(entry.status_date)
        self.assertEqual(self._calls(HISTORY_PATH), 0, "no history call for a piece that moves on normally")
        # The clock runs from Chorus Pro's deposit date, 30 days for an untyped public body.
        self.assertEqual(deposit.payment_start_date, deposit.chorus_deposit_date)
        self.assertEqual(deposit.payment_due_date, deposit.chorus_deposit_date + datetime.timedelta(days=30))

    def test_a_refusal_shows_chorus_pros_reason(self):
        deposit = self._followed()
        self.emulator.set_status(deposit.chorus_piece_id, "REFUSEE_MOE", "Mauvais valideur : service 123")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.state, "refused")
        self.assertEqual(deposit.chorus_reason, "Mauvais valideur : service 123")
        self.assertEqual(deposit.history_ids[-1].comment, "Mauvais valideur : service 123")
        self.assertEqual(deposit.situation_id.chorus_reason, "Mauvais valideur : service 123")  # the banner
        notes = deposit.situation_id.activity_ids.mapped("note")
        self.assertTrue(any("Mauvais valideur : service 123" in str(note) for note in notes), notes)

    def test_a_suspension_stops_the_clock(self):
        deposit = self._followed()
        self.emulator.set_status(deposit.chorus_piece_id, "SUSPENDUE", "Attestation manquante")
        self.connector._cron_fetch_statuses()
        self.assertEqual(deposit.history_ids[-1].status, "SUSPENDUE")
        self.assertEqual(deposit.chorus_reason, "Attestation manquante")
        self.assertTrue(deposit.payment_suspended)
        self.assertFalse(deposit.payment_due_date)

    def _dated(self, buyer_type, deposited, amount_due, statuses):
        """A sent A4 with Chorus Pro's deposit date and dated statuses, booked as the follow-up books them."""
        deposit = self._presented()
        deposit.partner_id.chorus_buyer_type = buyer_type
        deposit.write({"state": "received", "chorus_deposit_date": deposited, "amount_due": amount_due})
        History = self.env["ediflex.chorus.status.history"]
        for code, moment in statuses:
            History.create({"deposit_id": deposit.id, "status": code, "status_date": moment})
        return deposit

    def test_the_worked_example_to_the_cent(self):
        deposit = self._dated("local", "2026-01-10", 7410.0, [("MISE_EN_PAIEMENT", "2026-03-11 10:00:00")])
        self.assertEqual(deposit.payment_due_date, datetime.date(2026, 2, 9))
        self.assertEqual(deposit.payment_date, datetime.date(2026, 3, 11))
        self.assertEqual(deposit.payment_days_late, 30)
        self.assertAlmostEqual(deposit.late_interest, 61.82, places=2)
        self.assertAlmostEqual(deposit.late_indemnity, 40.0, places=2)
        situation = deposit.situation_id  # its timeline and clock
        self.assertEqual(situation.payment_deposit_id, deposit)
        self.assertEqual(situation.payment_due_date, datetime.date(2026, 2, 9))
        self.assertAlmostEqual(situation.late_interest, 61.82, places=2)
        self.assertEqual(situation.chorus_history_ids.mapped("status"), ["MISE_EN_PAIEMENT"])

    def test_paid_on_time_owes_nothing(self):
        deposit = self._dated("hospital", "2026-01-10", 7410.0, [("MISE_EN_PAIEMENT", "2026-02-27 10:00:00")])
        self.assertEqual(deposit.payment_due_date, datetime.date(2026, 3, 1))
        self.assertEqual((deposit.payment_days_late, deposit.late_interest, deposit.late_indemnity), (0, 0, 0))

    def test_a_lifted_suspension_restarts_the_period(self):
        deposit = self._dated("state", "2026-01-10", 7410.0, [
            ("SUSPENDUE", "2026-01-20 09:00:00"), ("COMPLETEE", "2026-02-05 09:00:00"),
            ("MISE_EN_PAIEMENT", "2026-03-11 09:00:00")])
        self.assertEqual(deposit.payment_due_date, datetime.date(2026, 3, 7))
        self.assertEqual(deposit.payment_days_late, 4)
        self.assertAlmostEqual(deposit.late_interest, 8.24, places=2)

    def test_nobody_changes_or_deletes_the_history(self):
        deposit = self._followed()
        admin = self.env.ref("base.user_admin")
        entry = deposit.history_ids.with_user(admin)
        with self.assertRaises(UserError):
            entry.sudo().write({"comment": "rewritten"})
        with self.assertRaises(UserError):
            entry.sudo().unlink()

    def test_nobody_changes_or_deletes_a_sent_deposit(self):
        deposit = self._followed()
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(UserError):
            deposit.with_user(admin).write({"amount_due": 1.0})
        with self.assertRaises(AccessError):  # no unlink right, and the guard below besides
            deposit.with_user(admin).unlink()
        with self.assertRaises(UserError):
            deposit.unlink()  # not even the superuser: it is kept
        self.assertTrue(deposit.exists())

    def test_receivables_show_late_pieces_by_default(self):
        late = self._dated("local", "2026-01-10", 7410.0, [("MISE_EN_PAIEMENT", "2026-03-11 10:00:00")])
        on_time = self._dated("local", "2026-01-10", 100.0, [("MISE_EN_PAIEMENT", "2026-01-20 10:00:00")])
        action = self.env["ir.actions.act_window"]._for_xml_id("ediflex_chorus.action_ediflex_chorus_receivable")
        self.assertEqual(action["context"], "{'search_default_late': 1}")
        search = self.env.ref("ediflex_chorus.view_ediflex_chorus_receivable_search")
        late_filter = next(node for node in etree.fromstring(search.arch).iter("filter")
                           if node.get("name") == "late")
        domain = safe_eval(late_filter.get("domain"), {"context_today": datetime.date.today})
        found = self.env["ediflex.chorus.deposit"].with_user(self.accountant).search(
            safe_eval(action["domain"]) + domain)
        self.assertIn(late, found)
        self.assertNotIn(on_time, found)

    def test_the_letter_claims_interest_and_indemnity_in_french(self):
        self._load_french()
        deposit = self._dated("local", "2026-01-10", 7410.0, [("MISE_EN_PAIEMENT", "2026-03-11 10:00:00")])
        deposit.partner_id.lang = "fr_FR"
        report = self.env["ir.actions.report"]
        html, _kind = report._render_qweb_html("ediflex_chorus.report_late_interest", deposit.ids)
        text = " ".join(html.decode().split())
        for expected in ("Objet", "intérêts moratoires", "Madame, Monsieur", "61,82", "40,00", "101,82", "10,15",
                         "30", "MARCHE-2026-001", deposit.piece_number, "10/01/2026", "09/02/2026", "11/03/2026",
                         "L2192-13", "R2192-31", "D2192-35"):
            self.assertIn(expected, text)
        pdf, _kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "ediflex_chorus.report_late_interest", deposit.ids)
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_the_accountant_is_told_once_when_a_piece_falls_due_unpaid(self):
        deposit = self._dated("local", "2026-01-10", 7410.0, [])
        not_due = self._dated("local", fields.Date.context_today(self.env.user), 100.0, [])
        Deposit = self.env["ediflex.chorus.deposit"]
        Deposit._cron_notify_payment_due()
        Deposit._cron_notify_payment_due()
        activities = deposit.situation_id.activity_ids.filtered(lambda a: a.summary == "Payment overdue")
        self.assertIn(self.accountant, activities.user_id)
        self.assertEqual(len(activities.filtered(lambda a: a.user_id == self.accountant)), 1, "told once")
        self.assertIn("02/09/2026", str(activities[0].note))  # English (US) dates in the test database
        self.assertFalse(not_due.situation_id.activity_ids.filtered(lambda a: a.summary == "Payment overdue"))

    def test_the_proof_pack_holds_the_exact_files_and_their_hashes(self):
        deposit = self._followed()
        name, pack = deposit._proof_pack()
        self.assertEqual(name, f"preuve-{deposit.piece_number}.zip")
        with zipfile.ZipFile(io.BytesIO(pack)) as archive:
            names = archive.namelist()
            listing = json.loads(archive.read("manifest.json"))
            self.assertEqual(archive.read(deposit.attachment_id.name), deposit.attachment_id.raw)
            [piece] = self._emulator_piece(deposit.piece_number)
            sent = json.loads(archive.read("body_sent.json"))
            self.assertEqual(sent, piece["payload"])  # what the emulator received, file id included
            self.assertEqual(sent["pieceJointePrincipale"][0]["pieceJointePrincipaleId"], deposit.chorus_file_id)
            answers = json.loads(archive.read("chorus_pro_answers.json"))
            self.assertEqual(answers["chorus_piece_id"], deposit.chorus_piece_id)
            self.assertEqual(answers["chorus_deposit_date"], piece["dateDepot"])
            self.assertEqual(json.loads(archive.read("status_history.json"))[0]["status"], deposit.chorus_status)
            self.assertTrue(archive.read("attestation_de_depot.pdf").startswith(b"%PDF"))
            for entry in listing["files"]:
                self.assertEqual(hashlib.sha256(archive.read(entry["name"])).hexdigest(), entry["sha256"])
            self.assertEqual({entry["name"] for entry in listing["files"]} | {"manifest.json", "SHA256SUMS"},
                             set(names))

    def test_the_accountant_downloads_the_proof_pack(self):
        deposit = self._followed()
        self.authenticate("accountant", "accountant")
        response = self.url_open(f"/ediflex_chorus/proof_pack/{deposit.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        self.assertIn("manifest.json", zipfile.ZipFile(io.BytesIO(response.content)).namelist())
        self.authenticate("situation_user", "situation_user")
        self.assertEqual(self.url_open(f"/ediflex_chorus/proof_pack/{deposit.id}").status_code, 404)

    def test_tour_the_accountant_prints_the_claim_of_a_late_piece(self):
        self._dated("local", "2026-01-10", 7410.0, [("MISE_EN_PAIEMENT", "2026-03-11 10:00:00")])
        self.start_tour("/odoo/action-ediflex_chorus.action_ediflex_chorus_receivable", "ediflex_late_payment_tour",
                        login="accountant")

    def test_nobody_changes_or_deletes_the_deposited_file(self):
        deposit = self._followed()
        admin = self.env.ref("base.user_admin")
        attachment = deposit.attachment_id.with_user(admin)
        with self.assertRaises(UserError):
            attachment.write({"raw": b"%PDF-1.7 forged"})
        with self.assertRaises(UserError):
            attachment.unlink()
        with self.assertRaises(UserError):
            deposit.attachment_id.unlink()  # not even the superuser
        for vals in ({"name": "forged.pdf"}, {"res_id": deposit.situation_id.id}, {"public": True}):
            with self.assertRaises(UserError, msg=vals):  # its name and its link are the proof too
                attachment.write(vals)
        attachment.write({"description": "a note"})  # a note may be added
        self.assertTrue(deposit.attachment_id.raw.startswith(b"%PDF"))

    def test_nobody_adds_to_the_history_of_a_piece(self):
        deposit = self._followed()
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            self.env["ediflex.chorus.status.history"].with_user(admin).create(
                {"deposit_id": deposit.id, "status": "MISE_EN_PAIEMENT", "status_date": "2026-01-01 00:00:00"})
        with self.assertRaises(UserError):
            deposit.history_ids.with_user(admin).write({"status_date": "2026-01-01 00:00:00"})
        with self.assertRaises(UserError):
            deposit.history_ids.with_user(admin).unlink()

    def test_the_administrator_changes_nothing_of_a_sent_deposit_in_the_web_client(self):
        deposit = self._followed()
        self.authenticate("admin", "admin")
        attempts = [
            ("ediflex.chorus.deposit", "web_save", [deposit.ids, {"amount_due": 1.0}], {"specification": {}}),
            ("ediflex.chorus.deposit", "unlink", [deposit.ids], {}),
            ("ediflex.chorus.status.history", "web_save", [deposit.history_ids.ids, {"comment": "x"}],
             {"specification": {}}),
            ("ediflex.chorus.status.history", "unlink", [deposit.history_ids.ids], {}),
            ("ir.attachment", "web_save", [deposit.attachment_id.ids, {"name": "forged.pdf"}], {"specification": {}}),
            ("ir.attachment", "web_save", [deposit.attachment_id.ids, {"datas": "JVBERi0xLjcgZm9yZ2Vk"}],
             {"specification": {}}),
            ("ir.attachment", "unlink", [deposit.attachment_id.ids], {}),
        ]
        for model, method, args, kwargs in attempts:
            with self.assertRaises(JsonRpcException, msg=f"{model}.{method}"):
                self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
                    "model": model, "method": method, "args": args, "kwargs": kwargs})
        self.env.invalidate_all()
        self.assertEqual((deposit.amount_due, len(deposit.history_ids)), (deposit.situation_id.amount_due, 1))
        self.assertTrue(deposit.attachment_id.raw.startswith(b"%PDF"))
        self.assertNotEqual(deposit.attachment_id.name, "forged.pdf")

    def test_a_contract_shortens_the_period(self):
        deposit = self._dated("local", "2026-01-10", 7410.0, [])
        contract = self.env["ediflex.contract"].create({
            "name": "MARCHE-2026-020", "subject": "Toiture", "owner_id": self.owner.id,
            "manager_id": self.manager.id, "payment_period_days": 20})
        self.env.cr.execute("UPDATE ediflex_situation SET contract_id = %s WHERE id = %s",
                            (contract.id, deposit.situation_id.id))  # the situation is presented: no form edit
        self.env.invalidate_all()
        deposit._compute_payment_clock()
        self.assertEqual(deposit.payment_due_date, datetime.date(2026, 1, 30))
