"""Must-acknowledge safety alerts: the victim confirms one (the victim API), and the sweep repeats an
unconfirmed one on another safe channel, then makes it an officer task (``caseline.domain.alerts``).

A journey run raises the alert and its first timer (``journey_writes.run_alert``). Each timer is consumed
in the transaction that writes what it does, so a sweep that runs twice repeats nothing twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from caseline.domain.account_ports import AlertStore, AuditLog, CaseReader
from caseline.domain.alerts import (
    ACKNOWLEDGED_ACTION,
    ALERT_ID,
    ALERT_UNACKNOWLEDGED,
    REMINDER_TEMPLATE,
    TASK_STEP,
    AlertView,
    Escalation,
    SafetyAlert,
    alert_times,
    alert_url,
    alerts_for,
    escalation,
    next_due,
    repeat_channels,
)
from caseline.domain.errors import NotFoundError, ValidationFailedError
from caseline.domain.personalisation import ALERT_URL, common_values
from caseline.domain.ports import Clock
from caseline.domain.records import (
    AuditEntry,
    CaseRecord,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    VictimContact,
    WriteOutcome,
)
from caseline.domain.send_policy import planned_channels
from caseline.domain.vocabulary import FORCE_NAMES
from caseline.services.journey_writes import CONTENT_FREE_NEEDS, alert_timer
from caseline.services.journeys import JourneyEnvironment, JourneyState, RunWrites
from caseline.services.victim_cases import authorised


def acknowledge_alert(
    user_id: str,
    force_id: str,
    case_id: str,
    alert_id: str,
    *,
    reader: CaseReader,
    store: AlertStore,
    audit: AuditLog,
    clock: Clock,
) -> AlertView:
    """The victim has seen the alert. Idempotent: confirming again answers with the first confirmation.
    Another victim's alert, or one on a case the caller cannot see, is the same NotFoundError as none."""
    if not ALERT_ID.fullmatch(alert_id):
        raise ValidationFailedError("an alert id is 20 lowercase hexadecimal characters", field="alert_id")
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    alert = next((a for a in partition.alerts if a.alert_id == alert_id and a.victim_id == victim_id), None)
    if alert is None:
        raise NotFoundError("no such alert")
    if alert.acknowledged_at is None:
        now = clock.now()
        if store.acknowledge(alert, user_id, now) is WriteOutcome.DUPLICATE:  # confirmed a moment ago elsewhere
            alert = next(a for a in reader.read(force_id, case_id).alerts if a.alert_id == alert_id)
        else:
            reason = "victim confirmed they have seen a safety alert"
            audit.record(AuditEntry(force_id, case_id, user_id, ACKNOWLEDGED_ACTION, reason, now))
            alert = replace(alert, acknowledged_at=now, acknowledged_by=user_id)
    return alerts_for([alert], partition.events, victim_id)[0]


def fire_alert(
    timer: JourneyTimer, state: JourneyState, victim: VictimContact, env: JourneyEnvironment
) -> WriteOutcome:
    """An alert's timer fell due: nothing when it was confirmed; else repeat it, or raise the officer task."""
    case = state.case
    alert = state.alerts.get(timer.run_key)
    what = escalation(alert, timer.step)
    if case is None or alert is None or what is Escalation.NONE:
        env.store.drop_timer(timer)
        return WriteOutcome.DUPLICATE
    now = env.clock.now()
    messages: list[OutboxMessage] = []
    if what is Escalation.REPEAT:
        messages = _repeats(alert, case, victim, env.portal_url, now)
    after = next_due(timer.step, victim.tier, now, alert_times(env.alert_settings, case.force_id))
    task = None if messages else alert_task(alert, now, repeated=what is not Escalation.REPEAT)
    writes = RunWrites(
        force_id=case.force_id,
        case_id=case.case_id,
        journey_id=timer.journey_id,
        victim_id=victim.victim_id,
        messages=messages,
        tasks=[task] if task else [],
        timer=alert_timer(alert, *after) if after and messages and after[0] == TASK_STEP else None,
        consumed=timer,
    )
    return env.store.apply(writes)


def _repeats(
    alert: SafetyAlert, case: CaseRecord, victim: VictimContact, portal_url: str, now: datetime
) -> list[OutboxMessage]:
    """The reminder, statutory (the victim's safety), on the safe channels the alert did not go by (all of
    them when it went by every one). None when no channel is safe now: the force is told at once."""
    plan = planned_channels(victim)
    if plan.reason is not None:
        return []
    values = common_values(case, victim, portal_url=portal_url, force_name=FORCE_NAMES.get(case.force_id, ""))
    values = {k: v for k, v in values.items() if k in CONTENT_FREE_NEEDS} | {
        ALERT_URL: alert_url(portal_url, alert.alert_id)
    }
    return [
        OutboxMessage(
            force_id=case.force_id,
            case_id=case.case_id,
            key=f"alert-{alert.alert_id}#{REMINDER_TEMPLATE}#{channel.value}#{victim.victim_id}",
            victim_id=victim.victim_id,
            channel=channel.value,
            template_id=REMINDER_TEMPLATE,
            personalisation=values,
            status=OutboxStatus.PENDING,
            created_at=now,
            statutory=True,
        )
        for channel in repeat_channels(plan.channels, alert.channels)
    ]


def alert_task(alert: SafetyAlert, now: datetime, *, repeated: bool) -> OfficerTask:
    """The force must reach the victim another way: outbound ``org.caseline.alert.unacknowledged.v1``."""
    return OfficerTask(
        force_id=alert.force_id,
        case_id=alert.case_id,
        task_id=f"alert#{alert.alert_id}",
        reason=ALERT_UNACKNOWLEDGED,
        created_at=now,
        detail={
            "victim_id": alert.victim_id,
            "alert_id": alert.alert_id,
            "event_type": alert.event_type,
            "raised_at": alert.raised_at.isoformat(),
            "repeated": "yes" if repeated else "no",
        },
    )
