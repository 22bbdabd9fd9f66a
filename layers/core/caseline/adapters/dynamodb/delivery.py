"""Delivery results, provider pointers and the suppression list.

=================  ==================================  =========================================
item               pk                                  sk
=================  ==================================  =========================================
provider pointer   PROVIDER#{provider message id}      PROVIDER                (TTL 30 days)
suppression        SUPPRESS#{force}                    {channel}#{sha256 of the normalised address}
=================  ==================================  =========================================

Dispatch writes the pointer when it records a message as sent (``mappers.provider_pointer_item``); delivery
events read it to find the message. The suppression list holds no address in clear: an email address
is lower-cased and stripped, a mobile number put in E.164, then hashed. The delivery result is two
attributes on the outbox item, ``delivery`` and ``delivery_at``; its ``status`` is never changed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, GetError, PutError, UpdateError

from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.base import by_name, by_prefix, get_item, is_condition_failed
from caseline.adapters.dynamodb.mappers import outbox_record, provider_pointer_pk
from caseline.adapters.dynamodb.models import CaselineItem, OutboxItem, ProviderPointerItem, SuppressionItem, case_pk
from caseline.domain.contact import normalised_address
from caseline.domain.delivery import DeliveryResult, ProviderPointer
from caseline.domain.errors import DeliveryFailedError, DeliveryRejectedError, StorageUnavailableError
from caseline.domain.ports import Clock
from caseline.domain.records import OutboxMessage
from caseline.domain.vocabulary import Channel


def suppression_sort_key(channel: str, address: str) -> str:
    digest = hashlib.sha256(normalised_address(channel, address).encode("utf-8")).hexdigest()
    return f"{channel}#{digest}"


class DynamoSuppressionList:
    """Caseline's own list (bounces, complaints) and, for SMS, SNS's list of numbers that replied STOP."""

    def __init__(self, sns_client: Any, clock: Clock | None = None) -> None:
        self._sns = sns_client
        self._clock = clock or SystemClock()

    def is_suppressed(self, force_id: str, channel: str, address: str) -> bool:
        try:
            CaselineItem.get(f"SUPPRESS#{force_id}", suppression_sort_key(channel, address))
            return True
        except DoesNotExist:
            pass
        except GetError as exc:
            raise StorageUnavailableError() from exc
        return channel == Channel.SMS.value and self._opted_out(normalised_address(channel, address))

    def _opted_out(self, number: str) -> bool:
        try:
            return bool(self._sns.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidParameter":
                raise DeliveryRejectedError("not a valid mobile number") from exc
            raise DeliveryFailedError() from exc
        except BotoCoreError as exc:
            raise DeliveryFailedError() from exc

    def suppress(self, force_id: str, channel: str, address: str, reason: str) -> None:
        """The first reason stays: a second bounce or a complaint after a bounce changes nothing."""
        item = SuppressionItem(
            f"SUPPRESS#{force_id}",
            suppression_sort_key(channel, address),
            force_id=force_id,
            reason=reason,
            at=self._clock.now(),
        )
        try:
            item.save(condition=SuppressionItem.pk.does_not_exist())
        except PutError as exc:
            if not is_condition_failed(exc):
                raise StorageUnavailableError() from exc


def _pointer_record(item: ProviderPointerItem, provider_message_id: str) -> ProviderPointer:
    return by_name(item, ProviderPointer, provider_message_id=provider_message_id, statutory=bool(item.statutory))


class DynamoSentMessages:
    """What delivery events need: the pointer, the case's outbox messages, and the result update."""

    def pointer(self, provider_message_id: str) -> ProviderPointer | None:
        item = get_item(ProviderPointerItem, provider_pointer_pk(provider_message_id), "PROVIDER")
        return _pointer_record(item, provider_message_id) if item is not None else None

    def record_result(self, pointer: ProviderPointer, result: DeliveryResult, at: datetime) -> bool:
        """Only ever towards worse news; the message must exist (a late event never creates an item)."""
        item = OutboxItem(case_pk(pointer.force_id, pointer.case_id), f"OUTBOX#{pointer.key}")
        replaceable = result.outranks()
        not_yet_worse = OutboxItem.delivery.does_not_exist()
        if replaceable:
            not_yet_worse = not_yet_worse | OutboxItem.delivery.is_in(*(r.value for r in replaceable))
        try:
            item.update(
                actions=[OutboxItem.delivery.set(result.value), OutboxItem.delivery_at.set(at)],
                condition=OutboxItem.pk.exists() & not_yet_worse,
            )
        except UpdateError as exc:
            if is_condition_failed(exc):
                return False
            raise StorageUnavailableError() from exc
        return True

    def case_messages(self, force_id: str, case_id: str) -> list[OutboxMessage]:
        return [outbox_record(item) for item in by_prefix(OutboxItem, case_pk(force_id, case_id), "OUTBOX#")]
