"""Limits that hold however many requests arrive at once: the messages an account sends about a case in 24
hours (``services.officer_messages.MAX_MESSAGES_PER_DAY``), the people following a victim record of a case
(``domain.delegation.MAX_DELEGATES``).

A limit counts what one read of the case found, then writes one more. Requests that read at the same
time would each find room for one more, so each limited scope has an allowance on the case: a ``version``
read with what the limit counts, which the write increments in its own transaction on condition that it
is still the version read. Of requests that read the same state one writes; each other one fails that
condition, writes nothing, reads again and counts again: ``WRITE_ATTEMPTS`` tries in all, then a retryable
error (the request changed nothing and may be sent again).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WRITE_ATTEMPTS = 3  # reads and conditional writes per request before it answers "try again"


@dataclass(frozen=True)
class Allowance:
    """One limited scope of a case, and its version as read (0: nothing has used it yet)."""

    scope: str  # messages_of(user) or delegates_of(victim)
    version: int = 0

    @classmethod
    def read(cls, versions: Mapping[str, int], scope: str) -> Allowance:
        """The scope's allowance from the versions one read of the case found."""
        return cls(scope, versions.get(scope, 0))


def messages_of(user_id: str) -> str:
    """The messages one account sends about the case (each account has its own daily limit)."""
    return f"MESSAGES#{user_id}"


def delegates_of(victim_id: str) -> str:
    """The people following one victim record of the case for her, whoever invited them."""
    return f"DELEGATES#{victim_id}"
