from lxml import etree
from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SITUATION_GROUPS, ChorusCase

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

    def test_every_category_header_of_the_user_form_is_french(self):
        # A header Odoo generates after the French was loaded (Accounting's dashboards bring "Productivity"), as an
        # application installed later brings its category.
        header = self.env["ir.module.category"].create({"name": "Field Works", "sequence": 1})
        header.with_context(lang="fr_FR").name = "Travaux de terrain"
        category = self.env["ir.module.category"].create({"name": "Crews", "parent_id": header.id})
        crew = self.env["res.groups"].create({"name": "Crew", "category_id": category.id})
        self.env["res.groups"].create({"name": "Crew Chief", "category_id": category.id,
                                       "implied_ids": [(4, crew.id)]})
        self.env["res.groups"]._update_user_groups_view()
        headers = {node.get("string") for node in self._user_form().iter("group") if node.get("string")}
        self.assertIn("Travaux de terrain", headers)
        categories = self.env["ir.module.category"].search([])
        english = {category.name for category in categories} - {
            category.with_context(lang="fr_FR").name for category in categories}
        self.assertFalse(headers & english, "English category headers in the French user form")

    def test_the_roles_are_selections_under_one_french_header(self):
        # Regenerated as any later install or group change does: the header keeps its French.
        self.env["res.groups"]._update_user_groups_view()
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


@tagged("post_install", "-at_install")
class TestBanners(ChorusCase):
    """Red asks a person to act; a passing failure says when the next attempt is, in amber."""

    def test_a_passing_failure_is_amber_with_the_time_of_the_next_attempt(self):
        self.emulator.inject("*", "server_error", count=None)
        deposit = self._presented()
        self._send()
        situation = deposit.situation_id.with_context(tz="Europe/Paris")
        self.assertEqual((deposit.state, deposit.retryable), ("error", True))
        self.assertFalse(situation.deposit_problem, "nobody has to act")
        local = fields.Datetime.context_timestamp(situation, deposit.next_attempt_date)
        self.assertIn(local.strftime("%H:%M"), situation.deposit_retry_time)

    def test_a_rejection_is_red_and_has_no_retry_time(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        situation = self._presented().situation_id
        self._send()
        self.assertTrue(situation.deposit_problem)
        self.assertFalse(situation.deposit_retry_time)

    def test_the_activity_goes_to_whoever_acts_now(self):
        leaver = new_test_user(self.env, login="leaver", groups=SITUATION_GROUPS)
        situation = self._situation(user_id=leaver.id)
        leaver.active = False
        situation.with_user(self.user).action_present()
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        self._send()
        self.assertEqual(situation.activity_ids.user_id, self.user, "the presenter, not the archived responsible")

    def test_an_approver_of_one_company_refuses_a_situation_of_a_user_of_two(self):
        # The responsible also works for a company the approver cannot see: the refusal still reaches them.
        other = self.env["res.company"].create({"name": "Other works company"})
        self.user.company_ids |= other
        situation = self._situation()
        situation.with_user(self.user).action_present()
        self.approver.company_ids = self.company
        situation.with_user(self.approver).with_context(allowed_company_ids=self.company.ids).action_refuse("No")
        self.assertEqual(situation.state, "refused")
        self.assertEqual(situation.activity_ids.user_id, self.user)

    def test_the_accountant_retries_and_a_situation_user_is_told_whom_to_ask(self):
        self.emulator.inject("works_submit", "business_error", code=20002, label="Marché inconnu")
        deposit = self._presented()
        self._send()
        with self.assertRaisesRegex(UserError, "accountant or a Chorus Pro administrator"):
            deposit.with_user(self.user).action_retry()
        deposit.with_user(self.accountant).action_retry()
        self.assertEqual(deposit.state, "to_send")
        self._send()
        self.assertEqual(deposit.state, "sent")


@tagged("post_install", "-at_install")
class TestSettingsPages(ChorusCase):
    """The diagnostic offers public bodies only as project owners, and shows the road in use."""

    def test_the_diagnostic_offers_only_public_bodies_as_owners(self):
        self.company.partner_id.chorus_siret = self.company.chorus_siret  # the contractor, on Chorus Pro too
        person = self.env["res.partner"].create({"name": "Agent", "chorus_siret": self.owner.chorus_siret})
        Diagnostic = self.env["ediflex.chorus.diagnostic"]
        domain = safe_eval(Diagnostic._fields["owner_id"].domain, {"company_partner_id": self.company.partner_id.id})
        offered = self.env["res.partner"].search(domain)
        self.assertIn(self.owner, offered)
        self.assertNotIn(self.company.partner_id, offered, "the contractor is no project owner")
        self.assertNotIn(person, offered, "a person is no public body")
        form = Diagnostic.get_view(self.env.ref("ediflex_chorus.view_ediflex_chorus_diagnostic_form").id)["arch"]
        self.assertIn('name="current_road"', form)


@tagged("post_install", "-at_install")
class TestPortalPages(ChorusCase):
    """The project owner's person: a count on the home card, the buyer's words, the situation's thread."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create({"name": "Jeanne Martin", "email": "jeanne@qualif.fr",
                                                 "parent_id": cls.owner.id})
        cls.owner_user = new_test_user(cls.env, login="thread_portal", groups="base.group_portal",
                                       partner_id=contact.id, name="Jeanne Martin")

    def test_the_portal_user_sees_the_count_and_the_thread(self):
        situation = self._situation()
        situation.action_present()
        situation.with_user(self.user).message_post(body="Here is the October situation.", message_type="comment",
                                                    subtype_xmlid="mail.mt_comment")
        self.start_tour("/my", "ediflex_portal_thread_tour", login="thread_portal")
        answers = situation.message_ids.filtered(lambda m: m.author_id == self.owner_user.partner_id)
        self.assertIn("we check it this week", str(answers.body))

    def test_the_status_in_the_buyer_words(self):
        situation = self._situation()
        situation.action_present()
        self.assertEqual(situation._portal_status(), "Being deposited on Chorus Pro")
        self._send()
        self.assertEqual(situation._portal_status(), "Deposited on Chorus Pro")
        deposit = self._deposits(situation)
        deposit.sudo().write({"chorus_status": "MISE_EN_PAIEMENT"})
        self.assertEqual(situation._portal_status(), "Payment made")
        self._load_french()
        self.assertEqual(situation.with_context(lang="fr_FR")._portal_status(), "Payée")


@tagged("post_install", "-at_install")
class TestPresentationMail(ChorusCase):
    """The e-mail to the public body: the PDF attached, signed by the sender, honest about the deposit."""

    def test_the_mail_carries_the_pdf_is_signed_by_the_sender_and_waits_for_the_deposit(self):
        contact = self.env["res.partner"].create({"name": "Jeanne", "email": "jeanne@qualif.fr",
                                                  "parent_id": self.owner.id})
        sender = new_test_user(self.env, login="sender", groups=SITUATION_GROUPS, name="Sophie Envoi",
                               email="sophie@ediflex.test", signature="<p>Sophie Envoi, conductrice de travaux</p>")
        situation = self._situation(user_id=self.user.id)
        action = situation.with_user(sender).action_present()["params"]["next"]
        self.assertEqual(action["context"]["default_partner_ids"], contact.ids)
        composer = self.env["mail.compose.message"].with_user(sender).with_context(**action["context"]).create({})
        self.assertIn("being deposited on Chorus Pro", composer.body, "not deposited yet")
        self.assertIn("Sophie Envoi, conductrice de travaux", composer.body, "the sender's signature")
        self.assertNotIn(self.user.name, composer.body, "not the responsible's")
        self.assertEqual(len(composer.attachment_ids), 1)
        self.assertIn(situation.name.replace("/", "-"), composer.attachment_ids.name)
        self._send()
        composer = self.env["mail.compose.message"].with_user(sender).with_context(**action["context"]).create({})
        self.assertIn("is deposited on Chorus Pro", composer.body)
