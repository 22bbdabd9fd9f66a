"""A force system's receiving end for Caseline's OUTBOUND events (victims' messages, update requests,
preference changes): verify the Standard Webhooks signature, de-duplicate on webhook-id, keep each new
event (in memory and as one JSON line in a file), answer 204 (200 ``duplicate`` for a repeat).

``Inbox`` is the logic (no sockets); ``OutboundReceiver`` serves it over HTTP on a port (0: any free one).
Set ``receiver.fault`` to an ``EndpointFault`` to make the endpoint slow, down, redirecting or hanging.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from caseline.domain.errors import SignatureInvalidError
from caseline.domain.signing import parse_headers, verify

OUTBOUND_PREFIX = "org.caseline."
JSON_TYPES = frozenset({"application/json", "application/cloudevents+json"})
MAX_BODY = 256 * 1024
MOVED_PATH = "/moved"  # where the redirect mode sends a POST


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] | None = None

    @property
    def content_type(self) -> str:
        return "application/problem+json" if self.status >= 400 else "application/json"


def problem(status: int, kind: str, title: str) -> Reply:
    return Reply(status, {"type": f"urn:caseline:problem:{kind}", "title": title, "status": status})


@dataclass(frozen=True)
class EndpointFault:
    """How the endpoint misbehaves, before the inbox sees the request. ``mode``:

    - ``ok``: as normal;
    - ``slow``: answers as normal after ``delay_seconds``;
    - ``down``: 503 problem JSON;
    - ``redirect``: 302 to ``MOVED_PATH`` on the same receiver (a POST there is handled as normal);
    - ``hang``: reads the request, answers nothing for ``delay_seconds``, then closes the connection.

    Only ``slow`` requests reach the inbox."""

    mode: str
    delay_seconds: float = 0.0


class Inbox:
    """Accepts signed outbound events once each. Thread-safe."""

    def __init__(
        self,
        secret: str,
        *,
        out: Path | None = None,
        echo: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secrets = [secret]
        self.out = out
        self.echo = echo
        self.clock = clock
        self.received: list[dict[str, Any]] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def handle(self, headers: Mapping[str, str], body: bytes) -> Reply:
        if len(body) > MAX_BODY:
            return problem(413, "payload-too-large", "The body is too large")
        try:
            signed = parse_headers(headers)
            verify(self.secrets, signed, body, now=self.clock())
        except SignatureInvalidError:
            return problem(401, "unauthenticated", "The signature is not valid")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if content_type.split(";", 1)[0].strip().lower() not in JSON_TYPES:
            return problem(415, "unsupported-media-type", "Send a CloudEvent as JSON")
        try:
            event = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return problem(400, "malformed-body", "The body must be UTF-8 JSON")
        if not isinstance(event, dict):
            return problem(400, "malformed-body", "The body must be a JSON object")
        if not str(event.get("type", "")).startswith(OUTBOUND_PREFIX):
            return problem(422, "unsupported-event-type", "Not a Caseline event type")
        with self._lock:
            if signed.webhook_id in self._seen:
                return Reply(200, {"status": "duplicate"})
            self._seen.add(signed.webhook_id)
            self.received.append(event)
            if self.out is not None:
                with self.out.open("a", encoding="utf-8") as sink:
                    sink.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
        if self.echo is not None:
            self.echo(summary(signed.webhook_id, event))
        return Reply(204)


def summary(webhook_id: str, event: Mapping[str, Any]) -> str:
    kind = str(event.get("type", "")).removeprefix(OUTBOUND_PREFIX)
    data = event.get("data") or {}
    if kind.startswith("report."):  # an online report: answer it with report.received / recorded / not-recorded
        category = data.get("category", "-") if isinstance(data, dict) else "-"
        subject = f"report={event.get('subject', '-')} category={category}"
    else:
        subject = f"case={event.get('subject', '-')}"
    if kind == "alert.unacknowledged.v1" and isinstance(data, dict):  # not confirmed: reach them another way
        subject += f" victim={data.get('victim_id', '-')} after={data.get('event_type', '-')}"
    if kind == "victim.review-requested.v1" and isinstance(data, dict):  # answer: review.acknowledged / decided
        subject += f" request={data.get('request_id', '-')} scheme={data.get('scheme', '-')}"
    if kind == "victim.statement-requested.v1" and isinstance(data, dict):  # answer: statement.taken
        subject += f" request={data.get('request_id', '-')} use={data.get('use', '-')}"
    if kind == "access.delegate-invitation.v1" and isinstance(data, dict):  # hand the code to the person
        subject += f" delegation={data.get('delegation_id', '-')} code={data.get('invitation_code', '-')}"
    return f"{event.get('time', '-')} {kind} {subject} id={event.get('id', '-')} ({webhook_id})"


class OutboundReceiver:
    """``with OutboundReceiver(secret) as receiver: ... receiver.url ... receiver.received``."""

    def __init__(
        self,
        secret: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        out: Path | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.inbox = Inbox(secret, out=out, echo=echo)
        self.fault: EndpointFault | None = None
        self.on_fault: Callable[[EndpointFault], None] | None = None  # told of each request a fault applies to
        self._stopping = threading.Event()  # releases slow and hanging requests when the receiver stops
        inbox = self.inbox
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "force-sim-receiver"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the inbox prints its own one-line summaries."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._reply(problem(413, "payload-too-large", "The body is too large"))
                    self.close_connection = True
                    return
                body = self.rfile.read(length)
                fault = receiver.fault
                if fault is not None and self._misbehave(fault):
                    return
                self._reply(inbox.handle(dict(self.headers.items()), body))

            def _misbehave(self, fault: EndpointFault) -> bool:
                """Apply ``fault``: True when the request is answered (or dropped) without the inbox."""
                if fault.mode not in {"slow", "down", "redirect", "hang"}:
                    return False
                if fault.mode == "redirect" and urlsplit(self.path).path == MOVED_PATH:
                    return False
                if receiver.on_fault is not None:
                    receiver.on_fault(fault)
                if fault.mode == "slow":
                    receiver._stopping.wait(fault.delay_seconds)
                    return False
                if fault.mode == "down":
                    self._reply(problem(503, "service-unavailable", "The force's system is down"))
                elif fault.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", receiver.url + MOVED_PATH)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:  # hang: hold the connection, then drop it unanswered
                    receiver._stopping.wait(fault.delay_seconds)
                    self.close_connection = True
                return True

            def do_GET(self) -> None:
                self._reply(problem(405, "method-not-allowed", "POST events here"))

            def _reply(self, reply: Reply) -> None:
                payload = json.dumps(reply.body).encode() if reply.body is not None else b""
                self.send_response(reply.status)
                if payload:
                    self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def received(self) -> list[dict[str, Any]]:
        return self.inbox.received

    def received_since(self, since: int = 0) -> list[dict[str, Any]]:
        """The events after the first ``since`` (a copy: the inbox may grow while it is read)."""
        return self.inbox.received[since:]

    def start(self) -> OutboundReceiver:
        self._thread = threading.Thread(target=self.server.serve_forever, name="force-sim-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:  # shutdown() would wait forever for a loop that never started
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()

    def __enter__(self) -> OutboundReceiver:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
