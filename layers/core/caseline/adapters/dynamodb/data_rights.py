"""Data rights over the single table: the account's links, case partitions, and unlinking a case.

Unlinking a case deletes, in one TransactWriteItems, the link (``USER#{user}`` / ``CASE#...``), the
membership (``CASE#...`` / ``MEMBER#{user}``) and the messages the user sent on that case
(``MESSAGE#...`` items with their ``user_id``), and puts the erasure's consultation-log entry. A
transaction holds at most 100 items: if the user sent more than 97 messages on one case, the oldest go
first in transactions of their own, and the link and membership always go together in the last one —
so a case is never half-unlinked, and a failure part-way leaves the case linked for a retry.

The account's reports (``REPORTS#{user}`` on gsi1) are read through the report store; their answers are
opened with KMS only when the account downloads its data, so the key client is made on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from pynamodb.exceptions import QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.aws import client
from caseline.adapters.dynamodb.base import connection, failed_indexes
from caseline.adapters.dynamodb.case_view import DynamoCaseReader, audit_item
from caseline.adapters.dynamodb.models import (
    CaseDelegateItem,
    CaselineItem,
    CaseLinkItem,
    CaseMemberItem,
    MessageItem,
    case_pk,
)
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.dynamodb.victim_cases import DynamoVictimCaseReader
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline.domain.delegation import Delegation
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.outbound import OutboundEvent
from caseline.domain.records import AuditEntry, CasePartition, CaseSummary
from caseline.domain.reports import ReportRecord

MAX_TRANSACTION_ITEMS = 100
_LINK_MEMBER_AND_LOG = 4  # and the delegation, when the account followed the case for a victim


def _table_key_sealer() -> KmsFieldSealer:
    return KmsFieldSealer(client("kms"), key_id=get_settings().data_key_id)


class DynamoDataRightsStore:
    def __init__(self, sealer: Callable[[], KmsFieldSealer] = _table_key_sealer) -> None:
        self._links = DynamoVictimCaseReader()
        self._cases = DynamoCaseReader()
        self._sealer = sealer

    @cached_property
    def _reports(self) -> DynamoReportStore:
        return DynamoReportStore(self._sealer())

    def my_reports(self, user_id: str) -> list[ReportRecord]:
        return self._reports.every_report_of(user_id)

    def report_answers(self, record: ReportRecord) -> dict[str, Any]:
        opened = self._reports.open(record.force_id, record.reference)
        return opened[1] if opened else {}

    def detach_report(self, user_id: str, record: ReportRecord) -> bool:
        return self._reports.detach(user_id, record)

    def end_delegation(self, delegation: Delegation, notice: OutboundEvent) -> bool:
        from caseline.adapters.dynamodb.delegation import DynamoDelegationStore

        return DynamoDelegationStore().remove(delegation, notice)

    def forget_account(self, user_id: str) -> None:
        from caseline.adapters.dynamodb.insights import DynamoInsightsStore

        DynamoInsightsStore().forget_account(user_id)

    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return self._links.linked_cases(user_id)

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self._cases.read(force_id, case_id)

    def unlink(self, user_id: str, force_id: str, case_id: str, erasure: AuditEntry) -> int | None:
        pk = case_pk(force_id, case_id)
        keys = self._message_keys(pk, user_id)
        delegations = self._delegations(pk, user_id)
        room = MAX_TRANSACTION_ITEMS - _LINK_MEMBER_AND_LOG
        early, last = (keys[:-room], keys[-room:]) if len(keys) > room else ([], keys)
        try:
            for start in range(0, len(early), MAX_TRANSACTION_ITEMS):
                with TransactWrite(connection=connection()) as transaction:
                    for sk in early[start : start + MAX_TRANSACTION_ITEMS]:
                        transaction.delete(MessageItem(pk, sk))
            with TransactWrite(connection=connection()) as transaction:
                transaction.delete(CaseLinkItem(f"USER#{user_id}", pk), condition=CaseLinkItem.pk.exists())
                transaction.delete(CaseMemberItem(pk, f"MEMBER#{user_id}"))
                for sk in delegations:  # a delegate's closed account follows nobody's case any more
                    transaction.delete(CaseDelegateItem(pk, sk))
                for sk in last:
                    transaction.delete(MessageItem(pk, sk))
                transaction.save(audit_item(erasure))
        except TransactWriteError as exc:
            if 0 in failed_indexes(exc):
                return None  # the link was gone already: another close got there first
            raise StorageUnavailableError() from exc
        return len(keys)

    @staticmethod
    def _delegations(pk: str, user_id: str) -> list[str]:
        """Sort keys of the delegations this account took up on the case (one Query of ``DELEGATE#``)."""
        try:
            items = CaselineItem.query(pk, CaselineItem.sk.startswith("DELEGATE#"), consistent_read=True)
            return [i.sk for i in items if isinstance(i, CaseDelegateItem) and i.user_id == user_id]
        except QueryError as exc:
            raise StorageUnavailableError() from exc

    @staticmethod
    def _message_keys(pk: str, user_id: str) -> list[str]:
        """Sort keys of the user's messages on the case, oldest first (read exactly as stored)."""
        try:
            items = CaselineItem.query(
                pk,
                CaselineItem.sk.startswith("MESSAGE#"),
                filter_condition=MessageItem.user_id == user_id,
                consistent_read=True,
            )
            return [item.sk for item in items if isinstance(item, MessageItem) and item.user_id == user_id]
        except QueryError as exc:
            raise StorageUnavailableError() from exc
