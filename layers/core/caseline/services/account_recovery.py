"""Apply the high-risk rule to accounts: no self-service recovery for an account linked as a high-risk
victim (``domain.account_recovery``). Every path that can make an account a high-risk victim's calls
``protect_account``: linking with an access code, the reporter's automatic link, a later tier or flag
(journeys), and every sign-in (the post-authentication trigger re-applies it).

Restricting is idempotent and never undone here: only the force can restore recovery.
"""

from __future__ import annotations

from typing import Protocol


class VictimRisks(Protocol):
    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        """``is_high_risk_victim`` for this victim's current tier and the case's flags."""
        ...


class RecoveryAdmin(Protocol):
    def disable_self_service_recovery(self, user_id: str) -> None:
        """No password reset by email or SMS for this account (recovery goes through the force)."""
        ...


def protect_account(
    user_id: str, force_id: str, case_id: str, victim_id: str, *, victims: VictimRisks, identity: RecoveryAdmin
) -> bool:
    """Take self-service recovery away from ``user_id`` if it is linked as a high-risk victim; True if so."""
    if not victims.is_high_risk(force_id, case_id, victim_id):
        return False
    identity.disable_self_service_recovery(user_id)
    return True
