import os
from unittest.mock import patch

from odoo import tools
from odoo.exceptions import AccessError, UserError
from odoo.tests import JsonRpcException, tagged

from .common import ChorusCase

CREDENTIALS = ("chorus_login", "chorus_password", "chorus_client_id", "chorus_client_secret")
ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestSecretDoors(ChorusCase):
    """No door leads a non-administrator to a secret of the company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Known values, to look for them everywhere they must not be.
        cls.secrets = {field: cls.company[field] for field in CREDENTIALS}
        cls.users = cls.user | cls.approver | cls.accountant
        # Allowed to export, so that the export door is open to them and only the secrets are refused.
        cls.env.ref("base.group_allow_export").users |= cls.users

    def test_no_orm_door(self):
        for user in self.users:
            for field in CREDENTIALS:
                self.assertNotIn(field, self.company.with_user(user).fields_get())
                for name, door in self._orm_doors(user, field):
                    with self.subTest(user=user.login, field=field, door=name), self.assertRaises(AccessError):
                        door()

    def _orm_doors(self, user, field):
        company = self.company.with_user(user)
        return [
            ("read", lambda: company.read([field])),
            ("search", lambda: company.search([(field, "=", self.secrets[field])])),
            ("order", lambda: company.search([], order=field)),
            ("read_group", lambda: company.read_group([], [field], [field])),
            ("_read_group", lambda: company._read_group([], [field])),
            ("export", lambda: company.export_data([field])),
            ("export through a relation", lambda: user.partner_id.with_user(user).export_data([f"company_id/{field}"])),
            ("web_read", lambda: company.web_read({field: {}})),
        ]

    def test_no_web_client_door(self):
        situation = self._situation()
        for user in self.users:
            self.authenticate(user.login, user.login)
            for model, method, args, kwargs in self._web_requests(user, situation):
                with self.subTest(user=user.login, model=model, method=method, args=args, kwargs=kwargs), \
                        self.assertRaises(JsonRpcException) as caught:
                    self.make_jsonrpc_request("/web/dataset/call_kw", {
                        "model": model, "method": method, "args": args, "kwargs": kwargs})
                self.assertEqual(caught.exception.args[0], ACCESS_ERROR)
            # What the web client reads of the company without naming a secret holds none.
            company = self.make_jsonrpc_request("/web/dataset/call_kw", {
                "model": "res.company", "method": "web_read", "args": [[self.company.id]],
                "kwargs": {"specification": dict.fromkeys(self.company.with_user(user).fields_get(), {})}})
            self._assert_no_secret(str(company))

    def _web_requests(self, user, situation):
        """(model, method, args, kwargs) of the web client's calls that name a secret, directly or by a relation."""
        requests = []
        for field in CREDENTIALS:
            requests += [
                ("res.company", "read", [[self.company.id], [field]], {}),
                ("res.company", "search_read", [[], [field]], {}),
                ("res.company", "web_search_read", [[]], {"specification": {field: {}}}),
                ("res.company", "web_read_group", [[], [field], [field]], {}),
                ("res.company", "search_count", [[(field, "=", self.secrets[field])]], {}),
            ]
            # The web client reads related records by a nested specification.
            nested = {"specification": {"company_id": {"fields": {field: {}}}}}
            requests += [("ediflex.situation", "web_read", [situation.ids], nested),
                         ("res.users", "web_read", [user.ids], nested)]
        return requests

    def test_no_settings_door(self):
        for user in self.users:
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(user).create({}).read(["chorus_password"])

    def test_no_secret_in_the_deposit_its_chatter_or_the_report(self):
        situation = self._situation()
        situation.action_present()
        self._send()
        deposit = self._deposits(situation)
        self.assertEqual(deposit.state, "sent", deposit.error_message)
        html, _format = self.env["ir.actions.report"].with_user(self.user)._render_qweb_html(
            "ediflex_chorus.action_report_situation", situation.ids)
        texts = [deposit.payload, deposit.error_message, html.decode(), deposit.attachment_id.raw.decode("latin-1")]
        texts += (situation.message_ids | deposit.message_ids).mapped("body")
        texts += [str(self.env["ediflex.chorus.deposit"].with_user(self.accountant).browse(deposit.id).read())]
        for text in texts:
            self._assert_no_secret(str(text or ""))

    def _assert_no_secret(self, text):
        for field, value in self.secrets.items():
            self.assertNotIn(value, text, f"{field} leaked")


@tagged("post_install", "-at_install")
class TestServerSecrets(ChorusCase):
    """The technical account and PISTE keys kept out of the database: Odoo's configuration file or the environment."""

    def _option(self, field):
        return f"ediflex_{field}_{self.company.id}"

    def _from_config(self, values):
        return patch.dict(tools.config.options, {self._option(field): value for field, value in values.items()})

    def _from_environment(self, values):
        return patch.dict(os.environ, {self._option(field).upper(): value for field, value in values.items()})

    def test_credentials_from_the_server_are_used_and_never_stored(self):
        right = self.emulator.credentials
        config = {"chorus_login": right["login"], "chorus_password": right["password"]}
        environment = {"chorus_client_id": right["client_id"], "chorus_client_secret": right["client_secret"]}
        # What the database held is wrong: only the server's values reach Chorus Pro.
        self.company.write(dict.fromkeys(CREDENTIALS, "stale-database-value"))
        with self._from_config(config), self._from_environment(environment):
            self.env["res.company"]._register_hook()
            self.env.invalidate_all()
            for field in CREDENTIALS:
                self.assertFalse(self.company[field], f"{field} erased from the database")
            self.env.cr.execute("SELECT chorus_password, chorus_client_secret FROM res_company WHERE id = %s",
                                [self.company.id])
            self.assertEqual(self.env.cr.fetchone(), (None, None))
            situation = self._situation()
            situation.action_present()
            self._send()
            deposit = self._deposits(situation)
            self.assertEqual(deposit.state, "sent", deposit.error_message)
            self.assertEqual(len(self._emulator_piece(deposit.piece_number)), 1)

    def test_the_settings_show_where_each_comes_from_read_only(self):
        self._load_french()
        with self._from_config({"chorus_password": "from-the-file", "chorus_client_id": "id-from-the-file"}), \
                self._from_environment({"chorus_client_id": "id-from-the-environment"}):
            settings = self.env["res.config.settings"].with_context(lang="fr_FR").create({})
            self.assertEqual(settings.chorus_login_source, "database")
            self.assertEqual(settings.chorus_password_source, "config")
            self.assertEqual(settings.chorus_client_id_source, "environment", "the environment wins")
            self.assertEqual(self.company._chorus_credentials()["chorus_client_id"], "id-from-the-environment")
            labels = dict(settings._fields["chorus_password_source"]._description_selection(settings.env))
            self.assertEqual(labels["config"], "Fourni par la configuration du serveur")
            self.assertEqual(labels["environment"], "Fourni par l'environnement")
            arch = settings.get_views([(False, "form")])["views"]["form"]["arch"]
            for field in CREDENTIALS:
                self.assertIn(f'readonly="{field}_source != \'database\'"', arch.replace("&apos;", "'"))
            with self.assertRaises(UserError) as caught:
                self.company.with_context(lang="fr_FR").write({"chorus_password": "typed-anyway"})
            self.assertIn("est fourni par le serveur", str(caught.exception))
            self.assertNotIn("from-the-file", str(caught.exception))
            self.company.write({"chorus_login": "a-login-typed-here"})  # not from the server: stored
            self.assertEqual(self.company.chorus_login, "a-login-typed-here")

    def test_without_server_values_the_database_ones_are_used(self):
        self.assertEqual(self.company._chorus_credentials()["chorus_password"], self.emulator.credentials["password"])
        self.assertEqual(self.company.chorus_password_source, "database")
