"""Work-arounds for moto behaviour that differs from AWS under the local stack's concurrent load.

1. moto's DynamoDB stream shard numbers a record from ``len(items)`` and then appends it, with no lock:
   two writes served at the same time by moto's threaded server can get the same sequence number and a
   shard iterator then skips one of them.
2. moto's ``TransactWriteItems`` deep-copies every table it touches first and, when the transaction is
   cancelled (a normal event for Caseline's conditional writes), puts the copies back. Any write another
   thread made in between is lost, and the table gets a new stream shard object.

DynamoDB does neither, so the local stack serialises DynamoDB writes (one at a time, like a single
partition) and its stream pollers ask for a fresh iterator after the last sequence number they saw
instead of trusting a shard iterator across polls (see ``pollers.StreamPoller``).

3. That deep copy is also of the whole table, on every transaction: a burst of events slows down as the
   table grows. With writes serialised, the local stack checks every condition of a transaction first
   and only then lets moto apply it without the copy (a transaction that would fail never writes).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard, Table
from moto.dynamodbstreams.models import DynamoDBStreamsBackend

_LOCK = threading.RLock()
_WRITES = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "batch_write_item",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)
_applied = False


def _serialised(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(*args, **kwargs)

    return locked


def _cancellation(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Any] | None:
    """Every condition checked against the state before the transaction, as DynamoDB does."""
    reasons: list[Any] = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.get_table(op["TableName"])
        if op_type == "Put":
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        expression = op.get("ConditionExpression")
        if expression is None:
            reasons.append((None, None, None))
            continue
        condition = get_filter_expression(
            expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        )
        current = backend.get_item(op["TableName"], key)
        if condition.expr(current):
            reasons.append((None, None, None))
        else:
            old = (
                current.to_json()["Attributes"]
                if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                else None
            )
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
    return reasons if any(code is not None for code, _, _ in reasons) else None


class _NoTableCopies:
    """Stands in for the ``copy`` module inside moto's DynamoDB backend: tables are not copied."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _transact_write_items(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def checked(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        with _LOCK:
            if len(transact_items) <= 100:
                reasons = _cancellation(self, transact_items)
                if reasons is not None:
                    raise TransactionCanceledException(reasons)
            return original(self, transact_items)

    return checked


def _forgetting_used_iterators(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto keeps every shard iterator it ever issued; a used one is never needed again."""

    @functools.wraps(original)
    def get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> Any:
        result = original(self, iterator_arn, limit)
        self.shard_iterators.pop(iterator_arn, None)
        return result

    return get_records


def apply() -> None:
    global _applied
    if _applied:
        return
    for name in _WRITES:
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
    DynamoDBBackend.transact_write_items = _transact_write_items(DynamoDBBackend.transact_write_items)  # type: ignore[method-assign]
    dynamodb_models.copy = _NoTableCopies  # type: ignore[attr-defined,assignment]  # replaces the module moto imported
    DynamoDBStreamsBackend.get_records = _forgetting_used_iterators(DynamoDBStreamsBackend.get_records)  # type: ignore[method-assign]
    StreamShard.add = _serialised(StreamShard.add)  # type: ignore[method-assign]
    _applied = True
