"""``odoo-bin --addons-path=... ediflex-diagnose -d DB [--company ID] --owner SIRET --manager SIRET [...]``.

The deposit diagnostic of the settings' button, for integrators: it deposits the test pieces of each road and
variant on Chorus Pro's qualification, prints the report (in French when French is installed), and with
``--apply`` sets the company's deposit road to what Chorus Pro accepted. Odoo finds this command because the
addon has a ``cli`` folder: ``--addons-path=`` must come first, before the command's name.
"""

import argparse
import sys
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.modules.registry import Registry

REPORT_LANG = "fr_FR"
COMMAND_WAIT_SECONDS = 120  # an integrator can wait longer than a button's request for the flow reports


def _parser(prog):
    parser = argparse.ArgumentParser(prog=prog, description="Chorus Pro deposit diagnostic (qualification only). "
                                     "Other options (-d, -c, --db_host...) are Odoo's.")
    parser.add_argument("--company", type=int, help="id of the company (default: the first company)")
    parser.add_argument("--owner", required=True, help="SIRET of a public body of the sandbox's data set "
                        "(a partner with that Chorus Pro SIRET)")
    parser.add_argument("--owner-service", default="", help="its executing service code, if it requires one")
    parser.add_argument("--manager", required=True, help="SIRET of the project manager (MOE) of the data set")
    parser.add_argument("--manager-service", default="", help="its service code")
    parser.add_argument("--role", default="main", choices=("main", "cocontractor", "subcontractor"),
                        help="the company's role the test pieces are deposited in: main (A4), cocontractor (A13, "
                        "naming --partner as mandatary), subcontractor (A10, naming --partner as main contractor)")
    parser.add_argument("--partner", default="", help="SIRET of the main contractor or mandatary of the data set")
    parser.add_argument("--partner-service", default="", help="its service code")
    parser.add_argument("--commitment", default="", help="a commitment number, if the project owner requires one")
    parser.add_argument("--syntax", action="append", default=[], help="another flow syntax to try (twice at most)")
    parser.add_argument("--wait", type=int, default=COMMAND_WAIT_SECONDS, help="seconds to wait for flow reports")
    parser.add_argument("--apply", action="store_true", help="set the company's deposit road to what was accepted")
    return parser


class EdiflexDiagnose(Command):
    """Chorus Pro deposit diagnostic of a company in qualification (ediflex_chorus)"""

    name = "ediflex-diagnose"

    def run(self, args):
        options, odoo_args = _parser(f"{Path(sys.argv[0]).name} {self.name}").parse_known_args(args)
        odoo.tools.config.parse_config(odoo_args, setup_logging=True)
        dbname = odoo.tools.config["db_name"]
        if not dbname:
            sys.exit("ediflex-diagnose needs a database: -d DB")
        with Registry(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            try:
                report = diagnose(env, options)
            except UserError as error:
                sys.exit(str(error))
            print(report)  # pylint: disable=print-used  # the command's output


def _partner(env, siret, service_code):
    """(partner, service) of a SIRET of the data set, or a UserError saying what to create first."""
    partner = env["res.partner"].search([("chorus_siret", "=", siret)], limit=1)
    if not partner:
        raise UserError(env._("No contact has the Chorus Pro SIRET %(siret)s: create it and synchronise it from "
                              "Chorus Pro first.", siret=siret))
    service = env["ediflex.chorus.service"].search([("partner_id", "=", partner.id), ("code", "=", service_code)],
                                                   limit=1) if service_code else env["ediflex.chorus.service"]
    if service_code and not service:
        raise UserError(env._("%(partner)s has no service %(code)s: synchronise it from Chorus Pro first.",
                              partner=partner.display_name, code=service_code))
    return partner, service


def diagnose(env, options):
    """Run the diagnostic as the command's options say; the report as plain text (committed with --apply only)."""
    if env["res.lang"]._lang_get(REPORT_LANG):
        env = env(context=dict(env.context, lang=REPORT_LANG))
    company = env["res.company"].browse(options.company) if options.company else env["res.company"].search([],
                                                                                                           limit=1)
    if not company.exists():
        raise UserError(env._("No company with the id %(id)s.", id=options.company))
    wizard = _wizard(env, company, options)
    diagnosis = wizard._diagnose()
    wizard._store(diagnosis)
    lines = [wizard._report_text(diagnosis)]
    if options.apply and wizard.recommended_road:
        lines.append(wizard.action_apply()["params"]["message"])
        env.cr.commit()  # pylint: disable=invalid-commit  # the command's one change: the company's road
    else:
        env.cr.rollback()
    return "\n\n".join(lines)


def _wizard(env, company, options):
    """The diagnostic's wizard of ``company`` filled from the command's options (partners found by SIRET)."""
    owner, owner_service = _partner(env, options.owner, options.owner_service)
    manager, manager_service = _partner(env, options.manager, options.manager_service)
    partner, partner_service = (_partner(env, options.partner, options.partner_service) if options.partner
                                else (env["res.partner"], env["ediflex.chorus.service"]))
    return env["ediflex.chorus.diagnostic"].with_company(company).create({
        "company_id": company.id, "owner_id": owner.id, "owner_service_id": owner_service.id,
        "manager_id": manager.id, "manager_service_id": manager_service.id,
        "chorus_role": options.role, "role_partner_id": partner.id, "role_partner_service_id": partner_service.id,
        "commitment_number": options.commitment, "extra_syntaxes": ",".join(options.syntax),
        "wait_seconds": options.wait,
    })
