from odoo import api, fields, models

FRAME_LABELS = [
    ("A15_ETAT_ACOMPTE_MOE", "A15 Progress statement (project manager)"),
    ("A16_ETAT_ACOMPTE_VALIDE_MOE", "A16 Validated progress statement (project manager)"),
    ("A19_ETAT_ACOMPTE_VALIDE_MOA", "A19 Validated progress statement (project owner)"),
    ("A17_PROJET_DECOMPTE_GENERAL_MOE", "A17 Draft general statement (project manager)"),
    ("A18_DECOMPTE_GENERAL_MOE", "A18 General statement (project manager)"),
    ("A20_DECOMPTE_GENERAL_MOA", "A20 General statement (project owner)"),
    ("A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE", "A22 Draft general statement (tacit procedure)"),
    ("A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR", "A23 Tacit final general statement"),
    ("A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE", "A24 Tacit final general statement (project manager)"),
    ("A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE", "A25 Final general statement (tacit procedure)"),
]


class EdiflexChorusProducedPiece(models.Model):
    """A piece the project manager (MOE) or the project owner (MOA) produced on Chorus Pro from the contractor's
    piece, with the amounts they retain against the amount presented (récupération, issue 21).

    Written by the status follow-up only, with what Chorus Pro gave; since February 2025 the MOE corrects a
    monthly draft's amounts instead of refusing it, so the retained amount may differ from the one presented.
    """

    _name = "ediflex.chorus.produced.piece"
    _description = "Chorus Pro Piece of the Project Manager or Owner"
    _order = "deposit_id, id"
    _rec_name = "piece_number"

    deposit_id = fields.Many2one("ediflex.chorus.deposit", string="Contractor's Piece", required=True, readonly=True,
                                 index=True, ondelete="restrict")
    situation_id = fields.Many2one(related="deposit_id.situation_id", store=True, index=True)
    company_id = fields.Many2one(related="deposit_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="deposit_id.currency_id")
    frame = fields.Selection(FRAME_LABELS, readonly=True)
    piece_number = fields.Char(readonly=True)
    chorus_piece_id = fields.Integer(string="Chorus Pro Piece ID", readonly=True)
    chorus_status = fields.Char(string="Chorus Pro Status Code", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Chorus Pro File", readonly=True,
                                    help="The piece as Chorus Pro holds it, attached to the situation.")
    amount_presented = fields.Monetary(related="deposit_id.amount_due", string="Amount Presented")
    amount_retained = fields.Monetary(readonly=True, help="The amount to pay that this piece retains (Chorus Pro).")
    amount_total = fields.Monetary(string="Total Retained", readonly=True)
    amount_difference = fields.Monetary(string="Difference", compute="_compute_amount_difference", store=True,
                                        help="Amount retained minus amount presented.")

    @api.depends("amount_retained", "deposit_id.amount_due")
    def _compute_amount_difference(self):
        for piece in self:
            piece.amount_difference = piece.amount_retained - piece.deposit_id.amount_due

    @api.model
    def _values(self, produced):
        """The values of a core ProducedPiece (amounts Chorus Pro did not give stay empty)."""
        known = dict(FRAME_LABELS)
        amounts = produced.amounts
        return {"frame": produced.frame if produced.frame in known else False, "piece_number": produced.number,
                "chorus_piece_id": produced.id or 0, "chorus_status": produced.status or False,
                "amount_retained": float(amounts.to_pay) if amounts.to_pay is not None else 0.0,
                "amount_total": float(amounts.total) if amounts.total is not None else 0.0}
