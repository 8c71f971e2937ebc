import re

from odoo import models

# The headers of the user form's generated view: <group string="..."> of each category.
HEADER = re.compile(r'<group[^>]*\sstring="([^"]+)"')


class ResGroups(models.Model):
    _inherit = "res.groups"

    def _update_user_groups_view(self):
        # Odoo writes the user form's generated view in English and translates its headers from base's own
        # catalogue only, so a header Odoo generates after the French was loaded ("Situations de travaux", or
        # "Productivity" once Accounting brings the dashboards) stays English: each category header takes its
        # category's translated name.
        super()._update_user_groups_view()
        view = self.env.ref("base.user_groups_view", raise_if_not_found=False)
        if not (view and view._name == "ir.ui.view"):
            return
        arch = view.with_context(lang="en_US").arch_db or ""
        categories = self.env["ir.module.category"].with_context(lang="en_US").search(
            [("name", "in", sorted(set(HEADER.findall(arch))))])
        translations = {
            code: {category.with_context(lang="en_US").name: category.with_context(lang=code).name
                   for category in categories}
            for code, _name in self.env["res.lang"].get_installed() if code != "en_US"
        }
        if categories and translations:
            view.update_field_translations("arch_db", translations)
