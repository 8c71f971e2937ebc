"""The deposit diagnostic: which road, and which variant of its uncertain facts, Chorus Pro's qualification takes.

Pure module (no Odoo). Given a client of the **qualification** and a test situation between the company and
public bodies of the sandbox's data set, ``run`` deposits one test piece per variant and returns typed results:

- works road (upload, then the works submission): each candidate path of ``WORKS_SUBMIT_PATHS`` x each shape
  of pieceJointePrincipale (list or object), and for a co-contractor's or subcontractor's piece x each place of
  its partner (``works.PARTNER_PLACEMENTS``); the answer tells under which key (``WORKS_SUBMIT_ID_KEYS``) the
  piece id comes, if any. A path that answers "unknown route" is not tried again with the other variants;
- Factur-X road (``deposer/flux``): each flow syntax asked x each spelling of the frame in BT-23 (the short
  code "A4", Chorus Pro's convention for invoices, or the full code); each flow's report is read
  (``consulterCRDetaille``) until it is integrated or rejected, or the wait is over;
- at the end one pass of the works search says which accepted pieces it lists (what the status follow-up uses).

The test piece is the company's role's monthly draft (``role_frame``): A4 as main contractor, A13 as co-contractor
(naming the mandatary), A10 as subcontractor (naming the main contractor). Nothing is recorded here; the pieces
accepted stay on the qualification, numbered ``DIAG<MMDDhhmmss><code>-A4`` (-A10, -A13) so that nobody takes them
for real deposits. Production is refused before any call.
"""

import dataclasses
import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from . import endpoints as ep
from . import facturx, works
from .checks import check_situation
from .errors import ChorusBusinessError, ChorusError, ChorusRouteError
from .works import Contract, Document, Frame, Situation, SituationLine, build_works_payload, with_attachment

ROAD_WORKS = "works_api"
ROAD_FLOW = "facturx_flow"
ROADS = (ROAD_WORKS, ROAD_FLOW)
PIECE_PREFIX = "DIAG"
STAMP_FORMAT = "%m%d%H%M%S"  # with the prefix, a variant code and "-A4": 19 characters, within the 20 allowed
DEFAULT_FRAME = Frame.A4
MAX_VARIANTS_PER_ROAD = 9  # one digit in the variant code
WAIT_SECONDS = 60.0  # how long flow reports are awaited by default
POLL_SECONDS = (1.0, 2.0, 5.0, 10.0)  # waits between two readings of the pending flows' reports, then the last
SEARCH_MARGIN = datetime.timedelta(minutes=10)  # the works search starts this long before the run (clocks differ)
# What the test piece says it is, in its lines and its contract number.
TEST_LABEL = "DIAGNOSTIC - test piece without value"
TEST_CONTRACT = "DIAGNOSTIC"

# Outcomes of one variant.
ACCEPTED = "accepted"  # Chorus Pro made a piece
REFUSED = "refused"  # a business refusal (the submission) or a rejected flow: Chorus Pro's errors say why
ABSENT = "absent"  # unknown route (HTTP 403/404): the path does not exist, or the API is not subscribed
FAILED = "failed"  # no verdict: network, authentication, server or malformed answer
PENDING = "pending"  # a flow whose report was not final when the wait ended
SKIPPED = "skipped"  # not tried: its path already answered "unknown route"


class DiagnosticRefused(Exception):
    """The diagnostic is not run: production, or a test situation that the checks refuse (``problems``)."""

    def __init__(self, reason, problems=()):
        self.reason = reason
        self.problems = tuple(problems)
        super().__init__(reason)


@dataclass(frozen=True)
class Variant:
    """One way to deposit: its road, a short code ("W1", "F2") and the values of the uncertain facts it tries."""

    road: str
    code: str
    submit_path: str = ""
    attachment_as_list: bool | None = None
    partner_placement: str = ""  # a co-contractor's or subcontractor's piece: where its partner goes (works road)
    flow_syntax: str = ""
    process_id: str = ""
    current: bool = False  # whether the addon deposits this way today (its constants and the company's syntax)


@dataclass(frozen=True)
class Probe:
    """What one variant's test deposit gave: its outcome, the ids Chorus Pro gave and its errors (text)."""

    variant: Variant
    piece_number: str
    outcome: str
    stage: str = ""  # the step that failed: upload, submit, flow_deposit, flow_report
    piece_id: int | None = None
    id_key: str | None = None  # the key of the submission's answer that carried the piece id
    flow_number: str | None = None
    flow_state: str | None = None
    listed: bool | None = None  # whether the works search lists the piece (None: not looked up)
    errors: tuple = ()
    http_status: int | None = None

    @property
    def accepted(self):
        """Whether Chorus Pro made a piece of it."""
        return self.outcome == ACCEPTED


@dataclass(frozen=True)
class Diagnosis:
    """Every probe of one run, and what follows for the company's road (``current_road``: its setting today)."""

    probes: tuple
    current_road: str
    current_syntax: str = ep.FLOW_SYNTAX_FACTURX
    started_at: datetime.datetime | None = None

    def of_road(self, road):
        """The probes of one road, in the order they were tried."""
        return tuple(probe for probe in self.probes if probe.variant.road == road)

    def road_accepted(self, road):
        """Whether some variant of ``road`` was accepted."""
        return any(probe.accepted for probe in self.of_road(road))

    @property
    def roads_accepted(self):
        """The roads on which Chorus Pro accepted a test piece."""
        return tuple(road for road in ROADS if self.road_accepted(road))

    @property
    def recommended_road(self):
        """The company's road if Chorus Pro took it, else the other one if it did, else None."""
        accepted = self.roads_accepted
        if self.current_road in accepted:
            return self.current_road
        return accepted[0] if accepted else None

    @property
    def recommended_syntax(self):
        """The flow syntax to keep: the company's if a flow of it was accepted, else the first accepted one."""
        syntaxes = [probe.variant.flow_syntax for probe in self.of_road(ROAD_FLOW) if probe.accepted]
        if not syntaxes:
            return None
        return self.current_syntax if self.current_syntax in syntaxes else syntaxes[0]

    @property
    def left_on_chorus(self):
        """The probes that left a piece on Chorus Pro's qualification."""
        return tuple(probe for probe in self.probes if probe.accepted)

    @property
    def pending(self):
        """The flows whose report was not final when the wait ended."""
        return tuple(probe for probe in self.probes if probe.outcome == PENDING)

    def to_dict(self):
        """Plain JSON-able data, so that the pending flows can be followed later (``from_dict``)."""
        return {"probes": [dataclasses.asdict(probe) for probe in self.probes], "current_road": self.current_road,
                "current_syntax": self.current_syntax,
                "started_at": self.started_at.isoformat() if self.started_at else None}

    @classmethod
    def from_dict(cls, data):
        """The Diagnosis that ``to_dict`` gave."""
        probes = tuple(Probe(**{**item, "variant": Variant(**item["variant"]), "errors": tuple(item["errors"])})
                       for item in data["probes"])
        started = data.get("started_at")
        return cls(probes, data["current_road"], data["current_syntax"],
                   datetime.datetime.fromisoformat(started) if started else None)


def ensure_qualification(client):
    """Refuse (DiagnosticRefused) a client of production, by its environment or by its API base."""
    production = ep.ENVIRONMENTS["production"]
    if client.environment != "qualification" or client.api_base.rstrip("/") == production.api_base:
        raise DiagnosticRefused("production")


def role_frame(role=works.ROLE_MAIN):
    """The frame of the role's test piece: its monthly draft (A4, A13 or A10)."""
    return works.frame_for("present", False, role)


def plan(syntaxes=(ep.FLOW_SYNTAX_FACTURX,), roads=ROADS, frame=None, role=works.ROLE_MAIN):
    """The variants to try: the addon's current way first on each road, then the other candidates.

    The first syntax is the company's; the addon's way is its constants (the first path of WORKS_SUBMIT_PATHS,
    MAIN_ATTACHMENT_AS_LIST, PARTNER_PLACEMENT for a co-contractor or subcontractor, the frame's short code in
    BT-23) with that syntax. ``frame`` defaults to the role's test frame.
    """
    variants = []
    if ROAD_WORKS in roads:
        shapes = (works.MAIN_ATTACHMENT_AS_LIST, not works.MAIN_ATTACHMENT_AS_LIST)
        placements = [""]
        if role in works.ROLES_WITH_PARTNER:
            others = (placement for placement in works.PARTNER_PLACEMENTS if placement != works.PARTNER_PLACEMENT)
            placements = [works.PARTNER_PLACEMENT, *others]
        combos = [(path, shape, placement) for path in ep.WORKS_SUBMIT_PATHS for shape in shapes
                  for placement in placements]
        variants += [Variant(ROAD_WORKS, f"W{index}", submit_path=path, attachment_as_list=shape,
                             partner_placement=placement, current=(path, shape, placement) == combos[0])
                     for index, (path, shape, placement) in enumerate(combos[:MAX_VARIANTS_PER_ROAD], start=1)]
    if ROAD_FLOW in roads:
        frame = Frame(frame) if frame else role_frame(role)
        spellings = (facturx.business_process_id(frame), frame.value)
        unique = list(dict.fromkeys(syntax.strip() for syntax in syntaxes if syntax and syntax.strip()))
        combos = [(syntax, spelling) for syntax in unique for spelling in spellings]
        variants += [Variant(ROAD_FLOW, f"F{index}", flow_syntax=syntax, process_id=spelling,
                             current=(syntax, spelling) == combos[0])
                     for index, (syntax, spelling) in enumerate(combos[:MAX_VARIANTS_PER_ROAD], start=1)]
    return tuple(variants)


def diagnostic_situation(contractor, owner, manager, pdf_bytes, today, commitment_number="", retention_rate=5,
                         role=works.ROLE_MAIN, partner=None):
    """A small monthly situation between the company (``contractor``) and public bodies of the sandbox.

    One line: a contract of 1,000.00 at 10 % (100.00 excluding VAT, VAT 20 %), the retention at
    ``retention_rate`` %, the period from the first of the month to ``today``; its PDF is ``pdf_bytes``. The company
    is in ``role``, with its ``partner`` (the main contractor or the mandatary, a Party) for the other roles.
    """
    line = SituationLine(TEST_LABEL, Decimal("1000.00"), Decimal("10"), Decimal("0"), Decimal("20"), reference="DIAG")
    return Situation(
        piece_number=PIECE_PREFIX, date=today, period_start=today.replace(day=1), period_end=today, final=False,
        contractor=contractor, contract=Contract(TEST_CONTRACT, commitment_number or "", owner, manager),
        lines=(line,), retention_rate=Decimal(retention_rate), document=Document(f"{PIECE_PREFIX}.pdf", pdf_bytes),
        role=role, partner=partner,
    )


def _numbered(situation, variant, stamp, frame):
    """The test situation numbered for one variant: DIAG<stamp><code>-A4, and its PDF named after it."""
    reference = f"{PIECE_PREFIX}{stamp}{variant.code}"
    number = Situation.number_for(dataclasses.replace(situation, piece_number=reference), frame)
    document = dataclasses.replace(situation.document, name=f"{number}.pdf")
    return dataclasses.replace(situation, piece_number=number, document=document)


def error_text(error):
    """A Chorus Pro error as its code and label ("20002 - Marché inconnu"): Chorus Pro's own words."""
    return " - ".join(str(part) for part in (error.code, error.label) if part not in (None, ""))


def _failure(variant, number, stage, error, **known):
    """The probe of a variant that Chorus Pro refused, or that got no verdict, at ``stage``."""
    if isinstance(error, ChorusRouteError):
        outcome = ABSENT
    elif isinstance(error, ChorusBusinessError):
        outcome = REFUSED
    else:
        outcome = FAILED
    return Probe(variant, number, outcome, stage=stage, errors=(error_text(error),), http_status=error.http_status,
                 **known)


def _probe_works(client, variant, situation, frame):
    """Upload the PDF, then submit the piece on the variant's path with the variant's attachment shape."""
    number = situation.number_for(frame)
    document = situation.document
    try:
        file_id = client.upload_file(document.name, document.content, document.mime_type)
    except ChorusError as error:
        return _failure(variant, number, "upload", error)
    payload = with_attachment(build_works_payload(frame, situation, placement=variant.partner_placement or None),
                              file_id, as_list=variant.attachment_as_list)
    try:
        result = client.submit_works(payload, path=variant.submit_path)
    except ChorusError as error:
        return _failure(variant, number, "submit", error)
    return Probe(variant, number, ACCEPTED, piece_id=result.piece_id, id_key=result.id_key)


def _probe_flow(client, variant, situation, frame):
    """Deposit the Factur-X file with the variant's BT-23 spelling and syntax: pending until its report comes."""
    number = situation.number_for(frame)
    xml = facturx.build_cii_xml(frame, situation, process_id=variant.process_id)
    content = facturx.build_facturx_pdf(situation.document.content, xml)
    try:
        flow_number = client.deposit_flow(situation.document.name, content, variant.flow_syntax)
    except ChorusError as error:
        return _failure(variant, number, "flow_deposit", error)
    return Probe(variant, number, PENDING, flow_number=flow_number)


def _read_report(client, probe):
    """The probe after one reading of its flow's report (still pending when the report is not final)."""
    try:
        report = client.flow_report(probe.flow_number)
    except ChorusError as error:
        return dataclasses.replace(probe, errors=(error_text(error),), http_status=error.http_status)
    if report.integrated:
        return dataclasses.replace(probe, outcome=ACCEPTED, flow_state=report.state, errors=(), http_status=None)
    if report.rejected:
        return dataclasses.replace(probe, outcome=REFUSED, stage="flow_report", flow_state=report.state,
                                   errors=report.errors, http_status=None)
    return dataclasses.replace(probe, flow_state=report.state, errors=())


def _follow_flows(client, probes, wait_seconds, clock, sleep):
    """Read the pending flows' reports (each at least once) until none is pending or ``wait_seconds`` is over."""
    deadline = clock() + wait_seconds
    pauses = iter(POLL_SECONDS)
    while True:
        probes = [_read_report(client, probe) if probe.outcome == PENDING else probe for probe in probes]
        if not any(probe.outcome == PENDING for probe in probes) or clock() >= deadline:
            return probes
        sleep(min(next(pauses, POLL_SECONDS[-1]), max(0.0, deadline - clock())))


def _look_up(client, probes, since):
    """The accepted probes not looked up yet, marked listed or not by one pass of the works search (ids too)."""
    if not any(probe.accepted and probe.listed is None for probe in probes):
        return probes
    try:
        found = {piece.number: piece for page in client.works_pages(since=since) for piece in page}
    except ChorusError:
        return probes  # listed stays unknown: the deposits' verdicts stand
    return [dataclasses.replace(probe, listed=probe.piece_number in found,
                                piece_id=probe.piece_id or getattr(found.get(probe.piece_number), "id", None))
            if probe.accepted and probe.listed is None else probe for probe in probes]


def _skip_absent_paths(variant, probes):
    """Whether an earlier variant's path answered "unknown route": no need to deposit there again."""
    return variant.road == ROAD_WORKS and any(
        probe.outcome == ABSENT and probe.stage == "submit" and probe.variant.submit_path == variant.submit_path
        for probe in probes)


def run(client, situation, variants, current_road=ROAD_WORKS, current_syntax=ep.FLOW_SYNTAX_FACTURX,
        frame=None, wait_seconds=WAIT_SECONDS, now=None, clock=time.monotonic, sleep=time.sleep):
    """Deposit ``situation`` once per variant through ``client`` (qualification only) and return the Diagnosis.

    The situation is checked first like a real one (DiagnosticRefused with the problems); each variant gets its
    own piece number. ``frame`` defaults to the situation's role's test frame. ``now`` (aware, UTC by default),
    ``clock`` and ``sleep`` are there for the tests.
    """
    ensure_qualification(client)
    frame = Frame(frame) if frame else role_frame(situation.role)
    problems = check_situation(situation, frame, production=False)
    if problems:
        raise DiagnosticRefused("invalid_situation", problems)
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.strftime(STAMP_FORMAT)
    probes = []
    for variant in variants:
        numbered = _numbered(situation, variant, stamp, frame)
        if _skip_absent_paths(variant, probes):
            probes.append(Probe(variant, numbered.number_for(frame), SKIPPED, stage="submit"))
        elif variant.road == ROAD_WORKS:
            probes.append(_probe_works(client, variant, numbered, frame))
        else:
            probes.append(_probe_flow(client, variant, numbered, frame))
    diagnosis = Diagnosis(tuple(probes), current_road, current_syntax, now)
    return follow(client, diagnosis, wait_seconds, clock, sleep)


def follow(client, diagnosis, wait_seconds=WAIT_SECONDS, clock=time.monotonic, sleep=time.sleep):
    """``diagnosis`` once its pending flows' reports are read again (up to ``wait_seconds``) and the pieces
    accepted since are looked up in the works search. Qualification only, like ``run``.
    """
    ensure_qualification(client)
    probes = _follow_flows(client, list(diagnosis.probes), wait_seconds, clock, sleep)
    probes = _look_up(client, probes, (diagnosis.started_at or datetime.datetime.now(datetime.UTC)) - SEARCH_MARGIN)
    return dataclasses.replace(diagnosis, probes=tuple(probes))
