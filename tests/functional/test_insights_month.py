"""Issue 15's acceptance, in moto: after a month of life (the force simulator's month plan, compressed to a
few cases a day, played through the real handlers on a moved clock), every figure the insights API returns,
day by day and in total, equals an independent recount from the raw items (``recount.py``), and the sent
mailbox agrees on messages sent. Reading the month costs one Query and no Scan."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from caseline_local import mailbox
from caseline_local.force_sim.month import month_plan, play
from caseline_local.template import Template

from .month_player import FORCE, InProcessPlayer
from .recount import as_plain, recount, recounted_derived
from .test_insights import ask, insights_api, staff_claims

START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday, in GMT: a UK day is a UTC day
DAYS = 30
FIRST, LAST = START.date(), START.date() + timedelta(days=DAYS - 1)


def play_month(aws: Template, monkeypatch: pytest.MonkeyPatch, days: int = DAYS) -> InProcessPlayer:
    """Seed 44 at a crime a day (about 18 cases, 15 reports): a month with every kind of act in it."""
    player = InProcessPlayer(aws, monkeypatch, START)
    play(month_plan(FORCE, start=START, days=days, crimes_per_day=1, seed=44, run_id="F1"), player)
    player.at(START + timedelta(days=days))  # the last sweeps: duties due on the last day are missed
    return player


def read(api: Any, claims: dict[str, Any], period: str) -> dict[str, Any]:
    response = ask(api, FORCE, claims, {"from": FIRST.isoformat(), "to": LAST.isoformat(), "period": period})
    assert response["statusCode"] == 200
    return dict(json.loads(response["body"]))


def test_after_a_month_every_figure_equals_an_independent_recount(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a month in which victims linked, came back, asked, wrote and answered, reports came and went,
    # emails bounced and unreachable victims' duties were missed (what the plan promises really happened)
    player = play_month(aws, monkeypatch)
    answers = player.answers
    assert answers["event 202"] >= 25 and answers["link 201"] >= 5 and answers["view 200"] >= 15
    assert "link 400" not in answers  # each victim types the code of her own case
    assert answers["report 201"] >= 5 and answers["survey 201"] >= 1
    assert answers["update 202"] + answers["message 202"] >= 2
    # When the force's analyst reads the month day by day
    api = insights_api(aws, monkeypatch)
    body = read(api, staff_claims(aws, f"force-{FORCE}"), "day")
    by_day = {p["start"]: p["figures"] for p in body["periods"]}
    # Then every figure of every day equals its recount, and no figure is returned that nothing recounts
    recounted = recount(FORCE)
    expected = as_plain(recounted, FIRST, LAST)
    uncounted = {(d, f, n) for d, fams in by_day.items() for f, figs in fams.items() for n in figs} - {
        (d, f, n) for d, fams in expected.items() for f, figs in fams.items() for n in figs
    }
    assert not uncounted, f"figures with no recount: {sorted(uncounted)}"
    assert by_day == expected
    # And the totals are the recount's too, with every family and the rarer figures present
    totals: dict[str, Counter[str]] = {}
    for families in expected.values():
        for family, figures in families.items():
            totals.setdefault(family, Counter()).update(figures)
    assert body["totals"] == {family: dict(counts) for family, counts in totals.items()}
    assert set(body["totals"]) == {
        *("adoption", "contact", "messages", "templates", "satisfaction", "duties", "duties_by_right", "reports"),
        *("visitors", "satisfaction_by_case", "case_actions"),
    }
    adoption = body["totals"]["adoption"]
    assert adoption["accounts_created"] == answers["link 201"]  # each victim links once, a new account
    assert adoption["cases_linked"] == sum(n for name, n in adoption.items() if name.startswith("linked_"))
    assert adoption.get("linked_uninvited", 0) == 0 and adoption["linked_same_day"] >= 1
    # each victim once however many invitations (email and text, new codes) and links: invited ones linked
    assert adoption["victims_linked"] == answers["link 201"] <= adoption["victims_invited"]
    assert adoption["victims_invited"] <= adoption["invitations_sent"]
    assert answers["statement 202"] >= 1 and answers["review 202"] >= 1 and answers["acknowledge 200"] >= 1
    assert set(body["totals"]["case_actions"]) == {"requested_statement", "requested_review", "alert_acknowledged"}
    assert sum(body["totals"]["templates"].values()) == sum(
        n for name, n in body["totals"]["messages"].items() if name.startswith("sent_")
    )
    # And what is derived from them (rates, the calls-avoided estimate, SMS cost) is worked out again from
    # the recount's totals and the force's contact model
    found, want = body["derived"], recounted_derived(FORCE, {f: dict(c) for f, c in totals.items()})
    assumptions = found["contact_avoided"].pop("assumptions") | found["sms_cost"].pop("assumptions")
    assert found == {key: want[key] for key in ("rates", "contact_avoided", "sms_cost")}
    assert {name: assumptions[name] for name in want["assumptions"]} == want["assumptions"] and assumptions["source"]
    assert {"bounce_rate_email", "delivery_rate_sms", "invited_victims_who_linked"} <= set(found["rates"]) and found[
        "sms_cost"
    ]["segments"] >= 1
    assert body["totals"]["messages"]["bounced_email"] >= 1 and body["totals"]["duties"]["missed"] >= 1
    assert body["totals"]["reports"]["recorded"] >= 1 and body["totals"]["adoption"]["cases_linked"] >= 5
    # And the sent mailbox (what SES and SNS were asked to send) agrees on the messages sent
    sent = Counter(m.channel for m in mailbox.SENT.read())
    assert {c: body["totals"]["messages"].get(f"sent_{c}", 0) for c in sent} == dict(sent)
    # And by week and by month, each period's figures (its distinct visitors too) are the recount's
    for period in ("week", "month"):
        answer = read(api, staff_claims(aws, f"force-{FORCE}"), period)
        assert {p["start"]: p["figures"] for p in answer["periods"]} == as_plain(recounted, FIRST, LAST, period)
    visitors = as_plain(recounted, FIRST, LAST, "month")["2026-11-01"]["visitors"]
    assert 5 <= visitors["active_victims"] <= len(player.accounts)  # each victim once in the month


def test_reading_a_month_costs_one_query_and_no_scan(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    play_month(aws, monkeypatch, days=4)  # a few days of figures: the range read is still the month
    api = insights_api(aws, monkeypatch)
    calls: list[str] = []
    api.store.client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    for period in ("day", "week", "month"):
        calls.clear()
        body = read(api, staff_claims(aws, f"force-{FORCE}"), period)
        assert calls == ["Query"], period
        assert body["periods"] and all(date.fromisoformat(p["start"]) <= LAST for p in body["periods"])
    assert [p["start"] for p in read(api, staff_claims(aws, f"force-{FORCE}"), "month")["periods"]] == ["2026-11-01"]
