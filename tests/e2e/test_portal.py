"""The victim portal in Debian's Chromium against the local stack, at phone and desktop widths: a new
victim gets the invitation, creates an account, links the case, reads an officer's message, replies,
changes their choices and downloads their data; axe-core finds no WCAG 2.2 AA violation on any page or
main state; the quick exit leaves no trace on Back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually
from .portal_pages import (
    DESKTOP,
    NEUTRAL_SITE,
    PHONE,
    NewCase,
    Visit,
    check_page,
    close_case,
    post_officer_message,
    record_new_crime,
    wire_context,
)

pytestmark = pytest.mark.browser


def open_page(
    browser: Any, stack: LocalStack, viewport: dict[str, int], visit: Visit, *, bypass_csp: bool = True
) -> tuple[Any, Any]:
    # bypass_csp: axe-core is injected as an inline script. The quick-exit test runs under the real CSP.
    context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, accept_downloads=True)
    wire_context(context, stack, visit)
    page = context.new_page()
    visit.watch(page)
    page.set_default_timeout(45_000)  # generous: a busy machine, not a timing check
    return context, page


def _top(locator: Any) -> float:
    """Where an element starts, from the top of the page (not the screen)."""
    return float(locator.evaluate("node => node.getBoundingClientRect().top + window.scrollY"))


def invitation_code(http: Client, case: NewCase) -> str:
    return access_code(http, case.mobile, case.crime_reference)


def submit(page: Any, form: str) -> None:
    page.locator(f"{form} button[type=submit]").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_new_victim_follows_their_case_in_the_portal(
    stack: LocalStack, http: Client, browser: Any, viewport: dict[str, int]
) -> None:
    width = "phone" if viewport is PHONE else "desktop"
    visit = Visit()
    context, page = open_page(browser, stack, viewport, visit)
    assert stack.gateway is not None
    base = stack.gateway.url
    # Given a crime recorded for a new victim, whose invitation text carries the access code
    case = record_new_crime(stack)
    code = invitation_code(http, case)

    # The start page leads with safety and the exit button
    page.goto(base + "/")
    check_page(page, "start", width, visit)
    assert "call 999" in page.locator("main").inner_text()
    assert page.locator(".govuk-exit-this-page__button").is_visible()

    # When they create an account (an empty form first: the error summary and "Error:" title)
    page.get_by_role("button", name="Create an account").click()
    page.wait_for_url("**/create-account.html")
    check_page(page, "create-account", width, visit)
    submit(page, "#create-form")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    check_page(page, "create-account-errors", width, visit, screenshot=False)
    page.fill("#email", case.email)
    page.fill("#password", "correct horse battery staple")
    submit(page, "#create-form")
    page.locator("#confirm-form").wait_for()
    assert "any 6 digits work" in page.locator("main").inner_text()  # said on the local stack only
    check_page(page, "confirm-email", width, visit)
    page.fill("#code", "123456")
    submit(page, "#confirm-form")

    # ...and link the case with the crime reference and the code (a wrong code first)
    page.wait_for_url("**/link-case.html")
    check_page(page, "link-case", width, visit)
    page.fill("#crime-reference", case.crime_reference)
    page.fill("#access-code", "AAAAA-BBBBB")
    submit(page, "#link-form")
    page.locator(".govuk-error-summary").wait_for()
    assert "could not add a case" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(".app-refused-help").is_visible()
    check_page(page, "link-case-refused", width, visit)
    page.fill("#access-code", code)
    submit(page, "#link-form")

    # Then they see the stage and the timeline
    page.wait_for_url("**/case.html#c=*")
    case_page = page.url
    page.locator("body[data-ready]").wait_for(state="attached")
    assert visit.errors == []
    page.locator(".app-case").wait_for()
    assert page.locator(".app-stages__item--current").inner_text().endswith("Officer assigned")
    assert page.locator(".app-timeline__item").count() >= 1
    check_page(page, "case", width, visit)

    # An article the case recommends keeps its way back to the case (not the browser's history)
    page.locator(".app-recommended a").first.click()
    page.wait_for_url("**/articles/*.html#c=*")
    page.locator("body[data-ready]").wait_for(state="attached")
    back = page.get_by_role("link", name="Back to your case")
    assert back.is_visible() and not page.locator(".app-all-articles").is_visible()
    check_page(page, "article-from-case", width, visit, screenshot=False)
    back.click()
    page.wait_for_url(case_page)
    page.locator(".app-case").wait_for()

    # When the officer writes to them
    officer_text = f"Hello, I am looking after your case now. Reference note {case.sequence}."
    post_officer_message(stack, case, officer_text)
    eventually(lambda: http.request("GET", "/_local/sent.json").status == 200 and _officer_message_stored(stack, case))
    page.reload()
    banner = page.locator(".app-unread-slot .govuk-notification-banner")
    banner.wait_for()
    # The news is near the top, before the Messages button, which counts it too
    messages = page.locator(".app-messages-link")
    assert messages.inner_text() == "Messages (1 new)"
    assert _top(banner) < _top(messages) < _top(page.get_by_role("heading", name="What has happened so far"))
    assert _top(banner) < viewport["height"] * 1.5, _top(banner)
    check_page(page, "case-new-message", width, visit, screenshot=False)
    page.get_by_role("link", name="Read your messages").click()
    page.wait_for_url("**/messages.html#c=*")
    page.locator(".app-messages").wait_for()
    assert officer_text in page.locator(".app-thread").inner_text()
    check_page(page, "messages", width, visit)

    # ...they reply (an empty message first)
    submit(page, "#message-form")
    assert page.title().startswith("Error: ")
    check_page(page, "messages-error", width, visit, screenshot=False)
    reply = f"Thank you. I am free on weekday mornings ({width})."
    page.fill("#message", reply)
    submit(page, "#message-form")
    page.get_by_text("Your message has been sent").wait_for()
    assert reply in page.locator(".app-thread").inner_text()
    # ...with the reply time the case gives (an officer is looking after it)
    promise = "Your officer aims to reply to messages within 5 working days."
    assert promise in page.locator(".app-banner-slot").inner_text()
    check_page(page, "message-sent", width, visit, screenshot=False)

    # Then the force receives the reply, signed, through the outbound queue
    def force_got_reply() -> bool:
        inbox = stack.force_inboxes()[case.force_id]
        return any(
            e["subject"] == case.case_id
            and e["type"] == "org.caseline.victim.message-sent.v1"
            and e["data"].get("text") == reply
            for e in inbox
        )

    eventually(force_got_reply)

    # When they change their choices: no texts, safe times, "no news yet" every 2 weeks
    page.get_by_role("link", name="Back to your case").click()
    page.locator(".app-case").wait_for()
    page.get_by_role("link", name="How we contact you").click()
    page.wait_for_url("**/preferences.html#c=*")
    page.locator("#preferences-form").wait_for()
    check_page(page, "preferences", width, visit)
    page.fill("#hours-start", "25:00")
    submit(page, "#preferences-form")
    assert page.title().startswith("Error: ")
    check_page(page, "preferences-errors", width, visit, screenshot=False)
    page.uncheck("#channel-sms")
    page.check("#channel-email")
    page.fill("#hours-start", "09:00")
    page.fill("#hours-end", "17:30")
    page.check("#no-news-14")
    submit(page, "#preferences-form")
    page.get_by_text("Your choices have been saved").wait_for()
    check_page(page, "preferences-saved", width, visit, screenshot=False)

    # Then the API holds them
    saved = _preferences(page)
    assert saved["channels"] == ["email"]
    assert saved["safe_hours"] == {"start": "09:00:00", "end": "17:30:00"}
    assert saved["no_news_days"] == 14

    # When they download their data
    if viewport is DESKTOP:
        page.get_by_role("link", name="Your account").first.click()
    else:
        page.goto(base + "/my-data.html")
    page.wait_for_url("**/my-data.html")
    check_page(page, "my-data", width, visit)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["format"] == "caseline.export.v1"
    assert [c["case_id"] for c in data["cases"]] == [case.case_id]
    page.get_by_text("Your data has been downloaded").wait_for()

    # When the force closes the case, the case page offers the closing survey
    close_case(stack, case)
    page.goto(case_page)
    page.locator(".app-survey-slot a").wait_for()
    check_page(page, "case-closed", width, visit, screenshot=False)
    page.locator(".app-survey-slot a").click()
    page.wait_for_url("**/survey.html#c=*")
    page.locator("#survey-form").wait_for()
    check_page(page, "survey", width, visit)
    # ...an unanswered question is a GOV.UK error, then they answer
    page.check("#satisfaction-4")
    submit(page, "#survey-form")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary a").count() == 2
    check_page(page, "survey-errors", width, visit, screenshot=False)
    page.check("#kept-informed-5")
    page.check("#easy-to-use-3")
    page.fill("#comments", f"The texts were clear ({width}).")
    submit(page, "#survey-form")
    page.locator(".app-thanks").wait_for()
    check_page(page, "survey-sent", width, visit)

    # Then the force receives the answers, through the outbound queue
    def force_got_answers() -> bool:
        inbox = stack.force_inboxes()[case.force_id]
        return any(
            e["subject"] == case.case_id
            and e["type"] == "org.caseline.victim.survey-answered.v1"
            and e["data"].get("comments") == f"The texts were clear ({width})."
            and e["data"].get("kept_informed") == 5
            for e in inbox
        )

    eventually(force_got_answers)

    # ...and a second answer for the same case is refused with a GOV.UK error
    page.reload()
    page.locator("#survey-form").wait_for()
    for answer in ("#satisfaction-1", "#kept-informed-1", "#easy-to-use-1"):
        page.check(answer)
    submit(page, "#survey-form")
    page.locator(".govuk-error-summary").wait_for()
    assert "already answered" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, "survey-answered-already", width, visit, screenshot=False)

    # Help and support: browse, search, one article
    page.goto(base + "/articles.html")
    check_page(page, "articles", width, visit)
    page.fill("#q", "compensasion")
    submit(page, "#search-form")
    page.locator(".app-search-results h2").wait_for()
    assert "compensation" in page.locator(".app-search-results").inner_text().lower()
    check_page(page, "articles-search", width, visit, screenshot=False)
    page.locator(".app-search-results a").first.click()
    page.wait_for_url("**/articles/*.html")
    check_page(page, "article", width, visit)
    assert page.locator(".app-all-articles").is_visible()  # not from a case: no case to go back to
    assert not page.get_by_role("link", name="Back to your case").is_visible()

    # Static pages
    for name in ("accessibility", "privacy", "cookies", "sign-in", "reset-password"):
        page.goto(f"{base}/{name}.html")
        check_page(page, name, width, visit)

    # Nothing personal in any address or title, and nothing fetched from anywhere else
    for seen in visit.urls + visit.titles:
        for secret in (case.crime_reference, case.case_id, case.email, case.mobile, code):
            assert secret not in seen, seen
    assert visit.outside == []
    context.close()


def _officer_message_stored(stack: LocalStack, case: NewCase) -> bool:
    import boto3

    table = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    items = table.query(
        TableName="caseline-local",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :e)",
        ExpressionAttributeValues={":pk": {"S": f"CASE#{case.force_id}#{case.case_id}"}, ":e": {"S": "EVENT#"}},
    )["Items"]
    return any("officer.message" in json.dumps(i) for i in items)


def _preferences(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """async () => {
            const { api } = await import('/js/api.js')
            const { caseFromFragment, casePath } = await import('/js/cases.js')
            const found = caseFromFragment()
            return (await api('GET', casePath(found.force_id, found.case_id) + '/preferences')).yours
        }"""
    )
    return result


def test_the_quick_exit_leaves_no_trace_on_back(stack: LocalStack, http: Client, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit, bypass_csp=False)
    assert stack.gateway is not None
    base = stack.gateway.url
    # Given a signed-in victim who has moved between several portal pages
    page.goto(base + "/")
    page.evaluate("sessionStorage.setItem('caseline.session', JSON.stringify({idToken: 'x', expiresAt: 0}))")
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/sign-in.html")
    page.get_by_role("link", name="Help and support").first.click()
    page.wait_for_url("**/articles.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    # (the pages ran under the gateway's strict Content-Security-Policy without a violation)
    assert visit.errors == []
    # When they press Shift three times
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL_SITE)
    # Then Back does not return to the portal, and the tab has forgotten the session
    page.go_back()
    assert not page.url.startswith(base), page.url
    page.goto(base + "/cases.html")
    page.wait_for_url("**/sign-in.html")
    assert page.evaluate("sessionStorage.length") == 0
    # And the exit button does the same
    page.locator(".govuk-exit-this-page__button").click()
    page.wait_for_url(NEUTRAL_SITE)
    page.go_back()
    assert not page.url.startswith(base), page.url
    assert visit.outside == [] and visit.errors == []
    context.close()


def in_the_portal(stack: LocalStack, browser: Any, script: str, argument: Any = None) -> Any:
    """What ``script`` (a function that may import the portal's own modules) answers on the portal's start
    page, on a phone."""
    assert stack.gateway is not None
    context, page = open_page(browser, stack, PHONE, Visit())
    page.goto(stack.gateway.url + "/")
    page.locator("body[data-ready]").wait_for(state="attached")
    answer = page.evaluate(script, argument)
    context.close()
    return answer


def test_times_are_written_as_govuk_writes_them(stack: LocalStack, browser: Any) -> None:
    """The portal's moments (timeline, messages, requests) in UK time, GOV.UK style: 10am not 10:00am,
    midday and midnight not 12:00pm and 12:00am, 3:39pm."""
    written = in_the_portal(
        stack,
        browser,
        """async (moments) => {
            const { when } = await import('/js/ui.js')
            return moments.map(when)
        }""",
        ["2026-12-07T10:00:00Z", "2026-12-07T12:00:00Z", "2026-12-08T00:00:00Z", "2026-07-07T14:39:00Z"],
    )
    assert written == [
        "7 December 2026 at 10am",
        "7 December 2026 at midday",
        "8 December 2026 at midnight",
        "7 July 2026 at 3:39pm",  # British Summer Time
    ]


def test_a_last_day_is_written_without_a_comma(stack: LocalStack, browser: Any) -> None:
    """The review's last day to ask, and when we will answer, as people say dates: "Sunday 7 March 2027"
    (docs/content-style.md), as the case page's other dates, not Intl's "Sunday, 7 March 2027"."""
    written = in_the_portal(
        stack,
        browser,
        """async () => {
            const { day } = await import('/js/case-review.js')
            return [day('2027-03-07'), day('2026-12-25')]
        }""",
    )
    assert written == ["Sunday 7 March 2027", "Friday 25 December 2026"]


def test_the_next_step_of_a_password_reset_shows_no_earlier_error(stack: LocalStack, browser: Any) -> None:
    """An error answered on the first step (the email address) does not stay on the second (the code):
    no "There is a problem" read out, linked to a field that is gone, and no "Error:" in the title."""
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    page.goto(stack.gateway.url + "/reset-password.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    # Given she first asked without an email address
    page.locator("#request-form button[type=submit]").click()
    page.locator(".govuk-error-summary").wait_for()
    # When she gives it, the code step shows, with nothing wrong on it
    page.fill("#email", "nobody-reset@example.org")
    page.locator("#request-form button[type=submit]").click()
    page.locator("#reset-form").wait_for(state="visible")
    assert page.locator(".govuk-error-summary").count() == 0
    assert page.locator(".govuk-error-message").count() == 0
    assert not page.title().startswith("Error:"), page.title()
    # And the focus is on its heading, so what the step explains is read before the code's field
    assert page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.textContent") == (
        "H1 Check your email"
    )
    check_page(page, "reset-password-code-step", "phone", visit, screenshot=False)
    context.close()
