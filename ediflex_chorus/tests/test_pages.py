from lxml import etree
from odoo.tests import tagged

from .common import ChorusCase

ROLES = ("group_situation_user", "group_owner_approver", "group_accountant_reader", "group_chorus_admin")


@tagged("post_install", "-at_install")
class TestRoles(ChorusCase):
    """Each role is chosen in Settings > Users without developer mode, in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french(modules=None)
        cls.roles = [cls.env.ref(f"ediflex_chorus.{xmlid}") for xmlid in ROLES]

    def _user_form(self):
        arch = self.env["res.users"].with_context(lang="fr_FR").get_view(
            self.env.ref("base.view_users_form").id, "form")["arch"]
        return etree.fromstring(arch)

    def test_the_roles_are_selections_under_one_french_header(self):
        form = self._user_form()
        groups_model = self.env["res.groups"].with_context(lang="fr_FR")
        labels = {}
        for app, kind, groups, _category in groups_model.get_groups_by_application():
            if groups & (self.roles[0] | self.roles[2]):
                self.assertEqual(kind, "selection", f"{app.name}: a selection, not developer-mode check boxes")
                field = form.xpath(f"//field[@name='sel_groups_{'_'.join(str(i) for i in groups.ids)}']")
                self.assertTrue(field, f"{app.name} is in the user form")
                # Shown to everyone: no ancestor hides it behind developer mode.
                hidden = [node for node in field[0].iterancestors() if "group_no_one" in (node.get("groups") or "")]
                self.assertFalse(hidden, f"{app.name} is hidden without developer mode")
                self.assertEqual(field[0].getparent().get("string"), "Situations de travaux")
                labels.update({group.id: group.name for group in groups})
        self.assertEqual([labels[group.id] for group in self.roles],
                         ["Utilisateur", "Approbateur", "Comptable", "Administrateur"])

    def test_the_accountant_neither_prepares_nor_approves(self):
        self.assertFalse(self.accountant.has_group("ediflex_chorus.group_situation_user"))
        self.assertFalse(self.accountant.has_group("ediflex_chorus.group_owner_approver"))
        admin = self.env.ref("base.user_admin")
        self.assertTrue(all(admin.has_group(f"ediflex_chorus.{xmlid}") for xmlid in ROLES))
