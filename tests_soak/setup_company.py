# Run inside `odoo-bin shell` by the soak suite, after tools/emulator_company.py (which wires the company to the
# suite's emulator and gives `seed`): the users' rights, the two public bodies with the seed's structure ids, and the
# project owner's person, a portal user who accepts on /my/situations (test_soak_portal.py).
groups = [env.ref("ediflex_chorus.group_chorus_admin"), env.ref("ediflex_chorus.group_owner_approver")]  # noqa: F821
env.ref("base.user_admin").write({"groups_id": [(4, group.id) for group in groups]})  # noqa: F821
bodies = {}
for key in ("no_rules", "moe"):
    body = seed[key]  # noqa: F821 (given by tools/emulator_company.py)
    bodies[key] = env["res.partner"].create({  # noqa: F821
        "name": body["name"], "is_company": True, "chorus_siret": body["siret"], "chorus_structure_id": body["id"],
    })
owner_contact = env["res.partner"].create({  # noqa: F821
    "name": "Claire Durand", "email": "mairie@soak.example", "parent_id": bodies["no_rules"].id,
})
env["res.users"].with_context(no_reset_password=True).create({  # noqa: F821
    "login": "soak_mairie", "password": "soak_mairie", "partner_id": owner_contact.id,
    "groups_id": [(6, 0, [env.ref("base.group_portal").id])],  # noqa: F821
})
env.cr.commit()  # noqa: F821
