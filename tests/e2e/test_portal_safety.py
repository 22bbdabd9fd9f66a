"""The portal's safety features in Debian's Chromium against the local stack: the idle time-out warns
and then signs out, "Sign out everywhere" says honestly what it did, a case whose safe-contact profile
says not to name the police gets a neutral title and no force branding, and a keyboard-only journey
(Tab, Enter and Space, no mouse) reaches messages with visible focus. axe-core on every new state."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from caseline_local import demo
from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually, fresh_mobile
from .portal_pages import (
    DESKTOP,
    NEUTRAL_SITE,
    PHONE,
    NewCase,
    Visit,
    check_page,
    wire_context,
)
from .test_portal import open_page

pytestmark = pytest.mark.browser
DASH = "\u2013"  # page titles: "{page} {DASH} {service}"
COGNITO = re.compile(r".*/_local/cognito.*|.*/_portal-test/cognito.*")


@dataclass
class Account:
    email: str
    password: str
    id_token: str


def new_account(stack: LocalStack) -> Account:
    """A confirmed account in the local user pool (fictional address)."""
    config = stack.public_config()
    idp = boto3.session.Session(region_name="eu-west-2").client("cognito-idp")
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex[:12]}"
    idp.sign_up(ClientId=config["userPoolClientId"], Username=email, Password=password)
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=email)
    result = idp.initiate_auth(
        ClientId=config["userPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return Account(email, password, result["AuthenticationResult"]["IdToken"])


def linked_case(
    stack: LocalStack, http: Client, *, may_name_police: bool = True, may_name_crime: bool = True, officer: bool = True
) -> tuple[Account, NewCase]:
    """A crime the force recorded for a new victim, linked to a new account with the invitation's code
    (``officer=False``: recorded before an officer was assigned)."""
    assert stack.gateway is not None
    event = demo.fresh_crime_recorded("thames-valley", serial=uuid.uuid4().int % 1_000_000)
    if not officer:
        del event["data"]["officer"]
    mobile = fresh_mobile()
    victim = event["data"]["victim"]
    victim.update({"email": f"victim-{uuid.uuid4().hex[:8]}@example.org", "mobile": mobile})
    victim["safe_contact"] = {**victim.get("safe_contact", {}), "safe_channels": ["sms"]}
    victim["safe_contact"].update({"may_name_police": may_name_police, "may_name_crime": may_name_crime})
    status, body = demo.post_event(stack.gateway.url, "thames-valley", event, stack.webhook_secret("thames-valley"))
    assert status == 202, body
    case = NewCase("thames-valley", event["subject"], event["data"]["crime_reference"], victim["email"], mobile)

    account = new_account(stack)
    code = access_code(http, mobile, case.crime_reference)
    link = json.dumps({"crime_reference": case.crime_reference, "access_code": code}).encode()
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    answer = http.request("POST", "/v1/me/links", body=link, headers=headers)
    assert answer.status == 201, answer.body
    return account, case


def sign_in(page: Any, base: str, account: Account) -> None:
    page.goto(base + "/sign-in.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.locator("#sign-in-form button[type=submit]").click()
    page.wait_for_url("**/cases.html")
    page.locator("body[data-ready]").wait_for(state="attached")


def signed_in_on_a_phone(stack: LocalStack, http: Client, browser: Any, visit: Visit) -> tuple[Any, Any]:
    """A new victim with a linked case, signed in on a phone: the browser context and the page."""
    assert stack.gateway is not None
    context, page = open_page(browser, stack, PHONE, visit)
    account, _ = linked_case(stack, http)
    sign_in(page, stack.gateway.url, account)
    return context, page


def her_case_on_a_phone(
    stack: LocalStack, http: Client, browser: Any, visit: Visit, **profile: bool
) -> tuple[Any, Any, NewCase]:
    """A new victim's linked case (``profile``: may_name_police, may_name_crime), open on a phone: the browser
    context, the page and the case."""
    assert stack.gateway is not None
    context, page = open_page(browser, stack, PHONE, visit)
    account, case = linked_case(stack, http, **profile)
    sign_in(page, stack.gateway.url, account)
    page.locator(".app-case-card h2 a").first.click()
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    return context, page, case


def stored_tokens(page: Any) -> str:
    """Everything the tab keeps, as text (sessionStorage; localStorage must stay empty)."""
    result: str = page.evaluate("JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])")
    return result


def deployment_config(context: Any, stack: LocalStack, **settings: Any) -> None:
    """The portal reads /config.json first: this stack's, with a deployment's ``settings`` on top."""
    assert stack.gateway is not None
    config = {**stack.public_config(), "local": True, **settings}
    context.route(
        stack.gateway.url + "/config.json",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(config)),
    )


def short_idle_config(context: Any, stack: LocalStack, minutes: float) -> None:
    """The deployment's idleMinutes, here a short one."""
    deployment_config(context, stack, idleMinutes=minutes)


def test_the_idle_time_out_warns_then_signs_out_and_forgets_the_tokens(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    # Given a deployment whose idle time-out is 12 seconds (idleMinutes 0.2), and a signed-in victim
    short_idle_config(context, stack, 0.2)
    account = new_account(stack)
    sign_in(page, stack.gateway.url, account)
    assert "idToken" in stored_tokens(page)
    # When they do nothing, a warning comes first, half-way through the short time-out (not at once: timed
    # from the tab's last activity, so a slow machine's sign-in cannot make it look early)...
    page.locator("dialog.app-dialog[open]").wait_for(timeout=30_000)
    idle_ms = page.evaluate("() => Date.now() - JSON.parse(sessionStorage.getItem('caseline.lastActive'))")
    assert idle_ms >= 6_000 - 1_000  # half of 12 s, less the timer's one-second tick
    assert page.get_by_role("heading", name="You will be signed out soon").is_visible()
    # The warning fits the screen, its border and padding too (a dialog is outside the page's scroll width)
    box = page.locator("dialog.app-dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    check_page(page, "idle-warning", "phone", visit)
    # ...then they are signed out and the tab holds no token
    page.wait_for_url("**/signed-out.html#timed-out", timeout=45_000)
    page.locator("body[data-ready]").wait_for(state="attached")
    assert "You have been signed out" in page.locator("h1").inner_text()
    # ...for the time the deployment set, not a fixed 15 minutes
    said = page.locator(".app-signed-out-text").inner_text()
    assert "had not done anything for 12 seconds" in said and "15 minutes" not in said, said
    assert "idToken" not in stored_tokens(page) and "accessToken" not in stored_tokens(page)
    check_page(page, "idle-signed-out", "phone", visit)
    # And signed-in pages send them to sign in again
    page.goto(stack.gateway.url + "/cases.html")
    page.wait_for_url("**/sign-in.html")
    assert visit.outside == []
    context.close()


def test_the_start_page_and_accessibility_statement_give_the_deployments_idle_time(
    stack: LocalStack, browser: Any
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    # Given a deployment whose idle time-out is 12 seconds (idleMinutes 0.2), not the default 15 minutes
    short_idle_config(context, stack, 0.2)
    page.goto(stack.gateway.url + "/index.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    said = page.locator("main").inner_text()
    assert "We sign you out after 12 seconds without activity." in said and "15 minutes" not in said, said
    page.goto(stack.gateway.url + "/accessibility.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    said = page.locator("main").inner_text()
    assert "we sign you out after 12 seconds without activity, to protect you; we warn you 6 seconds before" in said
    check_page(page, "accessibility-short-idle", "phone", visit, screenshot=False)
    context.close()


def test_stay_signed_in_answers_the_warning(stack: LocalStack, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit)
    assert stack.gateway is not None
    short_idle_config(context, stack, 0.2)
    sign_in(page, stack.gateway.url, new_account(stack))
    page.locator("dialog.app-dialog[open]").wait_for(timeout=30_000)
    # When they choose to stay signed in, the warning goes and the session stays
    page.get_by_role("button", name="Stay signed in").click()
    assert page.locator("dialog.app-dialog[open]").count() == 0
    assert page.url.endswith("/cases.html") and "idToken" in stored_tokens(page)
    context.close()


def test_the_idle_warning_offers_its_own_exit_this_page(stack: LocalStack, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, {"width": 320, "height": 640}, visit)
    assert stack.gateway is not None
    short_idle_config(context, stack, 0.2)
    sign_in(page, stack.gateway.url, new_account(stack))
    warning = page.locator("dialog.app-dialog[open]")
    warning.wait_for(timeout=30_000)
    # The modal warning makes the page behind it inert, the header's "Exit this page" too: the warning
    # has its own, while "Stay signed in" keeps the focus
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    exit_here = warning.get_by_role("button", name="Emergency Exit this page")
    assert exit_here.is_visible()
    check_page(page, "idle-warning-exit", "narrow", visit, screenshot=False)
    exit_here.click()
    page.wait_for_url(NEUTRAL_SITE)
    context.close()


@pytest.mark.parametrize("api", ["local-stack", "refused"])
def test_sign_out_everywhere_signs_out_locally_and_says_what_it_did(
    stack: LocalStack,
    http: Client,
    browser: Any,
    api: str,
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    answers: list[int] = []  # what the victim API answered POST /v1/me/sign-out-everywhere
    fallbacks: list[str] = []  # Cognito's own GlobalSignOut, asked only when the API could not do it

    def sign_out_route(route: Any) -> None:
        if api == "refused":  # the API cannot be reached or refuses: the portal must not pretend
            answers.append(503)
            route.fulfill(status=503, content_type="application/problem+json", body='{"status": 503}')
            return
        answer = route.fetch()
        answers.append(answer.status)
        route.fulfill(response=answer)

    def cognito_route(route: Any) -> None:
        if "GlobalSignOut" in (route.request.headers.get("x-amz-target") or ""):
            fallbacks.append("GlobalSignOut")
        route.fallback()

    context.route("**/v1/me/sign-out-everywhere", sign_out_route)
    context.route(COGNITO, cognito_route)
    account = new_account(stack)
    sign_in(page, stack.gateway.url, account)
    held = json.loads(page.evaluate("sessionStorage.getItem('caseline.session')"))["idToken"]
    # When they choose "Sign out everywhere" on their account page
    page.goto(stack.gateway.url + "/my-data.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url("**/signed-out.html*")
    page.locator("body[data-ready]").wait_for(state="attached")
    # Then the API was asked, this tab forgot the tokens, and the page says what really happened
    assert len(answers) == 1
    assert "idToken" not in stored_tokens(page) and "accessToken" not in stored_tokens(page)
    text = page.locator("main").inner_text()
    if api == "local-stack":
        assert answers == [200] and fallbacks == []
        assert "signed out on every device" in text
        # And the ID token the tab held is refused by the API at once, though it has not expired
        assert http.request("GET", "/v1/me/cases", headers={"Authorization": held}).status == 401
    else:
        assert fallbacks == ["GlobalSignOut"]  # at least the refresh tokens stop working
        assert page.url.endswith("#this-device")
        assert "signed out on this device" in text and "could not sign you out on your other devices" in text
        assert "every device" not in text
    check_page(page, f"signed-out-{api}", "phone", visit)
    page.goto(stack.gateway.url + "/cases.html")
    page.wait_for_url("**/sign-in.html")
    context.close()


def test_quick_exit_ends_the_session_without_waiting(stack: LocalStack, http: Client, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    account = new_account(stack)
    sign_in(page, stack.gateway.url, account)
    held = json.loads(page.evaluate("sessionStorage.getItem('caseline.session')"))["idToken"]
    assert http.request("GET", "/v1/me/cases", headers={"Authorization": held}).status == 200
    # When they press Shift three times
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL_SITE)
    # Then the token the tab held stops working (the request outlived the page), and the tab forgot it
    eventually(lambda: http.request("GET", "/v1/me/cases", headers={"Authorization": held}).status == 401)
    page.goto(stack.gateway.url + "/cases.html")
    page.wait_for_url("**/sign-in.html")
    assert "idToken" not in stored_tokens(page)
    context.close()


def test_downloading_data_after_15_minutes_asks_to_sign_in_again_then_returns(stack: LocalStack, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    refused: list[str] = []

    def stale_sign_in(route: Any) -> None:  # as the API answers a sign-in more than 15 minutes old
        refused.append(route.request.url)
        problem = {
            "type": "urn:caseline:problem:recent-sign-in-required",
            "title": "Sign in again to continue",
            "status": 401,
        }
        route.fulfill(status=401, content_type="application/problem+json", body=json.dumps(problem))

    account = new_account(stack)
    sign_in(page, stack.gateway.url, account)
    page.goto(stack.gateway.url + "/my-data.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    context.route("**/v1/me/data", stale_sign_in)
    # When they ask for their data with an old sign-in
    page.get_by_role("button", name="Download your data").click()
    # Then they are asked to sign in again, and afterwards are back at the download
    page.wait_for_url("**/sign-in.html#sign-in-again")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert "Sign in again to continue" in page.locator("main").inner_text()
    assert refused and "idToken" not in stored_tokens(page)
    check_page(page, "sign-in-again", "phone", visit)
    context.unroute("**/v1/me/data", stale_sign_in)
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.locator("#sign-in-form button[type=submit]").click()
    page.wait_for_url("**/my-data.html#download")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert "You can now download your data" in page.locator("main").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('app-download')")
    context.close()


def test_a_case_that_must_not_name_the_police_gets_a_neutral_title(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    visit = Visit()
    # Given a case whose safe-contact profile says not to name the police, when the victim opens it
    context, page, case = her_case_on_a_phone(stack, http, browser, visit, may_name_police=False)
    # Then the tab's title, the header and the caption are neutral: no police, no force, no crime reference
    title = page.title()
    assert title == f"Your case {DASH} Your account", title
    assert page.locator(".app-service-name").inner_text() == "Your account"
    assert page.locator(".app-force-name").is_hidden()
    assert page.locator(".app-case-caption").inner_text() == "Your case"
    assert page.evaluate("document.body.classList.contains('app-neutral')")
    check_page(page, "neutral-case", "phone", visit)
    # And the neutral title follows them to the next page
    page.locator(".app-messages-link").click()
    page.wait_for_url("**/messages.html#c=*")
    page.locator(".app-messages").wait_for()
    assert page.title() == f"Messages {DASH} Your account"
    check_page(page, "neutral-messages", "phone", visit, screenshot=False)
    for seen in visit.titles:
        assert "police" not in seen.lower() and "Thames" not in seen and case.crime_reference not in seen
    context.close()


def test_a_case_that_must_not_name_the_crime_names_it_nowhere_at_a_glance(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    visit = Visit()
    # Given a burglary whose profile says not to name the crime, though the police may be named, open
    context, page, _ = her_case_on_a_phone(stack, http, browser, visit, may_name_crime=False)
    # Then the caption is "Your case", the force's branding stays, and the support articles, whose titles say
    # what they are about, wait behind a summary that names nothing
    assert page.locator(".app-case-caption").inner_text() == "Your case"
    assert page.locator(".app-force-name").is_visible()
    summary = page.locator(".app-recommended-details summary")
    assert summary.inner_text() == "Show the support chosen for you"
    assert page.locator(".app-recommended").is_hidden()
    assert "burglary" not in page.locator("main").inner_text().lower()
    check_page(page, "crime-unnamed-case", "phone", visit)
    # When she opens it, the articles chosen for her case are there
    summary.click()
    assert page.locator(".app-recommended a").count() >= 1
    assert "burglary" in page.locator(".app-recommended").inner_text().lower()
    # And her list of cases numbers the case rather than naming it
    page.locator(".app-case-back").click()
    card = page.locator(".app-case-card h2 a").first
    card.wait_for()
    assert card.inner_text() == f"Case 1 {DASH} Thames Valley Police", card.inner_text()
    assert "burglary" not in page.locator("main").inner_text().lower()
    context.close()


# Every title the tab shows, from the moment each document is created: an init script runs before the page's
# own scripts, and notes document.title whenever the <title> changes.
TITLE_WATCH = """
window.appTitles = []
new MutationObserver(() => {
    if (window.appTitles[window.appTitles.length - 1] !== document.title) window.appTitles.push(document.title)
}).observe(document, { subtree: true, childList: true, characterData: true })
"""


def titles_seen(page: Any) -> list[str]:
    """The titles shown since the page began (before its <title> is parsed there is none: left out)."""
    seen: list[str] = page.evaluate("window.appTitles")
    return [title for title in [*seen, page.title()] if title]


def test_in_neutral_mode_no_title_or_address_names_the_crime_or_support(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    context.add_init_script(TITLE_WATCH)
    assert stack.gateway is not None
    base = stack.gateway.url
    # Given a victim whose case's profile says not to name the police, on her case page (neutral mode)
    account, case = linked_case(stack, http, may_name_police=False)
    sign_in(page, base, account)
    page.locator(".app-case-card h2 a").first.click()
    page.locator(".app-case").wait_for()
    page.locator(".app-recommended-details summary").click()  # the list names what each article is about
    recommended = page.locator(".app-recommended a").first
    article = recommended.inner_text()
    seen: list[str] = []
    # When she opens a support article the case recommends
    recommended.click()
    page.wait_for_url("**/articles/*.html#c=*")
    page.locator("body[data-ready]").wait_for(state="attached")
    # Then its address is opaque and the tab's title is neutral from the start, though the article is there
    assert re.search(r"/articles/[0-9a-f]{8}\.html#c=[0-9a-f]{18}$", page.url), page.url
    assert page.locator("h1").inner_text() == article
    assert set(titles_seen(page)) == {"Your account"}, titles_seen(page)
    check_page(page, "neutral-article", "phone", visit, screenshot=False)
    seen += titles_seen(page)
    # When she browses help and support and opens an article from the list: an opaque address again
    page.goto(base + "/articles.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.title() == "Your account"
    seen += titles_seen(page)
    listed = page.locator(".app-browse a").first
    listed_title = listed.inner_text()
    listed.click()
    page.wait_for_url(re.compile(r".*/articles/[0-9a-f]{8}\.html$"))
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.locator("h1").inner_text() == listed_title
    seen += titles_seen(page)
    # And "Report a crime" is neutral too
    page.goto(base + "/report-start.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.title() == "Your account"
    seen += titles_seen(page)
    # And her account page is "Your data": one link called "Your account" (the header's), no doubled title
    page.goto(base + "/my-data.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.title() == f"Your data {DASH} Your account"
    assert page.locator("h1").inner_text() == "Your data"
    assert page.get_by_role("link", name="Your account", exact=True).count() == 1
    assert page.locator(".app-account-link").inner_text() == "Your data"
    check_page(page, "neutral-my-data", "phone", visit, screenshot=False)
    seen += titles_seen(page)
    for title in seen:
        assert title.endswith("Your account") and "Your account " not in title, title
        for named in (article, listed_title, "Help and support", "Report a crime", "police", case.crime_reference):
            assert named not in title, (named, title)
    context.close()


FOCUSED = """() => {
    const el = document.activeElement
    if (!el || el === document.body) return null
    const style = getComputedStyle(el)
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    const shadow = style.boxShadow && style.boxShadow !== 'none'
    return { id: el.id, tag: el.tagName, text: (el.textContent || '').trim().slice(0, 60),
             href: el.getAttribute('href') || '', visible: outline || shadow }
}"""


def tab_to(page: Any, wanted: Any, *, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the focused element is the wanted one; every stop on the way has visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"no visible focus on {focused}"
        if wanted(focused):
            return dict(focused)
    raise AssertionError("never reached by Tab")


def test_a_keyboard_only_journey_from_sign_in_to_messages(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit)
    assert stack.gateway is not None
    account, _ = linked_case(stack, http)
    # Sign in with Tab, typing and Enter
    page.goto(stack.gateway.url + "/sign-in.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    tab_to(page, lambda f: f["id"] == "email")
    page.keyboard.type(account.email)
    tab_to(page, lambda f: f["id"] == "password")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    # My cases: Tab to the case and follow it with Enter
    page.wait_for_url("**/cases.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    check_page(page, "keyboard-cases", "desktop", visit, screenshot=False)
    tab_to(page, lambda f: f["tag"] == "A" and "case.html#c=" in f["href"])
    page.keyboard.press("Enter")
    # The case page: Tab to Messages (a link styled as a button) and press Space
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    check_page(page, "keyboard-case", "desktop", visit, screenshot=False)
    tab_to(page, lambda f: f["tag"] == "A" and "messages.html#c=" in f["href"])
    page.keyboard.press("Space")
    # Messages: type a message, Tab to Send and press Space
    page.wait_for_url("**/messages.html#c=*")
    page.locator(".app-messages").wait_for()
    tab_to(page, lambda f: f["id"] == "message")
    page.keyboard.type("Sent with the keyboard only.")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Send message")
    page.keyboard.press("Space")
    page.get_by_text("Your message has been sent").wait_for()
    assert "Sent with the keyboard only." in page.locator(".app-thread").inner_text()
    check_page(page, "keyboard-message-sent", "desktop", visit, screenshot=False)
    assert visit.outside == []
    context.close()


def test_in_high_contrast_the_stages_done_are_told_from_those_not_yet(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    """Forced colours (Windows high contrast) drop background colours: the stage tracker's filled circles
    must stay filled, in the user's colours, or "Reported" (done) looks like "Case closed" (not yet)."""
    visit = Visit()
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True, forced_colors="active")
    wire_context(context, stack, visit)
    page = context.new_page()
    visit.watch(page)
    assert stack.gateway is not None
    account, _ = linked_case(stack, http)  # an officer is assigned: "Reported" is done, three are not yet
    sign_in(page, stack.gateway.url, account)
    page.locator("a[href*='case.html#c=']").first.click()
    page.locator(".app-case").wait_for()
    fills = page.evaluate(
        """() => Object.fromEntries(['done', 'current', 'todo'].map((state) => [state,
            getComputedStyle(document.querySelector(`.app-stages__item--${state}`), '::before').backgroundColor]))"""
    )
    assert len(set(fills.values())) == 3, fills
    check_page(page, "stages-forced-colours", "narrow", visit, screenshot=False)
    context.close()


def test_removing_someone_takes_their_invitation_code_off_the_screen(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    """The code shown once for a person she invited works no more once she removes them: it must not stay on
    the page (she might hand it over, or someone may read it on a shared device)."""
    visit = Visit()
    context, page = open_page(browser, stack, {"width": 320, "height": 640}, visit)
    assert stack.gateway is not None
    account, _ = linked_case(stack, http)
    sign_in(page, stack.gateway.url, account)
    page.locator("a[href*='case.html#c=']").first.click()
    page.locator(".app-case").wait_for()
    # Given she invited someone and the page shows their code
    page.locator(".app-delegates summary").click()
    # (in words a 9-year-old reads, no specialists' initials such as IDVA or ISVA)
    advocate = page.locator("label[for='relationship-advocate']").inner_text()
    assert advocate == "A support worker or advocate who is helping you", advocate
    page.fill("#delegate-name", "Sam")
    page.check("#relationship-friend")
    page.check("#scope-view")
    page.locator("#delegate-form button[type=submit]").click()
    code = page.locator(".app-delegate-code")
    code.wait_for(state="visible")
    shown = page.locator(".app-delegate-code-value").inner_text()
    assert shown
    # When she removes them
    page.get_by_role("button", name="Remove Sam").click()
    page.get_by_text("Sam can no longer see this case").wait_for()
    # Then the code has gone from the page
    assert not code.is_visible()
    assert shown not in page.locator("main").inner_text()
    check_page(page, "delegate-removed", "narrow", visit, screenshot=False)
    context.close()


def test_when_the_people_she_trusts_cannot_be_loaded_the_page_says_so(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    """An empty "People you trust" tells her nobody follows her case for her: a list that failed to load must
    say so, not look empty."""
    visit = Visit()
    context, page = open_page(browser, stack, {"width": 320, "height": 640}, visit)
    assert stack.gateway is not None

    def unavailable(route: Any) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        problem = json.dumps({"type": "about:blank", "title": "Service unavailable", "status": 503})
        route.fulfill(status=503, content_type="application/problem+json", body=problem)

    context.route(re.compile(r".*/v1/cases/[^/]+/[^/]+/delegates$"), unavailable)
    account, _ = linked_case(stack, http)
    sign_in(page, stack.gateway.url, account)
    page.locator("a[href*='case.html#c=']").first.click()
    page.locator(".app-case").wait_for()
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.get_by_text("We could not load the people you trust just now").is_visible()
    context.close()
