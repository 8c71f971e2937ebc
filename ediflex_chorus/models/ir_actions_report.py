import re

from odoo import models

SITUATION_REPORT = "ediflex_chorus.report_situation"
# Reports rendered inside a request or a cron (the deposited copy; the proof pack's certificate, the interest
# claim): wkhtmltopdf must ask nothing of Odoo's HTTP server (see _ediflex_self_contained).
SELF_CONTAINED_REPORTS = (SITUATION_REPORT, "ediflex_chorus.report_deposit_attestation",
                          "ediflex_chorus.report_late_interest")
# The stylesheets Odoo's PDF layout (web.minimal_layout) links to.
REPORT_BUNDLES = ("web.report_assets_pdf", "web.report_assets_common")
LINK_OR_BASE = re.compile(r"<link\b[^>]*\bhref=\"/web/assets/[^\"]*\"[^>]*>|<base\b[^>]*>", re.IGNORECASE)
# Web fonts are fetched from the HTTP server and drawn by Debian's wkhtmltopdf as shapes without text: the copy
# uses system fonts, which wkhtmltopdf embeds with their text.
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _prepare_html(self, html, report_model=False):
        result = super()._prepare_html(html, report_model=report_model)
        if self.report_name not in SELF_CONTAINED_REPORTS or not result:
            return result
        bodies, res_ids, header, footer, paperformat_args = result
        styles = self._ediflex_inline_styles()
        inline = self._ediflex_self_contained
        return [inline(body, styles) for body in bodies], res_ids, inline(header, styles), inline(footer, styles), \
            paperformat_args

    def _ediflex_inline_styles(self):
        """The report's stylesheets as one inline block, without web fonts."""
        qweb = self.env["ir.qweb"]
        css = []
        for bundle in REPORT_BUNDLES:
            for attachment in qweb._get_asset_bundle(bundle, js=False).css():
                css.append(attachment.raw.decode())
        return FONT_FACE.sub("", "\n".join(css))

    @staticmethod
    def _ediflex_self_contained(html, styles):
        # The situation's copy is rendered inside the transition's request, and by crons: wkhtmltopdf must ask
        # nothing of Odoo's HTTP server, which may be unreachable from the server itself (report.url) and, in
        # test mode, waits for the cursor that the rendering request holds.
        html = LINK_OR_BASE.sub("", str(html), count=0)
        return html.replace("</head>", f"<style>{styles}</style></head>", 1)
