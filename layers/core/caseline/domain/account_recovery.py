"""Who may recover their account by themselves: the one rule, pure.

An enhanced-tier victim of domestic abuse is *high-risk*: whoever reads her mailbox or holds her phone
could otherwise reset her password and read her case. Her account gets no self-service recovery (no
reset code by email or SMS); she gets back in through the officer or the force.
"""

from __future__ import annotations

from collections.abc import Iterable

from caseline.domain.vocabulary import CrimeFlag, VictimTier


def is_high_risk_victim(tier: str, case_flags: Iterable[str]) -> bool:
    """True when an account linked as this victim must recover through the force, never by itself."""
    return tier == VictimTier.ENHANCED and CrimeFlag.DOMESTIC_ABUSE in frozenset(case_flags)
