"""The two roads of a deposit to Chorus Pro, and the protocol rules that matter most: never twice, never falsely
rejected. Plain Python (no Odoo): the connector locks, commits, calls ``send`` once and writes its outcome.

- ``WorksRoad``: the works invoicing API. The PDF is uploaded, then the frozen JSON body is submitted with the
  uploaded file's id.
- ``FlowRoad``: the Factur-X PDF (its CII XML embedded) deposited as a flow; its piece comes when Chorus Pro
  integrates the flow (the status follow-up).

Both share ``freeze(frame, situation)``: what will be sent, fixed at the situation's transition; and
``send(client, frozen, tried_before, since)``: one attempt, which returns a typed outcome and never raises a
ChorusError. After an attempt whose outcome is unknown (``tried_before``), the piece is looked up first; a
submission refused while the piece is already there (a lost answer before) is the piece found, not a rejection.
"""

# The core imports no Odoo, so there is no env here: ``_`` only marks the template, translated by the deposit model
# with env._. pylint-odoo's prefer-env-translation does not apply.
# pylint: disable=prefer-env-translation

import dataclasses
import datetime
import json
import logging
from dataclasses import dataclass

from . import checks, facturx, works
from .checks import _
from .endpoints import FLOW_SYNTAX_FACTURX
from .errors import ChorusBusinessError, ChorusError

_logger = logging.getLogger(__name__)

WORKS_API = "works_api"
FACTURX_FLOW = "facturx_flow"
# A search period starts this much before the first attempt: clocks of Odoo and Chorus Pro may differ.
CLOCK_MARGIN = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Frozen:
    """A deposit as it will be sent: the exact body, the document, and the piece number that identifies it.

    ``body`` is, on the works road, the JSON submitted, whose main attachment gets its file id at send time
    (the only value not known before); on the flow road, the CII XML embedded in ``document``.
    """

    body: bytes
    document: works.Document
    piece_number: str


# ---------------------------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave. ``file_id`` and ``body``: the file uploaded and the exact body submitted, if any."""

    file_id: int | None = None
    body: bytes | None = None


@dataclass(frozen=True)
class PieceCreated(Outcome):
    """Chorus Pro took the submission; ``piece_id`` only when it gave it (else the follow-up finds it)."""

    piece_id: int | None = None
    status: str | None = None
    status_at: datetime.datetime | None = None


@dataclass(frozen=True)
class PieceFound(Outcome):
    """The piece is already on Chorus Pro (an earlier attempt reached it): found by its number, never sent twice."""

    piece_id: int | None = None
    status: str | None = None
    status_at: datetime.datetime | None = None


@dataclass(frozen=True)
class FlowDeposited(Outcome):
    """Chorus Pro took the flow: its number, whose report says later whether it became a piece."""

    flow_number: str = ""


@dataclass(frozen=True)
class Failed(Outcome):
    """Nothing surely reached Chorus Pro: a transient failure (retried) or a refusal a person must handle."""

    error: ChorusError | None = None

    @property
    def retryable(self):
        """Whether the failure may pass by itself (network, server): the deposit is retried automatically."""
        return bool(getattr(self.error, "retryable", False))

    @property
    def code(self):
        """Chorus Pro's code of the failure, if it gave one."""
        return getattr(self.error, "code", None)

    @property
    def label(self):
        """Chorus Pro's label of the failure, if it gave one."""
        return getattr(self.error, "label", None)


# ---------------------------------------------------------------------------------------------- roads


class _Road:
    """What both roads share: the look-up by number before a resend."""

    name = ""

    @staticmethod
    def find(client, frozen, since):
        """The piece of ``frozen`` on Chorus Pro (a WorksPiece), searched from ``since``, or None."""
        return client.find_works_piece(frozen.piece_number, since=since - CLOCK_MARGIN)

    def send(self, client, frozen, tried_before, since):
        """One attempt: the piece found if an earlier attempt reached Chorus Pro, else a deposit by this road."""
        try:
            piece = self.find(client, frozen, since) if tried_before else None
            if piece is not None:
                return PieceFound(piece_id=piece.id, status=piece.status, status_at=piece.status_at)
            return self._deposit(client, frozen, since)
        except ChorusError as error:
            _logger.info("Chorus Pro deposit %s failed: %s", frozen.piece_number, error)
            return Failed(error=error)

    def _deposit(self, client, frozen, since):
        raise NotImplementedError


class WorksRoad(_Road):
    """The works invoicing API: upload the PDF, then submit the frozen body with the uploaded file's id."""

    name = WORKS_API

    def freeze(self, frame, situation):
        """(Frozen, problems): the works body of ``situation`` as ``frame``, without its file id yet."""
        payload = works.build_works_payload(frame, situation)
        number = works.piece_number(situation.piece_number, frame)
        return Frozen(body=_dump(payload), document=situation.document, piece_number=number), []

    @staticmethod
    def body(frozen, file_id):
        """The exact bytes submitted: the frozen body whose main attachment (in its frozen shape) is the uploaded
        file ``file_id``."""
        payload = json.loads(frozen.body)
        as_list = isinstance(payload.get("pieceJointePrincipale"), list)
        return _dump(works.with_attachment(payload, file_id, as_list=as_list))

    def _deposit(self, client, frozen, since):
        document = frozen.document
        file_id = client.upload_file(document.name, document.content, document.mime_type)
        body = self.body(frozen, file_id)
        try:
            result = client.submit_works(body)
        except ChorusBusinessError as error:
            return self._after_rejection(client, frozen, since, Failed(file_id=file_id, body=body, error=error))
        except ChorusError as error:
            _logger.info("Chorus Pro deposit %s failed: %s", frozen.piece_number, error)
            return Failed(file_id=file_id, body=body, error=error)
        if result.piece_id:
            return PieceCreated(file_id=file_id, body=body, piece_id=result.piece_id)
        # The answer carried no id: find the piece by its number now, or leave it to the status follow-up. The
        # piece is on Chorus Pro either way: a failing look-up must not turn a success into an error.
        try:
            found = self.find(client, frozen, since)
        except ChorusError as error:
            _logger.info("Chorus Pro piece %s sent, its id not found yet: %s", frozen.piece_number, error)
            found = None
        if found is None:
            return PieceCreated(file_id=file_id, body=body)
        return PieceCreated(file_id=file_id, body=body, piece_id=found.id, status=found.status,
                            status_at=found.status_at)

    def _after_rejection(self, client, frozen, since, failed):
        """A rejected submission: the piece found when its number is already there (an answer lost before), else
        the rejection. A failing look-up is the attempt failing: nothing says whether the piece is there."""
        try:
            found = self.find(client, frozen, since)
        except ChorusError as error:
            return dataclasses.replace(failed, error=error)
        if found is None:
            return failed
        return PieceFound(file_id=failed.file_id, body=failed.body, piece_id=found.id, status=found.status,
                          status_at=found.status_at)


class FlowRoad(_Road):
    """The Factur-X flow: the PDF with its CII XML deposited as a flow (syntax: a company setting)."""

    name = FACTURX_FLOW

    def __init__(self, syntax=None):
        self.syntax = syntax or FLOW_SYNTAX_FACTURX

    def freeze(self, frame, situation):
        """(Frozen, problems): the CII XML of ``situation``, checked against the XSD, embedded in its PDF."""
        xml = facturx.build_cii_xml(frame, situation)
        problems = [checks.Problem.of("facturx", _(
            "The Factur-X file of this situation is not valid (%(error)s): correct the situation's data."),
            error=error) for error in facturx.check_cii_xml(xml)]
        if problems:
            return None, problems
        content = facturx.build_facturx_pdf(situation.document.content, xml)
        document = dataclasses.replace(situation.document, content=content)
        return Frozen(body=xml, document=document, piece_number=works.piece_number(situation.piece_number, frame)), []

    def _deposit(self, client, frozen, since):
        document = frozen.document
        return FlowDeposited(flow_number=client.deposit_flow(document.name, document.content, self.syntax))


def road(name, flow_syntax=None):
    """The road called ``name`` (a company's setting, fixed on each deposit)."""
    return FlowRoad(flow_syntax) if name == FACTURX_FLOW else WorksRoad()


def _dump(payload):
    """The JSON bytes of a works body, always written the same way (sorted keys, UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
