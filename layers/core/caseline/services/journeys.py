"""Journeys: applied case events (and timers) run the versioned journey definitions for each victim.

Every write is keyed on business identity — the run (journey, event sequence or "once", victim), and
each outbox message (run, template, channel, victim) — and a run is written in one conditional
transaction, so stream redelivery, retries and replays never plan a message twice. What a run writes
is built in ``journey_writes``; account and preference notices start runs from ``notices``, and the
sweep resumes them from ``journey_timers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from caseline.content import alert_settings
from caseline.domain import event_types as ev
from caseline.domain.account_ports import AccountLinkStore, DelegationStore, RecoveryAdmin
from caseline.domain.account_recovery import is_high_risk_victim
from caseline.domain.alerts import SafetyAlert, alert_times
from caseline.domain.calendar import add_working_days, uk_date
from caseline.domain.journeys import JourneyContext, JourneyDefinition, holds, plan
from caseline.domain.personalisation import NO_NEWS_TIMER
from caseline.domain.ports import Clock, CodeSealer, LinkLocks
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import (
    AccessCodeRecord,
    CaseRecord,
    Duty,
    DutyStatus,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    StoredEvent,
    VictimContact,
    WriteOutcome,
)
from caseline.domain.reviews import met_duties
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.timeline import long_date
from caseline.services.account_links import revoke_links
from caseline.services.account_recovery import protect_account
from caseline.services.delegation import apply_force_event
from caseline.services.journey_writes import (
    RunInputs,
    alert_values,
    new_access_code,
    run_alert,
    run_duties,
    run_messages,
    run_task,
    run_timer,
    run_values,
    settled_duties,
)

NO_NEWS_STEP = "no-news"
# Events that can make a victim high-risk: a tier (needs.assessed) or the case's flags (crime.recorded).
RISK_EVENTS = frozenset({ev.NEEDS_ASSESSED, ev.CRIME_RECORDED})


@dataclass(frozen=True)
class JourneyState:
    """Everything a run needs about one case, from one read of its partition."""

    case: CaseRecord | None
    events: list[StoredEvent]
    victims: list[VictimContact]  # with the profile messages must obey (force's, made stricter by choices)
    linked_victims: set[str] = field(default_factory=set)
    preferences: dict[str, VictimPreferences] = field(default_factory=dict)
    duties: list[Duty] = field(default_factory=list)
    alerts: dict[str, SafetyAlert] = field(default_factory=dict)  # alert id -> must-acknowledge safety alert
    versions: dict[tuple[str, str], int] = field(default_factory=dict)  # (journey, victim) -> version entered
    code_expiry: dict[str, datetime] = field(default_factory=dict)  # victim -> when their access code expires
    linked_accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # victim -> accounts linked as them
    force_profiles: dict[str, SafeContactProfile] = field(default_factory=dict)  # victim -> the force's own


@dataclass(frozen=True)
class RunWrites:
    """One transaction: all or nothing. ``run_id`` (if set) must not exist; ``consumed`` timer must."""

    force_id: str
    case_id: str
    run_id: str | None = None
    journey_id: str = ""
    version: int = 0
    victim_id: str = ""
    messages: Sequence[OutboxMessage] = ()
    duties: Sequence[Duty] = ()
    settled: Sequence[str] = ()  # duty ids met by something other than a message
    tasks: Sequence[OfficerTask] = ()
    access_codes: Sequence[AccessCodeRecord] = ()
    timer: JourneyTimer | None = None
    consumed: JourneyTimer | None = None
    alert: SafetyAlert | None = None  # a must-acknowledge safety alert the run raised
    alert_timer: JourneyTimer | None = None  # when it is repeated (or becomes a task) if not confirmed


class JourneyStore(Protocol):
    def state(self, force_id: str, case_id: str) -> JourneyState: ...

    def apply(self, writes: RunWrites) -> WriteOutcome:
        """DUPLICATE when the run exists already or the consumed timer is gone."""
        ...

    def due_timers(self, force_id: str, now: datetime) -> list[JourneyTimer]: ...

    def set_timer(self, timer: JourneyTimer, *, only_if_later: bool) -> None:
        """Create or move a timer (only later than it is now, when asked)."""
        ...

    def drop_timer(self, timer: JourneyTimer) -> None: ...

    def reschedule_duty(self, duty: Duty, *, tier: str, due_on: date) -> None: ...


@dataclass(frozen=True)
class JourneyEnvironment:
    store: JourneyStore
    clock: Clock
    definitions: Mapping[tuple[str, int], JourneyDefinition]
    template_placeholders: Mapping[str, frozenset[str]]
    portal_url: str
    locks: LinkLocks | None = None
    identity: RecoveryAdmin | None = None  # Cognito: high-risk victims' accounts lose self-service recovery
    codes: CodeSealer | None = None  # seals each new access code for its message (none: no code can be sent)
    accounts: AccountLinkStore | None = None  # removes linked accounts (access.revoked, a re-issued code)
    delegations: DelegationStore | None = None  # access.delegated and access.delegation-ended
    alert_settings: Mapping[str, Any] = field(default_factory=alert_settings)  # each force's alert times


def latest(definitions: Mapping[tuple[str, int], JourneyDefinition]) -> dict[str, JourneyDefinition]:
    newest: dict[str, JourneyDefinition] = {}
    for definition in definitions.values():
        current = newest.get(definition.journey_id)
        if current is None or definition.version > current.version:
            newest[definition.journey_id] = definition
    return newest


def officer_changed(event: StoredEvent, events: Iterable[StoredEvent]) -> bool:
    if event.event_type != ev.OFFICER_ASSIGNED:
        return False
    return any(
        e.sequence < event.sequence
        and (e.event_type == ev.OFFICER_ASSIGNED or (e.event_type == ev.CRIME_RECORDED and e.data.get("officer")))
        for e in events
    )


def event_time(event: StoredEvent) -> datetime:
    """When a deadline starts: the recording of the crime, or the suspect event itself, as the force
    reports them; otherwise the event's own time."""
    field_name = {ev.CRIME_RECORDED: "recorded_at", **dict.fromkeys(ev.SUSPECT_EVENTS, "occurred_at")}.get(
        event.event_type
    )
    value = event.data.get(field_name) if field_name else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return event.occurred_at
        if moment.tzinfo is not None:
            return moment
    return event.occurred_at


def _targets(event_data: Mapping[str, Any], victims: Iterable[VictimContact]) -> list[VictimContact]:
    """Events about one victim (needs, contact details, a code) run journeys for that victim only."""
    wanted = event_data.get("victim_id")
    return [v for v in victims if wanted is None or v.victim_id == wanted]


class JourneyOutcome(StrEnum):
    PLANNED = "planned"
    ALREADY_PLANNED = "already-planned"
    NOT_APPLICABLE = "not-applicable"


def run_journeys(event: StoredEvent, env: JourneyEnvironment) -> JourneyOutcome:
    """Start every current journey this event triggers, once per victim."""
    if not event.applied:
        return JourneyOutcome.NOT_APPLICABLE
    _remove_linked_accounts(event, env)
    if env.delegations is not None:
        apply_force_event(event, env.delegations)
    state = env.store.state(event.force_id, event.case_id)
    case = state.case
    if case is None or case.recorded_at is None:
        return JourneyOutcome.NOT_APPLICABLE
    if event.event_type == ev.NEEDS_ASSESSED:
        _follow_tier(event, state, env)
    outcomes = _start_journeys(event, case, state, env)
    _settle_review(event, env)
    if event.event_type == ev.CRIME_RECORDED:
        for held in held_until_recorded(event, state.events):
            outcomes += _start_journeys(held, case, state, env)
    _reset_no_news(event, state, env)
    if event.event_type in RISK_EVENTS:
        protect_accounts(state, env, _targets(event.data, state.victims))
    reissued = event.event_type == ev.ACCESS_CODE_REISSUED and WriteOutcome.WRITTEN in outcomes
    if reissued and env.locks is not None and case.crime_reference:
        env.locks.clear(case.crime_reference)
    return summary(outcomes)


def _start_journeys(
    event: StoredEvent, case: CaseRecord, state: JourneyState, env: JourneyEnvironment
) -> list[WriteOutcome | None]:
    outcomes: list[WriteOutcome | None] = []
    for definition in latest(env.definitions).values():
        if definition.trigger != event.event_type:
            continue
        for victim in _targets(event.data, state.victims):
            ctx = JourneyContext(
                case=case,
                victim=victim,
                trigger=event.event_type,
                data=event.data,
                linked=victim.victim_id in state.linked_victims,
                officer_changed=officer_changed(event, state.events),
            )
            extra = code_values(state, victim.victim_id)
            outcomes.append(start_run(definition, ctx, event.sequence, event_time(event), env, extra))
    return outcomes


def _settle_review(event: StoredEvent, env: JourneyEnvironment) -> None:
    """The force acknowledged or decided a review request: the duties it met are met (each once)."""
    for duty_id in met_duties(event):  # one at a time: a decision may come after the acknowledgement's met
        env.store.apply(RunWrites(event.force_id, event.case_id, journey_id="review-answered", settled=[duty_id]))


def held_until_recorded(recorded: StoredEvent, events: Sequence[StoredEvent]) -> list[StoredEvent]:
    """The events a force sent before this ``crime.recorded``: ingest kept them on a stub case, unapplied,
    because nobody could be told (the victim comes with the recording), so their journeys start now, after
    the recording's own, in the force's order. Runs are keyed on their event, so a replayed recording, or an
    event whose journeys ran already, plans nothing twice."""
    return sorted(
        (e for e in events if e.event_type != ev.CRIME_RECORDED and e.received_at < recorded.received_at),
        key=lambda e: e.sequence,
    )


def _remove_linked_accounts(event: StoredEvent, env: JourneyEnvironment) -> None:
    """``access.revoked``, and a re-issued code unless the force said otherwise, take the case away from
    the accounts linked to the victim before the event reached us. Before the new code is planned, and
    replay-safe: the victim's own new link (with the new code) is later than the event, so it stays."""
    if env.accounts is None or event.event_type not in (ev.ACCESS_REVOKED, ev.ACCESS_CODE_REISSUED):
        return
    if event.event_type == ev.ACCESS_CODE_REISSUED and event.data.get("remove_linked_accounts") is False:
        return
    only = event.data.get("link_id") if event.event_type == ev.ACCESS_REVOKED else None
    revoke_links(
        event.force_id,
        event.case_id,
        str(event.data.get("victim_id")),
        event.received_at,
        env.accounts,
        only=str(only) if only else None,
    )


def summary(entered: Sequence[WriteOutcome | None]) -> JourneyOutcome:
    outcomes = [o for o in entered if o is not None]
    if WriteOutcome.WRITTEN in outcomes:
        return JourneyOutcome.PLANNED
    if outcomes:
        return JourneyOutcome.ALREADY_PLANNED
    return JourneyOutcome.NOT_APPLICABLE


def _run_key(definition: JourneyDefinition, sequence: int) -> str:
    return "once" if definition.reentry == "once-per-case" else f"{sequence:012d}"


def code_values(state: JourneyState, victim_id: str) -> dict[str, str]:
    """When the victim's current access code expires (reminders quote it without repeating the code)."""
    expires = state.code_expiry.get(victim_id)
    return {"access_code_expires": long_date(uk_date(expires))} if expires else {}


def start_run(
    definition: JourneyDefinition,
    ctx: JourneyContext,
    sequence: int,
    started_at: datetime,
    env: JourneyEnvironment,
    extra_values: Mapping[str, str] | None = None,
    *,
    pin_profile: bool = False,
) -> WriteOutcome | None:
    """None when the victim does not enter the journey (its trigger condition does not hold).
    ``pin_profile``: the messages obey ``ctx.victim``'s profile when sent, not the victim's current one."""
    if not holds(definition.trigger_when, ctx):
        return None
    now = env.clock.now()
    steps = plan(definition, definition.start, ctx, now)
    run_key = _run_key(definition, sequence)
    run = RunInputs(definition, ctx, steps, run_key, sequence, started_at, now, extra_values or {}, pin_profile)
    return env.store.apply(run_writes(run, env))


def run_writes(run: RunInputs, env: JourneyEnvironment, consumed: JourneyTimer | None = None) -> RunWrites:
    """The run's writes, in one transaction (a resumed run consumes its timer instead of a new run id)."""
    definition, ctx = run.definition, run.ctx
    code, access_codes, expiry = new_access_code(run, env.template_placeholders)
    values = run_values(run, env.portal_url) | expiry | alert_values(run, env.portal_url)
    messages, tasks = run_messages(run, values, env.template_placeholders, code, env.codes)
    tasks.extend(run_task(run, step_id, reason) for step_id, reason in run.steps.tasks)
    alert, alert_timer = run_alert(run, messages, alert_times(env.alert_settings, ctx.case.force_id))
    return RunWrites(
        force_id=ctx.case.force_id,
        case_id=ctx.case.case_id,
        run_id=None if consumed else f"{definition.journey_id}#{run.prefix}",
        journey_id=definition.journey_id,
        version=definition.version,
        victim_id=ctx.victim.victim_id,
        messages=messages,
        duties=run_duties(run),
        settled=settled_duties(run),
        tasks=tasks,
        access_codes=access_codes,
        timer=run_timer(run),
        consumed=consumed,
        alert=alert,
        alert_timer=alert_timer,
    )


def _follow_tier(event: StoredEvent, state: JourneyState, env: JourneyEnvironment) -> None:
    """A needs assessment that changes the victim's tier moves their open deadlines with it."""
    tier = event.data.get("tier")
    for duty in state.duties:
        if duty.victim_id != event.data.get("victim_id") or duty.status is not DutyStatus.OPEN:
            continue
        if tier is None or tier == duty.tier or not duty.working_days or duty.started_on is None:
            continue
        days = duty.working_days.get(tier, duty.working_days.get("standard", 0))
        env.store.reschedule_duty(duty, tier=tier, due_on=add_working_days(duty.started_on, days))


@dataclass(frozen=True)
class _StateRisks:
    """The high-risk rule on the state just read: the victim's current tier and the case's flags."""

    state: JourneyState

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        case = self.state.case
        victim = next((v for v in self.state.victims if v.victim_id == victim_id), None)
        if case is None or victim is None or (case.force_id, case.case_id) != (force_id, case_id):
            return False
        return is_high_risk_victim(victim.tier, case.flags)


def protect_accounts(state: JourneyState, env: JourneyEnvironment, victims: Iterable[VictimContact]) -> None:
    """Every account linked as a victim who is now high-risk loses self-service recovery (idempotent, so a
    redelivered record only repeats it). Runs after the run is written: a failure here retries the record,
    and the replayed run writes nothing twice."""
    case = state.case
    if env.identity is None or case is None:
        return
    risks = _StateRisks(state)
    for victim in victims:
        for user_id in state.linked_accounts.get(victim.victim_id, ()):
            protect_account(
                user_id, case.force_id, case.case_id, victim.victim_id, victims=risks, identity=env.identity
            )


def _reset_no_news(event: StoredEvent, state: JourneyState, env: JourneyEnvironment) -> None:
    """Each victim hears "no news yet" after their chosen quiet spell since the last event."""
    case = state.case
    if case is None:
        return
    for victim in state.victims:
        prefs = state.preferences.get(victim.victim_id) or VictimPreferences()
        timer = JourneyTimer(
            force_id=event.force_id,
            case_id=event.case_id,
            timer_id=f"{NO_NEWS_STEP}#{victim.victim_id}",
            due_at=event.occurred_at + timedelta(days=prefs.no_news_days or 0),
            journey_id=NO_NEWS_TIMER,
            version=0,
            step=NO_NEWS_STEP,
            victim_id=victim.victim_id,
            run_key=NO_NEWS_STEP,
            event_sequence=event.sequence,
        )
        if case.stage.slug == "closed" or prefs.no_news_days is None:
            env.store.drop_timer(timer)
        else:
            env.store.set_timer(timer, only_if_later=True)
