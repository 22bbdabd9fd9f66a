"""When the API fails, cannot be reached or never answers, in Debian's Chromium against the local stack (the
browser's requests to the API routed): the case, messages, contact choices and "Your cases" pages replace
their "Loading…" text with a GOV.UK error summary that is announced and focused, says to try again (a
button that reloads the page) and whom to call, 101 or 999 in an emergency; a request never answered is
abandoned after the configured time. axe-core on the error states."""

from __future__ import annotations

import re
from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client
from .portal_pages import PHONE, Visit, check_page
from .test_portal import open_page
from .test_portal_safety import deployment_config, linked_case, sign_in, signed_in_on_a_phone

pytestmark = pytest.mark.browser

CASE_VIEW = re.compile(r".*/v1/cases/[^/]+/[^/#?]+$")  # GET the case, not its preferences or accounts
PREFERENCES = re.compile(r".*/v1/cases/[^/]+/[^/]+/preferences$")
MY_CASES = re.compile(r".*/v1/me/cases$")
PROBLEM = "Sorry, there is a problem with the service"


def server_error(route: Any) -> None:
    route.fulfill(status=500, content_type="application/problem+json", body='{"title": "Internal Server Error"}')


def no_connection(route: Any) -> None:
    route.abort("internetdisconnected")


def never_answered(route: Any) -> None:
    """Leave the request unanswered: only the page's own time-out ends it."""


def expect_service_problem(page: Any, visit: Visit, name: str) -> None:
    """The problem is said in place of "Loading…", announced, focused, with a way on; nothing else shows."""
    problem = page.locator(".app-service-problem")
    problem.wait_for()
    assert page.evaluate("document.body.dataset.ready") == "error"
    assert page.locator(".app-loading").is_hidden()
    assert problem.locator("[role=alert]").inner_text().startswith(PROBLEM)
    text = problem.inner_text()
    assert "try again" in text.lower() and "call 101" in text and "call 999" in text, text
    assert page.evaluate("document.activeElement.classList.contains('app-service-problem')")
    assert problem.get_by_role("button", name="Try again").is_visible()
    assert page.title().startswith("Error: ")
    # The page says why it could not start in the console; anything else would be a fault
    assert all(error.startswith("The page could not start") for error in visit.errors), visit.errors
    visit.errors.clear()
    check_page(page, name, "phone", visit)


def open_case(page: Any) -> str:
    """From "Your cases", the case page; returns its address (an opaque key in the fragment)."""
    page.locator(".app-case-card h2 a").first.click()
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    return str(page.url)


def reopen_failing(context: Any, page: Any, url: str, pattern: Any, failure: Any) -> None:
    """The API fails as ``failure`` says for ``pattern`` from now on, and the page at ``url`` is opened anew."""
    context.route(pattern, failure)
    page.goto("about:blank")
    page.goto(url)


def test_a_failing_api_shows_the_problem_and_trying_again_recovers(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = signed_in_on_a_phone(stack, http, browser, visit)
    assert stack.gateway is not None
    case_url = open_case(page)
    # Given the API answers the case with a server error
    # When the victim opens her case
    reopen_failing(context, page, case_url, CASE_VIEW, server_error)
    # Then the page says there is a problem, what to do and whom to call, instead of "Loading your case…"
    expect_service_problem(page, visit, "problem-case")
    assert page.locator(".app-case").is_hidden()
    assert page.get_by_role("heading", level=1).inner_text() == PROBLEM  # the only heading while the case is hidden
    # When the API works again and she chooses "Try again", the case is there
    context.unroute(CASE_VIEW, server_error)
    page.get_by_role("button", name="Try again").click()
    page.locator(".app-case").wait_for()
    assert page.locator(".app-service-problem").count() == 0
    assert page.url == case_url
    context.close()


@pytest.mark.parametrize(
    ("name", "address", "pattern", "failure"),
    [
        ("problem-cases-no-connection", "/cases.html", MY_CASES, no_connection),
        ("problem-messages-error", "messages", CASE_VIEW, server_error),
        ("problem-preferences-error", "preferences", PREFERENCES, server_error),
    ],
)
def test_each_page_that_loads_from_the_api_says_when_it_cannot(
    stack: LocalStack, http: Client, browser: Any, name: str, address: str, pattern: Any, failure: Any
) -> None:
    visit = Visit()
    context, page = signed_in_on_a_phone(stack, http, browser, visit)
    assert stack.gateway is not None
    key = open_case(page).split("#c=")[1]
    url = stack.gateway.url + (address if address.startswith("/") else f"/{address}.html#c={key}")
    # Given the API fails (or cannot be reached) for what the page needs
    # When the victim opens the page
    reopen_failing(context, page, url, pattern, failure)
    # Then it says so, with what to do next
    expect_service_problem(page, visit, name)
    context.close()


def test_a_request_the_api_never_answers_is_abandoned_and_said(stack: LocalStack, http: Client, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    # Given a deployment whose API requests are abandoned after 2 seconds (apiTimeoutSeconds)
    deployment_config(context, stack, apiTimeoutSeconds=2)
    account, _ = linked_case(stack, http)
    sign_in(page, stack.gateway.url, account)
    case_url = open_case(page)
    # When the API never answers the case
    reopen_failing(context, page, case_url, CASE_VIEW, never_answered)
    # Then "Loading your case…" does not stay for ever: the problem is said
    expect_service_problem(page, visit, "problem-case-no-answer")
    context.close()
