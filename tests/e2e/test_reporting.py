"""Reporting a crime online (issue 8) in Debian's Chromium at 320 px against the local stack: every
question refuses what it cannot take with a GOV.UK error; fraud is signposted from the first question,
never submitted; each category is asked only the pages the force needs (report_questions); a
signed-out person and a signed-in victim report a burglary; the force receives one signed
``report.submitted`` per report, even after a double click and a replay; the force records it and the
signed-in victim's new case appears in "Your cases", linked, with the confirmation sent. axe-core finds
nothing on any step."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from caseline.domain.report_questions import QUESTIONS, asked
from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack

from .conftest import Client, eventually, fresh_mobile, sent
from .portal_pages import (
    ARTIFACTS,
    Visit,
    check_page,
    wire_context,
)

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 720}
WIDTH = "320"
REFERENCE = re.compile(r"^TV-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
SUBMITTED = "org.caseline.report.submitted.v1"
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events" / "schemas"


@dataclass
class Reporter:
    name: str
    email: str
    mobile: str

    @staticmethod
    def new() -> Reporter:
        tag = uuid.uuid4().hex[:8]
        return Reporter(f"Sam Example {tag}", f"reporter-{tag}@example.org", fresh_mobile(national=True))

    @property
    def e164(self) -> str:
        return "+44" + self.mobile.replace(" ", "")[1:]


def open_page(browser: Any, stack: LocalStack, visit: Visit) -> tuple[Any, Any]:
    context = browser.new_context(viewport=NARROW, bypass_csp=True)  # axe-core is injected inline
    wire_context(context, stack, visit)
    page = context.new_page()
    visit.watch(page)
    page.set_default_timeout(45_000)  # generous: a busy machine, not a timing check
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
    page.wait_for_url("**/report-what.html")
    ready(page)
    check_page(page, "report-what", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "what", "Select what happened")
    page.check("#category-burglary")
    go_on(page, "report-force.html")
    check_page(page, "report-force", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "force", "Select the police force area where it happened")
    page.check("#force-thames-valley")
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
    # the place's postcode, not the reporter's: the browser is not asked to fill in her own
    assert page.get_attribute("#postcode", "autocomplete") == "off"
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
    page.fill("#item-1-value", "650.5")  # shown as £650.50
    page.fill("#damage", "Back door lock broken")
    go_on(page, "report-suspect.html")  # a burglary is not asked about injuries (report_questions)

    if errors:
        refused(page, visit, "suspect", "Select yes if you know who did it")
        page.check("#suspect-known-yes")
        refused(page, visit, "suspect-name", "Enter the name of the person who did it")
    page.check("#suspect-known-no")
    page.fill("#suspect-description", "Tall, dark jacket")
    go_on(page, "report-witnesses.html")

    check_page(page, "report-witnesses", WIDTH, visit, screenshot=screenshot)
    if errors:
        refused(page, visit, "witnesses", "Select yes if anyone saw or heard", "Select yes if there is any CCTV")
        page.check("#witnesses-any-yes")
        refused(page, visit, "witnesses-who", "Tell us who saw or heard")
    page.check("#witnesses-any-yes")
    page.fill("#witnesses", "My neighbour at number 6 heard a noise")
    page.check("#cctv-not-sure")
    go_on(page, "report-you.html")  # nor about a vehicle

    check_page(page, "report-you", WIDTH, visit, screenshot=screenshot)
    if signed_in:
        assert page.input_value("#email") != ""  # the account's address, offered
    if errors:
        page.fill("#email", "")
        refused(
            page,
            visit,
            "you",
            "Enter your full name",
            "Enter your date of birth, or select that you are under 18",
            "Enter an email address or a mobile phone number",
        )
        fill_date(page, "dob", "1", "5", "1990")
        page.check("#under-18")
        refused(page, visit, "you-age", "Your date of birth says you are 18 or over")
        page.uncheck("#under-18")
    page.fill("#full-name", who.name)
    fill_date(page, "dob", "1", "5", "1990")
    if errors:
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

    # Given someone starting a report who chooses fraud, the first question
    page.goto(base + "/report-start.html")
    ready(page)
    page.locator(".app-report-start").click()
    page.wait_for_url("**/report-what.html")
    ready(page)
    page.check("#category-fraud")
    go_on(page, "report-fraud.html")
    # Then they are sent to Report Fraud without being asked anything else, and nothing is submitted
    check_page(page, "report-fraud", WIDTH, visit)
    assert "Report Fraud (formerly Action Fraud)" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Go to Report Fraud").get_attribute("href") == (
        "https://www.reportfraud.police.uk/"
    )
    assert posted == []

    # And what Thames Valley does not take online (drug dealing) says to call 101 instead
    page.get_by_role("link", name="choose what happened again").click()
    page.wait_for_url("**/report-what.html")
    ready(page)
    page.check("#category-drugs")
    go_on(page, "report-force.html")
    page.check("#force-thames-valley")
    go_on(page, "report-elsewhere.html")
    check_page(page, "report-elsewhere", WIDTH, visit)
    text = page.locator("main").inner_text()
    assert "Thames Valley Police does not take reports of drug dealing or drug use online" in text
    assert "Call 101" in text

    # When they answer every question wrongly first, then properly
    page.goto(base + "/report-start.html")
    ready(page)
    answer_all(page, visit, Reporter.new(), errors=True)

    # Then "Check your answers" shows them, and "Change" goes back to the question and returns here
    answers = page.locator(".app-answers").inner_text()
    for expected in ("Burglary", "RG1 1AA", "Laptop (£650.50)", "Not sure", "Email and text message"):
        assert expected in answers, answers
    assert page.get_by_role("link", name=re.compile(r"^Change\s+CCTV or video$")).count() == 1  # not "cctv"
    assert "28 November 2025 at 8pm to 29 November 2025 at 7am" in answers, answers  # GOV.UK times
    page.get_by_role("link", name=re.compile(r"^Change\s+when$")).click()
    page.wait_for_url("**/report-when.html#change")
    ready(page)
    assert page.input_value("#from-time") == "20:00"  # the answer is kept in the tab
    go_on(page, "report-check.html")

    # When they change what happened to violence, the one new question it needs is asked, then back here
    page.get_by_role("link", name=re.compile(r"^Change\s+what happened$")).click()
    page.wait_for_url("**/report-what.html#change")
    ready(page)
    page.check("#category-violent-crime")
    go_on(page, "report-injury.html#change")
    page.check("#injured-no")
    go_on(page, "report-check.html")
    # Then the answers are the ones violence is asked: injuries, not what was stolen
    answers = page.locator(".app-answers").inner_text()
    assert "Anyone injured" in answers and "Laptop" not in answers, answers
    # And changing back to burglary asks nothing new: what was taken is still there
    page.get_by_role("link", name=re.compile(r"^Change\s+what happened$")).click()
    page.wait_for_url("**/report-what.html#change")
    ready(page)
    page.check("#category-burglary")
    go_on(page, "report-check.html")
    answers = page.locator(".app-answers").inner_text()
    assert "Laptop (£650.50)" in answers and "Anyone injured" not in answers, answers

    # When the API refuses an answer (422), its message is shown the same way: in the summary, linked
    # to the question, and next to the field there
    refusal = {
        "type": "urn:caseline:problem:validation",
        "title": "Check your answers",
        "status": 422,
        "errors": [{"field": "reporter.email", "message": "Enter an email address we can send messages to"}],
    }
    page.route(
        "**/v1/reports",
        lambda route: route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(refusal)),
    )
    page.locator("#report-form button[type=submit]").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert page.locator("#report-form button[type=submit]").is_enabled()  # it can be sent again
    check_page(page, "report-check-refused", WIDTH, visit, screenshot=False)
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter an email address we can send").click()
    page.wait_for_url("**/report-you.html#change")
    ready(page)
    assert "Enter an email address we can send" in page.locator("#email").locator("xpath=..").inner_text()
    check_page(page, "report-you-refused", WIDTH, visit, screenshot=False)
    go_on(page, "report-check.html")
    assert page.locator(".govuk-error-summary").count() == 0  # answered again: the complaint is gone
    page.unroute("**/v1/reports")
    posted.clear()

    # And the progress lives in sessionStorage only, never localStorage, and nothing personal is in
    # an address or a title
    assert page.evaluate("localStorage.length") == 0
    assert "caseline.report" in page.evaluate("Object.keys(sessionStorage)")
    for seen in visit.urls + visit.titles:
        assert "Example Road" not in seen and "@example.org" not in seen, seen
    assert posted == []
    assert visit.outside == [] and visit.errors == []
    context.close()


def send_report(page: Any) -> tuple[str, dict[str, Any]]:
    """Double-click "Send report": one request at most goes out, and the confirmation shows the reference."""
    bodies: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        if request.method == "POST" and "/reports" in request.url:
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", record)
    page.locator("#report-form button[type=submit]").dblclick()
    page.wait_for_url("**/report-sent.html")
    ready(page)
    reference = page.locator(".app-reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert len(bodies) == 1, len(bodies)
    assert bodies[0]["website"] == ""  # the honeypot, left empty by a person
    return reference, bodies[0]


def submitted_to_force(stack: LocalStack, reference: str) -> list[dict[str, Any]]:
    inbox = stack.force_inboxes()["thames-valley"]
    return [e for e in inbox if e["type"] == SUBMITTED and e["data"].get("report_reference") == reference]


def force_sends(stack: LocalStack, subject: str, sequence: int, event_type: str, data: dict[str, Any]) -> None:
    """A signed webhook from Thames Valley, signed at the stack's clock (as test_scenarios does), its data
    valid against its published schema (docs/events/schemas)."""
    assert stack.gateway is not None
    event = build.envelope(EventContext("thames-valley", subject, sequence, stack.now()), event_type, data)
    name = event_type.removeprefix("org.caseline.")
    jsonschema.validate(event, json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))
    body = client.encode(event)
    secret = stack.webhook_secret("thames-valley")
    headers = client.signed_headers(secret, client.new_webhook_id(), body, timestamp=int(stack.now().timestamp()))
    response = client.request(client.webhook_url(stack.gateway.url, "thames-valley"), body=body, headers=headers)
    assert response.status == 202, response.body


def messages_to(http: Client, *addresses: str) -> list[dict[str, Any]]:
    return sent(http, *addresses)


def test_a_signed_out_person_reports_a_burglary_once(stack: LocalStack, http: Client, browser: Any) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, visit)
    assert stack.gateway is not None
    who = Reporter.new()
    # Given a person who is not signed in, at the end of the questions
    page.goto(stack.gateway.url + "/report-start.html")
    ready(page)
    answer_all(page, visit, who, errors=False)

    # When they double-click "Send report"
    reference, body = send_report(page)

    # Then the confirmation gives the reference and the safe channel it was also sent by
    check_page(page, "report-sent", WIDTH, visit)
    assert "We will also send it to you by email, unless we have already sent 3" in page.locator("main").inner_text()
    assert page.evaluate("sessionStorage.getItem('caseline.report')") is None  # the answers are forgotten

    # And the force receives one signed report.submitted (the inbox keeps only correctly signed events)
    (event,) = eventually(lambda: submitted_to_force(stack, reference))
    data = event["data"]
    assert data["category"] == "burglary" and data["account_linked"] is False
    assert data["reporter"]["email"] == who.email and data["reporter"]["mobile"] == who.e164
    assert data["items"] == [{"description": "Laptop", "value_pounds": 650.5}]
    assert data["occurred"]["from"] == "2025-11-28T20:00:00Z"
    assert data["location"]["postcode"] == "RG1 1AA"

    # And sending the same report again (Back and submit, a retry) gives the same reference and no second report
    again = http.request(
        "POST", "/v1/reports", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    assert again.status == 200, again.body
    assert again.json()["report_reference"] == reference
    assert len(submitted_to_force(stack, reference)) == 1

    for seen in visit.urls + visit.titles:
        assert reference not in seen and who.email not in seen, seen
    assert visit.outside == [] and visit.errors == []
    context.close()


def sign_up(stack: LocalStack) -> tuple[str, str]:
    import boto3

    config = stack.public_config()
    idp = boto3.session.Session(region_name="eu-west-2").client("cognito-idp")
    email, password = f"reporter-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    idp.sign_up(ClientId=config["userPoolClientId"], Username=email, Password=password)
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=email)
    return email, password


def test_a_signed_in_victim_reports_a_burglary_and_follows_the_case(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    visit = Visit()
    context, page = open_page(browser, stack, visit)
    assert stack.gateway is not None
    base = stack.gateway.url
    # Given a victim with an account, signed in
    email, password = sign_up(stack)
    who = Reporter(f"Robin Example {uuid.uuid4().hex[:6]}", email, fresh_mobile(national=True))
    page.goto(base + "/sign-in.html")
    ready(page)
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("#sign-in-form button[type=submit]").click()
    page.wait_for_url("**/cases.html")

    # When they report a burglary
    page.goto(base + "/report-start.html")
    ready(page)
    answer_all(page, visit, who, errors=False, signed_in=True)
    reference, _ = send_report(page)
    assert page.locator(".app-signed-in-next").is_visible()

    # Then the force receives it, tied to an account it is not told about
    (event,) = eventually(lambda: submitted_to_force(stack, reference))
    assert event["data"]["account_linked"] is True
    assert "account" not in json.dumps({k: v for k, v in event["data"].items() if k != "account_linked"})

    # And "Your reports" shows it as sent
    page.get_by_role("link", name="your reports").click()
    page.wait_for_url("**/report-mine.html")
    page.locator(".app-report-card").first.wait_for()
    assert reference in page.locator(".app-report-list").inner_text()
    check_page(page, "report-mine", WIDTH, visit)

    # When the force receives it, records it as a crime, then sends crime.recorded for the new case
    case_id = f"RPT-{uuid.uuid4().hex[:8]}"
    victim_id = f"V-{uuid.uuid4().hex[:8]}"
    crime_reference = f"43{uuid.uuid4().int % 10**9:09d}"
    force_sends(stack, reference, 1, "org.caseline.report.received.v1", {})
    force_sends(
        stack,
        reference,
        2,
        "org.caseline.report.recorded.v1",
        {"crime_reference": crime_reference, "case_id": case_id, "victim_id": victim_id},
    )
    recorded = build.crime_recorded(EventContext("thames-valley", case_id, 1, stack.now()), category="burglary")
    recorded["data"]["crime_reference"] = crime_reference
    recorded["data"]["victim"].update(
        {"victim_id": victim_id, "name": who.name, "email": who.email, "mobile": who.e164}
    )
    force_sends(stack, case_id, 1, "org.caseline.crime.recorded.v1", recorded["data"])

    # Then "Your reports" shows the crime reference with a link to the case
    def recorded_shown() -> bool:
        page.reload()
        ready(page)
        page.locator(".app-report-list, .app-no-reports").first.wait_for()
        return "Recorded as a crime" in page.locator(".app-report-list").inner_text()

    eventually(recorded_shown, interval=1.0)
    assert crime_reference in page.locator(".app-report-list").inner_text()
    check_page(page, "report-mine-recorded", WIDTH, visit)
    page.locator(".app-report-list").get_by_role("link", name="Go to your case").first.click()
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()

    # And the case is in "Your cases", linked without an access code
    page.goto(base + "/cases.html")
    ready(page)
    page.locator(".app-case-card").first.wait_for()
    assert crime_reference in page.locator(".app-case-list").inner_text()

    # And the confirmation journey's message has gone out by a safe channel
    eventually(lambda: any(crime_reference in m["body"] for m in messages_to(http, who.email, who.e164)))
    for seen in visit.urls + visit.titles:
        for secret in (reference, crime_reference, case_id, who.email):
            assert secret not in seen, seen
    assert visit.outside == [] and visit.errors == []
    context.close()


def test_the_reference_also_reaches_the_reporter_by_a_safe_channel(stack: LocalStack, http: Client) -> None:
    # Given a report sent without signing in, email being the only safe channel
    who = Reporter.new()
    body = {
        "force_id": "thames-valley",
        "idempotency_key": str(uuid.uuid4()),
        "website": "",
        "category": "bicycle-theft",
        "what_happened": "My bike was taken from the rack outside the station.",
        "occurred": {"from": "2025-11-28T08:00:00Z", "to": "2025-11-28T18:00:00Z"},
        "location": {"description": "Station bike rack", "postcode": None},
        "items": [{"description": "Bicycle", "value_pounds": 300}],
        "damage": None,
        "injured": False,
        "injury_details": None,
        "suspect": {"known": False, "name": None, "description": None},
        "witnesses": None,
        "vehicle": None,
        "cctv": "not-sure",
        "reporter": {
            "name": who.name,
            "email": who.email,
            "mobile": None,
            "date_of_birth": None,
            "under_18": True,
            "preferred_language": "en",
            "needs": None,
            "wants_support": False,
        },
        "safe_contact": {
            "safe_channels": ["email"],
            "safe_hours": None,
            "may_name_police": True,
            "may_name_crime": True,
        },
    }
    answer = http.request(
        "POST", "/v1/reports", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    assert answer.status == 201, answer.body
    reference = answer.json()["report_reference"]
    # Then the reference is sent to them by email
    eventually(lambda: any(reference in m["body"] for m in messages_to(http, who.email)))


def test_the_anti_bot_field_is_hidden_from_screen_readers_and_the_keyboard(browser: Any, stack: LocalStack) -> None:
    # The page as served, without its script: with no answers yet, the script sends the visitor back to the
    # first question, and the checks below would race that redirect
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(stack.gateway.url + "/report-check.html")
    honeypot = page.locator(".app-honeypot")
    assert honeypot.get_attribute("aria-hidden") == "true"
    assert page.locator("#website").get_attribute("tabindex") == "-1"
    # The field is on the page, but not in what a screen reader is given (the accessibility tree)
    assert page.locator("#website").count() == 1
    assert page.get_by_role("textbox", name="Leave this empty").count() == 0
    assert page.get_by_role("textbox", name="Leave this empty", include_hidden=True).count() == 1
    context.close()


# ----------------------------------------------------------------------- the journey's length, measured
@dataclass
class Walk:
    """One walk through the report with the fewest answers: the pages seen, in order, and the actions."""

    pages: list[str]
    clicks: int = 0  # buttons, links, radios and checkboxes
    typed: int = 0  # text fields filled

    def counts(self) -> dict[str, Any]:
        return {"pages": len(self.pages), "clicks": self.clicks, "fields": self.typed, "path": self.pages}


def _page_name(url: str) -> str:
    return url.split("?")[0].split("#")[0].rsplit("/", 1)[-1].removesuffix(".html")


def walk_report(page: Any, base: str, category: str, on_page: Callable[[str], None] | None = None) -> Walk:
    """From the start page to "Check your answers" (or to the page that sends the person elsewhere), with
    the least a person must answer: whatever question page comes next is answered from what is on it, so
    the same walker measures any order of questions."""
    page.goto(base + "/report-start.html")
    ready(page)
    walk = Walk(pages=["report-start"])

    def click(selector: str) -> None:
        page.locator(selector).click()
        walk.clicks += 1

    def check(selector: str) -> None:
        if page.locator(selector).count():
            page.check(selector)
            walk.clicks += 1

    def fill(selector: str, value: str) -> None:
        if page.locator(selector).count():
            page.fill(selector, value)
            walk.typed += 1

    click(".app-report-start")
    while True:
        page.wait_for_url(re.compile(r".*/report-(?!start)[a-z-]+\.html.*"))
        ready(page)
        name = _page_name(page.url)
        if name == walk.pages[-1]:
            raise AssertionError(f"the walk stayed on {name}: {page.locator('.govuk-error-summary').inner_text()}")
        walk.pages.append(name)
        if on_page:
            on_page(name)
        if name in ("report-check", "report-fraud", "report-elsewhere"):
            return walk
        check("#force-thames-valley")
        check(f"#category-{category}")
        fill("#what-happened", "Fictional: what happened, in a sentence.")
        if page.locator("#from-day").count():
            for part, value in (("day", "28"), ("month", "11"), ("year", "2025")):
                fill(f"#from-{part}", value)
        fill("#location-description", "4 Example Road")
        for radio in ("#injured-no", "#suspect-known-no", "#witnesses-any-no", "#vehicle-any-no", "#cctv-no"):
            check(radio)
        fill("textarea#vehicle:visible", "Blue Ford Fiesta, AB12 CDE")
        fill("#full-name", "Sam Example")
        if page.locator("#dob-day").count():
            for part, value in (("day", "1"), ("month", "5"), ("year", "1990")):
                fill(f"#dob-{part}", value)
        fill("#email", "walker@example.org")
        check("#wants-support-no")
        for box in ("#safe-email", "#may-name-police-yes", "#may-name-crime-yes"):
            check(box)
        click("#report-form button[type=submit]")


def test_the_report_asks_only_what_the_force_needs_and_fraud_goes_straight_to_report_fraud(
    stack: LocalStack, browser: Any
) -> None:
    """The walker's pages follow the domain's rule (report_questions); the counts it prints are the ones
    in docs/api.md ("How long the report is"), written to test-artifacts/portal/report-journeys.json."""
    visit = Visit()
    context, page = open_page(browser, stack, visit)
    assert stack.gateway is not None
    conditional = {f"report-{q.name}" for q in QUESTIONS}
    measured: dict[str, dict[str, Any]] = {}
    for category in ("burglary", "vehicle-crime", "violent-crime"):
        # When a person reports this kind of crime with the fewest answers
        walk = walk_report(page, stack.gateway.url, category, lambda name: check_page(page, name, WIDTH, visit))
        measured[category] = walk.counts()
        # Then every page the force needs for it is asked, and none it does not need
        needed = {f"report-{q.name}" for q in QUESTIONS if asked(q, category)}
        assert conditional & set(walk.pages) == needed, (category, walk.pages)
        assert walk.pages[:2] == ["report-start", "report-what"] and walk.pages[-1] == "report-check"
        page.evaluate("sessionStorage.clear()")

    # When a person chooses fraud, the first question
    walk = walk_report(page, stack.gateway.url, "fraud", lambda name: check_page(page, name, WIDTH, visit))
    measured["fraud"] = walk.counts()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-journeys.json").write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
    # Then the next page is Report Fraud's: no force, nothing else asked
    assert walk.pages == ["report-start", "report-what", "report-fraud"]
    assert visit.outside == [] and visit.errors == []
    context.close()
