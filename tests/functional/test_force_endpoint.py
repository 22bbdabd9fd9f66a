"""Outbound delivery cannot lie: against a real HTTP server on this machine, only a 2xx to the POST
itself counts. Redirects are failures (never followed), a hanging endpoint fails within the time-out,
plain http to another host is refused before any request, and the template gives every attempt the
time it needs and the retries the hours the docs promise."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from caseline.adapters import force_endpoint
from caseline.adapters.force_endpoint import HttpForceEndpoint, endpoint_allowed
from caseline.domain.errors import DeliveryFailedError
from caseline.domain.outbound import UPDATE_REQUESTED, OutboundEvent, backoff_seconds
from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
EVENT = OutboundEvent(
    force_id="thames-valley",
    case_id="TVP-E-1",
    outbound_id="ob-e-1",
    event_type=UPDATE_REQUESTED,
    data={"note": "Is there any news?"},
    created_at=datetime(2026, 12, 6, 12, 0, tzinfo=UTC),
)


class Force:
    """A force's web server: what each path answers, and every request it received."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.release = threading.Event()
        force = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                return None

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                force.requests.append((self.command, self.path))
                if self.path.startswith("/moved"):  # e.g. a sign-on page: 200 to anything
                    self._send(200)
                elif self.path.startswith("/redirect-"):
                    self.send_response(int(self.path.removeprefix("/redirect-")))
                    self.send_header("Location", "/moved")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/hang":
                    force.release.wait(10)
                else:
                    self._send(204)

            def _send(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class Secrets:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def get_secret_value(self, SecretId: str) -> dict[str, str]:
        return {"SecretString": json.dumps({"endpoint": self.endpoint, "current": "c" * 32, "previous": ""})}


@pytest.fixture
def force() -> Iterator[Force]:
    running = Force()
    yield running
    running.close()


def endpoint(url: str, **options: Any) -> HttpForceEndpoint:
    return HttpForceEndpoint(Secrets(url), prefix="p/", source="urn:caseline:test", **options)


def test_a_2xx_to_the_post_is_delivered(force: Force) -> None:
    endpoint(force.url("/events")).deliver("thames-valley", EVENT)
    assert force.requests == [("POST", "/events")]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(force: Force, status: int) -> None:
    # Given a force whose endpoint redirects (its sign-on page answers 200 to anything)
    with pytest.raises(DeliveryFailedError, match=f"HTTP {status} \\(redirects are not followed\\)"):
        endpoint(force.url(f"/redirect-{status}")).deliver("thames-valley", EVENT)
    # Then nothing reached the page it pointed to: the signed event was sent once, to the force's URL
    assert force.requests == [("POST", f"/redirect-{status}")]


def test_a_hanging_endpoint_fails_within_the_time_out(force: Force) -> None:
    with pytest.raises(DeliveryFailedError, match="could not be reached"):
        endpoint(force.url("/hang"), timeout=0.3).deliver("thames-valley", EVENT)


def test_plain_http_to_another_host_is_refused_before_any_request() -> None:
    opened: list[Any] = []
    http = endpoint("http://force.example.org/events", opener=lambda *a, **k: opened.append(a))
    with pytest.raises(DeliveryFailedError, match="https"):
        http.deliver("thames-valley", EVENT)
    assert opened == []


URLS = [
    ("https://force.example.org/caseline/events", True),
    ("https://force.example.org", True),
    ("http://127.0.0.1:8095/events", True),
    ("http://localhost:8095", True),
    ("http://force.example.org/events", False),
    ("http://127.0.0.1.example.org/events", False),
    ("ftp://force.example.org/events", False),
    ("https://", False),
    ("force.example.org/events", False),
]


@pytest.mark.parametrize(("url", "allowed"), URLS)
def test_the_runtime_check_and_the_force_template_agree(url: str, allowed: bool) -> None:
    text = (ROOT / "infra" / "force.yaml").read_text(encoding="utf-8")
    quoted = re.search(r"OutboundUrl:\n(?:\s+\w+: .*\n)*?\s+AllowedPattern: (\".*\")", text)
    assert quoted is not None
    pattern = json.loads(quoted.group(1))  # YAML's double-quoted string escapes like JSON's here
    assert (re.fullmatch(pattern, url) is not None) is allowed
    assert endpoint_allowed(url) is allowed


def test_each_attempt_fits_the_function_time_out_and_retries_span_about_four_hours() -> None:
    main = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "test"})
    function = main.resources["OutboundFunction"]["Properties"]
    timeout = function.get("Timeout", main.globals_function.get("Timeout", 3))
    [source] = function["Events"].values()
    batch = source["Properties"]["BatchSize"]
    # A hanging endpoint costs at most one time-out per socket operation (connect, then the answer)
    # plus the secret's read: every record of a batch is attempted and given its backoff
    assert batch * (2 * force_endpoint.TIMEOUT_SECONDS) + 1 <= timeout
    queue = main.resources["OutboundQueue"]["Properties"]
    receives = queue["RedrivePolicy"]["maxReceiveCount"]
    span_hours = sum(backoff_seconds(attempt) for attempt in range(1, receives)) / 3600
    assert 3.5 <= span_hours <= 4.5  # "about four hours" in docs/runbook.md and docs/architecture.md


def test_the_force_is_told_how_long_outbound_events_are_retried() -> None:
    """A force plans an outage of its endpoint by this: force-integration.md says the retry window, not
    only the operators' runbook."""
    main = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "test"})
    receives = main.resources["OutboundQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"]
    text = " ".join((ROOT / "docs" / "force-integration.md").read_text(encoding="utf-8").split())
    assert f"retry limit is reached: {receives} attempts, about four hours" in text
    assert f"more than {force_endpoint.TIMEOUT_SECONDS} seconds for your answer is a failed attempt" in text
