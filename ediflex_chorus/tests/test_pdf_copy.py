import io

from odoo.tests import tagged
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

    def test_a_100_line_copy_stays_small(self):
        deposit = self._presented(line_ids=self._lines(100))
        size = len(deposit.attachment_id.raw)
        self.assertLess(size / 100, 5 * 1024, f"{size} bytes for 100 lines")

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
