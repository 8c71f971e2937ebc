from odoo import fields, models
from odoo.exceptions import UserError

from ..chorus.checks import check_siret

CHORUS_ENVIRONMENTS = [("qualification", "Qualification (sandbox)"), ("production", "Production")]


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_enabled = fields.Boolean(
        string="Enabled",
        help="Deposit presented and accepted works situations on Chorus Pro.",
    )
    chorus_siret = fields.Char(
        string="Structure Code",
        size=14,
        help="SIRET of the company, its identifier on Chorus Pro.",
    )
    chorus_environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        string="Chorus Pro Environment",
        default="qualification",
        required=True,
    )
    chorus_login = fields.Char(string="Technical Login", groups="base.group_system", copy=False, exportable=False)
    chorus_password = fields.Char(string="Technical Password", groups="base.group_system", copy=False, exportable=False)
    chorus_client_id = fields.Char(string="PISTE Client ID", groups="base.group_system", copy=False, exportable=False)
    chorus_client_secret = fields.Char(
        string="PISTE Client Secret", groups="base.group_system", copy=False, exportable=False
    )
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

    def write(self, vals):
        result = super().write(vals)
        if vals.get("chorus_enabled"):
            # Deposits held while the switch was off go now.
            waiting = self.env["ediflex.chorus.deposit"].sudo().search(
                [("company_id", "in", self.ids), ("state", "=", "waiting")]
            )
            if waiting:
                waiting.write({"state": "to_send"})
                self.env["ediflex.chorus.connector"]._trigger_send()
        return result

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
        lines = [self._connection_step_text(step, error) for step, error in check.steps]
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"type": "success" if check.ok else "danger", "sticky": not check.ok,
                       "title": self.env._("Chorus Pro connection test"), "message": "\n".join(lines)},
        }

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
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"type": "success", "message": self.env._(
                "Chorus Pro structure found: id %(id)s.", id=self[-1:].chorus_structure_id),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }
