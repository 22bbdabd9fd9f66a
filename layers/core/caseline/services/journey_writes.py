"""What one journey run writes, step by step: duties, one access code, messages, tasks and a timer.

Every id is keyed on business identity (the run key and the victim), so a replayed run writes the same
items and the conditional transaction turns it away. The channels each message is written for come from
the send policy (``caseline.domain.send_policy.planned_channels``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from caseline.domain import access_code
from caseline.domain.alerts import REPEAT_STEP, AlertTimes, SafetyAlert, alert_id, alert_url, next_due
from caseline.domain.calendar import add_working_days, uk_date
from caseline.domain.journeys import UNRECOGNISED_VALUE, JourneyContext, JourneyDefinition, Plan, unrecognised_values
from caseline.domain.personalisation import (
    ACCOUNT_ADDED,
    ALERT_TIMER,
    ALERT_URL,
    CONTACT_REDUCED,
    common_values,
    event_values,
)
from caseline.domain.ports import CodeSealer
from caseline.domain.records import (
    AccessCodeRecord,
    Duty,
    DutyStatus,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    message_key,
)
from caseline.domain.send_policy import planned_channels
from caseline.domain.timeline import long_date
from caseline.domain.vocabulary import FORCE_NAMES

CONTENT_FREE_NEEDS = frozenset({"name", "force_name", "force_phone", "portal_url"})


@dataclass(frozen=True)
class RunInputs:
    """One run of one journey for one victim: the plan and what it is keyed on."""

    definition: JourneyDefinition
    ctx: JourneyContext
    steps: Plan
    run_key: str
    sequence: int  # the event's (0 for a cadence), kept on the timer to find the event again
    started_at: datetime  # when deadlines start
    now: datetime
    extra_values: Mapping[str, str] = field(default_factory=dict)
    pin_profile: bool = False  # the messages obey ``ctx.victim``'s profile when sent, not the current one

    @property
    def prefix(self) -> str:
        return f"{self.run_key}#{self.ctx.victim.victim_id}"

    @property
    def met_now(self) -> set[str]:
        """Duties started and settled in the same plan: written already met (one item, one write)."""
        return {d.right for d in self.steps.duties} & set(self.steps.settled)


def run_duties(run: RunInputs) -> list[Duty]:
    case, victim, met_now = run.ctx.case, run.ctx.victim, run.met_now
    started_on = uk_date(run.started_at)
    return [
        Duty(
            force_id=case.force_id,
            case_id=case.case_id,
            duty_id=f"{d.right}#{run.prefix}",
            right=d.right,
            due_on=add_working_days(started_on, d.working_days.get(victim.tier, d.working_days["standard"])),
            victim_id=victim.victim_id,
            tier=victim.tier,
            started_on=started_on,
            working_days=dict(d.working_days),
            status=DutyStatus.MET if d.right in met_now else DutyStatus.OPEN,
            met_at=run.now if d.right in met_now else None,
            met_by=f"settled#{run.definition.journey_id}" if d.right in met_now else None,
        )
        for d in run.steps.duties
    ]


def settled_duties(run: RunInputs) -> list[str]:
    """Duty ids met by something other than a message (those started in this plan are written met)."""
    return [f"{right}#{run.prefix}" for right in run.steps.settled if right not in run.met_now]


def run_values(run: RunInputs, portal_url: str) -> dict[str, str]:
    case, victim = run.ctx.case, run.ctx.victim
    return {
        **common_values(case, victim, portal_url=portal_url, force_name=FORCE_NAMES.get(case.force_id, "")),
        **event_values(run.ctx.trigger, run.ctx.data),
        # The survey page needs the case, which a URL never names: the victim signs in, and the closed
        # case's page links to its survey.
        "survey_url": f"{portal_url}/cases.html",
        **run.extra_values,
    }


def new_access_code(
    run: RunInputs, placeholders: Mapping[str, frozenset[str]]
) -> tuple[str | None, list[AccessCodeRecord], dict[str, str]]:
    """A new code when a planned template quotes one: the code (never in a personalisation: each message
    carries it sealed for itself), its hashed record, and the values that say when it expires."""
    if not any("access_code" in placeholders.get(s.template, ()) for s in run.steps.sends):
        return None, [], {}
    case, victim = run.ctx.case, run.ctx.victim
    code = access_code.display(access_code.new_code())
    expires = run.now + timedelta(days=access_code.VALID_DAYS)
    record = AccessCodeRecord(case.force_id, case.case_id, victim.victim_id, access_code.hash_code(code), expires)
    return code, [record], {"access_code_expires": long_date(uk_date(expires))}


def run_messages(
    run: RunInputs,
    values: Mapping[str, str],
    placeholders: Mapping[str, frozenset[str]],
    code: str | None,
    codes: CodeSealer | None,
) -> tuple[list[OutboxMessage], list[OfficerTask]]:
    """One message per planned send and channel the send policy allows; a statutory send with no
    channel becomes an officer task."""
    case, victim = run.ctx.case, run.ctx.victim
    channels = planned_channels(victim)  # none: each statutory message goes to a person at once instead
    messages: list[OutboxMessage] = []
    tasks: list[OfficerTask] = []
    for send in run.steps.sends:
        needed = placeholders.get(send.template, frozenset())
        # What the template needs, plus what a content-free stand-in needs (dispatch may swap one in).
        personalisation = {k: v for k, v in values.items() if k in needed or k in CONTENT_FREE_NEEDS}
        # Duty ids depend only on the run and the victim, so a send after a wait settles the duty
        # its run started before the wait.
        settles = f"{send.settles}#{run.prefix}" if send.settles else None
        for channel in channels.channels:
            key = message_key(run.run_key, send.template, channel.value, victim.victim_id)
            sealed = None
            if code and "access_code" in needed:
                if codes is None:
                    raise RuntimeError("this journey environment cannot seal access codes")
                sealed = codes.seal_code(case.force_id, case.case_id, key, code)
            messages.append(
                OutboxMessage(
                    force_id=case.force_id,
                    case_id=case.case_id,
                    key=key,
                    victim_id=victim.victim_id,
                    channel=channel.value,
                    template_id=send.template,
                    personalisation=personalisation,
                    status=OutboxStatus.PENDING,
                    created_at=run.now,
                    duty_id=settles,
                    statutory=send.statutory,
                    sealed_code=sealed,
                    safe_contact=victim.safe_contact if run.pin_profile else None,
                )
            )
        if channels.reason is not None and send.statutory:
            tasks.append(run_task(run, send.step_id, channels.reason, send.template))
    return messages, tasks


def run_task(run: RunInputs, step_id: str, reason: str, template: str | None = None) -> OfficerTask:
    ctx = run.ctx
    detail = {"victim_id": ctx.victim.victim_id}
    if ctx.trigger in (ACCOUNT_ADDED, CONTACT_REDUCED):  # which link, what changed: for the force to act on
        detail |= {k: str(v) for k, v in ctx.data.items() if k in ("link_id", "changed")}
    if template:
        detail["template_id"] = template
    if reason == UNRECOGNISED_VALUE:  # which field, as sent: for the force to map it or correct its record
        detail |= unrecognised_values(run.definition.steps[step_id], ctx)
    task_id = ("journey", run.definition.journey_id, run.prefix, step_id, reason)
    return OfficerTask.on(ctx.case, *task_id, reason=reason, at=run.now, detail=detail)


def run_timer(run: RunInputs) -> JourneyTimer | None:
    """The timer a ``wait`` step leaves, to resume the run at the step after it."""
    steps, case, definition = run.steps, run.ctx.case, run.definition
    if steps.wait_step is None or steps.wait_until is None:
        return None
    return JourneyTimer(
        force_id=case.force_id,
        case_id=case.case_id,
        timer_id=f"{definition.journey_id}#{run.prefix}#{steps.wait_step}",
        due_at=steps.wait_until,
        journey_id=definition.journey_id,
        version=definition.version,
        step=steps.wait_step,
        victim_id=run.ctx.victim.victim_id,
        run_key=run.run_key,
        event_sequence=run.sequence,
    )


def run_alert_id(run: RunInputs) -> str | None:
    """The safety alert this run raises: when it plans a send the victim must acknowledge."""
    if not any(send.acknowledge for send in run.steps.sends):
        return None
    case = run.ctx.case
    return alert_id(case.force_id, case.case_id, run.ctx.victim.victim_id, run.sequence)


def alert_values(run: RunInputs, portal_url: str) -> dict[str, str]:
    """The link to the case page at the alert: its opaque id rides in the fragment, never sent anywhere."""
    found = run_alert_id(run)
    return {ALERT_URL: alert_url(portal_url, found)} if found else {}


def run_alert(
    run: RunInputs, messages: list[OutboxMessage], times: AlertTimes
) -> tuple[SafetyAlert | None, JourneyTimer | None]:
    """The alert (with the channels it went by) and the timer that repeats it if it is not confirmed."""
    found = run_alert_id(run)
    if found is None:
        return None, None
    case, victim = run.ctx.case, run.ctx.victim
    acknowledged = {send.template for send in run.steps.sends if send.acknowledge}
    alert = SafetyAlert(
        force_id=case.force_id,
        case_id=case.case_id,
        alert_id=found,
        victim_id=victim.victim_id,
        event_type=run.ctx.trigger,
        event_sequence=run.sequence,
        raised_at=run.now,
        channels=tuple(m.channel for m in messages if m.template_id in acknowledged),
    )
    step, due = next_due("", victim.tier, run.now, times) or (REPEAT_STEP, run.now)
    return alert, alert_timer(alert, step, due)


def alert_timer(alert: SafetyAlert, step: str, due: datetime) -> JourneyTimer:
    return JourneyTimer(
        force_id=alert.force_id,
        case_id=alert.case_id,
        timer_id=f"alert#{alert.alert_id}#{step}",
        due_at=due,
        journey_id=ALERT_TIMER,
        version=0,
        step=step,
        victim_id=alert.victim_id,
        run_key=alert.alert_id,
        event_sequence=alert.event_sequence,
    )
