"""When it is safe to contact a victim, chosen on the preferences page at 320 px as a victim would read
it, and then kept to: the local stack's clock is moved, an officer's message arrives outside the chosen
times, and the test reads when the message actually went.

One victim tries each kind of range in turn: a daytime range (left alone at night), an overnight range
and no range at all. Every message of the case sent while a range was in force is inside that range."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from caseline.domain.safe_contact import SafeHours
from caseline_local.force_sim import events as build
from caseline_local.stack import LocalStack

from .conftest import MONDAY, Client, access_code
from .portal_pages import Visit, check_page
from .test_portal import open_page
from .test_portal_safety import new_account, sign_in
from .test_scenarios import Case

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}
UK = ZoneInfo("Europe/London")
DAY = MONDAY.date()


def uk(day: int, hour: int, minute: int = 0) -> datetime:
    """A UK wall-clock moment ``day`` days after the scenario's Monday (winter: UK time is UTC)."""
    return datetime.combine(DAY + timedelta(days=day), time(hour, minute), tzinfo=UK)


# (what the victim types, the sentence the page confirms, when the officer's message arrives, when it may go)
KINDS = [
    pytest.param(
        ("07:00", "22:00"),
        "We will only send you messages between 7am and 10pm (UK time). "
        "We will not send anything between 10pm and 7am.",
        uk(0, 23, 30),
        uk(1, 7),
        id="daytime-left-alone-at-night",
    ),
    pytest.param(
        ("22:00", "06:00"),
        "We will only send you messages between 10pm and 6am the next morning (UK time). "
        "We will not send anything between 6am and 10pm.",
        uk(2, 12),
        uk(2, 22),
        id="overnight",
    ),
    pytest.param(
        ("", ""),
        "We may send you messages at any time of day or night.",
        uk(4, 3, 31),
        uk(4, 3, 31),
        id="any-time",
    ),
]


@pytest.fixture(scope="module")
def victim(clock: LocalStack, http: Client, browser: Any) -> Any:
    """A case recorded on the Monday morning with no safe hours from the force, linked to a new account
    that is signed in on a 320 px screen."""
    case = Case(clock, "thames-valley", "hours").at(MONDAY)

    def any_time(data: dict[str, Any]) -> None:
        data["victim"]["safe_contact"] = {"safe_channels": ["email", "sms"], "safe_hours": None}

    recorded = case.send(build.crime_recorded, any_time, category="burglary")
    account = new_account(clock)
    code = access_code(http, recorded["data"]["victim"]["mobile"], recorded["data"]["crime_reference"])
    link = json.dumps({"crime_reference": recorded["data"]["crime_reference"], "access_code": code}).encode()
    headers = {"Authorization": account.id_token, "Content-Type": "application/json"}
    assert http.request("POST", "/v1/me/links", body=link, headers=headers).status == 201
    case.settle()
    visit = Visit()
    context, page = open_page(browser, clock, NARROW, visit)
    assert clock.gateway is not None
    sign_in(page, clock.gateway.url, account)
    yield case, page, visit
    context.close()


def choose(page: Any, base: str, visit: Visit, hours: tuple[str, str], sentence: str) -> None:
    """Open the preferences page from the case, type the times, read the sentence back and save."""
    page.goto(base + "/cases.html")
    page.locator("a[href*='case.html#c=']").first.click()
    page.get_by_role("link", name="How we contact you").click()
    page.locator("#preferences-form").wait_for()
    page.fill("#hours-start", hours[0])
    page.fill("#hours-end", hours[1])
    # The page says back, in a sentence, what the two boxes mean before anything is saved...
    assert page.locator("#hours-summary").inner_text() == sentence
    page.locator("#preferences-form button[type=submit]").click()
    # ...and again once it is saved, from what the API says is now in effect
    banner = page.locator(".govuk-notification-banner--success")
    banner.get_by_text("Your choices have been saved").wait_for()
    assert sentence in banner.inner_text()
    check_page(page, "preferences-hours", "narrow", visit, screenshot=False)


def sent_times(case: Case) -> dict[str, tuple[str, datetime]]:
    """Every message of the case that went: outbox key → (template, when it was sent)."""
    return {
        i["sk"]["S"]: (i["rendered_template"]["S"], datetime.fromisoformat(i["sent_at"]["S"]))
        for i in case.items("OUTBOX#")
        if i["status"]["S"] == "sent"
    }


@pytest.mark.parametrize(("hours", "sentence", "arrives", "goes"), KINDS)
def test_a_message_goes_only_when_the_victim_said_it_is_safe(
    victim: Any, hours: tuple[str, str], sentence: str, arrives: datetime, goes: datetime
) -> None:
    case, page, visit = victim
    assert case.stack.gateway is not None
    # Given the victim chose when we may contact them, reading the page at 320 px
    choose(page, case.stack.gateway.url, visit, hours, sentence)
    # (the change's own notice is sent behind the stream: let it go first, however busy the machine is)
    assert case.stack.wait_idle(timeout=300), "the local stack did not settle after the change"
    before = sent_times(case)
    # When the officer's message arrives at a moment they did not choose
    case.at(arrives).send(build.officer_message, text="Please call me about your statement.")
    if goes > arrives:
        # Then it waits: nothing is sent, however long the stack's own schedule runs in between...
        held = [i for i in case.items("OUTBOX#") if i["sk"]["S"] not in before]
        statuses = [i["status"]["S"] for i in held if i["template_id"]["S"] == "officer-message"]
        assert statuses and set(statuses) == {"deferred"}, statuses
        case.sweep(goes - timedelta(minutes=1))
        early = {sk: sent for sk, sent in sent_times(case).items() if sk not in before}
        assert early == {}, early
    # ...and it goes when their chosen time begins
    case.sweep(goes + timedelta(seconds=30))
    new = {sk: sent for sk, sent in sent_times(case).items() if sk not in before}
    officer = [at for template, at in new.values() if template == "officer-message"]
    assert officer, f"the officer's message was not sent: {new}"
    assert all(at >= goes for at in officer)
    # And nothing of this case went outside the chosen times while they were in force (but the safety
    # notice that contact was cut back, which keeps to the times that were safe before the change)
    if all(hours):
        chosen = SafeHours(*(time.fromisoformat(h) for h in hours))
        outside = {
            sk: (template, at)
            for sk, (template, at) in new.items()
            if template != "contact-reduced" and not chosen.contains(at.astimezone(UK).time())
        }
        assert outside == {}
