"""Notices: journeys started by what happens to a victim's account, not by a case event.

A linked account, another account added to the same victim, contact cut back, an account removed, a
new sign-in, changed contact choices. Each is keyed on when it happened (a sign-in on its UK day), so
a redelivered record never plans a second notice; ``notify`` is the one way each starts its journeys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from caseline.domain.accounts import contact_reduced, link_id
from caseline.domain.calendar import uk_date
from caseline.domain.journeys import JourneyContext
from caseline.domain.personalisation import (
    ACCOUNT_ADDED,
    ACCOUNT_LINKED,
    ACCOUNT_REMOVED,
    ACCOUNT_SIGNED_IN,
    CONTACT_REDUCED,
    PREFERENCES_CHANGED,
)
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import CaseRecord, VictimContact, WriteOutcome
from caseline.domain.timeline import long_date
from caseline.services.journeys import (
    JourneyEnvironment,
    JourneyOutcome,
    JourneyState,
    code_values,
    latest,
    protect_accounts,
    start_run,
    summary,
)


def notify(
    case: CaseRecord,
    victim: VictimContact,
    trigger: str,
    at: datetime,
    env: JourneyEnvironment,
    *,
    data: Mapping[str, Any] | None = None,
    extra: Mapping[str, str] | None = None,
    sequence: int | None = None,
    linked: bool = True,
    pin_profile: bool = False,
) -> list[WriteOutcome | None]:
    """Start every current journey ``trigger`` starts for the victim, keyed on ``sequence`` (by default
    the moment ``at``, so once per change)."""
    ctx = JourneyContext(case=case, victim=victim, trigger=trigger, data=data or {}, linked=linked)
    key = int(at.timestamp()) if sequence is None else sequence
    return [
        start_run(definition, ctx, key, at, env, extra, pin_profile=pin_profile)
        for definition in latest(env.definitions).values()
        if definition.trigger == trigger
    ]


def _victim(state: JourneyState, victim_id: str) -> VictimContact | None:
    return next((v for v in state.victims if v.victim_id == victim_id), None)


def _dated(name: str, at: datetime) -> dict[str, str]:
    return {name: long_date(uk_date(at))}


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
    case, victim = state.case, _victim(state, victim_id)
    if case is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    outcomes = _account_added(case, victim, user_id, linked_at, env)
    extra = code_values(state, victim_id)
    outcomes += notify(case, victim, ACCOUNT_LINKED, env.clock.now(), env, extra=extra, sequence=0)
    # Whatever way the account was linked (access code, or the reporter's automatic link).
    protect_accounts(state, env, [victim])
    return summary(outcomes)


def _account_added(
    case: CaseRecord, victim: VictimContact, user_id: str | None, linked_at: datetime | None, env: JourneyEnvironment
) -> list[WriteOutcome | None]:
    if env.accounts is None or user_id is None or linked_at is None:
        return []
    accounts = env.accounts.accounts(case.force_id, case.case_id)
    if not any(a.victim_id == victim.victim_id and a.user_id != user_id for a in accounts):
        return []
    data = {"link_id": link_id(case.force_id, case.case_id, user_id)}
    return notify(case, victim, ACCOUNT_ADDED, linked_at, env, data=data, extra=_dated("linked_date", linked_at))


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
    case, victim = state.case, _victim(state, victim_id)
    force_profile = state.force_profiles.get(victim_id)
    if not reduced or case is None or case.recorded_at is None or victim is None or force_profile is None:
        return JourneyOutcome.NOT_APPLICABLE
    earlier = replace(victim, safe_contact=effective_profile(force_profile, before or VictimPreferences()))
    data = {"changed": ",".join(reduced)}
    extra = _dated("changed_date", changed_at)
    return summary(notify(case, earlier, CONTACT_REDUCED, changed_at, env, data=data, extra=extra, pin_profile=True))


def run_account_removed(
    force_id: str, case_id: str, victim_id: str, removed_at: datetime, env: JourneyEnvironment
) -> JourneyOutcome:
    """An account of the victim removed another's access: tell her by each safe channel (keyed on when)."""
    state = env.store.state(force_id, case_id)
    case, victim = state.case, _victim(state, victim_id)
    if case is None or case.recorded_at is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    return summary(notify(case, victim, ACCOUNT_REMOVED, removed_at, env, extra=_dated("removed_date", removed_at)))


def run_signed_in(
    force_id: str, case_id: str, victim_id: str, signed_in_at: datetime, env: JourneyEnvironment
) -> JourneyOutcome:
    """A victim linked to the case signed in: the security notice runs once per UK day (keyed on the date).

    The sign-in record is already written once per account, case and day; keying the run on the date as
    well means a redelivered or rewritten record never plans a second notice for that day."""
    state = env.store.state(force_id, case_id)
    case, victim = state.case, _victim(state, victim_id)
    if case is None or case.recorded_at is None or victim is None or victim_id not in state.linked_victims:
        return JourneyOutcome.NOT_APPLICABLE
    day = uk_date(signed_in_at)
    extra = {"sign_in_date": long_date(day)}
    return summary(
        notify(case, victim, ACCOUNT_SIGNED_IN, signed_in_at, env, extra=extra, sequence=int(f"{day:%Y%m%d}"))
    )


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
    before: VictimPreferences | None = None,
    after: VictimPreferences | None = None,
) -> JourneyOutcome:
    """A victim changed their contact choices: confirm it (once per change, keyed on when it was made).

    Runs against the state after the change, so the confirmation obeys the new choices. When the change
    made contact less safe (``contact_reduced``: it may not be hers), it also obeys the ones before: only a
    channel safe in both, naming only what both allow, at the earlier hours unless the new ones lie within
    them; pinned for dispatch, as the contact-reduced notice is."""
    state = env.store.state(force_id, case_id)
    case, victim = state.case, _victim(state, victim_id)
    if case is None or victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    linked = victim_id in state.linked_victims
    force_profile, pin = state.force_profiles.get(victim_id), False
    if after is not None and force_profile is not None and contact_reduced(before, after):
        earlier = effective_profile(force_profile, before or VictimPreferences())
        victim, pin = replace(victim, safe_contact=effective_profile(earlier, after)), True
    data = {"change": change}
    return summary(
        notify(case, victim, PREFERENCES_CHANGED, changed_at, env, data=data, linked=linked, pin_profile=pin)
    )
