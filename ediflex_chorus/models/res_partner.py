from odoo import fields, models
from odoo.exceptions import UserError

from ..chorus import works


class ResPartner(models.Model):
    _inherit = "res.partner"

    # No size: Odoo would cut a 15-digit entry to 14 without a word; the checks tell what is wrong instead.
    chorus_siret = fields.Char(
        string="Chorus Pro SIRET",
        help="SIRET of the public body or project manager on Chorus Pro (codeDestinataire).",
    )
    chorus_structure_id = fields.Integer(string="Chorus Pro Structure ID", copy=False)
    chorus_service_ids = fields.One2many("ediflex.chorus.service", "partner_id", string="Chorus Pro Services")
    chorus_service_code_required = fields.Boolean(
        string="Service Code Required",
        help="Chorus Pro refuses pieces sent to this structure without an executing service code.",
    )
    chorus_commitment_required = fields.Boolean(
        string="Commitment Number Required",
        help="Chorus Pro refuses pieces sent to this structure without a legal commitment number.",
    )
    chorus_commitment_or_service_required = fields.Boolean(
        string="Commitment Number or Service Code Required",
        help="Chorus Pro refuses pieces sent to this structure with neither a legal commitment number nor an "
        "executing service code.",
    )
    chorus_synced_date = fields.Datetime(string="Last Chorus Pro Synchronisation", readonly=True, copy=False)

    def action_chorus_sync(self):
        """Read structure id, rules and services of these partners from Chorus Pro."""
        for partner in self:
            if not partner.chorus_siret:
                raise UserError(
                    self.env._("Set the Chorus Pro SIRET of %(partner)s first.", partner=partner.display_name)
                )
            self.env["ediflex.chorus.connector"]._sync_partner(partner)
        return True

    def _chorus_party(self, service=None):
        """The partner as a party of a works piece (the core's plain data)."""
        self.ensure_one()
        return works.Party(
            siret=(self.chorus_siret or "").strip(), name=self.name or "",
            service_code=service.code if service else "", id_structure=self.chorus_structure_id or None,
        )
