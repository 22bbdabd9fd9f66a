"""Victims' Code deadlines: the scheduled sweep flags duties due today (the force is told they are at
risk) and marks those past their due date missed, with the reason; the compliance view counts them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from caseline.domain.calendar import uk_date
from caseline.domain.ports import Clock, DutyStore, TimeLeft, always
from caseline.domain.records import Duty, DutyStatus, OfficerTask

NOT_MET = "not met by the due date"


@dataclass(frozen=True)
class SweepResult:
    at_risk: int
    missed: int


def sweep_due_duties(
    forces: Iterable[str], *, duties: DutyStore, clock: Clock, time_left: TimeLeft = always
) -> SweepResult:
    """Open duties due today become at risk (a task for the force); any due before today are missed (while
    there is time: the rest are found again by the next run)."""
    now = clock.now()
    today = uk_date(now)
    at_risk = missed = 0
    for force_id in forces:
        for duty in duties.due_before(force_id, today):
            if not time_left():
                return SweepResult(at_risk=at_risk, missed=missed)
            if duty.due_on < today:
                missed += duties.mark_missed(duty, duty.reason or NOT_MET)
            elif duty.status is DutyStatus.OPEN:
                task = OfficerTask.on(
                    duty,
                    "duty-at-risk",
                    duty.duty_id,
                    reason="duty-at-risk",
                    at=now,
                    detail={
                        "duty_id": duty.duty_id,
                        "right": duty.right,
                        "due_on": duty.due_on.isoformat(),
                        "victim_id": duty.victim_id or "",
                    },
                )
                at_risk += duties.mark_at_risk(duty, task)
    return SweepResult(at_risk=at_risk, missed=missed)


@dataclass(frozen=True)
class ComplianceRow:
    right: str
    tier: str
    due: int
    met_on_time: int
    met_late: int
    missed: int
    open: int


def compliance(duties: Sequence[Duty]) -> list[ComplianceRow]:
    """Per right and tier: how many fell due, were met on time, met late, missed, or are still open."""
    rows: dict[tuple[str, str], list[int]] = {}
    for duty in duties:
        counts = rows.setdefault((duty.right, duty.tier), [0, 0, 0, 0, 0])
        counts[0] += 1
        if duty.status is DutyStatus.MET:
            on_time = duty.met_at is not None and uk_date(duty.met_at) <= duty.due_on
            counts[1 if on_time else 2] += 1
        elif duty.status is DutyStatus.MISSED:
            counts[3] += 1
        else:
            counts[4] += 1
    return [ComplianceRow(right, tier, *counts) for (right, tier), counts in sorted(rows.items())]
