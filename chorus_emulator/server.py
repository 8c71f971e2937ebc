"""HTTP plumbing: a threading HTTP/1.1 server on 127.0.0.1 that counts requests, applies faults and answers."""

import contextlib
import http.server
import logging
import socket
import struct
import sys
import threading
import urllib.parse

from . import control
from .config import CONTROL_PREFIX, MAX_BODY_BYTES
from .replies import Reply, gateway_error, reply_bytes

logger = logging.getLogger(__name__)
HOST = "127.0.0.1"


class EmulatorServer(http.server.ThreadingHTTPServer):
    """The listening server; it knows the Api and the open connections, so that stop() closes them all."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, api, port=0):
        self.api = api
        self.stopping = threading.Event()
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__((HOST, port), Handler)

    @property
    def url(self):
        """Base URL, http://127.0.0.1:PORT."""
        return f"http://{HOST}:{self.server_address[1]}"

    def track(self, connection, opened):
        """Remember (or forget) an open client connection."""
        with self._connections_lock:
            (self._connections.add if opened else self._connections.discard)(connection)

    def handle_error(self, request, client_address):
        """A client that went away mid-answer is no emulator error: log it quietly."""
        logger.debug("connection error with %s: %r", client_address, sys.exc_info()[1])

    def stop(self):
        """Stop serving, wake sleeping faults and close every connection."""
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Handler(http.server.BaseHTTPRequestHandler):
    """One client connection; every method goes through ``_handle``."""

    protocol_version = "HTTP/1.1"
    timeout = 300  # seconds a kept-alive connection may stay idle (or a body take to arrive)
    server_version = "ChorusProEmulator/1.0"

    def setup(self):
        result = super().setup()
        # Headers and body leave in two writes: without this, Nagle and delayed ACKs add ~40 ms per answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)
        return result

    def finish(self):
        try:
            return super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PATCH(self):
        self._handle("PATCH")

    def log_message(self, fmt, *args):
        logger.debug("%s %s", self.address_string(), fmt % args)

    def _handle(self, method):
        path = urllib.parse.urlsplit(self.path).path
        body = self._read_body()
        if body is None:
            return
        api = self.server.api
        if path.startswith(CONTROL_PREFIX):
            refusal = control.refuse(self.client_address[0])
            self._send(refusal or control.handle(api, method, path, body, self.server.url))
            return
        api.state.count(path, body)
        fault = api.faults.take(path)
        if fault is not None:
            api.state.count_fault(fault.kind)
        if fault is not None and fault.kind == "lost_answer":
            self._answer_lost(api, method, path, body)
            return
        if fault is not None and fault.kind == "held_answer":
            self._answer_held(api, method, path, body, fault.delay())
            return
        if fault is not None and not self._apply_fault(fault):
            return
        self._send(self._reply(api, method, path, body))

    def _read_body(self):
        """The request body, or None after answering 411/413 (the connection is then closed)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._refuse(gateway_error(411, "Send a Content-Length (chunked bodies are not supported)").reply)
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self._refuse(gateway_error(413, f"The body must be 0 to {MAX_BODY_BYTES} bytes").reply)
            return None
        return self.rfile.read(length) if length else b""

    def _refuse(self, reply):
        self.close_connection = True
        self._send(reply, close=True)

    def _apply_fault(self, fault):
        """Play a fault; True when the request must then be answered normally (latency only)."""
        delay = fault.delay()
        if delay and self.server.stopping.wait(delay):
            self.close_connection = True
            return False
        if fault.kind == "timeout":
            self.close_connection = True  # no answer at all
            return False
        if fault.kind == "reset":
            self._reset_connection()
            return False
        reply = fault.reply()
        if reply is None:
            return True
        self._send(reply)
        return False

    def _answer_lost(self, api, method, path, body):
        """Process the request for real (a submission is recorded), then drop the connection unanswered."""
        self._reply(api, method, path, body)
        self._reset_connection()

    def _answer_held(self, api, method, path, body, delay):
        """Process the request for real, then hold its answer for ``delay`` seconds (dropped if the emulator stops)."""
        reply = self._reply(api, method, path, body)
        if self.server.stopping.wait(delay):
            self.close_connection = True
            return
        self._send(reply)  # a client killed meanwhile makes this fail: handle_error logs it quietly

    def _reply(self, api, method, path, body):
        """The Reply of api.handle; an HTTP 500 (the bug logged) when the emulator itself fails."""
        try:
            return api.handle(method, path, self.headers, body)
        except Exception:
            logger.exception("emulator bug while answering %s %s", method, path)
            return gateway_error(500, "Internal error of the emulator").reply

    def _reset_connection(self):
        """Close the connection with a TCP reset and no answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def _send(self, reply: Reply, close=False):
        payload, content_type = reply_bytes(reply)
        self.send_response(reply.status)
        headers = {"Content-Type": content_type, **reply.headers, "Content-Length": str(len(payload))}
        if close:
            headers["Connection"] = "close"
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
