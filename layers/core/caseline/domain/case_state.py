"""A case's state is the fold of its timeline in sequence order, whatever order events arrived in.

Folding every stored event (not only the newest) means a late event still fills in what it carries
(an officer's name, say), while the stage can only move forward: each event proposes a stage and the
case keeps the furthest one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage, next_stage
from caseline.domain.records import CaseRecord, StoredEvent

# The stage each event type moves the case to (None: no change).
STAGE_OF: dict[str, CaseStage | None] = {
    ev.CRIME_RECORDED: CaseStage.REPORTED,
    ev.OFFICER_ASSIGNED: CaseStage.OFFICER_ASSIGNED,
    ev.NEEDS_ASSESSED: None,
    ev.INVESTIGATION_UPDATED: CaseStage.INVESTIGATING,
    **dict.fromkeys(ev.SUSPECT_EVENTS, CaseStage.INVESTIGATING),
    ev.SUSPECT_CHARGED: CaseStage.OUTCOME,
    ev.DECISION_NOT_TO_INVESTIGATE: CaseStage.OUTCOME,
    ev.OUTCOME_RECORDED: CaseStage.OUTCOME,
    ev.COURT_HEARING_SCHEDULED: CaseStage.OUTCOME,
    ev.COURT_OUTCOME: CaseStage.OUTCOME,
    ev.OFFICER_MESSAGE: None,
    ev.VICTIM_CONTACT_CHANGED: None,
    ev.CASE_CLOSED: CaseStage.CLOSED,
    ev.ACCESS_CODE_REISSUED: None,
    ev.ACCESS_REVOKED: None,
    ev.OFFICER_UNAVAILABLE: None,
    ev.OFFICER_AVAILABLE: None,
    ev.ACCESS_DELEGATED: None,
    ev.ACCESS_DELEGATION_ENDED: None,
}


def empty_case(force_id: str, case_id: str) -> CaseRecord:
    """A case that has events but no recorded crime yet (they arrived before ``crime.recorded``)."""
    return CaseRecord(
        force_id=force_id,
        case_id=case_id,
        crime_reference=None,
        category=None,
        flags=(),
        stage=CaseStage.REPORTED,
        sequence=0,
        officer=None,
        recorded_at=None,
        updated_at=None,
        revision=0,
    )


def _apply(case: CaseRecord, event: StoredEvent) -> CaseRecord:
    data = event.data
    proposed = STAGE_OF.get(event.event_type)
    changes: dict[str, object] = {}
    if event.event_type == ev.CRIME_RECORDED:
        changes.update(
            crime_reference=data["crime_reference"],
            category=data["category"],
            flags=tuple(data.get("flags") or ()),
            recorded_at=datetime.fromisoformat(str(data["recorded_at"])),
        )
        if data.get("officer"):
            changes["officer"] = dict(data["officer"])
            proposed = CaseStage.OFFICER_ASSIGNED
    elif event.event_type == ev.OFFICER_ASSIGNED:  # a new officer is not the one who was away
        changes.update(officer=dict(data["officer"]), officer_absence=None)
    elif event.event_type == ev.OFFICER_UNAVAILABLE:
        changes["officer_absence"] = {key: str(value) for key, value in data.items() if value is not None}
    elif event.event_type == ev.OFFICER_AVAILABLE:
        changes["officer_absence"] = None
    stage = next_stage(case.stage, proposed) if proposed else case.stage
    newest = event.sequence >= case.sequence
    return replace(
        case,
        **changes,  # type: ignore[arg-type]
        stage=stage,
        sequence=max(case.sequence, event.sequence),
        updated_at=event.occurred_at if newest or case.updated_at is None else case.updated_at,
    )


def fold(force_id: str, case_id: str, timeline: Iterable[StoredEvent], *, revision: int) -> CaseRecord:
    """The case as its events describe it, applied in (sequence, event id) order."""
    case = empty_case(force_id, case_id)
    for event in sorted(timeline, key=lambda e: (e.sequence, e.event_id)):
        case = _apply(case, event)
    return replace(case, revision=revision)
