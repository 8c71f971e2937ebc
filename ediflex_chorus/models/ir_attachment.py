from odoo import api, models
from odoo.exceptions import UserError

# All a person may still change on the file of a sent deposit: a note, and the token that shares it. Its content,
# name and link to its record are the proof (an administrator included; the addon's bookkeeping runs as superuser).
EDITABLE_FIELDS = {"description", "access_token"}


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
        if set(vals) - EDITABLE_FIELDS and not self.env.su and self._ediflex_sent_files():
            raise UserError(self.env._("This file was deposited on Chorus Pro: it is a proof and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_deposited(self):
        if self._ediflex_sent_files():
            raise UserError(self.env._("This file was deposited on Chorus Pro: it is a proof and cannot be deleted."))
