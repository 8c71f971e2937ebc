# Piped into `odoo-bin shell` (env is given) ahead of tools/demo_setup.py (`make run`) and tests_soak/setup_company.py
# (the soak): wires the current company to the Chorus Pro emulator at EMULATOR_URL, with the structure and the
# technical account of the emulator's data set. Leaves `emulator` (its URL) and `seed` to the script that follows.
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
