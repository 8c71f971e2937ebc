from markupsafe import Markup, escape
from odoo import fields, models

STEP_ICONS = {True: ("text-success", "fa-check-circle"), False: ("text-danger", "fa-times-circle")}


class EdiflexChorusConnectionTest(models.TransientModel):
    """The connection test's answer: one checked or failed line per step, what to fix on a failed one."""

    _name = "ediflex.chorus.connection.test"
    _description = "Chorus Pro Connection Test"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    ok = fields.Boolean(readonly=True)
    checklist = fields.Html(readonly=True, sanitize=True)

    def _open(self, company, steps):
        """A dialog showing ``steps``, (ok, text) pairs in the order they were tried."""
        items = Markup("").join(
            Markup('<li class="mb-2 %s"><i class="fa %s me-2" role="img"/>%s</li>') % (*STEP_ICONS[ok], escape(text))
            for ok, text in steps
        )
        wizard = self.create({"company_id": company.id, "ok": all(ok for ok, _text in steps),
                              "checklist": Markup('<ul class="list-unstyled o_ediflex_checklist">%s</ul>') % items})
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": wizard.id, "view_mode": "form",
            "views": [(self.env.ref("ediflex_chorus.view_ediflex_chorus_connection_test_form").id, "form")],
            "target": "new", "name": self.env._("Chorus Pro connection test"),
        }
