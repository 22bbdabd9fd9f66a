"""The victim's view of a case: one Query on the case's partition; audit entries; victim messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.alerts import alert_record
from caseline.adapters.dynamodb.allowances import scope_of, use_allowance
from caseline.adapters.dynamodb.base import (
    by_name,
    connection,
    failed_indexes,
    get_item,
    lost_a_race,
    on_case,
    partition_items,
    transaction_outcome,
)
from caseline.adapters.dynamodb.delegation import delegation_record
from caseline.adapters.dynamodb.duties import duty_record
from caseline.adapters.dynamodb.mappers import case_record, event_record, victim_record
from caseline.adapters.dynamodb.models import (
    AlertItem,
    AllowanceItem,
    AuditItem,
    CaseDelegateItem,
    CaseItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    DutyItem,
    EventItem,
    MessageItem,
    OutboundItem,
    PreferencesItem,
    SessionEndItem,
    SurveyItem,
    TimerItem,
    VictimItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbound import outbound_item, outbound_record
from caseline.adapters.dynamodb.survey import survey_response
from caseline.domain.allowances import Allowance
from caseline.domain.errors import NotFoundError, StorageUnavailableError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.personalisation import NO_NEWS_TIMER
from caseline.domain.ports import Clock
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import AuditEntry, CasePartition, VictimMessage, WriteOutcome

# The kinds of item the victim view reads: not the outbox (on a busy case, most of the partition), the
# journey runs, tasks or codes
CASE_VIEW_KINDS: tuple[type[CaselineItem], ...] = (
    CaseItem,
    EventItem,
    VictimItem,
    CaseMemberItem,
    MessageItem,
    OutboundItem,
    SurveyItem,
    PreferencesItem,
    SessionEndItem,
    DutyItem,
    AlertItem,
    CaseDelegateItem,
    TimerItem,
    AllowanceItem,
)
# An account's messages allowance outlives the 24 hours its messages count for, then the table's TTL removes it
MESSAGES_ALLOWANCE_KEPT = timedelta(days=2)


class DynamoCaseReader:
    def read(self, force_id: str, case_id: str) -> CasePartition:
        return case_partition(partition_items(force_id, case_id, *CASE_VIEW_KINDS))


def case_partition(items: list[CaselineItem]) -> CasePartition:
    """What the victim view needs of a case's items (the call handler's view reads the same Query)."""
    members = [i for i in items if isinstance(i, CaseMemberItem)]
    return CasePartition(
        case=next((case_record(i) for i in items if isinstance(i, CaseItem)), None),
        events=[event_record(i) for i in items if isinstance(i, EventItem)],
        victims=[victim_record(i) for i in items if isinstance(i, VictimItem)],
        members={m.user_id: m.victim_id for m in members},
        messages=[
            VictimMessage(i.force_id, i.case_id, i.message_id, i.user_id, i.text, i.sent_at)
            for i in items
            if isinstance(i, MessageItem)
        ],
        outbound=[outbound_record(i) for i in items if isinstance(i, OutboundItem)],
        read_at={m.user_id: m.read_at for m in members if m.read_at is not None},
        surveys={i.victim_id: survey_response(i) for i in items if isinstance(i, SurveyItem)},
        preferences={
            i.victim_id: VictimPreferences.from_dict(i.preferences or {})
            for i in items
            if isinstance(i, PreferencesItem)
        },
        sessions_end={i.user_id: i.valid_after for i in items if isinstance(i, SessionEndItem)},
        duties=[duty_record(i) for i in items if isinstance(i, DutyItem)],
        alerts=[alert_record(i) for i in items if isinstance(i, AlertItem)],
        delegations=[delegation_record(i) for i in items if isinstance(i, CaseDelegateItem)],
        no_news_at={i.victim_id: i.due_at for i in items if isinstance(i, TimerItem) and i.journey_id == NO_NEWS_TIMER},
        allowances={scope_of(i): int(i.version) for i in items if isinstance(i, AllowanceItem)},
    )


def audit_item(entry: AuditEntry) -> AuditItem:
    """A consultation-log entry: under AUDIT#{force}#{case}, sorted by time."""
    return by_name(
        entry,
        AuditItem,
        pk=f"AUDIT#{entry.force_id}#{entry.case_id}",
        sk=f"{entry.at.isoformat()}#{entry.user_id}#{entry.action}",
    )


class DynamoAuditLog:
    def record(self, entry: AuditEntry) -> None:
        try:
            audit_item(entry).save()
        except PutError as exc:
            raise StorageUnavailableError() from exc


class DynamoReadState:
    def mark_read(self, user_id: str, force_id: str, case_id: str, at: datetime) -> None:
        """The victim has read the case: nothing is unread for them, here and in "my cases"."""
        pk = case_pk(force_id, case_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
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
            if failed_indexes(exc):  # the link was removed since the case was read: as for a stranger
                raise NotFoundError("no such case") from exc
            raise StorageUnavailableError() from exc


class DynamoMessageStore:
    def send(self, message: VictimMessage, outbound: OutboundEvent, allowance: Allowance) -> WriteOutcome:
        """The message, its outbound event to the force and the account's messages ``allowance`` (still the
        version read), together or not at all: DUPLICATE when the outbound event exists already (a retry with
        the message's key), CONFLICT when the allowance changed since it was read."""
        item = on_case(message, MessageItem, sk=f"MESSAGE#{message.sent_at.isoformat()}#{message.message_id}")
        expires_at = message.sent_at + MESSAGES_ALLOWANCE_KEPT
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(outbound_item(outbound), condition=OutboundItem.pk.does_not_exist())
                transaction.save(item, condition=MessageItem.pk.does_not_exist())
                use_allowance(transaction, message.force_id, message.case_id, allowance, expires_at=expires_at)
        except TransactWriteError as exc:
            return WriteOutcome.CONFLICT if lost_a_race(exc) else transaction_outcome(exc, duplicate=0)
        return WriteOutcome.WRITTEN


class DynamoPreferencesStore:
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def load(self, force_id: str, case_id: str, victim_id: str) -> VictimPreferences | None:
        item = get_item(PreferencesItem, case_pk(force_id, case_id), f"PREFS#{victim_id}")
        return VictimPreferences.from_dict(item.preferences or {}) if item is not None else None

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
            updated_at=self._clock.now(),
        )
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(item)
                if ask is not None:
                    transaction.save(outbound_item(ask), condition=OutboundItem.pk.does_not_exist())
        except TransactWriteError as exc:
            raise StorageUnavailableError() from exc
