"""Answers of the emulator: the reply value, the error raised by handlers and the table of return codes."""

import dataclasses
import json

SUCCESS_LABEL = "GCU_MSG_01_000"
TRA_SUCCESS_LABEL = "TRA_MSG_00.000"

# kind -> (codeRetour, HTTP status). Chorus Pro's own codes are not all public: these are emulator choices.
# "duplicate" (a piece number already deposited) is DUPLICATE_CODE: its real code is unknown, so no client may
# rely on it; the notes only say that business errors come as HTTP 200 or 400 with codeRetour != 0.
CODES = {
    "malformed": (10001, 400),
    "invalid": (20001, 400),
    "duplicate": (20002, 200),  # DUPLICATE_CODE
    "unknown_attachment": (20003, 400),
    "unknown_recipient": (20004, 400),
    "service_required": (20005, 400),
    "commitment_required": (20006, 400),
    "file_rejected": (20015, 400),
    "unknown_structure": (20008, 400),
    "unknown_piece": (20009, 400),
    "unknown_service": (20010, 400),
    "frame_not_allowed": (20011, 400),
    "amounts": (20012, 400),
    "unknown_supplier": (20013, 400),
    "unknown_flow": (20014, 400),
    "partner_missing": (20016, 400),
}


@dataclasses.dataclass
class Reply:
    """An HTTP answer: status, JSON-able body (or raw bytes) and extra headers."""

    status: int
    body: object
    headers: dict = dataclasses.field(default_factory=dict)


class ApiError(Exception):
    """Raised by handlers to answer an error; ``reply`` is what the client receives."""

    def __init__(self, reply):
        super().__init__(f"HTTP {reply.status}")
        self.reply = reply


def gateway_error(status, message, headers=None):
    """An error of the PISTE gateway itself (401, 403, 404, 405...), shaped like its answers."""
    body = {"httpCode": str(status), "httpMessage": _HTTP_MESSAGES.get(status, "Error"), "moreInformation": message}
    return ApiError(Reply(status, body, headers or {}))


def business_error(kind, message):
    """A Chorus Pro error answer ``{codeRetour, libelle}`` of a kind of CODES."""
    code, status = CODES[kind]
    return ApiError(Reply(status, {"codeRetour": code, "libelle": message}))


def success(label=SUCCESS_LABEL, **fields):
    """A Chorus Pro success answer with codeRetour 0."""
    return Reply(200, {"codeRetour": 0, "libelle": label, **fields})


_HTTP_MESSAGES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    413: "Payload Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


DUPLICATE_CODE = CODES["duplicate"][0]


def reply_bytes(reply):
    """The body bytes and Content-Type of a Reply."""
    if isinstance(reply.body, bytes):
        return reply.body, reply.headers.get("Content-Type", "application/octet-stream")
    return json.dumps(reply.body, ensure_ascii=False).encode("utf-8"), "application/json;charset=utf-8"
