from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The situations made before contracts existed get the contract of their number (made from the latest)."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    situations = env["ediflex.situation"].search([("contract_id", "=", False)])
    env["ediflex.contract"]._create_from_situations(situations)
