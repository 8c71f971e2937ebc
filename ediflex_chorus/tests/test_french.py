from lxml import etree
from odoo.tests import tagged
from odoo.tools import file_open
from odoo.tools.translate import html_translate, xml_translate

from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestFrench(ChorusCase):
    """What the crons write reaches a French user in French, with the fix named and Chorus Pro's code kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        cls.user.write({"lang": "fr_FR", "tz": "Europe/Paris"})

    def _french(self, record):
        return record.with_context(lang="fr_FR")

    def test_a_failed_send_says_in_french_what_happened_and_when_it_is_tried_again(self):
        self.emulator.inject("*", "server_error", count=None)
        deposit = self._presented()
        self._send()
        self.assertEqual(deposit.state, "error")
        self.assertIn("Chorus Pro est indisponible ou surchargé.", deposit.error_message)
        self.assertIn("Prochaine tentative automatique", deposit.error_message)
        self.assertIn("HTTP : 500", deposit.error_message)

    def test_a_refused_technical_account_names_the_fields_to_check(self):
        self.company.chorus_password = "wrong-password"
        deposit = self._presented()
        self._send()
        self.assertEqual(deposit.state, "rejected")
        self.assertIn("login ou le mot de passe technique", deposit.error_message)
        self.assertIn("Paramètres", deposit.error_message)
        self.assertNotIn("wrong-password", deposit.error_message)

    def _commit_tracking(self):
        """What a commit does for tracking: the messages of the changes made so far are written."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def test_cron_notes_tracking_and_statuses_are_french(self):
        deposit = self._presented()
        self._commit_tracking()  # the user's transaction; the cron works in its own, after it
        self._send()
        self._commit_tracking()
        notes = " ".join(deposit.situation_id.message_ids.mapped("body"))
        self.assertIn("envoyé à Chorus Pro", notes)
        tracked = deposit.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertIn("Envoyé", tracked.mapped("new_value_char"))
        self.connector._cron_fetch_statuses()
        self.assertEqual(self._french(deposit)._chorus_status_text(), "Mise à disposition du maître d'œuvre")
        self.assertEqual(self._french(deposit.situation_id).chorus_status, "Mise à disposition du maître d'œuvre")


@tagged("post_install", "-at_install")
class TestFrenchScreens(ChorusCase):
    """The addon's screens, rendered for a French user, show none of their English source strings."""

    VIEWS = (
        ("ediflex.situation", ("form", "list", "search")),
        ("ediflex.chorus.deposit", ("form", "list", "search", "pivot", "graph")),
        ("ediflex.situation.refuse", ("form",)),
        ("ediflex.contract", ("form", "list", "search")),
        ("res.config.settings", ("form",)),
    )

    def test_no_english_source_string_in_the_french_views(self):
        # French of every installed module, as a French database has: the screens mix the addon's and Odoo's.
        self._load_french(modules=None)
        english = self._translated_sources()
        self.assertGreater(len(english), 100)
        for model, kinds in self.VIEWS:
            views = self.env[model].with_context(lang="fr_FR").get_views([(False, kind) for kind in kinds])
            for kind, view in views["views"].items():
                shown = set(self._texts(view["arch"], model))
                leftovers = sorted(text for text in shown if text in english)
                self.assertFalse(leftovers, f"English left in the French {model} {kind} view: {leftovers[:5]}")
            for name, field in views["models"][model]["fields"].items():
                if self.env[model]._fields[name]._module != "ediflex_chorus":
                    continue  # Odoo's own fields: Odoo's translation
                for text in (field.get("string"), *(label for _key, label in field.get("selection") or [])):
                    self.assertNotIn(text, english, f"{model}.{name} shows English to a French user")

    def test_the_breadcrumbs_say_back_in_french(self):
        # Odoo 18's template spells the visible breadcrumbs' tooltip in English; the addon uses the translated one.
        self._load_french()
        self.user.lang = "fr_FR"
        situation = self._situation()
        self.start_tour(f"/odoo/action-ediflex_chorus.action_ediflex_situation/{situation.id}",
                        "ediflex_french_breadcrumb_tour", login="situation_user")

    def _translated_sources(self):
        """Source strings of the addon whose French differs: none of them may show to a French user."""
        with file_open("ediflex_chorus/i18n/fr.po") as handle:
            import polib  # noqa: PLC0415 - an Odoo dependency, needed by this test only

            catalog = polib.pofile(handle.read())
        return {entry.msgid for entry in catalog if entry.msgstr and entry.msgstr != entry.msgid}

    def _texts(self, arch, model):
        root = etree.fromstring(arch)
        if model == "res.config.settings":  # the addon's block of the general settings
            root = root.find(".//block[@name='ediflex_chorus_setting_container']")
        for node in root.iter():
            for attribute in ("string", "help", "placeholder", "confirm", "title"):
                if node.get(attribute):
                    yield node.get(attribute)
            if node.text and node.text.strip():
                yield " ".join(node.text.split())


@tagged("post_install", "-at_install")
class TestFrenchEverywhere(ChorusCase):
    """Every text of the addon a French user may meet (views, templates, empty-list helps, fields' labels, helps and
    choices) is French: each term Odoo extracts for translation, read in French, is none of the English sources."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        with file_open("ediflex_chorus/i18n/ediflex_chorus.pot") as pot, file_open("ediflex_chorus/i18n/fr.po") as po:
            import polib  # noqa: PLC0415 - an Odoo dependency, needed by this test only

            french = {entry.msgid: entry.msgstr for entry in polib.pofile(po.read())}
            sources = [entry.msgid for entry in polib.pofile(pot.read())]
        # An English source is one whose French differs (or is missing): names such as "Chorus Pro" stay as they are.
        cls.english = {cls._words(text) for text in sources if french.get(text) != text}

    @staticmethod
    def _words(text):
        return " ".join(text.split())

    def _english_terms(self, value, translate):
        terms = []
        translate(lambda term: terms.append(term) or term, value or "")
        return sorted({self._words(term) for term in terms} & self.english)

    def test_views_templates_and_empty_list_helps_are_french(self):
        names = self.env["ir.model.data"].search([
            ("module", "=", "ediflex_chorus"), ("model", "in", ("ir.ui.view", "ir.actions.act_window"))])
        self.assertGreater(len(names), 40)
        found = {}
        for name in names:
            record = self.env[name.model].browse(name.res_id).with_context(lang="fr_FR")
            value, translate = ((record.arch_db, xml_translate) if name.model == "ir.ui.view"
                                else (record.help, html_translate))
            if leftovers := self._english_terms(value, translate):
                found[name.name] = leftovers
        self.assertFalse(found, "English in the French screens")

    def test_no_list_pivot_or_graph_shows_sample_data(self):
        # Odoo's sample rows are invented English names, dollars and Latin filler behind the French help.
        names = self.env["ir.model.data"].search([
            ("module", "in", ("ediflex_chorus", "ediflex_chorus_account")), ("model", "=", "ir.ui.view")])
        asking = [name.name for name in names
                  if etree.fromstring(self.env["ir.ui.view"].browse(name.res_id).arch_db).xpath("//*[@sample]")]
        self.assertGreater(len(names), 20)
        self.assertFalse(asking, "views asking for sample data")

    def test_the_chorus_refusal_banner_puts_a_non_breaking_space_before_each_colon(self):
        arch = self.env["ediflex.situation"].with_context(lang="fr_FR").get_view(view_type="form")["arch"]
        banner = etree.fromstring(arch).xpath("//div[@name='chorus_refusal']")[0]
        texts = [text for node in banner.iter(etree.Element)
                 for text in (node.text, None if node is banner else node.tail) if text]
        self.assertIn("Motif Chorus Pro\u00a0:", " ".join(texts))
        bad = [text for text in texts for i, char in enumerate(text)
               if char == ":" and (i == 0 or text[i - 1] not in "\u00a0\u202f")]
        self.assertFalse(bad, "a colon without a non-breaking space before it")

    def test_fields_labels_helps_and_choices_are_french(self):
        models = [model for model in self.env.registry
                  if any(field._module == "ediflex_chorus" for field in self.env[model]._fields.values())]
        self.assertIn("ediflex.chorus.ecb.rate", models)
        found = {}
        for model in models:
            for name, field in self.env[model].with_context(lang="fr_FR").fields_get().items():
                if self.env[model]._fields[name]._module != "ediflex_chorus":
                    continue  # Odoo's own fields: Odoo's translation
                choices = [label for _key, label in field.get("selection") or []]
                texts = (field.get("string"), field.get("help"), *choices)
                if leftovers := {self._words(text) for text in texts if text} & self.english:
                    found[f"{model}.{name}"] = sorted(leftovers)
        self.assertFalse(found, "fields that show English to a French user")
