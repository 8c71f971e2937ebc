from datetime import timedelta

from odoo import api, fields, models

from ..chorus import action_states
from ..chorus.errors import ChorusError

ACTION_KINDS = [("complete", "Complete"), ("recycle", "Recycle")]
MAX_ATTEMPTS = 8
BACKOFF_MINUTES = (2, 4, 8, 16, 32, 64, 128)


class EdiflexChorusAction(models.Model):
    """What the contractor asked Chorus Pro to do with a piece: complete it (SUSPENDUE) or recycle it (A_RECYCLER).

    Recorded in the person's transaction, sent after commit by its cron with the deposits' rules: retried on a
    passing failure, never twice (after an attempt of unknown outcome the piece's status is read first), and kept
    as the piece's record of what was asked (récupération, issue 21).
    """

    _name = "ediflex.chorus.action"
    _description = "Chorus Pro Action on a Piece"
    _inherit = ["mail.thread"]
    _order = "id desc"

    deposit_id = fields.Many2one("ediflex.chorus.deposit", string="Piece", required=True, readonly=True, index=True,
                                 ondelete="restrict")
    situation_id = fields.Many2one(related="deposit_id.situation_id", store=True, index=True)
    company_id = fields.Many2one(related="deposit_id.company_id", store=True, index=True)
    kind = fields.Selection(ACTION_KINDS, required=True, readonly=True)
    state = fields.Selection(action_states.SELECTION, default=action_states.TO_SEND, required=True, readonly=True,
                             tracking=True)
    comment = fields.Text(readonly=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments", readonly=True)
    recipient_id = fields.Many2one("res.partner", string="Public Body", readonly=True)
    service_code = fields.Char(readonly=True)
    commitment_number = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_date = fields.Datetime(readonly=True)
    result_status = fields.Char(string="Chorus Pro Status Code", readonly=True)
    error_message = fields.Text(readonly=True)

    @api.model
    def _due_domain(self):
        """The actions to send now: new ones, and passing failures whose next attempt is due."""
        return ["|", ("state", "=", action_states.TO_SEND), "&", ("state", "=", action_states.ERROR),
                ("next_attempt_date", "<=", fields.Datetime.now())]

    def _arguments(self):
        """The core call's arguments besides the client: (function name, keyword arguments)."""
        self.ensure_one()
        piece = self.deposit_id.chorus_piece_id
        if self.kind == "complete":
            files = [(att.name, att.raw or b"", att.mimetype or "application/pdf")
                     for att in self.attachment_ids.sudo()]
            return "complete", {"piece_id": piece, "attachments": files, "comment": self.comment or ""}
        return "recycle", {"piece_id": piece, "recipient_siret": self.recipient_id.chorus_siret or "",
                           "service_code": self.service_code or "", "commitment": self.commitment_number or "",
                           "comment": self.comment or ""}

    def _mark_attempt(self):
        self.write({"attempts": self.attempts + 1})

    def _record_result(self, result):
        """Chorus Pro did it (core ActionResult): said on the deposit and its situation."""
        self.write({"state": action_states.DONE, "result_status": result.status or False, "error_message": False,
                    "next_attempt_date": False})
        piece = self.deposit_id.piece_number
        body = (self.env._("Chorus Pro: piece %(piece)s completed.", piece=piece) if self.kind == "complete"
                else self.env._("Chorus Pro: piece %(piece)s recycled to its new routing.", piece=piece))
        if result.found_done:
            body += " " + self.env._("It was already done: the piece's status was read before sending again.")
        self.deposit_id.message_post(body=body)
        self.situation_id.message_post(body=body)

    def _record_failure(self, error):
        """A passing failure is retried with growing waits; a refusal waits for a person, with Chorus Pro's words."""
        retry = isinstance(error, ChorusError) and error.retryable and self.attempts < MAX_ATTEMPTS
        wait = BACKOFF_MINUTES[min(max(self.attempts, 1), len(BACKOFF_MINUTES)) - 1]
        self.write({"state": action_states.ERROR if retry else action_states.REJECTED, "error_message": str(error),
                    "next_attempt_date": fields.Datetime.now() + timedelta(minutes=wait) if retry else False})
        if not retry:
            piece = self.deposit_id.piece_number
            self.situation_id.message_post(body=(
                self.env._("Chorus Pro refused to complete %(piece)s: %(error)s", piece=piece, error=str(error))
                if self.kind == "complete" else
                self.env._("Chorus Pro refused to recycle %(piece)s: %(error)s", piece=piece, error=str(error))))
