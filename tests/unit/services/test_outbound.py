"""Outbound relay and delivery with in-memory fakes."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from caseline.domain.errors import DeliveryFailedError
from caseline.domain.outbound import (
    DELAYED_AFTER_ATTEMPTS,
    MESSAGE_SENT,
    OutboundEvent,
    OutboundStatus,
    backoff_seconds,
    envelope,
    from_message,
    to_message,
)
from caseline.domain.records import WriteOutcome
from caseline.services.outbound import DeliveryOutcome, deliver, relay

EVENT = OutboundEvent(
    force_id="north-shire",
    case_id="C-1",
    outbound_id="ob-1",
    event_type=MESSAGE_SENT,
    data={"text": "Thank you"},
    created_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
)


class FakeOutbound:
    def __init__(self) -> None:
        self.events: dict[str, OutboundEvent] = {}

    def create(self, event: OutboundEvent) -> WriteOutcome:
        if event.outbound_id in self.events:
            return WriteOutcome.DUPLICATE
        self.events[event.outbound_id] = event
        return WriteOutcome.WRITTEN

    def get(self, force_id: str, case_id: str, outbound_id: str) -> OutboundEvent | None:
        return self.events.get(outbound_id)

    def _set(self, event: OutboundEvent, **changes: object) -> None:
        self.events[event.outbound_id] = dataclasses.replace(self.events[event.outbound_id], **changes)  # type: ignore[arg-type]

    def mark_queued(self, event: OutboundEvent) -> bool:
        if self.events[event.outbound_id].status is not OutboundStatus.PENDING:
            return False
        self._set(event, status=OutboundStatus.QUEUED)
        return True

    def mark_delivered(self, event: OutboundEvent, attempts: int) -> None:
        self._set(event, status=OutboundStatus.DELIVERED, attempts=attempts)

    def mark_delayed(self, event: OutboundEvent, attempts: int) -> None:
        self._set(event, status=OutboundStatus.DELAYED, attempts=attempts)


class FakeQueue:
    def __init__(self) -> None:
        self.sent: list[OutboundEvent] = []

    def send(self, event: OutboundEvent) -> None:
        self.sent.append(event)


class FakeForce:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.delivered: list[str] = []

    def deliver(self, force_id: str, event: OutboundEvent) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailedError("down")
        self.delivered.append(event.outbound_id)


def test_relay_queues_a_new_event_once() -> None:
    outbound, queue = FakeOutbound(), FakeQueue()
    outbound.create(EVENT)
    assert relay(EVENT, queue=queue, outbound=outbound) is True
    assert relay(EVENT, queue=queue, outbound=outbound) is False
    assert [e.outbound_id for e in queue.sent] == ["ob-1"]
    assert outbound.events["ob-1"].status is OutboundStatus.QUEUED


def test_relay_ignores_an_event_that_is_not_stored() -> None:
    queue = FakeQueue()
    assert relay(EVENT, queue=queue, outbound=FakeOutbound()) is False
    assert queue.sent == []


def test_delivery_failures_are_retryable_and_the_victim_is_told_after_a_few() -> None:
    outbound, force = FakeOutbound(), FakeForce(failures=DELAYED_AFTER_ATTEMPTS)
    outbound.create(dataclasses.replace(EVENT, status=OutboundStatus.QUEUED))
    for attempt in range(1, DELAYED_AFTER_ATTEMPTS + 1):
        with pytest.raises(DeliveryFailedError):
            deliver(EVENT, attempt, outbound=outbound, endpoint=force)
        expected = OutboundStatus.DELAYED if attempt >= DELAYED_AFTER_ATTEMPTS else OutboundStatus.QUEUED
        assert outbound.events["ob-1"].status is expected
    assert deliver(EVENT, DELAYED_AFTER_ATTEMPTS + 1, outbound=outbound, endpoint=force) is DeliveryOutcome.DELIVERED
    assert outbound.events["ob-1"].status is OutboundStatus.DELIVERED
    assert deliver(EVENT, 9, outbound=outbound, endpoint=force) is DeliveryOutcome.ALREADY_DELIVERED
    assert force.delivered == ["ob-1"]


def test_backoff_doubles_from_30_seconds_up_to_15_minutes() -> None:
    assert [backoff_seconds(a) for a in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_the_envelope_is_a_cloudevent_whose_id_is_derived_from_force_case_and_outbound_id() -> None:
    body = json.loads(envelope(EVENT, source="urn:caseline:test"))
    assert body == {
        "specversion": "1.0",
        "id": "f6696575-033a-5775-8f39-8098a3cc4d8d",  # uuid5 of north-shire/C-1/ob-1
        "source": "urn:caseline:test",
        "type": MESSAGE_SENT,
        "time": "2026-03-02T10:00:00+00:00",
        "subject": "C-1",
        "datacontenttype": "application/json",
        "data": {"text": "Thank you"},
    }


def test_queue_messages_round_trip() -> None:
    assert from_message(to_message(EVENT)) == dataclasses.replace(EVENT, status=OutboundStatus.QUEUED)
