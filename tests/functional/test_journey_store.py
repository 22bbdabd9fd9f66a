"""The journeys' and duties' DynamoDB adapters against moto: all-or-nothing runs, timers on gsi1,
duties moving between the open and done lists, tasks reaching the force as outbound events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caseline.adapters.dynamodb.base import partition_items
from caseline.adapters.dynamodb.cases import DynamoCaseRepository
from caseline.adapters.dynamodb.dispatch import DynamoDispatchReader
from caseline.adapters.dynamodb.duties import DynamoDutyRepository
from caseline.adapters.dynamodb.journeys import DynamoJourneyStore
from caseline.adapters.dynamodb.models import (
    CaseItem,
    CaselineItem,
    DutyItem,
    OutboundItem,
    OutboxItem,
    TimerItem,
    case_pk,
)
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.domain.outbound import DEADLINE_AT_RISK, OFFICER_TASK_CREATED
from caseline.domain.records import (
    Duty,
    DutyStatus,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    SendReceipt,
    WriteOutcome,
)
from caseline.services.journeys import RunWrites
from caseline_local.template import Template

FORCE, CASE = "thames-valley", "TVP-S-1"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def message(key: str = "000000000001#advice#sms#V-1", **overrides: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "force_id": FORCE,
        "case_id": CASE,
        "key": key,
        "victim_id": "V-1",
        "channel": "sms",
        "template_id": "advice",
        "personalisation": {"name": "Alex"},
        "status": OutboxStatus.PENDING,
        "created_at": NOW,
        "statutory": False,
    }
    return OutboxMessage(**{**fields, **overrides})  # type: ignore[arg-type]


def timer(due: datetime, step: str = "remind", timer_id: str = "j#000000000001#V-1#remind") -> JourneyTimer:
    return JourneyTimer(FORCE, CASE, timer_id, due, "j", 1, step, "V-1", "000000000001", 1)


def duty(due: date, duty_id: str = "right-6#000000000002#V-1", **overrides: object) -> Duty:
    fields: dict[str, object] = {
        "force_id": FORCE,
        "case_id": CASE,
        "duty_id": duty_id,
        "right": "right-6-suspect-information",
        "due_on": due,
        "victim_id": "V-1",
        "tier": "standard",
        "started_on": date(2026, 11, 30),
        "working_days": {"standard": 5, "enhanced": 1},
    }
    return Duty(**{**fields, **overrides})  # type: ignore[arg-type]


def run_writes(**overrides: object) -> RunWrites:
    """The first run of journey ``j`` for victim V-1: a duty and a timer, and the messages and tasks given."""
    fields: dict[str, object] = {
        "force_id": FORCE,
        "case_id": CASE,
        "run_id": "j#000000000001#V-1",
        "journey_id": "j",
        "version": 1,
        "victim_id": "V-1",
        "duties": [duty(date(2026, 12, 7))],
        "timer": timer(NOW + timedelta(days=2)),
    }
    return RunWrites(**{**fields, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def store(aws: Template) -> DynamoJourneyStore:
    return DynamoJourneyStore()


def kinds() -> list[str]:
    """The sort keys' prefixes of everything on the case's partition."""
    return sorted(item.sk.split("#", 1)[0] for item in CaselineItem.query(case_pk(FORCE, CASE)))


def test_a_run_is_written_whole_once_and_a_replay_writes_nothing(store: DynamoJourneyStore) -> None:
    task = OfficerTask(FORCE, CASE, "journey#x#message-needs-another-way", "message-needs-another-way", NOW)
    writes = run_writes(messages=[message()], tasks=[task])
    assert store.apply(writes) is WriteOutcome.WRITTEN
    before = kinds()
    assert before == ["DUTY", "OUTBOUND", "OUTBOX", "RUN", "TASK", "TIMER"]
    # A replay (same run id), even with a different message, changes nothing
    again = RunWrites(**{**writes.__dict__, "messages": [message(key="000000000001#other#sms#V-1")]})
    assert store.apply(again) is WriteOutcome.DUPLICATE
    assert kinds() == before
    # The task reached the force's outbound list as an officer-task event
    [outbound] = [i for i in CaselineItem.query(case_pk(FORCE, CASE)) if isinstance(i, OutboundItem)]
    assert (outbound.event_type, outbound.data["reason"]) == (OFFICER_TASK_CREATED, "message-needs-another-way")
    assert store.state(FORCE, CASE).versions == {("j", "V-1"): 1}


def test_a_read_of_some_kinds_gets_only_those_items_of_the_partition(store: DynamoJourneyStore) -> None:
    writes = run_writes(messages=[message(), message(key="000000000001#advice#email#V-1", channel="email")])
    assert store.apply(writes) is WriteOutcome.WRITTEN
    assert len(partition_items(FORCE, CASE)) == 5  # run, two messages, duty, timer
    assert sorted(i.sk.split("#", 1)[0] for i in partition_items(FORCE, CASE, OutboxItem)) == ["OUTBOX", "OUTBOX"]
    both = partition_items(FORCE, CASE, DutyItem, TimerItem)
    assert sorted(type(i).__name__ for i in both) == ["DutyItem", "TimerItem"]
    assert partition_items(FORCE, CASE, CaseItem) == []  # nothing of that kind yet: an empty answer
    # The webhook's read of the case (case, timeline, victims, accounts) ignores a journey's writes
    loaded = DynamoCaseRepository().load(FORCE, CASE)
    assert (loaded.case, loaded.events, loaded.victims, loaded.linked_users) == (None, [], [], [])


def test_timers_are_found_when_due_and_consumed_once(store: DynamoJourneyStore) -> None:
    waiting = timer(NOW + timedelta(hours=48))
    store.set_timer(waiting, only_if_later=False)
    assert store.due_timers(FORCE, NOW) == []
    [due] = store.due_timers(FORCE, NOW + timedelta(hours=48))
    assert (due.step, due.run_key, due.due_at) == ("remind", "000000000001", waiting.due_at)
    resume = RunWrites(force_id=FORCE, case_id=CASE, journey_id="j", version=1, victim_id="V-1", consumed=due)
    assert store.apply(RunWrites(**{**resume.__dict__, "messages": [message()]})) is WriteOutcome.WRITTEN
    assert store.due_timers(FORCE, NOW + timedelta(days=30)) == []
    # A second sweep holding the same timer writes nothing
    assert store.apply(RunWrites(**{**resume.__dict__, "messages": [message("k2")]})) is WriteOutcome.DUPLICATE


def test_a_cadence_timer_only_ever_moves_later(store: DynamoJourneyStore) -> None:
    store.set_timer(timer(NOW + timedelta(days=28), timer_id="no-news#V-1"), only_if_later=True)
    store.set_timer(timer(NOW + timedelta(days=10), timer_id="no-news#V-1"), only_if_later=True)  # an older event
    [found] = store.due_timers(FORCE, NOW + timedelta(days=60))
    assert found.due_at == NOW + timedelta(days=28)
    store.set_timer(timer(NOW + timedelta(days=40), timer_id="no-news#V-1"), only_if_later=True)
    [found] = store.due_timers(FORCE, NOW + timedelta(days=60))
    assert found.due_at == NOW + timedelta(days=40)
    store.drop_timer(found)
    assert store.due_timers(FORCE, NOW + timedelta(days=60)) == []


def test_duties_move_from_the_open_list_to_the_done_list(aws: Template) -> None:
    store, duties, outbox = DynamoJourneyStore(), DynamoDutyRepository(), DynamoOutboxRepository()
    open_duty = duty(date(2026, 12, 7))
    met_duty = duty(date(2026, 12, 8), duty_id="right-3#000000000001#V-1", right="right-3-written-confirmation")
    sent = message("000000000001#confirmation#sms#V-1", duty_id=met_duty.duty_id, statutory=True)
    store.apply(RunWrites(FORCE, CASE, run_id="r1", duties=[open_duty, met_duty], messages=[sent]))
    # The confirmation is sent: its duty is met, with the message that met it, and leaves the open list
    claimed = outbox.claim(FORCE, CASE, sent.key)
    assert claimed is not None
    outbox.mark_sent(claimed, SendReceipt("provider-1", sent_at=NOW))
    assert [d.duty_id for d in duties.due_before(FORCE, date(2026, 12, 31))] == [open_duty.duty_id]
    [met] = [d for d in store.state(FORCE, CASE).duties if d.duty_id == met_duty.duty_id]
    assert (met.status, met.met_at, met.met_by) == (DutyStatus.MET, NOW, sent.key)
    # A tier change moves the open one; the sweep's moves are conditional on the status it saw
    duties.reschedule(open_duty, tier="enhanced", due_on=date(2026, 12, 1))
    [moved] = duties.due_before(FORCE, date(2026, 12, 1))
    assert (moved.due_on, moved.tier) == (date(2026, 12, 1), "enhanced")
    task = OfficerTask(FORCE, CASE, f"duty-at-risk#{moved.duty_id}", "duty-at-risk", NOW)
    assert duties.mark_at_risk(moved, task) is True
    assert duties.mark_at_risk(moved, task) is False
    [at_risk] = duties.due_before(FORCE, date(2026, 12, 1))
    assert duties.mark_missed(at_risk, "not met by the due date") is True
    assert duties.due_before(FORCE, date(2026, 12, 31)) == []
    # The compliance period sees both, whatever their state
    statuses = sorted(d.status.value for d in duties.due_between(FORCE, date(2026, 12, 1), date(2026, 12, 31)))
    assert statuses == ["met", "missed"]
    at_risk_events = [i for i in CaselineItem.query(case_pk(FORCE, CASE)) if isinstance(i, OutboundItem)]
    assert [e.event_type for e in at_risk_events] == [DEADLINE_AT_RISK]


def test_dispatch_reads_the_victims_recent_non_statutory_messages(aws: Template) -> None:
    store, outbox = DynamoJourneyStore(), DynamoOutboxRepository()
    advice, statutory = message(), message("000000000001#x#sms#V-1", statutory=True)
    advice_email = message("000000000001#advice#email#V-1", channel="email")
    store.apply(RunWrites(FORCE, CASE, run_id="r1", messages=[advice, advice_email, statutory]))
    for item in (advice, advice_email, statutory):
        claimed = outbox.claim(FORCE, CASE, item.key)
        assert claimed is not None
        outbox.mark_sent(claimed, SendReceipt(f"p-{item.key}", sent_at=NOW))
    context = DynamoDispatchReader().context(FORCE, CASE, "V-1")
    assert context.recent_non_statutory == [NOW]  # one step's email and SMS are one message; statutory not counted
    assert context.victim is None  # no victim item on this bare partition


def test_a_crash_between_sending_and_recording_never_sends_twice_and_is_reported(
    aws: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a pending message, and a dispatch that dies right after the provider accepted it
    from caseline.adapters.dynamodb import outbox as outbox_module
    from caseline.services.timers import STUCK_AFTER, report_unrecorded_sends
    from tests.unit.fakes import FixedClock

    store, outbox = DynamoJourneyStore(), DynamoOutboxRepository()
    store.apply(RunWrites(FORCE, CASE, run_id="r1", messages=[message(statutory=True)]))
    claimed = outbox.claim(FORCE, CASE, message().key)
    assert claimed is not None
    sent_by_provider = ["provider-1"]  # the provider sent it; then the function died before recording

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("the function was killed")

    monkeypatch.setattr(outbox_module.DynamoOutboxRepository, "mark_sent", crash)
    with pytest.raises(RuntimeError):
        outbox.mark_sent(claimed, SendReceipt(sent_by_provider[0]))
    monkeypatch.undo()
    # When the stream redelivers the record, the claim fails: nothing is sent again
    assert outbox.claim(FORCE, CASE, message().key) is None
    # And once the claim is older than the window, the sweep marks it unknown and tells the force, once
    clock = FixedClock(datetime.now(UTC))
    assert report_unrecorded_sends([FORCE], outbox=outbox, clock=clock) == 0
    clock.advance(seconds=STUCK_AFTER.total_seconds() + 1)
    assert report_unrecorded_sends([FORCE], outbox=outbox, clock=clock) == 1
    assert report_unrecorded_sends([FORCE], outbox=outbox, clock=clock) == 0
    stored = next(i for i in CaselineItem.query(case_pk(FORCE, CASE)) if i.sk.startswith("OUTBOX#"))
    assert (stored.status, stored.reason) == (OutboxStatus.UNKNOWN.value, "delivery-unknown")
    [event] = [i for i in CaselineItem.query(case_pk(FORCE, CASE)) if isinstance(i, OutboundItem)]
    assert event.data["reason"] == "delivery-unknown"
