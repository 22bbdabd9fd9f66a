"""Mapping between the domain's records and the table's items, and the keys they are stored under.

Pure functions, no I/O: every repository that reads or writes these items uses them (one mapping per
item). ``*_record`` turn an item into a domain record; ``*_item`` build the item a record is saved as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from caseline.adapters.dynamodb.base import by_name, on_case
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
    return by_name(
        item,
        CaseRecord,
        flags=tuple(item.flags or ()),
        stage=CaseStage.from_slug(item.stage),
        sequence=int(item.sequence),
        revision=int(item.revision or 0),
    )


def victim_record(item: VictimItem) -> VictimContact:
    return by_name(
        item,
        VictimContact,
        under_18=bool(item.under_18),
        safe_contact=SafeContactProfile.from_dict(item.safe_contact or {}),
        sequence=int(item.sequence or 0),
    )


def outbox_record(item: OutboxItem) -> OutboxMessage:
    return by_name(
        item,
        OutboxMessage,
        personalisation=dict(item.personalisation or {}),
        status=OutboxStatus(item.status),
        statutory=item.statutory is not False,
        attempts=int(item.attempts or 0),
        safe_contact=SafeContactProfile.from_dict(item.safe_contact) if item.safe_contact else None,
    )


def event_record(item: EventItem) -> StoredEvent:
    return by_name(
        item, StoredEvent, sequence=int(item.sequence), applied=bool(item.applied), data=dict(item.data or {})
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
    return on_case(case, CaseItem, sk="CASE", flags=list(case.flags), stage=case.stage.slug)


def victim_item(victim: VictimContact) -> VictimItem:
    return on_case(victim, VictimItem, sk=f"VICTIM#{victim.victim_id}", safe_contact=victim.safe_contact.to_dict())


def event_item(event: StoredEvent) -> EventItem:
    return on_case(event, EventItem, sk=f"EVENT#{event.sequence:012d}#{event.event_id}")


def outbox_item(message: OutboxMessage) -> OutboxItem:
    pk, sk = outbox_key(message)
    return by_name(
        message,
        OutboxItem,
        pk=pk,
        sk=sk,
        status=message.status.value,
        safe_contact=message.safe_contact.to_dict() if message.safe_contact else None,
        # Saved before any try: the outbox sets these with its updates as dispatch goes (never here).
        provider_message_id=None,
        send_after=None,
        attempts=None,
    )


def access_code_item(code: AccessCodeRecord) -> AccessCodeItem:
    """A victim's current one-time code (a new one replaces the old: same key)."""
    return on_case(code, AccessCodeItem, sk=f"ACCESS#{code.victim_id}")


def receipt_item(receipt: WebhookReceipt) -> ReceiptItem:
    """A force's webhook, once: ingest saves it only if absent, in the transaction that stores the news."""
    return by_name(receipt, ReceiptItem, pk=f"WEBHOOK#{receipt.force_id}#{receipt.webhook_id}", sk="RECEIPT")


def provider_pointer_item(
    message: OutboxMessage, provider_message_id: str, *, statutory: bool, sent_at: datetime
) -> ProviderPointerItem:
    """The pointer dispatch saves, in the same transaction that marks ``message`` sent; delivery events
    read it to find the message."""
    return by_name(
        message,
        ProviderPointerItem,
        pk=provider_pointer_pk(provider_message_id),
        sk="PROVIDER",
        statutory=statutory,
        expires_at=sent_at + POINTER_KEPT,
    )
