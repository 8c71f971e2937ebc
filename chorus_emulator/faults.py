"""Fault injection: per route, a queue of faults consumed in order by the next requests."""

import dataclasses
import threading

from .replies import DUPLICATE_CODE, Reply, gateway_error

KINDS = ("latency", "server_error", "rate_limit", "timeout", "expired_token", "business_error", "malformed", "reset",
         "lost_answer", "held_answer")
OPTIONS = frozenset(("http_status", "code", "label", "retry_after", "body", "content_type"))
TIMEOUT_SECONDS = 5.0  # how long a "timeout" fault holds the request when no latency is given
# How long a "held_answer" fault keeps the answer of a request it processed, when no latency is given: long enough
# for a test to kill the client between Chorus Pro's yes and the client's commit.
HOLD_SECONDS = 60.0
ANY_PATH = "*"


@dataclasses.dataclass
class Fault:
    """One injected fault: what, where, how many more times (None = until cleared)."""

    path: str
    kind: str
    count: int | None = 1
    latency: float = 0.0
    options: dict = dataclasses.field(default_factory=dict)

    def delay(self):
        """Seconds to wait before answering (or dropping) the request."""
        if self.kind == "timeout":
            return self.latency or TIMEOUT_SECONDS
        if self.kind == "held_answer":
            return self.latency or HOLD_SECONDS
        return self.latency

    def reply(self):
        """The answer this fault makes, or None when the request goes on (latency) or gets none."""
        maker = _REPLIES.get(self.kind)
        return maker(self.options) if maker else None

    def as_dict(self):
        """Plain dict for the control endpoint."""
        return dataclasses.asdict(self)


def _server_error(options):
    status = int(options.get("http_status", 500))
    if not 500 <= status <= 599:
        raise ValueError("server_error http_status must be 5xx")
    return gateway_error(status, "Injected server error").reply


def _rate_limit(options):
    headers = {"Retry-After": str(options.get("retry_after", 1))}
    return gateway_error(429, "Rate limit exceeded (injected)", headers).reply


def _expired_token(options):
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token expired"'}
    return gateway_error(401, "The access token expired (injected)", headers).reply


def _business_error(options):
    body = {"codeRetour": int(options.get("code", DUPLICATE_CODE)),
            "libelle": options.get("label", "Injected business error")}
    return Reply(int(options.get("http_status", 400)), body)


def _malformed(options):
    body = options.get("body", "<html><body>Gateway error: this is not JSON</body></html>").encode()
    # content_type "application/json" with a cut body: a gateway that claims JSON and breaks it.
    return Reply(int(options.get("http_status", 200)), body, {"Content-Type": options.get("content_type", "text/html")})


_REPLIES = {
    "server_error": _server_error,
    "rate_limit": _rate_limit,
    "expired_token": _expired_token,
    "business_error": _business_error,
    "malformed": _malformed,
}


class FaultTable:
    """Thread-safe queues of faults, by path; "*" faults apply to every path without its own fault."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, path, kind, count=1, latency=0.0, **options):
        """Queue a fault and return it; raises ValueError for an unknown kind or option."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        unknown = set(options) - OPTIONS
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        if count is not None and int(count) < 1:
            raise ValueError("count must be at least 1, or None for a fault that stays until cleared")
        fault = Fault(path, kind, None if count is None else int(count), float(latency), dict(options))
        fault.reply()  # fail now on bad options rather than while serving
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path):
        """The fault to apply to a request on path (its count is used up), or None."""
        with self._lock:
            fault = self._first(path) or self._first(ANY_PATH)
            if fault and fault.count is not None:
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
            return fault and dataclasses.replace(fault)

    def _first(self, path):
        return next((fault for fault in self._faults if fault.path == path), None)

    def clear(self):
        """Drop every fault."""
        with self._lock:
            self._faults.clear()

    def snapshot(self):
        """The pending faults, as plain dicts."""
        with self._lock:
            return [fault.as_dict() for fault in self._faults]
