"""Must-acknowledge safety alerts through the local stack with its clock (issue 18's acceptance): an
enhanced victim's bail alert that nobody confirms is repeated, then reaches the force's inbox as
``org.caseline.alert.unacknowledged.v1`` at the configured times; one the victim confirms does not."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from caseline.content import alert_settings
from caseline.domain.alerts import alert_times
from caseline_local.force_sim import events as build
from caseline_local.stack import LocalStack

from .conftest import MONDAY, Client, access_code
from .test_local_stack import id_token
from .test_scenarios import Case, both

REMINDER = "safety-alert-reminder"
TIMES = alert_times(alert_settings(), "thames-valley")
BAILED_AT = MONDAY + timedelta(hours=1)  # 11:00 UK time, inside everyone's safe hours
REPEAT = BAILED_AT + TIMES.repeat_after("enhanced")
TASK = REPEAT + TIMES.task_after("enhanced")
MINUTE = timedelta(minutes=1)


def enhanced_case(stack: LocalStack, tag: str) -> tuple[Case, dict[str, Any]]:
    case = Case(stack, "thames-valley", tag).at(MONDAY)
    recorded = case.send(build.crime_recorded, category="burglary", tier="enhanced")
    return case, recorded


def outbound_types(case: Case) -> list[str]:
    return [i["event_type"]["S"] for i in case.items("OUTBOUND#")]


def test_an_unconfirmed_bail_alert_is_repeated_then_becomes_an_officer_task(clock: LocalStack) -> None:
    case, _ = enhanced_case(clock, "alert")
    case.at(BAILED_AT).send(build.suspect_bailed)
    [alert] = case.items("ALERT#")
    # Nothing before the enhanced time; then the reminder, by both safe channels
    case.sweep(REPEAT - MINUTE)
    assert [m for m in case.received() if m[0] == REMINDER] == []
    case.sweep(REPEAT + MINUTE)
    assert [m for m in case.received() if m[0] == REMINDER] == both(REMINDER, REPEAT.date())
    assert "org.caseline.alert.unacknowledged.v1" not in outbound_types(case)
    # Still unconfirmed after the second spell: the force is told, once, by its own event type
    case.sweep(TASK - MINUTE)
    assert "org.caseline.alert.unacknowledged.v1" not in outbound_types(case)
    case.sweep(TASK + MINUTE)
    case.sweep(TASK + timedelta(days=2))
    assert outbound_types(case).count("org.caseline.alert.unacknowledged.v1") == 1
    [task] = [i for i in case.items("TASK#") if i["reason"]["S"] == "alert-unacknowledged"]
    assert json.loads(task["detail"]["S"])["alert_id"] == alert["alert_id"]["S"]
    assert len([m for m in case.received() if m[0] == REMINDER]) == 2


def test_a_confirmed_bail_alert_is_neither_repeated_nor_tasked(clock: LocalStack, http: Client) -> None:
    case, recorded = enhanced_case(clock, "alert-ok")
    # The victim links the case with the code from their text
    code = access_code(http, recorded["data"]["victim"]["mobile"], recorded["data"]["crime_reference"])
    token = {"Authorization": id_token(clock), "Content-Type": "application/json"}
    link = {"crime_reference": recorded["data"]["crime_reference"], "access_code": code}
    assert http.request("POST", "/v1/me/links", headers=token, body=json.dumps(link).encode()).status == 201
    case.settle()
    case.at(BAILED_AT).send(build.suspect_bailed)
    [alert] = case.items("ALERT#")
    # When they confirm it from the case page
    path = f"/v1/cases/thames-valley/{case.case_id}/alerts/{alert['alert_id']['S']}/acknowledgement"
    answer = http.request("POST", path, headers=token)
    assert answer.status == 200 and answer.json()["acknowledged_at"]
    # Then the sweeps past both times send nothing more and tell the force nothing
    case.sweep(REPEAT + MINUTE)
    case.sweep(TASK + MINUTE)
    assert [m for m in case.received() if m[0] == REMINDER] == []
    assert "org.caseline.alert.unacknowledged.v1" not in outbound_types(case)
    bail_news = [m for m in case.received() if m[0].startswith("suspect-bailed")]
    assert sorted(channel for _, channel, _ in bail_news) == ["email", "sms"]
