"""The Victims' Right to Review through the local stack (issue 18's acceptance). At 320 px in Chromium: after
a decision not to prosecute the case page offers a review; the victim asks; the request reaches the force's
inbox signed; the page follows it as the force acknowledges and decides; axe-core finds nothing in any
state; the same for a personal statement request (offer, errors, requested, taken). With the stack's
clock: the duties are due in working days across the Christmas bank holidays (checked against the
``holidays`` package), met by the force's answer, and missed when it never comes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack
from tests.unit.builders import working_days_after

from .conftest import MONDAY, Client, access_code, eventually
from .portal_pages import NewCase, Visit, check_page
from .test_local_stack import id_token
from .test_portal import open_page
from .test_portal_safety import Account, linked_case, sign_in
from .test_scenarios import Case

REQUESTED = "org.caseline.victim.review-requested.v1"
STATEMENT = "org.caseline.victim.statement-requested.v1"
DECIDED_ON = MONDAY + timedelta(days=7)  # Monday 14 December 2026
ASKED_AT = MONDAY + timedelta(days=11)  # Friday 18 December: 25 and 28 December and 1 January fall inside


def post(stack: LocalStack, case: NewCase, builder: Any, victim_id: str | None = None, **options: Any) -> None:
    assert stack.gateway is not None
    case.sequence += 1
    event = builder(EventContext(case.force_id, case.case_id, case.sequence, stack.now()), **options)
    if victim_id is not None:  # the simulator's own victim id: this case's victim instead
        event["data"]["victim_id"] = victim_id
    response = client.post_event(stack.gateway.url, case.force_id, event, stack.webhook_secret(case.force_id))
    assert response.status == 202, response.body


def call(http: Client, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": token, "Content-Type": "application/json"}
    answer = http.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    return answer.status, (json.loads(answer.body) if answer.body else None)


def review_of(http: Client, account: Account, case: NewCase) -> dict[str, Any] | None:
    status, view = call(http, account.id_token, "GET", f"/v1/cases/{case.force_id}/{case.case_id}")
    assert status == 200
    review: dict[str, Any] | None = view["review"]
    return review


def case_page(stack: LocalStack, browser: Any, account: Account, visit: Visit) -> tuple[Any, Any]:
    """The victim signed in on a 320 px phone, on their (only) case's page."""
    context, page = open_page(browser, stack, {"width": 320, "height": 640}, visit)
    assert stack.gateway is not None
    sign_in(page, stack.gateway.url, account)
    page.locator("a[href*='case.html#c=']").first.click()
    return context, page


@pytest.mark.browser
def test_the_victim_asks_for_a_review_and_follows_it_at_320px(stack: LocalStack, http: Client, browser: Any) -> None:
    # Given a decision not to prosecute (not in the public interest, by the police)
    account, case = linked_case(stack, http)
    post(stack, case, build.outcome_recorded, outcome_type=10)
    eventually(lambda: review_of(http, account, case))
    visit = Visit()
    context, page = case_page(stack, browser, account, visit)
    # Then the case page offers the review, with the last day to ask
    page.locator(".app-review-offer").wait_for()
    until = page.locator(".app-review-until").inner_text()
    assert re.fullmatch(r"You can ask until [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}\.", until), until  # no comma
    check_page(page, "review-offer", "narrow", visit)
    # Reasons over the limit: the error summary, and nothing is sent
    page.fill("#review-reasons", "x" * 1501)
    page.locator("#review-form button[type=submit]").click()
    page.locator("#review-form .govuk-error-summary").wait_for()
    assert "1500 characters or fewer" in page.locator("#review-form .govuk-error-summary").inner_text()
    check_page(page, "review-errors", "narrow", visit, screenshot=False)
    # When the victim asks, with a reason
    page.fill("#review-reasons", "My neighbour's doorbell camera recorded the person.")
    page.locator("#review-form button[type=submit]").click()
    page.locator(".app-review-banner-slot .govuk-notification-banner--success").wait_for()
    assert page.locator(".app-review-tag").inner_text() == "Requested"
    assert "We will confirm we have your request by" in page.locator(".app-review-lines").inner_text()
    check_page(page, "review-requested", "narrow", visit)
    # Then the force's inbox has it, signed (the receiver checks the signature), once
    request = review_of(http, account, case)
    assert request is not None and request["request"] is not None
    request_id = request["request"]["request_id"]

    def delivered() -> list[dict[str, Any]]:
        inbox = http.request("GET", "/_local/force-inbox.json").json()["thames-valley"]
        return [e for e in inbox if e["subject"] == case.case_id and e["type"] == REQUESTED]

    [received] = eventually(delivered)
    assert received["data"]["request_id"] == request_id
    assert received["data"]["reasons"] == "My neighbour's doorbell camera recorded the person."
    # When the force acknowledges, the page says it has the request
    victim_id = request_id.split("-", 2)[2]
    post(stack, case, build.review_acknowledged, victim_id, request_id=request_id)
    eventually(lambda: (review_of(http, account, case) or {}).get("request", {}).get("state") == "acknowledged")
    page.reload()
    page.locator(".app-review-status").wait_for()
    assert page.locator(".app-review-tag").inner_text() == "Received"
    check_page(page, "review-acknowledged", "narrow", visit)
    # When it decides, the page gives the result
    post(stack, case, build.review_decided, victim_id, request_id=request_id, decision="not-upheld")
    eventually(lambda: (review_of(http, account, case) or {}).get("request", {}).get("state") == "decided")
    page.reload()
    page.locator(".app-review-status").wait_for()
    assert page.locator(".app-review-tag").inner_text() == "Decided"
    assert "did not agree with the decision" in page.locator(".app-review-lines").inner_text()
    check_page(page, "review-decided", "narrow", visit)
    assert visit.outside == []
    for seen in visit.urls:
        assert case.crime_reference not in seen
    context.close()


@pytest.mark.browser
def test_the_victim_asks_to_give_a_personal_statement_and_sees_it_taken_at_320px(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    account, case = linked_case(stack, http)
    visit = Visit()
    context, page = case_page(stack, browser, account, visit)
    # The case page explains the statement and asks what the victim wants
    page.locator("#statement-form").wait_for()
    assert "how the crime has affected you" in page.locator(".app-statement").inner_text()
    check_page(page, "statement-offer", "narrow", visit)
    # Nothing chosen: the error summary names both questions
    page.locator("#statement-form button[type=submit]").click()
    page.locator("#statement-form .govuk-error-summary").wait_for()
    assert page.locator("#statement-form .govuk-error-summary li").count() == 2
    check_page(page, "statement-errors", "narrow", visit, screenshot=False)
    # When they ask to make one, read aloud by someone they choose
    page.check("#statement-kind-make")
    page.check("#statement-use-read-by-someone-else")
    page.locator("#statement-form button[type=submit]").click()
    page.locator(".app-statement-banner-slot .govuk-notification-banner--success").wait_for()
    assert page.locator(".app-statement-tag").inner_text() == "Requested"
    assert not page.locator("#statement-form").is_visible()
    check_page(page, "statement-requested", "narrow", visit)
    # Then the officer's system has it, signed; when the officer has taken it, the page says so
    status, view = call(http, account.id_token, "GET", f"/v1/cases/{case.force_id}/{case.case_id}")
    assert status == 200
    request_id = view["statement"]["request_id"]

    def delivered() -> list[dict[str, Any]]:
        inbox = http.request("GET", "/_local/force-inbox.json").json()["thames-valley"]
        return [e for e in inbox if e["subject"] == case.case_id and e["type"] == STATEMENT]

    [received] = eventually(delivered)
    assert (received["data"]["request_id"], received["data"]["use"]) == (request_id, "read-by-someone-else")
    post(stack, case, build.statement_taken, request_id.split("-", 2)[2], request_id=request_id)
    taken = f"/v1/cases/{case.force_id}/{case.case_id}"
    eventually(lambda: call(http, account.id_token, "GET", taken)[1]["statement"]["state"] == "taken")
    page.reload()
    page.locator(".app-statement-status").wait_for()
    assert page.locator(".app-statement-tag").inner_text() == "Taken"
    assert page.locator("#statement-kind-update").is_checked()  # asking again is to update it
    check_page(page, "statement-taken", "narrow", visit)
    assert visit.outside == []
    context.close()


def test_the_duties_are_due_in_working_days_across_bank_holidays_met_or_missed(clock: LocalStack, http: Client) -> None:
    case = Case(clock, "thames-valley", "vrr").at(MONDAY)
    recorded = case.send(build.crime_recorded, category="burglary")
    code = access_code(http, recorded["data"]["victim"]["mobile"], recorded["data"]["crime_reference"])
    token = id_token(clock)
    link = {"crime_reference": recorded["data"]["crime_reference"], "access_code": code}
    assert call(http, token, "POST", "/v1/me/links", link)[0] == 201
    case.at(DECIDED_ON).send(build.outcome_recorded, outcome_type=15)
    # When the victim asks on Friday 18 December
    case.at(ASKED_AT)
    status, body = call(http, token, "POST", f"/v1/cases/thames-valley/{case.case_id}/review-request", {})
    assert status == 202 and body["state"] == "requested"
    assert REQUESTED in [i["event_type"]["S"] for i in case.items("OUTBOUND#")]
    # Then both duties are due in working days, bank holidays excluded
    duties = {i["right"]["S"]: i for i in case.items("DUTY#") if i["right"]["S"].startswith("vrr-")}
    acknowledge_by = working_days_after(ASKED_AT.date(), 10)
    decide_by = working_days_after(ASKED_AT.date(), 30)
    assert duties["vrr-acknowledge"]["due_on"]["S"] == acknowledge_by.isoformat() == body["acknowledge_by"]
    assert duties["vrr-decide"]["due_on"]["S"] == decide_by.isoformat() == body["decide_by"]
    # When the force acknowledges on the due day, that duty is met
    case.at(datetime(acknowledge_by.year, acknowledge_by.month, acknowledge_by.day, 11, tzinfo=UTC))
    case.send(build.review_acknowledged, request_id=body["request_id"])
    eventually(lambda: _status(case, "vrr-acknowledge") == "met")
    # And a decision that never comes is missed the day after it was due
    case.sweep(datetime(decide_by.year, decide_by.month, decide_by.day, 11, tzinfo=UTC) + timedelta(days=1))
    assert _status(case, "vrr-decide") == "missed"
    assert _status(case, "vrr-acknowledge") == "met"


def _status(case: Case, right: str) -> str:
    return next(str(i["status"]["S"]) for i in case.items("DUTY#") if i["right"]["S"] == right)
