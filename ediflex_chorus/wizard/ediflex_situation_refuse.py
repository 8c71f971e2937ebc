from odoo import fields, models


class EdiflexSituationRefuse(models.TransientModel):
    """Refuse a presented situation with a reason, which goes back to the contractor."""

    _name = "ediflex.situation.refuse"
    _description = "Refuse a Works Situation"

    situation_id = fields.Many2one("ediflex.situation", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Why the project owner refuses the situation: told to the contractor.")

    def action_confirm(self):
        """Refuse the situation with this reason."""
        self.ensure_one()
        self.situation_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
