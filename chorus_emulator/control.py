"""Control endpoints under /_emulator/ (no authentication, loopback clients only).

GET    /_emulator/state          everything: seed (with credentials), pieces, files, flows, counts, faults
POST   /_emulator/faults         {"path", "kind", "count"?, "latency"?, options...} or a list of those
GET    /_emulator/faults         pending faults
DELETE /_emulator/faults         clear the faults
POST   /_emulator/advance        {"piece_id"?, "steps"?} move works statuses on
POST   /_emulator/status         {"piece_id", "status", "comment"?} set any status (e.g. REFUSEE_MOE)
POST   /_emulator/pieces         {"count", "prefix"?, "status"?, "frame"?, "status_at"?} works pieces of the seed's
                                  contractor in bulk, as if deposited (status_at: when they last changed, ISO 8601
                                  with an offset); answers how many and their first and last ids
POST   /_emulator/reset          {"tokens"?: bool} forget deposits, counts and faults
POST   /_emulator/reset-counts   request counts back to zero
POST   /_emulator/expire-tokens  every issued token becomes invalid
POST   /_emulator/config         {"token_lifetime"?, "subscribed"?: [API families], "works_submit_id_key"?: key or null,
                                  "ids_as_strings"?: bool, "flow_works_frames"?: bool, "works_submit_route"?: bool,
                                  "works_submit_legacy_route"?: bool,
                                  "works_attachment_shape"?: "list", "object" or null,
                                  "download_container"?: "pdf" or "zip",
                                  "produced_pieces_by"?: "next_piece", "supplier_search" or null,
                                  "works_partner_placement"?: "validator", "comment" or null}
"""

import datetime
import json

from .config import (
    API_FAMILIES,
    CONTROL_PREFIX,
    WORKS_FRAMES,
    check_attachment_shape,
    check_download_container,
    check_partner_placement,
    check_produced_pieces_by,
    check_works_submit_id_key,
)
from .facts import WORKS_STATUSES
from .replies import Reply

LOOPBACK = ("127.0.0.1", "::1")


def refuse(client_host):
    """The 403 Reply for a client that is not on the loopback interface, or None."""
    if client_host in LOOPBACK:
        return None
    return Reply(403, {"error": "control endpoints answer loopback clients only"})


def handle(api, method, path, body, base_url):
    """The Reply of a control request."""
    action = _ACTIONS.get((method, path[len(CONTROL_PREFIX):]))
    if action is None:
        return Reply(404, {"error": f"no control endpoint {method} {path}", "endpoints": _endpoint_list()})
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
        return Reply(200, action(api, data, base_url))
    except (ValueError, TypeError, KeyError) as error:
        return Reply(400, {"error": f"{type(error).__name__}: {error}"})


def _endpoint_list():
    return [f"{method} {CONTROL_PREFIX}{name}" for method, name in _ACTIONS]


def _state(api, data, base_url):
    return {"url": base_url, "token_url": base_url + "/api/oauth/token", **api.snapshot()}


def _add_faults(api, data, base_url):
    specs = data if isinstance(data, list) else [data]
    added = [api.inject(**spec).as_dict() for spec in specs]
    return {"added": added, "faults": api.faults.snapshot()}


def _list_faults(api, data, base_url):
    return {"faults": api.faults.snapshot()}


def _clear_faults(api, data, base_url):
    api.faults.clear()
    return {"faults": []}


def _advance(api, data, base_url):
    moved = api.state.advance_works(data.get("piece_id"), int(data.get("steps", 1)))
    return {"moved": moved}


def _status(api, data, base_url):
    return {"piece": api.state.set_status(data["piece_id"], data["status"], data.get("comment", ""))}


def _add_pieces(api, data, base_url):
    seed, status_at = api.state.seed, data.get("status_at")
    added = api.state.add_works_pieces(
        seed.contractor.id, seed.no_rules, int(data["count"]), data.get("prefix", "BULK-"),
        data.get("status", WORKS_STATUSES[0]), data.get("frame", WORKS_FRAMES[0]),
        datetime.datetime.fromisoformat(status_at) if status_at else None)
    return {"added": len(added), "first_id": added[0]["id"] if added else None,
            "last_id": added[-1]["id"] if added else None}


def _reset(api, data, base_url):
    api.reset(tokens=bool(data.get("tokens")))
    return {"reset": True}


def _reset_counts(api, data, base_url):
    api.state.reset_counts()
    return {"request_counts": {}}


def _expire_tokens(api, data, base_url):
    api.state.expire_tokens()
    return {"expired": True}


def _config(api, data, base_url):
    if "token_lifetime" in data:
        api.state.token_lifetime = int(data["token_lifetime"])
    if "subscribed" in data:
        unknown = set(data["subscribed"]) - set(API_FAMILIES)
        if unknown:
            raise ValueError(f"unknown API families: {', '.join(sorted(unknown))}")
        api.subscribed = set(data["subscribed"])
    if "works_submit_id_key" in data:
        check_works_submit_id_key(data["works_submit_id_key"])
        api.works_submit_id_key = data["works_submit_id_key"]
    if "works_attachment_shape" in data:
        check_attachment_shape(data["works_attachment_shape"])
        api.works_attachment_shape = data["works_attachment_shape"]
    for name, check in (("download_container", check_download_container),
                        ("produced_pieces_by", check_produced_pieces_by)):
        if name in data:
            check(data[name])
            setattr(api, name, data[name])
    if "works_partner_placement" in data:
        check_partner_placement(data["works_partner_placement"])
        api.works_partner_placement = data["works_partner_placement"]
    if "ids_as_strings" in data:
        api.ids_as_strings = bool(data["ids_as_strings"])
    for name in ("flow_works_frames", "works_submit_route", "works_submit_legacy_route"):
        if name in data:
            if not isinstance(data[name], bool):
                raise TypeError(f"{name}: true or false, not {data[name]!r}")
            setattr(api, name, data[name])
    return {"token_lifetime": api.state.token_lifetime, "subscribed": sorted(api.subscribed), **api.settings()}


_ACTIONS = {
    ("GET", "state"): _state,
    ("POST", "faults"): _add_faults,
    ("GET", "faults"): _list_faults,
    ("DELETE", "faults"): _clear_faults,
    ("POST", "advance"): _advance,
    ("POST", "status"): _status,
    ("POST", "pieces"): _add_pieces,
    ("POST", "reset"): _reset,
    ("POST", "reset-counts"): _reset_counts,
    ("POST", "expire-tokens"): _expire_tokens,
    ("POST", "config"): _config,
}
