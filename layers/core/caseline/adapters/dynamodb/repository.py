"""Repositories over the single table. Every request-path read is a GetItem or a Query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import (
    DoesNotExist,
    GetError,
    PutError,
    QueryError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.base import connection, failed_indexes, is_condition_failed, partition_items
from caseline.adapters.dynamodb.duties import DynamoDutyRepository, duty_item, met_actions
from caseline.adapters.dynamodb.models import (
    AccessCodeItem,
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    CrimeReferenceItem,
    DutyItem,
    EventItem,
    OutboxItem,
    PreferencesItem,
    ReceiptItem,
    SessionEndItem,
    VictimItem,
    case_pk,
    crime_reference_pk,
)
from caseline.adapters.dynamodb.tasks import save_task
from caseline.domain.case import CaseStage
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.event_types import OFFICER_MESSAGE
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import (
    AccessCodeRecord,
    CaseAggregate,
    CaseRecord,
    CaseSummary,
    Duty,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    StoredEvent,
    VictimContact,
    WebhookReceipt,
    WriteOutcome,
)
from caseline.domain.reports import is_reporter_message
from caseline.domain.safe_contact import SafeContactProfile

_FINAL = frozenset(
    {OutboxStatus.SENT, OutboxStatus.BLOCKED, OutboxStatus.FAILED, OutboxStatus.SKIPPED, OutboxStatus.UNKNOWN}
)


# ---------------------------------------------------------------- mapping


def _case_record(item: CaseItem) -> CaseRecord:
    return CaseRecord(
        force_id=item.force_id,
        case_id=item.case_id,
        crime_reference=item.crime_reference,
        category=item.category,
        flags=tuple(item.flags or ()),
        stage=CaseStage.from_slug(item.stage),
        sequence=int(item.sequence),
        officer=item.officer,
        recorded_at=item.recorded_at,
        updated_at=item.updated_at,
        revision=int(item.revision or 0),
    )


def _victim_record(item: VictimItem) -> VictimContact:
    return VictimContact(
        force_id=item.force_id,
        case_id=item.case_id,
        victim_id=item.victim_id,
        name=item.name,
        email=item.email,
        mobile=item.mobile,
        language=item.language,
        tier=item.tier,
        under_18=bool(item.under_18),
        safe_contact=SafeContactProfile.from_dict(item.safe_contact or {}),
        sequence=int(item.sequence or 0),
    )


def _outbox_record(item: OutboxItem) -> OutboxMessage:
    return OutboxMessage(
        force_id=item.force_id,
        case_id=item.case_id,
        key=item.key,
        victim_id=item.victim_id,
        channel=item.channel,
        template_id=item.template_id,
        personalisation=dict(item.personalisation or {}),
        status=OutboxStatus(item.status),
        created_at=item.created_at,
        duty_id=item.duty_id,
        provider_message_id=item.provider_message_id,
        send_after=item.send_after,
        statutory=item.statutory is not False,
        attempts=int(item.attempts or 0),
        sealed_code=item.sealed_code,
        safe_contact=SafeContactProfile.from_dict(item.safe_contact) if item.safe_contact else None,
    )


def event_record(item: EventItem) -> StoredEvent:
    return StoredEvent(
        force_id=item.force_id,
        case_id=item.case_id,
        sequence=int(item.sequence),
        event_id=item.event_id,
        event_type=item.event_type,
        occurred_at=item.occurred_at,
        received_at=item.received_at,
        applied=bool(item.applied),
        data=dict(item.data or {}),
    )


def victim_choices(items: Sequence[CaselineItem]) -> dict[str, VictimPreferences]:
    """Each victim's own contact choices on a case partition."""
    return {
        item.victim_id: VictimPreferences.from_dict(item.preferences or {})
        for item in items
        if isinstance(item, PreferencesItem)
    }


def force_victims(items: Sequence[CaselineItem]) -> list[VictimContact]:
    """The partition's victims with the force's own profile (before the victims' choices)."""
    return [_victim_record(item) for item in items if isinstance(item, VictimItem)]


def effective_victims(items: Sequence[CaselineItem]) -> list[VictimContact]:
    """The partition's victims with the profile messages must obey: the force's, made stricter by the
    victim's own choices."""
    choices = victim_choices(items)
    victims = [_victim_record(item) for item in items if isinstance(item, VictimItem)]
    return [
        replace(v, safe_contact=effective_profile(v.safe_contact, choices[v.victim_id]))
        if v.victim_id in choices
        else v
        for v in victims
    ]


def access_code_item(code: AccessCodeRecord) -> AccessCodeItem:
    """A victim's current one-time code (a new one replaces the old: same key)."""
    return AccessCodeItem(
        case_pk(code.force_id, code.case_id),
        f"ACCESS#{code.victim_id}",
        force_id=code.force_id,
        case_id=code.case_id,
        victim_id=code.victim_id,
        code_hash=code.code_hash,
        expires_at=code.expires_at,
    )


def outbox_pk(force_id: str, case_id: str, key: str) -> str:
    """A report's message to its reporter (its case id the reference) is on the report's partition."""
    if is_reporter_message(key):
        return f"REPORT#{force_id}#{case_id}"
    return case_pk(force_id, case_id)


def _outbox_key(message: OutboxMessage) -> tuple[str, str]:
    return outbox_pk(message.force_id, message.case_id, message.key), f"OUTBOX#{message.key}"


class DynamoCaseRepository:
    """Cases, victims, timeline events and webhook receipts."""

    def get_case(self, force_id: str, case_id: str) -> CaseRecord | None:
        try:
            item = CaselineItem.get(case_pk(force_id, case_id), "CASE", consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as exc:
            raise StorageUnavailableError() from exc
        return _case_record(item) if isinstance(item, CaseItem) else None

    def get_victims(self, force_id: str, case_id: str) -> list[VictimContact]:
        """Victims with the profile messages must obey: the force's, made stricter by their own choices."""
        return effective_victims(partition_items(force_id, case_id))

    def load(self, force_id: str, case_id: str) -> CaseAggregate:
        """One strongly consistent Query over the case's partition (case, timeline, victims)."""
        items = partition_items(force_id, case_id)
        return CaseAggregate(
            case=next((_case_record(i) for i in items if isinstance(i, CaseItem)), None),
            events=[event_record(i) for i in items if isinstance(i, EventItem)],
            victims=[_victim_record(i) for i in items if isinstance(i, VictimItem)],
            linked_users=[i.user_id for i in items if isinstance(i, CaseMemberItem)],
        )

    def save_event(
        self,
        receipt: WebhookReceipt,
        event: StoredEvent,
        *,
        case: CaseRecord,
        expected_revision: int | None,
        victims: Sequence[VictimContact] = (),
        linked_users: Sequence[str] = (),
    ) -> WriteOutcome:
        pk = case_pk(event.force_id, event.case_id)
        receipt_item = ReceiptItem(
            f"WEBHOOK#{receipt.force_id}#{receipt.webhook_id}",
            "RECEIPT",
            force_id=receipt.force_id,
            webhook_id=receipt.webhook_id,
            received_at=receipt.received_at,
            expires_at=receipt.expires_at,
        )
        event_item = EventItem(
            pk,
            f"EVENT#{event.sequence:012d}#{event.event_id}",
            force_id=event.force_id,
            case_id=event.case_id,
            sequence=event.sequence,
            event_id=event.event_id,
            event_type=event.event_type,
            occurred_at=event.occurred_at,
            received_at=event.received_at,
            applied=event.applied,
            data=event.data,
        )
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(receipt_item, condition=ReceiptItem.pk.does_not_exist())
                transaction.save(event_item, condition=EventItem.pk.does_not_exist())
                transaction.save(self._case_item(case), condition=self._case_condition(expected_revision))
                if case.crime_reference is not None:
                    transaction.save(
                        CrimeReferenceItem(
                            crime_reference_pk(case.crime_reference),
                            case_pk(case.force_id, case.case_id),
                            force_id=case.force_id,
                            case_id=case.case_id,
                            crime_reference=case.crime_reference,
                        )
                    )
                for victim in victims:
                    transaction.save(self._victim_item(victim))
                for user_id in linked_users:  # keep "my cases" at a glance current
                    actions: list[Any] = [
                        CaseLinkItem.stage.set(case.stage.slug),
                        CaseLinkItem.updated_at.set(case.updated_at or event.received_at),
                    ]
                    if event.event_type == OFFICER_MESSAGE:
                        actions.append(CaseLinkItem.unread.add(1))
                    transaction.update(
                        CaseLinkItem(f"USER#{user_id}", pk), actions=actions, condition=CaseLinkItem.pk.exists()
                    )
        except TransactWriteError as exc:
            failed = failed_indexes(exc)
            if 0 in failed or 1 in failed:
                return WriteOutcome.DUPLICATE
            if 2 in failed:
                return WriteOutcome.CONFLICT
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN

    @staticmethod
    def _case_condition(expected_revision: int | None) -> Any:
        if expected_revision is None:
            return CaseItem.pk.does_not_exist()
        return CaseItem.revision == expected_revision

    @staticmethod
    def _case_item(case: CaseRecord) -> CaseItem:
        return CaseItem(
            case_pk(case.force_id, case.case_id),
            "CASE",
            force_id=case.force_id,
            case_id=case.case_id,
            crime_reference=case.crime_reference,
            category=case.category,
            flags=list(case.flags),
            stage=case.stage.slug,
            sequence=case.sequence,
            revision=case.revision,
            officer=case.officer,
            recorded_at=case.recorded_at,
            updated_at=case.updated_at,
        )

    @staticmethod
    def _victim_item(victim: VictimContact) -> VictimItem:
        return VictimItem(
            case_pk(victim.force_id, victim.case_id),
            f"VICTIM#{victim.victim_id}",
            force_id=victim.force_id,
            case_id=victim.case_id,
            victim_id=victim.victim_id,
            name=victim.name,
            email=victim.email,
            mobile=victim.mobile,
            language=victim.language,
            tier=victim.tier,
            under_18=victim.under_18,
            safe_contact=victim.safe_contact.to_dict(),
            sequence=victim.sequence,
        )


class DynamoOutboxRepository:
    """Outbox messages with their duties, access codes and officer tasks."""

    def create_messages(
        self,
        messages: Sequence[OutboxMessage],
        *,
        duties: Sequence[Duty] = (),
        access_codes: Sequence[AccessCodeRecord] = (),
        tasks: Sequence[OfficerTask] = (),
    ) -> WriteOutcome:
        try:
            with TransactWrite(connection=connection()) as transaction:
                for message in messages:
                    transaction.save(self._item(message), condition=OutboxItem.pk.does_not_exist())
                for task in tasks:
                    save_task(transaction, task)
                for duty in duties:
                    transaction.save(duty_item(duty), condition=DutyItem.pk.does_not_exist())
                for code in access_codes:
                    transaction.save(access_code_item(code))
        except TransactWriteError as exc:
            if failed_indexes(exc):
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN

    @staticmethod
    def _item(message: OutboxMessage) -> OutboxItem:
        pk, sk = _outbox_key(message)
        return OutboxItem(
            pk,
            sk,
            force_id=message.force_id,
            case_id=message.case_id,
            key=message.key,
            victim_id=message.victim_id,
            channel=message.channel,
            template_id=message.template_id,
            personalisation=message.personalisation,
            status=message.status.value,
            created_at=message.created_at,
            duty_id=message.duty_id,
            statutory=message.statutory,
            sealed_code=message.sealed_code,
            safe_contact=message.safe_contact.to_dict() if message.safe_contact else None,
        )

    def claim(self, force_id: str, case_id: str, key: str, at: datetime | None = None) -> OutboxMessage | None:
        item = OutboxItem(outbox_pk(force_id, case_id, key), f"OUTBOX#{key}")
        claimed_at = (at or datetime.now(UTC)).astimezone(UTC).isoformat()
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
        return _outbox_record(item)

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
        pk, sk = _outbox_key(message)
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

    def mark_sent(
        self,
        message: OutboxMessage,
        provider_message_id: str,
        *,
        sent_at: datetime | None = None,
        rendered_template: str | None = None,
    ) -> None:
        """SENT, the duty it meets, and a pointer from the provider's id back (for delivery events)."""
        from caseline.adapters.dynamodb.delivery import provider_pointer_item  # here: delivery imports this module

        when = sent_at or datetime.now(UTC)
        self._finish(
            message,
            OutboxStatus.SENT,
            [
                OutboxItem.provider_message_id.set(provider_message_id),
                OutboxItem.sent_at.set(when),
                OutboxItem.rendered_template.set(rendered_template or message.template_id),
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
            also_save=[self._item(fallback)] if fallback else (),
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
        upper = f"{claimed_before.astimezone(UTC).isoformat()}#~"
        try:
            items = CaselineItem.gsi1.query(f"SENDING#{force_id}", CaselineItem.gsi1sk <= upper)
            return [_outbox_record(item) for item in items if isinstance(item, OutboxItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

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
        upper = f"{now.astimezone(UTC).isoformat()}#~"
        try:
            items = CaselineItem.gsi1.query(f"DEFERRED#{force_id}", CaselineItem.gsi1sk <= upper)
            return [_outbox_record(item) for item in items if isinstance(item, OutboxItem)]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    def release_deferred(self, message: OutboxMessage) -> bool:
        pk, sk = _outbox_key(message)
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


class DynamoVictimCaseReader:
    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return self.account(user_id)[0]

    def account(self, user_id: str) -> tuple[list[CaseSummary], datetime | None]:
        """The account's linked cases and when its sessions last ended, from one Query of ``USER#{user}``
        (the partition holds only the links and that one mark)."""
        try:
            items = list(CaselineItem.query(f"USER#{user_id}"))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        ended = next((i.valid_after for i in items if isinstance(i, SessionEndItem)), None)
        links = [
            CaseSummary(
                force_id=item.force_id,
                case_id=item.case_id,
                crime_reference=item.crime_reference,
                category=item.category,
                stage=CaseStage.from_slug(item.stage),
                updated_at=item.updated_at,
                unread=int(item.unread or 0),
            )
            for item in items
            if isinstance(item, CaseLinkItem)
        ]
        return links, ended


__all__ = [
    "DynamoCaseRepository",
    "DynamoDutyRepository",
    "DynamoOutboxRepository",
    "DynamoVictimCaseReader",
    "PutError",
    "event_record",
]
