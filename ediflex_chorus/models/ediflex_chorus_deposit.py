from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

DEPOSIT_STATES = [
    ("to_send", "To Send"),
    ("sent", "Sent"),
    ("received", "Received by Chorus Pro"),
    ("rejected", "Rejected"),
    ("error", "Error"),
]
FRAMES = [
    ("A4", "A4 - Monthly draft statement"),
    ("A5", "A5 - Progress statement"),
    ("A6", "A6 - Progress statement validated by the project owner"),
    ("A7", "A7 - Final draft statement"),
    ("A8", "A8 - General and final statement"),
    ("A10", "A10 - Monthly draft statement (subcontractor)"),
    ("A13", "A13 - Monthly draft statement (co-contractor)"),
]
# Automatic retries of transient failures: after MAX_ATTEMPTS a human decides (Retry button).
MAX_ATTEMPTS = 8
BACKOFF_BASE_MINUTES = 2
BACKOFF_MAX_MINUTES = 6 * 60


class EdiflexChorusDeposit(models.Model):
    _name = "ediflex.chorus.deposit"
    _description = "Chorus Pro Deposit"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "piece_number"

    situation_id = fields.Many2one("ediflex.situation", required=True, readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        related="situation_id.owner_id", store=True, string="Public Body", help="Project owner of the situation."
    )
    contract_number = fields.Char(related="situation_id.contract_number", store=True)
    frame = fields.Selection(FRAMES, required=True, readonly=True, index=True)
    piece_number = fields.Char(required=True, readonly=True, copy=False, help="Piece number sent to Chorus Pro.")
    state = fields.Selection(DEPOSIT_STATES, default="to_send", required=True, readonly=True, tracking=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", string="Deposited PDF", readonly=True)
    amount_total = fields.Monetary(related="situation_id.amount_total", store=True)
    currency_id = fields.Many2one(related="situation_id.currency_id")
    chorus_attachment_id = fields.Integer(string="Chorus Pro File ID", readonly=True, copy=False)
    chorus_invoice_id = fields.Integer(string="Chorus Pro Piece ID", readonly=True, copy=False, index=True)
    chorus_status = fields.Char(string="Chorus Pro Status", readonly=True, copy=False, tracking=True)
    chorus_status_date = fields.Datetime(string="Status Date", readonly=True, copy=False)
    attempts = fields.Integer(readonly=True, copy=False)
    next_attempt_date = fields.Datetime(string="Next Attempt", readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False, help="Full message of Chorus Pro or of the checks.")
    retryable = fields.Boolean(
        readonly=True, copy=False, help="The failure is transient: the deposit is retried automatically."
    )

    _sql_constraints = [
        ("piece_number_company_uniq", "unique(company_id, piece_number)", "A piece number is unique per company."),
    ]

    @api.depends("piece_number", "frame")
    def _compute_display_name(self):
        for deposit in self:
            deposit.display_name = f"{deposit.piece_number} ({deposit.frame})"

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def action_retry(self):
        """Send these failed deposits again now."""
        if any(deposit.state not in ("error", "rejected") for deposit in self):
            raise UserError(self.env._("Only deposits in error or rejected can be retried."))
        self.write({"state": "to_send", "next_attempt_date": False, "error_code": False, "error_message": False})
        self.env["ediflex.chorus.connector"]._trigger_send()
        return True

    def action_refresh_status(self):
        """Ask Chorus Pro for the status of these deposits."""
        self.env["ediflex.chorus.connector"]._fetch_statuses(self.filtered("chorus_invoice_id"))
        return True

    # Bookkeeping of one sending attempt, called by the connector.

    def _mark_attempt(self):
        self.write({"attempts": self.attempts + 1, "next_attempt_date": False})

    def _mark_sent(self, answer):
        self.write({
            "state": "sent",
            "chorus_invoice_id": answer.get("identifiantFactureCPP") or answer.get("idFacture") or 0,
            "chorus_status": answer.get("statutFacture") or answer.get("statut") or False,
            "chorus_status_date": fields.Datetime.now(),
            "sent_date": fields.Datetime.now(),
            "error_code": False,
            "error_message": False,
            "retryable": False,
        })

    def _mark_failed(self, error):
        retryable = bool(getattr(error, "retryable", False))
        waits_for_human = retryable and self.attempts >= MAX_ATTEMPTS
        vals = {
            "state": "error" if retryable else "rejected",
            "error_code": str(getattr(error, "code", "") or "") or False,
            "error_message": str(error),
            "retryable": retryable and not waits_for_human,
            "next_attempt_date": False,
        }
        if vals["retryable"]:
            minutes = min(BACKOFF_BASE_MINUTES * 2 ** (self.attempts - 1), BACKOFF_MAX_MINUTES)
            vals["next_attempt_date"] = fields.Datetime.now() + timedelta(minutes=minutes)
        self.write(vals)

    def _mark_status(self, status):
        vals = {"chorus_status": status, "chorus_status_date": fields.Datetime.now()}
        if status and self.state == "sent":
            vals["state"] = "received"
        self.write(vals)
