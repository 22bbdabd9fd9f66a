"""The send policy: may this message go to this victim now, and how? One decision table, pure.

``decide`` reads the rows in order; the first that applies decides (statutory: the Victims' Code
requires the message; non-statutory: everything else).

====  =========================================================  =========================================
row   when                                                        verdict (reason)
====  =========================================================  =========================================
1     no contact record for the victim                            FAIL (victim-contact-missing)
2     non-statutory, and the victim opted out of those            SKIP (opted-out)
3     the profile does not allow the channel, or no address       BLOCK (channel-not-safe)
4     the address is suppressed (bounce, complaint, STOP)         FALL_BACK to the other allowed channel
                                                                  (statutory); else FAIL (statutory) or
                                                                  SKIP (suppressed)
5     the victim's safe hours have no minute in them              BLOCK (statutory) / SKIP (no-safe-time)
6     non-statutory, safe hours never inside quiet hours          SKIP (no-sending-moment)
7     outside safe hours; non-statutory: outside quiet hours,     DEFER until the latest of those moments
      or the daily cap reached
8     otherwise                                                   SEND, content-free when the case or
                                                                  profile needs it; if the provider
                                                                  refuses it, FALL_BACK as in row 4
====  =========================================================  =========================================

FAIL and BLOCK give the force an officer task; nothing is silently dropped. A message that pins a
profile (a safety notice) obeys that one instead of the victim's current one. The same rules plan
messages (``planned_channels``: which channels a journey writes a message for) and pick the fallback
after a failed send or a bounce (``fallback``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum

from caseline.domain.records import OutboxMessage, VictimContact, fallback_key
from caseline.domain.safe_contact import (
    SafeContactProfile,
    SafeHours,
    allowed_channels,
    hours_overlap,
    is_content_free,
    next_safe_moment,
)
from caseline.domain.vocabulary import Channel

QUIET_HOURS = SafeContactProfile(safe_hours=SafeHours(time(8, 0), time(21, 0)))  # non-urgent messages only
MAX_NON_STATUTORY_PER_DAY = 3  # messages (a step's email and SMS are one message) in any 24 hours
CONTENT_FREE = "content-free-update"
CONTENT_FREE_UNBRANDED = "content-free-update-unbranded"


class Verdict(StrEnum):
    SEND = "send"
    DEFER = "defer"
    SKIP = "skip"  # recorded on the message, no task
    BLOCK = "block"  # an officer task: the message cannot go the way it was planned
    FAIL = "fail"  # an officer task: the message cannot go at all
    FALL_BACK = "fall-back"  # the same message by another channel (or it is going that way already)


@dataclass(frozen=True)
class OtherChannel:
    """The channel a statutory message goes by instead; ``planned`` when the step goes that way already."""

    channel: Channel
    planned: bool = False


@dataclass(frozen=True)
class SendFacts:
    """What the policy needs about the victim and the case, beyond the message itself."""

    victim: VictimContact | None  # None: no contact record
    opted_in: bool = True  # to non-statutory messages
    case_flags: tuple[str, ...] = ()
    recent_non_statutory: Sequence[datetime] = ()  # when non-statutory messages went (one per step)
    planned_keys: frozenset[str] = frozenset()  # every outbox key on the case
    discloses: bool = False  # the template names the crime or the police, or links with the crime reference
    content_free: str | None = None  # the template's own content-free stand-in, if it has one


@dataclass(frozen=True)
class SendDecision:
    verdict: Verdict
    reason: str = ""
    template_id: str = ""  # SEND: the template to render
    send_after: datetime | None = None  # DEFER
    fallback: OtherChannel | None = None  # FALL_BACK; SEND: where it goes if the provider refuses it


@dataclass(frozen=True)
class ChannelPlan:
    """The channels a new message is written for; ``reason`` the officer task when a statutory one has none."""

    channels: tuple[Channel, ...]
    reason: str | None = None


def safe_channels(victim: VictimContact) -> tuple[Channel, ...]:
    """The channels the victim's profile allows and we hold an address for."""
    allowed, _ = allowed_channels(victim.safe_contact, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    return tuple(allowed)


def planned_channels(victim: VictimContact) -> ChannelPlan:
    """Which channels a journey writes a message for. A profile with no channel, or safe hours with no
    minute in them, can never be honoured: a statutory message goes to a person at once instead."""
    if not hours_overlap(victim.safe_contact.safe_hours, None):
        return ChannelPlan((), "no-safe-time")
    channels = safe_channels(victim)
    return ChannelPlan(channels, None if channels else "message-needs-another-way")


def fallback(
    statutory: bool, channel: Channel, allowed: Sequence[Channel], planned: Iterable[Channel] = ()
) -> OtherChannel | None:
    """The other allowed channel a statutory message goes by when ``channel`` failed; None if none."""
    others = [c for c in allowed if c is not channel]
    if not statutory or not others:
        return None
    return OtherChannel(others[0], planned=others[0] in planned)


def planned_elsewhere(key: str, planned_keys: frozenset[str]) -> frozenset[Channel]:
    """The channels the same step goes by already (its own message or a fallback). Keys are
    run#template#channel#victim."""
    parts = key.split("#")

    def planned(channel: Channel) -> bool:
        natural = "#".join([*parts[:2], channel.value, *parts[3:4]]) if len(parts) >= 4 else ""
        return natural in planned_keys or fallback_key(key, channel.value) in planned_keys

    return frozenset(c for c in Channel if planned(c))


def choose_template(template_id: str, facts: SendFacts, profile: SafeContactProfile) -> str:
    """The template to render: a disclosing one becomes content-free when the case or profile asks."""
    if not facts.discloses or not is_content_free(facts.case_flags, profile):
        return template_id
    if facts.content_free:
        return facts.content_free
    return CONTENT_FREE if profile.may_name_police else CONTENT_FREE_UNBRANDED


def hold_until(
    statutory: bool, profile: SafeContactProfile, recent: Sequence[datetime], now: datetime
) -> datetime | None:
    """When the message may go, if not now: safe hours always; quiet hours and the cap if non-statutory."""
    moments = [next_safe_moment(profile, now)]
    if not statutory:
        moments.append(next_safe_moment(QUIET_HOURS, now))
        latest = sorted(t for t in recent if t > now - timedelta(days=1))
        if len(latest) >= MAX_NON_STATUTORY_PER_DAY:
            moments.append(latest[-MAX_NON_STATUTORY_PER_DAY] + timedelta(days=1))
    later = [m for m in moments if m is not None]
    return max(later) if later else None


def decide(
    message: OutboxMessage, facts: SendFacts, now: datetime, suppressed: Callable[[Channel, str], bool]
) -> SendDecision:
    """The decision table above. ``suppressed(channel, address)`` is asked only when row 4 is reached."""
    victim = facts.victim
    if victim is None:
        return SendDecision(Verdict.FAIL, "victim-contact-missing")
    if message.safe_contact is not None:  # a safety notice: the ways that were safe before a change
        victim = replace(victim, safe_contact=message.safe_contact)
    statutory, channel, profile = message.statutory, Channel(message.channel), victim.safe_contact
    if not statutory and not facts.opted_in:
        return SendDecision(Verdict.SKIP, "opted-out")
    allowed = safe_channels(victim)
    if channel not in allowed:
        return SendDecision(Verdict.BLOCK, "channel-not-safe")
    address = (victim.email if channel is Channel.EMAIL else victim.mobile) or ""
    other = fallback(statutory, channel, allowed, planned_elsewhere(message.key, facts.planned_keys))
    if suppressed(channel, address):
        if other is not None:
            return SendDecision(Verdict.FALL_BACK, "address-suppressed", fallback=other)
        if statutory:
            return SendDecision(Verdict.FAIL, "address-suppressed")
        return SendDecision(Verdict.SKIP, "suppressed")
    if not hours_overlap(profile.safe_hours, None):  # safe hours with no minute in them: never safe
        return SendDecision(Verdict.BLOCK if statutory else Verdict.SKIP, "no-safe-time")
    if not statutory and not hours_overlap(profile.safe_hours, QUIET_HOURS.safe_hours):
        return SendDecision(Verdict.SKIP, "no-sending-moment")  # else held for ever
    send_after = hold_until(statutory, profile, facts.recent_non_statutory, now)
    if send_after is not None:
        return SendDecision(Verdict.DEFER, send_after=send_after)
    template_id = choose_template(message.template_id, facts, profile)
    return SendDecision(Verdict.SEND, template_id=template_id, fallback=other)
