"""The pure session rules: ended sessions, recent sign-in, and reading the authorizer's time claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain.errors import RecentSignInRequiredError, UnauthenticatedError
from caseline.domain.sessions import (
    RECENT_SIGN_IN,
    Token,
    check_session,
    claim_time,
    require_recent_sign_in,
    sessions_end_at,
    token_from_claims,
)

NOW = datetime(2026, 12, 6, 9, 30, 15, 400000, tzinfo=UTC)


def _token(signed_in: datetime | None, issued: datetime | None = None) -> Token:
    return Token("user-1", signed_in, issued)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1796549415, datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)),
        ("1796549415", datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)),
        ("Sun Dec 06 09:30:15 UTC 2026", datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)),  # API Gateway's iat
        ("Sun Dec 06 09:30:15 GMT 2026", datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)),
        ("", None),
        (10**20, None),
        ("1e300", None),
        ("nan", None),
        ("yesterday", None),
        (None, None),
        (True, None),
        ({"n": 1}, None),
    ],
)
def test_time_claims_are_read_as_the_authorizer_passes_them(value: object, expected: datetime | None) -> None:
    assert claim_time(value) == expected


def test_a_token_names_its_subject_and_its_sign_in() -> None:
    token = token_from_claims({"sub": "abc", "auth_time": "1796549400", "iat": "Sun Dec 06 09:30:15 UTC 2026"})
    assert token == Token("abc", datetime(2026, 12, 6, 9, 30, tzinfo=UTC), datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC))
    assert token.session_start == datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    assert _token(None, NOW).session_start == NOW


@pytest.mark.parametrize("claims", [None, {}, {"sub": ""}, {"auth_time": 1796549400}])
def test_claims_without_a_subject_are_unauthenticated(claims: dict[str, object] | None) -> None:
    with pytest.raises(UnauthenticatedError):
        token_from_claims(claims)


def test_sessions_end_at_the_next_whole_second() -> None:
    assert sessions_end_at(NOW) == datetime(2026, 12, 6, 9, 30, 16, tzinfo=UTC)
    assert sessions_end_at(NOW.replace(microsecond=0)) == datetime(2026, 12, 6, 9, 30, 16, tzinfo=UTC)


def test_no_ended_session_lets_any_token_through() -> None:
    check_session(_token(NOW - timedelta(hours=5)), None)
    check_session(_token(None), None)


def test_a_session_begun_before_the_end_is_refused_and_one_begun_after_is_not() -> None:
    ended = sessions_end_at(NOW)
    same_second = NOW.replace(microsecond=0)  # token times are whole seconds
    for before in (NOW - timedelta(minutes=10), same_second, ended - timedelta(seconds=1)):
        with pytest.raises(UnauthenticatedError) as refused:
            check_session(_token(before), ended)
        assert not isinstance(refused.value, RecentSignInRequiredError)
    check_session(_token(ended), ended)
    check_session(_token(ended + timedelta(seconds=30)), ended)


def test_the_sign_in_time_counts_not_a_refreshed_issue_time() -> None:
    ended = sessions_end_at(NOW)
    with pytest.raises(UnauthenticatedError):  # refreshed after the end, from a session begun before it
        check_session(_token(NOW - timedelta(minutes=5), ended + timedelta(seconds=5)), ended)
    check_session(_token(None, ended + timedelta(seconds=5)), ended)  # no auth_time: iat is all there is


def test_a_token_with_no_time_is_refused_once_a_session_has_ended() -> None:
    with pytest.raises(UnauthenticatedError):
        check_session(_token(None), sessions_end_at(NOW))


def test_recent_sign_in_is_within_fifteen_minutes_of_auth_time() -> None:
    require_recent_sign_in(_token(NOW), NOW)
    require_recent_sign_in(_token(NOW - RECENT_SIGN_IN), NOW)
    for stale in (_token(NOW - RECENT_SIGN_IN - timedelta(seconds=1)), _token(NOW - timedelta(hours=3))):
        with pytest.raises(RecentSignInRequiredError):
            require_recent_sign_in(stale, NOW)


def test_a_fresh_issue_time_is_not_a_recent_sign_in() -> None:
    with pytest.raises(RecentSignInRequiredError):
        require_recent_sign_in(_token(None, NOW), NOW)
