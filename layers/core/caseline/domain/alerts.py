"""Must-acknowledge safety alerts (docs/journeys.md#must-acknowledge-safety-alerts). Pure.

A journey ``send`` step with ``"acknowledge": true`` (suspect released, bailed, bail conditions changed
or cancelled, released under investigation) asks the victim to confirm they have seen the message, with
a button on the case page. Unconfirmed after the force's time for the victim's tier, the alert is
repeated on another safe channel; still unconfirmed after a second spell, it becomes an officer task
(outbound ``org.caseline.alert.unacknowledged.v1``). It never expires silently.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from caseline.domain.records import StoredEvent
from caseline.domain.timeline import describe
from caseline.domain.vocabulary import Channel

ALERT_UNACKNOWLEDGED = "alert-unacknowledged"  # the officer task's reason
ACKNOWLEDGED_ACTION = "alert-acknowledged"  # the audit item's action (the force figures count it)
REMINDER_TEMPLATE = "safety-alert-reminder"
ALERT_ID = re.compile(r"^[0-9a-f]{20}$")
ACKNOWLEDGED_TITLE = "You confirmed you had seen our message"
REPEAT_STEP = "repeat"
TASK_STEP = "task"
TIERS = ("standard", "enhanced")


@dataclass(frozen=True)
class AlertTimes:
    """Hours by tier: until the alert is repeated, then from the repeat until it becomes an officer task."""

    repeat_after_hours: Mapping[str, int]
    task_after_hours: Mapping[str, int]

    def repeat_after(self, tier: str) -> timedelta:
        return timedelta(hours=self.repeat_after_hours.get(tier, self.repeat_after_hours["standard"]))

    def task_after(self, tier: str) -> timedelta:
        return timedelta(hours=self.task_after_hours.get(tier, self.task_after_hours["standard"]))


def _times(document: Mapping[str, Any], where: str) -> AlertTimes:
    found: dict[str, dict[str, int]] = {}
    for name in ("repeat_after_hours", "task_after_hours"):
        hours = document.get(name)
        if not isinstance(hours, Mapping) or set(hours) != set(TIERS):
            raise ValueError(f"{where}.{name}: needs hours for {', '.join(TIERS)}")
        if not all(isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 720 for h in hours.values()):
            raise ValueError(f"{where}.{name}: each is a whole number of hours from 1 to 720")
        if hours["enhanced"] > hours["standard"]:
            raise ValueError(f"{where}.{name}: an enhanced-tier victim's time cannot be longer than a standard one's")
        found[name] = dict(hours)
    return AlertTimes(found["repeat_after_hours"], found["task_after_hours"])


def alert_times(document: Mapping[str, Any], force_id: str) -> AlertTimes:
    """The force's times (``forces.<force>``) or the deployment's default; raises ValueError when unsound."""
    forces = document.get("forces") or {}
    if force_id in forces:
        return _times(forces[force_id], f"forces.{force_id}")
    return _times(document.get("default") or {}, "default")


def check_settings(document: Mapping[str, Any]) -> list[str]:
    """Every problem with the settings document (empty when it is sound)."""
    problems = []
    for where, section in [("default", document.get("default") or {})] + [
        (f"forces.{force}", section) for force, section in (document.get("forces") or {}).items()
    ]:
        try:
            _times(section, where)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def alert_id(force_id: str, case_id: str, victim_id: str, sequence: int) -> str:
    """Opaque and stable (a replayed run writes the same alert): it names nobody, so it may go in a link's
    fragment."""
    return hashlib.sha256(f"{force_id}#{case_id}#{victim_id}#{sequence}".encode()).hexdigest()[:20]


def alert_url(portal_url: str, alert: str) -> str:
    """The case page at the alert: the portal finds the case from the id, which stays in the browser."""
    return f"{portal_url}/case.html#alert={alert}"


@dataclass(frozen=True)
class SafetyAlert:
    force_id: str
    case_id: str
    alert_id: str
    victim_id: str
    event_type: str
    event_sequence: int
    raised_at: datetime
    channels: tuple[str, ...] = ()  # the channels the alert itself was written for
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None  # the account that confirmed it


class Escalation(StrEnum):
    NONE = "none"  # confirmed (or gone): the timer is dropped
    REPEAT = "repeat"  # say it again, on another safe channel when there is one
    TASK = "task"  # a person at the force must reach the victim


def escalation(alert: SafetyAlert | None, step: str) -> Escalation:
    """What an alert's timer does when it falls due."""
    if alert is None or alert.acknowledged_at is not None:
        return Escalation.NONE
    return Escalation.REPEAT if step == REPEAT_STEP else Escalation.TASK


def next_due(step: str, tier: str, at: datetime, times: AlertTimes) -> tuple[str, datetime] | None:
    """The timer after ``step`` (the first one: ``step`` is empty), set at ``at``; None after the task."""
    if not step:
        return REPEAT_STEP, at + times.repeat_after(tier)
    if step == REPEAT_STEP:
        return TASK_STEP, at + times.task_after(tier)
    return None


def repeat_channels(safe: Sequence[Channel], first: Sequence[str]) -> tuple[Channel, ...]:
    """The safe channels the alert did not go by; when it went by all of them, all of them again."""
    others = tuple(c for c in safe if c.value not in first)
    return others or tuple(safe)


@dataclass(frozen=True)
class AlertView:
    """An alert as the case page shows it: what happened, and whether the victim has confirmed it."""

    alert_id: str
    title: str
    raised_at: datetime
    acknowledged_at: datetime | None
    event_sequence: int


def alerts_for(alerts: Sequence[SafetyAlert], events: Sequence[StoredEvent], victim_id: str) -> list[AlertView]:
    """The victim's own alerts, oldest first, titled as their timeline titles the event."""
    by_sequence = {e.sequence: e for e in events}
    found = []
    for alert in sorted((a for a in alerts if a.victim_id == victim_id), key=lambda a: a.raised_at):
        event = by_sequence.get(alert.event_sequence)
        title = describe(event.event_type, event.data)[0] if event else describe(alert.event_type, {})[0]
        found.append(AlertView(alert.alert_id, title, alert.raised_at, alert.acknowledged_at, alert.event_sequence))
    return found
