import os
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from ..chorus import states
from ..chorus.checks import check_siret
from ..chorus.endpoints import FLOW_SYNTAX_FACTURX
from .notification import notification

# The technical account's password expires after 424 days (14 months, shared notes); its administrators are told
# this many days before.
PASSWORD_LIFETIME_DAYS = 424
PASSWORD_REMINDER_DAYS = 15
DEPOSIT_ROADS = [("works_api", "Works invoicing API"), ("facturx_flow", "Factur-X flow")]
CHORUS_ENVIRONMENTS = [("qualification", "Qualification (sandbox)"), ("production", "Production")]
# The credentials a server may keep out of the database, per company (as OCA's server_environment does for its
# fields): the option ediflex_chorus_<name>_<company id> of Odoo's configuration file, or the environment variable
# EDIFLEX_CHORUS_<NAME>_<company id>, which wins, <name> being the field's name without "chorus_".
SERVER_CREDENTIALS = ("chorus_login", "chorus_password", "chorus_client_id", "chorus_client_secret")
CREDENTIAL_SOURCES = [
    ("database", "Entered here"),
    ("config", "Provided by the server configuration"),
    ("environment", "Provided by the environment"),
]


def _credential_source(string):
    """The field saying where a credential comes from (system administrators only, as the credential)."""
    return fields.Selection(CREDENTIAL_SOURCES, string=string, compute="_compute_chorus_credential_sources",
                            groups="base.group_system")


# How the MOE's / MOA's pieces are listed (chorus/recovery.py PRODUCED_PIECE_WAYS, UNCERTAIN for works).
PRODUCED_WAYS = [("next_piece", "Following piece of the consultation"), ("supplier_search", "Supplier search by frame")]

class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_enabled = fields.Boolean(
        string="Enabled",
        help="Deposit presented and accepted works situations on Chorus Pro.",
    )
    # No size: Odoo would cut a 15-digit entry to 14 without a word; the checks tell what is wrong instead.
    chorus_siret = fields.Char(
        string="Structure Code",
        help="SIRET of the company, its identifier on Chorus Pro.",
    )
    chorus_environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        string="Chorus Pro Environment",
        default="qualification",
        required=True,
    )
    chorus_deposit_road = fields.Selection(
        DEPOSIT_ROADS, string="Deposit Road", default="works_api", required=True,
        help="Works invoicing API: the PDF uploaded, then the works piece submitted (facturesTravaux). Factur-X "
        "flow: the PDF with its CII XML deposited as a flow (deposer/flux). Which one Chorus Pro takes for works "
        "pieces is settled in qualification.",
    )
    chorus_produced_way = fields.Selection(
        PRODUCED_WAYS, string="Project Manager and Owner Pieces Found By", default="next_piece", required=True,
        help="How the status follow-up lists the pieces the project manager and owner produce from the company's "
        "(undocumented for works: the deposit diagnostic says which way Chorus Pro answers).",
    )
    chorus_flow_syntax = fields.Char(
        string="Flow Syntax", default=FLOW_SYNTAX_FACTURX, required=True,
        help="syntaxeFlux of the Factur-X flows (IN_DP_E2_CII_FACTURX; the works flows E4/E5 once their codes "
        "are known).",
    )
    chorus_portal_signature = fields.Boolean(
        string="Signature on the Portal",
        help="The project owner's people sign (drawn or typed) to accept a situation on the portal.",
    )
    chorus_login = fields.Char(string="Technical Login", groups="base.group_system", copy=False, exportable=False)
    chorus_password = fields.Char(string="Technical Password", groups="base.group_system", copy=False, exportable=False)
    chorus_password_date = fields.Date(
        string="Technical Password Set On", groups="base.group_system", copy=False,
        help="When the technical password was last changed here; Chorus Pro makes it expire 14 months later.",
    )
    chorus_password_expiry = fields.Date(
        string="Technical Password Expires On", compute="_compute_chorus_password_expiry", store=True,
        groups="base.group_system",
    )
    chorus_client_id = fields.Char(string="PISTE Client ID", groups="base.group_system", copy=False, exportable=False)
    chorus_client_secret = fields.Char(
        string="PISTE Client Secret", groups="base.group_system", copy=False, exportable=False
    )
    chorus_login_source = _credential_source("Technical Login From")
    chorus_password_source = _credential_source("Technical Password From")
    chorus_client_id_source = _credential_source("PISTE Client ID From")
    chorus_client_secret_source = _credential_source("PISTE Client Secret From")
    chorus_api_url = fields.Char(
        string="API Base URL",
        groups="base.group_system",
        help="Leave empty to use the PISTE gateway of the environment. Set it to reach an emulator or another gateway.",
    )
    chorus_token_url = fields.Char(
        string="Token URL",
        groups="base.group_system",
        help="Leave empty to use the PISTE OAuth server of the environment.",
    )
    chorus_structure_id = fields.Integer(
        string="Chorus Pro Structure ID",
        copy=False,
        help="Technical identifier (idStructureCPP) of the company on Chorus Pro, found from its SIRET.",
    )

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # exportable=False only hides a field in the export dialog: an export naming it, even by an administrator,
        # or reaching it through a relation (partner/company_id/...), gets nothing.
        secret = {name for name, field in self._fields.items() if name.startswith("chorus_") and not field.exportable}
        refused = [path for path in fields if path and path[0] in secret]
        if refused:
            raise AccessError(self.env._("The Chorus Pro secrets are never exported (%(fields)s).",
                                         fields=", ".join(sorted({path[0] for path in refused}))))
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    def _compute_chorus_credential_sources(self):
        for company in self:
            for field in SERVER_CREDENTIALS:
                company[f"{field}_source"] = company._chorus_server_credential(field)[1] or "database"

    def _chorus_server_credential(self, field):
        """(value, "environment" or "config") of a credential the server provides for this company, or (None, None)."""
        option = f"ediflex_{field}_{self.id}"
        if os.environ.get(option.upper()):
            return os.environ[option.upper()], "environment"
        if tools.config.get(option):
            return tools.config[option], "config"
        return None, None

    def _chorus_credentials(self):
        """The company's technical account and PISTE keys by field name, the server's first, then the database's."""
        self.ensure_one()
        stored = self.sudo()
        return {field: self._chorus_server_credential(field)[0] or stored[field] or "" for field in SERVER_CREDENTIALS}

    def _register_hook(self):
        super()._register_hook()
        stored = [(field, "!=", False) for field in SERVER_CREDENTIALS]
        self.sudo().search(["|", "|", "|", *stored])._chorus_forget_server_credentials()

    def _chorus_forget_server_credentials(self):
        # A credential the server provides is never kept in the database: a copy entered here before is erased.
        for company in self:
            provided = [field for field in SERVER_CREDENTIALS
                        if company[field] and company._chorus_server_credential(field)[0]]
            if provided:
                company.write(dict.fromkeys(provided, False))

    @api.depends("chorus_password_date")
    def _compute_chorus_password_expiry(self):
        for company in self:
            company.chorus_password_expiry = company.chorus_password_date and (
                company.chorus_password_date + timedelta(days=PASSWORD_LIFETIME_DAYS))

    @api.constrains("chorus_siret", "chorus_environment")
    def _check_chorus_siret(self):
        # Checked on save, where the form shows the error; an empty code is allowed until Chorus Pro is set up.
        for company in self.filtered("chorus_siret"):
            problem = company.chorus_siret_problem()
            if problem:
                raise ValidationError(self.env._("Structure Code: %(problem)s", problem=problem))

    def write(self, vals):
        self._chorus_check_server_credentials(vals)
        if vals.get("chorus_password") and "chorus_password_date" not in vals:
            vals = dict(vals, chorus_password_date=fields.Date.context_today(self))
        result = super().write(vals)
        if vals.get("chorus_enabled"):
            # Deposits held while the switch was off go now.
            waiting = self.env["ediflex.chorus.deposit"].sudo().search(
                [("company_id", "in", self.ids), ("state", "=", states.WAITING)]
            )
            if waiting:
                waiting._set_state(states.TO_SEND)
                waiting._trigger_send()
        return result

    def _chorus_check_server_credentials(self, vals):
        # The settings show such a field read-only; this refuses it through any other door (import, RPC).
        for company in self:
            for field in SERVER_CREDENTIALS:
                if vals.get(field) and company._chorus_server_credential(field)[0]:
                    raise UserError(self.env._(
                        "The %(field)s of %(company)s is provided by the server (configuration file or environment): "
                        "change it there.", field=self._fields[field]._description_string(self.env),
                        company=company.name))

    def chorus_siret_problem(self):
        """Return what is wrong with the company's SIRET for its environment, in the user's language, or None."""
        self.ensure_one()
        problems = check_siret(self.chorus_siret or "", self.chorus_environment == "production", "contractor")
        return self.env["ediflex.chorus.deposit"]._problem_text(problems[0]) if problems else None

    def action_chorus_test_connection(self):
        """Test the company's connection to Chorus Pro and say what works and what to fix."""
        self.ensure_one()
        check = self.env["ediflex.chorus.connector"]._check_connection(self)
        if check.structure_id and check.structure_id != self.chorus_structure_id:
            self.chorus_structure_id = check.structure_id
        steps = [(error is None, self._connection_step_text(step, error)) for step, error in check.steps]
        return self.env["ediflex.chorus.connection.test"]._open(self, steps)

    def _connection_step_text(self, step, error):
        """One line of the connection test: what was tried and, when it failed, what to fix."""
        if error is None:
            return {
                "token": self.env._("OK: PISTE gave a token (client ID and secret accepted)."),
                "account": self.env._("OK: Chorus Pro accepted the technical login and password."),
                "structure": self.env._("OK: the company's structure was found from its SIRET (id %(id)s).",
                                        id=self.chorus_structure_id),
                "works": self.env._("OK: the works invoicing API answers."),
            }[step]
        details = self.env._("(code %(code)s, HTTP %(status)s)",
                             code=error.code or "-", status=error.http_status or "-")
        return {
            "token": self.env._("FAILED: PISTE refused the client ID or secret, or could not be reached: check "
                                "them."),
            "account": self.env._("FAILED: Chorus Pro refused the technical login or password (the password "
                                  "expires every 14 months), or could not be reached: check them."),
            "structure": self.env._("FAILED: no Chorus Pro structure has the SIRET %(siret)s: check the Structure "
                                    "Code.", siret=self.chorus_siret or ""),
            "works": self.env._("FAILED: the works invoicing API does not answer: subscribe the PISTE application "
                                "to facturesTravaux and enable the \"Factures de travaux\" space of the Chorus Pro "
                                "account."),
        }[step] + " " + details

    def action_chorus_find_structure(self):
        """Look the company's SIRET up on Chorus Pro and store its structure id."""
        for company in self:
            problem = company.chorus_siret_problem()
            if problem:
                raise UserError(self.env._("Structure Code: %(problem)s", problem=problem))
            structure_id = self.env["ediflex.chorus.connector"]._find_structure_id(company, company.chorus_siret)
            if not structure_id:
                raise UserError(
                    self.env._("Chorus Pro knows no structure with the SIRET %(siret)s.", siret=company.chorus_siret)
                )
            company.chorus_structure_id = structure_id
        return notification(self.env._("Chorus Pro structure found: id %(id)s.", id=self[-1:].chorus_structure_id))

    @api.model
    def _cron_chorus_password_reminder(self):
        """Give each Chorus Pro administrator an activity when a technical password expires within 15 days."""
        soon = fields.Date.context_today(self) + timedelta(days=PASSWORD_REMINDER_DAYS)
        companies = self.sudo().search([("chorus_enabled", "=", True), ("chorus_password_expiry", "<=", soon)])
        admins = self.env.ref("ediflex_chorus.group_chorus_admin").sudo().users.filtered(
            lambda user: not user._is_superuser() and user.active)
        for company in companies:
            company._chorus_remind_password(admins)

    def _chorus_remind_password(self, admins):
        summary = self.env._("Chorus Pro technical password of %(company)s expires on %(date)s",
                             company=self.name, date=self.chorus_password_expiry)
        partner = self.partner_id
        told = partner.activity_ids.filtered(lambda activity: activity.summary == summary).user_id
        for user in admins.filtered(lambda admin: admin.id not in told.ids and self in admin.company_ids):
            partner.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=self.chorus_password_expiry, user_id=user.id,
                summary=summary, note=self.env._(
                    "Only the structure's main manager can reset it on Chorus Pro; then enter the new one in "
                    "Settings > Dematerialisation to Chorus Pro."),
            )
