"""Invitations lead to the next step, in Debian's Chromium against the local stack: the link in the
invitation email opens account creation with the crime reference carried in the fragment (never the
access code), the fragment leaves the address bar at once, and after creating the account the reference
is filled in on "Add your case"; a signed-in victim who opens the link is taken to "Add your case" with
it filled in, or straight to the case once it is linked. axe-core on each page shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually, sent
from .portal_pages import PHONE, NewCase, Visit, check_page, record_new_crime
from .test_my_data import submit_sign_in
from .test_portal import open_page, submit
from .test_portal_safety import Account, new_account, sign_in, stored_tokens

pytestmark = pytest.mark.browser
INVITATION = re.compile(r"https?://[^\s\"'<>]+/create-account\.html#ref=[A-Z0-9/-]+")


def _invitation_link(http: Client, case: NewCase) -> str:
    """The account-creation link in the invitation email to this victim, on this stack's own address."""

    def found() -> str | None:
        for message in sent(http, case.email):
            link = INVITATION.search(message["body"])
            if message["channel"] == "email" and link and case.crime_reference in message["body"]:
                return link.group(0)
        return None

    link = str(eventually(found))
    assert urlsplit(link).fragment == f"ref={case.crime_reference}"
    assert case.crime_reference not in urlsplit(link).path + urlsplit(link).query
    parts = urlsplit(link)
    return f"{parts.path}#{parts.fragment}"


def _open(page: Any, base: str, link: str) -> None:
    page.goto(base + link)
    page.locator("body[data-ready]").wait_for(state="attached")


@dataclass
class Invited:
    """A crime just recorded for a new victim, its invitation link, and a phone-sized browser tab."""

    case: NewCase
    link: str
    base: str
    page: Any
    visit: Visit


@pytest.fixture
def invited(stack: LocalStack, http: Client, browser: Any) -> Iterator[Invited]:
    case = record_new_crime(stack)
    link = _invitation_link(http, case)
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    assert stack.gateway is not None
    yield Invited(case, link, stack.gateway.url, page, visit)
    context.close()


def _link_case(http: Client, account: Account, case: NewCase) -> None:
    """The case linked to the account with the code from the invitation text, through the API."""
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    body = {
        "crime_reference": case.crime_reference,
        "access_code": access_code(http, case.mobile, case.crime_reference),
    }
    assert http.request("POST", "/v1/me/links", body=json.dumps(body).encode(), headers=headers).status == 201


def test_the_invitation_email_leads_to_an_account_with_the_reference_filled_in(http: Client, invited: Invited) -> None:
    case, page, visit = invited.case, invited.page, invited.visit
    # Given a crime recorded for a new victim, who is sent an invitation by email and text
    code = access_code(http, case.mobile, case.crime_reference)
    assert code not in invited.link and code.replace("-", "") not in invited.link
    # When they open the link in the email
    _open(page, invited.base, invited.link)
    # Then account creation opens, and the reference has left the address bar (kept in this tab only)
    assert urlsplit(page.url).path == "/create-account.html" and "#" not in page.url
    assert case.crime_reference in stored_tokens(page)
    check_page(page, "invitation-create-account", "phone", visit)
    # When they create the account
    page.fill("#email", case.email)
    page.fill("#password", "correct horse battery staple")
    submit(page, "#create-form")
    page.locator("#confirm-form").wait_for()
    page.fill("#code", "123456")
    submit(page, "#confirm-form")
    # Then "Add your case" has the crime reference filled in, and the tab no longer holds it
    page.wait_for_url("**/link-case.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.input_value("#crime-reference") == case.crime_reference
    assert case.crime_reference not in stored_tokens(page)
    check_page(page, "invitation-link-case", "phone", visit)
    # And with the code from the message the case is theirs
    page.fill("#access-code", code)
    submit(page, "#link-form")
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()


def test_a_signed_in_victim_is_taken_to_add_the_case_then_to_the_case(
    stack: LocalStack, http: Client, invited: Invited
) -> None:
    page = invited.page
    # Given a victim who already has an account and is signed in, and a new crime recorded for them
    account = new_account(stack)
    sign_in(page, invited.base, account)
    # When they open the invitation link, they go on to add the case, its reference filled in
    _open(page, invited.base, invited.link)
    page.wait_for_url("**/link-case.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert page.input_value("#crime-reference") == invited.case.crime_reference
    check_page(page, "invitation-signed-in-link-case", "phone", invited.visit, screenshot=False)
    # Once the case is linked to them, opening the link again lands on the case itself
    _link_case(http, account, invited.case)
    _open(page, invited.base, invited.link)
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    assert invited.case.crime_reference not in stored_tokens(page)
    check_page(page, "invitation-returning-case", "phone", invited.visit)


def test_a_returning_victim_who_signs_in_from_the_invitation_lands_on_the_case(
    stack: LocalStack, http: Client, invited: Invited
) -> None:
    page = invited.page
    # Given a victim whose case is linked to their account, signed out in this browser
    account = new_account(stack)
    _link_case(http, account, invited.case)
    # When they open the invitation link and choose to sign in instead
    _open(page, invited.base, invited.link)
    page.get_by_role("link", name="Sign in", exact=True).last.click()
    page.wait_for_url("**/sign-in.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    submit_sign_in(page, account)
    # Then they land on the case, not on the list of cases
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    check_page(page, "invitation-signed-in-case", "phone", invited.visit, screenshot=False)
