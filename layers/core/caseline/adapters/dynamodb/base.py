"""The pieces every DynamoDB adapter shares: the models' connection, the partition read, one item by its
key, the due items of a gsi1 list, whether a write failed its condition, and which items of a cancelled
transaction failed theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, GetError, PynamoDBException, QueryError, TransactWriteError

from caseline.adapters.dynamodb.models import CaselineItem, case_pk
from caseline.domain.errors import StorageUnavailableError

_CONDITION_FAILED = "ConditionalCheckFailed"  # a cancelled transaction's reason for one item
_CONDITION_FAILED_EXCEPTION = "ConditionalCheckFailedException"  # a single write's error code

Item = TypeVar("Item", bound=CaselineItem)


def connection() -> Connection:
    """The models' own connection, so transactions reuse its client (no new client per transaction)."""
    return CaselineItem._get_connection().connection


def partition_items(force_id: str, case_id: str) -> list[CaselineItem]:
    """Every item of one case (one strongly consistent Query): the designed read of every case use."""
    try:
        return list(CaselineItem.query(case_pk(force_id, case_id), consistent_read=True))
    except QueryError as exc:
        raise StorageUnavailableError() from exc


def get_item(kind: type[Item], pk: str, sk: str) -> Item | None:
    """One strongly consistent GetItem: the item if it exists and is a ``kind``, else None."""
    try:
        item = CaselineItem.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return None
    except GetError as exc:
        raise StorageUnavailableError() from exc
    return item if isinstance(item, kind) else None


def due_in_gsi1(kind: type[Item], gsi1pk: str, until: datetime) -> list[Item]:
    """The ``kind`` items of one gsi1 list whose sort key (a UTC ISO 8601 time first) is ``until`` or earlier."""
    upper = f"{until.astimezone(UTC).isoformat()}#~"
    try:
        return [i for i in CaselineItem.gsi1.query(gsi1pk, CaselineItem.gsi1sk <= upper) if isinstance(i, kind)]
    except QueryError as exc:
        raise StorageUnavailableError() from exc


def failed_indexes(exc: TransactWriteError) -> list[int]:
    reasons = exc.cancellation_reasons or []
    return [i for i, reason in enumerate(reasons) if reason is not None and reason.code == _CONDITION_FAILED]


def is_condition_failed(error: PynamoDBException) -> bool:
    """A single PutItem, UpdateItem or DeleteItem was refused because its condition did not hold (an
    expected outcome, not an outage). For a transaction ask ``failed_indexes``."""
    return error.cause_response_code == _CONDITION_FAILED_EXCEPTION
