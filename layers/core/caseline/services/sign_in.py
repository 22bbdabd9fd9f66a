"""A victim signed in (Cognito's post-authentication trigger): one sign-in record per linked case per UK
day. The journeys function turns each new record into the "new sign-in" security notice
(``caseline.account.signed-in``), so the trigger itself stays a few small writes inside Cognito's
five-second budget and never plans messages.

Every sign-in also re-applies the high-risk rule (``services.account_recovery``) to the cases the account
is linked to: an account whose recovery was switched back on (a re-verified email) loses it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from caseline.domain.account_ports import RecoveryAdmin, SignInStore, VictimRisks
from caseline.domain.accounts import CaseMembership
from caseline.domain.calendar import uk_date
from caseline.domain.ports import Clock
from caseline.domain.records import WriteOutcome
from caseline.services.account_recovery import protect_account


def record_sign_in(
    user_id: str, store: SignInStore, clock: Clock, memberships: Sequence[CaseMembership] | None = None
) -> int:
    """Record a sign-in on every case the account is linked to (``memberships`` if already loaded); returns
    how many records are new."""
    now = clock.now()
    day = uk_date(now)
    linked = store.memberships(user_id) if memberships is None else memberships
    outcomes = [store.record(membership, user_id, now, day) for membership in linked]
    return sum(1 for outcome in outcomes if outcome is WriteOutcome.WRITTEN)


def reapply_recovery_rule(
    user_id: str, memberships: Sequence[CaseMembership], *, victims: VictimRisks, identity: RecoveryAdmin
) -> bool:
    """Take self-service recovery away again if any linked case has the account as a high-risk victim.

    Stops at the first such case: one Cognito call at most, to stay inside the trigger's budget."""
    return any(
        protect_account(user_id, m.force_id, m.case_id, m.victim_id, victims=victims, identity=identity)
        for m in memberships
    )
