"""What dispatch needs to know before sending, from one read of the case's partition."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from caseline.adapters.dynamodb.base import partition_items
from caseline.adapters.dynamodb.models import CaseItem, CaselineItem, OutboxItem, PreferencesItem, VictimItem
from caseline.adapters.dynamodb.repository import _case_record, _victim_record
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import OutboxStatus
from caseline.services.dispatch import DispatchContext


class DynamoDispatchReader:
    def context(self, force_id: str, case_id: str, victim_id: str) -> DispatchContext:
        items = partition_items(force_id, case_id)
        prefs = next(
            (
                VictimPreferences.from_dict(i.preferences or {})
                for i in items
                if isinstance(i, PreferencesItem) and i.victim_id == victim_id
            ),
            VictimPreferences(),
        )
        victims = [_victim_record(i) for i in items if isinstance(i, VictimItem)]
        victim = next((v for v in victims if v.victim_id == victim_id), None)
        if victim is not None:
            victim = replace(victim, safe_contact=effective_profile(victim.safe_contact, prefs))
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
