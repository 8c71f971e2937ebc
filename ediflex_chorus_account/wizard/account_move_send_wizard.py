from odoo import models

from ..models.account_move_send import OPEN_SENDING_METHODS


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    def _compute_sending_method_checkboxes(self):
        # The wizard lists every method of the company; a works situation's invoice only keeps the open ones.
        result = super()._compute_sending_method_checkboxes()
        for wizard in self.filtered("move_id.ediflex_situation_id"):
            wizard.sending_method_checkboxes = {
                method: box for method, box in (wizard.sending_method_checkboxes or {}).items()
                if method in OPEN_SENDING_METHODS
            }
        return result
