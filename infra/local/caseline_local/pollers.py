"""Event source mappings: feed stream records, queue messages and schedules to their functions.

Honours what the template says: BatchSize, FilterCriteria, ReportBatchItemFailures, MaximumRetryAttempts,
BisectBatchOnFunctionError and the on-failure destination (which receives metadata only, as in AWS).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
import uuid
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.events.models import EventPattern

from caseline_local import moto_fixes
from caseline_local.workers import FunctionWorker, InvocationError

log = logging.getLogger("caseline_local.pollers")


FETCH_LIMIT = 1000  # GetRecords' largest page
SHARDS_REFRESH_SECONDS = 30.0
QUEUE_WAIT_SECONDS = 1  # SQS long polling: moto answers as soon as a message arrives


class Poller(threading.Thread):
    def __init__(self, name: str, stop: threading.Event, interval: float) -> None:
        super().__init__(name=name, daemon=True)
        self.stop_event = stop
        self.interval = interval
        self.last_busy = time.monotonic()  # when a poll last found work (tests wait for a quiet stack)
        self.last_empty = 0.0  # when the last poll that found nothing began

    def run(self) -> None:
        while not self.stop_event.is_set():
            began = time.monotonic()
            try:
                busy = self.poll_once()
            except Exception:
                log.exception("poller %s failed; will retry", self.name)
                busy = False
            if busy:
                self.last_busy = time.monotonic()
            else:
                self.last_empty = began
                self.idle()

    def quiet_since(self, moment: float) -> bool | None:
        """True: a poll begun after ``moment`` found nothing, and no work was found since ``moment``.
        None: work was found after ``moment``. False: no poll has begun and ended empty since."""
        if self.last_busy > moment:
            return None
        return self.last_empty > moment

    def poll_once(self) -> bool:
        raise NotImplementedError

    def idle(self) -> None:
        """Wait before polling again after a poll that found nothing."""
        self.stop_event.wait(self.interval)


@dataclass
class _Lane:
    """Records of some partition keys, delivered in order, one batch at a time (with its own retries)."""

    batch_size: int
    pending: deque[dict[str, Any]] = field(default_factory=deque)
    attempts: dict[str, int] = field(default_factory=dict)


class StreamPoller(Poller):
    """One DynamoDB stream → one function, with its own shard iterators (an independent consumer).

    ``ParallelizationFactor`` N splits the records by partition key into N lanes whose batches are
    delivered side by side, as Lambda does: the records of one key stay in order, in one lane."""

    def __init__(
        self,
        *,
        worker: FunctionWorker,
        stream_arn: str,
        properties: dict[str, Any],
        streams: Any,
        sqs: Any,
        destination_url: str | None,
        region: str,
        stop: threading.Event,
    ) -> None:
        super().__init__(f"stream->{worker.spec.logical_id}", stop, interval=1.0)
        self.worker = worker
        self.stream_arn = stream_arn
        self.streams = streams
        self.sqs = sqs
        self.destination_url = destination_url
        self.region = region
        self.configured_batch_size = int(properties.get("BatchSize", 100))
        self.lanes = [_Lane(self.configured_batch_size) for _ in range(int(properties.get("ParallelizationFactor", 1)))]
        self._side_by_side = ThreadPoolExecutor(len(self.lanes), thread_name_prefix=self.name)
        self.max_retries = int(properties.get("MaximumRetryAttempts", -1))
        self.bisect = bool(properties.get("BisectBatchOnFunctionError", False))
        self.partial = "ReportBatchItemFailures" in properties.get("FunctionResponseTypes", [])
        self.filters = properties.get("FilterCriteria", {}).get("Filters")
        self.last_sequence: dict[str, str | None] = {}
        self.invocations = 0
        self.writes_seen = moto_fixes.STREAM_WRITES.count
        self._shards: list[str] = []
        self._shards_read_at = 0.0

    def idle(self) -> None:
        """Sleep until a stream record is written anywhere (or ``interval`` passes): no busy polling."""
        moto_fixes.STREAM_WRITES.wait(self.writes_seen, timeout=self.interval)

    def read_up_to(self) -> dict[str, int]:
        """The last sequence number read from each shard (records up to it may be trimmed)."""
        return {shard: int(seq) for shard, seq in self.last_sequence.items() if seq is not None}

    def _shard_ids(self) -> list[str]:
        if not self._shards or time.monotonic() - self._shards_read_at > SHARDS_REFRESH_SECONDS:
            description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
            self._shards = [shard["ShardId"] for shard in description["Shards"]]
            self._shards_read_at = time.monotonic()
        return self._shards

    def _iterator(self, shard_id: str) -> str:
        """A fresh iterator after the last record seen (see moto_fixes: moto may replace the shard)."""
        last = self.last_sequence.get(shard_id)
        # Tables are created empty when the stack starts, so LATEST and TRIM_HORIZON both mean "from the start".
        position = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
            if last
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        response = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **position)
        return str(response["ShardIterator"])

    def poll_once(self) -> bool:
        if not any(lane.pending for lane in self.lanes):
            read = self._fetch()
            if read:  # records other functions want still take reading: not idle, and no pause
                self.last_busy = time.monotonic()
            if not any(lane.pending for lane in self.lanes):
                return read >= FETCH_LIMIT
        busy = [lane for lane in self.lanes if lane.pending]
        self.invocations += len(busy)
        if len(busy) == 1:
            self._deliver(busy[0])
        else:
            list(self._side_by_side.map(self._deliver, busy))
        return True

    def run(self) -> None:
        try:
            super().run()
        finally:
            self._side_by_side.shutdown(wait=False)

    def _lane(self, record: dict[str, Any]) -> _Lane:
        key = json.dumps(record["dynamodb"]["Keys"], sort_keys=True)
        return self.lanes[zlib.crc32(key.encode()) % len(self.lanes)]

    def _fetch(self) -> int:
        """Read each shard once; queue the records the filters match. Returns the most read from a shard."""
        most = 0
        self.writes_seen = moto_fixes.STREAM_WRITES.count  # before reading: a write after it wakes idle()
        for shard_id in self._shard_ids():
            response = self.streams.get_records(ShardIterator=self._iterator(shard_id), Limit=FETCH_LIMIT)
            most = max(most, len(response.get("Records", [])))
            for record in response.get("Records", []):
                self.last_sequence[shard_id] = record["dynamodb"]["SequenceNumber"]
                record = dict(record)
                record["eventSourceARN"] = self.stream_arn
                record["awsRegion"] = self.region
                created = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
                if isinstance(created, datetime):
                    record["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
                elif isinstance(created, float):  # whole seconds, as Lambda delivers them
                    record["dynamodb"]["ApproximateCreationDateTime"] = int(created)
                if any_filter_matches(self.filters, record):
                    self._lane(record).pending.append(record)
        return most

    def _deliver(self, lane: _Lane) -> None:
        batch = [lane.pending.popleft() for _ in range(min(lane.batch_size, len(lane.pending)))]
        try:
            response = self.worker.invoke({"Records": batch})
            failed_ids = (
                {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])} if self.partial else set()
            )
            function_error = False
        except InvocationError:
            failed_ids, function_error = set(), True
        if not failed_ids and not function_error:
            lane.batch_size = self.configured_batch_size  # bisection ends once a batch succeeds
            return
        if function_error:
            retained = batch
        else:
            first = min(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed_ids)
            retained = batch[first:]
        key = retained[0]["dynamodb"]["SequenceNumber"]
        attempts = lane.attempts[key] = lane.attempts.get(key, 0) + 1
        if 0 <= self.max_retries < attempts:
            self._on_failure(retained, "RetryAttemptsExhausted" if not function_error else "FunctionError", attempts)
            return
        # Put the records back at the front; with bisection, the first half is retried on its own.
        lane.pending.extendleft(reversed(retained))
        if function_error and self.bisect and len(retained) > 1:
            lane.batch_size = max(1, len(retained) // 2)
        time.sleep(min(2.0, 0.1 * 2**attempts))

    def _on_failure(self, records: list[dict[str, Any]], condition: str, attempts: int) -> None:
        log.warning("%s gave up on %d record(s): %s", self.name, len(records), condition)
        if not self.destination_url:
            return
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        metadata = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "DDBStreamBatchInfo": {
                "streamArn": self.stream_arn,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "batchSize": len(records),
            },
            "timestamp": datetime.now(UTC).isoformat(),
        }
        self.sqs.send_message(QueueUrl=self.destination_url, MessageBody=json.dumps(metadata))


class QueuePoller(Poller):
    """One SQS queue → one function. Failed messages become visible again; the queue's redrive
    policy (applied by moto) moves them to its dead-letter queue after maxReceiveCount."""

    def __init__(
        self,
        *,
        worker: FunctionWorker,
        queue_url: str,
        queue_arn: str,
        properties: dict[str, Any],
        sqs: Any,
        region: str,
        stop: threading.Event,
    ) -> None:
        super().__init__(f"sqs->{worker.spec.logical_id}", stop, interval=0.0)
        self.worker, self.queue_url, self.queue_arn, self.sqs, self.region = worker, queue_url, queue_arn, sqs, region
        self.batch_size = min(10, int(properties.get("BatchSize", 10)))
        self.partial = "ReportBatchItemFailures" in properties.get("FunctionResponseTypes", [])
        self.filters = properties.get("FilterCriteria", {}).get("Filters")

    def poll_once(self) -> bool:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=QUEUE_WAIT_SECONDS,
        ).get("Messages", [])
        if not messages:
            return False
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody"),
                "eventSource": "aws:sqs",
                "eventSourceARN": self.queue_arn,
                "awsRegion": self.region,
            }
            for m in messages
        ]
        selected = [r for r in records if any_filter_matches(self.filters, r)]
        for record in records:
            if record not in selected:  # filtered out: Lambda deletes these
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"])
        if not selected:
            return True
        try:
            response = self.worker.invoke({"Records": selected})
            failed = (
                {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])} if self.partial else set()
            )
        except InvocationError:
            failed = {r["messageId"] for r in selected}
        for record in selected:
            if record["messageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"])
        return True


class SchedulePoller(Poller):
    """rate(...) schedules, invoked with the EventBridge Scheduler payload; retries per RetryPolicy."""

    def __init__(
        self,
        *,
        worker: FunctionWorker,
        properties: dict[str, Any],
        every_seconds: float,
        region: str,
        stop: threading.Event,
    ) -> None:
        super().__init__(f"schedule->{worker.spec.logical_id}", stop, interval=every_seconds)
        self.worker, self.region = worker, region
        self.retries = int(properties.get("RetryPolicy", {}).get("MaximumRetryAttempts", 0))
        self.invocations = 0

    def poll_once(self) -> bool:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "123456789012",
            "region": self.region,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resources": [],
            "detail": {},
        }
        for _ in range(self.retries + 1):
            self.invocations += 1
            with contextlib.suppress(InvocationError):
                self.worker.invoke(event)
                break
        return False


def any_filter_matches(filters: list[dict[str, Any]] | None, record: dict[str, Any]) -> bool:
    """Lambda event filtering: with no filters every record passes, else one that any pattern matches.
    The patterns are EventBridge's, so moto's EventBridge matcher decides. ``record`` is JSON already (as
    Lambda filters it): it is flattened once for all the patterns, where ``matches_event`` would copy it
    through JSON and flatten it again for each one."""
    if not filters:
        return True
    flat = EventPattern._flatten_dict(record)
    patterns = (_pattern(f["Pattern"]) for f in filters)
    return any(pattern._does_event_match(flat, pattern.get_pattern()) for pattern in patterns)


@functools.cache
def _pattern(text: str) -> EventPattern:
    return EventPattern.load(text)


def parse_rate(expression: str) -> float:
    """Seconds between runs of ``rate(N unit)``."""
    value, unit = expression.strip()[5:-1].split()
    seconds = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}[unit]
    return float(value) * seconds
