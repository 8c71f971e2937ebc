from odoo import SUPERUSER_ID, api

# What an administrator may have set on the send cron, which its new lanes must follow.
FOLLOWED = ("active", "interval_number", "interval_type", "priority", "user_id")


def migrate(cr, version):
    """The send lanes this version adds follow the send cron as the database had it (off stays off)."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    lane_one, *others = env["ediflex.chorus.deposit"]._send_lanes().with_context(active_test=False)
    values = lane_one.read(FOLLOWED)[0]
    values["user_id"] = values["user_id"][0]
    for lane in others:
        lane.write({name: values[name] for name in FOLLOWED})
