"""Journey timers: resume each waiting run, and the "no news yet" cadence, when its time has come.

A resumed run consumes its timer in the same transaction as its writes, so a timer fires once however
often the sweep runs; the cadence sets its next timer after each notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from caseline.domain.absence import current_absence
from caseline.domain.calendar import uk_date
from caseline.domain.journeys import JourneyContext, holds, plan
from caseline.domain.personalisation import ALERT_TIMER, NO_NEWS_TIMER
from caseline.domain.ports import TimeLeft, always
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import CaseRecord, JourneyTimer, VictimContact, WriteOutcome
from caseline.domain.timeline import long_date
from caseline.services.alert_timers import fire_alert
from caseline.services.journey_writes import RunInputs
from caseline.services.journeys import (
    JourneyEnvironment,
    JourneyState,
    code_values,
    event_time,
    latest,
    officer_changed,
    run_writes,
)


def fire_due_timers(forces: Iterable[str], env: JourneyEnvironment, time_left: TimeLeft = always) -> int:
    """Resume every waiting run (and "no news yet" cadence) whose time has come, while there is time (the
    rest stay due for the next run). Returns how many fired."""
    fired = 0
    now = env.clock.now()
    for force_id in forces:
        for timer in env.store.due_timers(force_id, now):
            if not time_left():
                return fired
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
    if timer.journey_id == ALERT_TIMER:
        return fire_alert(timer, state, victim, env)
    definition = env.definitions.get((timer.journey_id, timer.version))
    event = next((e for e in state.events if e.sequence == timer.event_sequence), None)
    ctx = JourneyContext(
        case=case,
        victim=victim,
        trigger=definition.trigger if definition else "",
        data=event.data if event else {},
        linked=victim.victim_id in state.linked_victims,
        officer_changed=officer_changed(event, state.events) if event else False,
    )
    if definition is None or (definition.exit_when is not None and holds(definition.exit_when, ctx)):
        env.store.drop_timer(timer)
        return WriteOutcome.DUPLICATE
    now = env.clock.now()
    steps = plan(definition, timer.step, ctx, now)
    started = event_time(event) if event else timer.due_at
    extra = code_values(state, victim.victim_id)
    run = RunInputs(definition, ctx, steps, timer.run_key, timer.event_sequence, started, now, extra)
    return env.store.apply(run_writes(run, env, consumed=timer))


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
    # Honest while the officer is away: the message says so, and who is looking after the case.
    away = current_absence(case.officer_absence, uk_date(timer.due_at)) if case.officer else None
    ctx = JourneyContext(
        case=case, victim=victim, trigger=NO_NEWS_TIMER, data={}, linked=linked, officer_away=away is not None
    )
    extra = {
        **code_values(state, victim.victim_id),
        "last_update_date": long_date(uk_date(last)),
        "weeks_since_update": str(weeks),
        **({"away_until": long_date(away.away_until), "cover_team": away.cover} if away else {}),
    }
    outcome = WriteOutcome.DUPLICATE
    for definition in latest(env.definitions).values():
        if definition.trigger != NO_NEWS_TIMER or not holds(definition.trigger_when, ctx):
            continue
        now = env.clock.now()
        steps = plan(definition, definition.start, ctx, now)
        run = RunInputs(definition, ctx, steps, run_key, 0, timer.due_at, now, extra)
        outcome = env.store.apply(run_writes(run, env))
    env.store.set_timer(
        JourneyTimer(**{**timer.__dict__, "due_at": timer.due_at + timedelta(days=prefs.no_news_days)}),
        only_if_later=True,
    )
    return outcome
