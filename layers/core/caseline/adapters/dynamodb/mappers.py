"""Mapping between the domain's records and the table's items, and the keys they are stored under.

Pure functions, no I/O: every repository that reads or writes these items uses them (one mapping per
item). ``*_record`` turn an item into a domain record; ``*_item`` build the item a record is saved as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from caseline.adapters.dynamodb.models import (
    AccessCodeItem,
    CaseItem,
    CaselineItem,
    EventItem,
    OutboxItem,
    PreferencesItem,
    ProviderPointerItem,
    ReceiptItem,
    VictimItem,
    case_pk,
)
from caseline.domain.case import CaseStage
from caseline.domain.preferences import VictimPreferences, effective_profile
from caseline.domain.records import (
    AccessCodeRecord,
    CaseRecord,
    OutboxMessage,
    OutboxStatus,
    StoredEvent,
    VictimContact,
    WebhookReceipt,
)
from caseline.domain.reports import is_reporter_message
from caseline.domain.safe_contact import SafeContactProfile

POINTER_KEPT = timedelta(days=30)


# ---------------------------------------------------------------- keys


def outbox_pk(force_id: str, case_id: str, key: str) -> str:
    """A report's message to its reporter (its case id the reference) is on the report's partition."""
    if is_reporter_message(key):
        return f"REPORT#{force_id}#{case_id}"
    return case_pk(force_id, case_id)


def outbox_key(message: OutboxMessage) -> tuple[str, str]:
    return outbox_pk(message.force_id, message.case_id, message.key), f"OUTBOX#{message.key}"


def provider_pointer_pk(provider_message_id: str) -> str:
    return f"PROVIDER#{provider_message_id}"


# ---------------------------------------------------------------- items -> records


def case_record(item: CaseItem) -> CaseRecord:
    return CaseRecord(
        force_id=item.force_id,
        case_id=item.case_id,
        crime_reference=item.crime_reference,
        category=item.category,
        flags=tuple(item.flags or ()),
        stage=CaseStage.from_slug(item.stage),
        sequence=int(item.sequence),
        officer=item.officer,
        recorded_at=item.recorded_at,
        updated_at=item.updated_at,
        revision=int(item.revision or 0),
        officer_absence=item.officer_absence,
    )


def victim_record(item: VictimItem) -> VictimContact:
    return VictimContact(
        force_id=item.force_id,
        case_id=item.case_id,
        victim_id=item.victim_id,
        name=item.name,
        email=item.email,
        mobile=item.mobile,
        language=item.language,
        tier=item.tier,
        under_18=bool(item.under_18),
        safe_contact=SafeContactProfile.from_dict(item.safe_contact or {}),
        sequence=int(item.sequence or 0),
    )


def outbox_record(item: OutboxItem) -> OutboxMessage:
    return OutboxMessage(
        force_id=item.force_id,
        case_id=item.case_id,
        key=item.key,
        victim_id=item.victim_id,
        channel=item.channel,
        template_id=item.template_id,
        personalisation=dict(item.personalisation or {}),
        status=OutboxStatus(item.status),
        created_at=item.created_at,
        duty_id=item.duty_id,
        provider_message_id=item.provider_message_id,
        send_after=item.send_after,
        statutory=item.statutory is not False,
        attempts=int(item.attempts or 0),
        sealed_code=item.sealed_code,
        safe_contact=SafeContactProfile.from_dict(item.safe_contact) if item.safe_contact else None,
    )


def event_record(item: EventItem) -> StoredEvent:
    return StoredEvent(
        force_id=item.force_id,
        case_id=item.case_id,
        sequence=int(item.sequence),
        event_id=item.event_id,
        event_type=item.event_type,
        occurred_at=item.occurred_at,
        received_at=item.received_at,
        applied=bool(item.applied),
        data=dict(item.data or {}),
    )


def victim_choices(items: Sequence[CaselineItem]) -> dict[str, VictimPreferences]:
    """Each victim's own contact choices on a case partition."""
    return {
        item.victim_id: VictimPreferences.from_dict(item.preferences or {})
        for item in items
        if isinstance(item, PreferencesItem)
    }


def force_victims(items: Sequence[CaselineItem]) -> list[VictimContact]:
    """The partition's victims with the force's own profile (before the victims' choices)."""
    return [victim_record(item) for item in items if isinstance(item, VictimItem)]


def effective_victims(items: Sequence[CaselineItem]) -> list[VictimContact]:
    """The partition's victims with the profile messages must obey: the force's, made stricter by the
    victim's own choices."""
    choices = victim_choices(items)
    return [
        replace(v, safe_contact=effective_profile(v.safe_contact, choices[v.victim_id]))
        if v.victim_id in choices
        else v
        for v in force_victims(items)
    ]


# ---------------------------------------------------------------- records -> items


def case_item(case: CaseRecord) -> CaseItem:
    return CaseItem(
        case_pk(case.force_id, case.case_id),
        "CASE",
        force_id=case.force_id,
        case_id=case.case_id,
        crime_reference=case.crime_reference,
        category=case.category,
        flags=list(case.flags),
        stage=case.stage.slug,
        sequence=case.sequence,
        revision=case.revision,
        officer=case.officer,
        officer_absence=case.officer_absence,
        recorded_at=case.recorded_at,
        updated_at=case.updated_at,
    )


def victim_item(victim: VictimContact) -> VictimItem:
    return VictimItem(
        case_pk(victim.force_id, victim.case_id),
        f"VICTIM#{victim.victim_id}",
        force_id=victim.force_id,
        case_id=victim.case_id,
        victim_id=victim.victim_id,
        name=victim.name,
        email=victim.email,
        mobile=victim.mobile,
        language=victim.language,
        tier=victim.tier,
        under_18=victim.under_18,
        safe_contact=victim.safe_contact.to_dict(),
        sequence=victim.sequence,
    )


def event_item(event: StoredEvent) -> EventItem:
    return EventItem(
        case_pk(event.force_id, event.case_id),
        f"EVENT#{event.sequence:012d}#{event.event_id}",
        force_id=event.force_id,
        case_id=event.case_id,
        sequence=event.sequence,
        event_id=event.event_id,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        received_at=event.received_at,
        applied=event.applied,
        data=event.data,
    )


def outbox_item(message: OutboxMessage) -> OutboxItem:
    pk, sk = outbox_key(message)
    return OutboxItem(
        pk,
        sk,
        force_id=message.force_id,
        case_id=message.case_id,
        key=message.key,
        victim_id=message.victim_id,
        channel=message.channel,
        template_id=message.template_id,
        personalisation=message.personalisation,
        status=message.status.value,
        created_at=message.created_at,
        duty_id=message.duty_id,
        statutory=message.statutory,
        sealed_code=message.sealed_code,
        safe_contact=message.safe_contact.to_dict() if message.safe_contact else None,
    )


def access_code_item(code: AccessCodeRecord) -> AccessCodeItem:
    """A victim's current one-time code (a new one replaces the old: same key)."""
    return AccessCodeItem(
        case_pk(code.force_id, code.case_id),
        f"ACCESS#{code.victim_id}",
        force_id=code.force_id,
        case_id=code.case_id,
        victim_id=code.victim_id,
        code_hash=code.code_hash,
        expires_at=code.expires_at,
    )


def receipt_item(receipt: WebhookReceipt) -> ReceiptItem:
    """A force's webhook, once: ingest saves it only if absent, in the transaction that stores the news."""
    return ReceiptItem(
        f"WEBHOOK#{receipt.force_id}#{receipt.webhook_id}",
        "RECEIPT",
        force_id=receipt.force_id,
        webhook_id=receipt.webhook_id,
        received_at=receipt.received_at,
        expires_at=receipt.expires_at,
    )


def provider_pointer_item(
    message: OutboxMessage, provider_message_id: str, *, statutory: bool, sent_at: datetime
) -> ProviderPointerItem:
    """The pointer dispatch saves, in the same transaction that marks ``message`` sent; delivery events
    read it to find the message."""
    return ProviderPointerItem(
        provider_pointer_pk(provider_message_id),
        "PROVIDER",
        force_id=message.force_id,
        case_id=message.case_id,
        key=message.key,
        victim_id=message.victim_id,
        channel=message.channel,
        statutory=statutory,
        expires_at=sent_at + POINTER_KEPT,
    )
