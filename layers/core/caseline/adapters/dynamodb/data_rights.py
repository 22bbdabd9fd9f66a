"""Data rights over the single table: the account's links, case partitions, and unlinking a case.

Unlinking a case deletes, in one TransactWriteItems, the link (``USER#{user}`` / ``CASE#...``), the
membership (``CASE#...`` / ``MEMBER#{user}``), the delegation the account followed the case by, the
messages the user sent on that case (``MESSAGE#...`` items with their ``user_id``) and the account's messages
allowance there (``ALLOWANCE#MESSAGES#{user}``), ends each invitation the
account gave (as the victim's removal does, with the force's notice), and puts the erasure's
consultation-log entry. A transaction holds at most 100 items: with too many messages for one, the oldest go
first in transactions of their own, and the rest always go together in the last one — so a case is never
half-unlinked, and a failure part-way leaves the case linked for a retry.

The account's reports (``REPORTS#{user}`` on gsi1) are read through the report store; their answers are
opened with KMS only when the account downloads its data, so the key client is made on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from caseline.adapters.aws import client
from caseline.adapters.dynamodb.allowances import allowance_item
from caseline.adapters.dynamodb.base import by_prefix, connection, failed_indexes
from caseline.adapters.dynamodb.case_view import DynamoCaseReader, audit_item
from caseline.adapters.dynamodb.delegation import MOST_WRITES_ENDING, delegate_sk, end_delegation
from caseline.adapters.dynamodb.models import (
    CaseDelegateItem,
    CaseLinkItem,
    CaseMemberItem,
    MessageItem,
    case_pk,
)
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.dynamodb.victim_cases import DynamoVictimCaseReader
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline.domain.accounts import Unlinking
from caseline.domain.allowances import messages_of
from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import CasePartition, CaseSummary
from caseline.domain.reports import ReportRecord

MAX_TRANSACTION_ITEMS = 100
_LINK_MEMBER_AND_LOG = 5  # with the messages allowance, and the delegation the account followed the case by


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

    def forget_account(self, user_id: str) -> None:
        from caseline.adapters.dynamodb.insights import DynamoInsightsStore

        DynamoInsightsStore().forget_account(user_id)

    def linked_cases(self, user_id: str) -> list[CaseSummary]:
        return self._links.linked_cases(user_id)

    def read(self, force_id: str, case_id: str) -> CasePartition:
        return self._cases.read(force_id, case_id)

    def unlink(self, unlinking: Unlinking) -> int | None:
        user_id, erasure = unlinking.user_id, unlinking.erasure
        pk = case_pk(erasure.force_id, erasure.case_id)
        keys = self._message_keys(pk, user_id)
        room = MAX_TRANSACTION_ITEMS - _LINK_MEMBER_AND_LOG - MOST_WRITES_ENDING * len(unlinking.ending)
        early, last = (keys[:-room], keys[-room:]) if len(keys) > room else ([], keys)
        try:
            for start in range(0, len(early), MAX_TRANSACTION_ITEMS):
                with TransactWrite(connection=connection()) as transaction:
                    for sk in early[start : start + MAX_TRANSACTION_ITEMS]:
                        transaction.delete(MessageItem(pk, sk))
            with TransactWrite(connection=connection()) as transaction:
                # The first delete: index 0 of a cancelled transaction's reasons.
                transaction.delete(CaseLinkItem(f"USER#{user_id}", pk), condition=CaseLinkItem.pk.exists())
                transaction.delete(CaseMemberItem(pk, f"MEMBER#{user_id}"))
                transaction.delete(allowance_item(erasure.force_id, erasure.case_id, messages_of(user_id)))
                if unlinking.followed is not None:  # a delegate's closed account follows nobody's case any more
                    transaction.delete(CaseDelegateItem(pk, delegate_sk(unlinking.followed.delegation_id)))
                for delegation, notice in unlinking.ending:
                    end_delegation(transaction, delegation, notice)
                for sk in last:
                    transaction.delete(MessageItem(pk, sk))
                transaction.save(audit_item(erasure))
        except TransactWriteError as exc:
            if 0 in failed_indexes(exc):
                return None  # the link was gone already: another close got there first
            raise StorageUnavailableError() from exc
        return len(keys)

    @staticmethod
    def _message_keys(pk: str, user_id: str) -> list[str]:
        """Sort keys of the user's messages on the case, oldest first (read exactly as stored)."""
        items = by_prefix(MessageItem, pk, "MESSAGE#", where=MessageItem.user_id == user_id)
        return [item.sk for item in items if item.user_id == user_id]
