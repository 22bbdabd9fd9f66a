"""The month of life: deterministic for a seed, in time order, every act within the month, every event and
report valid, and the shares the plan promises (links, bounces, unreachable victims) really in it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain import events as ev
from caseline.domain.report_form import validate_report
from caseline_local.force_sim.month import BOUNCING, Act, month_plan, play, report_answer, report_body
from caseline_local.force_sim.month_http import case_code

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
FORCES = {"thames-valley": frozenset({"burglary", "bicycle-theft", "theft-from-the-person", "criminal-damage-arson"})}


def plan(seed: int = 3, days: int = 30) -> list[Act]:
    return month_plan("thames-valley", start=START, days=days, crimes_per_day=8, seed=seed, run_id="T1")


def test_the_same_seed_plays_the_same_month_and_another_seed_another() -> None:
    assert plan() == plan()
    assert plan() != plan(seed=4)


def test_acts_are_in_time_order_within_the_month_and_every_event_is_valid() -> None:
    acts = plan()
    assert [a.at for a in acts] == sorted(a.at for a in acts)
    assert all(START <= a.at < START + timedelta(days=30) for a in acts)
    for act in acts:
        if act.event:
            ev.EVENT_DATA_MODELS[ev.CloudEvent.model_validate(act.event).type].model_validate(act.event["data"])
        if act.kind == "report-answer":
            answer = report_answer("thames-valley", act, "TV-ABCD-1234", 1)
            assert [e["sequence"] for e in answer[:2]] == [1, 2] and len(answer) == (3 if act.detail["recorded"] else 2)
            assert all(ev.CloudEvent.model_validate(e).subject in {"TV-ABCD-1234", e["subject"]} for e in answer)
        if act.kind == "report":
            body = report_body("thames-valley", act)
            assert validate_report(body, forces=FORCES, now=act.at).category == act.detail["category"]


def test_a_month_has_crimes_every_day_links_revisits_bounces_and_unreachable_victims() -> None:
    acts = plan()
    crimes = [a for a in acts if a.event and a.event["type"].endswith("crime.recorded.v1")]
    kinds = Counter(a.kind for a in acts)
    assert {a.at.date() for a in crimes} == {(START + timedelta(days=d)).date() for d in range(30)}
    assert 0.25 < kinds["link"] / len(crimes) < 0.6  # about 45% of the reachable victims
    assert 2 < kinds["view"] / kinds["link"] < 6  # about four visits each
    assert kinds["update"] and kinds["message"] and kinds["survey"] and kinds["report"] and kinds["report-answer"]
    victims = {c.case_id: c.event["data"]["victim"] for c in crimes if c.event}
    assert any(v["email"] == BOUNCING.format(case_id.lower()) for case_id, v in victims.items())
    unreachable = {case_id for case_id, v in victims.items() if "safe_contact" in v}
    assert unreachable and not any(a.kind == "link" and a.case_id in unreachable for a in acts)
    links = {a.case_id: a.at for a in acts if a.kind == "link"}
    assert all(a.at >= links[a.case_id] for a in acts if a.kind in {"view", "update", "message", "survey"})


def test_play_hands_every_act_over_in_order_after_moving_the_clock() -> None:
    calls: list[tuple[str, datetime]] = []

    class Recorder:
        def at(self, moment: datetime) -> None:
            calls.append(("at", moment))

        def act(self, act: Act) -> None:
            assert calls[-1] == ("at", act.at)
            calls.append((act.kind, act.at))

    acts = plan(days=3)
    assert play(acts, Recorder()) == Counter(a.kind for a in acts)
    assert len(calls) == 2 * len(acts)


def test_a_month_needs_a_day_and_a_crime() -> None:
    with pytest.raises(ValueError, match="days >= 1"):
        month_plan("thames-valley", start=START, days=0)


def test_a_victim_with_two_cases_types_the_code_of_the_case_she_links() -> None:
    # Given one mobile number that two cases' messages went to (the drama numbers are only a thousand)
    mine, other = "TVP/M0-0101/26", "TVP/M0-0102/26"
    sent = [
        f"Crime {mine} recorded. Your one-time code is AAAAA-11111.",
        f"Crime {other} recorded. Your one-time code is BBBBB-22222.",
        "Your case has a new update.",
    ]
    # Then the player picks the newest code from a message naming her own case, and none for a case never named
    assert case_code(sent, mine) == "AAAAA-11111"
    assert case_code(sent, other) == "BBBBB-22222"
    assert case_code([*sent, f"Crime {mine}: your new one-time code is CCCCC-33333."], mine) == "CCCCC-33333"
    assert case_code(sent, "TVP/M0-0103/26") is None
