from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.history import StatusEntry
from .ediflex_chorus_deposit import CHORUS_STATUSES


class EdiflexChorusStatusHistory(models.Model):
    """One status a deposited piece went through, with Chorus Pro's own date: the piece's life, kept as proof.

    Written once by the addon's bookkeeping (the status follow-up); nobody may change or delete it afterwards,
    the administrator included.
    """

    _name = "ediflex.chorus.status.history"
    _description = "Chorus Pro Status History"
    _order = "status_date, id"
    _rec_name = "status"

    deposit_id = fields.Many2one("ediflex.chorus.deposit", required=True, readonly=True, index=True,
                                 ondelete="restrict")
    situation_id = fields.Many2one(related="deposit_id.situation_id", store=True, index=True)
    company_id = fields.Many2one(related="deposit_id.company_id", store=True, index=True)
    status = fields.Char(string="Status Code", required=True, readonly=True)
    status_label = fields.Selection(CHORUS_STATUSES, string="Status", compute="_compute_status_label", store=True)
    status_date = fields.Datetime(
        string="Chorus Pro Date", readonly=True,
        help="When Chorus Pro gave the piece this status (empty when Chorus Pro did not say).")
    comment = fields.Text(
        string="Chorus Pro Comment", readonly=True,
        help="The comment Chorus Pro gives with the status: a refusal's or a suspension's reason.")

    @api.depends("status")
    def _compute_status_label(self):
        known = dict(CHORUS_STATUSES)
        for entry in self:
            entry.status_label = entry.status if entry.status in known else False

    def write(self, vals):
        if set(vals) - {"status_label", "situation_id", "company_id"}:
            raise UserError(self.env._("A Chorus Pro status history is a proof of the piece's life: it cannot be "
                                       "changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A Chorus Pro status history is a proof of the piece's life: it cannot be "
                                   "deleted."))

    def _as_entry(self):
        """The core's StatusEntry of this row."""
        self.ensure_one()
        return StatusEntry(self.status, self.status_date or None, self.comment or "")
