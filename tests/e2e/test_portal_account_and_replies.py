"""What the portal promises and offers is true, in Debian's Chromium against the local stack: after a message
or an update request it promises the reply time the case gives (expected_reply), and nothing while no
officer is assigned; a closed account is offered a new account, not a sign-in that would fail. axe-core on
every new state."""

from __future__ import annotations

from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client
from .portal_pages import PHONE, Visit, check_page, heading_levels_skipped
from .test_portal import open_page
from .test_portal_safety import linked_case, sign_in, signed_in_on_a_phone

pytestmark = pytest.mark.browser

EXPECTED_REPLY = "Your officer aims to reply to messages within 5 working days."  # the case view's expected_reply


def open_messages(page: Any) -> None:
    """From "Your cases", the first case's messages page."""
    page.locator(".app-case-card h2 a").first.click()
    page.locator(".app-case").wait_for()
    page.locator(".app-messages-link").click()
    page.locator(".app-messages").wait_for()


@pytest.mark.parametrize("officer", [True, False], ids=["officer", "no-officer"])
def test_a_message_or_an_update_request_promises_only_what_the_case_does(
    stack: LocalStack, http: Client, browser: Any, officer: bool
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    # Given a victim whose case has an officer, or none yet
    account, _ = linked_case(stack, http, officer=officer)
    sign_in(page, stack.gateway.url, account)
    open_messages(page)
    banner = page.locator(".app-banner-slot")

    def promised() -> None:
        said = banner.inner_text()
        if officer:
            assert EXPECTED_REPLY in said, said
        else:  # nobody to keep a promise yet: no reply time, nothing said in an officer's name
            assert "reply" not in said.lower() and "working days" not in said and "officer" not in said.lower(), said

    # When she sends a message, then the banner promises what the case does
    page.fill("#message", "Is there any news?")
    page.locator("#message-form button[type=submit]").click()
    page.get_by_text("Your message has been sent").wait_for()
    promised()
    check_page(page, f"message-sent-{'officer' if officer else 'no-officer'}", "phone", visit, screenshot=False)
    assert heading_levels_skipped(page) == []  # the thread's messages are not an h3 straight under the h1
    # When she asks for an update, the same
    page.locator("#update-form button[type=submit]").click()
    page.get_by_text("You have asked for an update").wait_for()
    promised()
    check_page(page, f"update-requested-{'officer' if officer else 'no-officer'}", "phone", visit)
    context.close()


def test_a_closed_account_is_offered_a_new_account_not_a_sign_in(stack: LocalStack, http: Client, browser: Any) -> None:
    visit = Visit()
    context, page = signed_in_on_a_phone(stack, http, browser, visit)
    assert stack.gateway is not None
    # When the victim closes her account
    page.goto(stack.gateway.url + "/my-data.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    page.check("#confirm-close")
    page.locator("#close-form button[type=submit]").click()
    page.wait_for_url("**/signed-out.html#closed")
    page.locator("body[data-ready]").wait_for(state="attached")
    # Then the page says so and offers a new account or the start page, not a sign-in that would fail
    assert page.get_by_role("heading", level=1).inner_text() == "Your account is closed"
    assert page.get_by_role("link", name="Sign in again").is_hidden()
    assert page.get_by_role("link", name="Go to the start page").is_visible()
    check_page(page, "account-closed", "phone", visit)
    page.get_by_role("link", name="Create a new account").click()
    page.wait_for_url("**/create-account.html")
    page.locator("#create-form").wait_for()
    context.close()


def test_a_message_whose_answer_is_lost_is_sent_once_when_she_tries_again(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = signed_in_on_a_phone(stack, http, browser, visit)
    assert stack.gateway is not None
    open_messages(page)
    # Given the API stores her first send, but its answer never reaches the phone
    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the API has the message...
            lost.append(route.request.post_data or "")
            route.abort()  # ...and the phone hears nothing
        else:
            route.continue_()

    page.route("**/v1/cases/*/*/messages", lose_the_answer)
    page.fill("#message", "Is there any news?")
    page.locator("#message-form button[type=submit]").click()
    page.locator("#message-error").wait_for()
    # When she tries again with the same words
    page.locator("#message-form button[type=submit]").click()
    page.get_by_text("Your message has been sent").wait_for()
    # Then the thread, and the force, have it once
    thread = page.locator(".app-messages").inner_text()
    assert thread.count("Is there any news?") == 1, thread
    assert '"idempotency_key"' in lost[0]
    context.close()
