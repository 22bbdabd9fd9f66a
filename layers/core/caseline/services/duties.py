"""Scheduled sweep: open duties whose deadline has arrived become at-risk officer tasks."""

from __future__ import annotations

from collections.abc import Iterable

from caseline.domain.calendar import uk_date
from caseline.domain.ports import Clock, DutyRepository
from caseline.domain.records import OfficerTask


def sweep_due_duties(forces: Iterable[str], *, duties: DutyRepository, clock: Clock) -> int:
    """Flag every open duty due today or earlier. Returns how many were newly flagged."""
    now = clock.now()
    flagged = 0
    for force_id in forces:
        for duty in duties.due_before(force_id, uk_date(now)):
            task = OfficerTask(
                force_id=duty.force_id,
                case_id=duty.case_id,
                task_id=f"duty-at-risk#{duty.duty_id}",
                reason="duty-at-risk",
                created_at=now,
                detail={"duty_id": duty.duty_id, "right": duty.right, "due_on": duty.due_on.isoformat()},
            )
            flagged += duties.mark_at_risk(duty, task)
    return flagged
