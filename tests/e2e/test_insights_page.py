"""The staff insights page in Debian's Chromium against the local stack, at 320 px and 1280 px: a demo analyst
signs in (keyboard only) to the staff pool, sees a chart and a table per figure family whose numbers are the
insights API's own (read separately), downloads them as CSV, adds them up by week, gets a bad range as an
error summary, and signs out; a victim's credentials do not get in. axe-core finds nothing; nothing
overflows at 320 px."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from caseline.domain.insights import period_start
from caseline_local import staff
from caseline_local.stack import LocalStack

from .conftest import Client, eventually
from .portal_pages import DESKTOP, Visit, check_page
from .test_insights import stack_state
from .test_portal import open_page
from .test_portal_safety import linked_case

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 720}
HAMPSHIRE = "Hampshire and Isle of Wight Constabulary"
Figures = dict[str, dict[str, dict[str, int]]]  # family -> period start (or "total") -> figure -> value

TABLES = """() => Object.fromEntries([...document.querySelectorAll('table[data-family]')].map((table) => [
  table.dataset.family,
  Object.fromEntries([...table.querySelectorAll('tr[data-period]')].map((row) => [row.dataset.period,
    Object.fromEntries([...row.querySelectorAll('td[data-figure]')].map((cell) => [cell.dataset.figure,
      Number(cell.textContent.replaceAll(',', ''))]))]))]))"""

CHARTS = """() => [...document.querySelectorAll('section[data-family]')].map((section) => {
  const named = (svg) => (svg.getAttribute('aria-labelledby') || '').split(' ')
    .map((id) => (document.getElementById(id) || {}).textContent || '')
  const [svg, trend] = section.querySelectorAll(':scope > svg')
  const region = section.lastElementChild
  return {
    family: section.dataset.family,
    role: svg.getAttribute('role'),
    named: named(svg),
    bars: Object.fromEntries([...svg.querySelectorAll('g[data-figure]')].map((bar) => [bar.dataset.figure,
      Number(bar.lastElementChild.textContent.replaceAll(',', ''))])),
    trend: trend ? {
      role: trend.getAttribute('role'),
      named: named(trend),
      figures: [...trend.querySelectorAll('g[data-figure]')].map((line) => line.dataset.figure),
      points: [...trend.querySelectorAll('g[data-figure] polyline')].map((line) => line.points.length)
    } : null,
    tableFollows: region.matches('[role=region][tabindex="0"]') && region.previousElementSibling.matches('svg') &&
      Boolean(region.querySelector('table caption')) && region.querySelectorAll('th[scope=col]').length > 1
  }
})"""


DERIVED = """() => Object.fromEntries([...document.querySelectorAll('.app-derived [data-derived]')]
  .filter((node) => node.matches('.govuk-summary-list__row'))
  .map((row) => [row.dataset.derived, row.querySelector('dd').textContent]))"""
RATES = """() => Object.fromEntries([...document.querySelectorAll('.app-derived td[data-rate]')]
  .map((cell) => [cell.dataset.rate, cell.textContent]))"""


def shows_the_api_s_estimates(page: Any, answer: dict[str, Any]) -> None:
    """The page's estimates and rates are the API's ``derived`` block, with each assumption beside them."""
    shown, rates = page.evaluate(DERIVED), page.evaluate(RATES)
    contact, sms = answer["derived"]["contact_avoided"], answer["derived"]["sms_cost"]
    assert shown["calls_avoided_estimate"].replace(",", "") == f"{contact['calls_avoided_estimate']:g}"
    assert shown["cost_avoided_estimate_pounds"] == f"£{contact['cost_avoided_estimate_pounds']:,.2f}"
    assert shown["assumption.cost_per_call_pounds"] == f"£{contact['assumptions']['cost_per_call_pounds']:,.2f}"
    assert shown["assumption.calls_per_update_chasing_victim"] == (
        f"{contact['assumptions']['calls_per_update_chasing_victim']:g}"
    )
    assert shown["segments"].replace(",", "") == str(sms["segments"])
    assert shown["cost_estimate_pounds"] == f"£{sms['cost_estimate_pounds']:,.2f}"
    assert shown["assumption.source"] == contact["assumptions"]["source"]
    for name in ("invited_victims_who_linked", "opt_out_rate"):  # victims, not a channel's messages
        share = answer["derived"]["rates"].pop(name)
        assert float(shown[name].rstrip("%")) / 100 == pytest.approx(share, abs=1e-4)
    sent = {name: value for name, value in answer["derived"]["rates"].items() if not isinstance(value, str)}
    assert sent and {name: float(text.rstrip("%")) / 100 for name, text in rates.items() if text.endswith("%")} == (
        pytest.approx({name: round(value, 4) for name, value in sent.items()}, abs=1e-4)
    )


def api_figures(http: Client, token: str, query: str, accept: str = "application/json") -> Any:
    answer = http.request(
        "GET", f"/v1/insights/thames-valley?{query}", headers={"Authorization": token, "Accept": accept}
    )
    assert answer.status == 200, answer.body
    return answer.json() if accept == "application/json" else answer.body.decode()


def numbers(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures the page draws: numbers (anything else the API may carry is not a count to chart)."""
    return {name: value for name, value in figures.items() if isinstance(value, int | float)}


def expected_tables(answer: dict[str, Any]) -> Figures:
    """What the page's tables must hold: every period of the range (counted in Python, not as the page
    does), the API's value or 0, and the API's totals."""
    first, last = date.fromisoformat(answer["from"]), date.fromisoformat(answer["to"])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    starts = sorted({period_start(day, answer["period"]).isoformat() for day in days})
    by_start = {p["start"]: p["figures"] for p in answer["periods"]}
    tables: Figures = {}
    for family, found in answer["totals"].items():
        totals = numbers(found)
        rows = {s: {n: by_start.get(s, {}).get(family, {}).get(n, 0) for n in totals} for s in starts}
        tables[family] = rows | {"total": dict(totals)}
    return {family: rows for family, rows in tables.items() if rows["total"]}


def trend_values(description: str) -> list[list[int]]:
    """Each figure's values, period by period, as the trend chart's description says them ("Label: 1 May
    2026 3, 2 May 2026 1,024; Other label: ...")."""
    return [
        [int(point.rsplit(" ", 1)[1].replace(",", "")) for point in line.split(": ", 1)[1].split(", ")]
        for line in description.split("; ")
    ]


def page_query(page: Any) -> str:
    period = page.locator("input[name=period]:checked").input_value()
    return f"from={page.input_value('#from')}&to={page.input_value('#to')}&period={period}"


def shows_the_api_s_figures(page: Any, http: Client, token: str) -> dict[str, Any] | None:
    """The page's tables and charts equal the API's answer for the page's range, when the figures did not
    move while they were read (the stack keeps counting); None to try again."""
    query = page_query(page)
    before = api_figures(http, token, query)
    page.locator("#insights-form button[type=submit]").click()
    page.locator(".app-loading", has_text="Showing figures").wait_for()
    shown, charts = page.evaluate(TABLES), page.evaluate(CHARTS)
    if api_figures(http, token, query) != before:
        return None
    assert shown == expected_tables(before)
    for chart in charts:
        totals = numbers(before["totals"][chart["family"]])
        assert chart["role"] == "img" and chart["tableFollows"], chart
        assert chart["bars"] == totals
        assert all(f"{value:,}" in chart["named"][1] for value in totals.values()), chart["named"]
    assert {chart["family"] for chart in charts} == {f for f, found in before["totals"].items() if numbers(found)}
    for chart in charts:  # a line per figure across the periods, when there is more than one
        rows = {start: row for start, row in expected_tables(before)[chart["family"]].items() if start != "total"}
        assert (chart["trend"] is not None) == (len(rows) > 1)
        if chart["trend"]:
            assert chart["trend"]["role"] == "img" and chart["trend"]["points"] == [len(rows)] * len(rows[min(rows)])
            by_figure = dict(zip(chart["trend"]["figures"], trend_values(chart["trend"]["named"][1]), strict=True))
            assert by_figure == {name: [rows[start][name] for start in sorted(rows)] for name in rows[min(rows)]}
    return dict(before)


def sign_in_by_keyboard(page: Any, email: str, password: str) -> None:
    page.locator("body[data-ready]").wait_for(state="attached")  # as a person would: once the page has loaded
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def staff_signed_in_with_a_short_idle_time(
    browser: Any, stack: LocalStack, visit: Visit, email: str, password: str, lands_on: str
) -> tuple[Any, Any]:
    """A deployment whose idle time-out is 12 seconds, and a staff member signed in on its ``lands_on`` page:
    the browser context and the page."""
    assert stack.gateway is not None
    context, page = open_page(browser, stack, DESKTOP, visit)
    config = stack.public_config() | {"idleMinutes": 0.2}
    page.route("**/config.json", lambda route: route.fulfill(content_type="application/json", body=json.dumps(config)))
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    sign_in_by_keyboard(page, email, password)
    page.wait_for_url(f"**/{lands_on}")
    return context, page


def sign_out_from_the_menu(page: Any) -> None:
    """The staff header's Sign out (under Menu on a narrow screen), back at staff sign-in."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # a narrow screen folds the service navigation away
        menu.click()
    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url("**/staff-sign-in.html#signed-out")
    page.locator("body[data-ready]").wait_for(state="attached")


def victim_account(http: Client) -> tuple[str, str]:
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    json_headers = {"Content-Type": "application/json"}
    created = http.request(
        "POST", "/v1/accounts", body=json.dumps({"email": email, "password": password}).encode(), headers=json_headers
    )
    assert created.status == 202, created.body
    confirmation = json.dumps({"email": email, "code": "000000"}).encode()
    assert http.request("POST", "/v1/accounts/confirmation", body=confirmation, headers=json_headers).status == 200
    return email, password


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "1280"])
def test_an_analyst_reads_downloads_and_regroups_their_force_s_figures(
    stack: LocalStack, http: Client, browser: Any, viewport: dict[str, int]
) -> None:
    assert stack.gateway is not None
    width, visit = str(viewport["width"]), Visit()
    context, page = open_page(browser, stack, viewport, visit)
    analyst = staff.from_state(stack_state(stack), "thames-valley")
    token = staff.id_token(stack.gateway.url, stack_state(stack), "thames-valley")
    # Given the demo's Thames Valley confirmation emails, and a victim who linked their case, came to see it
    # and asked to give a personal statement, all counted
    account, case = linked_case(stack, http)
    victim = {"Authorization": account.id_token, "Content-Type": "application/json"}
    path = f"/v1/cases/thames-valley/{case.case_id}"
    assert http.request("GET", path, headers=victim).status == 200
    statement = json.dumps({"kind": "make", "use": "read-by-me"}).encode()
    assert http.request("POST", f"{path}/statement-request", body=statement, headers=victim).status == 202
    counted = ("messages", "sent_email"), ("visitors", "active_victims"), ("case_actions", "requested_statement")
    counted += ("adoption", "victims_invited"), ("adoption", "victims_linked")
    eventually(lambda: all(api_figures(http, token, "")["totals"].get(f, {}).get(n, 0) >= 1 for f, n in counted))

    # The figures need a staff sign-in: there first
    page.goto(stack.gateway.url + "/insights.html")
    page.wait_for_url("**/staff-sign-in.html")
    check_page(page, "staff-sign-in", width, visit)

    # A victim's email address and password do not get in (the victims' pool is not the staff's)
    sign_in_by_keyboard(page, *victim_account(http))
    page.locator(".govuk-error-summary").wait_for()
    assert "email address or password is not right" in page.locator(".govuk-error-summary").inner_text()
    assert page.url.endswith("/staff-sign-in.html") and "caseline.staff" not in page.evaluate(
        "Object.keys(sessionStorage)"
    )
    check_page(page, "staff-sign-in-refused", width, visit, screenshot=False)

    # The force's analyst does, with this run's password, and sees the force's figures
    page.fill("#email", "")
    page.fill("#password", "")
    sign_in_by_keyboard(page, analyst.email, analyst.password)
    page.wait_for_url("**/insights.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert "Thames Valley Police" in page.locator("h1").inner_text()
    by_day = eventually(lambda: shows_the_api_s_figures(page, http, token))
    assert by_day["period"] == "day" and by_day["totals"]["messages"]["sent_email"] >= 2
    assert (
        by_day["totals"]["adoption"]["accounts_created"] >= 1
        and "each day" in page.locator("section[data-family=visitors] .app-family-note").inner_text()
    )  # a day's distinct visitors say how their total adds up
    shows_the_api_s_estimates(page, api_figures(http, token, page_query(page)))
    check_page(page, "insights", width, visit)

    # The CSV download (the token in a header, never in the URL) holds the same rows
    page.focus(".app-csv")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(saved)))
    assert rows[0] == ["period_start", "family", "figure", "value"]
    query = page_query(page)
    assert sorted(tuple(row) for row in rows[1:]) == sorted(
        (p["start"], family, name, str(value))
        for p in api_figures(http, token, query)["periods"]
        for family, figures in p["figures"].items()
        for name, value in figures.items()
    )
    assert download.value.suggested_filename.endswith(".csv")

    # By week, chosen with the keyboard: the same figures added up from Monday
    page.focus("#period-day")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#period-week")
    by_week = eventually(lambda: shows_the_api_s_figures(page, http, token))
    assert by_week["period"] == "week" and "week" in page.locator(".app-insights-range").inner_text()
    check_page(page, "insights-by-week", width, visit)

    # A range that ends before it starts is the API's 422, shown as an error summary at the field
    page.fill("#from", by_week["to"])
    page.fill("#to", (date.fromisoformat(by_week["to"]) - timedelta(days=3)).isoformat())
    page.locator("#insights-form button[type=submit]").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "first day must be on or before the last day" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    check_page(page, "insights-bad-range", width, visit, screenshot=False)

    # A token the API refuses (401) is back to staff sign-in; signing out forgets everything
    page.evaluate("""() => {
      const kept = JSON.parse(sessionStorage.getItem('caseline.staff'))
      sessionStorage.setItem('caseline.staff', JSON.stringify({ ...kept, idToken: 'not-a-token' }))
    }""")
    page.locator("#insights-form button[type=submit]").click()
    page.wait_for_url("**/staff-sign-in.html#expired")
    page.locator("body[data-ready]").wait_for(state="attached")
    assert "caseline.staff" not in page.evaluate("Object.keys(sessionStorage)")
    sign_in_by_keyboard(page, analyst.email, analyst.password)
    page.wait_for_url("**/insights.html")
    page.locator("body[data-ready]").wait_for(state="attached")
    sign_out_from_the_menu(page)
    assert "caseline.staff" not in page.evaluate("Object.keys(sessionStorage)")
    check_page(page, "staff-signed-out", width, visit, screenshot=False)
    assert visit.outside == []
    context.close()


def test_a_new_analyst_chooses_a_password_then_one_of_their_forces(
    stack: LocalStack, http: Client, browser: Any
) -> None:
    assert stack.gateway is not None
    # Given an analyst an administrator made with a temporary password, in both forces' groups and in the
    # group of a force this deployment does not serve
    state = stack_state(stack)
    cognito = boto3.client("cognito-idp", endpoint_url=stack.endpoint, region_name=stack.config.region)
    email, temporary = f"analyst-{uuid.uuid4().hex[:8]}@example.org", secrets.token_urlsafe(18)
    elsewhere = f"force-elsewhere-{uuid.uuid4().hex[:6]}"
    cognito.create_group(GroupName=elsewhere, UserPoolId=state["staff_pool_id"])
    cognito.admin_create_user(
        UserPoolId=state["staff_pool_id"],
        Username=email,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    for group in ("force-thames-valley", elsewhere, "force-hampshire"):
        cognito.admin_add_user_to_group(UserPoolId=state["staff_pool_id"], Username=email, GroupName=group)
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit)

    # When they sign in with it, they choose their own password first (too short, then long enough)
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    sign_in_by_keyboard(page, email, temporary)
    page.locator("#staff-new-password-form").wait_for()
    check_page(page, "staff-new-password", "1280", visit)
    page.fill("#new-password", "too short")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    assert "at least 14 characters" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#new-password", f"a long new password {uuid.uuid4().hex[:6]}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/insights.html")
    page.locator("body[data-ready]").wait_for(state="attached")

    # Then they choose between the deployment's two forces (the other group is no force of this deployment)
    assert page.locator("#force option").all_inner_texts() == [HAMPSHIRE, "Thames Valley Police"]
    assert page.locator("h1").inner_text() == f"{HAMPSHIRE}: figures"
    check_page(page, "insights-two-forces", "1280", visit, screenshot=False)
    page.select_option("#force", "thames-valley")
    page.locator("#insights-form button[type=submit]").click()
    page.locator("h1", has_text="Thames Valley Police: figures").wait_for()

    # A force not in their groups is the API's 404 (asked for really), shown as an error summary
    def elsewhere_instead(route: Any) -> None:
        route.continue_(url=route.request.url.replace("/v1/insights/hampshire?", f"/v1/insights/{elsewhere}x?"))

    page.route(re.compile(r".*/v1/insights/hampshire\?.*"), elsewhere_instead)
    page.select_option("#force", "hampshire")
    page.locator("#insights-form button[type=submit]").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "no figures for this force" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    assert not page.locator(".app-insights").is_visible()  # no figures left on the page under another force
    assert page.locator("h1").inner_text() == f"{HAMPSHIRE}: figures"
    check_page(page, "insights-not-found", "1280", visit, screenshot=False)
    context.close()


def test_the_figures_draw_and_download_under_the_portal_s_own_csp(stack: LocalStack, browser: Any) -> None:
    """No inline style or script, and a Blob download: the real Content-Security-Policy allows all of it."""
    assert stack.gateway is not None
    visit = Visit()
    context, page = open_page(browser, stack, DESKTOP, visit, bypass_csp=False)
    analyst = staff.from_state(stack_state(stack), "hampshire")
    page.goto(stack.gateway.url + "/staff-sign-in.html")
    sign_in_by_keyboard(page, analyst.email, analyst.password)
    page.wait_for_url("**/insights.html")
    page.locator(".app-loading", has_text="Showing figures").wait_for()
    assert "Hampshire" in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.locator(".app-csv").click()
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("period_start,family,figure,value")
    assert visit.errors == [] and visit.outside == []
    context.close()
