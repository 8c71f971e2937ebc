from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus import payment, works


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

    # ------------------------------------------------------------------ paid17: the buyer's payment period
    chorus_buyer_type = fields.Selection(
        [
            (payment.BuyerType.STATE.value, "State or State public body"),
            (payment.BuyerType.LOCAL.value, "Local authority or local public body"),
            (payment.BuyerType.HOSPITAL.value, "Public hospital or army health service"),
            (payment.BuyerType.PUBLIC_COMPANY.value, "Public company"),
        ],
        string="Public Buyer Type",
        help="Sets the legal global payment period: 30 days for the State and local authorities (CCP R2192-10), "
        "50 days for public hospitals, 60 days for public companies (CCP R2192-11).",
    )
    chorus_payment_period_days = fields.Integer(
        string="Payment Period (days)", compute="_compute_chorus_payment_period_days", store=True, readonly=False,
        help="Global payment period of this public body, by default the legal one of its type. A contract may set "
        "a shorter one; a longer one is capped at the legal period.",
    )

    @api.depends("chorus_buyer_type")
    def _compute_chorus_payment_period_days(self):
        for partner in self:
            if partner.chorus_buyer_type:
                partner.chorus_payment_period_days = payment.legal_period_days(partner.chorus_buyer_type)

    def _chorus_payment_period(self, contract_days=None):
        """The payment period that applies to a piece owed by this public body (a contract may shorten it)."""
        self.ensure_one()
        buyer_type = self.chorus_buyer_type or payment.BuyerType.STATE.value
        own = payment.period_days(buyer_type, self.chorus_payment_period_days or None)
        return min(own, contract_days) if contract_days and contract_days > 0 else own

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

    def _chorus_apply_structure(self, structure_id, rules, services):
        """Record what Chorus Pro says of this partner's structure: its id, its rules (StructureRules) and its
        services (client Service values); a service it no longer lists is archived."""
        self.ensure_one()
        self.write({
            "chorus_structure_id": structure_id,
            "chorus_service_code_required": rules.service_code_required,
            "chorus_commitment_required": rules.commitment_required,
            "chorus_commitment_or_service_required": rules.commitment_or_service_code_required,
            "chorus_synced_date": fields.Datetime.now(),
        })
        Service = self.env["ediflex.chorus.service"].sudo().with_context(active_test=False)
        existing = {s.code: s for s in Service.search([("partner_id", "=", self.id)])}
        for service in services:
            vals = {"name": service.name, "chorus_id": service.id, "active": service.active}
            if service.code in existing:
                existing.pop(service.code).write(vals)
            else:
                Service.create(dict(vals, partner_id=self.id, code=service.code))
        for gone in existing.values():
            gone.active = False
