"""The call handler's page in Debian's Chromium against the local stack, at 320 px and 1280 px: the demo call
handler signs in to the staff pool (keyboard only) and lands on it, finds a demo case by its crime reference
with a reason, sees what the victim sees and the messages sent, as the API answers them (read separately),
and records a call; another force's case is an error summary. The reference is in no URL; axe-core finds
nothing; nothing overflows at 320 px. Left idle with a case on the screen, the page warns, then signs out."""

from __future__ import annotations

from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, eventually
from .portal_pages import DESKTOP, Visit, check_page
from .test_call_handlers import BURGLARY, HAMPSHIRE_VEHICLE_CRIME, call_handler_token, look_up
from .test_insights_page import NARROW, sign_in_by_keyboard, staff_signed_in_with_a_short_idle_time
from .test_portal import open_page

pytestmark = pytest.mark.browser

ROWS = """(section) => Object.fromEntries([...section.querySelectorAll('[data-table]')].map((wrapper) => [
  wrapper.dataset.table, [...wrapper.querySelectorAll('tbody tr')].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent))]))"""


def find(page: Any, reference: str) -> None:
    page.fill("#crime-reference", reference)
    page.check("#reason-victim-called-for-update")
    page.fill("#detail", "Asked when the officer will call")
    page.locator("#call-form button[type=submit]").click()


def shows_the_api_s_case(page: Any, http: Client, token: str) -> bool:
    """The page's tables hold the API's timeline, thread and messages sent, victim by victim (looked up again
    until both agree: dispatch may send a message between the two look-ups)."""
    find(page, BURGLARY)
    page.locator(".app-call-case:not([hidden])").wait_for()
    _, answer = look_up(http, token, BURGLARY)
    sections = page.locator("section.app-victim")
    if sections.count() != len(answer["victims"]):
        return False
    for n, victim in enumerate(answer["victims"]):
        shown = sections.nth(n).evaluate(ROWS)
        expected = {"timeline": victim["view"]["timeline"], "thread": victim["view"]["messages"]}
        if any(len(shown.get(name, [])) != len(rows) for name, rows in expected.items()):
            return False
        titles = [row[1] for row in shown.get("timeline", [])]
        if titles != [entry["title"] for entry in victim["view"]["timeline"]]:
            return False
        sent = sorted(row[1] for row in shown.get("sent", []))
        if sent != sorted(m["template_id"] for m in victim["messages_sent"]) or not sent:
            return False
    return True


@pytest.fixture(params=[NARROW, DESKTOP], ids=["320", "1280"])
def screen(request: pytest.FixtureRequest) -> dict[str, int]:
    return dict(request.param)


def test_a_call_handler_finds_a_case_sees_what_the_victim_sees_and_records_the_call(
    stack: LocalStack, http: Client, browser: Any, screen: dict[str, int]
) -> None:
    visit, requested = Visit(), []
    context, page = open_page(browser, stack, screen, visit)
    page.on("request", lambda request: requested.append(request.url))
    width = str(screen["width"])
    assert stack.gateway is not None
    [handler] = [h for h in stack.call_handlers if h["force_id"] == "thames-valley"]
    token = call_handler_token(stack, "thames-valley")

    # The page needs a staff sign-in: there first, then back to the page
    page.goto(stack.gateway.url + "/call-handler.html")
    page.wait_for_url("**/staff-sign-in.html")
    sign_in_by_keyboard(page, handler["email"], handler["password"])
    page.wait_for_url("**/call-handler.html")  # a call handler's home: not the figures, which are analysts'
    check_page(page, "call-handler", width, visit)
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # a narrow screen folds the service navigation away
        menu.click()
    assert page.get_by_role("link", name="Find a case").is_visible()
    assert page.get_by_role("link", name="Figures").count() == 0

    # Nothing filled in: an error summary, nothing asked of the API
    page.locator("#call-form button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the crime reference" in summary.inner_text() and "Choose why" in summary.inner_text()
    check_page(page, "call-handler-empty", width, visit, screenshot=False)

    # Another force's case: the same words as no case at all
    find(page, HAMPSHIRE_VEHICLE_CRIME)
    page.locator(".govuk-error-summary", has_text="No case of your force").wait_for()
    check_page(page, "call-handler-not-found", width, visit, screenshot=False)

    # Their own force's case: what the victim sees, and the messages sent, as the API answers them
    eventually(lambda: shows_the_api_s_case(page, http, token))
    assert BURGLARY in page.locator("#call-case-heading").inner_text()
    check_page(page, "call-handler-case", width, visit)

    # "The victim called for an update" is recorded once, and said so
    page.locator(".app-record-call").click()
    page.locator(".app-call-recorded", has_text="Recorded").wait_for()
    assert page.locator(".app-record-call").is_hidden()
    check_page(page, "call-handler-recorded", width, visit, screenshot=False)

    # The crime reference went in request bodies only: in no URL the browser asked for
    assert requested and not [url for url in requested if BURGLARY in url or HAMPSHIRE_VEHICLE_CRIME in url]
    assert visit.outside == []
    context.close()


def test_an_idle_call_handler_is_warned_then_signed_out_and_the_case_leaves_the_screen(
    stack: LocalStack, browser: Any
) -> None:
    visit = Visit()
    # Given a deployment whose idle time-out is 12 seconds, and a call handler with a victim's case open
    [handler] = [h for h in stack.call_handlers if h["force_id"] == "thames-valley"]
    context, page = staff_signed_in_with_a_short_idle_time(
        browser, stack, visit, handler["email"], handler["password"], "call-handler.html"
    )
    find(page, BURGLARY)
    page.locator(".app-call-case:not([hidden])").wait_for()
    # When they do nothing: a warning, then staff sign-in, the tokens forgotten and the case gone
    page.locator("dialog.app-dialog[open]").wait_for(timeout=30_000)
    page.wait_for_url("**/staff-sign-in.html#timed-out", timeout=45_000)
    assert not any(key.startswith("caseline.staff") for key in page.evaluate("Object.keys(sessionStorage)"))
    assert visit.errors == [] and visit.outside == []
    context.close()
