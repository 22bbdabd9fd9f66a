"""Dispatch one outbox message: claim it, ask the send policy, render, send, record.

The policy (``caseline.domain.send_policy``) decides whether the message may go now and how: opt-out,
safe-contact channel, suppression, safe hours, quiet hours and the daily cap, the content-free
template, the fallback to the other channel. Dispatch records what it decided: a message that cannot
go is never silently dropped: it falls back to the other allowed channel (for statutory messages) or
becomes an officer task the force receives; opted-out ones are recorded. A provider failure that
outlasts the retries falls back the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
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
    SendReceipt,
    VictimContact,
    fallback_key,
    message_task,
)
from caseline.domain.send_policy import (
    OtherChannel,
    SendDecision,
    SendFacts,
    Verdict,
    decide,
)
from caseline.domain.sms import sms_size
from caseline.domain.templates import MessageTemplate, render
from caseline.domain.vocabulary import Channel

MAX_PROVIDER_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 15, 15 min apart: about 46 minutes in all


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


def _fall_back(message: OutboxMessage, other: OtherChannel, env: DispatchEnvironment, reason: str) -> None:
    """Plan the same statutory message on ``other``, unless the step is going that way already, so the
    victim is never sent it twice. No officer task: the content still reaches the victim, and if the other
    channel fails in turn, that failure tasks the officer."""
    resent = None
    if not other.planned:
        resent = replace(
            message,
            key=fallback_key(message.key, other.channel.value),  # the same message: it keeps the sealed code
            channel=other.channel.value,
            status=OutboxStatus.PENDING,
            created_at=env.clock.now(),
            provider_message_id=None,
            send_after=None,
        )
    env.outbox.mark_fell_back(message, reason, resent)


def _failed(message: OutboxMessage, other: OtherChannel | None, env: DispatchEnvironment) -> DispatchOutcome:
    """The provider would not take it: the other allowed channel (statutory), else a task for the force."""
    if other is not None:
        _fall_back(message, other, env, "delivery-failed")
        return DispatchOutcome.FELL_BACK
    env.outbox.mark_failed(message, _task(message, "delivery-failed", env.clock))
    return DispatchOutcome.FAILED


def _facts(ctx: DispatchContext, template_id: str, env: DispatchEnvironment) -> SendFacts:
    fact = env.facts.get(template_id)
    return SendFacts(
        victim=ctx.victim,
        opted_in=ctx.preferences.non_statutory,
        case_flags=ctx.case.flags if ctx.case else (),
        recent_non_statutory=ctx.recent_non_statutory,
        planned_keys=ctx.planned_keys,
        discloses=fact is not None and fact.discloses,
        content_free=fact.content_free if fact is not None else None,
    )


def _apply(message: OutboxMessage, decision: SendDecision, env: DispatchEnvironment) -> DispatchOutcome:
    """Record a decision not to send now."""
    outbox, verdict, reason = env.outbox, decision.verdict, decision.reason
    if verdict is Verdict.DEFER and decision.send_after is not None:
        outbox.defer(message, decision.send_after)
        return DispatchOutcome.DEFERRED
    if verdict is Verdict.FALL_BACK and decision.fallback is not None:
        _fall_back(message, decision.fallback, env, reason)
        return DispatchOutcome.FELL_BACK
    if verdict is Verdict.SKIP:
        outbox.mark_skipped(message, reason)
        return DispatchOutcome.SKIPPED
    if verdict is Verdict.BLOCK:
        outbox.mark_blocked(message, _task(message, reason, env.clock))
        return DispatchOutcome.BLOCKED
    outbox.mark_failed(message, _task(message, reason, env.clock))
    return DispatchOutcome.FAILED


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
    decision = decide(
        message,
        _facts(ctx, message.template_id, env),
        clock.now(),
        lambda channel, address: env.suppression.is_suppressed(force_id, channel.value, address),
    )
    if decision.verdict is not Verdict.SEND or ctx.victim is None:
        return _apply(message, decision, env)
    victim, channel, template_id = ctx.victim, Channel(message.channel), decision.template_id
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
            return _failed(message, decision.fallback, env)
        outbox.defer(
            message, clock.now() + timedelta(seconds=backoff_seconds(message.attempts + 1)), failed_attempt=True
        )
        return DispatchOutcome.RETRYING
    except ValidationFailedError:  # the template or its values are wrong: another channel would not help
        outbox.mark_failed(message, _task(message, "message-could-not-be-rendered", clock))
        return DispatchOutcome.FAILED
    except DeliveryRejectedError:
        return _failed(message, decision.fallback, env)
    segments = sms_size(rendered.text).segments if channel is Channel.SMS else None  # counted (docs/adr/0015)
    outbox.mark_sent(
        message, SendReceipt(provider_id, sent_at=clock.now(), rendered_template=template_id, segments=segments)
    )
    return DispatchOutcome.SENT
