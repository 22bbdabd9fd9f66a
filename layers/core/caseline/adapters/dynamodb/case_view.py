"""The victim's view of a case: one Query on the case's partition; audit entries; victim messages."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, GetError, PutError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.dynamodb.models import (
    AuditItem,
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    EventItem,
    MessageItem,
    OutboundItem,
    PreferencesItem,
    VictimItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbound import outbound_item, outbound_record
from caseline.adapters.dynamodb.repository import _case_record, _connection, _victim_record, event_record
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import AuditEntry, CasePartition, VictimMessage, WriteOutcome


class DynamoCaseReader:
    def read(self, force_id: str, case_id: str) -> CasePartition:
        partition = CasePartition(case=None, events=[], victims=[], members={}, messages=[], outbound=[])
        case = None
        try:
            for item in CaselineItem.query(case_pk(force_id, case_id), consistent_read=True):
                if isinstance(item, CaseItem):
                    case = _case_record(item)
                elif isinstance(item, EventItem):
                    partition.events.append(event_record(item))
                elif isinstance(item, VictimItem):
                    partition.victims.append(_victim_record(item))
                elif isinstance(item, CaseMemberItem):
                    partition.members[item.user_id] = item.victim_id
                    if item.read_at is not None:
                        partition.read_at[item.user_id] = item.read_at
                elif isinstance(item, MessageItem):
                    partition.messages.append(
                        VictimMessage(
                            item.force_id, item.case_id, item.message_id, item.user_id, item.text, item.sent_at
                        )
                    )
                elif isinstance(item, OutboundItem):
                    partition.outbound.append(outbound_record(item))
        except QueryError as exc:
            raise StorageUnavailableError() from exc
        return CasePartition(
            case,
            partition.events,
            partition.victims,
            partition.members,
            partition.messages,
            partition.outbound,
            partition.read_at,
        )


class DynamoAuditLog:
    def record(self, entry: AuditEntry) -> None:
        item = AuditItem(
            f"AUDIT#{entry.force_id}#{entry.case_id}",
            f"{entry.at.isoformat()}#{entry.user_id}#{entry.action}",
            force_id=entry.force_id,
            case_id=entry.case_id,
            user_id=entry.user_id,
            action=entry.action,
            reason=entry.reason,
            at=entry.at,
        )
        try:
            item.save()
        except PutError as exc:
            raise StorageUnavailableError() from exc


class DynamoReadState:
    def mark_read(self, user_id: str, force_id: str, case_id: str, at: datetime) -> None:
        """The victim has read the case: nothing is unread for them, here and in "my cases"."""
        pk = case_pk(force_id, case_id)
        try:
            with TransactWrite(connection=_connection()) as transaction:
                transaction.update(
                    CaseMemberItem(pk, f"MEMBER#{user_id}"),
                    actions=[CaseMemberItem.read_at.set(at)],
                    condition=CaseMemberItem.pk.exists(),
                )
                transaction.update(
                    CaseLinkItem(f"USER#{user_id}", pk),
                    actions=[CaseLinkItem.unread.set(0)],
                    condition=CaseLinkItem.pk.exists(),
                )
        except TransactWriteError as exc:
            raise StorageUnavailableError() from exc


class DynamoMessageStore:
    def send(self, message: VictimMessage, outbound: OutboundEvent) -> WriteOutcome:
        """The message and its outbound event to the force, together or not at all."""
        item = MessageItem(
            case_pk(message.force_id, message.case_id),
            f"MESSAGE#{message.sent_at.isoformat()}#{message.message_id}",
            force_id=message.force_id,
            case_id=message.case_id,
            message_id=message.message_id,
            user_id=message.user_id,
            text=message.text,
            sent_at=message.sent_at,
        )
        try:
            with TransactWrite(connection=_connection()) as transaction:
                transaction.save(item, condition=MessageItem.pk.does_not_exist())
                transaction.save(outbound_item(outbound), condition=OutboundItem.pk.does_not_exist())
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                return WriteOutcome.DUPLICATE
            raise StorageUnavailableError() from exc
        return WriteOutcome.WRITTEN


class DynamoPreferencesStore:
    def load(self, force_id: str, case_id: str, victim_id: str) -> VictimPreferences | None:
        try:
            item = CaselineItem.get(case_pk(force_id, case_id), f"PREFS#{victim_id}", consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as exc:
            raise StorageUnavailableError() from exc
        return VictimPreferences.from_dict(item.preferences or {}) if isinstance(item, PreferencesItem) else None

    def save(
        self, force_id: str, case_id: str, victim_id: str, preferences: VictimPreferences, ask: OutboundEvent | None
    ) -> None:
        item = PreferencesItem(
            case_pk(force_id, case_id),
            f"PREFS#{victim_id}",
            force_id=force_id,
            case_id=case_id,
            victim_id=victim_id,
            preferences=preferences.to_dict(),
            updated_at=datetime.now(UTC),
        )
        try:
            with TransactWrite(connection=_connection()) as transaction:
                transaction.save(item)
                if ask is not None:
                    transaction.save(outbound_item(ask), condition=OutboundItem.pk.does_not_exist())
        except TransactWriteError as exc:
            raise StorageUnavailableError() from exc
