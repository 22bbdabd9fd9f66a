"""Victim → force: an outbound item is relayed to the queue by dispatch, then delivered, signed, by the
outbound function, with backoff and an honest "delayed" status when the force cannot be reached. The id
the force dedupes on is unique across cases, even where the victim's id is the same on two of them."""

from __future__ import annotations

import json
import os
import urllib.error
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline.domain import access_code, signing
from caseline.domain.outbound import STATEMENT_REQUESTED, UPDATE_REQUESTED, OutboundEvent
from caseline_local.force_sim.receiver import Inbox
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, load_handler, webhook_request


class FakeForce:
    """Stands in for urllib's opener: checks the signature like a force would, answers as told."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.answers: list[int] = []
        self.received: list[dict[str, Any]] = []

    def __call__(self, request: Any, timeout: float) -> Any:
        headers = {k.lower(): v for k, v in request.header_items()}
        parsed = signing.parse_headers(headers)
        signing.verify([self.secret], parsed, request.data, now=parsed.timestamp)
        status = self.answers.pop(0) if self.answers else 204
        if status >= 400:
            raise urllib.error.HTTPError(request.full_url, status, "refused", None, None)  # type: ignore[arg-type]
        self.received.append({"id": headers["webhook-id"], "body": json.loads(request.data)})
        return _Response(status)


class _Response:
    def __init__(self, status: int) -> None:
        self.status = status

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *_: object) -> None:
        return None


@pytest.fixture
def world(aws: Template) -> dict[str, Any]:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    document = json.loads(secrets.get_secret_value(SecretId="caseline/test/outbound/thames-valley")["SecretString"])
    force = FakeForce(document["current"])
    outbound_handler = load_handler("outbound")
    outbound_handler.endpoint._open = force
    return {
        "force": force,
        "dispatch": load_handler("dispatch"),
        "outbound": outbound_handler,
        "stream": StreamReader(aws, "DispatchFunction"),
        "queue": aws.physical["OutboundQueue"]["QueueUrl"],
        "endpoint": document["endpoint"],
    }


def _store_update_request() -> OutboundEvent:
    from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository

    event = OutboundEvent(
        force_id="thames-valley",
        case_id="TVP-O-1",
        outbound_id="ob-0001",
        event_type=UPDATE_REQUESTED,
        data={"note": "Is there any news?"},
        created_at=datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
    )
    DynamoOutboundRepository().create(event)
    return event


def _status() -> str:
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="caseline-test", Key={"pk": {"S": "CASE#thames-valley#TVP-O-1"}, "sk": {"S": "OUTBOUND#ob-0001"}}
    )
    return str(item["Item"]["status"]["S"])


def _queue_records(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
    ).get("Messages", [])
    return [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m["Attributes"],
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:caseline-test-outbound",
            "awsRegion": REGION,
        }
        for m in messages
    ]


def _run(handler: ModuleType, records: list[dict[str, Any]]) -> dict[str, Any]:
    return dict(handler.lambda_handler({"Records": records}, Context()))


def test_an_update_request_reaches_the_force_signed_and_once(world: dict[str, Any]) -> None:
    _store_update_request()
    # Dispatch relays the new outbound item to the queue (its filter passes outbound inserts)
    records = world["stream"].new_records()
    assert len(records) == 1
    assert _run(world["dispatch"], records) == {"batchItemFailures": []}
    _run(world["dispatch"], records)  # stream redelivery: not queued twice
    assert _status() == "queued"
    queued = _queue_records(world["queue"])
    assert len(queued) == 1
    # The outbound function delivers it; the force sees a signed CloudEvent whose id (the webhook-id too)
    # is derived from the force, the case and the outbound id
    assert _run(world["outbound"], queued) == {"batchItemFailures": []}
    [received] = world["force"].received
    assert received["id"] == received["body"]["id"] == "7ab9f963-a78e-5c5a-a329-ebc007b1dec7"
    assert received["body"]["type"] == UPDATE_REQUESTED and received["body"]["subject"] == "TVP-O-1"
    assert _status() == "delivered"
    # A duplicate queue message (at-least-once delivery) is not sent to the force again
    _run(world["outbound"], queued)
    assert len(world["force"].received) == 1


def test_a_force_that_is_down_gets_retries_and_the_victim_is_told_it_is_delayed(world: dict[str, Any]) -> None:
    _store_update_request()
    _run(world["dispatch"], world["stream"].new_records())
    world["force"].answers = [503, 503, 500]
    for attempt in (1, 2, 3):
        records = _queue_records(world["queue"])
        assert [int(r["attributes"]["ApproximateReceiveCount"]) for r in records] == [attempt]
        result = _run(world["outbound"], records)
        assert result == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}
        boto3.client("sqs", region_name=REGION).change_message_visibility(
            QueueUrl=world["queue"], ReceiptHandle=records[0]["receiptHandle"], VisibilityTimeout=0
        )
        assert _status() == ("delayed" if attempt >= 3 else "queued")
    # When the force is back, the next attempt delivers it
    assert _run(world["outbound"], _queue_records(world["queue"])) == {"batchItemFailures": []}
    assert _status() == "delivered"
    assert world["endpoint"] == "http://127.0.0.1:9/no-receiver"
    assert world["queue"] == os.environ["OUTBOUND_QUEUE_URL"]


class DedupingForce:
    """A force's receiving end as docs/force-integration.md asks for: the local stack's own receiver
    (``Inbox``: checks the signature, keeps a ``webhook-id`` once, answers 200 ``duplicate`` to a repeat)
    behind urllib's opener. ``down`` answers that many attempts 503 first; ``attempts`` is every
    (webhook-id, subject) it was sent, failed ones included."""

    def __init__(self, secret: str) -> None:
        self.inbox = Inbox(secret)
        self.down = 0
        self.attempts: list[tuple[str, str]] = []

    def __call__(self, request: Any, timeout: float) -> Any:
        headers = dict(request.header_items())
        self.attempts.append((signing.parse_headers(headers).webhook_id, json.loads(request.data)["subject"]))
        if self.down:
            self.down -= 1
            raise urllib.error.HTTPError(request.full_url, 503, "down", None, None)  # type: ignore[arg-type]
        reply = self.inbox.handle(headers, request.data)
        if reply.status >= 400:
            raise urllib.error.HTTPError(request.full_url, reply.status, "refused", None, None)  # type: ignore[arg-type]
        return _Response(reply.status)

    def received(self, event_type: str) -> dict[str, dict[str, Any]]:
        """The events of one type the force kept, by case."""
        return {e["subject"]: e for e in self.inbox.received if e["type"] == event_type}


class TwoCases:
    """Alex's burglary TVP-J-1 and a second thames-valley case, TVP-J-2, whose victim the force gave the same
    id (TVP-V-0001: a victim id is the force's own, unique neither across cases nor forces); Alex has linked
    both. Outbound events go to a ``DedupingForce``."""

    force_id, cases = "thames-valley", ("TVP-J-1", "TVP-J-2")

    def __init__(self, template: Template) -> None:
        from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
        from caseline.domain.records import AccessCodeRecord, WriteOutcome

        from .test_victim_journey import Victims  # it imports the builders: not at the top

        self.victims = Victims(template)
        self.ingest = load_handler("webhook_ingest")
        second = crime_recorded("TVP-J-2", crime_reference="43260005678")
        second["data"]["victim"]["mobile"] = "+447700900109"
        assert self.ingest.lambda_handler(webhook_request(self.force_id, second), Context())["statusCode"] == 202
        code = access_code.new_code()  # stored as a force re-issuing a code would (the journeys are not run here)
        record = AccessCodeRecord(
            self.force_id,
            "TVP-J-2",
            "TVP-V-0001",
            access_code.hash_code(code),
            datetime.now(UTC) + timedelta(days=access_code.VALID_DAYS),
        )
        assert DynamoOutboxRepository().add_messages([], [record]) is WriteOutcome.WRITTEN
        assert self.victims.link("alex", "43260001234", self.victims.codes["+447700900101"])[0] == 201
        assert self.victims.link("alex", "43260005678", access_code.display(code))[0] == 201
        self.dispatch, self.outbox = load_handler("dispatch"), StreamReader(template, "DispatchFunction")
        self.outbox.new_records()
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secret = json.loads(
            secrets.get_secret_value(SecretId=f"caseline/test/outbound/{self.force_id}")["SecretString"]
        )
        self.force = DedupingForce(secret["current"])
        self.outbound = load_handler("outbound")
        self.outbound.endpoint._open = self.force
        self.queue = template.physical["OutboundQueue"]["QueueUrl"]

    def on_both(self, suffix: str, body: Any = None) -> list[tuple[int, Any]]:
        return [self.victims.case("alex", self.force_id, case, suffix, "POST", body) for case in self.cases]

    def deliver(self) -> list[dict[str, Any]]:
        """Dispatch relays new outbound items to the queue; the outbound function tries each once. Returns
        the records it failed, as the queue holds them for a retry."""
        relayed = self.outbox.new_records()
        if relayed:
            self.dispatch.lambda_handler({"Records": relayed}, Context())
        records = _queue_records(self.queue)
        failed = {f["itemIdentifier"] for f in _run(self.outbound, records)["batchItemFailures"]}
        return [r for r in records if r["messageId"] in failed]

    def retry(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The queue gives back what failed now, rather than after its backoff (what was delivered it still
        holds, as a test's queue is never told to delete: those come back as already delivered)."""
        sqs = boto3.client("sqs", region_name=REGION)
        for record in records:
            sqs.change_message_visibility(
                QueueUrl=self.queue, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
            )
        return self.deliver()


@pytest.fixture
def two_cases(aws: Template) -> TwoCases:
    return TwoCases(aws)


def _outbound_statuses() -> dict[tuple[str, str], str]:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test", ConsistentRead=True)["Items"]
    return {
        (i["case_id"]["S"], i["outbound_id"]["S"]): i["status"]["S"] for i in items if i["entity"]["S"] == "outbound"
    }


def test_the_same_victim_on_two_cases_asking_the_same_day_reaches_a_deduping_force_twice(
    two_cases: TwoCases,
) -> None:
    # Given the same victim id on two cases
    # When Alex asks for an update on each the same day, and to make a personal statement on each
    assert [status for status, _ in two_cases.on_both("/update-requests")] == [202, 202]
    statements = two_cases.on_both("/statement-request", {"kind": "make", "use": "read-by-me"})
    assert [status for status, _ in statements] == [202, 202]
    # (each keeps its key on its own case, the same on both, as before)
    day = datetime.now(UTC).date().isoformat()
    assert set(_outbound_statuses()) == {
        (case, key) for case in two_cases.cases for key in (f"update-TVP-V-0001-{day}", "vps-1-TVP-V-0001")
    }
    assert two_cases.deliver() == []
    # Then the force, deduping on webhook-id, keeps all four: two update requests, two statement requests
    updates, asked = two_cases.force.received(UPDATE_REQUESTED), two_cases.force.received(STATEMENT_REQUESTED)
    assert set(updates) == set(asked) == set(two_cases.cases)
    ids = [e["id"] for e in (*updates.values(), *asked.values())]
    assert len(set(ids)) == 4 and len(two_cases.force.inbox.received) == 4
    # And each was sent once, its webhook-id its CloudEvents id
    assert sorted(webhook_id for webhook_id, _ in two_cases.force.attempts) == sorted(ids)
    assert set(_outbound_statuses().values()) == {"delivered"}
    # And the request id each names is the one the victim API answered on that case: the force answers
    # statement.taken with it, on the case its subject names, and only that case's request is taken
    for (_, answer), case in zip(statements, two_cases.cases, strict=True):
        assert asked[case]["data"]["request_id"] == answer["request_id"] == "vps-1-TVP-V-0001"
    taken = {
        **crime_recorded("TVP-J-2", sequence=2),
        "type": "org.caseline.statement.taken.v1",
        "data": {"request_id": "vps-1-TVP-V-0001", "victim_id": "TVP-V-0001"},
    }
    assert two_cases.ingest.lambda_handler(webhook_request("thames-valley", taken), Context())["statusCode"] == 202
    states = [
        two_cases.victims.case("alex", "thames-valley", case)[1]["statement"]["state"] for case in two_cases.cases
    ]
    assert states == ["requested", "taken"]


def test_a_retried_item_keeps_its_id_and_it_is_not_the_other_cases(two_cases: TwoCases) -> None:
    # Given the same victim's update requests on two cases, and a force that is down for one attempt
    assert [status for status, _ in two_cases.on_both("/update-requests")] == [202, 202]
    two_cases.force.down = 1
    # When the first attempt of one fails, and the queue tries it again
    failed = two_cases.deliver()
    assert len(failed) == 1
    assert two_cases.retry(failed) == []
    # Then it was sent twice under one webhook-id, not the other case's, and the force kept both requests
    [(failed_id, failed_case), *later] = two_cases.force.attempts
    assert [case for webhook_id, case in later if webhook_id == failed_id] == [failed_case]
    assert {webhook_id for webhook_id, case in later if case != failed_case} != {failed_id}
    updates = two_cases.force.received(UPDATE_REQUESTED)
    assert set(updates) == set(two_cases.cases) and updates[failed_case]["id"] == failed_id
    assert set(_outbound_statuses().values()) == {"delivered"}


def test_an_item_queued_before_ids_were_derived_still_delivers(world: dict[str, Any]) -> None:
    from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository
    from caseline.domain.outbound import OutboundStatus

    # Given an update request stored and queued, then delayed, by the previous release: the item and the queue
    # message as it wrote them (the rule adds no field to either), its key the victim and the day
    event = OutboundEvent(
        force_id="thames-valley",
        case_id="TVP-O-1",
        outbound_id="update-TVP-V-0001-2026-12-06",
        event_type=UPDATE_REQUESTED,
        data={"victim_id": "TVP-V-0001", "requested_at": "2026-12-06T09:00:00+00:00"},
        created_at=datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
        status=OutboundStatus.DELAYED,
        attempts=3,
    )
    DynamoOutboundRepository().create(event)
    body = (
        '{"force_id": "thames-valley", "case_id": "TVP-O-1", "outbound_id": "update-TVP-V-0001-2026-12-06", '
        '"event_type": "org.caseline.victim.update-requested.v1", "data": {"victim_id": "TVP-V-0001", '
        '"requested_at": "2026-12-06T09:00:00+00:00"}, "created_at": "2026-12-06T09:00:00+00:00"}'
    )
    boto3.client("sqs", region_name=REGION).send_message(QueueUrl=world["queue"], MessageBody=body)
    # When this release's outbound function takes it from the queue
    assert _run(world["outbound"], _queue_records(world["queue"])) == {"batchItemFailures": []}
    # Then the force receives it under the derived id (uuid5 of thames-valley/TVP-O-1/update-TVP-V-0001-2026-12-06)
    [received] = world["force"].received
    assert received["id"] == received["body"]["id"] == "18cda963-3815-5978-94bf-67a870429fbc"
    assert received["body"]["data"]["victim_id"] == "TVP-V-0001"
    # And the item on its case, found by its unchanged key, is delivered
    assert _outbound_statuses() == {("TVP-O-1", "update-TVP-V-0001-2026-12-06"): "delivered"}
