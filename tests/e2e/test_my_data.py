"""My data, readable: the account page shows everything the download holds in plain English (contact
preferences included), prints as the data alone, still downloads the JSON file, and after a sign-in that
is too old brings the victim back to the data once they have signed in again. axe-core on every state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client
from .portal_pages import DESKTOP, PHONE, Visit, check_page
from .test_portal import open_page
from .test_portal_safety import Account, linked_case, sign_in, stored_tokens

pytestmark = pytest.mark.browser


def _set_preferences(http: Client, account: Account, force_id: str, case_id: str) -> None:
    """The victim's own choices, through the API: texts only, 9am to 5:30pm, no news every 14 days."""
    body = {
        "channels": ["sms"],
        "name_police": True,
        "name_crime": False,
        "safe_hours": {"start": "09:00:00", "end": "17:30:00"},
        "no_news_days": 14,
        "non_statutory": True,
    }
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    path = f"/v1/cases/{force_id}/{case_id}/preferences"
    answer = http.request("PUT", path, body=json.dumps(body).encode(), headers=headers)
    assert answer.status == 200, answer.body


def submit_sign_in(page: Any, account: Account) -> None:
    """Sign in on the sign-in page that is open."""
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.locator("#sign-in-form button[type=submit]").click()


def _open_my_data(page: Any, base: str) -> None:
    page.goto(base + "/my-data.html")
    page.locator("body[data-ready]").wait_for(state="attached")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_victim_reads_prints_and_downloads_their_data(
    stack: LocalStack, http: Client, browser: Any, width: str
) -> None:
    # Given a victim with a linked case who chose how they are contacted
    account, case = linked_case(stack, http)
    visit = Visit()
    context, page = open_page(browser, stack, PHONE if width == "phone" else DESKTOP, visit)
    assert stack.gateway is not None
    _set_preferences(http, account, case.force_id, case.case_id)
    sign_in(page, stack.gateway.url, account)
    _open_my_data(page, stack.gateway.url)
    check_page(page, "my-data-start", width, visit)
    assert page.locator(".app-my-data").is_hidden()

    # When they choose to see their data
    page.get_by_role("button", name="See your data").click()
    data = page.locator(".app-my-data")
    data.get_by_role("heading", name=f"Your case: crime reference {case.crime_reference}").wait_for()
    # Then it is there in plain English, in sections, with their own contact preferences
    for heading in (
        "Your data",
        "Your account",
        "Your contact details as the police hold them",
        "Your contact preferences",
        "What has happened",
        "Your messages",
        "What you sent to the police",
        "Crimes you reported online",
        "What is not included, and why",
    ):
        assert data.get_by_role("heading", name=heading, exact=True).count() == 1, heading
    text = data.inner_text()
    assert account.email in text and case.mobile in text and "thames-valley" not in text  # the force by name
    assert "We will only send you messages between 9am and 5:30pm (UK time)." in text
    assert "Every 14 days" in text
    assert "Text message" in text
    assert page.evaluate("document.activeElement.id") == "my-data-heading"
    check_page(page, "my-data-view", width, visit)

    # When they print it (or save it as a PDF), the print shows the data alone
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1 } }")
    page.get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    for hidden in (".app-header", ".govuk-exit-this-page", ".govuk-footer", "#close-form", ".app-view-data"):
        assert page.locator(hidden).is_hidden(), hidden
    assert data.is_visible() and page.get_by_role("heading", name="Your contact preferences").is_visible()
    assert page.get_by_role("button", name="Print or save as PDF").is_hidden()
    page.emulate_media(media="screen")

    # And the JSON file is still there, with the same preferences
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data as a JSON file").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    (exported,) = document["cases"]
    assert exported["crime_reference"] == case.crime_reference
    assert exported["your_preferences"]["safe_hours"] == {"start": "09:00:00", "end": "17:30:00"}
    assert exported["your_preferences"]["channels"] == ["sms"]
    context.close()


def test_seeing_data_when_it_fails_or_after_15_minutes_says_so_or_asks_to_sign_in_again(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    account, case = linked_case(stack, http)
    refused: list[str] = []

    def stale_sign_in(route: Any) -> None:  # as the API answers a sign-in more than 15 minutes old
        refused.append(route.request.url)
        problem = {"type": "urn:caseline:problem:recent-sign-in-required", "title": "Sign in again", "status": 401}
        route.fulfill(status=401, content_type="application/problem+json", body=json.dumps(problem))

    def unavailable(route: Any) -> None:
        problem = {"type": "urn:caseline:problem:temporarily-unavailable", "title": "Try again", "status": 503}
        route.fulfill(status=503, content_type="application/problem+json", body=json.dumps(problem))

    sign_in(page, stack.gateway.url, account)
    _open_my_data(page, stack.gateway.url)
    # When the service cannot answer, the page says so and shows nothing
    context.route("**/v1/me/data", unavailable)
    page.get_by_role("button", name="See your data").click()
    page.get_by_text("Sorry, we could not get your data").wait_for()
    assert page.locator(".app-my-data").is_hidden()
    check_page(page, "my-data-unavailable", "phone", visit, screenshot=False)
    context.unroute("**/v1/me/data", unavailable)
    context.route("**/v1/me/data", stale_sign_in)
    # When they ask to see their data with an old sign-in
    page.get_by_role("button", name="See your data").click()
    # Then they sign in again first, and nothing of the data was shown or kept
    page.wait_for_url("**/sign-in.html#sign-in-again")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert refused and "idToken" not in stored_tokens(page)
    context.unroute("**/v1/me/data", stale_sign_in)
    submit_sign_in(page, account)
    # And afterwards they are back on the page with their data shown
    page.wait_for_url("**/my-data.html#view")
    page.locator(".app-my-data").get_by_text(f"crime reference {case.crime_reference}").wait_for()
    assert "You have signed in again" in page.locator(".app-banner-slot").inner_text()
    check_page(page, "my-data-view-after-sign-in", "phone", visit)
    context.close()


def test_what_was_sent_and_cases_followed_for_someone_are_said_in_plain_english(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    account, case = linked_case(stack, http)
    at = "2026-12-07T20:32:58+00:00"

    def sent(event_type: str) -> dict[str, Any]:
        return {"type": event_type, "created_at": at, "status": "delivered", "reasons": None}

    def with_more(route: Any) -> None:
        """The download as the API gives it, plus what this victim has not done yet: she removed someone's
        access, sent something this page has no words for, and follows a case for a friend."""
        answer = route.fetch()
        data = answer.json()
        (mine,) = data["cases"]
        mine["requests_to_the_force"] += [
            sent("org.caseline.victim.delegate-removed.v1"),
            sent("org.caseline.victim.something-new.v1"),
        ]
        mine["people_following_your_case"] = [
            {"name": "Sam", "relationship": "family", "scope": "message", "granted_by": "victim"}
        ]
        data["following"] = [
            {
                "force_id": case.force_id,
                "case_id": "DEMO-FOLLOWED",
                "crime_reference": "43/999999/26",
                "relationship": "advocate",
                "scope": "message",
                "granted_by": "force",
                "accepted_at": at,
                "your_messages": [{"text": "Written for my friend.", "sent_at": at}],
                "requests_to_the_force": [sent("org.caseline.victim.message-sent.v1")],
            }
        ]
        route.fulfill(response=answer, body=json.dumps(data))

    sign_in(page, stack.gateway.url, account)
    _open_my_data(page, stack.gateway.url)
    context.route("**/v1/me/data", with_more)
    # When she chooses to see her data
    page.get_by_role("button", name="See your data").click()
    data = page.locator(".app-my-data")
    followed = data.get_by_role("heading", name="A case you follow for someone else: crime reference 43/999999/26")
    followed.wait_for()
    # Then every request is in plain words, never an event's type, and the case she follows is there too
    text = data.inner_text()
    assert "org.caseline" not in text, text
    assert "You removed someone's access to your case. Received by the police." in text
    assert "You sent something to the police about your case. Received by the police." in text
    assert "Sam" in text and "Family member. Read the case and write to the officer." in text
    assert "Advocate or support worker" in text and "The police" in text and "Written for my friend." in text
    check_page(page, "my-data-following", "phone", visit)
    context.close()
