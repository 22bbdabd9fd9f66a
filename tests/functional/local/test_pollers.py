"""Event source mapping behaviour of the local stack, driven poll by poll with a fake function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from caseline_local.pollers import QueuePoller, SchedulePoller, StreamPoller
from caseline_local.workers import InvocationError

REGION = "eu-west-2"


@dataclass
class _Spec:
    logical_id: str = "FakeFunction"


@dataclass
class FakeWorker:
    """Records every batch; ``behaviour`` decides the response (or raises for a function error)."""

    behaviour: Callable[[list[dict[str, Any]]], Any]
    spec: _Spec = field(default_factory=_Spec)
    batches: list[list[str]] = field(default_factory=list)

    def invoke(self, event: dict[str, Any]) -> Any:
        records = event.get("Records", [event])
        self.batches.append([self._id(r) for r in records])
        return self.behaviour(records)

    @staticmethod
    def _id(record: dict[str, Any]) -> str:
        if "dynamodb" in record:
            return str(record["dynamodb"]["Keys"]["pk"]["S"])
        return str(record.get("body", record.get("detail-type")))


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        stream = ddb.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]["LatestStreamArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        yield {
            "ddb": ddb,
            "stream": stream,
            "sqs": sqs,
            "dlq": dlq,
            "streams": boto3.client("dynamodbstreams", region_name=REGION),
        }


def _stream_poller(aws: dict[str, Any], worker: FakeWorker, **properties: Any) -> StreamPoller:
    return StreamPoller(
        worker=worker,
        stream_arn=aws["stream"],
        properties=properties,  # type: ignore[arg-type]
        streams=aws["streams"],
        sqs=aws["sqs"],
        destination_url=aws["dlq"],
        region=REGION,
        stop=threading.Event(),
    )


def _drain(poller: Any, limit: int = 50) -> None:
    for _ in range(limit):
        if not poller.poll_once():
            return
    raise AssertionError("the poller never went idle")


def _write(aws: dict[str, Any], *keys: str) -> None:
    for key in keys:
        aws["ddb"].put_item(TableName="t", Item={"pk": {"S": key}, "kind": {"S": "a" if key < "m" else "z"}})


def test_batches_respect_batch_size_and_filters(aws: dict[str, Any]) -> None:
    worker = FakeWorker(lambda records: {"batchItemFailures": []})
    pattern = json.dumps({"dynamodb": {"NewImage": {"kind": {"S": ["a"]}}}})
    poller = _stream_poller(
        aws,
        worker,
        BatchSize=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
    )
    _write(aws, "a1", "a2", "zz", "a3")
    _drain(poller)
    assert worker.batches == [["a1", "a2"], ["a3"]]


def test_a_reported_failure_is_retried_from_that_record_then_dead_lettered(aws: dict[str, Any]) -> None:
    # Given a function that always fails record a2 (reporting it as a batch item failure)
    def fail_a2(records: list[dict[str, Any]]) -> dict[str, Any]:
        failed = [r["dynamodb"]["SequenceNumber"] for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == "a2"]
        return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}

    worker = FakeWorker(fail_a2)
    poller = _stream_poller(
        aws, worker, BatchSize=10, MaximumRetryAttempts=2, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    _write(aws, "a1", "a2", "a3")
    _drain(poller)
    # Then a1 is not re-sent; a2 and a3 are retried twice, then their batch goes to the on-failure queue
    assert worker.batches == [["a1", "a2", "a3"], ["a2", "a3"], ["a2", "a3"]]
    [message] = aws["sqs"].receive_message(QueueUrl=aws["dlq"])["Messages"]
    info = json.loads(message["Body"])
    assert info["DDBStreamBatchInfo"]["batchSize"] == 2
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert "NewImage" not in message["Body"]  # metadata only, as in AWS


def test_a_function_error_with_bisect_retries_smaller_batches(aws: dict[str, Any]) -> None:
    def explode_on_a3(records: list[dict[str, Any]]) -> dict[str, Any]:
        if any(r["dynamodb"]["Keys"]["pk"]["S"] == "a3" for r in records):
            raise InvocationError("boom")
        return {"batchItemFailures": []}

    worker = FakeWorker(explode_on_a3)
    poller = _stream_poller(aws, worker, BatchSize=4, MaximumRetryAttempts=1, BisectBatchOnFunctionError=True)
    _write(aws, "a1", "a2", "a3", "a4")
    _drain(poller)
    assert worker.batches[0] == ["a1", "a2", "a3", "a4"]
    assert ["a1", "a2"] in worker.batches  # the first half succeeds on its own
    assert len(aws["sqs"].receive_message(QueueUrl=aws["dlq"])["Messages"]) == 1


def test_a_parallelization_factor_delivers_keys_side_by_side_each_in_order(aws: dict[str, Any]) -> None:
    # Given a function that holds each batch until a second batch is in flight beside it
    both_in_flight = threading.Barrier(2, timeout=30)
    versions: list[tuple[str, str]] = []

    def hold(records: list[dict[str, Any]]) -> None:
        both_in_flight.wait()  # raises (failing the test) unless two invocations run at once
        versions.extend((r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["NewImage"]["v"]["S"]) for r in records)

    worker = FakeWorker(hold)
    poller = _stream_poller(aws, worker, BatchSize=10, ParallelizationFactor=2)
    keys = [f"k{n}" for n in range(6)]
    for version in ("1", "2"):
        for key in keys:
            aws["ddb"].put_item(TableName="t", Item={"pk": {"S": key}, "v": {"S": version}})
    # When the poller delivers what the stream holds
    _drain(poller)
    # Then two batches ran side by side, every record went once, and each key's versions stayed in order
    assert len(worker.batches) == 2
    assert sorted(versions) == sorted((key, version) for key in keys for version in ("1", "2"))
    for key in keys:
        assert [v for k, v in versions if k == key] == ["1", "2"]
    assert not any(set(worker.batches[0]) & set(worker.batches[1]))  # a key lives in one lane


def test_queue_messages_are_deleted_only_when_handled(aws: dict[str, Any]) -> None:
    queue = aws["sqs"].create_queue(QueueName="work", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    arn = aws["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for body in ("ok-1", "bad", "ok-2"):
        aws["sqs"].send_message(QueueUrl=queue, MessageBody=body)

    def fail_bad(records: list[dict[str, Any]]) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records if r["body"] == "bad"]}

    poller = QueuePoller(
        worker=FakeWorker(fail_bad),
        queue_url=queue,
        queue_arn=arn,  # type: ignore[arg-type]
        properties={"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]},
        sqs=aws["sqs"],
        region=REGION,
        stop=threading.Event(),
    )
    assert poller.poll_once() is True
    remaining = aws["sqs"].receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in remaining] == ["bad"]


def test_a_failing_schedule_is_retried_per_its_retry_policy() -> None:
    def always_fail(_: list[dict[str, Any]]) -> None:
        raise InvocationError("down")

    worker = FakeWorker(always_fail)
    poller = SchedulePoller(
        worker=worker,
        properties={"RetryPolicy": {"MaximumRetryAttempts": 2}},  # type: ignore[arg-type]
        every_seconds=60,
        region=REGION,
        stop=threading.Event(),
    )
    poller.poll_once()
    assert worker.batches == [["Scheduled Event"]] * 3
