"""Who can see this case, against the local stack (API level): someone who reads a re-issued code from the
victim's phone links a second account; the victim is told and sees it under "Who can see this case",
removes it, and it then gets exactly a stranger's 404. The force can also revoke by a signed event."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from caseline_local.force_sim import client
from caseline_local.force_sim.events import EventContext, envelope
from caseline_local.stack import LocalStack

from .conftest import ACCESS_CODE, Client, access_code, eventually, sent
from .portal_pages import NewCase, Visit, check_page, record_new_crime
from .test_portal import open_page
from .test_portal_safety import Account, new_account, sign_in

REISSUED, REVOKED = "org.caseline.access.code-reissued.v1", "org.caseline.access.revoked.v1"


def call(http: Client, account: Account, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    answer = http.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    return answer.status, (json.loads(answer.body) if answer.body else None)


def force_event(stack: LocalStack, case: NewCase, event_type: str, data: dict[str, Any]) -> None:
    assert stack.gateway is not None
    case.sequence += 1
    event = envelope(EventContext(case.force_id, case.case_id, case.sequence, stack.now()), event_type, data)
    response = client.post_event(stack.gateway.url, case.force_id, event, stack.webhook_secret(case.force_id))
    assert response.status == 202, response.body


def link(http: Client, account: Account, case: NewCase, code: str) -> int:
    body = {"crime_reference": case.crime_reference, "access_code": code}
    return call(http, account, "POST", "/v1/me/links", body)[0]


def second_account(stack: LocalStack, http: Client) -> tuple[NewCase, str, Account, Account]:
    """The victim links; the force re-issues her code keeping her link; someone else links with it."""
    case = record_new_crime(stack)
    victim_id = case.victim_id
    victim, other = new_account(stack), new_account(stack)
    assert link(http, victim, case, access_code(http, case.mobile, case.crime_reference)) == 201
    since = max((int(m["seq"]) for m in sent(http, case.mobile)), default=0)
    force_event(stack, case, REISSUED, {"victim_id": victim_id, "remove_linked_accounts": False})

    def new_code() -> str | None:
        texts = [m["body"] for m in sent(http, case.mobile, since=since) if "new one-time code" in m["body"]]
        found = ACCESS_CODE.search(texts[-1]) if texts else None
        return found.group(1) if found else None

    assert link(http, other, case, str(eventually(new_code))) == 201
    return case, victim_id, victim, other


def test_the_victim_is_told_sees_and_removes_a_second_account(stack: LocalStack, http: Client) -> None:
    case, _, victim, other = second_account(stack, http)
    path = f"/v1/cases/{case.force_id}/{case.case_id}"
    # Then the victim is told, by text and email
    told = eventually(lambda: [m for m in sent(http, case.mobile) if "Another account was linked" in m["body"]])
    assert len(told) == 1
    # And she sees both accounts, hers marked, the other's email masked
    status, listed = call(http, victim, "GET", f"{path}/accounts")
    assert status == 200
    rows = listed["accounts"]
    assert [(r["you"], r["email"]) for r in rows] == [
        (True, victim.email[0] + "\u2022\u2022\u2022@example.org"),
        (False, other.email[0] + "\u2022\u2022\u2022@example.org"),
    ]
    stranger = new_account(stack)
    before = [call(http, stranger, "GET", path), call(http, stranger, "GET", f"{path}/preferences")]
    # When she removes the other account
    assert call(http, victim, "DELETE", f"{path}/accounts/{rows[1]['link_id']}") == (204, None)
    # Then it gets exactly what a stranger gets
    after = [call(http, other, "GET", path), call(http, other, "GET", f"{path}/preferences")]
    assert after == before and after[0][0] == 404
    assert call(http, other, "GET", "/v1/me/cases")[1]["cases"] == []
    assert call(http, victim, "GET", path)[0] == 200


def test_the_force_revokes_every_linked_account(stack: LocalStack, http: Client) -> None:
    case, victim_id, victim, other = second_account(stack, http)
    path = f"/v1/cases/{case.force_id}/{case.case_id}"
    force_event(stack, case, REVOKED, {"victim_id": victim_id})
    eventually(lambda: call(http, victim, "GET", path)[0] == 404 and call(http, other, "GET", path)[0] == 404)


@pytest.mark.browser
def test_the_case_page_shows_who_can_see_it_and_removes_another_account_at_320px(
    stack: LocalStack,
    http: Client,
    browser: Any,
) -> None:
    # Given someone else linked a second account with the victim's re-issued code
    case, _, victim, other = second_account(stack, http)
    visit = Visit()
    context, page = open_page(browser, stack, {"width": 320, "height": 640}, visit)
    assert stack.gateway is not None
    # When the victim opens her case on a small phone
    sign_in(page, stack.gateway.url, victim)
    page.locator("a[href*='case.html#c=']").first.click()
    rows = page.locator(".app-access-list .app-access__item")
    rows.nth(1).wait_for()
    # Then both accounts are listed, hers marked as hers, with masked emails only
    assert rows.count() == 2
    assert page.locator(".app-access-list").get_by_text("You", exact=True).count() == 1
    # And her own account, the one she is using, is not said to be unused: nothing about its sign-ins
    mine = rows.filter(has_text="This is the account you are signed in with").inner_text()
    assert "Not signed in" not in mine and "Last signed in" not in mine, mine
    assert victim.email not in page.content() and other.email not in page.content()
    check_page(page, "case-access", "narrow", visit)
    # And she removes the other one: the page says so and lists only hers
    page.get_by_role("button", name=re.compile("^Remove access")).click()
    page.locator(".app-access-banner-slot .govuk-notification-banner--success").wait_for()
    eventually(lambda: rows.count() == 1)
    check_page(page, "case-access-removed", "narrow", visit, screenshot=False)
    # And the removed account now gets exactly a stranger's 404
    path = f"/v1/cases/{case.force_id}/{case.case_id}"
    assert call(http, other, "GET", path)[0] == 404
    context.close()
