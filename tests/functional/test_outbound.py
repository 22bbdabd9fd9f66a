"""Victim → force: an outbound item is relayed to the queue by dispatch, then delivered, signed, by the
outbound function, with backoff and an honest "delayed" status when the force cannot be reached."""

from __future__ import annotations

import json
import os
import urllib.error
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline.domain import signing
from caseline.domain.outbound import UPDATE_REQUESTED, OutboundEvent
from caseline_local.template import Template

from .conftest import REGION, Context, StreamReader, load_handler


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
    # The outbound function delivers it; the force sees a signed CloudEvent whose id is the outbound id
    assert _run(world["outbound"], queued) == {"batchItemFailures": []}
    [received] = world["force"].received
    assert received["id"] == "ob-0001"
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
