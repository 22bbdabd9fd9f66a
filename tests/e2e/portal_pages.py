"""Helpers for the portal's browser tests: the built site, a browser context wired to the local stack,
axe-core, screenshots and the force's side of a case."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from caseline_local import demo
from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack

from .conftest import fresh_mobile

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "portal" / "dist"
AXE = ROOT / "portal" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "portal"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"
COGNITO_SHIM = "/_portal-test/cognito"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"]


def require_built_portal() -> None:
    if not (DIST / "index.html").is_file() or not AXE.is_file():
        pytest.fail("portal/dist or axe-core is missing: run `make portal` first (make e2e does)")


def chromium_or_skip() -> str:
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; make browser does it as root)")
    return executable


def serve_dist(stack: LocalStack) -> None:
    """The gateway serves the built portal (portal/dist), whatever directory it was started with."""
    assert stack.gateway is not None
    if Path(stack.gateway.portal_dir).resolve() != DIST.resolve():
        stack.gateway.portal_dir = DIST


@dataclass
class Visit:
    """Every URL and title the browser showed, and any request that left this machine."""

    urls: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # An API's 4xx answer (a refused code, a form error) is logged by the browser: expected, not a fault
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)


def wire_context(context: Any, stack: LocalStack, visit: Visit) -> None:
    """Route the browser: the neutral exit site is a stub page (there is no internet here), any other
    request off this machine is refused and recorded, and a cross-origin Cognito endpoint is reached
    through a same-origin shim until the local gateway proxies it itself."""
    assert stack.gateway is not None
    base = stack.gateway.url
    config = stack.public_config()
    endpoint = str(config["cognitoEndpoint"])
    shim_needed = urlsplit(endpoint).netloc not in ("", urlsplit(base).netloc) and endpoint.startswith("http")

    def outside(route: Any) -> None:
        url = route.request.url
        if url.startswith(NEUTRAL_SITE):
            route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>")
            return
        host = urlsplit(url).hostname or ""
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
            return
        visit.outside.append(url)
        route.abort()

    context.route(re.compile(r"^https?://.*"), outside)
    if shim_needed:

        def local_config(route: Any) -> None:
            route.fulfill(
                status=200,
                content_type="application/json",
                body=json.dumps({**config, "cognitoEndpoint": base + COGNITO_SHIM}),
            )

        def cognito(route: Any) -> None:
            request = route.request
            answer = route.fetch(url=endpoint, method="POST", headers=request.headers, post_data=request.post_data)
            route.fulfill(response=answer)

        context.route(base + "/_local/config.json", local_config)
        context.route(base + COGNITO_SHIM, cognito)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } })
            return results.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }))
        }""",
        WCAG_TAGS,
    )
    return result


def check_page(page: Any, name: str, width: str, visit: Visit, *, screenshot: bool = True) -> None:
    """axe-core finds nothing, nothing overflows the screen, and the page is recorded."""
    page.locator("body[data-ready]").wait_for(state="attached")
    assert visit.errors == [], (name, visit.errors)
    violations = axe_violations(page)
    assert violations == [], (name, violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} overflows"
    visit.urls.append(page.url)
    visit.titles.append(page.title())
    if screenshot:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{width}-{name}.png"), full_page=True)


def heading_levels_skipped(page: Any) -> list[str]:
    """Each shown heading that is more than one level below the one before it (an h1 then an h3)."""
    skipped: list[str] = page.evaluate(
        """() => {
            const all = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
            const shown = all.filter((h) => h.getClientRects().length)
            return shown.filter((h, i) => i > 0 && Number(h.tagName[1]) > Number(shown[i - 1].tagName[1]) + 1)
                .map((h) => `${h.tagName}: ${h.textContent.trim()}`)
        }"""
    )
    return skipped


@dataclass
class NewCase:
    force_id: str
    case_id: str
    crime_reference: str
    email: str
    mobile: str
    sequence: int = 1
    victim_id: str = ""


def record_new_crime(stack: LocalStack) -> NewCase:
    """The force records a crime for a new victim (fictional details), through the signed webhook."""
    assert stack.gateway is not None
    event = demo.fresh_crime_recorded("thames-valley", serial=uuid.uuid4().int % 1_000_000)
    email = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    mobile = fresh_mobile()
    event["data"]["victim"].update({"email": email, "mobile": mobile})
    status, body = demo.post_event(stack.gateway.url, "thames-valley", event, stack.webhook_secret("thames-valley"))
    assert status == 202, body
    victim_id = str(event["data"]["victim"]["victim_id"])
    return NewCase("thames-valley", event["subject"], event["data"]["crime_reference"], email, mobile, 1, victim_id)


def post_officer_message(stack: LocalStack, case: NewCase, text: str) -> None:
    assert stack.gateway is not None
    case.sequence += 1
    event = build.officer_message(EventContext(case.force_id, case.case_id, case.sequence, stack.now()), text=text)
    response = client.post_event(stack.gateway.url, case.force_id, event, stack.webhook_secret(case.force_id))
    assert response.status == 202, response.body


def close_case(stack: LocalStack, case: NewCase) -> None:
    """The force closes the case, through the signed webhook."""
    assert stack.gateway is not None
    case.sequence += 1
    event = build.case_closed(EventContext(case.force_id, case.case_id, case.sequence, stack.now()))
    response = client.post_event(stack.gateway.url, case.force_id, event, stack.webhook_secret(case.force_id))
    assert response.status == 202, response.body
