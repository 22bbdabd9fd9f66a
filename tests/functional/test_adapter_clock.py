"""The DynamoDB adapters stamp times from the clock they are given (the system clock by default), so a
test or a replay can fix "now" for the adapters as it does for the services."""

from __future__ import annotations

from datetime import UTC, datetime

from caseline.adapters.dynamodb.case_view import DynamoPreferencesStore
from caseline.adapters.dynamodb.delivery import DynamoSuppressionList, suppression_sort_key
from caseline.adapters.dynamodb.journeys import DynamoJourneyStore
from caseline.adapters.dynamodb.mappers import POINTER_KEPT, provider_pointer_pk
from caseline.adapters.dynamodb.models import CaselineItem, case_pk
from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.domain.outbound import OutboundEvent
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import OutboxMessage, OutboxStatus, SendReceipt, WriteOutcome
from caseline.services.journeys import RunWrites
from caseline_local.template import Template
from tests.unit.fakes import FixedClock

FORCE, CASE = "thames-valley", "TVP-C-1"
THEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)  # long past: a system clock would never give it


def test_outbox_and_journey_writes_take_their_time_from_the_clock(aws: Template) -> None:
    clock = FixedClock(THEN)
    message = OutboxMessage(
        force_id=FORCE,
        case_id=CASE,
        key="000000000001#advice#sms#V-1",
        victim_id="V-1",
        channel="sms",
        template_id="advice",
        personalisation={},
        status=OutboxStatus.PENDING,
        created_at=THEN,
    )
    store, outbox = DynamoJourneyStore(clock=clock), DynamoOutboxRepository(clock=clock)
    assert store.apply(RunWrites(FORCE, CASE, run_id="r1", messages=[message])) == WriteOutcome.WRITTEN
    assert CaselineItem.get(case_pk(FORCE, CASE), "RUN#r1").started_at == THEN

    claimed = outbox.claim(FORCE, CASE, message.key)
    assert claimed is not None
    assert CaselineItem.get(case_pk(FORCE, CASE), f"OUTBOX#{message.key}").gsi1sk.startswith(THEN.isoformat())
    outbox.mark_sent(claimed, SendReceipt("provider-1"))
    assert CaselineItem.get(case_pk(FORCE, CASE), f"OUTBOX#{message.key}").sent_at == THEN
    pointer = CaselineItem.get(provider_pointer_pk("provider-1"), "PROVIDER")
    assert pointer.expires_at == THEN + POINTER_KEPT


def test_outbound_suppression_and_preference_writes_take_their_time_from_the_clock(aws: Template) -> None:
    clock = FixedClock(THEN)
    outbound = DynamoOutboundRepository(clock=clock)
    event = OutboundEvent(FORCE, CASE, "o-1", "victim.update-requested", {}, THEN)
    assert outbound.create(event) == WriteOutcome.WRITTEN
    outbound.mark_delivered(event, attempts=1)
    assert CaselineItem.get(case_pk(FORCE, CASE), "OUTBOUND#o-1").delivered_at == THEN

    DynamoSuppressionList(sns_client=None, clock=clock).suppress(FORCE, "email", "a@example.org", "bounce")
    assert CaselineItem.get(f"SUPPRESS#{FORCE}", suppression_sort_key("email", "a@example.org")).at == THEN

    DynamoPreferencesStore(clock=clock).save(FORCE, CASE, "V-1", VictimPreferences(), ask=None)
    assert CaselineItem.get(case_pk(FORCE, CASE), "PREFS#V-1").updated_at == THEN
