"""The accounts linked to a victim record: how the victim sees them (a masked email, an opaque id) and
which changes to contact choices must be told to the victim on the channels that were safe before."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from caseline.domain.preferences import VictimPreferences

if TYPE_CHECKING:  # annotations only
    from caseline.domain.delegation import Delegation
    from caseline.domain.outbound import OutboundEvent
    from caseline.domain.records import AuditEntry

MASK = "\u2022\u2022\u2022"  # three bullets: "v•••@example.org"


@dataclass(frozen=True)
class LinkedAccount:
    """One account's link to a victim record of a case, as stored (the member item)."""

    user_id: str
    victim_id: str
    linked_at: datetime
    last_signed_in_at: datetime | None = None


@dataclass(frozen=True)
class AccountRemoval:
    """One account taken off a case, as one write: its member and link items go, with ``notice`` for the
    force (when the victim removed it) and each delegation the account gave, with that delegation's notice."""

    force_id: str
    case_id: str
    account: LinkedAccount
    notice: OutboundEvent | None = None
    ending: tuple[tuple[Delegation, OutboundEvent], ...] = ()


@dataclass(frozen=True)
class Unlinking:
    """A closing account taken off one case, as one write: its link and membership go with the messages it
    sent there and the delegation it ``followed`` the case by (if any), ``erasure`` is logged, and each invitation it
    gave ends with that invitation's notice for the force (``ending``, as in ``AccountRemoval``)."""

    user_id: str
    erasure: AuditEntry
    followed: Delegation | None = None
    ending: tuple[tuple[Delegation, OutboundEvent], ...] = ()


@dataclass(frozen=True)
class CaseMembership:
    """One case an account is linked to, as the victim it was linked as."""

    force_id: str
    case_id: str
    victim_id: str


def link_id(force_id: str, case_id: str, user_id: str) -> str:
    """An opaque, stable id for one account's link to one case: the account id itself is never shown."""
    return hashlib.sha256(f"{force_id}\x1f{case_id}\x1f{user_id}".encode()).hexdigest()[:20]


def mask_email(email: str | None) -> str | None:
    """``v•••@example.org``: enough for the victim to recognise their own address, not to learn another's."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}{MASK}@{domain}" if local and domain else None


def _no_news_rank(days: int | None) -> int:
    return 10_000 if days is None else days


def contact_reduced(before: VictimPreferences | None, after: VictimPreferences) -> list[str]:
    """What a change to contact choices cuts back or undoes of her safety choices, by name (empty when
    neither).

    Someone holding the victim's account could otherwise silence the service without her knowing: a
    channel turned off (or changed), updates turned off, "no news" updates made rarer. Or they could undo
    what she chose to keep herself safe, so that messages reach her shared phone at night or name the
    police or the crime: safe hours changed (widened or removed as much as narrowed), naming the police or
    the crime allowed again.
    """
    old = before or VictimPreferences()
    reduced = []
    if after.channels_off != old.channels_off:
        reduced.append("channels")
    if old.non_statutory and not after.non_statutory:
        reduced.append("updates")
    if _no_news_rank(after.no_news_days) > _no_news_rank(old.no_news_days):
        reduced.append("no-news")
    if after.safe_hours != old.safe_hours:
        reduced.append("safe-hours")
    if (old.hide_police and not after.hide_police) or (old.hide_crime and not after.hide_crime):
        reduced.append("naming")
    return reduced
