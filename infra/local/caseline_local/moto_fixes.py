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
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard

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


def apply() -> None:
    global _applied
    if _applied:
        return
    for name in _WRITES:
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
    StreamShard.add = _serialised(StreamShard.add)  # type: ignore[method-assign]
    _applied = True
