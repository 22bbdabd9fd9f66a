"""What dispatch needs to know before sending, from one read of the case's partition."""

from __future__ import annotations

from datetime import datetime

from caseline.adapters.dynamodb.base import partition_items
from caseline.adapters.dynamodb.models import CaseItem, CaselineItem, OutboxItem
from caseline.adapters.dynamodb.repository import _case_record, effective_victims, victim_choices
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import OutboxStatus
from caseline.services.dispatch import DispatchContext


class DynamoDispatchReader:
    def context(self, force_id: str, case_id: str, victim_id: str) -> DispatchContext:
        items = partition_items(force_id, case_id)
        prefs = victim_choices(items).get(victim_id, VictimPreferences())
        victim = next((v for v in effective_victims(items) if v.victim_id == victim_id), None)
        return DispatchContext(
            case=next((_case_record(i) for i in items if isinstance(i, CaseItem)), None),
            victim=victim,
            preferences=prefs,
            recent_non_statutory=_first_sends(items, victim_id),
            planned_keys=frozenset(i.key for i in items if isinstance(i, OutboxItem)),
        )


def _first_sends(items: list[CaselineItem], victim_id: str) -> list[datetime]:
    """When each non-statutory message went to the victim: one per journey step (its email and its SMS
    are one message to the victim), keyed by run and template."""
    first: dict[str, datetime] = {}
    for item in items:
        if (
            isinstance(item, OutboxItem)
            and item.victim_id == victim_id
            and item.statutory is False
            and item.status == OutboxStatus.SENT.value
            and item.sent_at is not None
        ):
            run, template = item.key.split("#", 2)[:2]
            step = f"{run}#{template}"
            first[step] = min(first.get(step, item.sent_at), item.sent_at)
    return sorted(first.values())
