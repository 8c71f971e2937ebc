import logging
import re
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models, modules, tools
from odoo.exceptions import UserError

from ..chorus import checks, works
from ..chorus.client import ChorusClient, Credentials
from ..chorus.errors import ChorusError

_logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 50
CLIENT_TIMEOUT_SECONDS = 30.0
STATUS_DELAY_SECONDS = 30


def _decimal(value):
    return Decimal(str(value or 0))


class EdiflexChorusConnector(models.AbstractModel):
    """The only door to Chorus Pro: records to plain data, plain data to the core, results to the log."""

    _name = "ediflex.chorus.connector"
    _description = "Chorus Pro Connector"

    # ------------------------------------------------------------------ records -> plain data

    @api.model
    def _core_line(self, line):
        return works.SituationLine(
            description=line.name or "",
            contract_amount=_decimal(line.contract_amount),
            progress_percent=_decimal(line.progress_percent),
            previous_cumulative_amount=_decimal(line.previous_cumulative_amount),
            vat_rate=_decimal(line.vat_rate),
            reference=line.code or "",
        )

    @api.model
    def _situation_totals(self, situation):
        lines = [self._core_line(line) for line in situation.line_ids]
        return works.compute_totals(lines, _decimal(situation.retention_rate))

    @api.model
    def _core_party(self, partner, service=None):
        return works.Party(
            siret=(partner.chorus_siret or "").strip(),
            name=partner.name or "",
            service_code=service.code if service else "",
            id_structure=partner.chorus_structure_id or None,
        )

    @api.model
    def _core_situation(self, situation, frame, document, piece_number):
        company = situation.company_id
        contractor = works.Party(
            siret=(company.chorus_siret or "").strip(),
            name=company.name,
            id_structure=company.chorus_structure_id or None,
        )
        contract = works.Contract(
            number=situation.contract_number or "",
            commitment_number=situation.commitment_number or "",
            owner=self._core_party(situation.owner_id, situation.owner_service_id),
            manager=self._core_party(situation.manager_id, situation.manager_service_id),
        )
        return works.Situation(
            piece_number=piece_number,
            date=situation.date,
            period_start=situation.period_start,
            period_end=situation.period_end,
            final=situation.kind == "final",
            contractor=contractor,
            contract=contract,
            lines=tuple(self._core_line(line) for line in situation.line_ids),
            retention_rate=_decimal(situation.retention_rate),
            document=document,
            currency=situation.currency_id.name or "EUR",
        )

    @api.model
    def _owner_rules(self, situation):
        owner = situation.owner_id
        return checks.StructureRules(
            service_code_required=owner.chorus_service_code_required,
            commitment_required=owner.chorus_commitment_required,
        )

    @api.model
    def _new_piece_number(self, situation, frame):
        # A situation presented again after a refusal is a new piece: its number carries the revision.
        done = situation.deposit_ids.filtered(lambda d: d.frame == frame.short and d.state not in ("to_send", "error"))
        reference = situation.name.replace("/", "-")
        return works.piece_number(f"{reference}-R{len(done) + 1}" if done else reference, frame)

    # ------------------------------------------------------------------ transitions

    @api.model
    def _record_deposits(self, situations, step):
        """Check the situations and record one deposit each, to be sent after commit."""
        problems = []
        todo = []
        for situation in situations.filtered(lambda s: s.company_id.chorus_enabled):
            frame = works.frame_for(step, situation.kind == "final")
            document = self._render_document(situation, frame)
            found = self._situation_problems(situation, frame, document)
            problems += [(situation, problem) for problem in found]
            todo.append((situation, frame, document))
        if problems:
            raise UserError(self._format_problems(problems))
        for situation, frame, document in todo:
            self._upsert_deposit(situation, frame, document)
        if todo:
            self._trigger_send()

    @api.model
    def _situation_problems(self, situation, frame, document, piece_number=None):
        company = situation.company_id
        piece_number = piece_number or self._new_piece_number(situation, frame)
        core = self._core_situation(situation, frame, document, piece_number)
        found = checks.check_situation(
            core, frame, company.chorus_environment == "production", self._owner_rules(situation)
        )
        return found + self._company_problems(company)

    @api.model
    def _company_problems(self, company):
        sudo_company = company.sudo()
        missing = [
            label for label, value in (
                (self.env._("technical login"), sudo_company.chorus_login),
                (self.env._("technical password"), sudo_company.chorus_password),
                (self.env._("PISTE client ID"), sudo_company.chorus_client_id),
                (self.env._("PISTE client secret"), sudo_company.chorus_client_secret),
            ) if not value
        ]
        if not missing:
            return []
        message = self.env._(
            "Set the %(items)s of the company %(company)s in Settings > Dematerialisation to Chorus Pro.",
            items=", ".join(missing), company=company.name,
        )
        return [checks.Problem(field="company", message=message)]

    @api.model
    def _format_problems(self, problems):
        lines = [self.env._("Chorus Pro would refuse this deposit. Fix the following, then validate again:")]
        lines += [
            self.env._("- %(situation)s: %(problem)s", situation=situation.name, problem=self._problem_text(problem))
            for situation, problem in problems
        ]
        return "\n".join(lines)

    @api.model
    def _problem_text(self, problem):
        """A problem in the user's language: the checks' English template translated and filled with its params.

        A problem without template (the company problems, built here) holds a message already translated.
        """
        if not problem.template:
            return problem.message
        return self.env._(problem.template, **dict(problem.params))

    @api.model
    def _render_document(self, situation, frame):
        report = self.env.ref("ediflex_chorus.action_report_situation")
        # Tests render HTML unless forced; the deposited copy must always be a real PDF.
        content, _format = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, situation.ids
        )
        name = re.sub(r"[^A-Za-z0-9._-]", "-", f"{situation.name}-{frame.short}")[:46] + ".pdf"
        return works.Document(name=name, content=content)

    @api.model
    def _upsert_deposit(self, situation, frame, document):
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        attachment = self.env["ir.attachment"].sudo().create({
            "name": document.name,
            "raw": document.content,
            "mimetype": "application/pdf",
            "res_model": "ediflex.situation",
            "res_id": situation.id,
            "company_id": situation.company_id.id,
        })
        live = Deposit.search([
            ("situation_id", "=", situation.id), ("frame", "=", frame.short), ("state", "in", ("to_send", "error")),
        ], limit=1)
        if live:
            # The pair (situation, frame) keeps one live deposit: it now carries the newer copy.
            live.write({"attachment_id": attachment.id, "state": "to_send", "next_attempt_date": False})
            return live
        deposit = Deposit.create({
            "situation_id": situation.id,
            "company_id": situation.company_id.id,
            "frame": frame.short,
            "piece_number": self._new_piece_number(situation, frame),
            "attachment_id": attachment.id,
        })
        situation.message_post(body=self.env._("Deposit %(piece)s recorded: it is sent to Chorus Pro in a moment.",
                                      piece=deposit.piece_number))
        return deposit

    # ------------------------------------------------------------------ sending, after commit

    @api.model
    def _trigger_send(self):
        self.env.ref("ediflex_chorus.ir_cron_send_deposits")._trigger()

    @api.model
    def _cron_send_deposits(self, limit=SEND_BATCH_SIZE):
        """Send the deposits that are due, each in its own transaction."""
        Deposit = self.env["ediflex.chorus.deposit"].sudo()
        now = fields.Datetime.now()
        due = Deposit.search([
            "|", ("state", "=", "to_send"),
            "&", "&", ("state", "=", "error"), ("retryable", "=", True), ("next_attempt_date", "<=", now),
        ], order="id", limit=limit)
        for deposit in due:
            if self._lock(deposit):
                self._send_deposit(deposit)
                self._commit()
        if due:
            # A first look at Chorus Pro's status soon after sending, then the hourly rhythm.
            self.env.ref("ediflex_chorus.ir_cron_fetch_statuses")._trigger(
                fields.Datetime.now() + timedelta(seconds=STATUS_DELAY_SECONDS)
            )
        self._schedule_retry()

    @api.model
    def _schedule_retry(self):
        # Wake the cron when the next transient failure is due, rather than at its next interval.
        next_error = self.env["ediflex.chorus.deposit"].sudo().search(
            [("state", "=", "error"), ("retryable", "=", True), ("next_attempt_date", "!=", False)],
            order="next_attempt_date", limit=1,
        )
        if next_error:
            self.env.ref("ediflex_chorus.ir_cron_send_deposits")._trigger(next_error.next_attempt_date)

    @api.model
    def _lock(self, deposit):
        # Another cron worker may hold the row; SKIP LOCKED leaves it to that worker.
        self.env.cr.execute(
            "SELECT id FROM ediflex_chorus_deposit WHERE id = %s AND state IN ('to_send', 'error') "
            "FOR UPDATE SKIP LOCKED", (deposit.id,)
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _send_deposit(self, deposit):
        frame = works.Frame[deposit.frame]
        situation = deposit.situation_id
        document = works.Document(name=deposit.attachment_id.name, content=deposit.attachment_id.raw or b"")
        problems = self._situation_problems(situation, frame, document, deposit.piece_number)
        if problems:
            deposit._mark_failed(UserError("\n".join(self._problem_text(p) for p in problems)))
            return
        tried_before = deposit.attempts > 0
        deposit._mark_attempt()
        # The attempt is on record before the call: if the process dies during it, the next attempt
        # looks the piece up on Chorus Pro instead of depositing it blindly a second time. The commit
        # releases the row: take it again, or leave the deposit to whoever took it in between.
        self._commit()
        if not self._lock(deposit):
            return
        try:
            client = self._client(deposit.company_id)
            answer = client.find_works_piece(deposit.piece_number) if tried_before else None
            if not answer:
                core = self._core_situation(situation, frame, document, deposit.piece_number)
                answer = client.deposit_works(works.build_works_payload(frame, core), document)
        except ChorusError as error:
            _logger.info("Chorus Pro deposit %s failed: %s", deposit.piece_number, error)
            deposit._mark_failed(error)
            return
        deposit._mark_sent(answer)
        situation.message_post(body=self.env._("Deposit %(piece)s sent to Chorus Pro.", piece=deposit.piece_number))

    @api.model
    def _commit(self):
        # Crons commit each deposit so that one failure never undoes the others; tests must not commit.
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _client(self, company):
        company = company.sudo()
        credentials = Credentials(
            client_id=company.chorus_client_id or "",
            client_secret=company.chorus_client_secret or "",
            login=company.chorus_login or "",
            password=company.chorus_password or "",
        )
        return ChorusClient(
            credentials,
            environment=company.chorus_environment,
            api_base=company.chorus_api_url or None,
            token_url=company.chorus_token_url or None,
            timeout=CLIENT_TIMEOUT_SECONDS,
        )

    # ------------------------------------------------------------------ statuses and structures

    @api.model
    def _cron_fetch_statuses(self):
        """Ask Chorus Pro for the status of every sent piece that is not paid yet."""
        deposits = self.env["ediflex.chorus.deposit"].sudo().search([
            ("state", "in", ("sent", "received")), ("chorus_invoice_id", "!=", 0),
            ("chorus_status", "not in", ("MISE_EN_PAIEMENT",)),
        ])
        self._fetch_statuses(deposits)

    @api.model
    def _fetch_statuses(self, deposits):
        for deposit in deposits.sudo():
            try:
                history = self._client(deposit.company_id).invoice_history(deposit.chorus_invoice_id)
            except ChorusError as error:
                _logger.info("Chorus Pro status of %s not read: %s", deposit.piece_number, error)
                continue
            status = history.get("statutCourantCode")
            if status and status != deposit.chorus_status or deposit.state == "sent":
                deposit._mark_status(status)

    @api.model
    def _find_structure_id(self, company, siret):
        try:
            return self._client(company).find_structure_id(siret)
        except ChorusError as error:
            raise UserError(self.env._("Chorus Pro could not be asked: %(error)s", error=error)) from error

    @api.model
    def _sync_partner(self, partner):
        company = self.env.company
        try:
            client = self._client(company)
            structure_id = client.find_structure_id(partner.chorus_siret)
            if not structure_id:
                raise UserError(self.env._("Chorus Pro knows no structure with the SIRET %(siret)s.",
                                  siret=partner.chorus_siret))
            structure = client.consult_structure(structure_id)
            services = client.search_services(structure_id)
        except ChorusError as error:
            raise UserError(self.env._("Chorus Pro could not be asked: %(error)s", error=error)) from error
        self._apply_structure(partner, structure_id, structure, services)

    @api.model
    def _apply_structure(self, partner, structure_id, structure, services):
        rules = structure.get("parametres") or {}
        partner.write({
            "chorus_structure_id": structure_id,
            "chorus_service_code_required": bool(rules.get("codeServiceDoitEtreRenseigne")),
            "chorus_commitment_required": bool(rules.get("numeroEJDoitEtreRenseigne")),
            "chorus_synced_date": fields.Datetime.now(),
        })
        Service = self.env["ediflex.chorus.service"].sudo().with_context(active_test=False)
        existing = {s.code: s for s in Service.search([("partner_id", "=", partner.id)])}
        seen = set()
        for item in services:
            code = item.get("codeService")
            if not code or code in seen:
                continue
            seen.add(code)
            vals = {"name": item.get("libelleService"), "chorus_id": item.get("idService"),
                    "active": item.get("estActif", True)}
            if code in existing:
                existing[code].write(vals)
            else:
                Service.create(dict(vals, partner_id=partner.id, code=code))
        for code, service in existing.items():
            if code not in seen:
                service.active = False
