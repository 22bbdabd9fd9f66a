"""The pieces every DynamoDB adapter shares: the models' connection, the partition read, one item by its
key, the items of a sort key prefix, the due items of a gsi1 list, whether a write failed its condition,
which items of a cancelled transaction failed theirs and what that means (or whether it lost a race), and
the copy between a record and its item (``on_case`` for an item on its case's partition)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, GetError, PynamoDBException, QueryError, TransactWriteError

from caseline.adapters.dynamodb.models import CaselineItem, case_pk
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import WriteOutcome

_CONDITION_FAILED = "ConditionalCheckFailed"  # a cancelled transaction's reason for one item
_TRANSACTION_CONFLICT = "TransactionConflict"  # one item was being written by another transaction
_CONDITION_FAILED_EXCEPTION = "ConditionalCheckFailedException"  # a single write's error code

if TYPE_CHECKING:
    from collections.abc import Callable

    from pynamodb.expressions.condition import Condition

Item = TypeVar("Item", bound=CaselineItem)
Into = TypeVar("Into")


def connection() -> Connection:
    """The models' own connection, so transactions reuse its client (no new client per transaction)."""
    return CaselineItem._get_connection().connection


def partition_items(
    force_id: str, case_id: str, *kinds: type[CaselineItem], also: Condition | None = None
) -> list[CaselineItem]:
    """The items of one case (one strongly consistent Query): the designed read of every case use. With
    ``kinds``, the table returns only items of those kinds, and those ``also`` matches: the same read, a
    smaller answer to parse."""
    only = CaselineItem.entity.is_in(*kinds) if kinds else None
    if only is not None and also is not None:
        only |= also
    try:
        return list(CaselineItem.query(case_pk(force_id, case_id), filter_condition=only, consistent_read=True))
    except QueryError as exc:
        raise StorageUnavailableError() from exc


def by_prefix(kind: type[Item], pk: str, prefix: str, *, where: Condition | None = None) -> list[Item]:
    """The ``kind`` items of partition ``pk`` whose sort key starts with ``prefix`` (one strongly consistent
    Query; ``where`` filters it on the table's side)."""
    try:
        items = CaselineItem.query(pk, CaselineItem.sk.startswith(prefix), filter_condition=where, consistent_read=True)
        return [item for item in items if isinstance(item, kind)]
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


def transaction_outcome(exc: TransactWriteError, *, duplicate: int | None = None) -> WriteOutcome:
    """What a cancelled write transaction means: DUPLICATE when the item at index ``duplicate`` failed its
    condition (any item, when not given), CONFLICT when only another did; none did: the table is unavailable."""
    failed = failed_indexes(exc)
    if failed and (duplicate is None or duplicate in failed):
        return WriteOutcome.DUPLICATE
    if failed:
        return WriteOutcome.CONFLICT
    raise StorageUnavailableError() from exc


def lost_a_race(exc: TransactWriteError) -> bool:
    """The transaction was cancelled because another one was writing one of its items at the same time,
    and no condition failed: nothing was written, and reading again and retrying may succeed."""
    reasons = exc.cancellation_reasons or []
    return not failed_indexes(exc) and any(r is not None and r.code == _TRANSACTION_CONFLICT for r in reasons)


def is_condition_failed(error: PynamoDBException) -> bool:
    """A single PutItem, UpdateItem or DeleteItem was refused because its condition did not hold (an
    expected outcome, not an outage). For a transaction ask ``failed_indexes``."""
    return error.cause_response_code == _CONDITION_FAILED_EXCEPTION


def by_name(source: object, into: type[Into], **given: Any) -> Into:
    """``into`` built from ``given`` and, as they are, the fields of ``source`` it has under the same names:
    the one copy between a record and its item, either way. A field that changes type or name on the way is
    given, and so is one the copy must leave unset (None); so are an item's keys."""
    shared = _field_names(into) & _field_names(type(source))
    values = {name: getattr(source, name) for name in shared if name not in given}
    return cast("Callable[..., Into]", into)(**values, **given)


def on_case(source: Any, into: type[Item], *, sk: str, **given: Any) -> Item:
    """``by_name`` for an item on its case's partition: the key is the case of ``source`` (a record with a
    ``force_id`` and a ``case_id``), ``sk`` places it there."""
    return by_name(source, into, pk=case_pk(source.force_id, source.case_id), sk=sk, **given)


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(kind: type) -> frozenset[str]:
    """A record's fields (a dataclass) or an item's attributes (a PynamoDB model), worked out once a type."""
    if kind not in _FIELD_NAMES:
        found = (field.name for field in fields(kind)) if is_dataclass(kind) else kind.get_attributes()  # type: ignore[attr-defined]
        _FIELD_NAMES[kind] = frozenset(found)
    return _FIELD_NAMES[kind]
