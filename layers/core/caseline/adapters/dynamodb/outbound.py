"""Outbound events (victim → force) on the case's partition: OUTBOUND#{outbound id}."""

from __future__ import annotations

from pynamodb.exceptions import PutError, UpdateError

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.base import by_name, get_item, is_condition_failed
from caseline.adapters.dynamodb.models import OutboundItem, case_pk
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.outbound import OutboundEvent, OutboundStatus
from caseline.domain.ports import Clock
from caseline.domain.records import WriteOutcome

REPORT_OUTBOUND_PREFIX = "report-"


def outbound_pk(force_id: str, case_id: str, outbound_id: str) -> str:
    """A report's event (``report-{reference}``, its case id the reference) is on the report's partition."""
    if outbound_id.startswith(REPORT_OUTBOUND_PREFIX):
        return f"REPORT#{force_id}#{case_id}"
    return case_pk(force_id, case_id)


def outbound_record(item: OutboundItem) -> OutboundEvent:
    return by_name(
        item,
        OutboundEvent,
        data=dict(item.data or {}),
        status=OutboundStatus(item.status),
        attempts=int(item.attempts or 0),
    )


def outbound_item(event: OutboundEvent) -> OutboundItem:
    return by_name(
        event,
        OutboundItem,
        pk=outbound_pk(event.force_id, event.case_id, event.outbound_id),
        sk=f"OUTBOUND#{event.outbound_id}",
        status=event.status.value,
    )


class DynamoOutboundRepository:
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def create(self, event: OutboundEvent) -> WriteOutcome:
        try:
            outbound_item(event).save(condition=OutboundItem.pk.does_not_exist())
        except PutError as exc:
            if is_condition_failed(exc):
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN

    def get(self, force_id: str, case_id: str, outbound_id: str) -> OutboundEvent | None:
        item = get_item(OutboundItem, outbound_pk(force_id, case_id, outbound_id), f"OUTBOUND#{outbound_id}")
        return outbound_record(item) if item is not None else None

    def _update(self, event: OutboundEvent, actions: list[object], condition: object | None = None) -> bool:
        item = OutboundItem(
            outbound_pk(event.force_id, event.case_id, event.outbound_id), f"OUTBOUND#{event.outbound_id}"
        )
        try:
            item.update(actions=actions, condition=condition)  # type: ignore[arg-type]
        except UpdateError as exc:
            if is_condition_failed(exc):
                return False
            raise StorageUnavailableError() from exc
        return True

    def mark_queued(self, event: OutboundEvent) -> bool:
        return self._update(
            event,
            [OutboundItem.status.set(OutboundStatus.QUEUED.value)],
            OutboundItem.status == OutboundStatus.PENDING.value,
        )

    def mark_delivered(self, event: OutboundEvent, attempts: int) -> None:
        self._update(
            event,
            [
                OutboundItem.status.set(OutboundStatus.DELIVERED.value),
                OutboundItem.attempts.set(attempts),
                OutboundItem.delivered_at.set(self._clock.now()),
            ],
            OutboundItem.pk.exists(),
        )

    def mark_delayed(self, event: OutboundEvent, attempts: int) -> None:
        self._update(
            event,
            [OutboundItem.status.set(OutboundStatus.DELAYED.value), OutboundItem.attempts.set(attempts)],
            OutboundItem.status != OutboundStatus.DELIVERED.value,
        )
