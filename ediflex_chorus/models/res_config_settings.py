from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chorus_enabled = fields.Boolean(related="company_id.chorus_enabled", readonly=False)
    chorus_siret = fields.Char(related="company_id.chorus_siret", readonly=False)
    chorus_environment = fields.Selection(related="company_id.chorus_environment", readonly=False)
    chorus_deposit_road = fields.Selection(related="company_id.chorus_deposit_road", readonly=False)
    chorus_flow_syntax = fields.Char(related="company_id.chorus_flow_syntax", readonly=False)
    chorus_portal_signature = fields.Boolean(related="company_id.chorus_portal_signature", readonly=False)
    chorus_login = fields.Char(related="company_id.chorus_login", readonly=False)
    chorus_password = fields.Char(related="company_id.chorus_password", readonly=False)
    chorus_password_expiry = fields.Date(related="company_id.chorus_password_expiry")
    chorus_client_id = fields.Char(related="company_id.chorus_client_id", readonly=False)
    chorus_client_secret = fields.Char(related="company_id.chorus_client_secret", readonly=False)
    chorus_login_source = fields.Selection(related="company_id.chorus_login_source")
    chorus_password_source = fields.Selection(related="company_id.chorus_password_source")
    chorus_client_id_source = fields.Selection(related="company_id.chorus_client_id_source")
    chorus_client_secret_source = fields.Selection(related="company_id.chorus_client_secret_source")
    chorus_api_url = fields.Char(related="company_id.chorus_api_url", readonly=False)
    chorus_token_url = fields.Char(related="company_id.chorus_token_url", readonly=False)
    chorus_structure_id = fields.Integer(related="company_id.chorus_structure_id", readonly=False)

    def action_chorus_find_structure(self):
        """Find the company's Chorus Pro structure id from its SIRET."""
        self.ensure_one()
        return self.company_id.action_chorus_find_structure()

    def action_chorus_test_connection(self):
        """Test the connection of the company to Chorus Pro."""
        self.ensure_one()
        return self.company_id.action_chorus_test_connection()
