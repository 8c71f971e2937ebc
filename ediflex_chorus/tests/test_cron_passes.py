from odoo import fields
from odoo.tests import tagged

from ..models.ediflex_chorus_connector import SEND_BATCH_SIZE
from .common import ChorusCase

STATUS_CRON = "ediflex_chorus.ir_cron_fetch_statuses"
DOWNLOAD_PATH = "/cpro/factures/v1/telecharger/groupe"


@tagged("post_install", "-at_install")
class TestCronPasses(ChorusCase):
    """Issue 19: a prefork cron worker runs each due job once per pass, under one watchdog. Odoo would repeat at once,
    in the same pass, a job whose run reports work done and work left: the rest is a wake-up for the next pass."""

    def _run_statuses(self):
        """One run of the status cron as Odoo runs it (its progress record in the context): (progress, wake-ups)."""
        cron = self.env.ref(STATUS_CRON)
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        before = self._wake_ups(cron)
        self.connector.with_context(ir_cron_progress_id=progress.id)._cron_fetch_statuses()
        return progress, self._wake_ups(cron) - before

    def _wake_ups(self, cron):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id),
                                                         ("call_at", "<=", fields.Datetime.now())])

    def _open_deposits(self, count):
        situation = self._situation()
        return self.env["ediflex.chorus.deposit"].sudo().create([{
            "situation_id": situation.id, "company_id": self.company.id, "frame": "A4", "payload": "{}",
            "piece_number": piece["numeroFacture"], "chorus_piece_id": piece["id"], "state": "sent",
        } for piece in self.emulator.add_works_pieces(count, prefix="PASS-")])

    def test_work_left_after_a_run_is_a_wake_up_not_a_repeat_in_the_same_pass(self):
        deposits = self._open_deposits(SEND_BATCH_SIZE + 10)  # more copies to download than one run's batch
        progress, woken = self._run_statuses()
        self.assertTrue(self._calls(DOWNLOAD_PATH))
        self.assertEqual(len(deposits.filtered("chorus_copy_check")), SEND_BATCH_SIZE)
        self.assertEqual((progress.done > 0, progress.remaining, woken), (True, 0, 1),
                         "no work left reported to Odoo (it would run the job again at once), one wake-up instead")
        progress, woken = self._run_statuses()
        self.assertTrue(all(deposits.mapped("chorus_copy_check")), "the next pass downloads the rest")
        self.assertEqual(woken, 0, "nothing left: no wake-up")

    def test_a_run_that_did_nothing_asks_no_wake_up(self):
        # A failing Chorus Pro must not make the job wake itself up over and over: the next run is the hourly one.
        self._open_deposits(3)
        self.emulator.inject("*", "server_error", count=None)
        progress, woken = self._run_statuses()
        self.assertEqual((progress.done, progress.remaining, woken), (0, 0, 0))
