"""Record what happened to a sent message, and act on a bounce or a complaint.

Every result is recorded on the message (never worse news overwritten by better). A permanent bounce
or a complaint puts the address on the suppression list, so dispatch never writes to it again. If the
message was statutory and the victim has a mobile that their safe-contact profile allows, the same
message goes again by SMS (with a new access code, sealed for it, when the template carries one: the
bounced one never arrived); only when it cannot does the officer get a task. Every write is keyed on the message,
so a repeated or late notification changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from caseline.domain import access_code
from caseline.domain.calendar import uk_date
from caseline.domain.delivery import DeliveryNotification, ProviderPointer, SuppressionReason
from caseline.domain.errors import RetryableError
from caseline.domain.ports import (
    CaseRepository,
    Clock,
    CodeSealer,
    OutboxRepository,
    SentMessages,
    SuppressionList,
)
from caseline.domain.records import (
    AccessCodeRecord,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    VictimContact,
    fallback_key,
)
from caseline.domain.send_policy import fallback, safe_channels
from caseline.domain.templates import MessageTemplate, placeholders
from caseline.domain.timeline import long_date
from caseline.domain.vocabulary import Channel

# Dispatch points a provider id at its message just after the provider accepted it, in the same invocation.
# A notification that comes before that is retried; one about a message older than this that we never
# pointed at will never be known (a send whose invocation died: the sweep reports that message as unknown,
# with a task for the force). It must end before the delivery-events queue's last retry, or the
# notification lands in the dead-letter queue instead (checked against template.yaml in a test).
POINTER_PATIENCE = timedelta(minutes=3)

_TASK_REASONS = {SuppressionReason.BOUNCE: "email-bounced", SuppressionReason.COMPLAINT: "email-complaint"}
_NOT_GOING = frozenset({OutboxStatus.BLOCKED, OutboxStatus.FAILED})


class DeliveryOutcome(StrEnum):
    RECORDED = "recorded"
    SUPPRESSED = "suppressed"
    FOLLOWED_UP = "followed-up"  # statutory: an SMS instead where that is safe, else an officer task
    UNKNOWN_MESSAGE = "unknown-message"


class Fallback(StrEnum):
    """What the officer's task says about sending the message another way."""

    SMS = "sms"
    SMS_PLANNED_ALREADY = "sms-planned-already"
    NOT_POSSIBLE = "not-possible"


def record_delivery(
    notification: DeliveryNotification,
    *,
    sent: SentMessages,
    suppressions: SuppressionList,
    cases: CaseRepository,
    outbox: OutboxRepository,
    templates: Mapping[tuple[str, str], MessageTemplate],
    clock: Clock,
    codes: CodeSealer | None = None,
) -> DeliveryOutcome:
    pointer = sent.pointer(notification.provider_message_id)
    if pointer is None:
        if clock.now() - notification.sent_at < POINTER_PATIENCE:
            raise RetryableError("the message this notification is about is not known yet")
        return DeliveryOutcome.UNKNOWN_MESSAGE
    reason = notification.suppression_reason
    if reason is not None:
        for address in notification.addresses:
            suppressions.suppress(pointer.force_id, pointer.channel, address, reason.value)
    sent.record_result(pointer, notification.result, notification.occurred_at)
    if reason is None:
        return DeliveryOutcome.RECORDED
    if not pointer.statutory or pointer.channel != Channel.EMAIL.value:
        return DeliveryOutcome.SUPPRESSED
    _follow_up(pointer, reason, sent=sent, cases=cases, outbox=outbox, templates=templates, clock=clock, codes=codes)
    return DeliveryOutcome.FOLLOWED_UP


def _follow_up(
    pointer: ProviderPointer,
    reason: SuppressionReason,
    *,
    sent: SentMessages,
    cases: CaseRepository,
    outbox: OutboxRepository,
    templates: Mapping[tuple[str, str], MessageTemplate],
    clock: Clock,
    codes: CodeSealer | None,
) -> None:
    """The SMS instead when the send policy allows one; an officer task only when nothing can reach the
    victim (no safe mobile, no SMS template): a task for content the fallback delivers teaches officers to
    ignore tasks, and a fallback SMS that fails raises its own task in dispatch. Each write is idempotent
    on its own key."""
    now = clock.now()
    messages = sent.case_messages(pointer.force_id, pointer.case_id)
    original = next((m for m in messages if m.key == pointer.key), None)
    victim = next(
        (v for v in cases.get_victims(pointer.force_id, pointer.case_id) if v.victim_id == pointer.victim_id), None
    )
    plan = _fallback_plan(pointer, original, victim, messages, templates)
    if plan is Fallback.SMS and original is not None:
        fallback, issued = _sms_instead(original, templates[(original.template_id, Channel.SMS.value)], now, codes)
        outbox.add_messages([fallback], issued)
    if plan is not Fallback.NOT_POSSIBLE:
        return
    task_reason = _TASK_REASONS[reason]
    task = OfficerTask(
        force_id=pointer.force_id,
        case_id=pointer.case_id,
        task_id=f"delivery#{pointer.key}#{task_reason}",
        reason=task_reason,
        created_at=now,
        detail={
            "victim_id": pointer.victim_id,
            "channel": pointer.channel,
            "template_id": original.template_id if original else "",
            "fallback": plan.value,
        },
    )
    outbox.add_task(task)


def _fallback_plan(
    pointer: ProviderPointer,
    original: OutboxMessage | None,
    victim: VictimContact | None,
    messages: list[OutboxMessage],
    templates: Mapping[tuple[str, str], MessageTemplate],
) -> Fallback:
    """The send policy's fallback for the bounced message, if it is SMS and there is an SMS template."""
    if original is None or victim is None:
        return Fallback.NOT_POSSIBLE
    planned_together = any(
        m.channel == Channel.SMS.value
        and m.victim_id == original.victim_id
        and m.template_id == original.template_id
        and m.created_at == original.created_at
        and m.status not in _NOT_GOING
        for m in messages
    )
    other = fallback(
        pointer.statutory, Channel(pointer.channel), safe_channels(victim), (Channel.SMS,) if planned_together else ()
    )
    if other is None or other.channel is not Channel.SMS or (original.template_id, Channel.SMS.value) not in templates:
        return Fallback.NOT_POSSIBLE
    return Fallback.SMS_PLANNED_ALREADY if other.planned else Fallback.SMS


def _sms_instead(
    original: OutboxMessage, template: MessageTemplate, now: datetime, codes: CodeSealer | None
) -> tuple[OutboxMessage, list[AccessCodeRecord]]:
    """The same template and personalisation by SMS. Dispatch removed the sealed access code from the
    sent message, so a template that needs one gets a new code (it replaces the bounced one, which never
    arrived), sealed for the fallback like any other."""
    personalisation = {k: v for k, v in original.personalisation.items() if k != "access_code"}
    key = fallback_key(original.key, Channel.SMS.value)
    issued = []
    sealed = None
    if "access_code" in placeholders(template.body):
        if codes is None:
            raise RuntimeError("this delivery environment cannot seal access codes")
        code = access_code.display(access_code.new_code())
        expires_at = now + timedelta(days=access_code.VALID_DAYS)
        personalisation["access_code_expires"] = long_date(uk_date(expires_at))
        sealed = codes.seal_code(original.force_id, original.case_id, key, code)
        issued.append(
            AccessCodeRecord(
                force_id=original.force_id,
                case_id=original.case_id,
                victim_id=original.victim_id,
                code_hash=access_code.hash_code(code),
                expires_at=expires_at,
            )
        )
    fallback = OutboxMessage(
        force_id=original.force_id,
        case_id=original.case_id,
        key=key,
        victim_id=original.victim_id,
        channel=Channel.SMS.value,
        template_id=original.template_id,
        personalisation=personalisation,
        status=OutboxStatus.PENDING,
        created_at=now,
        duty_id=original.duty_id,
        sealed_code=sealed,
    )
    return fallback, issued
