"""What dispatch needs to know before sending, from one read of the case's partition (or, for a report's
``report-received`` message to its reporter, of the report's partition, opening the reporter with KMS)."""

from __future__ import annotations

from datetime import datetime

from caseline.adapters.dynamodb.base import partition_items
from caseline.adapters.dynamodb.mappers import case_record, effective_victims, victim_choices
from caseline.adapters.dynamodb.models import CaseItem, CaselineItem, OutboxItem, PreferencesItem, VictimItem
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import OutboxStatus
from caseline.domain.reports import REPORTER_VICTIM_ID
from caseline.services.dispatch import DispatchContext


class DynamoDispatchReader:
    def __init__(self, reports: DynamoReportStore | None = None) -> None:
        self._reports = reports  # opens a report's reporter (KMS) for its report-received messages

    def context(self, force_id: str, case_id: str, victim_id: str) -> DispatchContext:
        if victim_id == REPORTER_VICTIM_ID:
            return self._report_context(force_id, case_id)
        items = partition_items(force_id, case_id, CaseItem, VictimItem, PreferencesItem, OutboxItem)
        prefs = victim_choices(items).get(victim_id, VictimPreferences())
        victim = next((v for v in effective_victims(items) if v.victim_id == victim_id), None)
        return DispatchContext(
            case=next((case_record(i) for i in items if isinstance(i, CaseItem)), None),
            victim=victim,
            preferences=prefs,
            recent_non_statutory=_first_sends(items, victim_id),
            planned_keys=frozenset(i.key for i in items if isinstance(i, OutboxItem)),
        )

    def _report_context(self, force_id: str, reference: str) -> DispatchContext:
        """A report's partition: the reporter (decrypted) with the report's own safe-contact answers."""
        if self._reports is None:
            raise RuntimeError("this reader cannot open reports")
        reporter, planned = self._reports.reporter(force_id, reference)
        return DispatchContext(
            case=None,
            victim=reporter,
            preferences=VictimPreferences(),
            recent_non_statutory=[],
            planned_keys=planned,
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
