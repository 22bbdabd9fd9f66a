"""Apply the high-risk rule to accounts: no self-service recovery for an account linked as a high-risk
victim (``domain.account_recovery``). Every path that can make an account a high-risk victim's calls
``protect_account``: linking with an access code, the reporter's automatic link, a later tier or flag
(journeys), and every sign-in (the post-authentication trigger re-applies it).

Restricting is idempotent and never undone here: only the force can restore recovery.
"""

from __future__ import annotations

from caseline.domain.account_ports import RecoveryAdmin, VictimRisks


def protect_account(
    user_id: str, force_id: str, case_id: str, victim_id: str, *, victims: VictimRisks, identity: RecoveryAdmin
) -> bool:
    """Take self-service recovery away from ``user_id`` if it is linked as a high-risk victim; True if so."""
    if not victims.is_high_risk(force_id, case_id, victim_id):
        return False
    identity.disable_self_service_recovery(user_id)
    return True
