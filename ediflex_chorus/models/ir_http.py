from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # Without the website module, the portal pages load the JS translations of web and portal only: the
        # situation page's thread (mail's portal chatter) then says "Today at ..." in English to a French body.
        return super()._get_translation_frontend_modules_name() + ["mail"]
