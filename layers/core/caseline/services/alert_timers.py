"""Must-acknowledge safety alerts in the sweep: an alert's timer repeats an unconfirmed alert on another
safe channel, then makes it an officer task (``caseline.domain.alerts``).

Each timer is consumed in the transaction that writes what it does, so a sweep that runs twice repeats
nothing twice. Apart from ``alerts`` (the victim API's side) so that the API never loads the journeys.
"""

from __future__ import annotations

from datetime import datetime

from caseline.domain.alerts import (
    ALERT_UNACKNOWLEDGED,
    REMINDER_TEMPLATE,
    TASK_STEP,
    Escalation,
    SafetyAlert,
    alert_times,
    alert_url,
    escalation,
    next_due,
    repeat_channels,
)
from caseline.domain.personalisation import ALERT_URL, common_values
from caseline.domain.records import (
    CaseRecord,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    VictimContact,
    WriteOutcome,
    statutory_messages,
)
from caseline.domain.send_policy import planned_channels
from caseline.domain.vocabulary import FORCE_NAMES
from caseline.services.journey_writes import CONTENT_FREE_NEEDS, alert_timer
from caseline.services.journeys import JourneyEnvironment, JourneyState, RunWrites


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
    channels, on = repeat_channels(plan.channels, alert.channels), (case.force_id, case.case_id)
    return statutory_messages(on, victim.victim_id, f"alert-{alert.alert_id}", REMINDER_TEMPLATE, channels, values, now)


def alert_task(alert: SafetyAlert, now: datetime, *, repeated: bool) -> OfficerTask:
    """The force must reach the victim another way: outbound ``org.caseline.alert.unacknowledged.v1``."""
    return OfficerTask.on(
        alert,
        "alert",
        alert.alert_id,
        reason=ALERT_UNACKNOWLEDGED,
        at=now,
        detail={
            "victim_id": alert.victim_id,
            "alert_id": alert.alert_id,
            "event_type": alert.event_type,
            "raised_at": alert.raised_at.isoformat(),
            "repeated": "yes" if repeated else "no",
        },
    )
