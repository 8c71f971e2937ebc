from odoo import api, models

# What stays open to the invoice of a works situation: downloading its PDF or e-mailing a copy. Every electronic
# invoicing route (Peppol, an approved platform, any EDI format) is closed: the piece is on Chorus Pro already,
# and the public body would receive it twice.
OPEN_SENDING_METHODS = ("manual", "email")


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_method(self, move):
        method = super()._get_default_sending_method(move)
        if move.ediflex_situation_id and method not in OPEN_SENDING_METHODS:
            return "manual"
        return method

    @api.model
    def _get_default_sending_settings(self, move, from_cron=False, **custom_settings):
        # Every sending (the wizard, the batch, the cron) goes through here: whatever was asked or stored, a works
        # situation's invoice keeps the open methods only, and no electronic format.
        settings = super()._get_default_sending_settings(move, from_cron=from_cron, **custom_settings)
        if move.ediflex_situation_id:
            methods = {method for method in settings["sending_methods"] if method in OPEN_SENDING_METHODS}
            settings.update(sending_methods=methods or {"manual"}, invoice_edi_format=False, extra_edis={})
        return settings

    @api.model
    def _is_applicable_to_move(self, method, move, **move_data):
        if move.ediflex_situation_id and method not in OPEN_SENDING_METHODS:
            return False
        return super()._is_applicable_to_move(method, move, **move_data)

    @api.model
    def _get_default_invoice_edi_format(self, move, **kwargs):
        if move.ediflex_situation_id:
            return False
        return super()._get_default_invoice_edi_format(move, **kwargs)

    @api.model
    def _get_default_extra_edis(self, move):
        if move.ediflex_situation_id:
            return set()
        return super()._get_default_extra_edis(move)

