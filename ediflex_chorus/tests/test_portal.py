import base64
import io
import re

import polib
from lxml import html as lxml_html
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval
from pypdf import PdfReader

from .common import ChorusCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# A 1x1 PNG: what Odoo's portal signature form posts is a base64 image like this one.
SIGNATURE = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a9f2a4d70000000049454e44ae426082"
)).decode()


@tagged("post_install", "-at_install")
class TestPortal(ChorusCase):
    """The project owner's people act on the Odoo portal; the acceptance there is the acceptance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner_contact = cls._contact(cls.owner, "Jeanne Martin", "jeanne.martin@qualif-sur-mer.fr")
        cls.owner_user = new_test_user(cls.env, login="owner_portal", groups="base.group_portal",
                                       partner_id=cls.owner_contact.id, name="Jeanne Martin")
        cls.manager_user = new_test_user(cls.env, login="manager_portal", groups="base.group_portal",
                                         partner_id=cls._contact(cls.manager, "Paul Moe", "paul@moe.fr").id)
        cls.other_body = cls._public_body(cls.seed.service_required)
        cls.other_user = new_test_user(cls.env, login="other_portal", groups="base.group_portal",
                                       partner_id=cls._contact(cls.other_body, "Marc Autre", "marc@autre.fr").id)

    @classmethod
    def _contact(cls, body, name, email):
        return cls.env["res.partner"].create({"name": name, "email": email, "parent_id": body.id})

    def _presented_situation(self, **values):
        situation = self._situation(**values)
        situation.action_present()
        return situation

    def _page(self, situation, login=None, token=None):
        if login:
            self.authenticate(login, login)
        url = f"/my/situations/{situation.id}" + (f"?access_token={token}" if token else "")
        return self.url_open(url)

    def _post(self, situation, action, login, **data):
        page = self._page(situation, login=login)
        found = CSRF.search(page.text)
        token = found.group(1) if found else self._any_csrf()
        return self.url_open(f"/my/situations/{situation.id}/{action}", data=dict(data, csrf_token=token))

    def _any_csrf(self):
        # A user who may not decide has no form on the page: a token of the portal home serves to knock.
        return CSRF.search(self.url_open("/my/account").text).group(1)

    def _messages(self, situation):
        domain = [("model", "=", situation._name), ("res_id", "=", situation.id)]
        return self.env["mail.message"].search(domain).mapped("body")

    def _frames(self, situation):
        return sorted(self._deposits(situation).mapped("frame"))

    def test_the_list_shows_its_organisation_presented_situations_only(self):
        mine = self._presented_situation()
        draft = self._situation(number=2)
        theirs = self._presented_situation(owner_id=self.other_body.id, contract_number="MARCHE-AUTRE")
        self.authenticate("owner_portal", "owner_portal")
        page = self.url_open("/my/situations")
        self.assertEqual(page.status_code, 200)
        self.assertIn(mine.name, page.text)
        self.assertNotIn(draft.name, page.text, "a draft is the contractor's own work")
        self.assertNotIn(theirs.name, page.text, "another body's situation")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["situation_count"]})
        self.assertEqual(counters["situation_count"], 1)

    def test_a_situation_shows_its_lines_totals_and_deposited_copy(self):
        situation = self._presented_situation()
        page = self._page(situation, login="owner_portal")
        self.assertEqual(page.status_code, 200)
        for text in ("Earthworks", "Foundations", "MARCHE-2026-001", "o_ediflex_portal_accept"):
            self.assertIn(text, page.text)
        pdf = self.url_open(f"/my/situations/{situation.id}/pdf")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertEqual(pdf.content, self._deposits(situation).attachment_id.raw, "the copy deposited (A4)")

    def test_accepting_on_the_portal_deposits_the_accepted_copy(self):
        situation = self._presented_situation()
        answer = self._post(situation, "accept", "owner_portal")
        self.assertIn("message=accepted", answer.url)
        self.assertEqual(situation.state, "accepted")
        self.assertEqual(self._frames(situation), ["A4", "A6"])
        self.assertTrue(any("Accepted on the portal by Jeanne Martin" in body
                            for body in self._messages(situation)), "the chatter says who accepted")
        tracking = situation.sudo().message_ids.filtered(lambda m: m.tracking_value_ids)[:1]
        self.assertEqual(tracking.author_id, self.owner_contact, "the state change is theirs, not OdooBot's")
        self._send()
        accepted = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        self.assertEqual(accepted.state, "sent")
        self.assertEqual(len(self._emulator_piece(accepted.piece_number)), 1, "the A6 is on Chorus Pro")

    def test_a_signature_is_asked_where_the_company_wants_one(self):
        self.company.chorus_portal_signature = True
        situation = self._presented_situation()
        answer = self._post(situation, "accept", "owner_portal")
        self.assertIn("message=sign_required", answer.url)
        self.assertEqual((situation.state, self._frames(situation)), ("presented", ["A4"]))
        self.assertIn("o_ediflex_portal_accept", self._page(situation).text)
        self.assertEqual(self.make_jsonrpc_request(f"/my/situations/{situation.id}/sign", {"name": "J. Martin"}),
                         {"error": "Your name and signature are required."})
        result = self.make_jsonrpc_request(f"/my/situations/{situation.id}/sign",
                                           {"name": "J. Martin", "signature": SIGNATURE})
        self.assertIn("message=accepted", result["redirect_url"])
        self.assertEqual((situation.state, situation.owner_signed_by), ("accepted", "J. Martin"))
        copy = self._deposits(situation).filtered(lambda d: d.frame == "A6").attachment_id.raw
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(copy)).pages).split())
        self.assertIn("J. Martin", text, "the accepted copy says who signed")

    def test_a_refused_acceptance_leaves_nothing_behind_on_either_route(self):
        self.company.chorus_portal_signature = True
        situation = self._presented_situation()
        self.company.chorus_login = False  # the A6 would now be refused by the checks before recording
        self.authenticate("owner_portal", "owner_portal")
        result = self.make_jsonrpc_request(f"/my/situations/{situation.id}/sign",
                                           {"name": "J. Martin", "signature": SIGNATURE})
        self.assertIn("technical login", result["error"])
        self.company.chorus_portal_signature = False
        answer = self._post(situation, "accept", "owner_portal")
        self.assertIn("message=error", answer.url)
        self.assertIn("technical login", answer.text, "the refusal said on the page")
        situation.invalidate_recordset()
        self.assertEqual((situation.state, situation.owner_signed_by, self._frames(situation)),
                         ("presented", False, ["A4"]))

    def test_refusing_on_the_portal_needs_a_reason_and_tells_the_contractor(self):
        situation = self._presented_situation()
        answer = self._post(situation, "refuse", "owner_portal", reason="  ")
        self.assertIn("message=reason_required", answer.url)
        self.assertEqual(situation.state, "presented")
        self._post(situation, "refuse", "owner_portal", reason="Le poste 1.2 dépasse le marché.")
        self.assertEqual((situation.state, situation.refusal_reason), ("refused", "Le poste 1.2 dépasse le marché."))
        activity = situation.activity_ids
        self.assertEqual(activity.user_id, self.user, "the contractor's responsible is asked to correct it")
        self.assertIn("dépasse le marché", activity.note)
        self.assertEqual(self._frames(situation), ["A4"], "nothing deposited for a refusal")

    def test_another_body_gets_nothing(self):
        situation = self._presented_situation()
        page = self._page(situation, login="other_portal")
        self.assertNotIn(situation.name, page.text)
        self.assertTrue(page.url.endswith("/my"), page.url)
        self.assertTrue(self.url_open(f"/my/situations/{situation.id}/pdf").url.endswith("/my"))
        self._post(situation, "accept", "other_portal")
        self._post(situation, "refuse", "other_portal", reason="Je ne suis pas concerné.")
        self.assertEqual((situation.state, self._frames(situation)), ("presented", ["A4"]))
        self.assertNotIn(situation.name, self.url_open("/my/situations").text)

    def test_another_company_situation_stays_hidden(self):
        other_company = self.env["res.company"].create({"name": "Autre Titulaire SAS"})
        self.env.user.company_ids |= other_company
        situation = self.env["ediflex.situation"].with_company(other_company).create({
            "company_id": other_company.id, "contract_number": "M-AUTRE", "owner_id": self.owner.id,
            "manager_id": self.manager.id, "period_start": "2026-10-01", "period_end": "2026-10-31",
            "line_ids": [(0, 0, {"code": "1", "name": "Clôtures", "contract_amount": 100.0, "progress_percent": 10})],
        })
        situation.action_present()  # Chorus Pro is not enabled there: presented, nothing deposited
        self.assertEqual(situation.state, "presented")
        self.assertNotIn("Clôtures", self._page(situation, login="owner_portal").text)
        self.assertNotIn("M-AUTRE", self.url_open("/my/situations").text)

    def test_the_project_manager_reads_but_does_not_decide(self):
        situation = self._presented_situation()
        page = self._page(situation, login="manager_portal")
        self.assertIn("Earthworks", page.text)
        self.assertNotIn("o_ediflex_portal_accept", page.text)
        self._post(situation, "accept", "manager_portal")
        self.assertEqual((situation.state, self._frames(situation)), ("presented", ["A4"]))

    def test_an_access_token_shows_its_situation_only_and_never_decides(self):
        situation = self._presented_situation()
        other = self._presented_situation(number=2)
        token = situation._portal_ensure_token()
        self.assertIn("Earthworks", self._page(situation, token=token).text)
        for page in (self._page(other, token=token), self._page(situation, token="forged")):
            self.assertNotIn("Earthworks", page.text)
            self.assertIn("/web/login", page.url, "sent to the login page")
        answer = self.url_open(f"/my/situations/{situation.id}/accept", data={"access_token": token})
        self.assertIn("/web/login", answer.url)
        self.assertEqual(situation.state, "presented")

    def test_the_portal_reaches_no_deposit_and_no_setting(self):
        self._presented_situation()
        portal = self.owner_user
        with self.assertRaises(AccessError):
            self.env["ediflex.chorus.deposit"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.company.with_user(portal).read(["chorus_login"])
        with self.assertRaises(AccessError):
            self.env["ediflex.situation"].with_user(portal).search([]).write({"refusal_reason": "x"})
        self.authenticate("owner_portal", "owner_portal")
        for model, fields in (("ediflex.chorus.deposit", ["payload"]), ("res.company", ["chorus_password"])):
            with self.assertRaises(JsonRpcException) as refused:
                self.make_jsonrpc_request("/web/dataset/call_kw", {
                    "model": model, "method": "search_read", "args": [[], fields], "kwargs": {}})
            self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")

    def test_presenting_offers_to_tell_the_project_owner(self):
        situation = self._situation()
        action = situation.action_present()["params"]["next"]
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_partner_ids"], self.owner_contact.ids)
        # Sent by whoever presented (the e-mail is theirs, signed by them).
        composer = self.env["mail.compose.message"].with_user(self.user).with_context(**action["context"]).create({})
        composer.action_send_mail()
        mail = self.env["mail.mail"].search([("model", "=", situation._name), ("res_id", "=", situation.id)])
        self.assertIn(self.owner_contact, mail.recipient_ids | mail.partner_ids)
        self.assertIn(f"/my/situations/{situation.id}?access_token={situation.access_token}", mail.body_html)

    def test_the_project_owner_accepts_in_the_browser(self):
        situation = self._presented_situation()
        self.start_tour("/my/situations", "ediflex_portal_accept_tour", login="owner_portal")
        self.assertEqual(situation.state, "accepted")
        self._send()
        accepted = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        self.assertEqual(len(self._emulator_piece(accepted.piece_number)), 1)

    def test_the_portal_speaks_french_to_a_french_body(self):
        self._load_french(modules=None)
        self.owner_user.partner_id.lang = "fr_FR"
        with file_open("ediflex_chorus/i18n/fr.po") as handle:
            english = {entry.msgid for entry in polib.pofile(handle.read()) if entry.msgstr != entry.msgid}
        situation = self._presented_situation()
        self.authenticate("owner_portal", "owner_portal")
        for url in ("/my/situations", f"/my/situations/{situation.id}"):
            page = lxml_html.fromstring(self.url_open(url).text)
            texts = {" ".join(text.split()) for text in page.xpath("//body//text()[normalize-space()]")}
            self.assertFalse(sorted(texts & english), f"English on the French page {url}")
        self.assertIn("Situations de travaux", texts)
        self.assertIn("Accepter", texts)

    def test_the_situation_thread_dates_its_messages_in_french(self):
        # mail's JS translations must reach the portal page, not only web's and portal's.
        self._load_french(modules=("mail", "ediflex_chorus"))
        self.owner_user.partner_id.lang = "fr_FR"
        situation = self._presented_situation()
        situation.with_user(self.user).message_post(body="Voici la situation d'octobre.", message_type="comment",
                                                    subtype_xmlid="mail.mt_comment")
        self.start_tour(f"/my/situations/{situation.id}", "ediflex_portal_french_thread_tour", login="owner_portal")

    def test_a_piece_refused_on_chorus_pro_shows_in_the_buyers_words_and_colour(self):
        self._load_french()
        self.owner_user.partner_id.lang = "fr_FR"
        situation = self._presented_situation()
        self._send()
        deposit = self._deposits(situation)
        self.emulator.set_status(deposit.chorus_piece_id, "REFUSEE_MOE", "Avancement du lot 2 surévalué")
        self.connector._cron_fetch_statuses()
        self.assertEqual(situation.state, "chorus_refused")
        self.authenticate("owner_portal", "owner_portal")
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["situation_count"]})
                         ["situation_count"], 1, "still in the body's sight while the contractor corrects it")
        for url in ("/my/situations", f"/my/situations/{situation.id}"):
            page = lxml_html.fromstring(self.url_open(url).text)
            [badge] = page.xpath("//span[contains(@class, 'o_ediflex_portal_state')]")
            self.assertEqual((badge.text_content().strip(), "text-bg-danger" in badge.get("class")),
                             ("Refusée sur Chorus Pro", True), url)
        texts = " ".join(page.xpath("//body//text()[normalize-space()]"))
        self.assertIn("Avancement du lot 2 surévalué", texts)
        self.assertIn("le titulaire corrige la situation", texts)
        self.assertNotIn("o_ediflex_portal_accept", self.url_open(f"/my/situations/{situation.id}").text)

    def test_each_state_has_the_colour_of_the_list_inside(self):
        situation = self._presented_situation()
        arch = self.env["ediflex.situation"].get_views([(False, "list")])["views"]["list"]["arch"]
        [state_field] = lxml_html.fromstring(arch).xpath("//field[@name='state']")
        decorations = {name.removeprefix("decoration-"): expr for name, expr in state_field.attrib.items()
                       if name.startswith("decoration-")}
        badge_of = {"muted": "secondary"}  # Odoo's muted badge is Bootstrap's secondary on the portal
        for state, _label in situation._fields["state"].selection:
            self.env.flush_all()  # the button's pending writes first: the state is then set in SQL
            self.env.cr.execute("UPDATE ediflex_situation SET state = %s WHERE id = %s", (state, situation.id))
            situation.invalidate_recordset(["state"])
            [inside] = [badge_of.get(name, name) for name, expr in decorations.items()
                        if safe_eval(expr, {"state": state})] or ["none"]
            badge = lxml_html.fromstring(self.env["ir.qweb"]._render(
                "ediflex_chorus.portal_situation_state", {"s": situation.sudo()}))
            self.assertIn(f"text-bg-{inside}", badge.get("class"), state)
