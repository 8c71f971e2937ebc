from odoo import fields, models


class EdiflexChorusService(models.Model):
    _name = "ediflex.chorus.service"
    _description = "Chorus Pro Service of a Structure"
    _order = "partner_id, code"
    _rec_names_search = ["code", "name"]

    partner_id = fields.Many2one("res.partner", string="Structure", required=True, ondelete="cascade", index=True)
    code = fields.Char(required=True)
    name = fields.Char(string="Label")
    chorus_id = fields.Integer(string="Chorus Pro ID")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_partner_uniq", "unique(partner_id, code)", "A service code appears once per structure."),
    ]

    def _compute_display_name(self):
        for service in self:
            service.display_name = f"{service.code} - {service.name}" if service.name else service.code
