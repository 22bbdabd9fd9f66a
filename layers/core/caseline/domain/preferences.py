"""A victim's own choices about contact. They can only make contact safer than the force's assessment:
a choice that would make it less safe is passed to the force to decide, never applied here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.vocabulary import Channel

NO_NEWS_CHOICES = (14, 28, None)  # days between "no news yet" updates; None: only when something happens


@dataclass(frozen=True)
class VictimPreferences:
    channels_off: frozenset[Channel] = frozenset()
    hide_police: bool = False
    hide_crime: bool = False
    safe_hours: SafeHours | None = None
    no_news_days: int | None = 28
    language: str | None = None
    non_statutory: bool = True  # False: opted out of messages the Victims' Code does not require

    def to_dict(self) -> dict[str, Any]:
        hours = self.safe_hours
        return {
            "channels_off": sorted(c.value for c in self.channels_off),
            "hide_police": self.hide_police,
            "hide_crime": self.hide_crime,
            "safe_hours": hours.to_dict() if hours else None,
            "no_news_days": self.no_news_days,
            "language": self.language,
            "non_statutory": self.non_statutory,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> VictimPreferences:
        return cls(
            channels_off=frozenset(Channel(c) for c in stored.get("channels_off", ())),
            hide_police=bool(stored.get("hide_police", False)),
            hide_crime=bool(stored.get("hide_crime", False)),
            safe_hours=SafeHours.from_dict(stored.get("safe_hours")),
            no_news_days=stored.get("no_news_days", 28),
            language=stored.get("language"),
            non_statutory=bool(stored.get("non_statutory", True)),
        )


def _within(inner: SafeHours, outer: SafeHours) -> bool:
    """True when every moment of ``inner`` is inside ``outer`` (both as daily windows, not crossing midnight)."""
    if inner.start > inner.end or outer.start > outer.end:
        return inner == outer
    return outer.start <= inner.start and inner.end <= outer.end


def effective_profile(force: SafeContactProfile, prefs: VictimPreferences) -> SafeContactProfile:
    """The strictest of the force's assessment and the victim's own choices."""
    hours = force.safe_hours
    if prefs.safe_hours is not None and (hours is None or _within(prefs.safe_hours, hours)):
        hours = prefs.safe_hours
    return SafeContactProfile(
        safe_channels=tuple(c for c in force.safe_channels if c not in prefs.channels_off),
        safe_hours=hours,
        may_name_police=force.may_name_police and not prefs.hide_police,
        may_name_crime=force.may_name_crime and not prefs.hide_crime,
    )


@dataclass(frozen=True)
class PreferenceRequest:
    channels: frozenset[Channel]
    name_police: bool
    name_crime: bool
    safe_hours: SafeHours | None
    no_news_days: int | None
    language: str | None
    non_statutory: bool


@dataclass(frozen=True)
class PreferenceDecision:
    applied: VictimPreferences
    for_the_force: dict[str, Any] = field(default_factory=dict)  # what only the force can allow


def decide(force: SafeContactProfile, request: PreferenceRequest) -> PreferenceDecision:
    """Apply what is as safe or safer than the force's assessment; pass the rest to the force."""
    asked: dict[str, Any] = {}
    wanted_but_unsafe = sorted(c.value for c in request.channels if c not in force.safe_channels)
    if wanted_but_unsafe:
        asked["channels"] = wanted_but_unsafe
    if request.name_police and not force.may_name_police:
        asked["name_police"] = True
    if request.name_crime and not force.may_name_crime:
        asked["name_crime"] = True
    hours = request.safe_hours
    if force.safe_hours is not None and (hours is None or not _within(hours, force.safe_hours)):
        asked["safe_hours"] = {"start": hours.start.isoformat(), "end": hours.end.isoformat()} if hours else None
        hours = None  # keep the force's hours until it decides
    applied = VictimPreferences(
        channels_off=frozenset(c for c in Channel if c not in request.channels),
        hide_police=not request.name_police,
        hide_crime=not request.name_crime,
        safe_hours=hours,
        no_news_days=request.no_news_days,
        language=request.language,
        non_statutory=request.non_statutory,
    )
    return PreferenceDecision(applied=applied, for_the_force=asked)
