import binascii

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..chorus import situation_states

SITUATION = "ediflex.situation"


class SituationPortal(CustomerPortal):
    """The project owner's portal: its situations, each with its copy, accepted or refused from here."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "situation_count" in counters:
            situations = request.env[SITUATION]
            values["situation_count"] = (situations.search_count(self._situations_domain())
                                         if situations.has_access("read") else 0)
        return values

    def _situations_domain(self):
        # The record rules keep each organisation to its own situations; this only leaves drafts out.
        return [("state", "in", situation_states.PORTAL_STATES)]

    @http.route(["/my/situations", "/my/situations/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_situations(self, page=1, **kw):
        """The situations of the project owner's (or project manager's) organisation."""
        situations = request.env[SITUATION]
        domain = self._situations_domain()
        pager = portal_pager(url="/my/situations", total=situations.search_count(domain), page=page,
                             step=self._items_per_page)
        found = situations.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_situations_history"] = found.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({"situations": found.sudo(), "pager": pager, "page_name": "situation",
                       "default_url": "/my/situations"})
        return request.render("ediflex_chorus.portal_my_situations", values)

    @http.route(["/my/situations/<int:situation_id>"], type="http", auth="public", website=True)
    def portal_situation_page(self, situation_id, access_token=None, message=None, **kw):
        """One situation: its lines, totals and copy; the buttons to accept or refuse it."""
        situation = self._situation_to_read(situation_id, access_token)
        if not situation:
            return request.redirect("/my")
        values = self._get_page_view_values(situation, access_token, {
            "situation": situation, "page_name": "situation", "message": message,
            "may_decide": self._may_decide(situation),
            "decision_error": request.session.pop("ediflex_portal_error", None) if message == "error" else None,
        }, "my_situations_history", False, **kw)
        return request.render("ediflex_chorus.portal_situation_page", values)

    @http.route(["/my/situations/<int:situation_id>/pdf"], type="http", auth="public", website=True)
    def portal_situation_pdf(self, situation_id, access_token=None, **kw):
        """The copy deposited on Chorus Pro (the accepted one once accepted), else the situation printed now."""
        situation = self._situation_to_read(situation_id, access_token)
        if not situation:
            return request.redirect("/my")
        copy = situation._portal_copy()
        if not copy:
            return self._show_report(situation, "pdf", "ediflex_chorus.action_report_situation")
        headers = [("Content-Type", "application/pdf"), ("Content-Length", len(copy.raw)),
                   ("Content-Disposition", http.content_disposition(copy.name))]
        return request.make_response(copy.raw, headers=headers)

    @http.route(["/my/situations/<int:situation_id>/accept"], type="http", auth="user", methods=["POST"], website=True)
    def portal_situation_accept(self, situation_id, **kw):
        """Accept without a signature, where the company does not ask for one."""
        situation = self._situation_to_decide(situation_id)
        if not situation:
            return request.redirect("/my")
        if situation.company_id.chorus_portal_signature:
            return request.redirect(situation.get_portal_url(query_string="&message=sign_required"))
        return self._decided(situation, lambda: situation._portal_accept(request.env.user.partner_id), "accepted")

    @http.route(["/my/situations/<int:situation_id>/sign"], type="json", auth="user", website=True)
    def portal_situation_sign(self, situation_id, name=None, signature=None):
        """Accept with a signature (Odoo's portal signature form)."""
        situation = self._situation_to_decide(situation_id)
        if not situation:
            return {"error": request.env._("You cannot accept this situation.")}
        if not (name and signature):
            return {"error": request.env._("Your name and signature are required.")}
        try:
            error = self._attempt(lambda: situation._portal_accept(request.env.user.partner_id, signed_by=name,
                                                                   signature=signature))
        except (TypeError, binascii.Error):
            request.env.cr.rollback()
            return {"error": request.env._("The signature could not be read: sign again.")}
        if error:
            return {"error": error}
        return {"force_refresh": True, "redirect_url": situation.get_portal_url(query_string="&message=accepted")}

    @http.route(["/my/situations/<int:situation_id>/refuse"], type="http", auth="user", methods=["POST"], website=True)
    def portal_situation_refuse(self, situation_id, reason=None, **kw):
        """Refuse with a reason, which goes back to the contractor."""
        situation = self._situation_to_decide(situation_id)
        if not situation:
            return request.redirect("/my")
        if not (reason or "").strip():
            return request.redirect(situation.get_portal_url(query_string="&message=reason_required"))
        return self._decided(
            situation, lambda: situation._portal_refuse(request.env.user.partner_id, reason.strip()), "refused")

    def _situation_to_read(self, situation_id, access_token):
        # Read by the rules of the signed-in person, or by the situation's own access token; never a draft.
        try:
            situation = self._document_check_access(SITUATION, situation_id, access_token=access_token)
        except (AccessError, MissingError):
            return None
        return situation if situation.state in situation_states.PORTAL_STATES else None

    def _situation_to_decide(self, situation_id):
        # Logged-in people of the project owner only: an access token shows a situation, it never decides.
        situation = self._situation_to_read(situation_id, None)
        if not (situation and self._may_decide(situation)):
            return None
        # As the person, with the rights the portal lacks: the tracking and the deposits are theirs, not OdooBot's.
        return situation.with_user(request.env.user).sudo().with_company(situation.company_id)

    def _may_decide(self, situation):
        user = request.env.user
        return not user._is_public() and situation._portal_may_decide(user.partner_id)

    def _decided(self, situation, decide, outcome):
        error = self._attempt(decide)
        if error:
            request.session["ediflex_portal_error"] = error
            return request.redirect(situation.get_portal_url(query_string="&message=error"))
        return request.redirect(situation.get_portal_url(query_string=f"&message={outcome}"))

    def _attempt(self, decide):
        # A refused decision leaves nothing behind (state, signature, deposit), whatever the route answers: a
        # JSON route's answer would otherwise commit what was written before the refusal.
        try:
            decide()
        except UserError as error:
            request.env.cr.rollback()
            return str(error)
        return None
