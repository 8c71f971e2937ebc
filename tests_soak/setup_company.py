# Run inside `odoo-bin shell` by the soak suite, after tools/emulator_company.py (which wires the company to the
# suite's emulator and gives `seed`): the users' rights and the two public bodies, with the seed's structure ids.
groups = [env.ref("ediflex_chorus.group_chorus_admin"), env.ref("ediflex_chorus.group_owner_approver")]  # noqa: F821
env.ref("base.user_admin").write({"groups_id": [(4, group.id) for group in groups]})  # noqa: F821
for key in ("no_rules", "moe"):
    body = seed[key]  # noqa: F821 (given by tools/emulator_company.py)
    env["res.partner"].create({  # noqa: F821
        "name": body["name"], "is_company": True, "chorus_siret": body["siret"], "chorus_structure_id": body["id"],
    })
env.cr.commit()  # noqa: F821
