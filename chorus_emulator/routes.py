"""The route table: every operation the emulator serves, its handler, method and extra request schema, in one place.

The handlers stand side by side in ``families/``, one module per API family of Chorus Pro; a route's path is its
operation's in ``config.SERVED_OPERATIONS`` (the notes' and the official Swaggers' paths, ``facts.OPERATIONS``).
"""

import dataclasses

from . import schemas
from .config import SERVED_OPERATIONS
from .families import factures, factures_recovery, factures_travaux, structures, transverses


@dataclasses.dataclass(frozen=True)
class Route:
    """One operation served by the emulator."""

    name: str
    handler: object
    method: str = "POST"
    schema: dict | None = None  # request schema of routes outside the official Swaggers
    strict: bool = False  # whether fields the schema does not declare are refused

    @property
    def path(self):
        """The operation's path, e.g. /cpro/facturesTravaux/v1/soumettre."""
        return SERVED_OPERATIONS[self.name]


ROUTES = (
    # transverses
    Route("health_check", transverses.health, method="GET"),
    Route("file_upload", transverses.upload, schema=schemas.FILE_UPLOAD),
    Route("flow_report", transverses.flow_report, schema=schemas.FLOW_REPORT),
    # structures
    Route("structures_search", structures.search),
    Route("structures_consult", structures.consult),
    Route("structures_services", structures.services),
    Route("structures_service_consult", structures.service_consult),
    Route("structures_spaces", structures.spaces),
    Route("structures_user_links", structures.user_links),
    # factures
    Route("invoice_pdf_deposit", factures.deposit_pdf, schema=schemas.PDF_DEPOSIT),
    Route("invoice_submit", factures.submit_invoice, schema=schemas.SUBMIT),
    Route("flow_deposit", factures.deposit_flow, schema=schemas.FLOW_DEPOSIT),
    Route("invoice_search_supplier", factures.search_supplier),
    Route("invoice_history", factures.history, schema=schemas.HISTORY),
    Route("invoice_download", factures_recovery.download),
    Route("invoice_consult_supplier", factures_recovery.consult),
    Route("invoice_to_handle", factures_recovery.to_handle),
    Route("invoice_complete", factures_recovery.complete),
    Route("invoice_recycle", factures_recovery.recycle),
    # facturesTravaux
    Route("works_submit", factures_travaux.submit_works, schema=schemas.SUBMIT),
    Route("works_submit_legacy", factures_travaux.submit_works, schema=schemas.SUBMIT),
    Route("works_search", factures_travaux.search_works, schema=schemas.WORKS_SEARCH, strict=True),
)


def build_routes():
    """path -> Route of every route of the table."""
    return {route.path: route for route in ROUTES}
