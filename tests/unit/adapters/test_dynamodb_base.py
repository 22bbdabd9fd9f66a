"""The DynamoDB adapters' shared pieces that need no table: the copy by name between a record and its
item, and what a cancelled write transaction means."""

from __future__ import annotations

import pytest
from pynamodb.connection.base import VerboseClientError
from pynamodb.exceptions import CancellationReason, TransactWriteError

from caseline.adapters.dynamodb.base import by_name, transaction_outcome
from caseline.adapters.dynamodb.mappers import outbox_item
from caseline.adapters.dynamodb.models import OutboxItem
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import OutboxStatus, WriteOutcome
from tests.unit.builders import NOW, outbox_message

TRIED = outbox_message(status=OutboxStatus.FAILED, provider_message_id="provider-1", send_after=NOW, attempts=2)


def test_the_copy_takes_the_shared_fields_as_they_are_and_what_is_given_over_them() -> None:
    item = by_name(TRIED, OutboxItem, pk="CASE#x", sk="OUTBOX#x", status="pending", safe_contact=None)
    assert (item.pk, item.sk, item.status) == ("CASE#x", "OUTBOX#x", "pending")  # given
    assert (item.key, item.victim_id, item.personalisation) == (TRIED.key, TRIED.victim_id, TRIED.personalisation)
    assert item.created_at == TRIED.created_at
    assert (item.attempts, item.provider_message_id, item.send_after) == (2, "provider-1", NOW)  # shared: copied
    assert item.gsi1pk is None  # the record has no such field: left unset


def test_a_message_is_first_saved_without_the_fields_dispatch_sets_later() -> None:
    item = outbox_item(TRIED)
    assert (item.attempts, item.provider_message_id, item.send_after) == (None, None, None)
    assert item.status == "failed"


def cancelled(*failed: int, items: int = 3) -> TransactWriteError:
    reasons = [CancellationReason("ConditionalCheckFailed") if i in failed else None for i in range(items)]
    error = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
    return TransactWriteError(
        "cancelled", cause=VerboseClientError(error, "TransactWriteItems", cancellation_reasons=reasons)
    )


def test_a_cancelled_transaction_is_a_duplicate_a_conflict_or_an_outage() -> None:
    assert transaction_outcome(cancelled(2)) is WriteOutcome.DUPLICATE  # any item, when none is named
    assert transaction_outcome(cancelled(1), duplicate=1) is WriteOutcome.DUPLICATE
    assert transaction_outcome(cancelled(0, 1), duplicate=1) is WriteOutcome.DUPLICATE
    assert transaction_outcome(cancelled(0), duplicate=1) is WriteOutcome.CONFLICT
    with pytest.raises(StorageUnavailableError):
        transaction_outcome(cancelled())  # no item failed its condition: throttled, or the table is down
    with pytest.raises(StorageUnavailableError):
        transaction_outcome(cancelled(), duplicate=0)
