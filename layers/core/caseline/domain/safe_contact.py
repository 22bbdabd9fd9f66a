"""Safe contact: never contact a victim in a way they have not said is safe.

A message the profile blocks becomes a task for the officer; it is never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar
from zoneinfo import ZoneInfo

from caseline.domain.vocabulary import SENSITIVE_FLAGS, Channel

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

# Plain frozen dataclasses keep pydantic out of the functions that only read profiles (cold start);
# the event contract (caseline.domain.events) validates them strictly when a force sends one.
_FORBID_EXTRA: dict[str, Any] = {"extra": "forbid"}

# A time of day on the UK wall clock, as every safe hour is given to Caseline (force events, the victim's
# preferences, the report form): HH:MM, or HH:MM:SS, with no offset. A "06:00Z" would be a time that no
# UK wall-clock time can be compared with, and what it means in the UK changes with summer time.
WALL_CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_WALL_CLOCK = re.compile(WALL_CLOCK_PATTERN)
WALL_CLOCK_RULE = "must be HH:MM, UK local time, with no offset"
WALL_CLOCK_DESCRIPTION = "HH:MM (or HH:MM:SS), UK local time, no offset"


def wall_clock_time(value: object) -> time:
    """``value`` as a UK wall-clock time of day: ``HH:MM`` or ``HH:MM:SS`` text, or a time with no offset.
    ValueError for anything else (an offset or ``Z``, ``24:00``, ``6:00``, fractions of a second, numbers)."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _WALL_CLOCK.fullmatch(value):
        return time.fromisoformat(value)
    raise ValueError(WALL_CLOCK_RULE)


class _WallClock:
    """``WallClockTime``'s rule and schema for pydantic, which imports pydantic only when a model using it
    is built (never in a function that only reads stored profiles)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(wall_clock_time, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": WALL_CLOCK_PATTERN, "description": WALL_CLOCK_DESCRIPTION}


WallClockTime = Annotated[time, _WallClock()]


@dataclass(frozen=True)
class SafeHours:
    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID_EXTRA
    start: WallClockTime = time(8, 0)
    end: WallClockTime = time(20, 0)

    def __post_init__(self) -> None:
        # Never a time with an offset: it could not be compared with the UK wall clock (see ``from_dict``).
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(f"safe hours {WALL_CLOCK_RULE}")

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, stored: Mapping[str, str] | None) -> SafeHours | None:
        """The hours ``to_dict`` stored; None where none were. Hours stored with an offset (events were
        accepted with one before the contract refused it) are the UK wall-clock times they spell."""
        if not stored:
            return None
        return cls(_stored_time(stored["start"]), _stored_time(stored["end"]))


def _stored_time(stored: str) -> time:
    return time.fromisoformat(stored).replace(tzinfo=None)


@dataclass(frozen=True)
class SafeContactProfile:
    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID_EXTRA
    safe_channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS)
    safe_hours: SafeHours | None = None
    may_name_police: bool = True
    may_name_crime: bool = True

    def to_dict(self) -> dict[str, Any]:
        hours = self.safe_hours
        return {
            "safe_channels": [channel.value for channel in self.safe_channels],
            "safe_hours": hours.to_dict() if hours else None,
            "may_name_police": self.may_name_police,
            "may_name_crime": self.may_name_crime,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> SafeContactProfile:
        """Rebuild a profile that was validated on the way in (see ``to_dict``)."""
        return cls(
            safe_channels=tuple(Channel(c) for c in stored.get("safe_channels", ("email", "sms"))),
            safe_hours=SafeHours.from_dict(stored.get("safe_hours")),
            may_name_police=bool(stored.get("may_name_police", True)),
            may_name_crime=bool(stored.get("may_name_crime", True)),
        )


_UK = ZoneInfo("Europe/London")


def next_safe_moment(profile: SafeContactProfile, now: datetime) -> datetime | None:
    """None if ``now`` is inside the victim's safe hours (UK time); otherwise when they next begin."""
    hours = profile.safe_hours
    if hours is None:
        return None
    local = now.astimezone(_UK)
    if hours.contains(local.time()):
        return None
    start = local.replace(hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0)
    if start <= local:
        start = (start + timedelta(days=1)).replace(hour=hours.start.hour, minute=hours.start.minute)
    return start.astimezone(now.tzinfo)


@lru_cache(maxsize=256)
def _minutes(hours: SafeHours | None) -> frozenset[int]:
    """The minutes of a day (0..1439, UK wall clock) inside ``hours``; every minute when there are none."""
    return frozenset(m for m in range(24 * 60) if hours is None or hours.contains(time(m // 60, m % 60)))


def hours_overlap(first: SafeHours | None, second: SafeHours | None) -> bool:
    """Is there any minute of the day inside both (no hours: any time)? Safe hours that start and end at
    the same minute contain none, so they overlap nothing."""
    return bool(_minutes(first) & _minutes(second))


def is_content_free(flags: Iterable[str], profile: SafeContactProfile) -> bool:
    """Messages about sensitive cases, or where the victim asked, carry no crime or police details."""
    return bool(SENSITIVE_FLAGS.intersection(flags)) or not profile.may_name_crime or not profile.may_name_police


def allowed_channels(
    profile: SafeContactProfile, *, has_email: bool, has_mobile: bool
) -> tuple[list[Channel], list[Channel]]:
    """Split the channels we hold details for into (allowed, blocked) by the profile."""
    held = [c for c, present in ((Channel.EMAIL, has_email), (Channel.SMS, has_mobile)) if present]
    allowed = [c for c in held if c in profile.safe_channels]
    blocked = [c for c in held if c not in profile.safe_channels]
    return allowed, blocked
