import ast
from decimal import Decimal

from odoo import api, models
from odoo.addons.base.models.res_lang import intersperse
from odoo.tools import float_round, get_lang

from ..chorus import payment, works

# Odoo's widgets keep a minus sign with its number.
MINUS = "-\N{ZERO WIDTH NO-BREAK SPACE}"


class ReportSituation(models.AbstractModel):
    """What the deposited PDF says besides the situation's own fields: the mentions a public accountant checks."""

    _name = "report.ediflex_chorus.report_situation"
    _description = "Works Situation Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["ediflex.situation"].browse(docids)
        return {"doc_ids": docids, "doc_model": docs._name, "docs": docs, "mentions": self._mentions}

    @api.model
    def _mentions(self, situation, lang):
        """The mentions of one situation's copy, in ``lang``."""
        situation = situation.with_context(lang=lang)
        company = situation.company_id
        return {
            "logo": not company.uses_default_logo and company.logo,
            "bank": company.partner_id.bank_ids[:1],
            "payment_days": self._payment_days(situation),
            "vat_lines": self._vat_lines(situation),
            "amount_in_words": self._amount_in_words(situation),
            "rows": self._line_rows(situation),
        }

    @api.model
    def _line_rows(self, situation):
        """The texts of the lines' cells, in the situation's context language, as Odoo's monetary and float field
        widgets write them (res.lang.format's grouping and separators, no-break spaces, the symbol), the language's
        data read once for the table rather than by a widget for each cell."""
        lang = get_lang(situation.env)
        grouping, separator = ast.literal_eval(lang.grouping), lang.thousands_sep or ""

        def number(value, digits):
            integer, point, decimals = (f"%.{digits}f" % value).partition(".")
            text = intersperse(integer, grouping, separator)[0] + (lang.decimal_point + decimals if point else "")
            return text.replace("-", MINUS)

        currency = situation.currency_id
        pre = f"{currency.symbol or ''}\N{NO-BREAK SPACE}" if currency.position == "before" else ""
        post = "" if pre else f"\N{NO-BREAK SPACE}{currency.symbol or ''}"

        def money(value):
            text = number(currency.round(value), currency.decimal_places)
            return pre + text.replace(" ", "\N{NO-BREAK SPACE}") + post

        def percent(value):
            return number(float_round(value, precision_digits=2), 2)

        return [{
            "code": line.code or "", "name": line.name or "",
            "contract_amount": money(line.contract_amount), "progress_percent": percent(line.progress_percent),
            "cumulative_amount": money(line.cumulative_amount),
            "previous_cumulative_amount": money(line.previous_cumulative_amount),
            "period_amount": money(line.period_amount), "vat_rate": percent(line.vat_rate),
        } for line in situation.line_ids]

    @api.model
    def _vat_lines(self, situation):
        # The core's VAT lines, the very ones of the ligneTva sent to Chorus Pro.
        lines = [line._chorus_line() for line in situation.line_ids]
        return works.compute_totals(lines, Decimal(str(situation.retention_rate or 0))).vat_lines

    @api.model
    def _payment_days(self, situation):
        # The public body's period (legal one of its type, 30 days by default, or shorter by hand), as the
        # payment clock counts it.
        owner = situation.owner_id.commercial_partner_id
        return owner._chorus_payment_period() if owner else payment.period_days(payment.BuyerType.STATE.value)

    @api.model
    def _amount_in_words(self, situation):
        # Odoo capitalises each word ("Sept Mille Euros"); a French statement writes the sum in sentence case.
        return situation.currency_id.amount_to_text(float(Decimal(str(situation.amount_due)))).lower()
