# Run by `make run` inside `odoo-bin shell`, after tools/emulator_company.py (which wires the company to the
# emulator and gives `emulator` and `seed`): the demo's users, public bodies and first situation.
company = env.company  # noqa: F821 (given by odoo-bin shell)
# The structure id again, read from Chorus Pro by its SIRET as an administrator's lookup does.
company.action_chorus_find_structure()
admin = env.ref("base.user_admin")  # noqa: F821
admin.write({"lang": "fr_FR", "groups_id": [(4, env.ref("ediflex_chorus.group_chorus_admin").id)]})  # noqa: F821
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
Situation = env["ediflex.situation"]  # noqa: F821
if not Situation.search_count([]):
    Situation.create({
        "contract_number": "MARCHE-2026-001",
        "commitment_number": "EJ-0001",
        "owner_id": partners["no_rules"].id,
        "owner_service_id": partners["no_rules"].chorus_service_ids[:1].id,
        "manager_id": partners["moe"].id,
        "user_id": admin.id,
        "number": 1,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "line_ids": [
            (0, 0, {"code": "1.1", "name": "Terrassements", "contract_amount": 10000, "progress_percent": 40}),
            (0, 0, {"code": "1.2", "name": "Fondations", "contract_amount": 25000, "progress_percent": 10}),
        ],
    })
env.cr.commit()  # noqa: F821
print("demo company configured against", emulator)  # noqa: F821 (given by tools/emulator_company.py)
