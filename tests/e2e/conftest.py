"""End-to-end tests: the whole local stack started once, driven over real HTTP (and a real browser)."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from caseline_local.force_sim.people import drama_mobile
from caseline_local.stack import LocalStack, StackConfig

ROOT = Path(__file__).resolve().parents[2]
# Generous on purpose: on a busy machine a flow behind two streams may take a minute, and a read that is
# abandoned early only fails a test that would have passed. Nothing here is a timing assertion.
REQUEST_TIMEOUT = 60.0
EVENTUALLY_TIMEOUT = 120.0
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # the clock-driven tests' week; winter: UK time is UTC
SCHEDULE_SECONDS = 10.0
# ``make fuzz``: the OpenAPI fuzz and the hostile bodies with this many examples a route, and a new draw
# every run. Unset (CI), each runs its own small number, the OpenAPI fuzz the same draw every run.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    base: str
    statuses: list[int] = field(default_factory=list)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers=headers or {},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                result = HttpResponse(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            result = HttpResponse(error.code, dict(error.headers), error.read())
        self.statuses.append(result.status)
        return result


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    saved = dict(os.environ)
    # The sweep's schedule runs every 10 s rather than every minute: tests that need a sweep at a moment run
    # it themselves (``run_schedule``), so a faster schedule would only spend the machine's time.
    state_dir = tmp_path_factory.mktemp("local-stack")
    local = LocalStack(StackConfig(port=0, state_dir=state_dir, schedule_seconds=SCHEDULE_SECONDS))
    try:
        local.start()
        yield local
    finally:
        local.stop()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def http(stack: LocalStack) -> Iterator[Client]:
    assert stack.gateway is not None
    client = Client(stack.gateway.url)
    yield client
    # No request in the end-to-end suite may produce a 5xx.
    assert all(status < 500 for status in client.statuses), client.statuses


def sent(http: Client, *addresses: str, since: int = 0) -> list[dict[str, Any]]:
    """The messages the stack has sent (to these addresses only, when given), read with the sent log's
    own filters so each read costs what it returns."""
    if not addresses:
        return list(http.request("GET", f"/_local/sent.json?since={since}").json())
    found: list[dict[str, Any]] = []
    for address in addresses:
        query = urllib.parse.urlencode({"to": address, "since": since})
        found.extend(http.request("GET", f"/_local/sent.json?{query}").json())
    return sorted(found, key=lambda message: int(message["seq"]))


def fresh_mobile(*, national: bool = False) -> str:
    """A random Ofcom drama mobile for a test, never one moto treats as opted out (see ``drama_mobile``)."""
    mobile = drama_mobile(uuid.uuid4().int)
    return "07700 900" + mobile[-3:] if national else mobile


ACCESS_CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")


def access_code(http: Client, mobile: str, crime_reference: str) -> str:
    """The one-time code from the text that invited this victim to link this case. Test mobiles are drawn
    from the thousand Ofcom drama numbers, which other cases also use, so only a text that names this
    crime reference counts."""

    def found() -> str | None:
        for message in sent(http, mobile):
            code = ACCESS_CODE.search(message["body"])
            if code and crime_reference in message["body"]:
                return code.group(1)
        return None

    return str(eventually(found))


def eventually(check: Callable[[], Any], *, timeout: float = EVENTUALLY_TIMEOUT, interval: float = 0.2) -> Any:
    """Poll until ``check`` returns something truthy (asynchronous flows behind streams)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def sweep_until_done(stack: LocalStack, *, runs: int = 10) -> None:
    """Run the sweep, and let what it started drain, until a run finds nothing to do (one run may stop
    short of a backlog: it leaves the rest to the next, as the schedule would)."""
    for _ in range(runs):
        found = stack.sweep()
        done = found is not None and not any(found.values())
        assert stack.wait_idle(timeout=600), "the local stack did not drain the sweep's work"
        if done:
            return
    raise AssertionError(f"the sweep still found work after {runs} runs")


@pytest.fixture(scope="module")
def clock(stack: LocalStack) -> Iterator[LocalStack]:
    # Moving the clock makes every earlier test's waiting runs fall due at once: let them all go first,
    # so each scenario's own messages are not queued behind hundreds of others.
    try:
        stack.set_clock(MONDAY - timedelta(days=1))
        sweep_until_done(stack)
        yield stack
    finally:
        stack.reset_clock()


@pytest.fixture(scope="module")
def browser(stack: LocalStack) -> Iterator[Any]:
    """Debian's Chromium, one per test module, with the built portal served by the stack's gateway."""
    from playwright.sync_api import sync_playwright

    from .portal_pages import CHROMIUM_ARGS, chromium_or_skip, require_built_portal, serve_dist

    executable = chromium_or_skip()
    require_built_portal()
    serve_dist(stack)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
