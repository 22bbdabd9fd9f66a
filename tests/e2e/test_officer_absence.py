"""Officer absence on the case page at 320 px, in Debian's Chromium against the local stack: after a signed
``officer.unavailable``, the officer block says until when the officer is away and who is looking after the
case, and the reply time names the cover; axe-core finds nothing and nothing overflows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from caseline.domain.calendar import uk_date
from caseline_local.force_sim import client
from caseline_local.force_sim import events as build
from caseline_local.force_sim.events import EventContext
from caseline_local.stack import LocalStack

from .conftest import Client
from .portal_pages import Visit, check_page
from .test_portal import open_page
from .test_portal_safety import linked_case, sign_in

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}
COVER = "Reading Investigation Hub duty desk"


def test_the_case_page_says_the_officer_is_away_and_who_is_covering(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, NARROW, visit)
    account, case = linked_case(stack, http)
    # Given the force says the officer is away from today for two weeks
    today = uk_date(stack.now())
    event = build.officer_unavailable(EventContext(case.force_id, case.case_id, 2, stack.now()), cover_team=COVER)
    event["data"].update(away_from=today.isoformat(), away_until=(today + timedelta(days=13)).isoformat())
    response = client.post_event(stack.gateway.url, case.force_id, event, stack.webhook_secret(case.force_id))
    assert response.status == 202, response.body
    # When the victim opens the case
    sign_in(page, stack.gateway.url, account)
    page.locator(".app-case-card h2 a").first.click()
    page.wait_for_url("**/case.html#c=*")
    page.locator(".app-case").wait_for()
    # Then the officer block and the reply time say who is looking after it, and until when
    officer = page.locator(".app-officer").inner_text()
    assert f"Your officer is away until {today + timedelta(days=13):%A} " in officer, officer
    assert f"{COVER} is looking after your case." in officer, officer
    reply = page.locator(".app-expected-reply").inner_text()
    assert reply.startswith(f"While your officer is away, {COVER} aims to reply"), reply
    assert "Your officer is away" in page.locator(".app-timeline__title").all_inner_texts()
    assert page.locator("main").inner_text().count(f"{COVER} is looking after") == 1  # said once, not in the timeline
    check_page(page, "officer-away", "320", visit)
    context.close()
