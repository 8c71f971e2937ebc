from odoo import models

ROLES_CATEGORY = "ediflex_chorus.module_category_ediflex_chorus"


class ResGroups(models.Model):
    _inherit = "res.groups"

    def _update_user_groups_view(self):
        # Odoo writes the user form's generated view in English and translates its headers from base's own
        # catalogue only: the roles' header ("Situations de travaux") takes its category's translated name.
        super()._update_user_groups_view()
        view = self.env.ref("base.user_groups_view", raise_if_not_found=False)
        category = self.env.ref(ROLES_CATEGORY, raise_if_not_found=False)
        if not (view and view._name == "ir.ui.view" and category):
            return
        source = category.with_context(lang="en_US").name
        if f'string="{source}"' not in (view.with_context(lang="en_US").arch_db or ""):
            return
        translations = {
            code: {source: category.with_context(lang=code).name}
            for code, _name in self.env["res.lang"].get_installed() if code != "en_US"
        }
        if translations:
            view.update_field_translations("arch_db", translations)
