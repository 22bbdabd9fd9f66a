"""The portal placeholder and the sent-messages view in a real Chromium (Debian's, via Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, eventually

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is required (make test installs it in CI via .ci/run)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 812})  # a phone
    page = context.new_page()
    yield page
    context.close()


def test_the_portal_start_page_leads_with_safety_on_a_phone(stack: LocalStack, page: Any) -> None:
    assert stack.gateway is not None
    response = page.goto(stack.gateway.url + "/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Follow your case online"
    assert "call 999" in page.locator("main").inner_text()
    # Nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_sent_view_lists_the_demo_confirmations(stack: LocalStack, http: Client, page: Any) -> None:
    eventually(lambda: len(http.request("GET", "/_local/sent.json").json()) >= 6)
    assert stack.gateway is not None
    page.goto(stack.gateway.url + "/_local/sent")
    assert page.locator("li.message").count() >= 6
    assert "Your crime reference 43260001234" in page.locator("main").inner_text()
