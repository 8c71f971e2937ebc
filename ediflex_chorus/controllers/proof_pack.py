from odoo import http
from odoo.http import request


class ProofPackController(http.Controller):
    @http.route(["/ediflex_chorus/proof_pack/<int:deposit_id>"], type="http", auth="user")
    def proof_pack(self, deposit_id):
        """The proof pack of a deposit, as a zip, for the accountants and the administrators."""
        if not request.env.user.has_group("ediflex_chorus.group_accountant_reader"):
            raise request.not_found()
        deposit = request.env["ediflex.chorus.deposit"].browse(deposit_id).exists()
        if not deposit:
            raise request.not_found()
        deposit.check_access("read")
        name, content = deposit.sudo()._proof_pack()
        return request.make_response(content, headers=[
            ("Content-Type", "application/zip"), ("Content-Length", str(len(content))),
            ("Content-Disposition", http.content_disposition(name))])
