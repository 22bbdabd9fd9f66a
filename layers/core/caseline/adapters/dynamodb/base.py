"""The pieces every DynamoDB adapter shares: the models' connection, the partition read, and which
items of a cancelled transaction failed their condition."""

from __future__ import annotations

from pynamodb.connection import Connection
from pynamodb.exceptions import QueryError, TransactWriteError

from caseline.adapters.dynamodb.models import CaselineItem, case_pk
from caseline.domain.errors import StorageUnavailableError

_CONDITION_FAILED = "ConditionalCheckFailed"


def connection() -> Connection:
    """The models' own connection, so transactions reuse its client (no new client per transaction)."""
    return CaselineItem._get_connection().connection


def partition_items(force_id: str, case_id: str) -> list[CaselineItem]:
    """Every item of one case (one strongly consistent Query): the designed read of every case use."""
    try:
        return list(CaselineItem.query(case_pk(force_id, case_id), consistent_read=True))
    except QueryError as exc:
        raise StorageUnavailableError() from exc


def failed_indexes(exc: TransactWriteError) -> list[int]:
    reasons = exc.cancellation_reasons or []
    return [i for i, reason in enumerate(reasons) if reason is not None and reason.code == _CONDITION_FAILED]
