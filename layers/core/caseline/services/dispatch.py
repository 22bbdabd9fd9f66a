"""Dispatch one outbox message: claim it, re-check safe contact, render, send, record.

A message the safe-contact profile blocks becomes an officer task; a permanent provider rejection
too. A transient provider failure releases the claim and re-raises so the record is retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from caseline.domain.errors import DeliveryRejectedError, RetryableError, ValidationFailedError
from caseline.domain.ports import CaseRepository, Clock, EmailSender, OutboxRepository, SmsSender
from caseline.domain.records import OfficerTask, OutboxMessage, VictimContact
from caseline.domain.safe_contact import allowed_channels, next_safe_moment
from caseline.domain.templates import MessageTemplate, render
from caseline.domain.vocabulary import Channel


class DispatchOutcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    DEFERRED = "deferred"
    ALREADY_HANDLED = "already-handled"


def _task(message: OutboxMessage, reason: str, clock: Clock) -> OfficerTask:
    return OfficerTask(
        force_id=message.force_id,
        case_id=message.case_id,
        task_id=f"dispatch#{message.key}#{reason}",
        reason=reason,
        created_at=clock.now(),
        detail={"victim_id": message.victim_id, "channel": message.channel, "template_id": message.template_id},
    )


def dispatch_message(
    force_id: str,
    case_id: str,
    key: str,
    *,
    cases: CaseRepository,
    outbox: OutboxRepository,
    email: EmailSender,
    sms: SmsSender,
    templates: Mapping[tuple[str, str], MessageTemplate],
    clock: Clock,
) -> DispatchOutcome:
    message = outbox.claim(force_id, case_id, key)
    if message is None:
        return DispatchOutcome.ALREADY_HANDLED
    victim = _victim(cases, message)
    if victim is None:
        outbox.mark_failed(message, _task(message, "victim-contact-missing", clock))
        return DispatchOutcome.FAILED
    allowed, _ = allowed_channels(victim.safe_contact, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    if Channel(message.channel) not in allowed:
        outbox.mark_blocked(message, _task(message, "channel-not-safe", clock))
        return DispatchOutcome.BLOCKED
    send_after = next_safe_moment(victim.safe_contact, clock.now())
    if send_after is not None:
        outbox.defer(message, send_after)
        return DispatchOutcome.DEFERRED
    template = templates.get((message.template_id, message.channel))
    try:
        if template is None:
            raise ValidationFailedError("no such template", field="template_id")
        rendered = render(template, message.personalisation)
        if message.channel == Channel.EMAIL.value:
            provider_id = email.send_email(
                to=victim.email or "",
                subject=rendered.subject or "",
                text=rendered.text,
                html=rendered.html,
                force_id=force_id,
            )
        else:
            provider_id = sms.send_sms(to=victim.mobile or "", text=rendered.text, force_id=force_id)
    except RetryableError:
        outbox.release(message)
        raise
    except (DeliveryRejectedError, ValidationFailedError):
        outbox.mark_failed(message, _task(message, "delivery-failed", clock))
        return DispatchOutcome.FAILED
    outbox.mark_sent(message, provider_id)
    return DispatchOutcome.SENT


def _victim(cases: CaseRepository, message: OutboxMessage) -> VictimContact | None:
    for victim in cases.get_victims(message.force_id, message.case_id):
        if victim.victim_id == message.victim_id:
            return victim
    return None
