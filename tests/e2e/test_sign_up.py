"""Creating an account in Debian's Chromium against the local stack (docs/adr/0014): an address that has an
account and a new one get the same answer from POST /v1/accounts and the same "Check your email" screen;
the account's owner gets an email saying someone tried; the browser cannot call Cognito's SignUp itself."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, eventually, sent
from .portal_pages import PHONE, Visit, check_page
from .test_portal import open_page, submit
from .test_portal_safety import new_account

pytestmark = pytest.mark.browser
OWNER_SUBJECT = "Someone tried to create an account with your email address"


def create_account(browser: Any, stack: LocalStack, email: str) -> tuple[Any, Any, Visit, dict[str, Any]]:
    """Fill in the create-account form for ``email``; what the API answered and what the page then showed."""
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    answers: list[tuple[int, Any]] = []

    def record(response: Any) -> None:
        if response.url.endswith("/v1/accounts"):
            answers.append((response.status, response.json()))

    page.on("response", record)
    page.goto(stack.gateway.url + "/create-account.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    page.fill("#email", email)
    page.fill("#password", f"correct horse {uuid.uuid4().hex[:12]}")
    submit(page, "#create-form")
    page.locator("#confirm-form").wait_for(state="visible")
    shown = {"answers": answers, "main": page.locator("main").inner_text(), "title": page.title(), "url": page.url}
    return context, page, visit, shown


def test_a_known_address_sees_the_same_screen_as_a_new_one_and_its_owner_is_emailed(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    # Given an account, and an address with none
    owner = new_account(stack)
    nobody = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    since = max((int(m["seq"]) for m in sent(http)), default=0)
    # When each address is used to create an account in the portal
    seen = {}
    for name, email in (("known", owner.email), ("new", nobody)):
        context, page, visit, seen[name] = create_account(browser, stack, email)
        if name == "known":
            check_page(page, "confirm-email-known", "phone", visit, screenshot=False)
        context.close()
    # Then the API gave both the same answer, and the page showed the same screen
    assert seen["known"]["answers"] == seen["new"]["answers"] == [(202, {"status": "check-your-email"})]
    assert seen["known"] == seen["new"]
    assert seen["known"]["title"].startswith("Check your email")
    assert "already have an account" in seen["known"]["main"]  # the page says what the email may say
    # And the owner is told by email, while the new address is left to Cognito's own code
    mail = eventually(lambda: [m for m in sent(http, owner.email, since=since) if m["subject"] == OWNER_SUBJECT])
    assert len(mail) == 1 and "/reset-password.html" in mail[0]["body"]
    assert sent(http, nobody, since=since) == []


def test_the_browser_cannot_call_cognitos_sign_up_itself(stack: LocalStack, http: Client) -> None:
    # As the user pool's web ACL refuses SignUp without the accounts function's header
    config = stack.public_config()
    body = {"ClientId": config["userPoolClientId"], "Username": "x@example.org", "Password": "a long pass phrase"}
    answer = http.request(
        "POST",
        "/_local/cognito",
        body=json.dumps(body).encode(),
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    assert answer.status == 400
    assert "MissingAuthenticationToken" in answer.body.decode()


def test_the_portal_signs_in_by_srp_and_a_wrong_password_is_refused(stack: LocalStack, browser: Any) -> None:
    # Given an account (the local proxy checks SRP proofs as Cognito does: moto would take any)
    assert stack.gateway is not None
    account = new_account(stack)
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    flows: list[str] = []
    page.on("request", lambda r: flows.append(_auth_flow(r)) if r.url.endswith("/_local/cognito") else None)
    page.goto(stack.gateway.url + "/sign-in.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    # When they sign in with a wrong password, then with theirs
    page.fill("#email", account.email)
    page.fill("#password", account.password + " but wrong")
    submit(page, "#sign-in-form")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert "The email address or password is not right" in summary.inner_text()
    page.fill("#password", account.password)
    submit(page, "#sign-in-form")
    # Then only the right one gets in, and only by SRP: the password itself was never sent
    page.wait_for_url("**/cases.html")
    assert flows.count("USER_SRP_AUTH") == 2 and "USER_PASSWORD_AUTH" not in flows
    context.close()


def _auth_flow(request: Any) -> str:
    body = json.loads(request.post_data or "{}")
    assert "PASSWORD" not in json.dumps(body.get("AuthParameters", {})).upper().replace("SRP_A", "")
    return str(body.get("AuthFlow") or body.get("ChallengeName"))
