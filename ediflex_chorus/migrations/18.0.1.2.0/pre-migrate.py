"""18.0.1.2.0: one word for a Chorus Pro piece (issue 15). Two columns of the deposit are renamed, with their data:

chorus_invoice_id -> chorus_piece_id, chorus_attachment_id -> chorus_file_id.

Renamed before the registry loads the new fields: without this, Odoo would create the new columns empty and drop
the old ones with their ids, and the follow-up would no longer find the pieces already deposited.
"""

import logging

_logger = logging.getLogger(__name__)

TABLE = "ediflex_chorus_deposit"
MODEL = "ediflex.chorus.deposit"
RENAMED = {"chorus_invoice_id": "chorus_piece_id", "chorus_attachment_id": "chorus_file_id"}


def _column_exists(cr, column):
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
               (TABLE, column))
    return bool(cr.fetchone())


def _rename_field(cr, old, new):
    # The column with its values, its index, and the field's metadata (ir.model.fields and its xml id), so that
    # what points at the field (tracking values, exports, filters by field) follows it.
    cr.execute(f'ALTER TABLE "{TABLE}" RENAME COLUMN "{old}" TO "{new}"')
    cr.execute(f'ALTER INDEX IF EXISTS "{TABLE}__{old}_index" RENAME TO "{TABLE}__{new}_index"')
    cr.execute("UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", (new, MODEL, old))
    model_part = MODEL.replace(".", "_")
    cr.execute("UPDATE ir_model_data SET name = %s WHERE module = 'ediflex_chorus' AND model = 'ir.model.fields' "
               "AND name = %s", (f"field_{model_part}__{new}", f"field_{model_part}__{old}"))
    _logger.info("ediflex_chorus: deposit field %s renamed to %s", old, new)


def migrate(cr, version):
    """Rename the deposit's piece and file id columns, keeping their values."""
    if not version:
        return
    for old, new in RENAMED.items():
        if _column_exists(cr, old) and not _column_exists(cr, new):
            _rename_field(cr, old, new)
