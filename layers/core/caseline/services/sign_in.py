"""A victim signed in (Cognito's post-authentication trigger): one sign-in record per linked case per UK
day. The journeys function turns each new record into the "new sign-in" security notice
(``caseline.account.signed-in``), so the trigger itself stays a few small writes inside Cognito's
five-second budget and never plans messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from caseline.domain.calendar import uk_date
from caseline.domain.ports import Clock
from caseline.domain.records import WriteOutcome


@dataclass(frozen=True)
class CaseMembership:
    """One case an account is linked to, as the victim it was linked as."""

    force_id: str
    case_id: str
    victim_id: str


class SignInStore(Protocol):
    def memberships(self, user_id: str) -> list[CaseMembership]:
        """Every case the account is linked to (its links, each confirmed by the case's member item)."""
        ...

    def record(self, membership: CaseMembership, user_id: str, signed_in_at: datetime, day: date) -> WriteOutcome:
        """Write the day's sign-in record on the case; DUPLICATE when the account has one there already."""
        ...


def record_sign_in(user_id: str, store: SignInStore, clock: Clock) -> int:
    """Record a sign-in on every case the account is linked to; returns how many records are new."""
    now = clock.now()
    day = uk_date(now)
    outcomes = [store.record(membership, user_id, now, day) for membership in store.memberships(user_id)]
    return sum(1 for outcome in outcomes if outcome is WriteOutcome.WRITTEN)
