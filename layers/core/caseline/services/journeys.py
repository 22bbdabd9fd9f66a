"""Journeys: applied case events (and timers) run the versioned journey definitions for each victim.

Every write is keyed on business identity — the run (journey, event sequence or "once", victim), and
each outbox message (run, template, channel, victim) — and a run is written in one conditional
transaction, so stream redelivery, retries and replays never plan a message twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from caseline.domain import access_code
from caseline.domain import event_types as ev
from caseline.domain.account_ports import AccountLinkStore, RecoveryAdmin
from caseline.domain.account_recovery import is_high_risk_victim
from caseline.domain.accounts import contact_reduced, link_id
from caseline.domain.calendar import add_working_days, uk_date
from caseline.domain.journeys import JourneyContext, JourneyDefinition, Plan, holds, plan
from caseline.domain.personalisation import (
    ACCOUNT_ADDED,
    ACCOUNT_LINKED,
    ACCOUNT_REMOVED,
    ACCOUNT_SIGNED_IN,
    CONTACT_REDUCED,
    NO_NEWS_TIMER,
    PREFERENCES_CHANGED,
    common_values,
    event_values,
    long_date,
)
from caseline.domain.ports import Clock, CodeSealer, LinkLocks
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import (
    AccessCodeRecord,
    CaseRecord,
    Duty,
    DutyStatus,
    JourneyTimer,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    StoredEvent,
    VictimContact,
    WriteOutcome,
)
from caseline.domain.safe_contact import SafeContactProfile, allowed_channels, hours_overlap
from caseline.domain.vocabulary import FORCE_NAMES
from caseline.services.account_links import revoke_links
from caseline.services.account_recovery import protect_account

NO_NEWS_STEP = "no-news"
# Events that can make a victim high-risk: a tier (needs.assessed) or the case's flags (crime.recorded).
RISK_EVENTS = frozenset({ev.NEEDS_ASSESSED, ev.CRIME_RECORDED})
CONTENT_FREE_NEEDS = frozenset({"name", "force_name", "force_phone", "portal_url"})


class JourneyOutcome(StrEnum):
    PLANNED = "planned"
    ALREADY_PLANNED = "already-planned"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class JourneyState:
    """Everything a run needs about one case, from one read of its partition."""

    case: CaseRecord | None
    events: list[StoredEvent]
    victims: list[VictimContact]  # with the profile messages must obey (force's, made stricter by choices)
    linked_victims: set[str] = field(default_factory=set)
    preferences: dict[str, VictimPreferences] = field(default_factory=dict)
    duties: list[Duty] = field(default_factory=list)
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


def _sealed(env: JourneyEnvironment, case: CaseRecord, message_key: str, code: str) -> str:
    if env.codes is None:
        raise RuntimeError("this journey environment cannot seal access codes")
    return env.codes.seal_code(case.force_id, case.case_id, message_key, code)


def latest(definitions: Mapping[tuple[str, int], JourneyDefinition]) -> dict[str, JourneyDefinition]:
    newest: dict[str, JourneyDefinition] = {}
    for definition in definitions.values():
        current = newest.get(definition.journey_id)
        if current is None or definition.version > current.version:
            newest[definition.journey_id] = definition
    return newest


def _officer_changed(event: StoredEvent, events: Iterable[StoredEvent]) -> bool:
    if event.event_type != ev.OFFICER_ASSIGNED:
        return False
    return any(
        e.sequence < event.sequence
        and (e.event_type == ev.OFFICER_ASSIGNED or (e.event_type == ev.CRIME_RECORDED and e.data.get("officer")))
        for e in events
    )


def _event_time(event: StoredEvent) -> datetime:
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


def run_journeys(event: StoredEvent, env: JourneyEnvironment) -> JourneyOutcome:
    """Start every current journey this event triggers, once per victim."""
    if not event.applied:
        return JourneyOutcome.NOT_APPLICABLE
    _remove_linked_accounts(event, env)
    state = env.store.state(event.force_id, event.case_id)
    case = state.case
    if case is None or case.recorded_at is None:
        return JourneyOutcome.NOT_APPLICABLE
    if event.event_type == ev.NEEDS_ASSESSED:
        _follow_tier(event, state, env)
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
                officer_changed=_officer_changed(event, state.events),
            )
            extra = _code_values(state, victim.victim_id)
            outcomes.append(_start(definition, ctx, event.sequence, _event_time(event), env, extra))
    _reset_no_news(event, state, env)
    if event.event_type in RISK_EVENTS:
        _protect_accounts(state, env, _targets(event.data, state.victims))
    reissued = event.event_type == ev.ACCESS_CODE_REISSUED and WriteOutcome.WRITTEN in outcomes
    if reissued and env.locks is not None and case.crime_reference:
        env.locks.clear(case.crime_reference)
    return _summary(outcomes)


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


def run_account_linked(
    force_id: str,
    case_id: str,
    victim_id: str,
    env: JourneyEnvironment,
    user_id: str | None = None,
    linked_at: datetime | None = None,
) -> JourneyOutcome:
    """A victim linked their account to the case: account journeys run once. When another account was
    linked to the same victim record already, the victim is told and the force gets a task (once per
    link, keyed on when it was made)."""
    state = env.store.state(force_id, case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == victim_id), None)
    if case is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    outcomes = _account_added(case, victim, user_id, linked_at, env)
    outcomes += [
        _start(
            definition,
            JourneyContext(case=case, victim=victim, trigger=ACCOUNT_LINKED, data={}, linked=True),
            0,
            env.clock.now(),
            env,
            _code_values(state, victim_id),
        )
        for definition in latest(env.definitions).values()
        if definition.trigger == ACCOUNT_LINKED
    ]
    # Whatever way the account was linked (access code, or the reporter's automatic link).
    _protect_accounts(state, env, [victim])
    return _summary(outcomes)


def _account_added(
    case: CaseRecord, victim: VictimContact, user_id: str | None, linked_at: datetime | None, env: JourneyEnvironment
) -> list[WriteOutcome | None]:
    if env.accounts is None or user_id is None or linked_at is None:
        return []
    others = [
        a
        for a in env.accounts.accounts(case.force_id, case.case_id)
        if a.victim_id == victim.victim_id and a.user_id != user_id
    ]
    if not others:
        return []
    data = {"link_id": link_id(case.force_id, case.case_id, user_id)}
    ctx = JourneyContext(case=case, victim=victim, trigger=ACCOUNT_ADDED, data=data, linked=True)
    extra = {"linked_date": long_date(uk_date(linked_at))}
    sequence = int(linked_at.timestamp())
    return [
        _start(definition, ctx, sequence, linked_at, env, extra)
        for definition in latest(env.definitions).values()
        if definition.trigger == ACCOUNT_ADDED
    ]


def run_contact_reduced(
    force_id: str,
    case_id: str,
    victim_id: str,
    before: VictimPreferences | None,
    after: VictimPreferences,
    changed_at: datetime,
    env: JourneyEnvironment,
) -> JourneyOutcome:
    """A linked account cut back contact: tell the victim by the channels, and at the hours, that were
    safe *before* the change (the force's assessment made stricter by her earlier choices, never less
    safe than the force's), and give the force a task. Once per change, keyed on when it was made."""
    reduced = contact_reduced(before, after)
    state = env.store.state(force_id, case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == victim_id), None)
    force_profile = state.force_profiles.get(victim_id)
    if not reduced or case is None or case.recorded_at is None or victim is None or force_profile is None:
        return JourneyOutcome.NOT_APPLICABLE
    earlier = replace(victim, safe_contact=effective_profile(force_profile, before or VictimPreferences()))
    ctx = JourneyContext(
        case=case, victim=earlier, trigger=CONTACT_REDUCED, data={"changed": ",".join(reduced)}, linked=True
    )
    extra = {"changed_date": long_date(uk_date(changed_at))}
    outcomes = [
        _start(definition, ctx, int(changed_at.timestamp()), changed_at, env, extra, pin_profile=True)
        for definition in latest(env.definitions).values()
        if definition.trigger == CONTACT_REDUCED
    ]
    return _summary(outcomes)


def run_account_removed(
    force_id: str, case_id: str, victim_id: str, removed_at: datetime, env: JourneyEnvironment
) -> JourneyOutcome:
    """An account of the victim removed another's access: tell her by each safe channel (keyed on when)."""
    state = env.store.state(force_id, case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == victim_id), None)
    if case is None or case.recorded_at is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    ctx = JourneyContext(case=case, victim=victim, trigger=ACCOUNT_REMOVED, data={}, linked=True)
    extra = {"removed_date": long_date(uk_date(removed_at))}
    outcomes = [
        _start(definition, ctx, int(removed_at.timestamp()), removed_at, env, extra)
        for definition in latest(env.definitions).values()
        if definition.trigger == ACCOUNT_REMOVED
    ]
    return _summary(outcomes)


def run_signed_in(
    force_id: str, case_id: str, victim_id: str, signed_in_at: datetime, env: JourneyEnvironment
) -> JourneyOutcome:
    """A victim linked to the case signed in: the security notice runs once per UK day (keyed on the date).

    The sign-in record is already written once per account, case and day; keying the run on the date as
    well means a redelivered or rewritten record never plans a second notice for that day."""
    state = env.store.state(force_id, case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == victim_id), None)
    if case is None or case.recorded_at is None or victim is None or victim_id not in state.linked_victims:
        return JourneyOutcome.NOT_APPLICABLE
    day = uk_date(signed_in_at)
    ctx = JourneyContext(case=case, victim=victim, trigger=ACCOUNT_SIGNED_IN, data={}, linked=True)
    outcomes = [
        _start(definition, ctx, int(f"{day:%Y%m%d}"), signed_in_at, env, {"sign_in_date": long_date(day)})
        for definition in latest(env.definitions).values()
        if definition.trigger == ACCOUNT_SIGNED_IN
    ]
    return _summary(outcomes)


def preference_change(before: VictimPreferences | None, after: VictimPreferences) -> str:
    """What a victim's new choices mean for the message confirming them."""
    was_in = before is None or before.non_statutory
    if was_in and not after.non_statutory:
        return "opted-out"
    if not was_in and after.non_statutory:
        return "opted-in"
    return "updated"


def run_preferences_changed(
    force_id: str,
    case_id: str,
    victim_id: str,
    change: str,
    changed_at: datetime,
    env: JourneyEnvironment,
) -> JourneyOutcome:
    """A victim changed their contact choices: confirm it (once per change, keyed on when it was made).

    Runs against the state after the change, so the confirmation obeys the new choices."""
    state = env.store.state(force_id, case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == victim_id), None)
    if case is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    ctx = JourneyContext(
        case=case,
        victim=victim,
        trigger=PREFERENCES_CHANGED,
        data={"change": change},
        linked=victim_id in state.linked_victims,
    )
    sequence = int(changed_at.timestamp())
    outcomes = [
        _start(definition, ctx, sequence, changed_at, env)
        for definition in latest(env.definitions).values()
        if definition.trigger == PREFERENCES_CHANGED
    ]
    return _summary(outcomes)


def _summary(entered: Sequence[WriteOutcome | None]) -> JourneyOutcome:
    outcomes = [o for o in entered if o is not None]
    if WriteOutcome.WRITTEN in outcomes:
        return JourneyOutcome.PLANNED
    if outcomes:
        return JourneyOutcome.ALREADY_PLANNED
    return JourneyOutcome.NOT_APPLICABLE


def _run_key(definition: JourneyDefinition, sequence: int) -> str:
    return "once" if definition.reentry == "once-per-case" else f"{sequence:012d}"


def _code_values(state: JourneyState, victim_id: str) -> dict[str, str]:
    """When the victim's current access code expires (reminders quote it without repeating the code)."""
    expires = state.code_expiry.get(victim_id)
    return {"access_code_expires": long_date(uk_date(expires))} if expires else {}


def _start(
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
    run_key = _run_key(definition, sequence)
    now = env.clock.now()
    steps = plan(definition, definition.start, ctx, now)
    writes = _writes(
        definition, ctx, steps, run_key, sequence, started_at, env, extra_values=extra_values, pin_profile=pin_profile
    )
    return env.store.apply(writes)


def _writes(
    definition: JourneyDefinition,
    ctx: JourneyContext,
    steps: Plan,
    run_key: str,
    sequence: int,
    started_at: datetime,
    env: JourneyEnvironment,
    consumed: JourneyTimer | None = None,
    extra_values: Mapping[str, str] | None = None,
    pin_profile: bool = False,
) -> RunWrites:
    case, victim = ctx.case, ctx.victim
    now = env.clock.now()
    prefix = f"{run_key}#{victim.victim_id}"
    # A duty started and settled in the same plan is written already met (one item, one write).
    met_now = {d.right for d in steps.duties} & set(steps.settled)
    duties = [
        Duty(
            force_id=case.force_id,
            case_id=case.case_id,
            duty_id=f"{d.right}#{prefix}",
            right=d.right,
            due_on=add_working_days(uk_date(started_at), d.working_days.get(victim.tier, d.working_days["standard"])),
            victim_id=victim.victim_id,
            tier=victim.tier,
            started_on=uk_date(started_at),
            working_days=dict(d.working_days),
            status=DutyStatus.MET if d.right in met_now else DutyStatus.OPEN,
            met_at=now if d.right in met_now else None,
            met_by=f"settled#{definition.journey_id}" if d.right in met_now else None,
        )
        for d in steps.duties
    ]
    values = {
        **common_values(case, victim, portal_url=env.portal_url, force_name=FORCE_NAMES.get(case.force_id, "")),
        **event_values(ctx.trigger, ctx.data),
        "survey_url": f"{env.portal_url}/survey",
        **(extra_values or {}),
    }
    codes: list[AccessCodeRecord] = []
    code: str | None = None  # never in a personalisation: each message carries it sealed for itself
    if any("access_code" in env.template_placeholders.get(s.template, ()) for s in steps.sends):
        code = access_code.display(access_code.new_code())
        expires = now + timedelta(days=access_code.VALID_DAYS)
        values |= {"access_code_expires": long_date(uk_date(expires))}
        codes.append(
            AccessCodeRecord(case.force_id, case.case_id, victim.victim_id, access_code.hash_code(code), expires)
        )
    allowed, _ = allowed_channels(victim.safe_contact, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    # A profile with no channel, or safe hours with no minute in them, can never be honoured: each
    # statutory message goes to a person at once instead of waiting for ever.
    no_moment = not hours_overlap(victim.safe_contact.safe_hours, None)
    if no_moment:
        allowed = []
    messages: list[OutboxMessage] = []
    tasks: list[OfficerTask] = []
    for send in steps.sends:
        needed = env.template_placeholders.get(send.template, frozenset())
        # What the template needs, plus what a content-free stand-in needs (dispatch may swap one in).
        personalisation = {k: v for k, v in values.items() if k in needed or k in CONTENT_FREE_NEEDS}
        # Duty ids depend only on the run and the victim, so a send after a wait settles the duty
        # its run started before the wait.
        settles = f"{send.settles}#{prefix}" if send.settles else None
        for channel in allowed:
            key = f"{run_key}#{send.template}#{channel.value}#{victim.victim_id}"
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
                    created_at=now,
                    duty_id=settles,
                    statutory=send.statutory,
                    sealed_code=_sealed(env, case, key, code) if code and "access_code" in needed else None,
                    safe_contact=victim.safe_contact if pin_profile else None,
                )
            )
        if not allowed and send.statutory:
            task_prefix = f"{definition.journey_id}#{prefix}#{send.step_id}"
            reason = "no-safe-time" if no_moment else "message-needs-another-way"
            tasks.append(_task(ctx, task_prefix, reason, now, send.template))
    tasks.extend(
        _task(ctx, f"{definition.journey_id}#{prefix}#{step_id}", reason, now, None) for step_id, reason in steps.tasks
    )
    timer = None
    if steps.wait_step is not None and steps.wait_until is not None:
        timer = JourneyTimer(
            force_id=case.force_id,
            case_id=case.case_id,
            timer_id=f"{definition.journey_id}#{prefix}#{steps.wait_step}",
            due_at=steps.wait_until,
            journey_id=definition.journey_id,
            version=definition.version,
            step=steps.wait_step,
            victim_id=victim.victim_id,
            run_key=run_key,
            event_sequence=sequence,
        )
    return RunWrites(
        force_id=case.force_id,
        case_id=case.case_id,
        run_id=None if consumed else f"{definition.journey_id}#{prefix}",
        journey_id=definition.journey_id,
        version=definition.version,
        victim_id=victim.victim_id,
        messages=messages,
        duties=duties,
        settled=[f"{right}#{prefix}" for right in steps.settled if right not in met_now],
        tasks=tasks,
        access_codes=codes,
        timer=timer,
        consumed=consumed,
    )


def _task(ctx: JourneyContext, prefix: str, reason: str, now: datetime, template: str | None) -> OfficerTask:
    detail = {"victim_id": ctx.victim.victim_id}
    if ctx.trigger in (ACCOUNT_ADDED, CONTACT_REDUCED):  # which link, what changed: for the force to act on
        detail |= {k: str(v) for k, v in ctx.data.items() if k in ("link_id", "changed")}
    if template:
        detail["template_id"] = template
    return OfficerTask(
        force_id=ctx.case.force_id,
        case_id=ctx.case.case_id,
        task_id=f"journey#{prefix}#{reason}",
        reason=reason,
        created_at=now,
        detail=detail,
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


def _protect_accounts(state: JourneyState, env: JourneyEnvironment, victims: Iterable[VictimContact]) -> None:
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


def fire_due_timers(forces: Iterable[str], env: JourneyEnvironment) -> int:
    """Resume every waiting run (and "no news yet" cadence) whose time has come. Returns how many fired."""
    fired = 0
    now = env.clock.now()
    for force_id in forces:
        for timer in env.store.due_timers(force_id, now):
            fired += _fire(timer, env) is WriteOutcome.WRITTEN
    return fired


def _fire(timer: JourneyTimer, env: JourneyEnvironment) -> WriteOutcome:
    state = env.store.state(timer.force_id, timer.case_id)
    case = state.case
    victim = next((v for v in state.victims if v.victim_id == timer.victim_id), None)
    if case is None or victim is None:
        env.store.drop_timer(timer)
        return WriteOutcome.DUPLICATE
    if timer.journey_id == NO_NEWS_TIMER:
        return _no_news(timer, state, case, victim, env)
    definition = env.definitions.get((timer.journey_id, timer.version))
    event = next((e for e in state.events if e.sequence == timer.event_sequence), None)
    ctx = JourneyContext(
        case=case,
        victim=victim,
        trigger=definition.trigger if definition else "",
        data=event.data if event else {},
        linked=victim.victim_id in state.linked_victims,
        officer_changed=_officer_changed(event, state.events) if event else False,
    )
    if definition is None or (definition.exit_when is not None and holds(definition.exit_when, ctx)):
        env.store.drop_timer(timer)
        return WriteOutcome.DUPLICATE
    steps = plan(definition, timer.step, ctx, env.clock.now())
    started = _event_time(event) if event else timer.due_at
    extra = _code_values(state, victim.victim_id)
    writes = _writes(
        definition, ctx, steps, timer.run_key, timer.event_sequence, started, env, consumed=timer, extra_values=extra
    )
    return env.store.apply(writes)


def _no_news(
    timer: JourneyTimer, state: JourneyState, case: CaseRecord, victim: VictimContact, env: JourneyEnvironment
) -> WriteOutcome:
    prefs = state.preferences.get(victim.victim_id) or VictimPreferences()
    if case.stage.slug == "closed" or prefs.no_news_days is None:
        env.store.drop_timer(timer)
        return WriteOutcome.DUPLICATE
    last = max((e.occurred_at for e in state.events if e.applied), default=timer.due_at)
    weeks = max(1, (timer.due_at - last).days // 7)
    run_key = f"nonews-{uk_date(timer.due_at).isoformat()}"
    linked = victim.victim_id in state.linked_victims
    ctx = JourneyContext(case=case, victim=victim, trigger=NO_NEWS_TIMER, data={}, linked=linked)
    extra = {
        **_code_values(state, victim.victim_id),
        "last_update_date": long_date(uk_date(last)),
        "weeks_since_update": str(weeks),
    }
    outcome = WriteOutcome.DUPLICATE
    for definition in latest(env.definitions).values():
        if definition.trigger != NO_NEWS_TIMER or not holds(definition.trigger_when, ctx):
            continue
        steps = plan(definition, definition.start, ctx, env.clock.now())
        writes = _writes(definition, ctx, steps, run_key, 0, timer.due_at, env, extra_values=extra)
        outcome = env.store.apply(writes)
    env.store.set_timer(
        JourneyTimer(**{**timer.__dict__, "due_at": timer.due_at + timedelta(days=prefs.no_news_days)}),
        only_if_later=True,
    )
    return outcome
