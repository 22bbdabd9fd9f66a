"""The force simulator against the running local stack: a scripted lifecycle per force, a burst with
duplicates and late deliveries, and the receiver for Caseline's outbound events."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from caseline.domain import event_types as ev
from caseline_local.force_sim import client
from caseline_local.force_sim.receiver import OutboundReceiver
from caseline_local.force_sim.scenarios import burst_plan, lifecycle
from caseline_local.stack import LocalStack

from .conftest import Client

TABLE = "caseline-local"


def gateway(stack: LocalStack) -> str:
    assert stack.gateway is not None
    return stack.gateway.url


def timeline(force_id: str, case_id: str) -> list[dict[str, Any]]:
    """Every EVENT# item of the case, read back from the table."""
    dynamodb = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": f"CASE#{force_id}#{case_id}"}, ":prefix": {"S": "EVENT#"}},
        "ConsistentRead": True,
    }
    while True:
        page = dynamodb.query(**query)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def case_item(force_id: str, case_id: str) -> dict[str, Any]:
    dynamodb = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    key = {"pk": {"S": f"CASE#{force_id}#{case_id}"}, "sk": {"S": "CASE"}}
    return dict(dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"])


@pytest.mark.parametrize("force_id", ["thames-valley", "hampshire"])
def test_a_full_lifecycle_ends_with_the_case_closed_and_each_event_stored_once(
    stack: LocalStack, force_id: str
) -> None:
    case_id = f"LC-{uuid.uuid4().hex[:10]}"
    events = lifecycle(force_id, case_id, datetime.now(UTC) - timedelta(days=46))
    secret = stack.webhook_secret(force_id)
    answers = [client.post_event(gateway(stack), force_id, event, secret) for event in events]
    assert [(a.status, a.outcome) for a in answers] == [(202, "accepted")] * len(events)
    case = case_item(force_id, case_id)
    assert (case["stage"]["S"], int(case["sequence"]["N"])) == ("closed", len(events))
    stored = timeline(force_id, case_id)
    assert sorted(item["event_id"]["S"] for item in stored) == sorted(e["id"] for e in events)
    assert all(item["applied"]["BOOL"] for item in stored)


def test_a_burst_with_duplicates_and_late_events_stores_every_event_exactly_once(stack: LocalStack) -> None:
    force_id = "hampshire"
    plan = burst_plan(
        force_id,
        cases=5,  # enough for duplicates and late events; the burst's speed is make bench-burst's to measure
        events_per_case=10,
        duplicates=0.1,
        shuffle=0.2,
        seed=20261123,
        run_id=f"E{uuid.uuid4().hex[:6]}",
        start=datetime.now(UTC) - timedelta(days=30),
    )
    assert (len(plan.deliveries), plan.duplicates, plan.late) == (56, 6, 10)
    secret = stack.webhook_secret(force_id)
    report = client.deliver(
        plan.deliveries, gateway(stack), force_id, secret, concurrency=4, retries=client.Retries(max_wait=1.0)
    )
    # Each distinct event is stored once (202 accepted or stale); each repeat is answered 200 duplicate.
    assert report.server_errors == 0, report.statuses
    assert report.statuses == {202: len(plan.events), 200: plan.duplicates}
    assert report.outcomes["duplicate"] == plan.duplicates
    # The only first answers that may be retried: a victim's event that arrived before its crime.recorded
    # (409, by design: nothing is stored and the force retries with the same webhook-id).
    assert set(report.retried) <= {"409 urn:caseline:problem:victim-not-known-yet"}, report.retried
    victim_events = {ev.NEEDS_ASSESSED, ev.VICTIM_CONTACT_CHANGED}
    retried = [d.event for d, r in zip(plan.deliveries, report.responses, strict=True) if r.earlier]
    assert all(e["type"] in victim_events for e in retried), [e["type"] for e in retried]
    for case_id, max_sequence in plan.max_sequence.items():
        sent = sorted((e["sequence"], e["id"]) for e in plan.events if e["subject"] == case_id)
        stored = sorted((int(i["sequence"]["N"]), i["event_id"]["S"]) for i in timeline(force_id, case_id))
        assert stored == sent, case_id
        assert int(case_item(force_id, case_id)["sequence"]["N"]) == max_sequence, case_id
    # The burst's messages (a confirmation per case) drain before the next test shares the stack
    assert stack.wait_idle(), "the local stack did not drain the burst within five minutes"


def test_the_receiver_refuses_a_bad_signature_and_records_a_good_event_once(tmp_path: Path) -> None:
    secret = "outbound-secret-for-the-e2e-test"
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:caseline:local",
        "type": "org.caseline.victim.update-requested.v1",
        "time": datetime.now(UTC).isoformat(),
        "subject": "TVP-123",
        "data": {"victim_id": "V-TVP-123"},
    }
    body = client.encode(event)
    out = tmp_path / "inbox.jsonl"
    with OutboundReceiver(secret, out=out) as receiver:
        http = Client(receiver.url)
        forged = http.request("POST", "/", body=body, headers=client.signed_headers("not-the-secret", "msg_1", body))
        assert forged.status == 401
        assert forged.headers["Content-Type"] == "application/problem+json"
        assert forged.json()["type"] == "urn:caseline:problem:unauthenticated"
        good = client.signed_headers(secret, "msg_2", body)
        first, again = (http.request("POST", "/", body=body, headers=good) for _ in range(2))
        assert first.status == 204
        assert (again.status, again.json()) == (200, {"status": "duplicate"})
        assert receiver.received == [event]
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == [event]
