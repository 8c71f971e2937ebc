# Run by `make run` inside `odoo-bin shell`, after tools/emulator_company.py (which wires the company to the
# emulator and gives `emulator` and `seed`): the demo's users, public bodies and first situation.
import base64  # noqa: E402 (this file follows tools/emulator_company.py in one odoo-bin shell session)

from odoo.tools import file_open  # noqa: E402

company = env.company  # noqa: F821 (given by odoo-bin shell)
if company.uses_default_logo:
    # Without one, Odoo shows its "Your logo" placeholder on the login page, the portal and the PDF: the demo
    # company has the addon's icon as its logo.
    with file_open("ediflex_chorus/static/description/icon.png", "rb") as handle:
        company.logo = base64.b64encode(handle.read())
# The structure id again, read from Chorus Pro by its SIRET as an administrator's lookup does.
company.action_chorus_find_structure()
admin = env.ref("base.user_admin")  # noqa: F821
# Odoo names its administrator "Administrator" whatever the language: the demo's speaks French.
admin.write({"name": "Administrateur", "lang": "fr_FR",
             "groups_id": [(4, env.ref("ediflex_chorus.group_chorus_admin").id)]})  # noqa: F821
# Discuss (the administrator's first page) lists Odoo's two channels under their English names: the demo's are French.
for xmlid, name, description in (
        ("mail.channel_all_employees", "général", "Annonces générales pour tous les employés."),
        ("mail.channel_admin", "Administrateurs", "Canal général des administrateurs.")):
    channel = env.ref(xmlid, raise_if_not_found=False)  # noqa: F821
    if channel:
        channel.write({"name": name, "description": description})
Partner = env["res.partner"]  # noqa: F821
partners = {}
for key in ("no_rules", "moe"):
    body = seed[key]  # noqa: F821 (given by tools/emulator_company.py)
    partner = Partner.search([("chorus_siret", "=", body["siret"])], limit=1) or Partner.create(
        {"name": body["name"], "is_company": True, "chorus_siret": body["siret"]}
    )
    partner.action_chorus_sync()
    partners[key] = partner
# The project owner's person on the portal: accepts or refuses presented situations at /my/situations.
town_hall = {"name": "Claire Durand", "email": "mairie@qualif-sur-mer.fr", "parent_id": partners["no_rules"].id,
             "lang": "fr_FR"}
owner_contact = Partner.search([("parent_id", "=", town_hall["parent_id"]), ("email", "=", town_hall["email"])],
                               limit=1) or Partner.create(town_hall)
Users = env["res.users"].with_context(no_reset_password=True)  # noqa: F821
if not Users.search([("login", "=", "mairie")]):
    Users.create({"login": "mairie", "password": "mairie", "partner_id": owner_contact.id,
                  "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})  # noqa: F821
# The demo contract (marché) with its lots; its first situation is made by "Situation suivante", as a user would.
Contract = env["ediflex.contract"]  # noqa: F821
contract = Contract.search([("name", "=", "MARCHE-2026-001")], limit=1) or Contract.create({
    "name": "MARCHE-2026-001",
    "subject": "Réfection de la toiture et des fondations de l'école Jules-Ferry",
    "commitment_number": "EJ-0001",
    "owner_id": partners["no_rules"].id,
    "owner_service_id": partners["no_rules"].chorus_service_ids[:1].id,
    "manager_id": partners["moe"].id,
    "retention_rate": 5.0,
    "lot_ids": [
        (0, 0, {"code": "1.1", "name": "Terrassements", "amount": 10000}),
        (0, 0, {"code": "1.2", "name": "Fondations", "amount": 25000}),
        (0, 0, {"code": "2.1", "name": "Charpente et couverture", "amount": 42000}),
    ],
})
# One demo user per role of Settings > Users ("Situations de travaux"); admin is the administrator.
DEMO_ROLES = (
    ("utilisateur", "Paul Martin (conducteur de travaux)", "ediflex_chorus.group_situation_user"),
    ("approbateur", "Sophie Bernard (approbatrice)", "ediflex_chorus.group_owner_approver"),
    ("comptable", "Luc Petit (comptable)", "ediflex_chorus.group_accountant_reader"),
)
for login, name, group in DEMO_ROLES:
    if not Users.search([("login", "=", login)]):
        Users.create({"login": login, "password": login, "name": name, "email": f"{login}@ediflex.test",
                      "lang": "fr_FR", "tz": "Europe/Paris", "company_id": company.id,
                      "company_ids": [(6, 0, company.ids)],
                      "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref(group).id])]})  # noqa: F821
Situation = env["ediflex.situation"]  # noqa: F821
if not Situation.search_count([]):
    # September's situation, presented and accepted: deposited (A4, A6) once the server runs, and with the bridge
    # (ediflex_chorus_account) its posted customer invoice, the retention on 411700. October's stays a draft.
    accepted = Situation.with_user(admin).create(contract.with_user(admin)._next_situation_values())
    accepted.write({"period_start": "2026-09-01", "period_end": "2026-09-30", "date": "2026-10-02"})
    accepted.line_ids.filtered(lambda line: line.code == "1.1").progress_percent = 20
    accepted.line_ids.filtered(lambda line: line.code == "1.2").progress_percent = 5
    accepted.action_present()
    accepted.action_accept()  # as admin (created with_user(admin)), the approver role included
    # October's is made by the contractor's user who presents it: its responsible, to whom Chorus Pro's answers go.
    contractor = Users.search([("login", "=", "utilisateur")])
    first = Situation.with_user(contractor).create(contract.with_user(contractor)._next_situation_values())
    first.write({"period_start": "2026-10-01", "period_end": "2026-10-31"})
    first.line_ids.filtered(lambda line: line.code == "1.1").progress_percent = 40
    first.line_ids.filtered(lambda line: line.code == "1.2").progress_percent = 10
env.cr.commit()  # noqa: F821
print("demo company configured against", emulator)  # noqa: F821 (given by tools/emulator_company.py)
