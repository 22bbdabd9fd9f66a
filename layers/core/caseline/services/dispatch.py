"""Dispatch one outbox message: claim it, pass every gate, render, send, record.

Gates, in order: the victim's opt-out from non-statutory messages; the safe-contact profile (channel
allowed); the suppression list (bounced, complained, STOP); the victim's safe hours; quiet hours and
the frequency cap (non-statutory only). Statutory messages skip quiet hours and the cap, never the
safe-contact gate. A disclosing template becomes a content-free one when the case or profile needs it.
A message that cannot go is never silently dropped: it falls back to the other allowed channel (for
statutory messages) or becomes an officer task the force receives; opted-out ones are recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from caseline.domain.errors import DeliveryRejectedError, RetryableError, ValidationFailedError
from caseline.domain.outbound import backoff_seconds
from caseline.domain.ports import (
    Clock,
    CodeSealer,
    EmailSender,
    OutboxRepository,
    SmsSender,
    SuppressionList,
    TemplateFacts,
)
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import (
    CaseRecord,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    VictimContact,
    fallback_key,
    message_task,
)
from caseline.domain.safe_contact import SafeContactProfile, SafeHours, allowed_channels, hours_overlap, is_content_free
from caseline.domain.safe_contact import next_safe_moment as next_allowed
from caseline.domain.templates import MessageTemplate, render
from caseline.domain.vocabulary import Channel

QUIET_HOURS = SafeContactProfile(safe_hours=SafeHours(time(8, 0), time(21, 0)))  # non-urgent messages only
MAX_PROVIDER_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 15, 15 min apart: about 46 minutes in all
MAX_NON_STATUTORY_PER_DAY = 3  # messages (a step's email and SMS are one message) in any 24 hours
CONTENT_FREE = "content-free-update"
CONTENT_FREE_UNBRANDED = "content-free-update-unbranded"


class DispatchOutcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    DEFERRED = "deferred"
    RETRYING = "retrying"
    SKIPPED = "skipped"
    FELL_BACK = "fell-back"
    ALREADY_HANDLED = "already-handled"


@dataclass(frozen=True)
class DispatchContext:
    case: CaseRecord | None
    victim: VictimContact | None  # with the profile messages must obey
    preferences: VictimPreferences
    recent_non_statutory: Sequence[datetime]  # when non-statutory messages went to this victim (one per step)
    planned_keys: frozenset[str] = frozenset()  # every outbox key on the case (to avoid a second copy)


class DispatchReader(Protocol):
    def context(self, force_id: str, case_id: str, victim_id: str) -> DispatchContext: ...


@dataclass(frozen=True)
class DispatchEnvironment:
    reader: DispatchReader
    outbox: OutboxRepository
    email: EmailSender
    sms: SmsSender
    suppression: SuppressionList
    templates: Mapping[tuple[str, str], MessageTemplate]
    facts: Mapping[str, TemplateFacts]
    clock: Clock
    codes: CodeSealer | None = None  # opens a message's sealed access code at send time (none: cannot)


def _task(message: OutboxMessage, reason: str, clock: Clock) -> OfficerTask:
    return message_task(message, reason, clock.now())


def _address(victim: VictimContact, channel: Channel) -> str:
    return (victim.email if channel is Channel.EMAIL else victim.mobile) or ""


def choose_template(
    message: OutboxMessage, case: CaseRecord | None, profile: SafeContactProfile, facts: Mapping[str, TemplateFacts]
) -> str:
    """The template to render now: a disclosing one becomes content-free when the case or profile asks."""
    fact = facts.get(message.template_id)
    if fact is None or not fact.discloses or not is_content_free(case.flags if case else (), profile):
        return message.template_id
    if fact.content_free:
        return fact.content_free
    return CONTENT_FREE if profile.may_name_police else CONTENT_FREE_UNBRANDED


def _hold_until(message: OutboxMessage, ctx: DispatchContext, victim: VictimContact, now: datetime) -> datetime | None:
    """When the message may go, if not now: safe hours always; quiet hours and the cap if non-statutory."""
    moments = [next_allowed(victim.safe_contact, now)]
    if not message.statutory:
        moments.append(next_allowed(QUIET_HOURS, now))
        recent = sorted(t for t in ctx.recent_non_statutory if t > now - timedelta(days=1))
        if len(recent) >= MAX_NON_STATUTORY_PER_DAY:
            moments.append(recent[-MAX_NON_STATUTORY_PER_DAY] + timedelta(days=1))
    later = [m for m in moments if m is not None]
    return max(later) if later else None


def _other_channel_planned(message: OutboxMessage, channel: Channel, planned: frozenset[str]) -> bool:
    """Did the same step already go (or is it going) by ``channel``? Keys are run#template#channel#victim."""
    parts = message.key.split("#")
    natural = "#".join([*parts[:2], channel.value, *parts[3:4]]) if len(parts) >= 4 else ""
    return natural in planned or fallback_key(message.key, channel.value) in planned


def _fall_back(
    message: OutboxMessage, allowed: Sequence[Channel], ctx: DispatchContext, env: DispatchEnvironment, reason: str
) -> bool:
    """Plan the same statutory message on another allowed channel. False if there is none; True (with a
    task) if the step is already going that way, so the victim is never sent it twice."""
    if not message.statutory:
        return False
    others = [c for c in allowed if c.value != message.channel]
    if not others:
        return False
    if _other_channel_planned(message, others[0], ctx.planned_keys):
        env.outbox.mark_failed(message, _task(message, reason, env.clock))
        return True
    fallback = replace(
        message,
        key=fallback_key(message.key, others[0].value),  # the same message: it keeps the sealed code
        channel=others[0].value,
        status=OutboxStatus.PENDING,
        created_at=env.clock.now(),
        provider_message_id=None,
        send_after=None,
    )
    env.outbox.mark_failed(message, _task(message, reason, env.clock), fallback)
    return True


def _values(message: OutboxMessage, env: DispatchEnvironment) -> Mapping[str, str]:
    """The personalisation, with the access code opened from its seal just for this render."""
    if message.sealed_code is None:
        return message.personalisation
    if env.codes is None:  # a wiring mistake: recorded as a message that could not be rendered, never a gap
        raise ValidationFailedError("the access code cannot be opened here", field="access_code")
    code = env.codes.open_code(message.force_id, message.case_id, message.key, message.sealed_code)
    return {**message.personalisation, "access_code": code}


def dispatch_message(force_id: str, case_id: str, key: str, env: DispatchEnvironment) -> DispatchOutcome:
    outbox, clock = env.outbox, env.clock
    message = outbox.claim(force_id, case_id, key, clock.now())
    if message is None:
        return DispatchOutcome.ALREADY_HANDLED
    ctx = env.reader.context(force_id, case_id, message.victim_id)
    victim = ctx.victim
    if victim is None:
        outbox.mark_failed(message, _task(message, "victim-contact-missing", clock))
        return DispatchOutcome.FAILED
    if message.safe_contact is not None:  # a safety notice: the ways that were safe before a change
        victim = replace(victim, safe_contact=message.safe_contact)
    if not message.statutory and not ctx.preferences.non_statutory:
        outbox.mark_skipped(message, "opted-out")
        return DispatchOutcome.SKIPPED
    channel = Channel(message.channel)
    allowed, _ = allowed_channels(victim.safe_contact, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    if channel not in allowed:
        outbox.mark_blocked(message, _task(message, "channel-not-safe", clock))
        return DispatchOutcome.BLOCKED
    if env.suppression.is_suppressed(force_id, channel.value, _address(victim, channel)):
        if _fall_back(message, allowed, ctx, env, "address-suppressed"):
            return DispatchOutcome.FELL_BACK
        if message.statutory:
            outbox.mark_failed(message, _task(message, "address-suppressed", clock))
            return DispatchOutcome.FAILED
        outbox.mark_skipped(message, "suppressed")
        return DispatchOutcome.SKIPPED
    safe_hours = victim.safe_contact.safe_hours
    if not hours_overlap(safe_hours, None):  # safe hours with no minute in them: no moment is ever safe
        if message.statutory:
            outbox.mark_blocked(message, _task(message, "no-safe-time", clock))
            return DispatchOutcome.BLOCKED
        outbox.mark_skipped(message, "no-safe-time")
        return DispatchOutcome.SKIPPED
    if not message.statutory and not hours_overlap(safe_hours, QUIET_HOURS.safe_hours):
        outbox.mark_skipped(message, "no-sending-moment")  # held for ever otherwise: recorded instead
        return DispatchOutcome.SKIPPED
    send_after = _hold_until(message, ctx, victim, clock.now())
    if send_after is not None:
        outbox.defer(message, send_after)
        return DispatchOutcome.DEFERRED
    template_id = choose_template(message, ctx.case, victim.safe_contact, env.facts)
    template = env.templates.get((template_id, message.channel))
    try:
        if template is None:
            raise ValidationFailedError("no such template", field="template_id")
        rendered = render(template, _values(message, env))
        if channel is Channel.EMAIL:
            provider_id = env.email.send_email(
                to=victim.email or "",
                subject=rendered.subject or "",
                text=rendered.text,
                html=rendered.html,
                force_id=force_id,
            )
        else:
            provider_id = env.sms.send_sms(to=victim.mobile or "", text=rendered.text, force_id=force_id)
    except RetryableError:
        # Retried with backoff through the sweep (not by blocking the stream): 30 s doubling to 15 min,
        # then the other safe channel or a task for the force.
        if message.attempts + 1 >= MAX_PROVIDER_ATTEMPTS:
            if _fall_back(message, allowed, ctx, env, "delivery-failed"):
                return DispatchOutcome.FELL_BACK
            outbox.mark_failed(message, _task(message, "delivery-failed", clock))
            return DispatchOutcome.FAILED
        outbox.defer(
            message, clock.now() + timedelta(seconds=backoff_seconds(message.attempts + 1)), failed_attempt=True
        )
        return DispatchOutcome.RETRYING
    except ValidationFailedError:  # the template or its values are wrong: another channel would not help
        outbox.mark_failed(message, _task(message, "message-could-not-be-rendered", clock))
        return DispatchOutcome.FAILED
    except DeliveryRejectedError:
        if _fall_back(message, allowed, ctx, env, "delivery-failed"):
            return DispatchOutcome.FELL_BACK
        outbox.mark_failed(message, _task(message, "delivery-failed", clock))
        return DispatchOutcome.FAILED
    outbox.mark_sent(message, provider_id, sent_at=clock.now(), rendered_template=template_id)
    return DispatchOutcome.SENT
