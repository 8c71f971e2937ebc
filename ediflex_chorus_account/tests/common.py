from odoo import Command
from odoo.addons.ediflex_chorus.tests.common import ChorusCase


class SituationInvoiceCase(ChorusCase):
    """The core's Chorus Pro case, in a French company with the French chart of accounts (l10n_fr_account)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr_company = cls._french_company("BTP Ouest")
        users = cls.env.user | cls.user | cls.approver | cls.accountant
        users.write({"company_ids": [Command.link(cls.fr_company.id)], "company_id": cls.fr_company.id})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.fr_company.id]))
        cls._configure_company(cls.fr_company, cls.emulator)

    @classmethod
    def _french_company(cls, name):
        company = cls.env["res.company"].create({
            "name": name, "country_id": cls.env.ref("base.fr").id, "currency_id": cls.env.ref("base.EUR").id,
        })
        cls.env.user.company_ids |= company
        cls.env["account.chart.template"].try_loading("fr", company, install_demo=False)
        return company

    def _switch_to(self, company):
        """``company`` the current company of the test and of its users, from now on in this test."""
        users = self.env.user | self.user | self.approver | self.accountant
        users.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        return company

    def _accepted(self, **values):
        situation = self._situation(**values)
        situation.action_present()
        situation.with_user(self.approver).action_accept()
        return situation.with_env(self.env)

    def _chart_account(self, company, xmlid):
        return self.env["account.chart.template"].with_company(company).ref(xmlid)

    def _piece_id(self, deposit):
        # The piece id field is being renamed in the core (chorus_invoice_id -> chorus_piece_id): either.
        name = "chorus_piece_id" if "chorus_piece_id" in deposit._fields else "chorus_invoice_id"
        return deposit[name]
