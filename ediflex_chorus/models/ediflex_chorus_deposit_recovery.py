from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from ..chorus import action_states, recovery
from ..chorus.errors import ChorusError

# The contractor's drafts from which the project manager / owner produce their pieces (notes, section 3).
PRODUCED_FROM_FRAMES = ("A4", "A7", "A10", "A13")
COPY_CHECKS = [
    ("agree", "Same as the PDF sent"),
    ("differ", "Differs from the PDF sent"),
    ("unavailable", "Not available"),
]


class EdiflexChorusDepositRecovery(models.Model):
    """Récupération (issue 21): Chorus Pro's own copy of the deposited piece, compared with the PDF sent.

    Downloaded by the status follow-up (the connector), once per piece, never in a person's click. A block of its
    own on the deposit, so that it rebases apart from the sending logic.
    """

    # A file of its own, so that the deposit's file does not keep growing (the paid17 block stays where it is).
    _inherit = "ediflex.chorus.deposit"  # pylint: disable=consider-merging-classes-inherited

    chorus_copy_id = fields.Many2one("ir.attachment", string="Chorus Pro Copy", readonly=True, copy=False,
                                     help="The piece as Chorus Pro holds it, downloaded by the status follow-up.")
    chorus_copy_check = fields.Selection(
        COPY_CHECKS, string="Copy Check", readonly=True, copy=False,
        help="Whether the main PDF of Chorus Pro's copy is byte for byte the PDF sent (SHA-256).")
    chorus_copy_date = fields.Datetime(string="Copy Downloaded On", readonly=True, copy=False)
    chorus_copy_sha256 = fields.Char(string="SHA-256 of the Copy", readonly=True, copy=False)
    sent_sha256 = fields.Char(string="SHA-256 of the PDF Sent", compute="_compute_sent_sha256")
    chorus_copy_note = fields.Char(string="Copy Note", readonly=True, copy=False)

    produced_piece_ids = fields.One2many("ediflex.chorus.produced.piece", "deposit_id",
                                         string="Project Manager and Owner Pieces", readonly=True)
    chorus_produced_status = fields.Char(string="Status When Last Looked", readonly=True, copy=False,
                                         help="The status at which the follow-up last looked for these pieces.")
    chorus_produced_way = fields.Char(string="Found By", readonly=True, copy=False)
    produced_note = fields.Char(string="Project Manager and Owner Pieces Note", compute="_compute_produced_note")

    chorus_action_ids = fields.One2many("ediflex.chorus.action", "deposit_id", string="Actions on Chorus Pro",
                                        readonly=True)
    chorus_action_pending = fields.Boolean(string="Action on Its Way", compute="_compute_chorus_action_pending")

    @api.depends("chorus_action_ids.state", "chorus_checked_date")
    def _compute_chorus_action_pending(self):
        # An action on its way, or done since Chorus Pro's status was last read: the piece waits for that status.
        for deposit in self:
            read_on = deposit.chorus_checked_date
            deposit.chorus_action_pending = any(
                action.state in action_states.PENDING_STATES or (action.state == action_states.DONE and (
                    not read_on or action.write_date >= read_on)) for action in deposit.chorus_action_ids)

    def _compute_produced_note(self):
        for deposit in self:
            looked = deposit.chorus_produced_status and not deposit.produced_piece_ids
            deposit.produced_note = looked and self.env._(
                "The project manager's and owner's pieces are not available: Chorus Pro does not show them to the "
                "company for this piece, or has not received them yet.")

    def _produced_due_domain(self, company=None):
        """The contractor's drafts that reached the project manager's answer since the follow-up last looked for
        the pieces produced from them (of ``company``)."""
        domain = [("chorus_piece_id", "!=", 0), ("frame", "in", PRODUCED_FROM_FRAMES),
                  ("chorus_status", "in", recovery.PRODUCED_AFTER_STATUSES)]
        return domain + ([("company_id", "=", company.id)] if company else [])

    @api.model
    def _produced_due(self, company=None, limit=None):
        """The drafts of _produced_due_domain whose status moved since the follow-up last looked, oldest first, as a
        query: two columns compared by the database rather than over every open deposit in Python."""
        query = self._search(self._produced_due_domain(company), order="id", limit=limit)
        query.add_where(SQL("%s IS DISTINCT FROM %s", self._field_to_sql(self._table, "chorus_status"),
                            self._field_to_sql(self._table, "chorus_produced_status")))
        return query

    def _produced_with_file(self):
        """The Chorus Pro ids of the produced pieces whose file is already kept."""
        return set(self.produced_piece_ids.filtered("attachment_id").mapped("chorus_piece_id"))

    def _record_produced(self, way, pieces, files=None):
        """Keep the pieces the MOE / MOA produced (core ProducedPiece list, found by ``way``), one row per
        Chorus Pro piece, updated when seen again, with its file (``files``: id -> core PieceCopy, or the error that
        refused it) attached to the situation; the status looked at is kept so that it is not asked twice."""
        self.ensure_one()
        Produced = self.env["ediflex.chorus.produced.piece"].sudo()
        known = {row.chorus_piece_id: row for row in self.produced_piece_ids if row.chorus_piece_id}
        for piece in pieces:
            values = Produced._values(piece)
            piece_file = (files or {}).get(piece.id)
            if piece_file is not None and not isinstance(piece_file, ChorusError):
                values["attachment_id"] = self._produced_attachment(piece, piece_file).id
            row = known.get(piece.id)
            if row:
                row.write(values)
            else:
                row = Produced.create({**values, "deposit_id": self.id})
                self.situation_id._message_log(body=self.env._(
                    "Chorus Pro: %(frame)s %(piece)s retains %(retained)s for %(presented)s presented "
                    "(difference %(difference)s).", frame=piece.frame or "", piece=piece.number,
                    retained=format_amount(self.env, row.amount_retained, self.currency_id),
                    presented=format_amount(self.env, self.amount_due, self.currency_id),
                    difference=format_amount(self.env, row.amount_difference, self.currency_id)))
        self.write({"chorus_produced_status": self.chorus_status, "chorus_produced_way": way or False})

    chorus_waiting = fields.Boolean(
        string="Waiting for the Company on Chorus Pro", readonly=True, copy=False, index=True,
        help="Chorus Pro lists the piece among those the company must act on (complete, recycle...).")

    def _mark_waiting(self, company, piece_ids):
        """Chorus Pro lists these piece ids as waiting for the company: mark those deposits, unmark the others."""
        listed = self.search([("company_id", "=", company.id), ("chorus_piece_id", "in", list(piece_ids) or [-1])])
        (listed - listed.filtered("chorus_waiting")).write({"chorus_waiting": True})
        self.search([("company_id", "=", company.id), ("chorus_waiting", "=", True),
                     ("id", "not in", listed.ids)]).write({"chorus_waiting": False})

    def _produced_attachment(self, piece, piece_file):
        """The file Chorus Pro holds for a produced piece, attached to the situation."""
        extension = "pdf" if piece_file.container == "pdf" else "zip"
        return self.env["ir.attachment"].sudo().create({
            "name": f"{piece.number or piece.id}-chorus-pro.{extension}", "raw": piece_file.content,
            "res_model": "ediflex.situation", "res_id": self.situation_id.id, "company_id": self.company_id.id,
        })

    def _compute_sent_sha256(self):
        for deposit in self:
            # The web client reads with bin_size: the attachment's raw would then be its size text, not its bytes.
            raw = deposit.attachment_id.sudo().with_context(bin_size=False).raw
            deposit.sent_sha256 = recovery.sha256(raw) if raw else False

    def _copy_due_domain(self, company=None):
        """The deposits whose piece is on Chorus Pro and whose copy was never downloaded (of ``company``)."""
        domain = [("chorus_piece_id", "!=", 0), ("chorus_copy_check", "=", False)]
        return domain + ([("company_id", "=", company.id)] if company else [])

    def _record_copy(self, piece_copy):
        """Keep Chorus Pro's copy (core PieceCopy) and whether it agrees with the PDF sent; or, given the error
        that refused it, say the copy is not available."""
        self.ensure_one()
        if isinstance(piece_copy, ChorusError):
            self.write({"chorus_copy_check": "unavailable", "chorus_copy_date": fields.Datetime.now(),
                        "chorus_copy_note": str(piece_copy)[:250]})
            return
        extension = "pdf" if piece_copy.container == "pdf" else "zip"
        attachment = self.env["ir.attachment"].sudo().create({
            "name": f"{self.piece_number}-chorus-pro.{extension}", "raw": piece_copy.content,
            "res_model": self._name, "res_id": self.id, "company_id": self.company_id.id,
        })
        # The bytes sent, whatever context calls this (bin_size would give the size text; see _compute_sent_sha256).
        agrees = piece_copy.agrees_with(self.attachment_id.sudo().with_context(bin_size=False).raw or b"")
        self.write({"chorus_copy_id": attachment.id, "chorus_copy_check": "agree" if agrees else "differ",
                    "chorus_copy_date": fields.Datetime.now(), "chorus_copy_sha256": piece_copy.sha256 or False})
        if not agrees:
            self.situation_id._message_log(body=self.env._(
                "Chorus Pro's copy of %(piece)s differs from the PDF sent: compare them on the deposit.",
                piece=self.piece_number))
