"""Must-acknowledge safety alerts through the real functions against moto, with the sweep on a fake
clock: a bail alert nobody confirms is repeated, then reaches the force as its own outbound event, at
the configured times for the victim's tier; one the victim confirms through the API stops there."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from caseline.content import alert_settings
from caseline.domain.alerts import alert_times
from caseline_local.template import Template
from tests.unit.fakes import FixedClock

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, load_handler, webhook_request
from .test_victim_journey import Victims

FORCE, CASE, VICTIM = "thames-valley", "TVP-J-1", "TVP-V-0001"
REMINDER = "safety-alert-reminder"
ALERT_EVENT = "org.caseline.alert.unacknowledged.v1"


class World:
    """Alex linked to the burglary TVP-J-1 (victim TVP-V-0001: email and SMS safe)."""

    def __init__(self, template: Template) -> None:
        self.victims = Victims(template)
        assert self.victims.link("alex", "43260001234", self.victims.codes["+447700900101"])[0] == 201
        self.ingest, self.journeys = load_handler("webhook_ingest"), load_handler("journeys")
        self.sweep = load_handler("duty_sweep")
        self.stream = StreamReader(template, "JourneysFunction")
        self.stream.new_records()  # what came before: the recording, the link
        self.dispatch, self.outbox = load_handler("dispatch"), StreamReader(template, "DispatchFunction")
        self.outbox.new_records()

    def post(self, event_type: str, sequence: int, data: dict[str, Any]) -> None:
        event = {**crime_recorded(CASE, sequence=sequence), "type": f"org.caseline.{event_type}.v1", "data": data}
        assert self.ingest.lambda_handler(webhook_request(FORCE, event), Context())["statusCode"] == 202
        assert self.journeys.lambda_handler({"Records": self.stream.new_records()}, Context()) == {
            "batchItemFailures": []
        }

    def bailed(self, tier: str) -> dict[str, Any]:
        if tier == "enhanced":
            self.post("needs.assessed", 2, {"victim_id": VICTIM, "tier": "enhanced", "needs": ["Keeping safe"]})
        occurred = datetime.now().astimezone().isoformat(timespec="seconds")
        self.post("suspect.bailed", 3, {"occurred_at": occurred, "conditions_summary": "Not to contact you."})
        [alert] = items("alert")
        return alert

    def sweep_at(self, moment: datetime) -> None:
        """The scheduled sweep, run as if it were ``moment``."""
        clock = FixedClock(moment)
        self.sweep.clock = clock
        self.sweep.environment = dataclasses.replace(self.sweep.environment, clock=clock)
        self.sweep.lambda_handler({}, Context())

    def confirm(self, alert_id: str, user: str = "alex") -> tuple[int, Any]:
        return self.victims.call(
            "POST",
            f"/v1/cases/{FORCE}/{CASE}/alerts/{alert_id}/acknowledgement",
            user,
            resource="/v1/cases/{force_id}/{case_id}/alerts/{alert_id}/acknowledgement",
            params={"force_id": FORCE, "case_id": CASE, "alert_id": alert_id},
        )


def items(entity: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table("caseline-test")
    return [i for i in table.scan()["Items"] if i["entity"] == entity]


def reminders() -> list[str]:
    return sorted(str(o["channel"]) for o in items("outbox") if o["template_id"] == REMINDER)


def emails() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def sms() -> list[tuple[str, str]]:
    return [(number, text) for _, (number, text, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items()]


def alert_events() -> list[dict[str, Any]]:
    return [o for o in items("outbound") if o["event_type"] == ALERT_EVENT]


@pytest.fixture
def world(aws: Template) -> World:
    return World(aws)


def _times(tier: str) -> tuple[timedelta, timedelta]:
    times = alert_times(alert_settings(), FORCE)
    return times.repeat_after(tier), times.task_after(tier)


def test_an_enhanced_victims_unconfirmed_bail_alert_is_repeated_then_reaches_the_force(world: World) -> None:
    # Given a bail alert for an enhanced victim, by email and SMS, each linking to the alert
    alert = world.bailed("enhanced")
    raised = datetime.fromisoformat(str(alert["raised_at"]))
    repeat, task = _times("enhanced")
    sent = [o for o in items("outbox") if o["template_id"] == "suspect-bailed-with-conditions"]
    assert sorted(str(o["channel"]) for o in sent) == ["email", "sms"]
    assert all(f"#alert={alert['alert_id']}" in o["personalisation"] for o in sent)
    # When the sweep runs just before the enhanced time, nothing happens
    world.sweep_at(raised + repeat - timedelta(minutes=1))
    assert reminders() == []
    # At the time, the reminder goes, statutory, by the safe channels
    world.sweep_at(raised + repeat)
    assert reminders() == ["email", "sms"]
    assert alert_events() == []
    # And dispatch sends it: it names neither the crime nor the police, and links to the alert
    world.dispatch.lambda_handler({"Records": world.outbox.new_records()}, Context())
    texts = [text for number, text in sms() if number == "+447700900101"]
    assert any("confirm you have seen it" in text for text in texts), texts
    [email] = [e for e in emails() if e.subject == "Please read your latest update"]
    assert f"#alert={alert['alert_id']}" in email.body and "police" not in email.body.lower()
    # Still unconfirmed after the second spell: the force gets an alert.unacknowledged event, once
    world.sweep_at(raised + repeat + task - timedelta(minutes=1))
    assert alert_events() == []
    world.sweep_at(raised + repeat + task)
    world.sweep_at(raised + repeat + task + timedelta(hours=1))
    [event] = alert_events()
    data = json.loads(str(event["data"]))
    assert data["reason"] == "alert-unacknowledged" and data["repeated"] == "yes"
    assert data["alert_id"] == alert["alert_id"] and data["victim_id"] == VICTIM
    assert data["event_type"] == "org.caseline.suspect.bailed.v1"
    assert len(reminders()) == 2


def test_a_confirmed_alert_is_neither_repeated_nor_sent_to_the_force(world: World) -> None:
    alert = world.bailed("enhanced")
    raised = datetime.fromisoformat(str(alert["raised_at"]))
    # When Alex confirms it from the case page (twice: the second answers the first confirmation)
    status, body = world.confirm(str(alert["alert_id"]))
    assert status == 200 and body["acknowledged_at"] and body["title"] == "A suspect has been released on bail"
    assert world.confirm(str(alert["alert_id"]))[1]["acknowledged_at"] == body["acknowledged_at"]
    # Then the case page, the timeline and the consultation log say so, and the sweep does nothing
    view = world.victims.case("alex", FORCE, CASE)[1]
    assert [a["acknowledged_at"] for a in view["alerts"]] == [body["acknowledged_at"]]
    assert "You confirmed you had seen our message" in [e["title"] for e in view["timeline"]]
    assert [a["action"] for a in items("audit")].count("alert-acknowledged") == 1
    world.sweep_at(raised + timedelta(days=30))
    assert reminders() == [] and alert_events() == []


def test_a_standard_victim_gets_the_longer_time(world: World) -> None:
    alert = world.bailed("standard")
    raised = datetime.fromisoformat(str(alert["raised_at"]))
    repeat, task = _times("standard")
    assert repeat > _times("enhanced")[0]
    world.sweep_at(raised + _times("enhanced")[0])
    assert reminders() == []
    world.sweep_at(raised + repeat)
    assert reminders() == ["email", "sms"]
    world.sweep_at(raised + repeat + task)
    assert len(alert_events()) == 1


def test_a_stranger_or_a_bad_id_is_refused_and_nothing_is_recorded(world: World) -> None:
    alert = world.bailed("standard")
    status, body = world.confirm(str(alert["alert_id"]), user="stranger")
    assert status == 404 and body["status"] == 404
    assert world.confirm("f" * 20)[0] == 404
    status, body = world.confirm("NOT-AN-ALERT")
    assert status == 422 and body["type"].startswith("urn:caseline:problem:")
    assert items("alert")[0].get("acknowledged_at") is None
