from markupsafe import Markup, escape
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus import diagnostic as dg
from ..chorus import endpoints as ep
from ..chorus import recovery, works
from ..models.ediflex_contract import ROLE_SELECTION
from ..models.notification import notification
from ..models.res_company import DEPOSIT_ROADS, PRODUCED_WAYS

# The test piece's PDF: drawn by wkhtmltopdf with the system font the situations use, so that the flow road is
# tried with a file like the real ones (text layer, embedded font).
TEST_PDF_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"/></head>
<body style="font-family: 'DejaVu Sans', sans-serif; font-size: 14px;"><h1>{title}</h1><p>{body}</p></body></html>"""
DEFAULT_WAIT_SECONDS = 20  # flow reports awaited in the button's request; the command waits longer
# Extra flow syntaxes asked at most (each is tried with both spellings of BT-23).
MAX_EXTRA_SYNTAXES = 2
# The form's two steps (the wizard's own, neither a situation's state nor a deposit's).
TO_RUN, RAN = "draft", "done"


class EdiflexChorusDiagnostic(models.TransientModel):
    """Deposit test pieces by each road and variant in qualification, say which Chorus Pro took, set the road."""

    _name = "ediflex.chorus.diagnostic"
    _description = "Chorus Pro Deposit Diagnostic"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 ondelete="cascade")
    environment = fields.Selection(related="company_id.chorus_environment")
    company_partner_id = fields.Many2one(related="company_id.partner_id")
    current_road = fields.Selection(related="company_id.chorus_deposit_road", string="Current Deposit Road")
    owner_id = fields.Many2one(
        "res.partner", string="Project Owner (test)", required=True,
        # Public bodies only: an organisation on Chorus Pro that is not the company (the contractor) itself.
        domain="[('chorus_siret', '!=', False), ('is_company', '=', True), ('id', '!=', company_partner_id)]",
        help="A public body of the qualification's data set, which receives the test pieces.",
    )
    owner_service_id = fields.Many2one("ediflex.chorus.service", string="Executing Service",
                                       domain="[('partner_id', '=', owner_id)]")
    manager_id = fields.Many2one(
        "res.partner", string="Project Manager (test)", required=True, domain=[("chorus_siret", "!=", False)],
        help="The structure of the qualification's data set that validates the test pieces (frame A4).",
    )
    manager_service_id = fields.Many2one("ediflex.chorus.service", string="Project Manager Service",
                                         domain="[('partner_id', '=', manager_id)]")
    commitment_number = fields.Char(help="Only if the test project owner requires one.")
    # The variant of each role: the test piece is the role's monthly draft (A4, A13 or A10) naming its partner.
    chorus_role = fields.Selection(ROLE_SELECTION, string="Company's Role (test)", required=True,
                                   default=works.ROLE_MAIN,
                                   help="The role the test pieces are deposited in: A4 as main contractor, A13 as "
                                   "co-contractor, A10 as subcontractor with direct payment.")
    role_partner_id = fields.Many2one(
        "res.partner", string="Main Contractor or Mandatary (test)", domain=[("chorus_siret", "!=", False)],
        help="A structure of the qualification's data set: the main contractor of a subcontractor, the mandatary of "
        "a co-contractor.",
    )
    role_partner_service_id = fields.Many2one("ediflex.chorus.service", string="Its Service",
                                              domain="[('partner_id', '=', role_partner_id)]")
    extra_syntaxes = fields.Char(
        string="Other Flow Syntaxes",
        help="Flow syntaxes to try besides the company's and IN_DP_E2_CII_FACTURX, separated by commas (at most 2): "
        "the codes of the works flows E4/E5 once known.",
    )
    wait_seconds = fields.Integer(string="Wait for Flow Reports (s)", default=DEFAULT_WAIT_SECONDS)
    state = fields.Selection([(TO_RUN, "To Run"), (RAN, "Done")], default=TO_RUN, required=True)
    report = fields.Html(readonly=True, sanitize=True)
    recommended_road = fields.Selection(DEPOSIT_ROADS, readonly=True)
    recommended_syntax = fields.Char(readonly=True)
    left_numbers = fields.Char(string="Test Pieces Left on Chorus Pro", readonly=True)
    pending_count = fields.Integer(string="Flows Without Final Report", readonly=True)
    diagnosis_data = fields.Json(readonly=True)  # the core's Diagnosis, to follow its pending flows later
    can_apply = fields.Boolean(compute="_compute_can_apply")

    @api.depends("recommended_road", "recommended_syntax", "company_id.chorus_deposit_road",
                 "company_id.chorus_flow_syntax")
    def _compute_can_apply(self):
        for wizard in self:
            company, road = wizard.company_id, wizard.recommended_road
            wizard.can_apply = bool(road) and (road != company.chorus_deposit_road or (
                road == dg.ROAD_FLOW and bool(wizard.recommended_syntax)
                and wizard.recommended_syntax != company.chorus_flow_syntax))

    # ------------------------------------------------------------------ buttons

    def action_run(self):
        """Deposit the test pieces, write the report in the form, and offer the road Chorus Pro took."""
        self.ensure_one()
        self._store(self._diagnose())
        return self._reopen()

    def action_follow(self):
        """Read the reports of the flows still pending again, and update the report."""
        self.ensure_one()
        if not self.diagnosis_data:
            raise UserError(self.env._("Run the diagnostic first."))
        self._store(self.env["ediflex.chorus.connector"]._follow_diagnosis(
            self._qualification_company(), dg.Diagnosis.from_dict(self.diagnosis_data), max(0, self.wait_seconds)))
        return self._reopen()

    def _store(self, diagnosis):
        """Keep what the form shows of ``diagnosis``: the report, the road and syntax to offer, the pieces left."""
        self.write({
            "state": RAN,
            "diagnosis_data": diagnosis.to_dict(),
            "pending_count": len(diagnosis.pending),
            "report": self._report_html(diagnosis),
            "recommended_road": diagnosis.recommended_road,
            "recommended_syntax": diagnosis.recommended_syntax or False,
            "left_numbers": ", ".join(probe.piece_number for probe in diagnosis.left_on_chorus) or False,
        })

    def action_apply(self):
        """Set the company's deposit road (and flow syntax) to what Chorus Pro accepted."""
        self.ensure_one()
        if not self.recommended_road:
            raise UserError(self.env._("Chorus Pro accepted no road: there is nothing to apply."))
        values = {"chorus_deposit_road": self.recommended_road}
        if self.recommended_road == dg.ROAD_FLOW and self.recommended_syntax:
            values["chorus_flow_syntax"] = self.recommended_syntax
        self.company_id.write(values)
        return notification(self.env._("Deposit road of %(company)s: %(road)s.", company=self.company_id.name,
                                       road=self._road_label(self.recommended_road)))

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Deposit Diagnostic")}

    # ------------------------------------------------------------------ running

    def _diagnose(self):
        """The core's Diagnosis of this company, or a UserError in French saying why it is not run."""
        company = self._qualification_company()
        variants = dg.plan(self._syntaxes(), role=self.chorus_role)
        try:
            return self.env["ediflex.chorus.connector"]._diagnose(company, self._test_situation(), variants,
                                                                  max(0, self.wait_seconds))
        except dg.DiagnosticRefused as refused:
            raise UserError(self._refusal_text(refused.reason, refused.problems)) from None

    def _qualification_company(self):
        # Test pieces go to the qualification platform only (the core refuses a production client too).
        company = self.company_id.sudo()
        if company.chorus_environment != "qualification":
            raise UserError(self._refusal_text("production"))
        return company

    def _refusal_text(self, reason, problems=()):
        if reason == "production":
            return self.env._("The deposit diagnostic runs in qualification only: it deposits test pieces, which "
                              "must never reach production. Switch the company to qualification to run it.")
        deposit = self.env["ediflex.chorus.deposit"]
        return self.env._("The test situation cannot be deposited:\n%(problems)s",
                          problems="\n".join(f"- {deposit._problem_text(problem)}" for problem in problems))

    def _syntaxes(self):
        """The flow syntaxes to try: the company's, the default Factur-X one, then the extra ones asked."""
        extra = [code.strip() for code in (self.extra_syntaxes or "").split(",") if code.strip()]
        return (self.company_id.chorus_flow_syntax or ep.FLOW_SYNTAX_FACTURX, ep.FLOW_SYNTAX_FACTURX,
                *extra[:MAX_EXTRA_SYNTAXES])

    def _test_situation(self):
        """The core's test situation: the company, the chosen public bodies, a PDF saying it is a test."""
        company = self.company_id.sudo()
        contractor = works.Party(siret=(company.chorus_siret or "").strip(), name=company.name,
                                 id_structure=company.chorus_structure_id or None)
        return dg.diagnostic_situation(
            contractor, self.owner_id._chorus_party(self.owner_service_id),
            self.manager_id._chorus_party(self.manager_service_id), self._test_pdf(),
            fields.Date.context_today(self), commitment_number=self.commitment_number or "", role=self.chorus_role,
            partner=self._test_partner(),
        )

    def _test_partner(self):
        """The test partner of a co-contractor or subcontractor (None for the main contractor, or when not chosen)."""
        if self.chorus_role == works.ROLE_MAIN or not self.role_partner_id:
            return None
        return self.role_partner_id._chorus_party(self.role_partner_service_id)

    def _test_pdf(self):
        """A one-page PDF saying the piece is a test without value, drawn by the report engine's wkhtmltopdf."""
        html = TEST_PDF_HTML.format(
            title=escape(self.env._("Deposit diagnostic: test piece")),
            body=escape(self.env._("This piece tests the deposit on Chorus Pro's qualification. It has no value and "
                                   "must not be processed.")),
        )
        return self.env["ir.actions.report"]._run_wkhtmltopdf([html])

    # ------------------------------------------------------------------ the report, in the user's language

    @api.model
    def _road_label(self, road):
        return dict(self._fields["recommended_road"]._description_selection(self.env)).get(road, road or "")

    def _report_sections(self, diagnosis):
        """The report as (title, lines) per road tried, then the conclusion's lines."""
        sections = []
        for road in dg.ROADS:
            probes = diagnosis.of_road(road)
            if probes:
                verdict = self.env._("accepted") if diagnosis.road_accepted(road) else self.env._("not accepted")
                title = self.env._("%(road)s: %(verdict)s", road=self._road_label(road), verdict=verdict)
                sections.append((title, [self._probe_text(probe) for probe in probes]))
        return sections, self._conclusion(diagnosis)

    def _report_html(self, diagnosis):
        """The report as HTML, for the form."""
        sections, conclusion = self._report_sections(diagnosis)
        parts = [Markup("<h4>%s</h4><ul>%s</ul>") % (title, Markup().join(Markup("<li>%s</li>") % line
                                                                         for line in lines))
                 for title, lines in sections]
        parts += [Markup("<p><strong>%s</strong></p>") % line for line in conclusion]
        return Markup().join(parts)

    def _report_text(self, diagnosis):
        """The report as plain text, for the command."""
        sections, conclusion = self._report_sections(diagnosis)
        blocks = ["\n".join([title, *(f"  - {line}" for line in lines)]) for title, lines in sections]
        return "\n\n".join([*blocks, "\n".join(conclusion)])

    def _variant_text(self, variant):
        if variant.road == dg.ROAD_WORKS:
            shape = self.env._("a list") if variant.attachment_as_list else self.env._("an object")
            text = self.env._("%(code)s: path %(path)s, pieceJointePrincipale as %(shape)s", code=variant.code,
                              path=variant.submit_path, shape=shape)
            if variant.partner_placement:
                text += ", " + (self.env._("the partner as validator")
                                if variant.partner_placement == works.PARTNER_AS_VALIDATOR
                                else self.env._("the partner in the comment"))
        else:
            text = self.env._("%(code)s: syntax %(syntax)s, \"%(process)s\" in BT-23", code=variant.code,
                              syntax=variant.flow_syntax, process=variant.process_id)
        return text + (self.env._(" (what the addon does today)") if variant.current else "")

    def _outcome_text(self, probe):
        return {
            dg.ACCEPTED: self.env._("accepted"),
            dg.REFUSED: self.env._("refused"),
            dg.ABSENT: self.env._("unknown route, or API not subscribed (HTTP %(status)s)", status=probe.http_status),
            dg.FAILED: self.env._("no verdict (network, authentication or server): run it again"),
            dg.PENDING: self.env._("no final report yet: read it later with the flow number"),
            dg.SKIPPED: self.env._("not tried: this path does not exist"),
        }[probe.outcome]

    def _probe_text(self, probe):
        details = [self.env._("piece %(number)s", number=probe.piece_number)]
        if probe.flow_number:
            details.append(self.env._("flow %(flow)s (%(state)s)", flow=probe.flow_number,
                                      state=probe.flow_state or "-"))
        if probe.accepted and probe.variant.road == dg.ROAD_WORKS:
            details.append(self.env._("id %(id)s under the answer's key %(key)s", id=probe.piece_id, key=probe.id_key)
                           if probe.id_key else self.env._("no id in the answer"))
        if probe.listed is not None:
            details.append(self.env._("listed by the works search") if probe.listed
                           else self.env._("not listed by the works search"))
        if probe.errors and probe.outcome != dg.ABSENT:
            details.append(self.env._("Chorus Pro: %(errors)s", errors=" | ".join(probe.errors)))
        return self.env._("%(variant)s: %(outcome)s. %(details)s.", variant=self._variant_text(probe.variant),
                          outcome=self._outcome_text(probe), details="; ".join(details).rstrip("."))

    def _conclusion(self, diagnosis):
        lines = []
        road = diagnosis.recommended_road
        if road is None:
            lines.append(self.env._("Chorus Pro accepted no road: read its errors above, fix the test data or the "
                                    "account (\"Test the Connection\"), and run the diagnostic again."))
        elif road == diagnosis.current_road:
            lines.append(self.env._("Chorus Pro accepts the company's road (%(road)s): keep it.",
                                    road=self._road_label(road)))
        else:
            lines.append(self.env._("Chorus Pro accepts %(road)s and not the company's road: apply it (the button "
                                    "below, or the command's --apply).", road=self._road_label(road)))
        lines += self._constants_to_correct(diagnosis)
        left = diagnosis.left_on_chorus
        lines.append(self.env._(
            "Left on Chorus Pro's qualification: %(pieces)s (test pieces of the contract \"%(contract)s\"); nothing "
            "was recorded in Odoo.", pieces=", ".join(probe.piece_number for probe in left) or self.env._("nothing"),
            contract=dg.TEST_CONTRACT))
        return lines

    def _constants_to_correct(self, diagnosis):
        """A line for each road Chorus Pro accepted only in a variant the addon does not use today."""
        lines = []
        for road in diagnosis.roads_accepted:
            accepted = [probe for probe in diagnosis.of_road(road) if probe.accepted]
            if not any(probe.variant.current for probe in accepted):
                lines.append(self.env._(
                    "%(road)s is accepted only as %(variant)s: correct the constants of chorus/endpoints.py, "
                    "chorus/works.py or chorus/facturx.py accordingly.", road=self._road_label(road),
                    variant=self._variant_text(accepted[0].variant)))
        return lines

    # ------------------------------------------------------------------ récupération (issue 21): MOE / MOA pieces

    produced_deposit_id = fields.Many2one(
        "ediflex.chorus.deposit", string="Piece to Examine",
        domain="[('company_id', '=', company_id), ('chorus_piece_id', '!=', 0)]",
        help="A piece already on Chorus Pro that the project manager has handled: each documented way of listing "
             "the pieces produced from it is tried (nothing is deposited).")
    produced_way_found = fields.Selection(PRODUCED_WAYS, string="Way Found", readonly=True)
    current_produced_way = fields.Selection(related="company_id.chorus_produced_way",
                                            string="Way the Follow-up Uses")
    produced_report = fields.Html(string="Project Manager and Owner Pieces", readonly=True, sanitize=True)

    def action_probe_produced(self):
        """Try each way of listing the project manager's and owner's pieces on the chosen piece; say which answers."""
        self.ensure_one()
        deposit = self.produced_deposit_id.sudo()
        if not deposit:
            raise UserError(self.env._("Choose a piece already on Chorus Pro to examine."))
        probes = self.env["ediflex.chorus.connector"]._probe_produced(self.company_id.sudo(), deposit)
        self.produced_report = Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s</li>") % self._way_probe_text(probe) for probe in probes)
        found = [probe.way for probe in probes if probe.outcome == recovery.PROBE_FOUND]
        self.produced_way_found = found[0] if found else False
        return self._reopen()

    def action_apply_produced_way(self):
        """Have the status follow-up list the project manager's and owner's pieces the way Chorus Pro answered."""
        self.ensure_one()
        if not self.produced_way_found:
            raise UserError(self.env._("No way showed the pieces: there is nothing to apply."))
        self.company_id.sudo().chorus_produced_way = self.produced_way_found
        return self._reopen()

    def _way_probe_text(self, probe):
        names = {recovery.NEXT_PIECE: self.env._("following piece of the consultation (NEXT_PIECE)"),
                 recovery.SUPPLIER_SEARCH: self.env._("supplier search by frame (SUPPLIER_SEARCH)")}
        outcomes = {
            recovery.PROBE_FOUND: self.env._("answers: %(count)s piece(s) found", count=len(probe.pieces)),
            recovery.PROBE_EMPTY: self.env._("answers, but shows no piece"),
            recovery.PROBE_ABSENT: self.env._("not available (unknown route or API not subscribed)"),
            recovery.PROBE_REFUSED: self.env._("refused by Chorus Pro: %(error)s", error=probe.error),
            recovery.PROBE_FAILED: self.env._("no answer: %(error)s", error=probe.error),
        }
        return f"{names.get(probe.way, probe.way)}: {outcomes[probe.outcome]}"
