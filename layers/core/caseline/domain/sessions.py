"""When a signed-in session still counts (pure rules, no I/O).

"Sign out everywhere", quick exit and closing the account end every session the account started before
that moment: the instant is recorded as ``valid_after`` and any token whose sign-in (``auth_time``,
else ``iat``) is earlier is refused, even though API Gateway's Cognito authorizer still accepts it.
Downloading data and closing the account also need a sign-in in the last 15 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from caseline.domain.errors import RecentSignInRequiredError, UnauthenticatedError

RECENT_SIGN_IN = timedelta(minutes=15)
"""How recent the sign-in must be to download data or close the account."""

SESSION_MARK_KEPT = timedelta(hours=13)
"""How long an "ended before" mark is kept: a refresh token lives 12 hours and an ID token 15 minutes
(``template.yaml``), so after this no token from a session it ended can still be presented."""

_API_GATEWAY_TIME = "%a %b %d %H:%M:%S %Z %Y"  # how API Gateway's REST authorizer passes iat and exp


@dataclass(frozen=True)
class Token:
    """Who the token is for and when its session began (None: the token does not say)."""

    user_id: str
    signed_in_at: datetime | None
    issued_at: datetime | None

    @property
    def session_start(self) -> datetime | None:
        return self.signed_in_at or self.issued_at


def claim_time(value: Any) -> datetime | None:
    """A time claim as the authorizer passes it: seconds (number or digits) or API Gateway's
    ``Sat Apr 04 23:47:12 UTC 2020``. Anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_seconds(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return _from_seconds(float(text))
    except ValueError:
        pass
    try:
        return datetime.strptime(text.replace("GMT", "UTC"), _API_GATEWAY_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None


def _from_seconds(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):  # out of range, or not a number (nan)
        return None


def token_from_claims(claims: Mapping[str, Any] | None) -> Token:
    subject = (claims or {}).get("sub")
    if not subject:
        raise UnauthenticatedError()
    assert claims is not None
    return Token(str(subject), claim_time(claims.get("auth_time")), claim_time(claims.get("iat")))


def sessions_end_at(now: datetime) -> datetime:
    """The instant recorded for "ended now": the next whole second, as token times are whole seconds,
    so a token from the same second as the sign-out is refused too (sign in again a moment later)."""
    whole = now.replace(microsecond=0)
    return whole + timedelta(seconds=1)


def check_session(token: Token, valid_after: datetime | None) -> None:
    """Refuse a token from a session that ended. A token that gives no time is refused once any session
    of the account has ended."""
    if valid_after is None:
        return
    start = token.session_start
    if start is None or start < valid_after:
        raise UnauthenticatedError()


def require_recent_sign_in(token: Token, now: datetime) -> None:
    """Downloading data and closing the account: the victim signed in within ``RECENT_SIGN_IN``. Only
    ``auth_time`` counts (``iat`` changes on every refresh)."""
    signed_in = token.signed_in_at
    if signed_in is None or now - signed_in > RECENT_SIGN_IN:
        raise RecentSignInRequiredError()
