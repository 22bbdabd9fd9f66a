"""Staff sign-in in Debian's Chromium against the local stack, beyond passwords (ADR 0019): a force's own
accounts through the staff pool's hosted UI (the code flow with PKCE; the local stack has no hosted UI, so
the browser's routes play it, and the tokens it hands back are a real demo analyst's), two-step codes from
an authenticator app, and the staff pages' idle time-out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from caseline_local import staff
from caseline_local.stack import LocalStack

from .conftest import eventually
from .portal_pages import DESKTOP, Visit, check_page
from .test_insights import stack_state
from .test_insights_page import (
    NARROW,
    sign_in_by_keyboard,
    sign_out_from_the_menu,
    staff_signed_in_with_a_short_idle_time,
)
from .test_portal import open_page

pytestmark = pytest.mark.browser
HOSTED_UI = "https://caseline-local-staff.auth.eu-west-2.amazoncognito.com"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


class HostedUi:
    """The staff pool's hosted UI as the browser meets it: /oauth2/authorize sends the browser back with a
    code (and the state it was given, or another), /oauth2/token trades the code for tokens only with the
    verifier whose S256 challenge came with it."""

    def __init__(self, page: Any, base: str, id_token: str, *, state_back: str | None = None) -> None:
        self.base, self.id_token, self.state_back = base, id_token, state_back
        self.authorize: dict[str, str] = {}
        self.token: dict[str, str] = {}
        page.route(HOSTED_UI + "/oauth2/authorize?*", self._authorize)
        page.route(HOSTED_UI + "/oauth2/token", self._token)

    def _authorize(self, route: Any) -> None:
        self.authorize = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        state = self.state_back or self.authorize["state"]
        back = f"{self.base}/staff-sign-in.html?code=a-one-time-code&state={state}"
        route.fulfill(status=302, headers={"Location": back})

    def _token(self, route: Any) -> None:
        self.token = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        if route.request.method != "POST" or s256(self.token.get("code_verifier", "")) != self.authorize.get(
            "code_challenge"
        ):
            route.fulfill(status=400, content_type="application/json", body='{"error":"invalid_grant"}')
            return
        tokens = {"id_token": self.id_token, "access_token": "not-used-here", "expires_in": 3600}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(tokens))


def with_federation(page: Any, stack: LocalStack) -> None:
    """config.json as a deployment with a force's identity provider writes it (tools/portal_config.py)."""
    config = stack.public_config() | {"staffFederation": {"url": HOSTED_UI, "provider": "ForceAccount"}}
    page.route("**/config.json", lambda route: route.fulfill(content_type="application/json", body=json.dumps(config)))


def test_an_analyst_signs_in_with_their_force_account_by_the_code_flow_with_pkce(
    stack: LocalStack, browser: Any
) -> None:
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit)
    hosted = HostedUi(page, stack.gateway.url, staff.id_token(stack.gateway.url, stack_state(stack), "thames-valley"))
    with_federation(page, stack)

    # The staff sign-in page offers the force's accounts, above the password form
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    button = page.get_by_role("button", name="Sign in with your force account")
    button.wait_for()
    check_page(page, "staff-sign-in-federated", "1280", visit)
    button.click()
    page.wait_for_url("**/insights.html")
    page.locator(".app-loading", has_text="Showing figures").wait_for()

    # It asked the hosted UI for a code for the force's provider, back to this page, with an S256 challenge
    assert hosted.authorize["response_type"] == "code" and hosted.authorize["code_challenge_method"] == "S256"
    assert hosted.authorize["identity_provider"] == "ForceAccount"
    assert hosted.authorize["client_id"] == stack.public_config()["staffUserPoolClientId"]
    assert hosted.authorize["redirect_uri"] == stack.gateway.url + "/staff-sign-in.html"
    assert "code_verifier" not in hosted.authorize and len(hosted.authorize["state"]) >= 40
    # and traded the code with the verifier (checked by the token route) for the analyst's figures
    assert hosted.token["grant_type"] == "authorization_code" and hosted.token["code"] == "a-one-time-code"
    assert "Thames Valley Police" in page.locator("h1").inner_text()
    assert "caseline.staffOauth" not in page.evaluate("Object.keys(sessionStorage)")
    assert visit.errors == [] and visit.outside == []
    context.close()


def test_a_hosted_ui_answer_with_another_tab_s_state_signs_no_one_in(stack: LocalStack, browser: Any) -> None:
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit)
    token = staff.id_token(stack.gateway.url, stack_state(stack), "thames-valley")
    hosted = HostedUi(page, stack.gateway.url, token, state_back="someone-else-s-state")
    with_federation(page, stack)
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    page.get_by_role("button", name="Sign in with your force account").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "did not sign you in" in page.locator(".govuk-error-summary").inner_text()
    assert hosted.token == {}  # the code was never traded
    assert page.url == stack.gateway.url + "/staff-sign-in.html"  # the code is gone from the address bar
    assert not any(key.startswith("caseline.staff") for key in page.evaluate("Object.keys(sessionStorage)"))
    check_page(page, "staff-sign-in-federation-refused", "1280", visit, screenshot=False)
    context.close()


def totp(key: str, at: float) -> str:
    """RFC 6238's code (SHA-1, 30-second steps, 6 digits) for a base32 key as the page shows it, as an
    authenticator app works it out."""
    secret = key.replace(" ", "").upper()
    counter = int(at // 30).to_bytes(8, "big")
    digest = hmac.new(base64.b32decode(secret + "=" * (-len(secret) % 8)), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def fresh_code(key: str) -> str:
    """The app's code now, once the current 30 seconds have time left to be typed and checked."""
    eventually(lambda: time.time() % 30 < 20)
    return totp(key, time.time())


def stale_code(key: str) -> str:
    """A code the app showed ten minutes ago: not one Cognito takes now."""
    now = time.time()
    stale = totp(key, now - 600)
    assert stale not in {totp(key, now + step) for step in (-30, 0, 30)}
    return stale


def an_old_code_then_today_s(page: Any, field: str, key: str) -> None:
    """An old code is refused at the field; the app's code now opens the figures."""
    page.fill(field, stale_code(key))
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary", has_text="The code is not right").wait_for()
    page.fill(field, fresh_code(key))
    page.keyboard.press("Enter")
    page.wait_for_url("**/insights.html")
    page.locator(".app-loading", has_text="Showing figures").wait_for()


@pytest.fixture
def two_step_codes_on(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """The staff pool as deployed (StaffMfa=ON), for one test: the local stack runs it OPTIONAL so its demo
    analysts need no app. The local Cognito then checks every code (its switch for that)."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    pool = stack_state(stack)["staff_pool_id"]
    cognito = boto3.client("cognito-idp", endpoint_url=stack.endpoint, region_name=stack.config.region)
    token_codes = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="ON", **token_codes)
    try:
        yield cognito, pool
    finally:
        cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL", **token_codes)


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "1280"])
def test_an_analyst_sets_up_an_authenticator_app_then_signs_in_with_its_codes(
    stack: LocalStack, browser: Any, two_step_codes_on: tuple[Any, str], viewport: dict[str, int]
) -> None:
    assert stack.gateway is not None
    cognito, pool = two_step_codes_on
    email, password = f"analyst-{uuid.uuid4().hex[:8]}@example.org", secrets.token_urlsafe(18)
    cognito.admin_create_user(
        UserPoolId=pool,
        Username=email,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName="force-hampshire")
    width, visit = str(viewport["width"]), Visit()
    context, page = open_page(browser, stack, viewport, visit)

    # Their first sign-in asks them to set up an app, showing the key as text to type into it
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    sign_in_by_keyboard(page, email, password)
    page.locator("#staff-mfa-setup-form").wait_for()
    assert page.title().startswith("Set up an authenticator app")
    key = page.locator("#mfa-key").inner_text()
    assert len(key.replace(" ", "")) >= 12 and "caseline.staff" not in page.evaluate("Object.keys(sessionStorage)")
    check_page(page, "staff-mfa-setup", width, visit)

    # Not 6 digits, then an old code: each refused at the field; the app's code now: the figures
    page.fill("#setup-code", "12345")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary", has_text="Enter the 6-digit code").wait_for()
    an_old_code_then_today_s(page, "#setup-code", key)
    assert "Hampshire" in page.locator("h1").inner_text()

    # Signed out, their password alone is not enough: the app's code is asked, and a wrong one refused
    sign_out_from_the_menu(page)
    sign_in_by_keyboard(page, email, password)
    page.locator("#staff-mfa-form").wait_for()
    assert "caseline.staff" not in page.evaluate("Object.keys(sessionStorage)")
    check_page(page, "staff-mfa-code", width, visit)
    an_old_code_then_today_s(page, "#mfa-code", key)
    assert visit.errors == [] and visit.outside == []
    context.close()


@pytest.mark.parametrize("choice", ["waits", "signs out"])
def test_the_staff_pages_warn_then_sign_out_an_idle_analyst_and_forget_the_tokens(
    stack: LocalStack, browser: Any, choice: str
) -> None:
    visit = Visit()
    # Given a deployment whose idle time-out is 12 seconds, and a signed-in analyst
    analyst = staff.from_state(stack_state(stack), "hampshire")
    context, page = staff_signed_in_with_a_short_idle_time(
        browser, stack, visit, analyst.email, analyst.password, "insights.html"
    )
    page.locator(".app-loading", has_text="Showing figures").wait_for()
    assert page.locator("dialog.app-dialog[open]").count() == 0  # no warning at once
    # When they do nothing, a warning comes first (half-way through a short time-out)...
    page.locator("dialog.app-dialog[open]").wait_for(timeout=30_000)
    check_page(page, "staff-idle-warning", "1280", visit, screenshot=False)
    if choice == "signs out":  # ...whose "Sign out" is the staff session's, not a victim's
        page.locator("dialog.app-dialog[open]").get_by_role("link", name="Sign out").click()
        page.wait_for_url("**/staff-sign-in.html#signed-out")
    else:  # ...then they are signed out, back at staff sign-in
        page.wait_for_url("**/staff-sign-in.html#timed-out", timeout=45_000)
    page.locator("body[data-ready]").wait_for(state="attached")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert ("not done anything" in banner) == (choice == "waits")
    assert not any(key.startswith("caseline.staff") for key in page.evaluate("Object.keys(sessionStorage)"))
    # And the figures ask them to sign in again
    page.goto(stack.gateway.url + "/insights.html")
    page.wait_for_url("**/staff-sign-in.html")
    assert visit.errors == [] and visit.outside == []
    context.close()
