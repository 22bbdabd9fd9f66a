"""A victim's contact preferences for one of their cases."""

from __future__ import annotations

from dataclasses import dataclass

from caseline.domain.account_ports import CaseReader, PreferencesStore
from caseline.domain.errors import NotFoundError
from caseline.domain.outbound import PREFERENCES_CHANGED, OutboundEvent
from caseline.domain.ports import Clock
from caseline.domain.preferences import (
    PreferenceDecision,
    PreferenceRequest,
    VictimPreferences,
    decide,
    effective_profile,
)
from caseline.domain.safe_contact import SafeContactProfile
from caseline.services.victim_cases import authorised


@dataclass(frozen=True)
class PreferencesView:
    force_profile: SafeContactProfile
    own: VictimPreferences
    effective: SafeContactProfile


def _force_profile(user_id: str, force_id: str, case_id: str, reader: CaseReader) -> tuple[str, SafeContactProfile]:
    partition, victim_id = authorised(user_id, force_id, case_id, reader)
    victim = next((v for v in partition.victims if v.victim_id == victim_id), None)
    if victim is None:
        raise NotFoundError("no such case")
    return victim_id, victim.safe_contact


def get_preferences(
    user_id: str, force_id: str, case_id: str, *, reader: CaseReader, store: PreferencesStore
) -> PreferencesView:
    victim_id, profile = _force_profile(user_id, force_id, case_id, reader)
    own = store.load(force_id, case_id, victim_id) or VictimPreferences()
    return PreferencesView(profile, own, effective_profile(profile, own))


def update_preferences(
    user_id: str,
    force_id: str,
    case_id: str,
    request: PreferenceRequest,
    *,
    reader: CaseReader,
    store: PreferencesStore,
    clock: Clock,
) -> PreferenceDecision:
    victim_id, profile = _force_profile(user_id, force_id, case_id, reader)
    decision = decide(profile, request)
    now = clock.now()
    ask = None
    if decision.for_the_force:
        ask = OutboundEvent(
            force_id=force_id,
            case_id=case_id,
            outbound_id=f"prefs-{victim_id}-{int(now.timestamp())}",
            event_type=PREFERENCES_CHANGED,
            data={"victim_id": victim_id, "requested": decision.for_the_force, "requested_at": now.isoformat()},
            created_at=now,
        )
    store.save(force_id, case_id, victim_id, decision.applied, ask)
    return decision
