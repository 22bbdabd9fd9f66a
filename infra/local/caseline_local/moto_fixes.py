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
4. moto keeps every shard iterator it ever issued, including the ``NextShardIterator`` of every
   GetRecords, and every stream record for ever (DynamoDB keeps them 24 hours). Polled ten times a
   second, that grew the state by tens of megabytes in twenty minutes. Used iterators and the next
   iterators the pollers never use are forgotten, at most ``ITERATORS_KEPT`` others are kept, and
   ``trim_stream`` drops records every consumer has read.
5. DynamoDB Streams has no long polling, so stream pollers would have to poll often to keep latency low.
   ``STREAM_WRITES`` is signalled on every stream record, so an idle poller sleeps until there is work.
   (Queue pollers need no such help: moto's SQS honours ``WaitTimeSeconds``.)
6. moto answers every Query by sorting and walking the whole table (``Table.all_items``), so each Query
   slowed as the table grew: a burst of a thousand events queued minutes of work behind it. The local
   stack gives moto's Query only the items that can match: the key's partition, or, for a global
   secondary index, the items whose index key has the asked-for value (an index map rebuilt only after a
   write). moto still applies every condition itself. Reads are serialised with the writes, which also
   stops "dictionary changed size during iteration" when a Query walks the table during a write.
7. moto turns each DynamoDB and DynamoDB Streams answer into JSON by walking botocore's model of the
   operation, value by value: for the item-carrying answers (a case partition, a page of stream records)
   that took a fifth of the stack's time. Those answers are plain JSON already (DynamoDB's typed
   values, numbers as strings), so ``json.dumps`` writes them, with binary values in base64 and
   timestamps as epoch seconds, as botocore's JSON protocol expects.
9. moto keeps every model object it ever created (every stream record, shard iterator, item copy, queue
   message, email) in a class-level ``instances_tracked`` list, for its ``/moto-api/data.json`` dump,
   which the local stack does not read. A 30-minute soak grew the stack's process by 2.5 GiB that way;
   the stack turns the tracking off, so objects are freed when moto drops them.
8. moto finds the service of every request by trying each of its hundreds of URL patterns against the
   host (``127.0.0.1:port`` matches none) and listing its own modules on disk: the answer for a host
   never changes, so it is remembered.
10. moto answers ``ForgotPassword`` with 200 for an account that has no verified email or phone, and its
   ``ConfirmForgotPassword`` then takes any code: locally, anyone could reset a high-risk victim's
   password (their email is unverified on purpose, see ``services.account_recovery``). Cognito refuses
   ``ForgotPassword`` for such an account (``InvalidParameterException``) and has no code to confirm, so
   the local stack does the same. moto still takes any code for an account it did send one to (no email
   is sent locally, so there is no other way to finish a local reset). moto's ``ConfirmSignUp`` also
   left the email unverified, where Cognito verifies an auto-verified email with the code: it now does.
   moto has no ``ResendConfirmationCode`` (a victim who signs up again before confirming gets a new code):
   it answered 500. It now answers as Cognito does, where the code went (any code confirms in moto).
11. moto's ``AdminUserGlobalSignOut`` revokes only the tokens issued to the exact name it is given. A user
   who signed in with their email (the pool's username attribute) and is signed out by their ``sub``
   (as Cognito allows, and as the victim API does) kept a working refresh token. ``sign_out_every_name``
   revokes every token of the user the name resolves to.
12. A burst spent most of the stack's CPU in a few moto hot paths (see docs/performance.md): every
   Query sorted its partition twice comparing ``DynamoType`` values, ``DynamoType.size`` and
   ``cast_value`` walk a chain of method calls per value (and an item's size is summed again for every
   attribute set, when an item is built or updated), a global secondary index map was built from the
   whole table sorted, every condition expression was lexed again, and every request listed its
   response class's methods with ``inspect``. The same results come from cheaper code: ``hot_paths``.
   Two more: every update expression was parsed twice per request (moto's validator works on a deep copy,
   so one parsed tree per text serves all), and every Query deep-copied the items it found before
   answering. A DynamoDB request is now answered under the lock from start to JSON, so no write can change
   an item while it is read, and the answer reads the stored items themselves (nothing in moto's read path
   changes an item it returns: projections build new ones).
10. moto makes an RSA-2048 private key for every KMS key, symmetric and HMAC ones too, and imports the
   same Cognito signing key (``jwks-private.json``) again for every user pool: about a second of CPU for
   each stack provisioned, paid by every functional test. ``cache_keys`` makes one of each per process
   (they sign nothing Caseline checks differently per key).
13. Each stored item holds its own copy of every attribute name, and of every value, as its request's JSON
   was parsed: a soak's 58,000 items repeat ``force_id``, ``thames-valley``, ``sent`` and their like tens of
   thousands of times, and the stack's memory grew with them. Names and string values of up to
   ``SHARED_STRING_CHARS`` characters are interned as an attribute is set (Python frees an interned string
   when nothing holds it).
"""

from __future__ import annotations

import base64
import calendar
import copy
import functools
import json
import sys
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from joserfc import jwk
from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core import responses as moto_responses
from moto.core.common_models import BaseModel
from moto.core.responses import ActionResult
from moto.core.utils import method_names_from_class
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.comparisons import ConditionExpressionParser, get_filter_expression
from moto.dynamodb.exceptions import ItemSizeTooLarge, TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as table_models
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import StreamShard, Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.kms import models as kms_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_LOCK = threading.RLock()
_READS = ("query", "scan", "batch_get_item", "transact_get_items", "get_item")
_writes_done = 0  # bumped after every write: a GSI map built before it is stale
ITERATORS_KEPT = 1000
SHARED_STRING_CHARS = 40  # values this short (ids, statuses, times) are kept once however many items hold them


class WriteSignal:
    """A counter pollers can wait on: ``wait(seen, timeout)`` returns as soon as it moves past ``seen``."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.count = 0

    def notify(self) -> None:
        with self._condition:
            self.count += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._condition:
            self._condition.wait_for(lambda: self.count != seen, timeout=timeout)
            return self.count


STREAM_WRITES = WriteSignal()
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


def _serialised_write(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def locked(*args: Any, **kwargs: Any) -> Any:
        global _writes_done
        with _LOCK:
            try:
                return original(*args, **kwargs)
            finally:
                _writes_done += 1

    return locked


def _partition(table: Table, hash_key: Any) -> list[Item]:
    """The partition's items in range key order (moto sorts them again: a sorted list costs it little)."""
    found = table.items.get(hash_key)
    if found is None:
        return []
    if not table.range_key_attr:
        return [found]  # type: ignore[list-item]
    return sorted(found.values(), key=lambda item: item.range_key.cast_value)


def _index_candidates(table: Table, index_name: str, hash_key: Any) -> list[Item] | None:
    """Items whose index hash key equals ``hash_key`` (None: not a single-attribute index key)."""
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    hash_attrs = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
    if len(hash_attrs) != 1 or hash_key is None:
        return None
    cache = table.__dict__.setdefault("_caseline_index_maps", {})
    built_at, by_value = cache.get(index_name, (-1, {}))
    if built_at != _writes_done:
        by_value = {}
        stored: Any
        for stored in table.items.values():  # not all_items(): moto sorts the index's candidates itself
            for item in stored.values() if table.range_key_attr else [stored]:
                value = item.attrs.get(hash_attrs[0])
                if value is not None:
                    by_value.setdefault(value, []).append(item)
        cache[index_name] = (_writes_done, by_value)
    return list(by_value.get(hash_key, []))


def _narrowed_query(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        with _LOCK:
            candidates = _index_candidates(self, index_name, hash_key) if index_name else _partition(self, hash_key)
            if candidates is None or "all_items" in self.__dict__:
                return original(self, hash_key, *args, **kwargs)
            self.all_items = lambda: candidates  # type: ignore[method-assign]
            try:
                return original(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    return query


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
    """moto keeps every shard iterator it ever issued; a used one is never needed again, and the local
    stack's pollers ask for a fresh iterator on each read, so the next one is not needed either."""

    @functools.wraps(original)
    def get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> Any:
        with _LOCK:
            result = original(self, iterator_arn, limit)
        self.shard_iterators.pop(iterator_arn, None)
        self.shard_iterators.pop(result.get("NextShardIterator", ""), None)
        return result

    return get_records


def _bounded_iterators(original: Callable[..., Any]) -> Callable[..., Any]:
    """Iterators a client asked for and never used are forgotten, oldest first, past ITERATORS_KEPT."""

    @functools.wraps(original)
    def get_shard_iterator(self: DynamoDBStreamsBackend, *args: Any, **kwargs: Any) -> Any:
        iterator = original(self, *args, **kwargs)
        excess = len(self.shard_iterators) - ITERATORS_KEPT
        if excess > 0:
            for arn in list(self.shard_iterators)[:excess]:
                self.shard_iterators.pop(arn, None)
        return iterator

    return get_shard_iterator


def _signalling(original: Callable[..., Any], signal: WriteSignal) -> Callable[..., Any]:
    @functools.wraps(original)
    def added(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        signal.notify()
        return result

    return added


_FAST_JSON = frozenset(
    {
        ("dynamodb", "Query"),
        ("dynamodb", "Scan"),
        ("dynamodb", "GetItem"),
        ("dynamodb", "BatchGetItem"),
        ("dynamodb", "TransactGetItems"),
        ("dynamodb", "PutItem"),
        ("dynamodb", "UpdateItem"),
        ("dynamodb", "DeleteItem"),
        ("dynamodbstreams", "GetRecords"),
    }
)


def json_value(value: Any) -> Any:
    """``json.dumps``' default for moto's values: bytes in base64, datetimes in epoch seconds."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        seconds = calendar.timegm(value.utctimetuple())
        return seconds + (value.microsecond // 1000) / 1000.0 if value.microsecond else seconds
    raise TypeError(type(value).__name__)


def _fast_json(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def execute_result(self: ActionResult, context: Any) -> Any:
        operation = (context.service_model.service_name, context.operation_model.name)
        if operation not in _FAST_JSON or not isinstance(self.result, dict):
            return original(self, context)
        content_type = f"application/x-amz-json-{context.service_model.metadata.get('jsonVersion', '1.0')}"
        body = json.dumps(self.result, default=json_value, separators=(",", ":"))
        return 200, {"Content-Type": content_type}, body

    return execute_result


def _remembered_hosts(original: Callable[..., Any]) -> Callable[..., Any]:
    known: dict[str | None, Any] = {}

    @functools.wraps(original)
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in known:
            known[host] = original(self, host)
        return known[host]

    return get_backend_for_host


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    """``BaseModel.__new__`` without appending the instance to ``cls.instances_tracked``."""
    return object.__new__(cls)


def sign_out_every_name(original: Callable[..., Any]) -> Callable[..., Any]:
    """``CognitoIdpUserPool.sign_out`` for every name (email, sub) the user's tokens were issued to."""

    @functools.wraps(original)
    def sign_out(self: CognitoIdpUserPool, username: str) -> None:
        original(self, username)
        user = self._get_user(username)
        if user is None:
            return
        issued_to = {entry[1] for entry in self.refresh_tokens.values() if entry is not None}
        issued_to |= {entry[1] for entry in self.access_tokens.values()}
        for name in issued_to - {username}:
            if self._get_user(name) is user:
                original(self, name)

    return sign_out


def trim_stream(table: Table, read_up_to: int) -> int:
    """Drop the stream records of ``table`` with sequence numbers up to ``read_up_to`` (records every
    consumer has read); sequence numbers carry on unchanged. Returns how many were dropped."""
    with _LOCK:
        shard = table.stream_shard
        if shard is None:
            return 0
        count = min(len(shard.items), max(0, read_up_to - shard.starting_sequence_number + 1))
        if count:
            del shard.items[:count]
            shard.starting_sequence_number += count
        return count


_SETS = ("SS", "NS", "BS")


def _value_size(value: DynamoType) -> int:
    """``DynamoType.size`` without a method call per check (the same sizes)."""
    kind, raw = value.type, value.value
    if kind == "N":
        return len(str(raw))
    if kind in _SETS:
        return sum(len(str(v)) if kind == "NS" else bytesize(v) for v in raw)
    if kind == "L":
        return sum(_value_size(v) for v in raw)
    if kind == "M":
        return sum(bytesize(k) + _value_size(v if type(v) is DynamoType else DynamoType(v)) for k, v in raw.items())
    return 1 if isinstance(raw, bool) else bytesize(raw)


def _cast_value(value: DynamoType) -> Any:
    """``DynamoType.cast_value`` (the Python value compared and hashed) with one test per type."""
    kind, raw = value.type, value.value
    if kind == "N":
        return Decimal(raw)
    if kind in _SETS:
        return {DynamoType({kind[0]: v}).cast_value for v in raw}
    if kind == "L":
        return [DynamoType(v).cast_value for v in raw]
    if kind == "M":
        return {k: DynamoType(v).cast_value for k, v in raw.items()}
    return None if kind == "NULL" else raw


def _size_of(value: Any) -> int:
    return _value_size(value) if type(value) is DynamoType else bytesize(str(value))


def _limited_set(self: LimitedSizeDict, key: str, value: Any) -> None:
    """``LimitedSizeDict.__setitem__``: refuse an item past DynamoDB's size limit (moto's 405,000 bytes).
    The attribute's name, and a short string value, are kept as one shared string (item 13)."""
    if sum(_size_of(k) + _size_of(v) for k, v in self.items()) + bytesize(key) + _size_of(value) > 405000:
        raise ItemSizeTooLarge
    if type(value) is DynamoType and type(value.value) is str and len(value.value) <= SHARED_STRING_CHARS:
        value.value = sys.intern(value.value)
    dict.__setitem__(self, sys.intern(key), value)


def _lexed_once(original: Callable[..., Any]) -> Callable[..., Any]:
    """A condition expression's tokens depend on its text only: lex each text once (copies handed out)."""
    known: dict[str, tuple[Any, ...]] = {}

    @functools.wraps(original)
    def lex(self: ConditionExpressionParser) -> deque[Any]:
        text = self.condition_expression or ""
        nodes = known.get(text)
        if nodes is None:
            nodes = tuple(original(self))
            if len(known) < ITERATORS_KEPT:
                known[text] = nodes
        return deque(node._replace(children=list(node.children)) for node in nodes)

    return lex


def _parsed_once(original: Callable[..., Any]) -> Callable[..., Any]:
    """A condition's or filter's tree depends on its text, names and values only, and moto only reads it
    (its nodes keep what their constructors were given): parse each combination once. The texts with
    constant values (``attribute_not_exists(pk)``, a Query's filter on the item kind) are the common ones."""

    @functools.lru_cache(maxsize=ITERATORS_KEPT)
    def parsed(expression: str, names: str, values: str) -> Any:
        return original(expression, json.loads(names), json.loads(values))

    @functools.wraps(original)
    def get_filter_expression(expression: str | None, names: Any, values: Any) -> Any:
        if not expression:
            return original(expression, names, values)
        return parsed(expression, json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True))

    return get_filter_expression


class _ItemsShared:
    """Stands in for the ``copy`` module inside moto's table module: a Query or Scan hands out the stored
    items (its request is answered under the lock), other values are still deep-copied."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if type(value) is Item:
            return value
        if type(value) is list and all(type(item) is Item for item in value):
            return list(value)
        return copy.deepcopy(value, memo)


def hot_paths() -> None:
    """Cheaper code with moto's results for its hot paths under a burst (item 12)."""
    DynamoHandler.call_action = _serialised(DynamoHandler.call_action)  # type: ignore[method-assign]
    table_models.copy = _ItemsShared  # type: ignore[attr-defined,assignment]  # replaces the module moto imported
    UpdateExpressionParser.make = staticmethod(functools.lru_cache(maxsize=ITERATORS_KEPT)(UpdateExpressionParser.make))
    DynamoType.size = _value_size  # type: ignore[method-assign,assignment]
    DynamoType.cast_value = property(_cast_value)  # type: ignore[method-assign,assignment]
    LimitedSizeDict.__setitem__ = _limited_set  # type: ignore[method-assign]
    ConditionExpressionParser._lex_condition_expression = _lexed_once(  # type: ignore[method-assign]
        ConditionExpressionParser._lex_condition_expression
    )
    moto_responses.method_names_from_class = functools.cache(method_names_from_class)  # type: ignore[attr-defined]
    dynamodb_models.get_filter_expression = _parsed_once(dynamodb_models.get_filter_expression)  # type: ignore[attr-defined]


def _has_verified_channel(user: CognitoIdpUser) -> bool:
    return "true" in (user.attribute_lookup.get("email_verified"), user.attribute_lookup.get("phone_number_verified"))


def _pool_user(backend: CognitoIdpBackend, client_id: str, username: str) -> CognitoIdpUser | None:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            user: CognitoIdpUser | None = pool._get_user(username)
            return user
    return None


def _recovery_needs_a_verified_channel(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def forgot_password(self: CognitoIdpBackend, client_id: str, username: str) -> Any:
        user = _pool_user(self, client_id, username)
        if user is not None and not _has_verified_channel(user):
            user.confirmation_code = None  # an earlier code no longer counts either
            raise InvalidParameterException(
                "Cannot reset password for the user as there is no registered/verified email or phone_number"
            )
        return original(self, client_id, username)

    return forgot_password


def _only_after_a_code_was_sent(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def confirm_forgot_password(
        self: CognitoIdpBackend, client_id: str, username: str, password: str, confirmation_code: str
    ) -> Any:
        user = _pool_user(self, client_id, username)
        if user is not None and user.confirmation_code is None:
            raise CodeMismatchException("Invalid verification code provided, please try again.")
        return original(self, client_id, username, password, confirmation_code)

    return confirm_forgot_password


def _confirming_verifies_the_email(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def confirm_sign_up(self: CognitoIdpBackend, client_id: str, username: str) -> Any:
        answer = original(self, client_id, username)
        for pool in self.user_pools.values():
            if client_id in pool.clients and "email" in (pool.extended_config.get("AutoVerifiedAttributes") or []):
                user = pool._get_user(username)
                if user is not None and user.attribute_lookup.get("email"):
                    user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        return answer

    return confirm_sign_up


def _resend_confirmation_code(self: CognitoIdpResponse) -> ActionResult:
    client_id, username = self._get_param("ClientId"), self._get_param("Username")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    user = pool._get_user(username)
    if user is None:
        raise UserNotFoundError(username)
    email = str(user.attribute_lookup.get("email") or "")
    destination = f"{email[:1]}***@{email.partition('@')[2]}" if "@" in email else "***"
    details = {"Destination": destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    return ActionResult({"CodeDeliveryDetails": details})


def cache_keys() -> None:
    """One RSA key for every KMS key that is not asymmetric, one import of moto's Cognito key (item 10)."""
    if isinstance(cognito_models.jwk, SimpleNamespace):  # type: ignore[attr-defined]
        return
    imported: dict[str, Any] = {}

    def import_once(value: dict[str, Any]) -> Any:
        text = json.dumps(value, sort_keys=True)
        if text not in imported:
            imported[text] = jwk.RSAKey.import_key(value)
        return imported[text]

    made: dict[str, Any] = {}
    kms_models.generate_private_key = functools.partial(_one_key_per_spec, kms_models.generate_private_key, made)  # type: ignore[attr-defined]
    cognito_models.jwk = SimpleNamespace(RSAKey=SimpleNamespace(import_key=import_once))  # type: ignore[attr-defined,assignment]


def _one_key_per_spec(generate: Callable[[str], Any], made: dict[str, Any], key_spec: str) -> Any:
    spec = key_spec if key_spec.startswith(("RSA_", "ECC_")) else "SYMMETRIC_DEFAULT"
    if spec not in made:
        made[spec] = generate(spec)
    return made[spec]


def apply() -> None:
    global _applied
    if _applied:
        return
    for name in _WRITES:
        setattr(DynamoDBBackend, name, _serialised_write(getattr(DynamoDBBackend, name)))
    for name in _READS:
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
    Table.query = _narrowed_query(Table.query)  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items(DynamoDBBackend.transact_write_items)  # type: ignore[method-assign]
    dynamodb_models.copy = _NoTableCopies  # type: ignore[attr-defined,assignment]  # replaces the module moto imported
    DynamoDBStreamsBackend.get_records = _forgetting_used_iterators(DynamoDBStreamsBackend.get_records)  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_shard_iterator = _bounded_iterators(DynamoDBStreamsBackend.get_shard_iterator)  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _remembered_hosts(  # type: ignore[method-assign]
        DomainDispatcherApplication.get_backend_for_host
    )
    BaseModel.__new__ = _untracked_new  # type: ignore[method-assign]
    ActionResult.execute_result = _fast_json(ActionResult.execute_result)  # type: ignore[method-assign]
    StreamShard.add = _signalling(_serialised(StreamShard.add), STREAM_WRITES)  # type: ignore[method-assign]
    CognitoIdpBackend.forgot_password = _recovery_needs_a_verified_channel(CognitoIdpBackend.forgot_password)  # type: ignore[method-assign]
    CognitoIdpBackend.confirm_forgot_password = _only_after_a_code_was_sent(  # type: ignore[method-assign]
        CognitoIdpBackend.confirm_forgot_password
    )
    CognitoIdpBackend.confirm_sign_up = _confirming_verifies_the_email(CognitoIdpBackend.confirm_sign_up)  # type: ignore[method-assign]
    CognitoIdpUserPool.sign_out = sign_out_every_name(CognitoIdpUserPool.sign_out)  # type: ignore[method-assign]
    CognitoIdpResponse.resend_confirmation_code = _resend_confirmation_code  # type: ignore[attr-defined]
    cache_keys()
    hot_paths()
    _applied = True
