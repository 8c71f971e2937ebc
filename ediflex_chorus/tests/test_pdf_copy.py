import base64
import io
import re

from odoo.tests import tagged
from PIL import Image
from pypdf import PdfReader

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestPdfCopy(ChorusCase):
    """The deposited PDF is the legal copy the project owner reads: real text, in French, of a sensible size."""

    def _lines(self, count):
        return [(0, 0, {"code": f"{index}", "name": f"Poste {index}", "contract_amount": 1000.0 + index,
                        "progress_percent": 50.0}) for index in range(1, count + 1)]

    def test_the_copy_has_a_text_layer_with_its_amounts_in_french(self):
        self._load_french()
        deposit = self._presented()  # presented by an English-speaking user
        pages = PdfReader(io.BytesIO(deposit.attachment_id.raw)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        situation = deposit.situation_id
        self.assertIn("Earthworks", text)
        self.assertIn(situation.name, text)
        self.assertIn("7 550,00", text.replace("\u202f", " ").replace("\xa0", " "), "the total, in French")
        self.assertIn("Situation de travaux", text, "in French, whoever clicks")
        self.assertIn("Arrêtée la présente situation à la somme de", text)
        self.assertIn("Sept Mille Cent Soixante-Douze", text.title(), "the amount due in words")

    def _text(self, attachment):
        pages = PdfReader(io.BytesIO(attachment.raw)).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split()).replace("\u202f", " ").replace(
            "\xa0", " ")

    def _company_with_mentions(self):
        bank = self.env["res.bank"].create({"name": "Banque de Test", "bic": "TESTFRPPXXX"})
        france = self.env.ref("base.fr")
        self.company.partner_id.write({
            "country_id": france.id, "street": "12 rue des Bâtisseurs", "zip": "69003", "city": "Lyon",
            "vat": "FR32123456789",
            "bank_ids": [(0, 0, {"acc_number": "FR7630006000011234567890189", "bank_id": bank.id})],
        })
        self.owner.write({"street": "1 place de la Mairie", "zip": "38000", "city": "Grenoble",
                          "country_id": france.id, "vat": "FR05987654321"})
        self.manager.write({"street": "5 avenue Alsace-Lorraine", "zip": "38000", "city": "Grenoble",
                            "country_id": france.id})

    def test_the_copy_says_what_a_public_accountant_checks(self):
        self._load_french()
        self._company_with_mentions()
        deposit = self._presented()
        text = self._text(deposit.attachment_id)
        for mention in ("12 rue des Bâtisseurs", "69003 Lyon", "1 place de la Mairie", "38000 Grenoble",
                        "5 avenue Alsace-Lorraine", self.company.chorus_siret, self.owner.chorus_siret,
                        "FR32123456789", "FR05987654321", "FR7630006000011234567890189", "TESTFRPPXXX",
                        "30 jours", "intérêts moratoires", "40 euros", "Taux de TVA"):
            self.assertIn(mention, text)
        # One VAT line per rate: 4 000 at 20 % and 2 500 at 10 % (the lines of ChorusCase._situation).
        self.assertRegex(text, r"Taux de TVA Base HT Montant de TVA 10,00 % \S* ?2 500,00 \S* ?250,00 \S* ?20,00 % "
                               r"\S* ?4 000,00 \S* ?800,00")
        # In sentence case, the currency's unit in words (dollars on the test company), "TTC" at the end.
        self.assertRegex(text, r"Arrêtée la présente situation à la somme de sept mille cent soixante-douze \w+ et "
                               r"cinquante \w+ TTC")
        self.assertNotIn("Acceptée par", text, "the presented copy is not accepted yet")

    def test_the_copy_states_the_public_body_payment_period(self):
        self._load_french()
        self.owner.chorus_buyer_type = "hospital"
        self.assertIn("dans un délai de 50 jours", self._text(self._presented().attachment_id))

    def test_no_logo_placeholder_and_no_blank_header(self):
        deposit = self._presented()
        self.assertTrue(self.company.uses_default_logo)
        self.assertEqual(deposit.attachment_id.raw.count(b"/Subtype /Image"), 0, "no 'Your logo' placeholder")
        # The title is the first thing on the page, not under an empty header.
        text = " ".join(PdfReader(io.BytesIO(deposit.attachment_id.raw)).pages[0].extract_text().split())
        self.assertTrue(text.startswith("Works Situation No. 1"), text[:80])

    def test_the_company_logo_when_it_has_one(self):
        logo = io.BytesIO()
        Image.new("RGB", (120, 40), (200, 30, 30)).save(logo, "PNG")
        self.company.logo = base64.b64encode(logo.getvalue())
        self.assertFalse(self.company.uses_default_logo)
        deposit = self._presented()
        self.assertEqual(deposit.attachment_id.raw.count(b"/Subtype /Image"), 1)

    def test_the_accepted_copy_says_who_accepted_it_and_when(self):
        self._load_french()
        situation = self._situation()
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        text = self._text(a6.attachment_id)
        day = situation.accepted_on.strftime("%d/%m/%Y")
        self.assertIn(f"Acceptée par {self.approver.name} le {day}", text)

    def test_a_100_line_copy_stays_small(self):
        deposit = self._presented(line_ids=self._lines(100))
        size = len(deposit.attachment_id.raw)
        self.assertLess(size / 100, 5 * 1024, f"{size} bytes for 100 lines")

    def test_the_line_cells_read_as_odoos_field_widgets_write_them(self):
        # The copy formats its lines' cells in one pass, not through a widget per cell (issue 19: a 1,000-line copy
        # renders in about the time of two 10-line ones): each cell must read as the widget would have written it.
        self._load_french()
        situation = self._situation(line_ids=[(0, 0, {"code": "9.1", "name": "Moins-value", "vat_rate": 5.5,
                                                      "contract_amount": -1234567.891, "progress_percent": -12.345})])
        currency = situation.currency_id.sudo()
        for lang in ("fr_FR", "en_US"):
            for position in ("before", "after"):
                currency.position = position
                line = situation.line_ids.with_context(lang=lang)
                [row] = self.env["report.ediflex_chorus.report_situation"]._line_rows(situation.with_context(lang=lang))
                monetary = self.env["ir.qweb.field.monetary"].with_context(lang=lang)
                number = self.env["ir.qweb.field.float"].with_context(lang=lang)
                for name in ("contract_amount", "cumulative_amount", "previous_cumulative_amount", "period_amount"):
                    widget = re.sub(r"<[^>]*>", "", str(monetary.record_to_html(line, name, {})))
                    self.assertEqual(row[name], widget, f"{name} in {lang}, symbol {position}")
                for name in ("progress_percent", "vat_rate"):
                    self.assertEqual(row[name], str(number.record_to_html(line, name, {"precision": 2})), name)
                self.assertEqual((row["code"], row["name"]), ("9.1", "Moins-value"))
        self.assertIn("-\ufeff1\xa0234\xa0567,89", self.env["report.ediflex_chorus.report_situation"]._line_rows(
            situation.with_context(lang="fr_FR"))[0]["contract_amount"], "French grouping, the sign kept with it")

    def test_the_copy_asks_nothing_of_the_http_server(self):
        situation = self._situation()
        report = self.env.ref("ediflex_chorus.action_report_situation")
        html = report.with_context(force_report_rendering=True)._render_qweb_html(report, situation.ids)[0]
        bodies, _ids, header, footer, _args = report._prepare_html(html, report_model=report.model)
        for part in (*bodies, header, footer):
            self.assertNotIn("/web/assets/", part)
            self.assertNotIn("<base", part)
            self.assertNotIn("@font-face", part)
            self.assertIn("<style>", part, "the report's styles, inline")
        self.assertIn(situation.name, bodies[0])

    def test_the_copy_accepted_on_the_portal_carries_the_signature(self):
        self._load_french()
        situation = self._situation()
        situation.action_present()
        signer = self.env["res.partner"].create({"name": "Claire Maire", "parent_id": self.owner.id})
        drawn = io.BytesIO()
        Image.new("RGB", (200, 60), (20, 20, 120)).save(drawn, "PNG")
        situation.sudo()._portal_accept(signer, signed_by="Claire Maire", signature=base64.b64encode(drawn.getvalue()))
        a6 = self._deposits(situation).filtered(lambda d: d.frame == "A6")
        self.assertIn("Acceptée par Claire Maire", self._text(a6.attachment_id))
        self.assertEqual(a6.attachment_id.raw.count(b"/Subtype /Image"), 1, "the signature, drawn on the portal")
