"""Chorus Pro REST client: the operations (structures, works pieces, flows, statuses) and their typed answers.

The session (PISTE token cache, technical account, HTTP, errors, streamed bodies) is session.Session; every
answer of Chorus Pro is read here into typed values, so that the addon's models never read a JSON key.
"""

import datetime
from dataclasses import dataclass

from . import endpoints as ep
from . import history
from .checks import StructureRules
from .errors import ChorusBusinessError, ChorusError, ChorusProtocolError
from .session import (  # noqa: F401 (Credentials, TOKEN_OPERATION and clear_token_cache: the client's API too)
    TOKEN_OPERATION,
    Credentials,
    Session,
    _as_int,
    _Base64Body,
    clear_token_cache,
)


def _extension(name):
    """The extension of a file name, upper case, without the dot ("" when there is none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.upper() if dot and stem else ""



class ChorusClient(Session):
    """Client of the Chorus Pro API through the PISTE gateway: the operations of the session."""

    # ------------------------------------------------------------------ pages

    def _pages(self, operation, body, first=None):
        """Each page of a paginated search, as a list, until pageCourante >= pages (``first``: the answer to page 1,
        when the caller has it already)."""
        list_key = ep.PAGINATION[operation][1]
        page = 1
        while True:
            answer = first if page == 1 and first is not None else self._page(operation, body, page)
            chunk = answer.get(list_key) or []
            if not isinstance(chunk, list):
                raise ChorusProtocolError(f"{list_key} is not a list", code="malformed", operation=operation)
            yield chunk
            info = answer.get("parametresRetour") or {}
            current = _as_int(info.get("pageCourante"), page)
            pages = _as_int(info.get("pages"), current)
            if current >= pages or not chunk:
                return
            if current != page or page >= ep.MAX_PAGES:
                raise ChorusProtocolError(f"page {page} was asked, page {current} of {pages} came back",
                                          code="pagination", operation=operation)
            page += 1

    def _page(self, operation, body, page):
        """The answer to one page of a paginated search."""
        paging_key = ep.PAGINATION[operation][0]
        return self._call_or_empty(operation, {**body, paging_key: {
            **(body.get(paging_key) or {}), "pageResultatDemandee": page, "nbResultatsParPage": self.page_size}})

    def _call_or_empty(self, operation, body):
        """The answer of a search; a documented "no result" code gives an empty answer, not an error."""
        try:
            return self.call(operation, body)
        except ChorusBusinessError as error:
            if error.code in ep.NO_RESULT_CODES.get(operation, ()):
                return {}
            raise

    def _all_pages(self, operation, body):
        """Every item of a paginated search."""
        return [item for chunk in self._pages(operation, body) for item in chunk]

    # ------------------------------------------------------------------ structures

    def search_structures(self, siret):
        """Structures whose identifier is this SIRET (listeStructures)."""
        body = {"structure": {"identifiantStructure": siret, "typeIdentifiantStructure": ep.SIRET_TYPE}}
        return self._all_pages("structures_search", body)

    def find_structure_id(self, siret):
        """The Chorus Pro id (idStructureCPP) of the structure with this SIRET, or None."""
        for structure in self.search_structures(siret):
            if structure.get("identifiantStructure") == siret:
                return structure.get("idStructureCPP")
        return None

    def consult_structure(self, id_structure):
        """A structure's details and rules (parametres: service code / commitment required...)."""
        return self.call("structures_consult", {"idStructureCPP": id_structure})

    def search_services(self, id_structure):
        """Every service of a structure (listeServices, all pages)."""
        return self._all_pages("structures_services", {"idStructure": id_structure})

    def structure_rules(self, id_structure):
        """What a structure requires on the pieces it receives, as StructureRules."""
        return StructureRules.from_chorus(self.consult_structure(id_structure))

    def services(self, id_structure):
        """The services of a structure as Service values, one per code (the first listed), those without a code
        left out."""
        found = {}
        for item in self.search_services(id_structure):
            service = Service.from_answer(item)
            if service is not None:
                found.setdefault(service.code, service)
        return tuple(found.values())

    # ------------------------------------------------------------------ works pieces

    def upload_file(self, name, content, mime_type="application/pdf"):
        """Upload an attachment (transverses ajouter/fichier) and return its pieceJointeId.

        The JSON body is streamed: the base64 text is encoded chunk by chunk while it is sent, so that a large
        file is never held as base64 text, JSON text and JSON bytes at once.
        """
        fields_ = {"pieceJointeNom": name, "pieceJointeTypeMime": mime_type,
                   "pieceJointeExtension": _extension(name)}
        answer = self.call("file_upload", _Base64Body(fields_, "pieceJointeFichier", content))
        # Sent back as pieceJointePrincipaleId, an int64 in the Swagger: an id given as text is read as a number.
        attachment_id = _as_int(answer.get("pieceJointeId"), None)
        if attachment_id is None:
            raise ChorusProtocolError("the upload answer has no pieceJointeId", code="malformed",
                                      operation="file_upload")
        return attachment_id

    def submit_works(self, payload, path=None):
        """Submit a works piece (facturesTravaux soumettre, or ``path``): a dict, or the exact JSON bytes to send;
        returns a SubmitResult."""
        answer = self.call("works_submit", payload, path=path)
        for key in ep.WORKS_SUBMIT_ID_KEYS:
            piece_id = _as_int(answer.get(key), None)
            if piece_id:
                return SubmitResult(piece_id=piece_id, id_key=key)
        return SubmitResult(piece_id=None)

    def works_pages(self, since=None, until=None, first=None):
        """The supplier's works pieces whose status changed in [since, until], page by page (WorksPiece lists)."""
        for chunk in self._pages("works_search", _works_period(since, until), first):
            yield [piece for piece in map(WorksPiece.from_answer, chunk) if piece is not None]

    def works_stretch(self, since, until, max_pages):
        """The first stretch [since, end] of [since, until] whose works search holds at most ``max_pages`` pages (the
        period halved until it does, or until it is as short as ep.WORKS_SHORTEST_STRETCH), as (end, its pages of
        WorksPiece lists): a backlog larger than one run can read is read stretch by stretch, each one whole."""
        end = until
        while True:
            first = self._page("works_search", _works_period(since, end), 1)
            pages = _as_int((first.get("parametresRetour") or {}).get("pages"), 1)
            if pages <= max_pages or end - since <= ep.WORKS_SHORTEST_STRETCH:
                return end, self.works_pages(since, end, first)
            end = since + (end - since) / 2

    def find_works_piece(self, piece_number, since=None):
        """The works piece numbered piece_number whose status changed since ``since``, or None.

        The works search has no filter by number: the period is searched and the number matched here.
        """
        for chunk in self.works_pages(since=since):
            for piece in chunk:
                if piece.number == piece_number:
                    return piece
        return None

    def check_connection(self, siret):
        """Each step of a connection in order, until one fails: PISTE token, technical account (a structure
        search), the company's structure found from its SIRET, the works space (the works search answers).
        """
        steps, structure_id = [], None
        for step in CONNECTION_STEPS:
            try:
                if step == "token":
                    self._token()
                elif step == "account":
                    structure_id = self.find_structure_id(siret)
                elif step == "structure" and not structure_id:
                    raise ChorusBusinessError("no structure with this SIRET", code="not_found",
                                              operation="structures_search")
                elif step == "works":
                    next(self.works_pages(), None)
            except ChorusError as error:
                steps.append((step, error))
                break
            steps.append((step, None))
        return ConnectionCheck(structure_id=structure_id, steps=tuple(steps))

    def deposit_flow(self, name, content, syntax=ep.FLOW_SYNTAX_FACTURX):
        """Deposit a file flow (factures deposer/flux, body streamed) and return its numeroFluxDepot."""
        fields_ = {"nomFichier": name, "syntaxeFlux": syntax, "avecSignature": False}
        answer = self.call("flow_deposit", _Base64Body(fields_, "fichierFlux", content))
        number = answer.get("numeroFluxDepot")
        if not isinstance(number, str) or not number:
            raise ChorusProtocolError("the flow deposit answer has no numeroFluxDepot", code="malformed",
                                      operation="flow_deposit")
        return number

    def flow_report(self, flow_number):
        """The result of a deposited flow (transverses consulterCRDetaille) as a FlowReport."""
        answer = self.call("flow_report", {"numeroFluxDepot": flow_number})
        errors = tuple(_error_text(item) for key in ep.FLOW_ERROR_LISTS for item in answer.get(key) or ())
        return FlowReport(state=answer.get("etatCourantDepotFlux") or None, errors=errors)

    def piece_status(self, piece_id):
        """The current status code of one piece (factures consulter/historique), or None."""
        answer = self.call("invoice_history", {"idFacture": piece_id})
        return answer.get("statutCourantCode") or None

    def piece_history(self, piece_id):
        """One piece's statuses with Chorus Pro's dates and comments (factures consulter/historique), oldest first."""
        return history.parse_history(self.call("invoice_history", {"idFacture": piece_id}))


CONNECTION_STEPS = ("token", "account", "structure", "works")


@dataclass(frozen=True)
class ConnectionCheck:
    """What a connection test found: the structure id, and each step tried with its error (None when it worked)."""

    structure_id: int | None
    steps: tuple

    @property
    def ok(self):
        """Whether every step was tried and worked."""
        return len(self.steps) == len(CONNECTION_STEPS) and not any(error for _step, error in self.steps)


@dataclass(frozen=True)
class FlowReport:
    """A deposited flow's state (etatCourantDepotFlux) and Chorus Pro's errors, each as one line of text."""

    state: str | None
    errors: tuple = ()

    @property
    def integrated(self):
        """Whether Chorus Pro made pieces of the flow."""
        return self.state in ep.FLOW_INTEGRATED

    @property
    def rejected(self):
        """Whether Chorus Pro refused the flow."""
        return self.state in ep.FLOW_REJECTED


def _error_text(item):
    """One error of a flow report as text: its values joined, whatever its keys (they are not documented)."""
    if isinstance(item, dict):
        return " - ".join(str(value) for value in item.values() if value not in (None, ""))
    return str(item)


@dataclass(frozen=True)
class Service:
    """One service of a structure as Chorus Pro lists it (listeServices)."""

    code: str
    name: str | None = None
    id: int | None = None
    active: bool = True

    @classmethod
    def from_answer(cls, item):
        """A Service from one item of listeServices, or None when it has no code."""
        if not isinstance(item, dict) or not item.get("codeService"):
            return None
        return cls(code=item["codeService"], name=item.get("libelleService"),
                   id=_as_int(item.get("idService"), None), active=bool(item.get("estActif", True)))


@dataclass(frozen=True)
class SubmitResult:
    """What a works submission surely returned: the piece id when the answer carried one."""

    piece_id: int | None
    id_key: str | None = None


@dataclass(frozen=True)
class WorksPiece:
    """One works piece as the works search lists it (ids and amounts may come as strings); id None = unknown."""

    id: int | None
    number: str
    status: str | None
    status_at: datetime.datetime | None = None  # naive UTC, when Chorus Pro gave the status
    deposited_on: datetime.date | None = None  # the deposit date Chorus Pro gives (history.DEPOSIT_DATE_KEYS)

    @classmethod
    def from_answer(cls, item):
        """A WorksPiece from one item of listeFacturesTravaux, or None when it has no usable id or number."""
        if not isinstance(item, dict):
            return None
        piece_id = _as_int(item.get(ep.WORKS_PIECE_ID), None)
        number = item.get(ep.WORKS_PIECE_NUMBER)
        if not piece_id or not isinstance(number, str) or not number:
            return None
        return cls(id=piece_id, number=number, status=item.get(ep.WORKS_PIECE_STATUS) or None,
                   status_at=_parse_timestamp(item.get(ep.WORKS_PIECE_STATUS_AT)),
                   deposited_on=history.deposit_date(item))


def _works_period(since, until):
    """The works search's body for the pieces whose status changed in [since, until] (either bound None: open)."""
    body = {"roleUtilisateur": ep.SUPPLIER_ROLE}
    if since is not None:
        body[ep.WORKS_PERIOD_FROM] = _timestamp(since)
    if until is not None:
        body[ep.WORKS_PERIOD_TO] = _timestamp(until)
    return body


def _timestamp(moment):
    """An aware ISO 8601 date-time for the search periods (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.isoformat(timespec=ep.PERIOD_TIMESPEC)


def _parse_timestamp(text):
    """A naive UTC datetime from Chorus Pro's date-time text, or None when it is absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment
