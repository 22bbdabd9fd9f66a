"""The journeys' view of a case partition and their writes: runs (RUN#), timers (TIMER#, due ones found
through gsi1 ``TIMER#{force}`` ordered by due time), outbox messages, duties, tasks and access codes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.alerts import alert_item, alert_record
from caseline.adapters.dynamodb.base import (
    by_name,
    connection,
    due_in_gsi1,
    is_condition_failed,
    on_case,
    partition_items,
    transaction_outcome,
)
from caseline.adapters.dynamodb.duties import DynamoDutyRepository, duty_item, duty_record, met_actions
from caseline.adapters.dynamodb.mappers import (
    access_code_item,
    case_record,
    effective_victims,
    event_record,
    force_victims,
    outbox_item,
    victim_choices,
)
from caseline.adapters.dynamodb.models import (
    AccessCodeItem,
    AlertItem,
    CaseItem,
    CaselineItem,
    CaseMemberItem,
    DutyItem,
    EventItem,
    JourneyRunItem,
    OutboxItem,
    PreferencesItem,
    TimerItem,
    VictimItem,
    case_pk,
)
from caseline.adapters.dynamodb.tasks import save_task
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.ports import Clock
from caseline.domain.records import Duty, JourneyTimer, WriteOutcome
from caseline.services.journeys import JourneyState, RunWrites


def _timer_item(timer: JourneyTimer) -> TimerItem:
    due = timer.due_at.astimezone(UTC)
    return on_case(
        timer,
        TimerItem,
        sk=f"TIMER#{timer.timer_id}",
        due_at=due,
        gsi1pk=f"TIMER#{timer.force_id}",
        gsi1sk=f"{due.isoformat()}#{timer.case_id}#{timer.timer_id}",
    )


def _timer_record(item: TimerItem) -> JourneyTimer:
    return by_name(item, JourneyTimer, version=int(item.version), event_sequence=int(item.event_sequence))


def _linked_accounts(items: list[CaselineItem]) -> dict[str, tuple[str, ...]]:
    """Victim id -> the accounts linked as that victim (the case's ``MEMBER#`` items)."""
    accounts: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, CaseMemberItem):
            accounts.setdefault(item.victim_id, []).append(item.user_id)
    return {victim: tuple(sorted(users)) for victim, users in accounts.items()}


# What a run decides from (the case's messages, tasks and timers are not among them: the largest share of a
# busy partition)
_STATE_KINDS = (
    CaseItem,
    EventItem,
    VictimItem,
    PreferencesItem,
    CaseMemberItem,
    DutyItem,
    AlertItem,
    JourneyRunItem,
    AccessCodeItem,
)


class DynamoJourneyStore:
    def __init__(self, clock: Clock | None = None) -> None:
        self._duties = DynamoDutyRepository()
        self._clock = clock or SystemClock()

    def state(self, force_id: str, case_id: str) -> JourneyState:
        items = partition_items(force_id, case_id, *_STATE_KINDS)
        choices = victim_choices(items)
        return JourneyState(
            case=next((case_record(i) for i in items if isinstance(i, CaseItem)), None),
            events=[event_record(i) for i in items if isinstance(i, EventItem)],
            victims=effective_victims(items),
            linked_victims={i.victim_id for i in items if isinstance(i, CaseMemberItem)},
            preferences=choices,
            duties=[duty_record(i) for i in items if isinstance(i, DutyItem)],
            alerts={i.alert_id: alert_record(i) for i in items if isinstance(i, AlertItem)},
            versions={(i.journey_id, i.victim_id): int(i.version) for i in items if isinstance(i, JourneyRunItem)},
            code_expiry={i.victim_id: i.expires_at for i in items if isinstance(i, AccessCodeItem)},
            linked_accounts=_linked_accounts(items),
            force_profiles={v.victim_id: v.safe_contact for v in force_victims(items)},
        )

    def apply(self, writes: RunWrites) -> WriteOutcome:
        pk = case_pk(writes.force_id, writes.case_id)
        now = self._clock.now()
        try:
            with TransactWrite(connection=connection()) as transaction:
                if writes.run_id is not None:
                    run = by_name(writes, JourneyRunItem, pk=pk, sk=f"RUN#{writes.run_id}", started_at=now)
                    transaction.save(run, condition=JourneyRunItem.pk.does_not_exist())
                if writes.consumed is not None:
                    consumed = _timer_item(writes.consumed)
                    transaction.delete(consumed, condition=TimerItem.due_at == consumed.due_at)
                for message in writes.messages:
                    transaction.save(outbox_item(message), condition=OutboxItem.pk.does_not_exist())
                for duty in writes.duties:
                    transaction.save(duty_item(duty), condition=DutyItem.pk.does_not_exist())
                for duty_id in writes.settled:
                    transaction.update(
                        DutyItem(pk, f"DUTY#{duty_id}"),
                        actions=met_actions(writes.force_id, now, f"settled#{writes.journey_id}"),
                        condition=DutyItem.pk.exists(),
                    )
                for task in writes.tasks:
                    save_task(transaction, task)
                for code in writes.access_codes:
                    transaction.save(access_code_item(code))
                if writes.timer is not None:
                    transaction.save(_timer_item(writes.timer))
                if writes.alert is not None:
                    transaction.save(alert_item(writes.alert))
                if writes.alert_timer is not None:
                    transaction.save(_timer_item(writes.alert_timer))
        except TransactWriteError as exc:
            return transaction_outcome(exc)
        return WriteOutcome.WRITTEN

    def due_timers(self, force_id: str, now: datetime) -> list[JourneyTimer]:
        return [_timer_record(i) for i in due_in_gsi1(TimerItem, f"TIMER#{force_id}", now)]

    def set_timer(self, timer: JourneyTimer, *, only_if_later: bool) -> None:
        item = _timer_item(timer)
        condition: Any = (TimerItem.pk.does_not_exist() | (TimerItem.due_at < item.due_at)) if only_if_later else None
        try:
            item.save(condition=condition)
        except PutError as exc:
            if not is_condition_failed(exc):
                raise StorageUnavailableError() from exc

    def drop_timer(self, timer: JourneyTimer) -> None:
        try:
            _timer_item(timer).delete()
        except DeleteError as exc:
            raise StorageUnavailableError() from exc

    def reschedule_duty(self, duty: Duty, *, tier: str, due_on: date) -> None:
        self._duties.reschedule(duty, tier=tier, due_on=due_on)
