"""Outbox messages (``OUTBOX#{key}``) from planned to handled, with the duties they meet, the access codes
they carry and the officer tasks a failure raises. Held messages sit in gsi1 under ``DEFERRED#{force}``,
claimed ones under ``SENDING#{force}``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.base import (
    connection,
    due_in_gsi1,
    failed_indexes,
    is_condition_failed,
    transaction_outcome,
)
from caseline.adapters.dynamodb.duties import met_actions
from caseline.adapters.dynamodb.mappers import (
    access_code_item,
    outbox_item,
    outbox_key,
    outbox_pk,
    outbox_record,
    provider_pointer_item,
)
from caseline.adapters.dynamodb.models import CaselineItem, DutyItem, OutboxItem
from caseline.adapters.dynamodb.tasks import save_task
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.ports import Clock
from caseline.domain.records import (
    AccessCodeRecord,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    SendReceipt,
    WriteOutcome,
)

_FINAL = frozenset(
    {OutboxStatus.SENT, OutboxStatus.BLOCKED, OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.UNKNOWN}
)


class DynamoOutboxRepository:
    """Outbox messages with their duties, access codes and officer tasks."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def add_messages(self, messages: Sequence[OutboxMessage], codes: Sequence[AccessCodeRecord] = ()) -> WriteOutcome:
        try:
            with TransactWrite(connection=connection()) as transaction:
                for message in messages:
                    transaction.save(outbox_item(message), condition=OutboxItem.pk.does_not_exist())
                for code in codes:
                    transaction.save(access_code_item(code))
        except TransactWriteError as exc:
            return transaction_outcome(exc)
        return WriteOutcome.WRITTEN

    def add_task(self, task: OfficerTask) -> WriteOutcome:
        try:
            with TransactWrite(connection=connection()) as transaction:
                save_task(transaction, task)
        except TransactWriteError as exc:
            return transaction_outcome(exc)
        return WriteOutcome.WRITTEN

    def claim(self, force_id: str, case_id: str, key: str, at: datetime | None = None) -> OutboxMessage | None:
        item = OutboxItem(outbox_pk(force_id, case_id, key), f"OUTBOX#{key}")
        claimed_at = (at or self._clock.now()).astimezone(UTC).isoformat()
        try:
            item.update(
                actions=[
                    OutboxItem.status.set(OutboxStatus.SENDING.value),
                    # While claimed it sits in gsi1 under SENDING#{force}: a send whose outcome was never
                    # recorded (a crash between the provider's answer and this table) is found there.
                    OutboxItem.gsi1pk.set(f"SENDING#{force_id}"),
                    OutboxItem.gsi1sk.set(f"{claimed_at}#{case_id}#{key}"),
                ],
                condition=OutboxItem.status == OutboxStatus.PENDING.value,
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return None
            raise StorageUnavailableError() from exc
        return outbox_record(item)

    def _finish(
        self,
        message: OutboxMessage,
        status: OutboxStatus,
        extra: list[Any],
        task: OfficerTask | None,
        *,
        duty_actions: list[Any] | None = None,
        also_save: Sequence[CaselineItem] = (),
    ) -> None:
        pk, sk = outbox_key(message)
        item = OutboxItem(pk, sk)
        actions = [OutboxItem.status.set(status.value), *extra]
        if status is not OutboxStatus.DEFERRED:  # deferring sets its own gsi1 entry
            actions += [OutboxItem.gsi1pk.remove(), OutboxItem.gsi1sk.remove()]
        if status in _FINAL:
            # The sealed access code outlives no message: gone from the item once it is handled. (A plain
            # ``access_code`` in the personalisation is only on items planned before codes were sealed.)
            actions.append(OutboxItem.sealed_code.remove())
            if "access_code" in message.personalisation:
                personalisation = {k: v for k, v in message.personalisation.items() if k != "access_code"}
                actions.append(OutboxItem.personalisation.set(personalisation))
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.update(item, actions=actions, condition=OutboxItem.status == OutboxStatus.SENDING.value)
                if task is not None:
                    save_task(transaction, task, once=False)
                if duty_actions and message.duty_id is not None:
                    transaction.update(
                        DutyItem(pk, f"DUTY#{message.duty_id}"), actions=duty_actions, condition=DutyItem.pk.exists()
                    )
                for other in also_save:
                    transaction.save(other)
        except TransactWriteError as exc:
            raise StorageUnavailableError() from exc

    def mark_sent(self, message: OutboxMessage, receipt: SendReceipt) -> None:
        """SENT, the duty it meets, and a pointer from the provider's id back (for delivery events)."""
        provider_message_id, segments = receipt.provider_message_id, receipt.segments
        when = receipt.sent_at or self._clock.now()
        self._finish(
            message,
            OutboxStatus.SENT,
            [
                OutboxItem.provider_message_id.set(provider_message_id),
                OutboxItem.sent_at.set(when),
                OutboxItem.rendered_template.set(receipt.rendered_template or message.template_id),
                *([OutboxItem.segments.set(segments)] if segments else []),
            ],
            None,
            duty_actions=met_actions(message.force_id, when, message.key),
            also_save=[provider_pointer_item(message, provider_message_id, statutory=message.statutory, sent_at=when)],
        )

    def release(self, message: OutboxMessage) -> None:
        self._finish(message, OutboxStatus.PENDING, [], None)

    def mark_skipped(self, message: OutboxMessage, reason: str) -> None:
        """Not sent because the victim chose so (opted out) or the address is suppressed: recorded, not lost."""
        self._finish(message, OutboxStatus.SKIPPED, [OutboxItem.reason.set(reason)], None)

    def mark_blocked(self, message: OutboxMessage, task: OfficerTask) -> None:
        self._finish(
            message,
            OutboxStatus.BLOCKED,
            [OutboxItem.reason.set(task.reason)],
            task,
            duty_actions=[DutyItem.reason.set(f"message blocked: {task.reason}")],
        )

    def mark_failed(self, message: OutboxMessage, task: OfficerTask, fallback: OutboxMessage | None = None) -> None:
        """FAILED with a task for the force, and (in the same transaction) the fallback message if any."""
        self._finish(
            message,
            OutboxStatus.FAILED,
            [OutboxItem.reason.set(task.reason)],
            task,
            duty_actions=None if fallback else [DutyItem.reason.set(f"message failed: {task.reason}")],
            also_save=[outbox_item(fallback)] if fallback else (),
        )

    def mark_fell_back(self, message: OutboxMessage, reason: str, fallback: OutboxMessage | None) -> None:
        """FAILED with the reason and no task (the same content goes another way), with the fallback message
        if any in the same transaction."""
        self._finish(
            message,
            OutboxStatus.FAILED,
            [OutboxItem.reason.set(reason)],
            None,
            also_save=[outbox_item(fallback)] if fallback else (),
        )

    def defer(self, message: OutboxMessage, send_after: datetime, *, failed_attempt: bool = False) -> None:
        """Held messages sit in the sparse gsi1 under DEFERRED#{force}, ordered by when they may go.
        ``failed_attempt``: held because the provider failed for now (counted, for the backoff)."""
        self._finish(
            message,
            OutboxStatus.DEFERRED,
            [
                *([OutboxItem.attempts.add(1)] if failed_attempt else []),
                OutboxItem.send_after.set(send_after),
                OutboxItem.gsi1pk.set(f"DEFERRED#{message.force_id}"),
                OutboxItem.gsi1sk.set(f"{send_after.astimezone(UTC).isoformat()}#{message.case_id}#{message.key}"),
            ],
            None,
        )

    def stuck_sending(self, force_id: str, claimed_before: datetime) -> list[OutboxMessage]:
        """Messages claimed before ``claimed_before`` whose send was never recorded."""
        return [outbox_record(i) for i in due_in_gsi1(OutboxItem, f"SENDING#{force_id}", claimed_before)]

    def mark_unknown(self, message: OutboxMessage, task: OfficerTask) -> bool:
        """The provider may or may not have sent it: never resent automatically; the force is told.
        False if dispatch recorded an outcome after all (the message is no longer SENDING)."""
        try:
            self._finish(message, OutboxStatus.UNKNOWN, [OutboxItem.reason.set(task.reason)], task)
        except StorageUnavailableError as exc:
            cause = exc.__cause__
            if isinstance(cause, TransactWriteError) and 0 in failed_indexes(cause):
                return False
            raise
        return True

    def deferred_due(self, force_id: str, now: datetime) -> list[OutboxMessage]:
        return [outbox_record(i) for i in due_in_gsi1(OutboxItem, f"DEFERRED#{force_id}", now)]

    def release_deferred(self, message: OutboxMessage) -> bool:
        pk, sk = outbox_key(message)
        try:
            OutboxItem(pk, sk).update(
                actions=[
                    OutboxItem.status.set(OutboxStatus.PENDING.value),
                    OutboxItem.gsi1pk.remove(),
                    OutboxItem.gsi1sk.remove(),
                ],
                condition=OutboxItem.status == OutboxStatus.DEFERRED.value,
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return False
            raise StorageUnavailableError() from exc
        return True
