"""Delegated access in Chromium at 320 px against the local stack: the victim invites someone she trusts and
sees the code once; that person follows the case from their own account, with a banner and none of the
victim's own actions or contact details; the victim removes them and they get the stranger's 404."""

from __future__ import annotations

from typing import Any

import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually
from .portal_pages import Visit, check_page, record_new_crime
from .test_case_access import call, force_event, link, second_account
from .test_portal import open_page
from .test_portal_safety import new_account, sign_in

NARROW = {"width": 320, "height": 640}
DELEGATED = "org.caseline.access.delegated.v1"
INVITATION = "org.caseline.access.delegate-invitation.v1"


@pytest.mark.browser
def test_a_victim_gives_someone_access_who_follows_the_case_until_removed_at_320px(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    assert stack.gateway is not None
    case = record_new_crime(stack)
    victim, friend = new_account(stack), new_account(stack)
    assert link(http, victim, case, access_code(http, case.mobile, case.crime_reference)) == 201
    visit = Visit()
    context, page = open_page(browser, stack, NARROW, visit)
    # Given the victim opens her case on a small phone and asks to give someone access
    sign_in(page, stack.gateway.url, victim)
    page.locator("a[href*='case.html#c=']").first.click()
    page.get_by_text("Give someone access").click()
    # When she sends the form empty, each question says what is missing
    page.get_by_role("button", name="Create an invitation code").click()
    page.locator("#delegate-form .govuk-error-summary").wait_for()
    assert page.locator("#delegate-form .govuk-error-message").count() == 3
    check_page(page, "case-delegate-errors", "narrow", visit, screenshot=False)
    # When she fills it in, she sees the code once, and the person in her list
    page.fill("#delegate-name", "Sam")
    page.get_by_label("A family member").check()
    page.get_by_label("Read the case and write to the officer").check()
    page.get_by_role("button", name="Create an invitation code").click()
    panel = page.locator(".app-delegate-code")
    panel.wait_for()
    code = panel.locator(".app-delegate-code-value").inner_text().strip()
    assert len(code) == 19
    page.locator(".app-delegate-list .app-access__item").first.wait_for()
    assert "Invitation not used yet" in page.locator(".app-delegate-list").inner_text()
    check_page(page, "case-delegate-invited", "narrow", visit)

    # When Sam, with his own account, follows the case with the code (a wrong one first)
    other_context, other = open_page(browser, stack, NARROW, visit)
    sign_in(other, stack.gateway.url, friend)
    other.get_by_role("link", name="Follow a case with an invitation code").click()
    other.locator("body[data-ready]").wait_for(state="attached")
    check_page(other, "follow-case", "narrow", visit)
    other.fill("#invitation-code", "ABCD-EFGH-JKMN-PQRS")
    other.get_by_role("button", name="Follow the case").click()
    other.locator(".govuk-error-summary").wait_for()
    assert "may be wrong, used or expired" in other.locator(".govuk-error-summary").inner_text()
    check_page(other, "follow-case-refused", "narrow", visit, screenshot=False)
    other.fill("#invitation-code", code.lower())
    other.get_by_role("button", name="Follow the case").click()
    # Then he sees the case with a banner, and none of the victim's own actions or details
    other.wait_for_url("**/case.html#c=*")
    other.locator(".app-delegate-banner").wait_for()
    assert "gave you access to follow it" in other.locator(".app-delegate-banner").inner_text()
    assert other.locator(".app-preferences-link").is_hidden() and other.locator(".app-access").is_hidden()
    assert other.locator(".app-delegates").is_hidden() and other.locator(".app-messages-link").is_visible()
    assert case.email not in other.content() and case.mobile not in other.content()
    check_page(other, "case-as-delegate", "narrow", visit)

    # When the victim removes him, her page says so, and he gets a stranger's 404
    page.reload()
    page.get_by_role("button", name="Remove Sam").click()
    page.locator(".app-delegates-banner-slot .govuk-notification-banner--success").wait_for()
    check_page(page, "case-delegate-removed", "narrow", visit, screenshot=False)
    path = f"/v1/cases/{case.force_id}/{case.case_id}"
    stranger = new_account(stack)
    assert call(http, friend, "GET", path) == call(http, stranger, "GET", path)
    assert call(http, friend, "GET", path)[0] == 404
    other_context.close()
    context.close()


@pytest.mark.browser
def test_a_reader_set_up_by_the_force_has_no_message_form_at_320px(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    # Given the force gave a parent read-only access, and the parent took up the code it sent the force
    assert stack.gateway is not None
    case = record_new_crime(stack)
    parent = new_account(stack)
    data = {"victim_id": case.victim_id, "delegation_id": "DEL-E2E", "name": "Jordan", "scope": "view"}
    force_event(stack, case, DELEGATED, {**data, "relationship": "parent-guardian"})

    def code() -> str | None:
        inbox = http.request("GET", f"/_local/force-inbox.json?force={case.force_id}").json()[case.force_id]
        found = [e for e in inbox if e["subject"] == case.case_id and e["type"] == INVITATION]
        return found[-1]["data"]["invitation_code"] if found else None

    status, _ = call(http, parent, "POST", "/v1/me/delegations", {"code": eventually(code)})
    assert status == 201
    visit = Visit()
    context, page = open_page(browser, stack, NARROW, visit)
    # When the parent opens the case, then its messages
    sign_in(page, stack.gateway.url, parent)
    page.locator("a[href*='case.html#c=']").first.click()
    page.locator(".app-delegate-banner").wait_for()
    # Then the banner says the police gave access to read, and there is no way to write or change anything
    banner = page.locator(".app-delegate-banner").inner_text()
    assert "The police gave you access" in banner and "cannot write to the officer" in banner
    assert page.locator(".app-messages-link").is_hidden() and page.locator(".app-preferences-link").is_hidden()
    check_page(page, "case-as-reader", "narrow", visit)
    page.goto(page.url.replace("/case.html", "/messages.html"))
    page.locator(".app-messages").wait_for()
    assert page.locator("#message-form").is_hidden()
    check_page(page, "messages-as-reader", "narrow", visit, screenshot=False)
    context.close()


@pytest.mark.browser
def test_the_victim_sees_an_invitation_another_account_made_and_it_ends_with_that_account(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    assert stack.gateway is not None
    # Given a second account linked to the victim's record (a code read from her phone) invited "Mum"
    case, _, victim, other = second_account(stack, http)
    path = f"/v1/cases/{case.force_id}/{case.case_id}"
    invited = {"name": "Mum", "relationship": "family", "scope": "message"}
    status, made = call(http, other, "POST", path + "/delegates", invited)
    assert status == 201
    mum = new_account(stack)
    assert call(http, mum, "POST", "/v1/me/delegations", {"code": made["invitation_code"]})[0] == 201
    # When the victim opens her case on a small phone
    visit = Visit()
    context, page = open_page(browser, stack, NARROW, visit)
    sign_in(page, stack.gateway.url, victim)
    page.locator("a[href*='case.html#c=']").first.click()
    # Then "Mum" is in her list, marked as invited from another account
    page.locator(".app-delegate-list .app-access__item").first.wait_for(state="attached")
    listed = page.locator(".app-delegate-list").text_content() or ""
    assert "Mum" in listed and "Invited from another account that can see this case" in listed
    check_page(page, "case-delegate-other-account", "narrow", visit, screenshot=False)
    # And when she removes that account, Mum's access ends with it
    accounts = call(http, victim, "GET", path + "/accounts")[1]["accounts"]
    other_link = next(a["link_id"] for a in accounts if not a["you"])
    assert call(http, victim, "DELETE", f"{path}/accounts/{other_link}")[0] == 204
    assert call(http, mum, "GET", path)[0] == 404
    context.close()
