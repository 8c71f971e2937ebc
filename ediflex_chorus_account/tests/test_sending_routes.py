from odoo.tests import tagged

from .common import SituationInvoiceCase


@tagged("post_install", "-at_install")
class TestSendingRoutes(SituationInvoiceCase):
    """The invoice of a works situation is on Chorus Pro already: no other route may send it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        peppol = cls.env["ir.module.module"].search([("name", "=", "account_peppol")])
        # The test database installs Peppol on purpose (tools/odoo-run-tests.sh): without it this proves nothing.
        assert peppol.state == "installed", "install account_peppol in the test database"
        # Peppol's demo mode: the participant checks are answered locally, nothing reaches the network.
        cls.env["ir.config_parameter"].sudo().set_param("account_peppol.edi.mode", "demo")
        # Peppol checks the SIRETs (the emulator's are not real ones): two valid ones for Peppol alone.
        cls.fr_company.write({"peppol_eas": "0009", "peppol_endpoint": "73282932000074",
                              "account_peppol_proxy_state": "receiver"})
        cls.owner.with_company(cls.fr_company).write({
            "peppol_eas": "0009", "peppol_endpoint": "21350045700006", "invoice_edi_format": "ubl_bis3",
            "invoice_sending_method": "peppol", "peppol_verification_state": "valid",
        })
        cls.owner.country_id = cls.env.ref("base.fr")

    def _wizard(self, invoice):
        return self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({})

    def _ordinary_invoice(self):
        taxes = self._chart_account(self.fr_company, "tva_normale")
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.owner.id,
            "invoice_line_ids": [(0, 0, {"name": "Maintenance", "quantity": 1, "price_unit": 100.0,
                                         "tax_ids": [(6, 0, taxes.ids)]})],
        })
        invoice.action_post()
        return invoice

    def test_peppol_is_proposed_for_an_ordinary_invoice(self):
        # The control: the same customer, an ordinary invoice, and Peppol is proposed and chosen.
        invoice = self._ordinary_invoice()
        Send = self.env["account.move.send"]
        self.assertTrue(Send._is_applicable_to_move("peppol", invoice))
        self.assertEqual(Send._get_default_sending_method(invoice), "peppol")
        self.assertTrue(self._wizard(invoice).sending_method_checkboxes["peppol"]["checked"])
        Send._generate_and_send_invoices(invoice, sending_methods={"peppol"})
        self.assertTrue(invoice.ubl_cii_xml_id)

    def test_peppol_and_edi_never_proposed_for_a_situation_invoice(self):
        invoice = self._accepted().invoice_id
        Send = self.env["account.move.send"]
        self.assertEqual(Send._get_default_sending_method(invoice), "manual")
        self.assertFalse(Send._get_default_extra_edis(invoice))
        # Even asked for by name (a stored sending, a batch, a script), Peppol and its format are dropped.
        settings = Send._get_default_sending_settings(invoice, sending_methods={"peppol", "email"},
                                                      invoice_edi_format="ubl_bis3")
        self.assertEqual(settings["sending_methods"], {"email"})
        self.assertFalse(settings["invoice_edi_format"])
        wizard = self._wizard(invoice)
        self.assertNotIn("peppol", wizard.sending_method_checkboxes)
        self.assertLessEqual(set(wizard.sending_method_checkboxes), {"manual", "email"})
        self.assertFalse(wizard.invoice_edi_format)
        self.assertNotIn(invoice.peppol_move_state, ("to_send", "processing", "done"))

    def test_sending_a_situation_invoice_by_peppol_sends_nothing_to_peppol(self):
        invoice = self._accepted().invoice_id
        self.env["account.move.send"]._generate_and_send_invoices(invoice, sending_methods={"peppol"})
        self.assertNotIn(invoice.peppol_move_state, ("to_send", "processing", "done"))
        self.assertFalse(invoice.ubl_cii_xml_id)
