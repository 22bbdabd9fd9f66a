"""Safe hours are UK wall-clock times: ``HH:MM`` (or ``HH:MM:SS``) with no offset, wherever a time of day
enters Caseline (a force's event, the victim's preferences, the report form). One rule, ``WallClockTime``;
the published schemas say the same by its pattern."""

from __future__ import annotations

import json
from datetime import UTC, time, timedelta, timezone
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, ValidationError

from caseline.domain.safe_contact import (
    SafeContactProfile,
    SafeHours,
    WallClockTime,
    hours_overlap,
    next_safe_moment,
    wall_clock_time,
)
from caseline.domain.send_policy import ChannelPlan, planned_channels
from caseline.domain.vocabulary import Channel
from tests.unit.builders import NOW, victim_contact

_TYPE: TypeAdapter[time] = TypeAdapter(WallClockTime)
_HOURS = TypeAdapter(SafeHours)
_SCHEMA = Draft202012Validator(_HOURS.json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("00:00", time(0, 0)), ("23:59", time(23, 59)), ("06:00:00", time(6, 0)), ("17:30", time(17, 30))],
)
def test_hh_mm_and_hh_mm_ss_are_uk_wall_clock_times(text: str, expected: time) -> None:
    # Given a time of day as a force, the victim or the report form sends it
    # When the one rule reads it, alone and as the event contract reads safe hours (strict JSON, as ingest)
    alone = wall_clock_time(text)
    typed = _TYPE.validate_json(json.dumps(text), strict=True)
    hours = _HOURS.validate_json(json.dumps({"start": text, "end": "12:00"}), strict=True)
    # Then it is that time with no offset, and the published schema (formats checked) accepts it too
    assert alone == typed == hours.start == expected
    assert hours.start.tzinfo is None
    assert _SCHEMA.is_valid({"start": text, "end": "12:00"})


@pytest.mark.parametrize(
    "given",
    [
        "06:00Z",
        "06:00:00Z",
        "06:00+01:00",
        "06:00:00+00:00",
        "24:00",
        "6:00",
        "",
        "0600",
        "06:00:00.5",
        "\u0660\u0666:00",  # Arabic-Indic digits
    ],
)
def test_a_time_with_an_offset_or_not_hh_mm_is_refused_everywhere(given: str) -> None:
    # Given a time of day that is not HH:MM on the UK wall clock
    # When the rule, the type, and the event contract's safe hours read it
    with pytest.raises(ValueError, match="HH:MM, UK local time, with no offset"):
        wall_clock_time(given)
    with pytest.raises(ValidationError):
        _TYPE.validate_json(json.dumps(given), strict=True)
    with pytest.raises(ValidationError) as raised:
        _HOURS.validate_json(json.dumps({"start": given, "end": "12:00"}), strict=True)
    # Then each refuses it, naming the member, and so does the published schema
    assert [error["loc"] for error in raised.value.errors()] == [("start",)]
    assert not _SCHEMA.is_valid({"start": given, "end": "12:00"})


@pytest.mark.parametrize("given", [3600, 6.0, None, time(6, 0, tzinfo=UTC), "06:00\n"])
def test_numbers_nothing_and_times_with_an_offset_are_not_wall_clock_times(given: Any) -> None:
    # Given a value that is not a time of day with no offset (pydantic reads 3600 as 01:00 UTC otherwise;
    # a trailing newline passes a pattern's "$" in Python's jsonschema, never the rule)
    # When the rule and the type (lax, as Python callers use it) read it
    # Then both refuse it
    with pytest.raises(ValueError, match="HH:MM"):
        wall_clock_time(given)
    with pytest.raises(ValidationError):
        _TYPE.validate_python(given)


def test_safe_hours_cannot_hold_a_time_with_an_offset() -> None:
    # Given a time with an offset, which no UK wall-clock time can be compared with
    aware = time(6, 0, tzinfo=timezone(timedelta(hours=1)))
    # When safe hours are built from it in code
    # Then they are refused at once, rather than failing every later comparison
    with pytest.raises(ValueError, match="no offset"):
        SafeHours(start=aware, end=time(20, 0))
    with pytest.raises(ValueError, match="no offset"):
        SafeHours(start=time(6, 0), end=aware)


@pytest.mark.parametrize(
    "stored",
    [
        {"start": "06:00:00+00:00", "end": "20:00:00"},
        {"start": "06:00:00", "end": "20:00:00+01:00"},
        {"start": "06:00:00Z", "end": "20:00Z"},
    ],
)
def test_hours_stored_with_an_offset_are_read_as_the_wall_clock_times_they_spell(stored: dict[str, str]) -> None:
    # Given a victim's profile stored with an offset (the webhook and the preferences API took one before)
    profile = SafeContactProfile.from_dict({"safe_channels": ["email", "sms"], "safe_hours": stored})
    # When it is read back
    # Then the hours are the UK wall-clock times written, with no offset
    assert profile.safe_hours == SafeHours(time(6, 0), time(20, 0))
    assert profile.safe_hours.start.tzinfo is None and profile.safe_hours.end.tzinfo is None
    # and journeys and dispatch can plan and time messages for the victim, rather than failing for ever
    assert hours_overlap(profile.safe_hours, None) is True
    victim = victim_contact(safe_contact=profile)
    assert planned_channels(victim) == ChannelPlan((Channel.EMAIL, Channel.SMS))
    next_safe_moment(profile, NOW)
