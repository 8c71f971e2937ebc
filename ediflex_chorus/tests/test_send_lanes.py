import importlib.util
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import file_path

from ..models import ediflex_chorus_connector
from ..models.ediflex_chorus_deposit import SEND_LANES
from .common import ChorusCase


@tagged("post_install", "-at_install")
class TestSendLanes(ChorusCase):
    """Send lanes: identical send crons, all woken when a deposit is recorded, so that several cron workers drain
    one queue together (real workers in parallel: tests_soak/test_soak_prefork.py)."""

    def _lanes(self):
        return self.env["ediflex.chorus.deposit"]._send_lanes()

    def _triggers(self, lanes, at=None):
        """{lane id: number of its wake-ups} due by now (or exactly at ``at``)."""
        domain = [("cron_id", "in", lanes.ids)]
        domain += [("call_at", "=", at)] if at else [("call_at", "<=", fields.Datetime.now())]
        found = self.env["ir.cron.trigger"].search(domain)
        return {lane.id: len(found.filtered(lambda t, lane=lane: t.cron_id == lane)) for lane in lanes}

    def test_the_lanes_are_identical_send_crons_with_their_own_names(self):
        lanes = self._lanes()
        self.assertEqual(len(lanes), SEND_LANES)
        self.assertEqual(set(lanes.mapped("code")), {"model._cron_send_deposits()"})
        self.assertEqual(set(lanes.mapped("model_id.model")), {"ediflex.chorus.connector"})
        self.assertEqual(len(set(lanes.mapped("name"))), SEND_LANES)
        self.assertTrue(all(lanes.mapped("active")))

    def test_recording_a_deposit_wakes_every_lane_now(self):
        lanes = self._lanes()
        before = self._triggers(lanes)
        self._presented()
        after = self._triggers(lanes)
        self.assertEqual({lane: after[lane] - before[lane] for lane in lanes.ids}, dict.fromkeys(lanes.ids, 1))

    def test_an_archived_lane_is_not_woken(self):
        lanes = self._lanes()
        lanes[2].active = False
        before = self._triggers(lanes)
        self._presented()
        after = self._triggers(lanes)
        self.assertEqual(after[lanes[2].id], before[lanes[2].id])
        self.assertEqual([after[lane.id] - before[lane.id] for lane in lanes - lanes[2]], [1] * (SEND_LANES - 1))

    def test_the_lanes_one_after_another_send_each_deposit_once(self):
        deposits = self._presented(number=1) | self._presented(number=2) | self._presented(number=3)
        first, *others = self._lanes()
        first.method_direct_trigger()
        self.assertEqual(set(deposits.mapped("state")), {"sent"})
        for lane in others:
            lane.method_direct_trigger()
        self.assertEqual(self._submissions(), 3, "the other lanes found nothing left to send")
        self.assertEqual(deposits.mapped("attempts"), [1, 1, 1])

    def test_a_lane_out_of_time_leaves_the_queue_to_the_lanes_woken_again(self):
        deposits = self._presented(number=1) | self._presented(number=2)
        lanes = self._lanes()
        before = self._triggers(lanes)
        with patch.object(ediflex_chorus_connector, "SEND_BUDGET_SECONDS", 0):
            lanes[0].method_direct_trigger()
        self.assertEqual((set(deposits.mapped("state")), self._submissions()), ({"to_send"}, 0))
        after = self._triggers(lanes)
        self.assertEqual({lane: after[lane] - before[lane] for lane in lanes.ids}, dict.fromkeys(lanes.ids, 1))
        lanes[1].method_direct_trigger()
        self.assertEqual((set(deposits.mapped("state")), self._submissions()), ({"sent"}, 2))

    def test_a_retry_wakes_every_lane_once_at_its_time(self):
        self.emulator.inject("*", "server_error", count=None)
        deposit = self._presented()
        lanes = self._lanes()
        for lane in lanes:  # every lane's run ends by asking for the next retry
            lane.method_direct_trigger()
        self.assertEqual(deposit.state, "error")
        self.assertEqual(self._triggers(lanes, at=deposit.next_attempt_date), dict.fromkeys(lanes.ids, 1))

    def test_the_upgrade_gives_the_new_lanes_the_send_cron_settings(self):
        first, *others = self._lanes()
        first.write({"active": False, "interval_number": 15, "priority": 3})
        spec = importlib.util.spec_from_file_location(
            "post_migrate", file_path("ediflex_chorus/migrations/18.0.1.4.0/post-migrate.py"))
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, "18.0.1.3.0")
        for lane in others:
            self.assertEqual((lane.active, lane.interval_number, lane.interval_type, lane.priority),
                             (False, 15, "minutes", 3), lane.name)
