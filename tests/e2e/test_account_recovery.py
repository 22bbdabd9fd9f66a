"""Account recovery in Debian's Chromium against the local stack: a high-risk victim's account (linked to an
enhanced domestic-abuse case, so its email is no longer a recovery channel) cannot be reset by email, and
the reset page answers it exactly as it answers an ordinary account and an address with no account, while
saying how to get back in (the officer, or 101). axe-core on the new state."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from caseline_local import demo
from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually, fresh_mobile
from .portal_pages import PHONE, Visit, check_page
from .test_portal import open_page
from .test_portal_safety import Account, new_account

pytestmark = pytest.mark.browser


def pool(stack: LocalStack) -> tuple[Any, str]:
    idp = boto3.session.Session(region_name="eu-west-2").client("cognito-idp")
    return idp, str(stack.public_config()["userPoolId"])


def email_verified(stack: LocalStack, email: str) -> bool:
    idp, pool_id = pool(stack)
    attributes = idp.admin_get_user(UserPoolId=pool_id, Username=email)["UserAttributes"]
    return {a["Name"]: a["Value"] for a in attributes}.get("email_verified") == "true"


def verified_account(stack: LocalStack) -> Account:
    """A confirmed account whose email is verified (as confirming the sign-up code leaves it)."""
    account = new_account(stack)
    idp, pool_id = pool(stack)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username=account.email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    return account


def high_risk_account(stack: LocalStack, http: Client) -> Account:
    """An enhanced victim of domestic abuse (invited by text only) who linked their account with the code."""
    assert stack.gateway is not None
    event = demo.fresh_crime_recorded("thames-valley", serial=uuid.uuid4().int % 1_000_000)
    mobile = fresh_mobile()
    event["data"]["flags"] = ["domestic-abuse"]
    victim = event["data"]["victim"]
    victim.update({"email": f"victim-{uuid.uuid4().hex[:8]}@example.org", "mobile": mobile, "tier": "enhanced"})
    victim["safe_contact"] = {"safe_channels": ["sms"], "may_name_police": True, "may_name_crime": False}
    status, body = demo.post_event(stack.gateway.url, "thames-valley", event, stack.webhook_secret("thames-valley"))
    assert status == 202, body
    account = verified_account(stack)
    code = access_code(http, mobile, event["data"]["crime_reference"])
    link = json.dumps({"crime_reference": event["data"]["crime_reference"], "access_code": code}).encode()
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    answer = http.request("POST", "/v1/me/links", body=link, headers=headers)
    assert answer.status == 201, answer.body
    assert eventually(lambda: not email_verified(stack, account.email))  # no longer a recovery channel
    return account


def ask_for_a_code(browser: Any, stack: LocalStack, email: str) -> tuple[Any, Any, Visit, dict[str, Any]]:
    """Open the reset page, ask for a code for ``email``; returns the page and what the page showed."""
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, PHONE, visit)
    cognito: list[int] = []
    page.on("response", lambda r: cognito.append(r.status) if "cognito" in r.url else None)
    page.goto(stack.gateway.url + "/reset-password.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    before = page.locator("#request-form").inner_text()
    page.fill("#email", email)
    page.locator("#request-form button[type=submit]").click()
    page.locator("#reset-form").wait_for(state="visible")
    shown = {
        "before": before,
        "after": page.locator("main").inner_text(),
        "title": page.title(),
        "url": page.url,
        "cognito": list(cognito),
    }
    return context, page, visit, shown


def test_a_high_risk_account_cannot_reset_by_email_and_the_page_does_not_tell(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    # Given a high-risk victim's account, an ordinary account and an address with no account
    high_risk = high_risk_account(stack, http)
    ordinary = verified_account(stack)
    nobody = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    answers = {}
    for name, email in (("high-risk", high_risk.email), ("ordinary", ordinary.email), ("nobody", nobody)):
        context, page, visit, answers[name] = ask_for_a_code(browser, stack, email)
        if name == "high-risk":
            check_page(page, "reset-password-sent", "phone", visit, screenshot=False)
            kept = (context, page)
        else:
            context.close()
    # Then Cognito refused only the high-risk account (as Cognito does for no verified channel)...
    assert [a["cognito"][-1] for a in answers.values()] == [400, 200, 200]
    # ...and the page said the same words, with the same title, to all three
    seen = {name: {k: v for k, v in a.items() if k != "cognito"} for name, a in answers.items()}
    assert seen["high-risk"] == seen["ordinary"] == seen["nobody"]
    # And it told everyone, before and after, how to get back in without email
    for text in (seen["nobody"]["before"], seen["nobody"]["after"]):
        assert "cannot be reset by email" in text
        assert "contact the officer dealing with your case" in text.lower()
        assert "call 101" in text
    # When someone tries a made-up code for the high-risk account
    context, page = kept
    page.fill("#code", "123456")
    page.fill("#password", "someone else's password")
    page.locator("#reset-form button[type=submit]").click()
    # Then it is refused, pointing to the officer rather than another code, and the password is unchanged
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert "contact your officer or call 101" in summary.inner_text()
    assert "/reset-password.html" in page.url
    idp, _ = pool(stack)
    config = stack.public_config()
    signed_in = idp.initiate_auth(
        ClientId=config["userPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": high_risk.email, "PASSWORD": high_risk.password},
    )
    assert "AuthenticationResult" in signed_in
    context.close()
