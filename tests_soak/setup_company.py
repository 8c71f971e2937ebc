# Run inside `odoo-bin shell` (env is given) by the soak suite: wires the company to the emulator of the suite
# (EMULATOR_URL), as tools/demo_setup.py does for `make run`, with the seed's structure ids (no call needed).
import json
import os
import urllib.request

emulator = os.environ["EMULATOR_URL"]
with urllib.request.urlopen(emulator + "/_emulator/state") as answer:
    seed = json.load(answer)["seed"]
credentials = seed["credentials"]
euro = env.ref("base.EUR")  # noqa: F821 (given by odoo-bin shell)
euro.active = True
env.company.write({  # noqa: F821
    "name": seed["contractor"]["name"],
    "currency_id": euro.id,
    "chorus_enabled": True,
    "chorus_environment": "qualification",
    "chorus_siret": seed["contractor"]["siret"],
    "chorus_structure_id": seed["contractor"]["id"],
    "chorus_login": credentials["login"],
    "chorus_password": credentials["password"],
    "chorus_client_id": credentials["client_id"],
    "chorus_client_secret": credentials["client_secret"],
    "chorus_api_url": emulator,
    "chorus_token_url": emulator + "/api/oauth/token",
})
groups = [env.ref("ediflex_chorus.group_chorus_admin"), env.ref("ediflex_chorus.group_owner_approver")]  # noqa: F821
env.ref("base.user_admin").write({"groups_id": [(4, group.id) for group in groups]})  # noqa: F821
for key in ("no_rules", "moe"):
    body = seed[key]
    env["res.partner"].create({  # noqa: F821
        "name": body["name"], "is_company": True, "chorus_siret": body["siret"], "chorus_structure_id": body["id"],
    })
env.cr.commit()  # noqa: F821
