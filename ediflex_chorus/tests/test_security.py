from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ChorusCase

SECRET_FIELDS = ("chorus_password", "chorus_client_secret")


@tagged("post_install", "-at_install")
class TestSecurity(ChorusCase):
    def test_secrets_are_hidden_from_non_administrators(self):
        for user in (self.user, self.approver, self.accountant):
            company = self.company.with_user(user)
            for field in SECRET_FIELDS:
                self.assertNotIn(field, company.fields_get())
                with self.assertRaises(AccessError):
                    company.read([field])
                with self.assertRaises(AccessError):
                    company.write({field: "stolen"})

    def test_secrets_are_not_exportable(self):
        for field in SECRET_FIELDS:
            self.assertFalse(self.env["res.company"]._fields[field].exportable)

    def test_secrets_are_not_exported_even_by_an_administrator(self):
        self.company.chorus_password = "Sup3r-S3cret-Pa55"
        for field in (*SECRET_FIELDS, "chorus_login", "chorus_client_id"):
            with self.assertRaises(AccessError):
                self.company.export_data([field])
            with self.assertRaises(AccessError):
                self.env.user.partner_id.export_data([f"company_id/{field}"])
        self.assertEqual(self.company.export_data(["name"])["datas"], [[self.company.name]])

    def test_secrets_never_reach_deposit_messages(self):
        self.company.chorus_password = "Sup3r-S3cret-Pa55"
        self.company.chorus_client_secret = "piste-secret-xyz"
        situation = self._situation()
        situation.action_present()
        with self.assertLogs("odoo.addons.ediflex_chorus", level="DEBUG") as logs:
            self._send()
        deposit = situation.deposit_ids
        self.assertEqual(deposit.state, "rejected", deposit.error_message)
        texts = [deposit.error_message] + situation.message_ids.mapped("body") + deposit.message_ids.mapped("body")
        texts += [record.getMessage() for record in logs.records] + [repr(record.args) for record in logs.records]
        for text in texts:
            self.assertNotIn("Sup3r-S3cret-Pa55", str(text))
            self.assertNotIn("piste-secret-xyz", str(text))

    def test_accountant_reads_the_log_and_changes_nothing(self):
        situation = self._situation()
        situation.action_present()
        deposit = situation.deposit_ids.with_user(self.accountant)
        self.assertEqual(deposit.read(["state"])[0]["state"], "to_send")
        with self.assertRaises(AccessError):
            deposit.write({"state": "sent"})
        with self.assertRaises(AccessError):
            deposit.unlink()
        draft = self._situation(number=2)
        with self.assertRaises(AccessError):
            draft.with_user(self.accountant).write({"contract_number": "X"})
        with self.assertRaises(AccessError):
            self._situation(user=self.accountant)

    def test_situation_user_cannot_edit_the_log(self):
        situation = self._situation()
        situation.action_present()
        with self.assertRaises(AccessError):
            situation.deposit_ids.with_user(self.user).write({"state": "sent"})

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Works SA"})
        other_user = new_test_user(self.env, login="other_user", groups="ediflex_chorus.group_situation_user",
                                   company_id=other.id, company_ids=[(6, 0, other.ids)])
        situation = self._situation()
        situation.action_present()
        Situation = self.env["ediflex.situation"].with_user(other_user)
        Deposit = self.env["ediflex.chorus.deposit"].with_user(other_user)
        self.assertFalse(Situation.search([("id", "=", situation.id)]))
        self.assertFalse(Deposit.search([("id", "in", situation.deposit_ids.ids)]))
        with self.assertRaises(AccessError):
            situation.with_user(other_user).read(["name"])
