"""Reporting a crime online (issue 8) in Debian's Chromium at 320 px against the local stack: every
question refuses what it cannot take with a GOV.UK error; fraud is signposted, never submitted; a
signed-out person and a signed-in victim report a burglary; the force receives one signed
``report.submitted`` per report, even after a double click and a replay; the force records it and the
signed-in victim's new case appears in "Your cases", linked, with the confirmation sent. axe-core finds
nothing on any step."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack

from .conftest import Client, eventually
from .portal_pages import CHROMIUM_ARGS, Visit, check_page, chromium_or_skip, require_built_portal, serve_dist, wire_context
from .test_local_stack import _tokens

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 720}
WIDTH = "320"
REFERENCE = re.compile(r"^TV-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
SUBMITTED = "org.caseline.report.submitted.v1"


@dataclass
class Reporter:
    name: str
    email: str
    mobile: str

    @staticmethod
    def new() -> Reporter:
        tag = uuid.uuid4().hex[:8]
        return Reporter(f"Sam Example {tag}", f"reporter-{tag}@example.org", f"07700 900{uuid.uuid4().int % 1000:03d}")

    @property
    def e164(self) -> str:
        return "+44" + self.mobile.replace(" ", "")[1:]


@pytest.fixture(scope="module")
def browser(stack: LocalStack) -> Iterator[Any]:
    executable = chromium_or_skip()
    require_built_portal()
    serve_dist(stack)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser: Any, stack: LocalStack, visit: Visit) -> tuple[Any, Any]:
    context = browser.new_context(viewport=NARROW, bypass_csp=True)  # axe-core is injected inline
    wire_context(context, stack, visit)
    page = context.new_page()
    visit.watch(page)
    page.set_default_timeout(15_000)
    return context, page


def ready(page: Any) -> None:
    page.locator("body[data-ready]").wait_for(state="attached")


def go_on(page: Any, to: str) -> None:
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_url(f"**/{to}")
    ready(page)


def refused(page: Any, visit: Visit, name: str, *expected: str) -> None:
    """Continue with the answers as they are: the page stays, with the summary and each field's message."""
    url = page.url
    page.locator("#report-form button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.url == url
    assert page.title().startswith("Error: ")
    text = summary.inner_text()
    for message in expected:
        assert message in text, (name, text)
        assert page.locator(".govuk-error-message", has_text=message).count() >= 1, (name, message)
    check_page(page, f"report-{name}-errors", WIDTH, visit, screenshot=False)


def fill_date(page: Any, prefix: str, day: str, month: str, year: str) -> None:
    page.fill(f"#{prefix}-day", day)
    page.fill(f"#{prefix}-month", month)
    page.fill(f"#{prefix}-year", year)


def answer_all(page: Any, visit: Visit, who: Reporter, *, errors: bool, signed_in: bool = False) -> None:
    """From the start page to "Check your answers", as a burglary in Thames Valley. With ``errors``,
    each question is first sent empty or wrong and must say what is wrong, GOV.UK style."""
    screenshot = errors
    check_page(page, "report-start", WIDTH, visit, screenshot=screenshot)
    main = page.locator("main").inner_text()
    assert "Call 999" in main and "18000" in main and "emergency SMS" in main
    if page.locator(".app-report-again").is_visible():  # a report begun earlier in this tab
        page.locator(".app-report-again").click()
    else:
        page.locator(".app-report-start").click()
    page.wait_for_url("**/report-force.html")
    ready(page)
    check_page(page, "report-force", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "force", "Select the police force area where it happened")
    page.check("#force-thames-valley")
    go_on(page, "report-what.html")
    check_page(page, "report-what", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "what", "Select what happened")
    page.check("#category-burglary")
    go_on(page, "report-details.html")

    if errors:
        refused(page, visit, "details", "Tell us what happened")
    page.fill("#what-happened", "Someone broke the back door and took my laptop while I was asleep.")
    go_on(page, "report-when.html")

    check_page(page, "report-when", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "when", "Enter the date it happened")
        fill_date(page, "from", "31", "2", "2026")
        page.fill("#from-time", "25:00")
        refused(page, visit, "when-invalid", "must be a real date", "Enter the time as a time")
        fill_date(page, "from", "1", "1", "2099")
        page.fill("#from-time", "")
        refused(page, visit, "when-future", "must be today or in the past")
        fill_date(page, "from", "29", "11", "2025")
        fill_date(page, "to", "28", "11", "2025")
        refused(page, visit, "when-order", "End date must be the same as or after")
    fill_date(page, "from", "28", "11", "2025")
    page.fill("#from-time", "20:00")
    fill_date(page, "to", "29", "11", "2025")
    page.fill("#to-time", "07:00")
    go_on(page, "report-where.html")

    if errors:
        refused(page, visit, "where", "Enter where it happened, or its postcode")
        page.fill("#postcode", "NOT A POSTCODE")
        refused(page, visit, "where-postcode", "Enter a real postcode")
    page.fill("#location-description", "My flat, 4 Example Road")
    page.fill("#postcode", "rg1 1aa")
    go_on(page, "report-items.html")

    check_page(page, "report-items", WIDTH, visit, screenshot=screenshot)
    if errors:
        page.fill("#item-1-value", "lots")
        page.fill("#item-2-description", "Headphones")
        page.fill("#item-3-value", "2000000")
        refused(
            page,
            visit,
            "items",
            "Enter what item 1 was",
            "must be an amount of money",
            "Enter roughly what item 2 was worth",
            "must be £1,000,000 or less",
        )
        for field in ("item-2-description", "item-3-value"):
            page.fill(f"#{field}", "")
    page.fill("#item-1-description", "Laptop")
    page.fill("#item-1-value", "650")
    page.fill("#damage", "Back door lock broken")
    go_on(page, "report-injury.html")

    if errors:
        refused(page, visit, "injury", "Select yes if anyone was injured")
        page.check("#injured-yes")
        refused(page, visit, "injury-details", "Describe the injuries")
    page.check("#injured-no")
    go_on(page, "report-suspect.html")

    if errors:
        refused(page, visit, "suspect", "Select yes if you know who did it")
        page.check("#suspect-known-yes")
        refused(page, visit, "suspect-name", "Enter the name of the person who did it")
    page.check("#suspect-known-no")
    page.fill("#suspect-description", "Tall, dark jacket")
    go_on(page, "report-witnesses.html")

    if errors:
        refused(page, visit, "witnesses", "Select yes if anyone saw or heard")
        page.check("#witnesses-any-yes")
        refused(page, visit, "witnesses-who", "Tell us who saw or heard")
    page.check("#witnesses-any-yes")
    page.fill("#witnesses", "My neighbour at number 6 heard a noise")
    go_on(page, "report-vehicle.html")

    if errors:
        refused(page, visit, "vehicle", "Select yes if a vehicle was involved")
    page.check("#vehicle-any-no")
    go_on(page, "report-cctv.html")

    if errors:
        refused(page, visit, "cctv", "Select yes if there is any CCTV or video")
    page.check("#cctv-not-sure")
    go_on(page, "report-you.html")

    check_page(page, "report-you", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "you", "Enter your full name", "Enter your date of birth, or select that you are under 18")
        fill_date(page, "dob", "1", "5", "1990")
        page.check("#under-18")
        refused(page, visit, "you-age", "Your date of birth says you are 18 or over")
        page.uncheck("#under-18")
    page.fill("#full-name", who.name)
    fill_date(page, "dob", "1", "5", "1990")
    go_on(page, "report-contact.html")

    if signed_in:
        assert page.input_value("#email") != ""  # the account's address, offered
    if errors:
        page.fill("#email", "")
        refused(page, visit, "contact", "Enter an email address or a mobile phone number")
        page.fill("#email", "not-an-email")
        page.fill("#mobile", "12345")
        refused(page, visit, "contact-format", "Enter an email address in the correct format", "Enter a UK mobile")
    page.fill("#email", who.email)
    page.fill("#mobile", who.mobile)
    go_on(page, "report-needs.html")

    if errors:
        refused(page, visit, "needs", "Select yes if you would like us to put you in touch with support")
    page.select_option("#language", "en")
    page.fill("#needs", "I use a hearing aid")
    page.check("#wants-support-yes")
    go_on(page, "report-safe-contact.html")

    check_page(page, "report-safe-contact", WIDTH, visit, screenshot=screenshot)
    if errors:
        page.fill("#hours-start", "9")
        refused(
            page,
            visit,
            "safe-contact",
            "Select at least one way it is safe to contact you",
            "Enter the start of the safe time",
            "Select yes if we can say we are the police",
            "Select yes if we can mention the crime",
        )
        page.fill("#hours-start", "")
    page.check("#safe-email")
    page.check("#safe-sms")
    page.check("#may-name-police-yes")
    page.check("#may-name-crime-yes")
    go_on(page, "report-check.html")
    check_page(page, "report-check", WIDTH, visit, screenshot=screenshot)


def test_every_question_explains_what_is_wrong_and_fraud_is_signposted(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, visit)
    assert stack.gateway is not None
    base = stack.gateway.url
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if "/reports" in r.url else None)

    # Given someone starting a report who chooses fraud
    page.goto(base + "/report-start.html")
    ready(page)
    page.locator(".app-report-start").click()
    page.wait_for_url("**/report-force.html")
    ready(page)
    page.check("#force-thames-valley")
    go_on(page, "report-what.html")
    page.check("#category-fraud")
    go_on(page, "report-fraud.html")
    # Then they are sent to Report Fraud, and nothing is submitted
    check_page(page, "report-fraud", WIDTH, visit)
    assert "Report Fraud (formerly Action Fraud)" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Go to Report Fraud").get_attribute("href") == (
        "https://www.reportfraud.police.uk/"
    )
    assert posted == []

    # When they answer every question wrongly first, then properly
    page.goto(base + "/report-start.html")
    ready(page)
    answer_all(page, visit, Reporter.new(), errors=True)

    # Then "Check your answers" shows them, and "Change" goes back to the question and returns here
    answers = page.locator(".app-answers").inner_text()
    for expected in ("Burglary", "RG1 1AA", "Laptop (£650)", "Not sure", "Email and Text message"):
        assert expected in answers, answers
    page.get_by_role("link", name=re.compile(r"^Change\s+when$")).click()
    page.wait_for_url("**/report-when.html#change")
    ready(page)
    assert page.input_value("#from-time") == "20:00"  # the answer is kept in the tab
    go_on(page, "report-check.html")

    # And the progress lives in sessionStorage only, never localStorage, and nothing personal is in
    # an address or a title
    assert page.evaluate("localStorage.length") == 0
    assert "caseline.report" in page.evaluate("Object.keys(sessionStorage)")
    for seen in visit.urls + visit.titles:
        assert "Example Road" not in seen and "@example.org" not in seen, seen
    assert posted == []
    assert visit.outside == [] and visit.errors == []
    context.close()
