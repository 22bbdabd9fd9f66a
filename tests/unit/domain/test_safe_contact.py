"""Safe contact: which channels may be used, when messages must be content-free, safe hours."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from caseline.domain.safe_contact import (
    SafeContactProfile,
    SafeHours,
    allowed_channels,
    hours_overlap,
    is_content_free,
    next_safe_moment,
)
from caseline.domain.vocabulary import Channel, CrimeFlag


def test_by_default_every_held_channel_is_allowed() -> None:
    allowed, blocked = allowed_channels(SafeContactProfile(), has_email=True, has_mobile=True)
    assert allowed == [Channel.EMAIL, Channel.SMS]
    assert blocked == []


def test_a_held_channel_the_victim_did_not_mark_safe_is_blocked() -> None:
    # Given a victim who said only email is safe, and we hold both email and mobile
    profile = SafeContactProfile(safe_channels=(Channel.EMAIL,))
    # When the channels are split
    allowed, blocked = allowed_channels(profile, has_email=True, has_mobile=True)
    # Then SMS is blocked (so it can become an officer task) and email allowed
    assert allowed == [Channel.EMAIL]
    assert blocked == [Channel.SMS]


def test_channels_we_hold_no_details_for_are_neither_allowed_nor_blocked() -> None:
    allowed, blocked = allowed_channels(SafeContactProfile(), has_email=False, has_mobile=True)
    assert allowed == [Channel.SMS]
    assert blocked == []


def test_no_safe_channels_blocks_everything_held() -> None:
    profile = SafeContactProfile(safe_channels=())
    allowed, blocked = allowed_channels(profile, has_email=True, has_mobile=True)
    assert allowed == []
    assert blocked == [Channel.EMAIL, Channel.SMS]


def test_no_details_gives_nothing() -> None:
    assert allowed_channels(SafeContactProfile(), has_email=False, has_mobile=False) == ([], [])


@pytest.mark.parametrize(
    "flag",
    [CrimeFlag.DOMESTIC_ABUSE, CrimeFlag.SEXUAL_OFFENCE, CrimeFlag.HATE_CRIME, CrimeFlag.STALKING_HARASSMENT],
)
def test_sensitive_flags_make_messages_content_free(flag: CrimeFlag) -> None:
    assert is_content_free([flag.value], SafeContactProfile())


def test_flags_given_as_plain_strings_are_recognised() -> None:
    assert is_content_free(("fraud", "domestic-abuse"), SafeContactProfile())


@pytest.mark.parametrize("flags", [(), ("fraud",)])
def test_other_cases_may_carry_crime_details(flags: tuple[str, ...]) -> None:
    assert not is_content_free(flags, SafeContactProfile())


def test_a_victim_who_asked_not_to_name_the_crime_gets_content_free_messages() -> None:
    assert is_content_free((), SafeContactProfile(may_name_crime=False))


@pytest.mark.parametrize(
    ("moment", "inside"),
    [(time(8, 0), True), (time(19, 59), True), (time(20, 0), False), (time(7, 59), False), (time(0, 0), False)],
)
def test_default_safe_hours_are_eight_to_eight(moment: time, inside: bool) -> None:
    assert SafeHours().contains(moment) is inside


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (time(22, 0), True),
        (time(23, 30), True),
        (time(0, 0), True),
        (time(5, 59), True),
        (time(6, 0), False),
        (time(12, 0), False),
        (time(21, 59), False),
    ],
)
def test_safe_hours_may_run_across_midnight(moment: time, inside: bool) -> None:
    # Given a victim who is only safe to contact between 22:00 and 06:00
    hours = SafeHours(start=time(22, 0), end=time(6, 0))
    # Then times on both sides of midnight are inside, daytime is outside
    assert hours.contains(moment) is inside


_PROFILE = TypeAdapter(SafeContactProfile)


def test_the_event_contract_rejects_unknown_profile_fields() -> None:
    with pytest.raises(ValidationError):
        _PROFILE.validate_python({"safe_channels": ["email"], "carrier_pigeon": True})
    with pytest.raises(ValidationError):
        _PROFILE.validate_python({"safe_hours": {"start": "09:00", "end": "17:00", "tz": "UTC"}})


def test_the_event_contract_rejects_unknown_channels() -> None:
    with pytest.raises(ValidationError):
        _PROFILE.validate_python({"safe_channels": ["fax"]})


def test_a_validated_profile_survives_storage_unchanged() -> None:
    profile = _PROFILE.validate_python(
        {"safe_channels": ["sms"], "safe_hours": {"start": "09:00", "end": "17:30"}, "may_name_police": False}
    )
    assert profile.safe_hours == SafeHours(start=time(9), end=time(17, 30))
    assert SafeContactProfile.from_dict(profile.to_dict()) == profile
    assert SafeContactProfile.from_dict({}) == SafeContactProfile()


def test_profile_is_immutable() -> None:
    profile = SafeContactProfile()
    with pytest.raises(FrozenInstanceError):
        profile.may_name_crime = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        pytest.param(SafeHours(time(22), time(7)), SafeHours(time(8), time(21)), False, id="overnight-vs-daytime"),
        pytest.param(
            SafeHours(time(20), time(9)), SafeHours(time(8), time(21)), True, id="overnight-touching-both-ends"
        ),
        pytest.param(SafeHours(time(9), time(17)), SafeHours(time(8), time(21)), True, id="inside"),
        pytest.param(SafeHours(time(21), time(23)), SafeHours(time(8), time(21)), False, id="end-is-exclusive"),
        pytest.param(SafeHours(time(9), time(9)), None, False, id="empty-hours"),
        pytest.param(None, None, True, id="no-hours-at-all"),
        pytest.param(None, SafeHours(time(8), time(21)), True, id="any-time-meets-quiet-hours"),
    ],
)
def test_safe_hours_overlap_minute_by_minute(first: SafeHours | None, second: SafeHours | None, overlap: bool) -> None:
    assert hours_overlap(first, second) is overlap
    assert hours_overlap(second, first) is overlap


# When the next message may go: the victim's safe hours are the only hours, in UK wall-clock time.
DAYTIME = SafeContactProfile(safe_hours=SafeHours(time(7), time(22)))
OVERNIGHT = SafeContactProfile(safe_hours=SafeHours(time(22), time(6)))


@pytest.mark.parametrize(
    ("profile", "now", "expected"),
    [
        pytest.param(DAYTIME, "2026-12-07T12:00", None, id="daytime-inside"),
        pytest.param(DAYTIME, "2026-12-07T23:30", "2026-12-08T07:00", id="daytime-late-evening-waits-for-morning"),
        pytest.param(DAYTIME, "2026-12-08T03:31", "2026-12-08T07:00", id="daytime-small-hours-same-morning"),
        pytest.param(DAYTIME, "2026-12-07T22:00", "2026-12-08T07:00", id="daytime-end-is-outside"),
        pytest.param(OVERNIGHT, "2026-12-08T03:31", None, id="overnight-inside-after-midnight"),
        pytest.param(OVERNIGHT, "2026-12-07T23:00", None, id="overnight-inside-before-midnight"),
        pytest.param(OVERNIGHT, "2026-12-07T12:00", "2026-12-07T22:00", id="overnight-midday-waits-for-evening"),
        pytest.param(OVERNIGHT, "2026-12-08T06:00", "2026-12-08T22:00", id="overnight-end-is-outside"),
        pytest.param(DAYTIME, "2026-07-01T05:30", "2026-07-01T06:00", id="summer-time-is-uk-wall-clock"),
        pytest.param(SafeContactProfile(), "2026-12-08T03:31", None, id="no-safe-hours-any-time"),
    ],
)
def test_the_next_safe_moment_keeps_to_uk_wall_clock_hours(
    profile: SafeContactProfile, now: str, expected: str | None
) -> None:
    # Given a moment in UTC (UK time is UTC in December and UTC+1 in July)
    moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
    found = next_safe_moment(profile, moment)
    assert found == (datetime.fromisoformat(expected).replace(tzinfo=UTC) if expected else None)
    # and whatever it answers is inside the safe hours
    if found is not None and profile.safe_hours is not None:
        assert profile.safe_hours.contains(found.astimezone(ZoneInfo("Europe/London")).time())
