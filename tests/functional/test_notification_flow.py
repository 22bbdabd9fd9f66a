"""One real flow: signed event → table → stream → journeys → outbox → stream → dispatch → SES and SNS."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from caseline_local.template import Template

from .builders import crime_recorded, signed
from .conftest import REGION, Context, StreamReader, api_event, load_handler, webhook_secret


class Flow:
    def __init__(self, template: Template) -> None:
        self.ingest = load_handler("webhook_ingest")
        self.journeys = load_handler("journeys")
        self.dispatch = load_handler("dispatch")
        self.journey_stream = StreamReader(template, "JourneysFunction")
        self.dispatch_stream = StreamReader(template, "DispatchFunction")

    def post(self, force_id: str, event: dict[str, Any]) -> int:
        body = json.dumps(event).encode()
        request = api_event(
            "POST",
            f"/v1/webhooks/{force_id}",
            resource="/v1/webhooks/{force_id}",
            path_parameters={"force_id": force_id},
            body=body,
            headers=signed(webhook_secret(force_id), body),
        )
        return int(self.ingest.lambda_handler(request, Context())["statusCode"])

    @staticmethod
    def run(handler: ModuleType, records: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(handler.lambda_handler({"Records": records}, Context()))


@pytest.fixture
def flow(aws: Template) -> Flow:
    return Flow(aws)


def to_send(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records dispatch sends or relays (the others reach it only to be counted: docs/adr/0015)."""
    return [r for r in records if r["dynamodb"]["NewImage"].get("status", {}).get("S") in {"pending", None}]


def emails() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def sms() -> list[tuple[str, str]]:
    return [(number, text) for _, (number, text, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items()]


def items(entity: str) -> list[dict[str, Any]]:
    scanned = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]
    return [i for i in scanned if i["entity"]["S"] == entity]


def test_crime_recorded_sends_the_right_3_confirmation_by_email_and_sms(flow: Flow) -> None:
    # Given a standard victim whose email and mobile are both safe
    assert flow.post("thames-valley", crime_recorded("TVP-F-1")) == 202
    # When the journeys function sees the stream, then dispatch sees the outbox
    journey_records = flow.journey_stream.new_records()
    assert len(journey_records) == 1  # the filter lets only the applied event through
    assert flow.run(flow.journeys, journey_records) == {"batchItemFailures": []}
    outbox_records = to_send(flow.dispatch_stream.new_records())
    assert len(outbox_records) == 2
    assert flow.run(flow.dispatch, outbox_records) == {"batchItemFailures": []}
    # Then one email and one SMS carry the crime reference, officer contact and an access code
    [email] = emails()
    assert email.destinations["ToAddresses"] == ["alex.morgan@example.org"]
    assert "43260001234" in email.subject
    assert "PC Sam Patel" in email.body and "4521" in email.body
    [(number, text)] = sms()
    assert number == "+447700900101" and "43260001234" in text
    # And the outbox is SENT without the plaintext code, the code is stored hashed, the duty is met
    outbox = items("outbox")
    assert sorted(o["status"]["S"] for o in outbox) == ["sent", "sent"]
    assert all("access_code" not in json.loads(o["personalisation"]["S"]) for o in outbox)
    [code] = items("access-code")
    assert "$" in code["code_hash"]["S"]
    [duty] = items("duty")
    assert duty["status"]["S"] == "met" and duty["gsi1pk"]["S"] == "DUTYDONE#thames-valley"
    assert duty["met_by"]["S"] in {o["key"]["S"] for o in outbox}


def test_replayed_stream_records_never_send_twice(flow: Flow) -> None:
    flow.post("thames-valley", crime_recorded("TVP-F-2"))
    journey_records = flow.journey_stream.new_records()
    flow.run(flow.journeys, journey_records)
    flow.run(flow.journeys, journey_records)  # redelivery of the same batch
    outbox_records = to_send(flow.dispatch_stream.new_records())
    assert len(outbox_records) == 2
    flow.run(flow.dispatch, outbox_records)
    flow.run(flow.dispatch, outbox_records)
    assert len(emails()) == 1 and len(sms()) == 1
    assert len(items("outbox")) == 2 and len(items("access-code")) == 1


def test_a_sensitive_case_gets_content_free_messages_only_by_safe_channels(flow: Flow) -> None:
    flow.post("thames-valley", crime_recorded("TVP-F-3", demo="02-thames-valley-domestic-abuse"))
    flow.run(flow.journeys, flow.journey_stream.new_records())
    flow.run(flow.dispatch, flow.dispatch_stream.new_records())
    [email] = emails()
    assert "crime" not in email.body.lower() and "police" not in email.body.lower()
    assert "violence" not in email.body.lower() and "43260005678" not in email.subject
    assert sms() == []  # SMS is not a safe channel for this victim, so none was planned
    [outbox] = items("outbox")
    assert outbox["rendered_template"]["S"] == "right3-confirmation-content-free"


SAM = {"victim_id": "V-9", "name": "Sam Doe", "mobile": "+447700900199", "email": "sam@example.org"}


@pytest.mark.parametrize(
    ("victim", "reason"),
    [
        pytest.param({**SAM, "safe_contact": {"safe_channels": []}}, "message-needs-another-way", id="no-safe-channel"),
        pytest.param(
            {"victim_id": "V-9", "name": "Sam Doe", "safe_contact": {"safe_channels": ["email", "sms"]}},
            "message-needs-another-way",
            id="no-address",
        ),
        pytest.param(
            {**SAM, "safe_contact": {"safe_hours": {"start": "21:00:00", "end": "21:00:00"}}},
            "no-safe-time",
            id="safe-hours-with-no-minute-in-them",
        ),
    ],
)
def test_a_profile_that_cannot_be_honoured_becomes_an_officer_task_at_once(
    flow: Flow, victim: dict[str, Any], reason: str
) -> None:
    flow.post("hampshire", crime_recorded("HAM-F-1", victim=victim))
    flow.run(flow.journeys, flow.journey_stream.new_records())
    # Then no message is planned (none waits for a moment that never comes): the officer gets a task for
    # the statutory confirmation, which goes to the force as an outbound event
    records = to_send(flow.dispatch_stream.new_records())
    assert [r["dynamodb"]["NewImage"]["entity"]["S"] for r in records] == ["outbound"]
    assert items("outbox") == []
    assert [t["reason"]["S"] for t in items("task")] == [reason]
    assert emails() == [] and sms() == []


class _NearTimeOut(Context):
    """A run with less time left than one more item may take (the sweep's reserve)."""

    def get_remaining_time_in_millis(self) -> int:
        return 1_500


def test_the_duty_sweep_flags_an_unmet_confirmation_duty(flow: Flow) -> None:
    # Given a case whose confirmation could not be sent (no safe channel), recorded long ago
    victim = {
        "victim_id": "V-10",
        "name": "Sam Doe",
        "email": "sam@example.org",
        "safe_contact": {"safe_channels": ["sms"]},
    }
    flow.post("hampshire", crime_recorded("HAM-F-2", victim=victim, recorded_at="2026-01-05T10:00:00Z"))
    flow.run(flow.journeys, flow.journey_stream.new_records())
    [duty] = items("duty")
    assert duty["due_on"]["S"] == date(2026, 1, 6).isoformat()
    # When the scheduled sweep runs (twice: it must flag once)
    sweep = load_handler("duty_sweep")
    sweep.clock = _At(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))  # the due day
    out_of_time = sweep.lambda_handler({"detail-type": "Scheduled Event"}, _NearTimeOut())
    assert (out_of_time["at_risk"], out_of_time["missed"]) == (0, 0)  # left for the next minute's run
    first = sweep.lambda_handler({"detail-type": "Scheduled Event"}, Context())
    assert (first["at_risk"], first["missed"]) == (1, 0)
    again = sweep.lambda_handler({"detail-type": "Scheduled Event"}, Context())
    assert (again["at_risk"], again["missed"]) == (0, 0)
    # Then the duty is at risk and an officer task says so
    assert items("duty")[0]["status"]["S"] == "at-risk"
    assert "duty-at-risk" in [t["reason"]["S"] for t in items("task")]
    # And the next day it is missed, with the reason the message was blocked
    sweep.clock = _At(datetime(2026, 1, 7, 9, 0, tzinfo=UTC))
    assert sweep.lambda_handler({"detail-type": "Scheduled Event"}, Context())["missed"] == 1
    [duty] = items("duty")
    assert duty["status"]["S"] == "missed" and duty["gsi1pk"]["S"] == "DUTYDONE#hampshire"


class _At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def test_a_message_outside_safe_hours_is_held_then_sent_when_they_begin(flow: Flow) -> None:
    # Given a victim who is only safe to contact 09:00-17:00 and dispatch running at 23:30 UK time
    victim = {
        "victim_id": "V-11",
        "name": "Sam Doe",
        "mobile": "+447700900111",
        "safe_contact": {"safe_channels": ["sms"], "safe_hours": {"start": "09:00:00", "end": "17:00:00"}},
    }
    flow.post("hampshire", crime_recorded("HAM-F-3", victim=victim))
    flow.run(flow.journeys, flow.journey_stream.new_records())
    flow.dispatch.environment = replace(flow.dispatch.environment, clock=_At(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)))
    assert flow.run(flow.dispatch, flow.dispatch_stream.new_records()) == {"batchItemFailures": []}
    # Then nothing is sent and the message is held until 09:00
    assert sms() == []
    [held] = items("outbox")
    assert held["status"]["S"] == "deferred" and held["gsi1pk"]["S"] == "DEFERRED#hampshire"
    # When the scheduled sweep runs after 09:00 the next morning
    sweep = load_handler("duty_sweep")
    sweep.clock = _At(datetime(2026, 12, 2, 9, 1, tzinfo=UTC))
    assert sweep.lambda_handler({}, Context())["released"] == 1
    # Then the released message reaches dispatch through the stream filter, and is sent
    records = to_send(flow.dispatch_stream.new_records())
    assert [r["eventName"] for r in records] == ["MODIFY"]
    flow.dispatch.environment = replace(flow.dispatch.environment, clock=_At(datetime(2026, 12, 2, 9, 1, tzinfo=UTC)))
    flow.run(flow.dispatch, records)
    assert [number for number, _ in sms()] == ["+447700900111"]
    assert items("outbox")[0]["status"]["S"] == "sent"
