from odoo import api, models
from odoo.exceptions import UserError

# What a write may not change on the file of a sent deposit: its content.
CONTENT_FIELDS = {"raw", "datas", "db_datas", "store_fname", "url", "type", "mimetype", "checksum"}


class IrAttachment(models.Model):
    """The file of a deposit sent to Chorus Pro, and Chorus Pro's copy of it, are part of its proof: no one changes
    their content or deletes them."""

    _inherit = "ir.attachment"

    def _ediflex_sent_files(self):
        """Those of these attachments that are the file of a deposit sent to Chorus Pro."""
        if not self.ids:
            return self.browse()
        deposits = self.env["ediflex.chorus.deposit"].sudo().search([
            "|", ("attachment_id", "in", self.ids), ("chorus_copy_id", "in", self.ids), "|", "|",
            ("sent_date", "!=", False), ("chorus_piece_id", "!=", 0), ("chorus_flow_number", "!=", False)])
        return (deposits.attachment_id | deposits.chorus_copy_id).with_env(self.env) & self

    def write(self, vals):
        if CONTENT_FIELDS & set(vals) and not self.env.su and self._ediflex_sent_files():
            raise UserError(self.env._("This file was deposited on Chorus Pro: it is a proof and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_deposited(self):
        if self._ediflex_sent_files():
            raise UserError(self.env._("This file was deposited on Chorus Pro: it is a proof and cannot be deleted."))
