from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus import recovery

ACTION_STATUSES = {"complete": recovery.COMPLETE_STATUS, "recycle": recovery.RECYCLE_STATUS}


class EdiflexChorusActionWizard(models.TransientModel):
    """Complete a suspended piece (attachments and a comment) or recycle a piece to a corrected routing (public
    body, its service, commitment number): recorded at once, sent to Chorus Pro after commit by the actions' cron."""

    _name = "ediflex.chorus.action.wizard"
    _description = "Act on a Chorus Pro Piece"

    situation_id = fields.Many2one("ediflex.situation", required=True, ondelete="cascade")
    kind = fields.Selection([("complete", "Complete"), ("recycle", "Recycle")], required=True)
    deposit_id = fields.Many2one("ediflex.chorus.deposit", string="Piece", compute="_compute_deposit_id")
    comment = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    recipient_id = fields.Many2one("res.partner", string="Public Body", domain=[("chorus_siret", "!=", False)])
    service_code = fields.Char(help="The executing service's code at the public body, when it requires one.")
    commitment_number = fields.Char(size=50)

    @api.depends("situation_id", "kind")
    def _compute_deposit_id(self):
        for wizard in self:
            wizard.deposit_id = wizard.situation_id._chorus_deposit_in(ACTION_STATUSES.get(wizard.kind))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        situation = self.env["ediflex.situation"].browse(values.get("situation_id"))
        if situation and values.get("kind") == "recycle":
            values.setdefault("recipient_id", situation.owner_id.id)
            values.setdefault("service_code", situation.owner_service_id.code or False)
            values.setdefault("commitment_number", situation.commitment_number or False)
        return values

    def action_confirm(self):
        """Record the action; the actions' cron sends it to Chorus Pro in a moment."""
        self.ensure_one()
        self._check()
        values = {"deposit_id": self.deposit_id.id, "kind": self.kind, "comment": self.comment or False}
        if self.kind == "complete":
            values["attachment_ids"] = [(6, 0, self.attachment_ids.ids)]
        else:
            values.update(recipient_id=self.recipient_id.id, service_code=(self.service_code or "").strip() or False,
                          commitment_number=(self.commitment_number or "").strip() or False)
        action = self.env["ediflex.chorus.action"].sudo().create(values)
        piece = action.deposit_id.piece_number
        self.situation_id.message_post(body=(
            self.env._("Completion of %(piece)s recorded: it is sent to Chorus Pro in a moment.", piece=piece)
            if self.kind == "complete" else
            self.env._("Recycling of %(piece)s recorded: it is sent to Chorus Pro in a moment.", piece=piece)))
        self.env["ediflex.chorus.connector"]._trigger_actions()
        return {"type": "ir.actions.act_window_close"}

    def _check(self):
        if not self.deposit_id:
            raise UserError(self.env._("No piece of this situation waits for this on Chorus Pro: refresh its status."))
        if self.deposit_id.chorus_action_pending:
            raise UserError(self.env._("An action on %(piece)s is already on its way to Chorus Pro: wait for it.",
                                       piece=self.deposit_id.piece_number))
        if self.kind == "complete" and not (self.attachment_ids or (self.comment or "").strip()):
            raise UserError(self.env._("Add the documents Chorus Pro asks for, or a comment."))
        if self.kind == "recycle" and not self.recipient_id.chorus_siret:
            raise UserError(self.env._("Choose the public body, with its SIRET, that must receive the piece."))
